"""pyarrow's Parquet writer on the telemetry-facts rows, for bench/lake_bench (same rows, same codec,
same row-group and page sizes, dictionary limits at pyarrow's defaults, which careflow's match).

  lake_bench_peer.py ROWS ROW_GROUP_ROWS REPEATS DIR CAREFLOW_FILES_JSON

Prints one JSON object: per codec, pyarrow's best write time over REPEATS and its file size with its
default encodings and again with a dictionary on the columns careflow dictionary-encodes only, and
whether pyarrow reads careflow's file of that codec back equal to the table it wrote itself.
"""
import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq

from lake_bench_rows import telemetry_columns

rows, group_rows, repeats, out_dir = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
careflow_files = json.loads(sys.argv[5])

cols = telemetry_columns(rows)
schema = pa.schema([
    pa.field("device_id", pa.string()), pa.field("patient_id", pa.string()),
    pa.field("ts", pa.timestamp("ms", tz="UTC")), pa.field("metric_name", pa.string()),
    pa.field("metric_value", pa.float64()), pa.field("unit", pa.string()),
    pa.field("target_value", pa.float64()), pa.field("tolerance", pa.float64()),
    pa.field("in_range", pa.bool_()), pa.field("sequence", pa.int64(), nullable=False),
])
table = pa.Table.from_arrays([
    pa.array(cols["device_id"], pa.string()), pa.array(cols["patient_id"], pa.string()),
    pa.array(cols["ts"], pa.int64()).cast(pa.timestamp("ms", tz="UTC")), pa.array(cols["metric_name"], pa.string()),
    pa.array(cols["metric_value"], pa.float64()), pa.array(cols["unit"], pa.string()),
    pa.array(cols["target_value"], pa.float64()), pa.array(cols["tolerance"], pa.float64()),
    pa.array(cols["in_range"], pa.bool_()), pa.array(cols["sequence"], pa.int64()),
], schema=schema)

# The columns careflow's writer dictionary-encodes (the others are near-unique: PLAIN).
LOW_CARDINALITY = ["device_id", "patient_id", "metric_name", "unit", "target_value", "tolerance"]


def best_write(path, codec, use_dictionary):
    best = None
    for _ in range(repeats):
        start = time.perf_counter()
        pq.write_table(table, path, compression=codec.replace("UNCOMPRESSED", "NONE"), row_group_size=group_rows,
                       data_page_size=1 << 20, use_dictionary=use_dictionary, dictionary_pagesize_limit=1 << 20)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, os.path.getsize(path)


result = {"pyarrow": pa.__version__}
for codec, path in careflow_files.items():
    seconds, size = best_write(os.path.join(out_dir, f"pyarrow-{codec}.parquet"), codec, True)
    same_seconds, same_size = best_write(os.path.join(out_dir, f"pyarrow-same-{codec}.parquet"), codec, LOW_CARDINALITY)
    theirs = pq.read_table(path)
    same = theirs.cast(schema).equals(table)
    encodings = pq.ParquetFile(path).metadata.row_group(0)
    dict_columns = [encodings.column(c).path_in_schema for c in range(encodings.num_columns)
                    if any("DICTIONARY" in e for e in encodings.column(c).encodings)]
    result[codec] = {"seconds": seconds, "bytes": size, "same_seconds": same_seconds, "same_bytes": same_size,
                     "careflow_file_equal": same, "careflow_dictionary_columns": dict_columns}
print(json.dumps(result))
