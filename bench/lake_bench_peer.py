"""pyarrow's Parquet writer on the rows of bench/lake_bench (the telemetry facts or the 37-column wide
table of lake_bench_rows.py; same rows, same codec, same row-group and page sizes, dictionary limits at
pyarrow's defaults, which careflow's match).

  lake_bench_peer.py SCHEMA ROWS ROW_GROUP_ROWS REPEATS DIR CAREFLOW_FILES_JSON

Prints one JSON object: per codec, pyarrow's best write time over REPEATS and its file size with its
default encodings (the file stays in DIR as pyarrow-SCHEMA-CODEC.parquet, for the scan benchmark) and
again with a dictionary on the columns careflow dictionary-encodes only (in careflow's first row group),
and whether pyarrow reads careflow's file of that codec back equal to the table it wrote itself.
"""
import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq

from lake_bench_rows import bench_table

schema_name, rows, group_rows, repeats, out_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
careflow_files = json.loads(sys.argv[6])
table = bench_table(schema_name, rows)


def best_write(path, codec, use_dictionary):
    best = None
    for _ in range(repeats):
        start = time.perf_counter()
        # store_decimal_as_integer: DECIMAL(p <= 18) in INT32 / INT64, as careflow stores them.
        pq.write_table(table, path, compression=codec.replace("UNCOMPRESSED", "NONE"), row_group_size=group_rows,
                       data_page_size=1 << 20, use_dictionary=use_dictionary, dictionary_pagesize_limit=1 << 20,
                       store_decimal_as_integer=True)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, os.path.getsize(path)


result = {"pyarrow": pa.__version__}
for codec, path in careflow_files.items():
    theirs = pq.read_table(path)
    same = theirs.cast(table.schema).equals(table)
    encodings = pq.ParquetFile(path).metadata.row_group(0)
    dict_columns = [encodings.column(c).path_in_schema for c in range(encodings.num_columns)
                    if any("DICTIONARY" in e for e in encodings.column(c).encodings)]
    own = os.path.join(out_dir, f"pyarrow-{schema_name}-{codec}.parquet")
    seconds, size = best_write(own, codec, True)
    same_seconds, same_size = best_write(os.path.join(out_dir, f"pyarrow-{schema_name}-same-{codec}.parquet"), codec, dict_columns)
    result[codec] = {"seconds": seconds, "bytes": size, "file": own, "same_seconds": same_seconds, "same_bytes": same_size,
                     "careflow_file_equal": same, "careflow_dictionary_columns": dict_columns}
print(json.dumps(result))
