"""careflow's lake on S3-compatible storage, against moto's S3 server (from PyPI, on loopback).

  s3_interop.py TOOL WORKDIR

moto runs with request authentication on: after the three IAM calls that make careflow's user, its
access key and its policy, every request must carry a SigV4 signature that moto recomputes with
botocore's signer, so a wrong byte in careflow's signing is a 403 here. Then, over a warehouse at
s3://lake/wh:
  1. pyiceberg creates a namespace and a table through careflow's REST catalog (lake_interop rest
     s3://lake/wh); careflow's writer appends to it (lake_interop iceberg-fill); pyiceberg reads
     exactly those rows through the catalog;
  2. pyiceberg appends through the catalog (its own Parquet files and manifests on S3); careflow's
     reader reads every row back (lake_interop iceberg-scan);
  3. two careflow writers append at once: the conditional PUT (If-None-Match: *) of the next
     metadata version lets one win, the other retries, and no snapshot is lost;
  4. compaction, snapshot expiry (the expired files gone from the bucket) and orphan removal (a
     stray object removed) on S3, pyiceberg reading the same rows after each;
  5. the rename of the REST catalog (pyiceberg's rename_table, within and across namespaces), the
     old name gone and refused for a new table, then the drop deleting the table's objects;
  6. careflow's 'iceberg' sink writing an upsert table and a retracting COUNT(*) into s3://lake/sink
     with checkpoints, read by pyiceberg;
  7. a wrong secret key: careflow fails naming the object and HTTP 403;
  8. a Parquet file of about 13 MiB goes up as a multipart upload (a 6 MiB threshold, 5 MiB
     parts: moto's ETag says 3 parts) and pyarrow reads it back equal; with 1 MiB parts, which S3
     (and moto) refuse to assemble, the upload fails naming EntityTooSmall and is aborted: no
     object and no pending upload stay behind.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import boto3

TOOL, WORK = sys.argv[1], sys.argv[2]
BIN = os.path.dirname(sys.executable)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto():
    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3"}
    log = open(os.path.join(WORK, "moto.log"), "w")
    server = subprocess.Popen([os.path.join(BIN, "moto_server"), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"moto_server exited: {open(os.path.join(WORK, 'moto.log')).read()}")
            time.sleep(0.2)
    server.kill()
    raise SystemExit("moto_server did not listen within 30 s")


def run_tool(*args, env=None, ok=True):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True, env=env, timeout=300)
    if ok and p.returncode != 0:
        raise SystemExit(f"lake_interop {' '.join(args)} failed: {p.stderr.strip()}")
    return p


def keys(s3, prefix):
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="lake", Prefix=prefix):
        out += [o["Key"] for o in page.get("Contents", [])]
    return out


def rows_of(table):
    t = table.scan().to_arrow()
    return sorted(zip(t.column("id").to_pylist(), t.column("name").to_pylist()))


def fill_rows(n):
    return [(i, f"n{i % 3}") for i in range(n)]


def check_multipart(s3):
    import io
    import random

    import pyarrow.parquet as pq

    rng = random.Random(19)
    rows = [[i, "".join(rng.choice("0123456789abcdef") for _ in range(100))] for i in range(120_000)]
    spec = os.path.join(WORK, "big.jsonl")
    with open(spec, "w") as f:
        f.write(json.dumps({"columns": [{"name": "id", "type": "BIGINT", "field_id": 1}, {"name": "blob", "type": "STRING", "field_id": 2}],
                            "options": {"codec": "UNCOMPRESSED", "dictionary": False}}) + "\n")
        for row in rows:
            f.write(json.dumps(row) + "\n")
    parts = {"CAREFLOW_S3_MULTIPART_THRESHOLD": str(6 << 20), "CAREFLOW_S3_PART_SIZE": str(5 << 20)}
    run_tool("write", spec, "s3://lake/big/multipart.parquet", env={**os.environ, **parts})
    head = s3.head_object(Bucket="lake", Key="big/multipart.parquet")
    if head["ContentLength"] < 12 << 20 or not head["ETag"].strip('"').endswith("-3"):
        raise SystemExit(f"a {head['ContentLength']}-byte file did not go up in 3 parts: ETag {head['ETag']}")
    body = s3.get_object(Bucket="lake", Key="big/multipart.parquet")["Body"].read()
    table = pq.read_table(io.BytesIO(body))
    if table.column("id").to_pylist() != [r[0] for r in rows] or table.column("blob").to_pylist() != [r[1] for r in rows]:
        raise SystemExit("pyarrow reading careflow's multipart upload: values differ")

    small = {**parts, "CAREFLOW_S3_PART_SIZE": str(1 << 20)}
    bad = run_tool("write", spec, "s3://lake/big/refused.parquet", env={**os.environ, **small}, ok=False)
    if bad.returncode == 0 or "EntityTooSmall" not in bad.stderr or "s3://lake/big/refused.parquet" not in bad.stderr:
        raise SystemExit(f"a multipart upload of 1 MiB parts: exit {bad.returncode}, {bad.stderr.strip()}")
    if "big/refused.parquet" in keys(s3, "big/"):
        raise SystemExit("a refused multipart upload left its object")
    pending = s3.list_multipart_uploads(Bucket="lake").get("Uploads", [])
    if pending:
        raise SystemExit(f"a failed multipart upload was not aborted: {[(u['Key'], u['UploadId']) for u in pending]}")


def main():
    server, endpoint = start_moto()
    try:
        check(endpoint)
    finally:
        server.terminate()
        server.wait(timeout=30)


def check(endpoint):
    from pyiceberg.catalog.rest import RestCatalog
    from pyiceberg.exceptions import NoSuchTableError, TableAlreadyExistsError
    from pyiceberg.schema import Schema
    from pyiceberg.table import StaticTable
    from pyiceberg.types import LongType, NestedField, StringType, TimestamptzType
    import pyarrow as pa

    # The three unauthenticated calls: careflow's user, its key, its policy.
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bootstrap",
                       aws_secret_access_key="bootstrap")
    iam.create_user(UserName="careflow")
    key = iam.create_access_key(UserName="careflow")["AccessKey"]
    iam.put_user_policy(UserName="careflow", PolicyName="lake", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}))
    access, secret = key["AccessKeyId"], key["SecretAccessKey"]
    os.environ.update({"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret,
                       "AWS_REGION": "us-east-1"})
    os.environ.pop("AWS_SESSION_TOKEN", None)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=access, aws_secret_access_key=secret)
    s3.create_bucket(Bucket="lake")
    props = {"s3.endpoint": endpoint, "s3.access-key-id": access, "s3.secret-access-key": secret, "s3.region": "us-east-1"}

    rest = subprocess.Popen([TOOL, "rest", "s3://lake/wh"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(rest.stdout.readline())
        catalog = RestCatalog("careflow", uri=f"http://127.0.0.1:{port}/iceberg", **props)
        # 1. pyiceberg creates, careflow writes, pyiceberg reads.
        catalog.create_namespace("hc")
        schema = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "name", StringType(), required=False),
                        NestedField(3, "ts", TimestamptzType(), required=False))
        catalog.create_table("hc.events", schema=schema)
        if catalog.list_namespaces() != [("hc",)] or catalog.list_tables("hc") != [("hc", "events")]:
            raise SystemExit(f"REST catalog on S3: {catalog.list_namespaces()} {catalog.list_tables('hc')}")
        location = "s3://lake/wh/hc/events"
        run_tool("iceberg-fill", location, "30")
        table = catalog.load_table("hc.events")
        if not table.metadata_location.startswith(location + "/metadata/v"):
            raise SystemExit(f"REST catalog on S3: metadata at {table.metadata_location}")
        want = fill_rows(30)
        if rows_of(table) != sorted(want):
            raise SystemExit(f"pyiceberg reading careflow's rows on S3: {rows_of(table)[:5]}...")
        ts = table.scan().to_arrow().column("ts").cast(pa.int64()).to_pylist()
        if sorted(ts) != [i * 1_800_000_000 for i in range(30)]:
            raise SystemExit("pyiceberg reading careflow's timestamps on S3: they differ")

        # 2. pyiceberg appends (its files on S3); careflow reads them.
        table.append(pa.table({"id": pa.array([100, 101], pa.int64()), "name": ["py", "py"],
                               "ts": pa.array([0, 1], pa.timestamp("us", tz="UTC"))}))
        want += [(100, "py"), (101, "py")]
        out = os.path.join(WORK, "s3-scan.jsonl")
        run_tool("iceberg-scan", location, out)
        with open(out) as f:
            lines = f.read().splitlines()
        got = sorted((json.loads(line)[0], json.loads(line)[1]) for line in lines[1:])
        if got != sorted(want):
            raise SystemExit(f"careflow reading pyiceberg's append on S3: {got}")

        # 3. Two writers at once: both commit, one after the other.
        writers = [subprocess.Popen([TOOL, "iceberg-fill", location, "10"], stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for w in writers:
            _, err = w.communicate(timeout=300)
            if w.returncode != 0:
                raise SystemExit(f"concurrent careflow writers on S3: {err}")
        want += fill_rows(10) * 2
        table = catalog.load_table("hc.events")
        if rows_of(table) != sorted(want):
            raise SystemExit(f"after two concurrent writers on S3: {len(rows_of(table))} rows, want {len(want)}")
        snaps = table.metadata.snapshots
        if [s.parent_snapshot_id for s in snaps[1:]] != [s.snapshot_id for s in snaps[:-1]] or len(snaps) != 4:
            raise SystemExit(f"snapshot chain after concurrent commits on S3: {[(s.snapshot_id, s.parent_snapshot_id) for s in snaps]}")

        # 4. Maintenance on S3.
        before = set(keys(s3, "wh/hc/events/"))
        compacted = json.loads(run_tool("maintain", location, "compact").stdout)
        if compacted["rewritten"] < 2 or rows_of(catalog.load_table("hc.events")) != sorted(want):
            raise SystemExit(f"compaction on S3: {compacted}")
        expired = json.loads(run_tool("maintain", location, "expire").stdout)
        after = set(keys(s3, "wh/hc/events/"))
        if expired["deleted"] == 0 or len(before - after) == 0:
            raise SystemExit(f"expiry on S3 deleted no object: {expired}")
        if rows_of(catalog.load_table("hc.events")) != sorted(want):
            raise SystemExit("pyiceberg after expiry on S3: rows differ")
        s3.put_object(Bucket="lake", Key="wh/hc/events/data/stray.parquet", Body=b"not referenced")
        removed = json.loads(run_tool("maintain", location, "orphans").stdout)["removed"]
        # Besides the stray object, only what a lost commit attempt wrote (its manifest and manifest
        # list, when the two writers above collided) may go.
        lost = [r for r in removed if r != "s3://lake/wh/hc/events/data/stray.parquet"]
        if "s3://lake/wh/hc/events/data/stray.parquet" not in removed or "wh/hc/events/data/stray.parquet" in keys(s3, "wh/") \
                or any(not (r.startswith(location + "/metadata/") and r.endswith(".avro")) for r in lost):
            raise SystemExit(f"orphan removal on S3: {removed}")
        if rows_of(catalog.load_table("hc.events")) != sorted(want):
            raise SystemExit("pyiceberg after orphan removal on S3: rows differ")

        # 5. Rename, within and across namespaces; the old name is free of tables but not reusable.
        catalog.rename_table("hc.events", "hc.renamed")
        if catalog.list_tables("hc") != [("hc", "renamed")]:
            raise SystemExit(f"after rename: {catalog.list_tables('hc')}")
        if rows_of(catalog.load_table("hc.renamed")) != sorted(want):
            raise SystemExit("pyiceberg reading the renamed table: rows differ")
        try:
            catalog.load_table("hc.events")
            raise SystemExit("the old name still loads a table after the rename")
        except NoSuchTableError:
            pass
        try:
            catalog.create_table("hc.events", schema=schema)
            raise SystemExit("a table was created in the folder of a renamed table")
        except TableAlreadyExistsError:
            pass
        catalog.create_namespace("archive")
        renamed = catalog.load_table("hc.renamed")
        renamed.append(pa.table({"id": pa.array([200], pa.int64()), "name": ["moved"], "ts": pa.array([0], pa.timestamp("us", tz="UTC"))}))
        catalog.rename_table("hc.renamed", "archive.events")
        if catalog.list_tables("hc") != [] or catalog.list_tables("archive") != [("archive", "events")]:
            raise SystemExit(f"after rename across namespaces: {catalog.list_tables('hc')} {catalog.list_tables('archive')}")
        if rows_of(catalog.load_table("archive.events")) != sorted(want + [(200, "moved")]):
            raise SystemExit("pyiceberg reading the table renamed across namespaces: rows differ")
        try:
            catalog.rename_table("hc.nope", "hc.other")
            raise SystemExit("renaming a missing table succeeded")
        except NoSuchTableError:
            pass
        catalog.drop_table("archive.events")
        if keys(s3, "wh/hc/events/"):
            raise SystemExit(f"dropping the renamed table left {keys(s3, 'wh/hc/events/')[:3]}...")
        catalog.create_table("hc.events", schema=schema)  # the name is free again
        catalog.drop_table("hc.events")
    finally:
        rest.stdin.close()
        rest.wait(timeout=30)

    # 6. The iceberg sink with checkpoints into S3.
    rows = 70
    paths = run_tool("iceberg-sink", os.path.join(WORK, "s3-sink"), str(rows), "s3://lake/sink").stdout.split()
    if not all(p.startswith("s3://lake/sink/default_database/") for p in paths):
        raise SystemExit(f"the sink's tables on S3: {paths}")
    counts = StaticTable.from_metadata(paths[0], properties=props).scan().to_arrow()
    want_counts = sorted((k, len([i for i in range(rows) if i % 7 == k])) for k in range(7))
    if sorted(zip(counts.column("k").to_pylist(), counts.column("n").to_pylist())) != want_counts:
        raise SystemExit(f"pyiceberg reading the sink's upsert table on S3: {counts.to_pylist()}")
    total = StaticTable.from_metadata(paths[1], properties=props).scan().to_arrow()
    if total.column("n").to_pylist() != [rows]:
        raise SystemExit(f"pyiceberg reading the sink's COUNT(*) on S3: {total.column('n').to_pylist()}")
    spread = StaticTable.from_metadata(paths[2], properties=props).scan().to_arrow()
    if sorted(spread.column("seq").to_pylist()) != list(range(rows)):
        raise SystemExit("pyiceberg reading the sink's partitioned table on S3: rows differ")

    # 7. A wrong secret: a clear error naming the object and the status.
    bad = run_tool("iceberg-scan", paths[1].rsplit("/metadata/", 1)[0], os.path.join(WORK, "bad.jsonl"), ok=False,
                   env={**os.environ, "AWS_SECRET_ACCESS_KEY": "wrong"})
    if bad.returncode == 0 or "HTTP 403" not in bad.stderr or "s3://lake/sink/default_database/total" not in bad.stderr:
        raise SystemExit(f"a wrong secret key: exit {bad.returncode}, {bad.stderr.strip()}")
    check_multipart(s3)
    import moto
    print(f"lake S3 interop: moto {moto.__version__} with SigV4 checked; REST catalog, careflow and pyiceberg writes, "
          f"concurrent commits, maintenance, rename and the sink on s3://")


main()
