"""Reads Confluent-Avro records from a real Kafka broker with confluent-kafka's own clients, as any
Confluent consumer would: DeserializingConsumer (librdkafka bundled in the wheel) with
AvroDeserializer for keys and values against a Schema Registry, the schemas looked up by the id in
each record. Prints one JSON line per record ({"key": .., "value": ..}); exits 1 when
fewer than COUNT records arrive within 30 s.

    python consume_avro.py BOOTSTRAP REGISTRY_URL TOPIC COUNT
"""
import json
import sys
import time

from confluent_kafka import DeserializingConsumer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer


def main() -> int:
    bootstrap, registry_url, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    registry = SchemaRegistryClient({"url": registry_url})
    consumer = DeserializingConsumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"interop-python-{time.time_ns()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "key.deserializer": AvroDeserializer(registry),
        "value.deserializer": AvroDeserializer(registry),
    })
    consumer.subscribe([topic])
    got = 0
    deadline = time.time() + 30
    try:
        while got < count and time.time() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                print(f"consume_avro: {message.error()}", file=sys.stderr)
                continue
            print(json.dumps({"key": message.key(), "value": message.value()}, sort_keys=True))
            got += 1
    finally:
        consumer.close()
    if got < count:
        print(f"consume_avro: {got} of {count} records from {topic} within 30 s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
