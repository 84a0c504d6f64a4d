"""confluent-kafka (librdkafka bundled in the wheel) against `careflow up`'s Kafka listener.

    python clients.py produce BOOTSTRAP TOPIC         records with keys, headers and set timestamps
    python clients.py group BOOTSTRAP TOPIC GROUP N   a Consumer with group.id: reads N records,
                                                      commits them, prints "offset value" lines
Exits 1 on any delivery or consume error.
"""
import sys
import time

from confluent_kafka import Consumer, Producer


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


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "produce":
        sys.exit(produce(sys.argv[2], sys.argv[3]))
    sys.exit(group(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
