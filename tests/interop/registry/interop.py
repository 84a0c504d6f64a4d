"""The Python side of the Schema Registry interop check, with confluent-kafka's own clients.

  interop.py produce URL OUT        writes records framed by confluent-kafka's AvroSerializer
  interop.py consume URL IN         decodes careflow-framed records with AvroDeserializer
  interop.py compare GOT            checks careflow's decoding of the produced records
  interop.py api URL                exercises SchemaRegistryClient's calls against careflow

The expected records are in records.jsonl (the JSON form registry_interop uses: timestamps as epoch
milliseconds, bytes as hex). Any mismatch exits non-zero with the difference.
"""
import datetime
import json
import os
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = open(os.path.join(HERE, "device_metric.avsc")).read()
EXPECTED = [json.loads(line) for line in open(os.path.join(HERE, "records.jsonl"))]
PY_TOPIC = "py-metrics"
CAREFLOW_TOPIC = "cf-metrics"


def context_subject(ctx, record_name):
    # The reference stack's custom strategy: TopicName inside a context.
    return f":.interop:{ctx.topic}-value"


def to_python(record):
    out = dict(record)
    out["ts"] = datetime.datetime.fromtimestamp(record["ts"] / 1000, tz=datetime.timezone.utc)
    out["raw"] = bytes.fromhex(record["raw"])
    return out


def to_plain(record):
    out = dict(record)
    ts = record["ts"]
    out["ts"] = int(ts.timestamp() * 1000) if isinstance(ts, datetime.datetime) else ts
    out["raw"] = record["raw"].hex()
    return out


def check(label, got, expected):
    if got != expected:
        print(f"{label}: MISMATCH", file=sys.stderr)
        for g, e in zip(got, expected):
            if g != e:
                print(f"  got      {json.dumps(g, sort_keys=True)}\n  expected {json.dumps(e, sort_keys=True)}", file=sys.stderr)
        print(f"  ({len(got)} records, {len(expected)} expected)", file=sys.stderr)
        sys.exit(1)
    print(f"{label}: {len(got)} records match")


def produce(url, out):
    client = SchemaRegistryClient({"url": url})
    serializer = AvroSerializer(client, SCHEMA, to_dict=lambda r, ctx: to_python(r),
                                conf={"subject.name.strategy": context_subject})
    ctx = SerializationContext(PY_TOPIC, MessageField.VALUE)
    with open(out, "w") as f:
        for record in EXPECTED:
            f.write(serializer(record, ctx).hex() + "\n")
    print(f"produce: wrote {len(EXPECTED)} records framed by confluent-kafka's AvroSerializer")


def consume(url, path):
    client = SchemaRegistryClient({"url": url})
    deserializer = AvroDeserializer(client)
    ctx = SerializationContext(CAREFLOW_TOPIC, MessageField.VALUE)
    got = [to_plain(deserializer(bytes.fromhex(line.strip()), ctx)) for line in open(path) if line.strip()]
    check("confluent-kafka AvroDeserializer reads careflow's records", got, EXPECTED)


def compare(path):
    got = [json.loads(line) for line in open(path) if line.strip()]
    check("careflow reads confluent-kafka's records", got, EXPECTED)


def api(url):
    client = SchemaRegistryClient({"url": url})
    subjects = client.get_subjects()
    for s in (f":.interop:{PY_TOPIC}-value", f":.interop:{CAREFLOW_TOPIC}-value"):
        assert s in subjects, f"{s} missing from {subjects}"
    latest = client.get_latest_version(f":.interop:{PY_TOPIC}-value")
    assert latest.version == 1, latest
    by_id = client.get_schema(latest.schema_id)
    assert json.loads(by_id.schema_str) == json.loads(SCHEMA), by_id.schema_str
    found = client.lookup_schema(f":.interop:{PY_TOPIC}-value", Schema(SCHEMA, "AVRO"))
    assert found.schema_id == latest.schema_id, found
    # careflow and Python registered the same schema text: one id.
    theirs = client.get_latest_version(f":.interop:{CAREFLOW_TOPIC}-value")
    assert theirs.schema_id == latest.schema_id, (theirs.schema_id, latest.schema_id)

    evolved = json.loads(SCHEMA)
    evolved["fields"].append({"name": "site", "type": "string", "default": "home"})
    assert client.test_compatibility(f":.interop:{PY_TOPIC}-value", Schema(json.dumps(evolved), "AVRO"))
    breaking = json.loads(SCHEMA)
    breaking["fields"].append({"name": "site", "type": "string"})
    assert not client.test_compatibility(f":.interop:{PY_TOPIC}-value", Schema(json.dumps(breaking), "AVRO"))
    new_id = client.register_schema(f":.interop:{PY_TOPIC}-value", Schema(json.dumps(evolved), "AVRO"))
    assert new_id != latest.schema_id
    assert client.get_versions(f":.interop:{PY_TOPIC}-value") == [1, 2]

    assert client.set_compatibility(subject_name="scratch-value", level="FULL")["compatibility"] == "FULL"
    assert client.get_compatibility("scratch-value") == "FULL"
    client.register_schema("scratch-value", Schema('"string"', "AVRO"))
    assert client.delete_subject("scratch-value") == [1]
    assert client.delete_subject("scratch-value", permanent=True) == [1]
    try:
        client.get_latest_version("scratch-value")
        raise AssertionError("a deleted subject still answers")
    except Exception as e:  # SchemaRegistryError
        assert getattr(e, "error_code", None) == 40401, e
    print("SchemaRegistryClient: subjects, versions, ids, lookup, compatibility, config and deletes agree")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "produce":
        produce(sys.argv[2], sys.argv[3])
    elif command == "consume":
        consume(sys.argv[2], sys.argv[3])
    elif command == "compare":
        compare(sys.argv[2])
    elif command == "api":
        api(sys.argv[2])
    else:
        sys.exit(f"unknown command {command}")
