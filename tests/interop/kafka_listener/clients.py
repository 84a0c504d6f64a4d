"""confluent-kafka (librdkafka bundled in the wheel) against `careflow up`'s Kafka listener.

    python clients.py produce BOOTSTRAP TOPIC         records with keys, headers and set timestamps
    python clients.py group BOOTSTRAP TOPIC GROUP N   a Consumer with group.id: reads N records,
                                                      commits them, prints "offset value" lines
    python clients.py admin BOOTSTRAP                 AdminClient: creates, describes and deletes a
                                                      topic, prints what it saw
    python clients.py groups BOOTSTRAP TOPIC GROUP    AdminClient: lists and describes a group while
                                                      a Consumer is its member, and after it left
    python clients.py transactions BOOTSTRAP          transactional producers: commit, abort, a
                                                      consume-transform-produce step with
                                                      send_offsets_to_transaction, fencing; prints
                                                      what read_committed consumers see
Exits 1 on any delivery or consume error.
"""
import sys
import time

from confluent_kafka import Consumer, ConsumerGroupState, KafkaException, Producer, TopicPartition
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


def read_committed(bootstrap: str, topic: str, count: int) -> list:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"it-reader-{time.time()}",
                         "auto.offset.reset": "earliest", "isolation.level": "read_committed",
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    values = []
    deadline = time.time() + 20
    while len(values) < count and time.time() < deadline:
        message = consumer.poll(0.3)
        if message is not None and not message.error():
            values.append(message.value().decode())
    # Anything beyond `count` (an aborted record leaking through) shows up here.
    end = time.time() + 1.5
    while time.time() < end:
        message = consumer.poll(0.3)
        if message is not None and not message.error():
            values.append(message.value().decode())
    consumer.close()
    return values


def transactions(bootstrap: str) -> int:
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": "it-txn", "linger.ms": 5})
    producer.init_transactions(15)
    producer.begin_transaction()
    for i in range(3):
        producer.produce("it.txn", key=f"k{i}", value=f"committed-{i}")
    producer.commit_transaction(15)
    producer.begin_transaction()
    producer.produce("it.txn", value="aborted-0")
    producer.produce("it.txn", value="aborted-1")
    producer.flush(15)
    producer.abort_transaction(15)
    producer.begin_transaction()
    producer.produce("it.txn", value="committed-3")
    producer.commit_transaction(15)
    print("it.txn:", read_committed(bootstrap, "it.txn", 4))

    # Consume-transform-produce: the output and the input's offsets in one transaction.
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "it-txn-group", "auto.offset.reset": "earliest",
                         "isolation.level": "read_committed", "enable.auto.commit": False})
    consumer.subscribe(["it.txn"])
    taken = []
    deadline = time.time() + 20
    while len(taken) < 4 and time.time() < deadline:
        message = consumer.poll(0.3)
        if message is not None and not message.error():
            taken.append(message)
    producer.begin_transaction()
    for message in taken:
        producer.produce("it.txn.out", value=message.value().decode().upper())
    producer.send_offsets_to_transaction(consumer.position(consumer.assignment()), consumer.consumer_group_metadata(), 15)
    producer.commit_transaction(15)
    consumer.close()
    committed = Consumer({"bootstrap.servers": bootstrap, "group.id": "it-txn-group"})
    offsets = committed.committed([TopicPartition("it.txn", 0)], 15)
    committed.close()
    print("it.txn.out:", read_committed(bootstrap, "it.txn.out", 4))
    print("it-txn-group committed:", offsets[0].offset)

    # A second producer with the same transactional.id fences the first.
    producer.begin_transaction()
    producer.produce("it.txn", value="zombie")
    producer.flush(15)
    successor = Producer({"bootstrap.servers": bootstrap, "transactional.id": "it-txn"})
    successor.init_transactions(15)
    try:
        producer.commit_transaction(15)
        print("zombie: committed")
    except KafkaException as e:
        print("zombie:", "fenced" if e.args[0].fatal() else f"not fatal: {e}")
    successor.begin_transaction()
    successor.produce("it.txn", value="successor")
    successor.commit_transaction(15)
    print("it.txn after fencing:", read_committed(bootstrap, "it.txn", 5)[4:])
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "transactions":
        sys.exit(transactions(sys.argv[2]))
    if sys.argv[1] == "admin":
        sys.exit(admin(sys.argv[2]))
    if sys.argv[1] == "groups":
        sys.exit(groups(sys.argv[2], sys.argv[3], sys.argv[4]))
    command = sys.argv[1]
    if command == "produce":
        sys.exit(produce(sys.argv[2], sys.argv[3]))
    sys.exit(group(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
