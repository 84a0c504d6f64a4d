"""careflow's Parquet writer and reader against Apache Arrow's (pyarrow) and DuckDB's.

  interop.py TOOL WORKDIR

One matrix of rows (every flat type careflow writes, NULLs, edge values) goes through:
  1. careflow's writer (every codec x {dictionary, PLAIN, dictionary falling back to PLAIN,
     DELTA_BINARY_PACKED integers} x data pages v1/v2); pyarrow and duckdb read each file and must
     see identical values, the field ids, the logical types (isAdjustedToUTC included) and
     statistics equal to the rows' min/max/nulls; every chunk has a page index (pyarrow says so)
     whose pages, bounds, NULL counts and boundary order, decoded by page_index_check.py, are those
     of the rows each page holds;
  2. pyarrow's writer (every codec x {dictionary, PLAIN, small dictionary limit,
     DELTA_BINARY_PACKED integers} x data pages 1.0/2.0, with page indexes); careflow's reader
     (lake_interop dump) must see identical values, and decode the page indexes as
     page_index_check.py does;
  3. careflow's row-group pruning on a pyarrow file agrees with pyarrow's statistics;
  4. pyiceberg scans an Iceberg v2 table careflow made of two of its Parquet files (same rows, the
     columns Iceberg holds) and skips a file on the manifest's bounds.
Any mismatch fails with the file, row and column.
"""
import datetime
import decimal
import json
import math
import os
import struct
import subprocess
import sys

WIDE = decimal.Context(prec=80)  # DECIMAL(38) digits exceed Python's default 28

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from page_index_check import check_pages, page_indexes

TOOL, WORK = sys.argv[1], sys.argv[2]

COLUMNS = [
    ("b", "BOOLEAN", pa.bool_()),
    ("i8", "TINYINT", pa.int8()),
    ("i16", "SMALLINT", pa.int16()),
    ("i32", "INT", pa.int32()),
    ("i64", "BIGINT NOT NULL", pa.int64()),
    ("f", "FLOAT", pa.float32()),
    ("d", "DOUBLE", pa.float64()),
    ("s", "STRING", pa.string()),
    ("bin", "BYTES", pa.binary()),
    ("day", "DATE", pa.date32()),
    ("t", "TIME(3)", pa.time32("ms")),
    ("ts3", "TIMESTAMP(3)", pa.timestamp("ms")),
    ("ts6", "TIMESTAMP(6)", pa.timestamp("us")),
    ("tsz3", "TIMESTAMP_LTZ(3)", pa.timestamp("ms", tz="UTC")),
    ("tsz6", "TIMESTAMP_LTZ(6)", pa.timestamp("us", tz="UTC")),
    ("dec9", "DECIMAL(9, 2)", pa.decimal128(9, 2)),
    ("dec18", "DECIMAL(18, 4)", pa.decimal128(18, 4)),
    ("dec38", "DECIMAL(38, 10)", pa.decimal128(38, 10)),
]
NAMES = [c[0] for c in COLUMNS]
ROWS = 600
# The columns stored as INT32 / INT64: what DELTA_BINARY_PACKED encodes.
INTEGER_COLUMNS = ["i8", "i16", "i32", "i64", "day", "t", "ts3", "ts6", "tsz3", "tsz6", "dec9", "dec18"]


def row_values(r):
    """Row r in the JSON form lake_interop uses (see lake_interop.cc)."""
    if r % 9 == 4:  # NULL in every nullable column
        return [None] * 4 + [r] + [None] * (len(COLUMNS) - 5)
    edge = r % 50
    i8 = [-128, 127, 0][edge] if edge < 3 else (r * 7) % 256 - 128
    i16 = [-32768, 32767, 0][edge] if edge < 3 else (r * 331) % 65536 - 32768
    i32 = [-2**31, 2**31 - 1, 0][edge] if edge < 3 else (r * 2654435761) % 2**32 - 2**31
    i64 = [-2**63, 2**63 - 1, 0][edge] if edge < 3 else r * 1000000007 - 2**40
    f = ["NaN", "-Infinity", "Infinity", -0.0][edge] if edge < 4 else (r % 97) * 0.25 - 10
    d = ["NaN", "Infinity", -0.0][edge] if edge < 3 else r * 0.001 - 0.3
    s = ["", "ü日本語🎉", "x" * 300][edge] if edge < 3 else f"device-{r % 13}"
    b = ["", "00ff00", "ff" * 40][edge] if edge < 3 else bytes([r % 256, (r * 3) % 256]).hex()
    day = [-719162, 2932896, 0][edge] if edge < 3 else 19000 + r % 700 - 350  # 0001-01-01 .. 9999-12-31
    t = [0, 86399999][edge] if edge < 2 else (r * 1000 + r % 1000) % 86400000
    ms = (1_700_000_000_000 + r * 1777) * (1 if r % 2 else -1) // 7
    us = 1_700_000_000_123_456 - r * 98765431
    dec9 = str([-(10**9 - 1), 10**9 - 1][edge]) if edge < 2 else str(r * 101 * (-1 if r % 3 else 1))
    dec18 = str([-(10**18 - 1), 10**18 - 1][edge]) if edge < 2 else str(r * 99999999999 * (-1 if r % 5 else 1))
    dec38 = str([-(10**38 - 1), 10**38 - 1][edge]) if edge < 2 else str(r * 10**27 + r * (-1 if r % 2 else 1))
    return [r % 3 == 0, i8, i16, i32, i64, f, d, s, b, day, t, ms * 1000, us, (ms + 5) * 1000, us + 7, dec9, dec18, dec38]


ROW_DATA = [row_values(r) for r in range(ROWS)]


def normalise(v):
    """Equal JSON-form values compare equal; floats compare by value (NaN as the string)."""
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
    return v


def arrow_column_to_json(col):
    """A pyarrow ChunkedArray → the JSON form, whatever reader produced it."""
    t = col.type
    out = []
    if pa.types.is_timestamp(t):
        scale = {"s": 1_000_000, "ms": 1000, "us": 1, "ns": None}[t.unit]
        for v in col.cast(pa.int64()).to_pylist():
            out.append(None if v is None else (v * scale if scale else v // 1000))
        return out
    if pa.types.is_time(t):
        div = {"s": None, "ms": 1, "us": 1000, "ns": 1_000_000}[t.unit]
        ints = col.cast(pa.int32() if pa.types.is_time32(t) else pa.int64()).to_pylist()
        return [None if v is None else v // div for v in ints]
    if pa.types.is_date32(t):
        return col.cast(pa.int32()).to_pylist()
    if pa.types.is_decimal(t):
        return [None if v is None else str(int(v.scaleb(t.scale, context=WIDE))) for v in col.to_pylist()]
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return [None if v is None else v.hex() for v in col.to_pylist()]
    return [normalise(v) for v in col.to_pylist()]


def float32(v):
    """A JSON-form FLOAT value as float32 rounds it (the expected value after a FLOAT column)."""
    if isinstance(v, str) or v is None:
        return v
    return pa.array([v], pa.float32()).to_pylist()[0]


def expected_rows():
    exp = []
    for row in ROW_DATA:
        row = list(row)
        row[5] = float32(row[5])
        exp.append([normalise(v) for v in row])
    return exp


EXPECTED = expected_rows()


def compare(label, got_columns, names=NAMES):
    """got_columns: name → list of JSON-form values."""
    for name in names:
        got = got_columns[name]
        if len(got) != ROWS:
            raise SystemExit(f"{label}: column {name}: {len(got)} rows, expected {ROWS}")
        i = NAMES.index(name)
        for r in range(ROWS):
            want = EXPECTED[r][i]
            g = normalise(got[r])
            if g != want or (isinstance(want, float) and want == 0 and math.copysign(1, g) != math.copysign(1, want)):
                raise SystemExit(f"{label}: row {r} column {name}: got {got[r]!r}, expected {want!r}")


def run_tool(*args):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"lake_interop {' '.join(args)} failed: {p.stderr.strip()}")
    return p.stdout


def careflow_writes(label, options):
    spec = os.path.join(WORK, f"{label}.jsonl")
    path = os.path.join(WORK, f"{label}.parquet")
    with open(spec, "w") as f:
        cols = [{"name": n, "type": t, "field_id": 100 + i} for i, (n, t, _) in enumerate(COLUMNS)]
        f.write(json.dumps({"columns": cols, "options": options}) + "\n")
        for row in ROW_DATA:
            f.write(json.dumps(row) + "\n")
    run_tool("write", spec, path)
    return path


def check_careflow_file(label, path, options):
    # pyarrow: values, types, field ids, encodings, codec, statistics
    table = pq.read_table(path)
    compare(f"pyarrow reading careflow's {label}", {n: arrow_column_to_json(table.column(n)) for n in NAMES})
    for i, (name, _, arrow_type) in enumerate(COLUMNS):
        field = table.schema.field(name)
        if field.type != arrow_type:
            raise SystemExit(f"{label}: column {name}: pyarrow sees {field.type}, expected {arrow_type}")
        if field.metadata is None or field.metadata.get(b"PARQUET:field_id") != str(100 + i).encode():
            raise SystemExit(f"{label}: column {name}: field id {field.metadata}")
        if field.nullable != (name != "i64"):
            raise SystemExit(f"{label}: column {name}: nullable {field.nullable}")
    meta = pq.ParquetFile(path).metadata
    if meta.num_row_groups != -(-ROWS // options["row_group_rows"]):
        raise SystemExit(f"{label}: {meta.num_row_groups} row groups")
    ts = pq.ParquetFile(path).schema.column(NAMES.index("tsz3")).logical_type.to_json()
    if '"isAdjustedToUTC": true' not in ts.replace("\n", " ") and '"isAdjustedToUTC":true' not in ts.replace(" ", ""):
        raise SystemExit(f"{label}: tsz3 logical type {ts}")
    first = 0
    for g in range(meta.num_row_groups):
        rg = meta.row_group(g)
        rows = EXPECTED[first:first + rg.num_rows]
        first += rg.num_rows
        for c in range(rg.num_columns):
            cc = rg.column(c)
            if cc.compression != options["codec"]:
                raise SystemExit(f"{label}: compression {cc.compression}")
            name = NAMES[c]
            uses_dict = any("DICTIONARY" in e for e in cc.encodings)
            delta = options.get("integer_encoding") == "delta" and name in INTEGER_COLUMNS
            if options.get("dictionary") and options.get("dictionary_page_bytes", 1 << 20) >= 1 << 20 and name in ("s", "i8") and not delta:
                if not uses_dict:
                    raise SystemExit(f"{label}: column {name} is not dictionary-encoded: {cc.encodings}")
            if (not options.get("dictionary") or delta) and uses_dict:
                raise SystemExit(f"{label}: column {name} is dictionary-encoded: {cc.encodings}")
            if delta != ("DELTA_BINARY_PACKED" in cc.encodings):
                raise SystemExit(f"{label}: column {name}: encodings {cc.encodings}")
            if not cc.has_offset_index or not cc.has_column_index:
                raise SystemExit(f"{label}: column {name}: pyarrow sees no page index")
            st = cc.statistics
            vals = [r[c] for r in rows if r[c] is not None]
            nulls = sum(1 for r in rows if r[c] is None)
            if st is None or st.null_count != nulls:
                raise SystemExit(f"{label}: group {g} column {name}: null count {st and st.null_count} != {nulls}")
            if name in ("f", "d"):
                vals = [v for v in vals if v != "NaN"]
                vals = [float(v.replace("Infinity", "inf")) if isinstance(v, str) else v for v in vals]
            if not vals or name in ("t", "ts3", "ts6", "tsz3", "tsz6", "day", "bin", "dec9", "dec18", "dec38"):
                continue  # pyarrow returns these bounds as Python objects; values above cover them
            if not st.has_min_max or normalise(st.min) != normalise(min(vals)) or normalise(st.max) != normalise(max(vals)):
                raise SystemExit(f"{label}: group {g} column {name}: bounds {st.min!r}..{st.max!r}, expected {min(vals)!r}..{max(vals)!r}")
    check_careflow_page_index(label, path, meta)
    # duckdb: its own Parquet reader
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").arrow()
    compare(f"duckdb reading careflow's {label}", {n: arrow_column_to_json(rel.column(n)) for n in NAMES})
    count = duckdb.sql(f"SELECT count(*), count(s), sum(i64) FROM read_parquet('{path}')").fetchone()
    want = (ROWS, sum(1 for r in EXPECTED if r[7] is not None), sum(r[4] for r in EXPECTED))
    if tuple(count) != want:
        raise SystemExit(f"duckdb aggregate over careflow's {label}: {count} != {want}")


def plain_bound(name, v):
    """A JSON-form value as a page index bound (PLAIN-encoded, in the column's physical type)."""
    if name == "b":
        return bytes([1 if v else 0])
    if name in ("i8", "i16", "i32", "day", "t", "dec9"):
        return struct.pack("<i", int(v))
    if name in ("ts3", "tsz3"):
        return struct.pack("<q", v // 1000)  # stored in milliseconds
    if name in ("i64", "ts6", "tsz6", "dec18"):
        return struct.pack("<q", int(v))
    if name == "f":
        return struct.pack("<f", v)
    if name == "d":
        return struct.pack("<d", v)
    if name == "s":
        return v.encode()
    if name == "bin":
        return bytes.fromhex(v)
    return int(v).to_bytes(16, "big", signed=True)  # dec38: FIXED_LEN_BYTE_ARRAY(16)


def ordered(name, v):
    """A JSON-form value as something Python orders as the column's type does; None for NaN."""
    if name in ("f", "d"):
        return None if v == "NaN" else float(v.replace("Infinity", "inf")) if isinstance(v, str) else v
    if name.startswith("dec"):
        return int(v)
    if name == "bin":
        return bytes.fromhex(v)
    return v


def check_careflow_page_index(label, path, meta):
    """Every chunk's page index against the rows its pages hold, and careflow's reader's decoding of
    it against page_index_check.py's."""
    index = page_indexes(path)
    check_pages(label, path, index)
    if json.loads(run_tool("page-index", path)) != index:
        raise SystemExit(f"{label}: careflow's reader decodes the page index differently from page_index_check.py")
    first = 0
    for g, chunks in enumerate(index):
        for c, chunk in enumerate(chunks):
            name = NAMES[c]
            pages, column = chunk["offsets"], chunk["column"]
            want = {"null_pages": [], "min": [], "max": [], "null_counts": []}
            bounds = []
            nan_page = False  # a page of NaNs only: the spec forbids a ColumnIndex for the chunk
            for p, (_, _, row) in enumerate(pages):
                end = pages[p + 1][2] if p + 1 < len(pages) else meta.row_group(g).num_rows
                vals = [EXPECTED[r][c] for r in range(first + row, first + end)]
                present = [ordered(name, v) for v in vals if v is not None]
                numbers = [v for v in present if v is not None]
                want["null_counts"].append(len(vals) - len(present))
                want["null_pages"].append(not present)
                if not present or not numbers:
                    nan_page = nan_page or bool(present)
                    want["min"].append("")
                    want["max"].append("")
                    continue
                lo, hi = min(numbers), max(numbers)
                if name in ("f", "d"):
                    lo, hi = (-0.0 if lo == 0 else lo), (0.0 if hi == 0 else hi)
                bounds.append((lo, hi))
                raw = {v: orig for orig in vals if orig is not None for v in [ordered(name, orig)]}
                want["min"].append(plain_bound(name, lo if name in ("f", "d") else raw[lo]).hex())
                want["max"].append(plain_bound(name, hi if name in ("f", "d") else raw[hi]).hex())
            pairs = list(zip(bounds, bounds[1:]))
            want["order"] = 1 if all(a[0] <= b[0] and a[1] <= b[1] for a, b in pairs) else \
                2 if all(a[0] >= b[0] and a[1] >= b[1] for a, b in pairs) else 0
            if column != (None if nan_page else want):
                raise SystemExit(f"{label}: row group {g} column {name}: page index {column}, the rows say {want}")
        first += meta.row_group(g).num_rows


def pyarrow_table():
    arrays = []
    for i, (name, _, arrow_type) in enumerate(COLUMNS):
        values = [row[i] for row in ROW_DATA]
        if pa.types.is_floating(arrow_type):
            values = [float(v.replace("Infinity", "inf").replace("NaN", "nan")) if isinstance(v, str) else v for v in values]
            arrays.append(pa.array(values, arrow_type))
        elif pa.types.is_binary(arrow_type):
            arrays.append(pa.array([None if v is None else bytes.fromhex(v) for v in values], arrow_type))
        elif pa.types.is_decimal(arrow_type):
            arrays.append(pa.array([None if v is None else decimal.Decimal(int(v)).scaleb(-arrow_type.scale, context=WIDE) for v in values], arrow_type))
        elif pa.types.is_timestamp(arrow_type):
            div = 1000 if arrow_type.unit == "ms" else 1
            arrays.append(pa.array([None if v is None else v // div for v in values], pa.int64()).cast(arrow_type))
        elif pa.types.is_date32(arrow_type) or pa.types.is_time32(arrow_type):
            arrays.append(pa.array(values, pa.int32()).cast(arrow_type))
        else:
            arrays.append(pa.array(values, arrow_type))
    fields = [pa.field(n, t, nullable=(n != "i64"), metadata={"PARQUET:field_id": str(100 + i)}) for i, (n, _, t) in enumerate(COLUMNS)]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def check_pyarrow_file(label, kwargs):
    path = os.path.join(WORK, f"pyarrow-{label}.parquet")
    pq.write_table(pyarrow_table(), path, row_group_size=250, write_page_index=True, **kwargs)
    if json.loads(run_tool("page-index", path)) != page_indexes(path):
        raise SystemExit(f"careflow reading pyarrow's {label}: the page index differs from page_index_check.py's reading")
    out = os.path.join(WORK, f"pyarrow-{label}.jsonl")
    run_tool("dump", path, out)
    with open(out) as f:
        header = json.loads(f.readline())
        rows = [json.loads(line) for line in f]
    got_names = [c["name"] for c in header["columns"]]
    if got_names != NAMES:
        raise SystemExit(f"careflow reading pyarrow's {label}: columns {got_names}")
    types = {c["name"]: c["type"] for c in header["columns"]}
    for name, sql_type, _ in COLUMNS:
        if types[name] != sql_type:
            raise SystemExit(f"careflow reading pyarrow's {label}: column {name} is {types[name]}, expected {sql_type}")
    ids = [c["field_id"] for c in header["columns"]]
    if ids != [100 + i for i in range(len(COLUMNS))]:
        raise SystemExit(f"careflow reading pyarrow's {label}: field ids {ids}")
    compare(f"careflow reading pyarrow's {label}", {n: [r[i] for r in rows] for i, n in enumerate(NAMES)})
    return path


def check_pruning(path):
    """ts6 decreases with the row number, so its row groups have disjoint bounds."""
    meta = pq.ParquetFile(path).metadata
    col = NAMES.index("ts6")
    epoch = datetime.datetime(1970, 1, 1)

    def micros(dt):
        return (dt - epoch) // datetime.timedelta(microseconds=1)

    at = lambda r: ROW_DATA[r][col]
    for lower, upper in [(at(310), at(290)), (None, at(599)), (at(0) + 1, None), (None, None), (at(10), at(5))]:
        want = []
        for g in range(meta.num_row_groups):
            st = meta.row_group(g).column(col).statistics
            if (lower is None or micros(st.max) >= lower) and (upper is None or micros(st.min) <= upper):
                want.append(g)
        got = json.loads(run_tool("prune", path, json.dumps([{"column": "ts6", "lower": lower, "upper": upper}])))
        if got != want:
            raise SystemExit(f"pruning pyarrow's file on ts6 in [{lower}, {upper}]: careflow keeps {got}, pyarrow's statistics say {want}")
        if lower is not None and upper is not None and len(got) == meta.num_row_groups:
            raise SystemExit(f"pruning kept every row group for ts6 in [{lower}, {upper}]")


ICEBERG_COLUMNS = [n for n, t, _ in COLUMNS if t not in ("TIME(3)", "TIMESTAMP(3)", "TIMESTAMP_LTZ(3)")]


def check_iceberg():
    """careflow's Iceberg v2 table (metadata JSON, manifest list, manifest) read by pyiceberg."""
    from pyiceberg.expressions import GreaterThanOrEqual
    from pyiceberg.table import StaticTable

    spec = os.path.join(WORK, "iceberg.jsonl")
    keep = [NAMES.index(n) for n in ICEBERG_COLUMNS]
    with open(spec, "w") as f:
        cols = [{"name": COLUMNS[i][0], "type": COLUMNS[i][1], "field_id": 100 + i} for i in keep]
        f.write(json.dumps({"columns": cols, "options": {"row_group_rows": 100}}) + "\n")
        for row in ROW_DATA:
            f.write(json.dumps([row[i] for i in keep]) + "\n")
    metadata = run_tool("iceberg", spec, os.path.join(WORK, "iceberg-table")).strip()
    table = StaticTable.from_metadata(metadata)
    got = table.scan().to_arrow()
    got_rows = sorted(json.dumps([normalise(v) for v in r]) for r in zip(*[arrow_column_to_json(got.column(n)) for n in ICEBERG_COLUMNS]))
    want_rows = sorted(json.dumps([EXPECTED[r][i] for i in keep]) for r in range(ROWS))
    if got_rows != want_rows:
        diff = next(i for i, (a, b) in enumerate(zip(got_rows, want_rows)) if a != b)
        raise SystemExit(f"pyiceberg scanning careflow's table: {len(got_rows)} rows; first difference {got_rows[diff]} != {want_rows[diff]}")
    # ts6 decreases with the row, so the second file (rows 300..599) lies entirely below row 100's value:
    # pyiceberg must skip it on the manifest's bounds alone.
    ts_row_100 = ROW_DATA[100][NAMES.index("ts6")]
    files = list(table.scan(row_filter=GreaterThanOrEqual("ts6", ts_row_100)).plan_files())
    if [os.path.basename(t.file.file_path) for t in files] != ["part-0.parquet"]:
        raise SystemExit(f"pyiceberg planned {[t.file.file_path for t in files]} for ts6 >= row 100's value")
    n = table.scan(row_filter=GreaterThanOrEqual("ts6", ts_row_100)).to_arrow().num_rows
    if n != sum(1 for r in ROW_DATA if r[NAMES.index("ts6")] is not None and r[NAMES.index("ts6")] >= ts_row_100):
        raise SystemExit(f"pyiceberg filtered scan: {n} rows")


def check_iceberg_grown():
    """A day-partitioned table careflow grew by three appends (the third merging the manifests of the
    first two), read by pyiceberg: the snapshot chain, the merged manifest, every row once, an older
    snapshot's rows, and partition pruning by day."""
    from pyiceberg.expressions import And, GreaterThanOrEqual, LessThan
    from pyiceberg.table import StaticTable

    spec = os.path.join(WORK, "iceberg.jsonl")  # written by check_iceberg
    keep = [NAMES.index(n) for n in ICEBERG_COLUMNS]
    metadata = run_tool("iceberg-grow", spec, os.path.join(WORK, "iceberg-grown"), "tsz6").strip()
    table = StaticTable.from_metadata(metadata)
    snaps = table.metadata.snapshots
    if len(snaps) != 3 or snaps[1].parent_snapshot_id != snaps[0].snapshot_id or snaps[2].parent_snapshot_id != snaps[1].snapshot_id:
        raise SystemExit(f"pyiceberg: careflow's grown table has snapshots {[(s.snapshot_id, s.parent_snapshot_id) for s in snaps]}")
    if [s.sequence_number for s in snaps] != [1, 2, 3]:
        raise SystemExit(f"pyiceberg: sequence numbers {[s.sequence_number for s in snaps]}")
    manifests = table.current_snapshot().manifests(table.io)
    if len(manifests) != 2 or manifests[1].existing_files_count == 0:
        raise SystemExit(f"pyiceberg: the last snapshot's manifests {[(m.added_files_count, m.existing_files_count) for m in manifests]}"
                         " (expected the added one and the merged one)")
    if [f.name for f in table.spec().fields] != ["tsz6_day"] or str(table.spec().fields[0].transform) != "day":
        raise SystemExit(f"pyiceberg: partition spec {table.spec()}")

    def rows_of(scan):
        got = scan.to_arrow()
        return sorted(json.dumps([normalise(v) for v in r]) for r in zip(*[arrow_column_to_json(got.column(n)) for n in ICEBERG_COLUMNS]))

    want = sorted(json.dumps([EXPECTED[r][i] for i in keep]) for r in range(ROWS))
    if rows_of(table.scan()) != want:
        raise SystemExit("pyiceberg scanning careflow's grown table: rows differ")
    first = sorted(json.dumps([EXPECTED[r][i] for i in keep]) for r in range(ROWS // 3))
    if rows_of(table.scan(snapshot_id=snaps[0].snapshot_id)) != first:
        raise SystemExit("pyiceberg scanning the first snapshot of careflow's grown table: rows differ")
    # One day of tsz6: pyiceberg keeps only that day's partition folder, on the manifests alone.
    tsz6 = NAMES.index("tsz6")
    day = min(r[tsz6] for r in ROW_DATA if r[tsz6] is not None) // 86_400_000_000
    lo, hi = day * 86_400_000_000, (day + 1) * 86_400_000_000
    flt = And(GreaterThanOrEqual("tsz6", lo), LessThan("tsz6", hi))
    planned = list(table.scan(row_filter=flt).plan_files())
    folders = {os.path.basename(os.path.dirname(t.file.file_path)) for t in planned}
    total = len(list(table.scan().plan_files()))
    if len(folders) != 1 or not next(iter(folders)).startswith("tsz6_day=") or len(planned) >= total:
        raise SystemExit(f"pyiceberg planned {sorted(folders)} ({len(planned)} of {total} files) for one day of tsz6")
    n = table.scan(row_filter=flt).to_arrow().num_rows
    if n != sum(1 for r in ROW_DATA if r[tsz6] is not None and lo <= r[tsz6] < hi):
        raise SystemExit(f"pyiceberg filtered scan of one day: {n} rows")


def check_iceberg_sink():
    """Updates and deletes through careflow's iceberg sink (an upsert table whose aggregate's HAVING
    turns updates into deletes, and a retracting COUNT(*) into a table without a key), committed per
    checkpoint with position delete files, read by pyiceberg: the final rows, no more."""
    from pyiceberg.table import StaticTable

    rows = 170
    paths = run_tool("iceberg-sink", os.path.join(WORK, "sink"), str(rows)).split()
    epoch = datetime.datetime(1970, 1, 1)

    def ts(i):
        return (datetime.datetime(2024, 5, 1 + i % 3, 8, 0, 0, (i % 1000) * 1000) - epoch) // datetime.timedelta(microseconds=1)

    want = set()
    for k in range(7):
        seqs = [i for i in range(rows) if i % 7 == k]
        if len(seqs) < 25:
            want.add((k, len(seqs), max(ts(i) for i in seqs)))
    counts = StaticTable.from_metadata(paths[0])
    if counts.schema().identifier_field_ids != [1]:  # k, the PRIMARY KEY, as Iceberg's Flink sink sets it
        raise SystemExit(f"careflow's upsert table's identifier fields: {counts.schema().identifier_field_ids}")
    got = counts.scan().to_arrow()
    m = got.column("m").cast(pa.int64()).to_pylist()
    got_rows = set(zip(got.column("k").to_pylist(), got.column("n").to_pylist(), m))
    if got.num_rows != len(want) or got_rows != want:
        raise SystemExit(f"pyiceberg reading careflow's upsert table: {sorted(got_rows)} (want {sorted(want)})")
    summary = counts.current_snapshot().summary
    if int(summary["total-position-deletes"]) == 0 or summary.operation.value not in ("overwrite", "delete"):
        raise SystemExit(f"careflow's upsert table's last snapshot: {summary}")
    if not any(t.delete_files for t in counts.scan().plan_files()):
        raise SystemExit("pyiceberg planned no delete files for careflow's upsert table")
    total = StaticTable.from_metadata(paths[1]).scan().to_arrow()
    if total.column("n").to_pylist() != [rows]:
        raise SystemExit(f"pyiceberg reading careflow's retracted COUNT(*): {total.column('n').to_pylist()}")
    check_transforms(StaticTable.from_metadata(paths[2]), rows, ts)
    check_maintenance(os.path.dirname(os.path.dirname(paths[0])), want)


def check_maintenance(location, want):
    """careflow's compaction (its many small files and delete files into one file per partition, a
    replace snapshot), snapshot expiry and orphan removal on the upsert table; pyiceberg reads the
    same rows after each."""
    from pyiceberg.table import StaticTable

    def read():
        hint = open(os.path.join(location, "metadata", "version-hint.text")).read().strip()
        table = StaticTable.from_metadata(os.path.join(location, "metadata", f"v{hint}.metadata.json"))
        got = table.scan().to_arrow()
        rows = set(zip(got.column("k").to_pylist(), got.column("n").to_pylist(), got.column("m").cast(pa.int64()).to_pylist()))
        return table, rows, got.num_rows

    planned = list(read()[0].scan().plan_files())
    before, deletes_before = len(planned), sum(len(t.delete_files) for t in planned)
    for step in ("compact", "expire", "orphans"):
        did = json.loads(run_tool("maintain", location, step))
        table, rows, n = read()
        if rows != want or n != len(want):
            raise SystemExit(f"pyiceberg after careflow's {step} ({did}): {sorted(rows)}")
        tasks = list(table.scan().plan_files())
        if step == "compact" and (table.current_snapshot().summary.operation.value != "replace" or len(tasks) >= before
                                  or sum(len(t.delete_files) for t in tasks) >= deletes_before):
            raise SystemExit(f"careflow's compaction: {did}, {len(tasks)} files of {before}, summary {table.current_snapshot().summary}")
        if step == "expire" and (len(table.metadata.snapshots) != 1 or did["deleted"] == 0):
            raise SystemExit(f"careflow's expiry: {did}, {len(table.metadata.snapshots)} snapshots left")


def check_transforms(table, rows, ts):
    """careflow's table partitioned by year, month, hour, bucket[2] and truncate[2]: pyiceberg reads the
    spec, every data file's partition tuple equals pyiceberg's own transforms of each of its rows, the
    rows read back, and filters on seq and ts are planned to the matching partitions only."""
    from pyiceberg.expressions import And, EqualTo, GreaterThanOrEqual, LessThan
    from pyiceberg.transforms import BucketTransform, HourTransform, MonthTransform, TruncateTransform, YearTransform
    from pyiceberg.types import LongType, StringType, TimestampType

    if [str(f.transform) for f in table.spec().fields] != ["year", "month", "hour", "bucket[2]", "truncate[2]"]:
        raise SystemExit(f"pyiceberg: careflow's spec {table.spec()}")
    fns = [YearTransform().transform(TimestampType()), MonthTransform().transform(TimestampType()),
           HourTransform().transform(TimestampType()), BucketTransform(2).transform(LongType()),
           TruncateTransform(2).transform(StringType())]
    tasks = list(table.scan().plan_files())
    for t in tasks:
        data = pq.read_table(t.file.file_path)
        got = tuple(t.file.partition[i] for i in range(5))
        for seq, micros, tag in zip(data.column("seq").to_pylist(), data.column("ts").cast(pa.int64()).to_pylist(),
                                    data.column("tag").to_pylist()):
            want = (fns[0](micros), fns[1](micros), fns[2](micros), fns[3](seq), fns[4](tag))
            if got != want:
                raise SystemExit(f"{t.file.file_path}: partition {got}, pyiceberg's transforms of row {seq} give {want}")
    all_rows = table.scan().to_arrow()
    if sorted(all_rows.column("seq").to_pylist()) != list(range(rows)):
        raise SystemExit("pyiceberg reading careflow's transform-partitioned table: rows differ")
    one = list(table.scan(row_filter=EqualTo("seq", 5)).plan_files())
    if not one or len(one) >= len(tasks) or any(t.file.partition[3] != fns[3](5) for t in one):
        raise SystemExit(f"pyiceberg planned {len(one)} of {len(tasks)} files for seq = 5")
    if table.scan(row_filter=EqualTo("seq", 5)).to_arrow().column("tag").to_pylist() != ["d2x"]:
        raise SystemExit("pyiceberg filtered scan of seq = 5")
    hour = fns[2](ts(0))
    flt = And(GreaterThanOrEqual("ts", ts(0) - ts(0) % 3_600_000_000), LessThan("ts", ts(0) - ts(0) % 3_600_000_000 + 3_600_000_000))
    planned = list(table.scan(row_filter=flt).plan_files())
    if not planned or len(planned) >= len(tasks) or any(t.file.partition[2] != hour for t in planned):
        raise SystemExit(f"pyiceberg planned {len(planned)} of {len(tasks)} files for one hour of ts")


def check_uuid_table(catalog, warehouse):
    """A table pyiceberg creates through careflow's catalog with a uuid column and identifier-field-ids:
    the catalog keeps the identifier fields, careflow's writer fills it (FIXED_LEN_BYTE_ARRAY(16)
    with the UUID annotation, as pyarrow sees it), pyiceberg reads the UUIDs back and prunes on
    their bounds, and careflow's reader reads them."""
    import uuid
    from pyiceberg.expressions import EqualTo
    from pyiceberg.schema import Schema
    from pyiceberg.types import LongType, NestedField, UUIDType

    schema = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "u", UUIDType(), required=False),
                    identifier_field_ids=[1])
    catalog.create_table("py.ids", schema=schema)
    table = catalog.load_table("py.ids")
    if table.schema().identifier_field_ids != [1] or str(table.schema().find_field("u").field_type) != "uuid":
        raise SystemExit(f"careflow's catalog created {table.schema()} (identifier fields {table.schema().identifier_field_ids})")
    ids = [uuid.UUID(int=(i * 0x9E3779B97F4A7C15F39CC0605CEDC834 + 12345) % 2**128) for i in range(40)]
    rows = [(i, None if i % 7 == 3 else ids[i]) for i in range(40)]
    rows_path = os.path.join(WORK, "uuid-rows.jsonl")
    with open(rows_path, "w") as f:
        for i, u in rows:
            f.write(json.dumps([i, None if u is None else u.bytes.hex()]) + "\n")
    location = os.path.join(warehouse, "py", "ids")
    run_tool("iceberg-append", location, rows_path)
    table = catalog.load_table("py.ids")

    def as_uuid(v):
        return None if v is None else v if isinstance(v, uuid.UUID) else uuid.UUID(bytes=bytes(v))

    got = table.scan().to_arrow()
    got_rows = sorted(zip(got.column("id").to_pylist(), [as_uuid(v) for v in got.column("u").to_pylist()]))
    if got_rows != rows:
        raise SystemExit(f"pyiceberg reading careflow's uuid column: {got_rows[:3]} ... (want {rows[:3]} ...)")
    for task in table.scan().plan_files():
        column = pq.ParquetFile(task.file.file_path).schema.column(1)
        if column.physical_type != "FIXED_LEN_BYTE_ARRAY" or column.length != 16 or column.logical_type.type != "UUID":
            raise SystemExit(f"careflow's uuid column in Parquet: {column}")
    hit = table.scan(row_filter=EqualTo("u", ids[5])).to_arrow()
    if hit.column("id").to_pylist() != [5]:
        raise SystemExit(f"pyiceberg filtering careflow's uuid column: {hit.column('id').to_pylist()}")
    out = os.path.join(WORK, "uuid-scan.jsonl")
    run_tool("iceberg-scan", location, out)
    with open(out) as f:
        header = json.loads(f.readline())
        scanned = sorted(tuple(json.loads(line)) for line in f)
    if scanned != [(i, None if u is None else u.bytes.hex()) for i, u in rows] or header["columns"][1]["type"] != "BINARY(16)":
        raise SystemExit(f"careflow reading its uuid table: {header}, {scanned[:3]}")
    catalog.drop_table("py.ids")


def check_rest_catalog():
    """careflow's Iceberg REST catalog (served by lake_interop rest) through pyiceberg's RestCatalog:
    namespaces and tables listed, careflow's grown table loaded and scanned; then pyiceberg creates
    a namespace and a table and appends to it twice through the catalog, careflow's reader reads
    what pyiceberg wrote, a commit on a stale view of the table is refused, and the table and the
    namespace are dropped."""
    from pyiceberg.catalog.rest import RestCatalog
    from pyiceberg.exceptions import CommitFailedException, NoSuchTableError
    from pyiceberg.schema import Schema
    from pyiceberg.types import LongType, NestedField, StringType, TimestamptzType

    warehouse = os.path.join(WORK, "rest-warehouse")
    os.makedirs(os.path.join(warehouse, "hc"))
    run_tool("iceberg-grow", os.path.join(WORK, "iceberg.jsonl"), os.path.join(warehouse, "hc", "grown"), "tsz6")
    server = subprocess.Popen([TOOL, "rest", warehouse], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        catalog = RestCatalog("careflow", uri=f"http://127.0.0.1:{port}/iceberg")
        if catalog.list_namespaces() != [("hc",)]:
            raise SystemExit(f"RestCatalog namespaces: {catalog.list_namespaces()}")
        if catalog.list_tables("hc") != [("hc", "grown")]:
            raise SystemExit(f"RestCatalog tables: {catalog.list_tables('hc')}")
        keep = [NAMES.index(n) for n in ICEBERG_COLUMNS]
        got = catalog.load_table("hc.grown").scan().to_arrow()
        rows = sorted(json.dumps([normalise(v) for v in r]) for r in zip(*[arrow_column_to_json(got.column(n)) for n in ICEBERG_COLUMNS]))
        if rows != sorted(json.dumps([EXPECTED[r][i] for i in keep]) for r in range(ROWS)):
            raise SystemExit("RestCatalog scan of careflow's table: rows differ")
        try:
            catalog.load_table("hc.nope")
            raise SystemExit("RestCatalog loaded a table that does not exist")
        except NoSuchTableError:
            pass

        catalog.create_namespace("py")
        schema = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "name", StringType(), required=False),
                        NestedField(3, "ts", TimestamptzType(), required=False))
        table = catalog.create_table("py.events", schema=schema)
        arrow_schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string()),
                                  pa.field("ts", pa.timestamp("us", tz="UTC"))])
        batches = [[(i, None if i % 7 == 0 else f"e{i}", 1_700_000_000_000_000 + i * 1_000_003) for i in range(b * 50, b * 50 + 50)]
                   for b in range(2)]
        stale = catalog.load_table("py.events")
        for batch in batches:
            table.append(pa.table({"id": [r[0] for r in batch], "name": [r[1] for r in batch], "ts": [r[2] for r in batch]},
                                  schema=arrow_schema))
        try:
            stale.append(pa.table({"id": [999], "name": ["late"], "ts": [0]}, schema=arrow_schema))
            raise SystemExit("careflow's catalog accepted a commit on a stale snapshot")
        except CommitFailedException:
            pass
        if len(catalog.load_table("py.events").metadata.snapshots) != 2:
            raise SystemExit(f"pyiceberg's table has {len(catalog.load_table('py.events').metadata.snapshots)} snapshots")
        out = os.path.join(WORK, "py-events.jsonl")
        run_tool("iceberg-scan", os.path.join(warehouse, "py", "events"), out)
        with open(out) as f:
            header = json.loads(f.readline())
            got_rows = sorted(tuple(json.loads(line)) for line in f)
        want_rows = sorted((r[0], r[1], r[2]) for batch in batches for r in batch)
        if [c["name"] for c in header["columns"]] != ["id", "name", "ts"] or header["snapshots"] != 2 or got_rows != want_rows:
            raise SystemExit(f"careflow reading pyiceberg's table: {header}, {len(got_rows)} rows, first {got_rows[:2]} vs {want_rows[:2]}")
        # Schema evolution through the catalog's commit (add-schema, set-current-schema): a column added,
        # one renamed; pyiceberg appends with the new schema; careflow reads the old files by field id.
        table = catalog.load_table("py.events")
        with table.update_schema() as update:
            update.add_column("extra", StringType())
            update.rename_column("name", "label")
        table = catalog.load_table("py.events")
        if [f.name for f in table.schema().fields] != ["id", "label", "ts", "extra"] or table.metadata.current_schema_id != 1:
            raise SystemExit(f"careflow's catalog after update_schema: {table.schema()}")
        evolved = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("label", pa.string()),
                             pa.field("ts", pa.timestamp("us", tz="UTC")), pa.field("extra", pa.string())])
        table.append(pa.table({"id": [500], "label": ["new"], "ts": [7], "extra": ["x"]}, schema=evolved))
        run_tool("iceberg-scan", os.path.join(warehouse, "py", "events"), out)
        with open(out) as f:
            header = json.loads(f.readline())
            got_rows = sorted(tuple(json.loads(line)) for line in f)
        want_rows = sorted([(r[0], r[1], r[2], None) for batch in batches for r in batch] + [(500, "new", 7, "x")])
        if [c["name"] for c in header["columns"]] != ["id", "label", "ts", "extra"] or got_rows != want_rows:
            raise SystemExit(f"careflow reading pyiceberg's evolved table: {header}, {len(got_rows)} rows, last {got_rows[-2:]}")
        if sorted(table.scan().to_arrow().column("label").to_pylist(), key=str) != sorted([r[1] for b in batches for r in b] + ["new"], key=str):
            raise SystemExit("pyiceberg reading its evolved table through careflow's catalog: labels differ")
        catalog.drop_table("py.events")
        if catalog.list_tables("py") != [] or os.path.exists(os.path.join(warehouse, "py", "events")):
            raise SystemExit("RestCatalog drop_table left the table behind")
        # A table created through the catalog with transforms careflow evaluates (its metadata as
        # pyiceberg asked); careflow's writer fills it and pyiceberg prunes on its partitions.
        from pyiceberg.partitioning import PartitionField, PartitionSpec
        from pyiceberg.transforms import BucketTransform, HourTransform, TruncateTransform
        from pyiceberg.expressions import EqualTo
        spec = PartitionSpec(PartitionField(1, 1000, BucketTransform(4), "id_bucket"), PartitionField(2, 1001, TruncateTransform(1), "name_trunc"),
                             PartitionField(3, 1002, HourTransform(), "ts_hour"))
        catalog.create_table("py.parts", schema=schema, partition_spec=spec)
        run_tool("iceberg-fill", os.path.join(warehouse, "py", "parts"), "20")
        parts = catalog.load_table("py.parts")
        if [str(f.transform) for f in parts.spec().fields] != ["bucket[4]", "truncate[1]", "hour"]:
            raise SystemExit(f"careflow's catalog created {parts.spec()}")
        tasks = list(parts.scan().plan_files())
        bucket = BucketTransform(4).transform(LongType())
        pruned = list(parts.scan(row_filter=EqualTo("id", 5)).plan_files())
        if not pruned or len(pruned) >= len(tasks) or any(t.file.partition[0] != bucket(5) for t in pruned):
            raise SystemExit(f"pyiceberg planned {len(pruned)} of {len(tasks)} files of careflow's bucketed table for id = 5")
        if sorted(parts.scan().to_arrow().column("id").to_pylist()) != list(range(20)):
            raise SystemExit("pyiceberg reading careflow's rows in the table it created")
        catalog.drop_table("py.parts")
        check_uuid_table(catalog, warehouse)
        catalog.drop_namespace("py")
        if catalog.list_namespaces() != [("hc",)]:
            raise SystemExit(f"RestCatalog drop_namespace: {catalog.list_namespaces()}")
    finally:
        server.stdin.close()
        server.wait()


def main():
    checked = 0
    for codec in ("UNCOMPRESSED", "SNAPPY", "ZSTD"):
        for encoding, extra in (("dict", {"dictionary": True}), ("plain", {"dictionary": False}),
                                ("fallback", {"dictionary": True, "dictionary_page_bytes": 64}),
                                ("delta", {"dictionary": True, "integer_encoding": "delta"})):
            for page_version in (1, 2):
                label = f"careflow-{codec.lower()}-{encoding}-v{page_version}"
                options = {"codec": codec, "page_version": page_version, "row_group_rows": 250, "page_bytes": 2048, **extra}
                check_careflow_file(label, careflow_writes(label, options), options)
                checked += 1
    pruned = None
    for codec in ("NONE", "SNAPPY", "ZSTD"):
        for encoding, extra in (("dict", {"use_dictionary": True}), ("plain", {"use_dictionary": False}),
                                ("fallback", {"use_dictionary": True, "dictionary_pagesize_limit": 64}),
                                ("delta", {"use_dictionary": [n for n in NAMES if n not in INTEGER_COLUMNS],
                                           "column_encoding": {n: "DELTA_BINARY_PACKED" for n in INTEGER_COLUMNS},
                                           "store_decimal_as_integer": True})):
            for page_version in ("1.0", "2.0"):
                label = f"{codec.lower()}-{encoding}-v{page_version}"
                path = check_pyarrow_file(label, {"compression": codec, "data_page_version": page_version,
                                                  "data_page_size": 2048, **extra})
                pruned = pruned or path
                checked += 1
    check_pruning(pruned)
    check_iceberg()
    check_iceberg_grown()
    check_iceberg_sink()
    check_rest_catalog()
    import pyiceberg
    print(f"lake interop: {checked} files, pruning, Iceberg tables and the REST catalog checked, pyarrow {pa.__version__}, "
          f"duckdb {duckdb.__version__}, pyiceberg {pyiceberg.__version__}")


if __name__ == "__main__":
    main()
