"""Nested columns (ROW, ARRAY, MAP, and combinations, with NULLs at every level) across readers:
careflow writes a Parquet file that pyarrow and DuckDB read with the same values, careflow reads
pyarrow's file of the same rows, and pyiceberg scans careflow's Iceberg table of them (field ids on
every nested node) as careflow's own scan does. Run by tests/interop/lake/run:
    nested_interop.py LAKE_INTEROP WORK
"""
import datetime
import decimal
import json
import os
import sys

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from interop import run_tool  # the flat matrix's runner of lake_interop (same arguments: TOOL WORK)

WORK = sys.argv[2]
WIDE = decimal.Context(prec=80)
EPOCH = datetime.datetime(1970, 1, 1)

EVENT = pa.struct([("name", pa.string()), ("happened", pa.timestamp("us")), ("amount", pa.decimal128(12, 2))])
INNER = pa.struct([("a", pa.int32()), ("m", pa.map_(pa.string(), pa.string()))])
# name, Flink SQL type, field id, nested field ids (pre-order, as the sink numbers them), pyarrow type
COLUMNS = [
    ("id", "BIGINT NOT NULL", 1, [], pa.int64()),
    ("tags", "ARRAY<STRING>", 2, [8], pa.list_(pa.string())),
    ("point", "ROW<x DOUBLE, y DOUBLE NOT NULL, label STRING>", 3, [9, 10, 11],
     pa.struct([("x", pa.float64()), pa.field("y", pa.float64(), nullable=False), ("label", pa.string())])),
    ("attrs", "MAP<STRING NOT NULL, BIGINT>", 4, [12, 13], pa.map_(pa.string(), pa.int64())),
    ("matrix", "ARRAY<ARRAY<INT>>", 5, [14, 15], pa.list_(pa.list_(pa.int32()))),
    ("events", "ARRAY<ROW<name STRING, happened TIMESTAMP(6), amount DECIMAL(12, 2)>>", 6, [16, 17, 18, 19], pa.list_(EVENT)),
    ("by_key", "MAP<INT NOT NULL, ROW<a INT, m MAP<STRING NOT NULL, STRING>>>", 7, [20, 21, 22, 23, 24, 25], pa.map_(pa.int32(), INNER)),
]
NAMES = [c[0] for c in COLUMNS]
ROWS = 400


def row(r):
    """Row r in lake_interop's JSON form: NULL rows, NULL and empty arrays, NULL elements and NULL map
    values in turn."""
    tags = [None, [], ["a", None, f"t{r % 3}"], [f"tag-{r}"]][r % 4]
    point = None if r % 6 == 1 else {"x": None if r % 4 == 0 else r * 0.5, "y": float(-r), "label": "p" if r % 3 else None}
    attrs = None if r % 7 == 2 else [] if r % 7 == 3 else [["k1", r], ["k2", None if r % 2 else -r]]
    matrix = [[[1, 2], [], None, [None, r]], [], None, [[r]]][r % 4]
    events = None if r % 3 == 1 else [] if r % 3 == 2 else [
        {"name": "start", "happened": 1_714_550_400_000_000 + r, "amount": "12345"}, None,
        {"name": None, "happened": None, "amount": None}, {"name": "end", "happened": None, "amount": "-1"}]
    by_key = None if r % 5 == 4 else [[1, {"a": r, "m": [["x", "y"], ["z", None]]}], [2, None], [3, {"a": None, "m": []}]]
    return [r, tags, point, attrs, matrix, events, by_key]


ROW_DATA = [row(r) for r in range(ROWS)]


def to_form(t, v):
    """A value pyarrow's to_pylist gives for type t → lake_interop's JSON form."""
    if v is None:
        return None
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return [to_form(t.value_type, x) for x in v]
    if pa.types.is_struct(t):
        return {t.field(i).name: to_form(t.field(i).type, v[t.field(i).name]) for i in range(t.num_fields)}
    if pa.types.is_map(t):
        return [[to_form(t.key_type, k), to_form(t.item_type, x)] for k, x in v]
    if pa.types.is_timestamp(t):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return (v - EPOCH) // datetime.timedelta(microseconds=1)
    if pa.types.is_decimal(t):
        return str(int(v.scaleb(t.scale, context=WIDE)))
    return v


def from_form(t, v):
    """The JSON form → a value pa.array takes for type t."""
    if v is None:
        return None
    if pa.types.is_list(t):
        return [from_form(t.value_type, x) for x in v]
    if pa.types.is_struct(t):
        return {t.field(i).name: from_form(t.field(i).type, v[t.field(i).name]) for i in range(t.num_fields)}
    if pa.types.is_map(t):
        return [(from_form(t.key_type, k), from_form(t.item_type, x)) for k, x in v]
    if pa.types.is_decimal(t):
        return decimal.Decimal(int(v)).scaleb(-t.scale, context=WIDE)
    return v


def table_rows(table):
    """A pyarrow Table → its rows in the JSON form, as JSON text sorted by id."""
    columns = [[to_form(table.schema.field(n).type, v) for v in table.column(n).to_pylist()] for n in NAMES]
    return sorted((canonical(list(r)) for r in zip(*columns)), key=lambda s: json.loads(s)[0])


def canonical(row):
    """One row as JSON text with objects' keys sorted (careflow's JSON sorts them; pyarrow keeps field order)."""
    return json.dumps(row, sort_keys=True)


WANT = sorted((canonical(r) for r in ROW_DATA), key=lambda s: json.loads(s)[0])


# pyiceberg 0.9.1 reads a NULL list<struct<...>> (and a NULL map<..., struct<...>>) as an empty one
# (apache/iceberg-python#251, #3833: its projection rebuilds the array of a struct element without
# the validity bitmap). The files hold the NULL (pyarrow, DuckDB and careflow read it), so only
# pyiceberg's scan is compared with that one change, for those two columns.
STRUCT_ELEMENTS = {"events", "by_key"}
PYICEBERG_WANT = sorted((canonical([[] if v is None and NAMES[i] in STRUCT_ELEMENTS else v for i, v in enumerate(r)]) for r in ROW_DATA),
                        key=lambda s: json.loads(s)[0])


def compare(label, got, want=WANT):
    if got == want:
        return
    if len(got) != len(want):
        raise SystemExit(f"{label}: {len(got)} rows, want {len(want)}")
    diff = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b)
    raise SystemExit(f"{label}: row {diff} differs:\n got  {got[diff]}\n want {want[diff]}")


def write_spec(path, options):
    with open(path, "w") as f:
        cols = [{"name": n, "type": sql, "field_id": fid, "nested_ids": ids} for n, sql, fid, ids, _ in COLUMNS]
        f.write(json.dumps({"columns": cols, "options": options}) + "\n")
        for r in ROW_DATA:
            f.write(json.dumps(r) + "\n")


def dumped_rows(path):
    with open(path) as f:
        lines = f.read().splitlines()[1:]
    return sorted((canonical(json.loads(line)) for line in lines), key=lambda s: json.loads(s)[0])


def check_careflow_files():
    """careflow's nested files, pages v1 and v2, dictionary and PLAIN, read by pyarrow and DuckDB."""
    checked = 0
    for page_version in (1, 2):
        for dictionary in (True, False):
            label = f"careflow-nested-v{page_version}-{'dict' if dictionary else 'plain'}"
            spec = os.path.join(WORK, label + ".jsonl")
            path = os.path.join(WORK, label + ".parquet")
            write_spec(spec, {"codec": "ZSTD", "page_version": page_version, "dictionary": dictionary,
                              "row_group_rows": 150, "page_bytes": 512})
            run_tool("write", spec, path)
            table = pq.read_table(path)
            compare(f"pyarrow reading {label}", table_rows(table))
            # Iceberg's field ids on every nested node, where pyarrow exposes them.
            element = table.schema.field("tags").type.value_field
            if element.metadata is None or element.metadata.get(b"PARQUET:field_id") != b"8":
                raise SystemExit(f"{label}: tags' element has field id metadata {element.metadata}, want 8")
            duck = duckdb.sql(f"SELECT * FROM read_parquet('{path}')").arrow()
            compare(f"DuckDB reading {label}", table_rows(duck))
            out = os.path.join(WORK, label + ".dump.jsonl")
            run_tool("dump", path, out)
            compare(f"careflow reading {label}", dumped_rows(out))
            checked += 1
    return checked


def check_pyarrow_file():
    """pyarrow's nested file (its 3-level lists, key_value maps) read by careflow."""
    arrays = [pa.array([from_form(t, r[i]) for r in ROW_DATA], type=t) for i, (_, _, _, _, t) in enumerate(COLUMNS)]
    schema = pa.schema([pa.field(n, t, nullable=(i != 0)) for i, (n, _, _, _, t) in enumerate(COLUMNS)])
    table = pa.Table.from_arrays(arrays, schema=schema)
    for page_version in ("1.0", "2.0"):
        path = os.path.join(WORK, f"pyarrow-nested-v{page_version}.parquet")
        pq.write_table(table, path, data_page_version=page_version, row_group_size=150)
        out = path + ".dump.jsonl"
        run_tool("dump", path, out)
        compare(f"careflow reading pyarrow's nested file (pages v{page_version})", dumped_rows(out))


def check_iceberg():
    """careflow's Iceberg table of nested columns scanned by pyiceberg and by careflow."""
    from pyiceberg.table import StaticTable

    spec = os.path.join(WORK, "nested-iceberg.jsonl")
    write_spec(spec, {"row_group_rows": 100})
    location = os.path.join(WORK, "nested-iceberg")
    metadata = run_tool("iceberg", spec, location).strip()
    table = StaticTable.from_metadata(metadata)
    by_key = table.schema().find_field("by_key")
    if by_key.field_type.key_id != 20 or by_key.field_type.value_id != 21:
        raise SystemExit(f"pyiceberg sees by_key as {by_key}")
    compare("pyiceberg scanning careflow's nested table", table_rows(table.scan().to_arrow()), PYICEBERG_WANT)
    out = os.path.join(WORK, "nested-iceberg-scan.jsonl")
    run_tool("iceberg-scan", location, out)
    compare("careflow scanning its nested table", dumped_rows(out))


def main():
    checked = check_careflow_files()
    check_pyarrow_file()
    check_iceberg()
    print(f"nested interop: {checked} careflow files (pyarrow, DuckDB, careflow), pyarrow's files, the Iceberg table (pyiceberg) checked")


if __name__ == "__main__":
    main()
