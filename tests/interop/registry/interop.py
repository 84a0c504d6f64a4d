"""The Python side of the Schema Registry interop check, with confluent-kafka's own clients.

  interop.py produce URL OUT        writes records framed by confluent-kafka's AvroSerializer
  interop.py consume URL IN         decodes careflow-framed records with AvroDeserializer
  interop.py compare GOT            checks careflow's decoding of the produced records
  interop.py api URL                exercises SchemaRegistryClient's calls against careflow
  interop.py json-produce URL OUT   writes records framed by confluent-kafka's JSONSerializer
  interop.py json-consume URL IN    decodes careflow's json-registry records with JSONDeserializer
  interop.py json-compare GOT       checks careflow's json-registry decoding of the produced records
  interop.py careflow-up URL DIR    decodes what a real `careflow up` wrote (DIR/<topic>.hex) with
                                    AvroDeserializer against its registry, and compares with
                                    careflow's own decoding (DIR/<topic>.careflow.jsonl)

The expected records are in records.jsonl (the JSON form registry_interop uses: timestamps as epoch
milliseconds, bytes as hex). Any mismatch exits non-zero with the difference.
"""
import datetime
import json
import os
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = open(os.path.join(HERE, "device_metric.avsc")).read()
EXPECTED = [json.loads(line) for line in open(os.path.join(HERE, "records.jsonl"))]
JSON_EXPECTED = [json.loads(line) for line in open(os.path.join(HERE, "json_records.jsonl"))]
# What a JSON Schema producer outside Flink registers: plain JSON Schema, no Connect annotations.
JSON_SCHEMA = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "DeviceMetric",
    "type": "object",
    "properties": {
        "device_id": {"type": "string"},
        "metric": {"type": ["string", "null"]},
        "value": {"type": ["number", "null"]},
        "ts": {"type": ["integer", "null"]},
        "n": {"type": ["integer", "null"]},
    },
    "required": ["device_id"],
})
PY_JSON_TOPIC = "py-json"
CAREFLOW_JSON_TOPIC = "cf-json"
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
    # Ids are numbered per context: the subject names the one this id is in (without it the registry,
    # as Confluent's, answers from the default context).
    by_id = client.get_schema(latest.schema_id, subject_name=f":.interop:{PY_TOPIC}-value")
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


def unwrap_unions(record):
    # careflow prints Avro's JSON encoding, which wraps a union's non-null value: {"double": 42.0}.
    return {k: (next(iter(v.values())) if isinstance(v, dict) and len(v) == 1 else v) for k, v in record.items()}


def careflow_up(url, directory):
    client = SchemaRegistryClient({"url": url})
    subjects = client.get_subjects()
    for topic in ("hc_raw_device_metrics", "hc_raw_device_events"):
        for field in ("key", "value"):
            s = f":.flink-dev:{topic}-{field}"
            assert s in subjects, f"{s} missing from {subjects}"
    # A consumer of a context's subjects addresses the registry under /contexts/<context>, as
    # Confluent's clients do; ids are looked up in that context.
    deserializer = AvroDeserializer(SchemaRegistryClient({"url": f"{url}/contexts/.flink-dev"}))
    decoded = {}
    for topic in ("hc_raw_device_metrics", "hc_raw_device_events"):
        ctx = SerializationContext(topic, MessageField.VALUE)
        framed = [bytes.fromhex(line.strip()) for line in open(os.path.join(directory, f"{topic}.hex")) if line.strip()]
        latest = client.get_latest_version(f":.flink-dev:{topic}-value")
        for record in framed:
            assert record[0] == 0, f"{topic}: magic byte {record[0]}"
            assert int.from_bytes(record[1:5], "big") == latest.schema_id, f"{topic}: schema id {record[1:5].hex()}"
        got = [deserializer(record, ctx) for record in framed]
        theirs = [unwrap_unions(json.loads(line)) for line in open(os.path.join(directory, f"{topic}.careflow.jsonl")) if line.strip()]
        check(f"confluent-kafka AvroDeserializer reads careflow up's {topic} as careflow does", got, theirs)
        decoded[topic] = got
    metrics = decoded["hc_raw_device_metrics"]
    assert len(metrics) >= 9, metrics
    assert {m["device_id"] for m in metrics} == {"DEV-P002"}, metrics
    assert {"Pressure", "FlowRate", "FlowLevel"} <= {m["metric_name"] for m in metrics}, metrics
    assert all(isinstance(m["ts"], int) and isinstance(m["metric_value"], float) for m in metrics), metrics
    events = decoded["hc_raw_device_events"]
    # The reference's fields: a power status carries the battery, a GPS fix its position (and no battery).
    assert [(e["event_type"], e["battery_level"], e["plugged"]) for e in events] == [
        ("POWER_STATUS", 42, True), ("GPS", None, None)], events
    assert events[0]["lat"] is None and events[0]["lng"] is None, events
    assert isinstance(events[1]["lat"], float) and isinstance(events[1]["lng"], float), events
    assert len({e["event_id"] for e in events}) == 2 and all(e["hw_model"] for e in events), events
    assert all(e["device_id"] == "DEV-P002" and e["patient_id"] == "P002" for e in events), events
    print(f"careflow up: {len(metrics)} readings and {len(events)} events decode with confluent-kafka")


def json_produce(url, out):
    client = SchemaRegistryClient({"url": url})
    serializer = JSONSerializer(JSON_SCHEMA, client, to_dict=lambda r, ctx: dict(r))
    ctx = SerializationContext(PY_JSON_TOPIC, MessageField.VALUE)
    with open(out, "w") as f:
        for record in JSON_EXPECTED:
            f.write(serializer(record, ctx).hex() + "\n")
    registered = client.get_latest_version(f"{PY_JSON_TOPIC}-value")
    assert registered.schema.schema_type == "JSON", registered.schema.schema_type
    print(f"json-produce: wrote {len(JSON_EXPECTED)} records framed by confluent-kafka's JSONSerializer")


def json_consume(url, path):
    client = SchemaRegistryClient({"url": url})
    # No schema given: the writer's JSON Schema comes from careflow's registry by the record's id,
    # and JSONDeserializer validates each document against it.
    deserializer = JSONDeserializer(None, schema_registry_client=client)
    ctx = SerializationContext(CAREFLOW_JSON_TOPIC, MessageField.VALUE)
    got = [deserializer(bytes.fromhex(line.strip()), ctx) for line in open(path) if line.strip()]
    check("confluent-kafka JSONDeserializer reads careflow's json-registry records", got, JSON_EXPECTED)
    schema = client.get_latest_version(f"{CAREFLOW_JSON_TOPIC}-value").schema
    assert schema.schema_type == "JSON", schema.schema_type
    props = json.loads(schema.schema_str)["properties"]
    assert props["n"]["oneOf"][1]["connect.type"] == "int64", props["n"]


def json_compare(path):
    got = [json.loads(line) for line in open(path) if line.strip()]
    check("careflow json-registry reads confluent-kafka's JSONSerializer records", got, JSON_EXPECTED)


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
    elif command == "json-produce":
        json_produce(sys.argv[2], sys.argv[3])
    elif command == "json-consume":
        json_consume(sys.argv[2], sys.argv[3])
    elif command == "json-compare":
        json_compare(sys.argv[2])
    elif command == "careflow-up":
        careflow_up(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {command}")
