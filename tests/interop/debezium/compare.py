#!/usr/bin/env python3
"""Compares careflow's change events with the real Debezium connector's, topic by topic and in
order, field by field. Ignored: timing fields (ts_ms/ts_us/ts_ns of the envelope and of source),
source.version (who produced the event), and for snapshot ("r") events source.txId, lsn and
sequence, which name each connector's own snapshot transaction and slot.

usage: compare.py DEBEZIUM_LINES CAREFLOW_DIR
  DEBEZIUM_LINES  topic<TAB>key<TAB>value per line (DebeziumCapture's output)
  CAREFLOW_DIR    one <topic>.jsonl per topic (careflow topic consume --format json)
Exits 1 on the first differences (all listed), 0 when every event matches."""
import json
import os
import sys

TIMING = ("ts_ms", "ts_us", "ts_ns")


def normalize(value):
    if value is None:
        return None
    doc = json.loads(value)
    payload = doc.get("payload", doc) if isinstance(doc, dict) else doc
    if isinstance(payload, dict) and "source" in payload:
        for f in TIMING:
            payload.pop(f, None)
            payload["source"].pop(f, None)
        payload["source"].pop("version", None)
        if payload.get("op") == "r":
            for f in ("txId", "lsn", "sequence"):
                payload["source"].pop(f, None)
    return doc


def main():
    debezium = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            topic, key, value = line.rstrip("\n").split("\t")
            debezium.setdefault(topic, []).append((None if key == "null" else key, None if value == "null" else value))
    careflow = {}
    for name in os.listdir(sys.argv[2]):
        topic = name[: -len(".jsonl")]
        with open(os.path.join(sys.argv[2], name), encoding="utf-8") as f:
            careflow[topic] = [(r.get("key"), r.get("value")) for r in map(json.loads, f) if r]
    problems = []
    compared = 0
    for topic in sorted(set(debezium) | set(careflow)):
        ours, theirs = careflow.get(topic, []), debezium.get(topic, [])
        if len(ours) != len(theirs):
            problems.append(f"{topic}: careflow has {len(ours)} events, Debezium {len(theirs)}")
        for i, ((ok, ov), (tk, tv)) in enumerate(zip(ours, theirs)):
            compared += 1
            for part, a, b in (("key", normalize(ok), normalize(tk)), ("value", normalize(ov), normalize(tv))):
                if a != b:
                    problems.append(f"{topic} event {i} {part}:\n  careflow: {json.dumps(a, sort_keys=True)}\n"
                                    f"  debezium: {json.dumps(b, sort_keys=True)}")
    for p in problems[:20]:
        print(p)
    if problems:
        print(f"{len(problems)} difference(s) in {compared} compared events")
        return 1
    print(f"{compared} events identical to Debezium's (timing fields and source.version ignored)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
