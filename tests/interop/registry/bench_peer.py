"""The peer of bench/registry_bench.cc: confluent-kafka's Python clients against the same careflow
registry, measured right after careflow's side in the same run.

  bench_peer.py URL SUBJECT TOPIC SECONDS

Prints "serialize_id_cached N" (AvroSerializer framing the first record of records.jsonl after
its first call, which registered or looked up the id) and "rest_lookup N" (POST /subjects/SUBJECT
with httpx's Client, the HTTP client SchemaRegistryClient uses, on one kept-alive connection) and
"rest_lookup_requests N" (the same with requests.Session), and "rest_latest N" (GET
/subjects/SUBJECT/versions/latest with httpx), per second.
"""
import json
import os
import sys
import time

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from interop import SCHEMA, EXPECTED, to_python

# The HTTP client SchemaRegistryClient itself uses: httpx2 when installed, else httpx.
try:
    import httpx2 as httpx
except ImportError:
    import httpx

HERE = os.path.dirname(os.path.abspath(__file__))


def per_second(seconds, step):
    step()  # warm: the first call fills caches and opens connections
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(100):
            step()
        n += 100
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def main():
    url, subject, topic, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    client = SchemaRegistryClient({"url": url})
    serializer = AvroSerializer(client, SCHEMA, conf={"auto.register.schemas": True})
    record = to_python(EXPECTED[0])
    ctx = SerializationContext(topic, MessageField.VALUE)
    print("serialize_id_cached", per_second(seconds, lambda: serializer(record, ctx)))

    body = json.dumps({"schema": SCHEMA})
    headers = {"Content-Type": "application/vnd.schemaregistry.v1+json", "Accept": "application/vnd.schemaregistry.v1+json"}
    with httpx.Client(base_url=url) as http:
        def lookup():
            r = http.post(f"/subjects/{subject}", content=body, headers=headers)
            if r.status_code != 200:
                raise SystemExit(f"lookup answered {r.status_code}: {r.text}")
        print("rest_lookup", per_second(seconds, lookup))

        # A GET has no body: one write per request, so no wait on Nagle's algorithm between the
        # headers and the body, which the POSTs above may pay.
        def latest():
            r = http.get(f"/subjects/{subject}/versions/latest", headers=headers)
            if r.status_code != 200:
                raise SystemExit(f"latest answered {r.status_code}: {r.text}")
        print("rest_latest", per_second(seconds, latest))

    # A second HTTP client for the same request, to tell the client's cost from the server's.
    import requests

    with requests.Session() as session:
        def lookup_requests():
            r = session.post(f"{url}/subjects/{subject}", data=body, headers=headers)
            if r.status_code != 200:
                raise SystemExit(f"lookup answered {r.status_code}: {r.text}")
        print("rest_lookup_requests", per_second(seconds, lookup_requests))


if __name__ == "__main__":
    main()
