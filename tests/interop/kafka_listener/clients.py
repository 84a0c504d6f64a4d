"""confluent-kafka (librdkafka bundled in the wheel) against `careflow up`'s Kafka listener.

    python clients.py produce BOOTSTRAP TOPIC         records with keys, headers and set timestamps
    python clients.py group BOOTSTRAP TOPIC GROUP N   a Consumer with group.id: reads N records,
                                                      commits them, prints "offset value" lines
    python clients.py admin BOOTSTRAP                 AdminClient: creates, describes and deletes a
                                                      topic, prints what it saw
    python clients.py groups BOOTSTRAP TOPIC GROUP    AdminClient: lists and describes a group while
                                                      a Consumer is its member, and after it left
Exits 1 on any delivery or consume error.
"""
import sys
import time

from confluent_kafka import Consumer, ConsumerGroupState, KafkaException, Producer
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic


def produce(bootstrap: str, topic: str) -> int:
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(str(err))

    for i in range(6):
        producer.produce(topic, key=f"py-{i}", value=f"value-{i}", timestamp=1_000 * (i + 1),
                         headers=[("n", str(i).encode()), ("from", b"confluent-kafka")], on_delivery=delivered)
    producer.flush(15)
    if failures:
        print("produce:", failures, file=sys.stderr)
        return 1
    return 0


def group(bootstrap: str, topic: str, group_id: str, count: int) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group_id, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "session.timeout.ms": 6000})
    consumer.subscribe([topic])
    got = 0
    deadline = time.time() + 30
    try:
        while got < count and time.time() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                print("group:", message.error(), file=sys.stderr)
                return 1
            value = message.value()
            print(message.offset(), "null" if value is None else value.decode())
            got += 1
        consumer.commit(asynchronous=False)
    finally:
        consumer.close()
    return 0 if got == count else 1


def admin(bootstrap: str) -> int:
    client = AdminClient({"bootstrap.servers": bootstrap})
    topic = NewTopic("it.admin", num_partitions=3, replication_factor=1, config={"retention.ms": "3600000"})
    client.create_topics([topic])["it.admin"].result(15)
    try:
        client.create_topics([NewTopic("it.admin", num_partitions=1)])["it.admin"].result(15)
        print("created twice")
    except KafkaException as e:
        print("again:", e.args[0].name())
    try:
        client.create_topics([NewTopic("it.bad", num_partitions=1, config={"no.such.setting": "1"})])["it.bad"].result(15)
    except KafkaException as e:
        print("bad config:", e.args[0].name())
    metadata = client.list_topics(timeout=15)
    print("partitions:", len(metadata.topics["it.admin"].partitions))
    resource = ConfigResource(ConfigResource.Type.TOPIC, "it.admin")
    configs = client.describe_configs([resource])[resource].result(15)
    print("retention.ms:", configs["retention.ms"].value)
    client.delete_topics(["it.admin"])["it.admin"].result(15)
    print("deleted:", "it.admin" not in client.list_topics(timeout=15).topics)
    return 0


def describe_group(client: AdminClient, group_id: str) -> str:
    d = client.describe_consumer_groups([group_id])[group_id].result(15)
    members = [
        f"{m.client_id}@{m.host}:{sorted(f'{tp.topic}/{tp.partition}' for tp in m.assignment.topic_partitions)}"
        for m in d.members
    ]
    return f"{d.state.name} {d.partition_assignor or '-'} {members}"


def groups(bootstrap: str, topic: str, group_id: str) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group_id, "client.id": "it-member",
                         "auto.offset.reset": "earliest", "session.timeout.ms": 6000})
    consumer.subscribe([topic])
    deadline = time.time() + 30
    while not consumer.assignment() and time.time() < deadline:
        consumer.poll(0.2)
    client = AdminClient({"bootstrap.servers": bootstrap})
    listed = client.list_consumer_groups().result(15)
    states = {g.group_id: g.state.name for g in listed.valid}
    print("listed:", states.get(group_id), "and committed-only it-py-group:", states.get("it-py-group"))
    stable = client.list_consumer_groups(states={ConsumerGroupState.STABLE}).result(15)
    print("stable only:", sorted(g.group_id for g in stable.valid))
    print("while a member:", describe_group(client, group_id))
    consumer.close()
    print("after it left:", describe_group(client, group_id))
    print("never seen:", describe_group(client, "it.no-such-group"))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "admin":
        sys.exit(admin(sys.argv[2]))
    if sys.argv[1] == "groups":
        sys.exit(groups(sys.argv[2], sys.argv[3], sys.argv[4]))
    command = sys.argv[1]
    if command == "produce":
        sys.exit(produce(sys.argv[2], sys.argv[3]))
    sys.exit(group(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
