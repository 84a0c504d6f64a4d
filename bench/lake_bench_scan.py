"""Parquet scans by pyarrow's reader and DuckDB's read_parquet, for bench/lake_bench: each reads every
row of the asked columns (all of them when "columns" is null) into memory, as an Arrow table.

  lake_bench_scan.py REPEATS JOBS_JSON      (JOBS_JSON: [{"path": ..., "columns": [...] or null}, ...])

pyarrow: pq.read_table (decodes every page of the columns into Arrow arrays). DuckDB: SELECT of the
columns from read_parquet, fetched whole as an Arrow table (fetch_arrow_table), so that DuckDB decodes
and materializes every value as pyarrow and careflow do; a count(*) would read no values at all. Each
reader runs with one thread (as careflow's reader does) and with its default threads (this machine's
cores). Prints a JSON list, per job: the best seconds of REPEATS for each of the four.
"""
import json
import sys
import time

import duckdb
import pyarrow.parquet as pq

repeats, jobs = int(sys.argv[1]), json.loads(sys.argv[2])


def best(run):
    seconds = None
    for _ in range(repeats):
        start = time.perf_counter()
        rows = run()
        elapsed = time.perf_counter() - start
        seconds = elapsed if seconds is None else min(seconds, elapsed)
    return seconds, rows


def duckdb_scan(threads, path, columns):
    con = duckdb.connect()
    con.execute(f"SET threads TO {threads}")
    select = "*" if columns is None else ", ".join(f'"{c}"' for c in columns)
    sql = f"SELECT {select} FROM read_parquet('{path}')"
    return lambda: con.execute(sql).fetch_arrow_table().num_rows


out = []
for job in jobs:
    path, columns = job["path"], job["columns"]
    result = {}
    for threads_name, use_threads in (("1", False), ("default", True)):
        result[f"pyarrow_{threads_name}"], rows = best(lambda: pq.read_table(path, columns=columns, use_threads=use_threads).num_rows)
    result["duckdb_1"], duck_rows = best(duckdb_scan(1, path, columns))
    result["duckdb_default"], _ = best(duckdb_scan(duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0], path, columns))
    result["rows"] = rows
    if duck_rows != rows:
        sys.exit(f"{path}: DuckDB read {duck_rows} rows, pyarrow {rows}")
    out.append(result)
print(json.dumps(out))
