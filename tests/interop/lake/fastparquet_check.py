"""fastparquet (a third Parquet reader, pure Python + numba-free NumPy, sharing no code with Arrow,
DuckDB or careflow) reads every file careflow wrote in the interop matrix (interop.py, run before
this with the same WORKDIR: 3 codecs x dictionary / PLAIN / fallback / DELTA_BINARY_PACKED integers x
data pages v1 / v2).

  fastparquet_check.py TOOL WORKDIR

fastparquet hands columns to pandas, which decides some representations; each is compared exactly
where pandas can hold the value:
  - FLOAT / DOUBLE: NULL and NaN are both NaN in a pandas float column;
  - DECIMAL: fastparquet converts decimals to float64 by design, so they are compared as the
    nearest double (relative 1e-15);
  - DATE: fastparquet converts to datetime64[ns], which holds 1677-09-21 .. 2262-04-11 only; the
    matrix's edge dates 0001-01-01 and 9999-12-31 (read exactly by pyarrow and DuckDB in
    interop.py) are outside it and skipped here.
  - DELTA_BINARY_PACKED files: fastparquet 2026.9 crashes the interpreter (a segmentation fault)
    unpacking miniblocks wider than 56 bits, and misreads INT32 deltas that wrap around in 32 bits
    (the spec's rule) and INT64 columns whose deltas alternate in sign by about 2^39; it does the
    same on pyarrow's DELTA files of the same values (checked by hand: pyarrow's DELTA and PLAIN
    files of each column read by fastparquet differ in 526..530 rows for i32, dec9, ts3, tsz3, and
    crash for i64, dec18). Those columns are left out of the DELTA files here; pyarrow and DuckDB
    read them exactly in interop.py. fastparquet must read the other DELTA columns (i8, i16, day, t,
    ts6, tsz6) identically in data pages v1; in data pages v2 it reads no DELTA column with NULLs
    ("null delta-int not implemented"), so only the files' other columns are compared there.
Everything else (booleans, integers with NULLs, strings, bytes, TIME, timestamps in ms and µs,
with and without isAdjustedToUTC) must be identical.
"""
import decimal
import glob
import math
import os
import sys

import fastparquet
import numpy as np

from interop import COLUMNS, EXPECTED, INTEGER_COLUMNS, NAMES, ROWS, WORK, normalise

NS_MIN_DAY, NS_MAX_DAY = -106_751, 106_750  # the days datetime64[ns] can hold


def as_json(name, v):
    """A value from fastparquet's DataFrame → the JSON form of interop.py (None for NULL)."""
    if name in ("f", "d"):
        return "NaN" if v is None or math.isnan(v) else normalise(float(v))  # NULL is NaN in pandas
    if v is None or (not isinstance(v, (bytes, str)) and _is_na(v)):
        return None
    if name in ("b",):
        return bool(v)
    if name in ("i8", "i16", "i32", "i64"):
        return int(v)
    if name == "bin":
        return bytes(v).hex()
    if name == "day":
        return int(np.datetime64(v, "D").astype(np.int64))
    if name == "t":
        return int(np.timedelta64(v, "ms").astype(np.int64))
    if name in ("ts3", "ts6", "tsz3", "tsz6"):
        return int(np.datetime64(v, "us").astype(np.int64))
    if name.startswith("dec"):
        return float(v)
    return v


def _is_na(v):
    try:
        import pandas as pd
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


WIDE_DELTAS = ("i32", "dec9", "ts3", "tsz3", "i64", "dec18")  # deltas fastparquet misreads or crashes on (see above)


def check(path):
    label = os.path.basename(path)
    skip = () if "-delta-" not in label else INTEGER_COLUMNS if "-delta-v2" in label else WIDE_DELTAS
    names = [n for n, _, _ in COLUMNS if n not in skip]
    df = fastparquet.ParquetFile(path).to_pandas(columns=names)
    if len(df) != ROWS:
        raise SystemExit(f"fastparquet reading careflow's {label}: {len(df)} rows, expected {ROWS}")
    for c, (name, _, _) in enumerate(COLUMNS):
        if name not in names:
            continue
        col = df[name].astype(object).tolist()
        scale = {"dec9": 2, "dec18": 4, "dec38": 10}.get(name)
        for r in range(ROWS):
            want, got = EXPECTED[r][c], as_json(name, col[r])
            if name in ("f", "d") and want is None:
                want = "NaN"  # pandas holds a NULL float as NaN
            if name == "day" and want is not None and not NS_MIN_DAY <= want <= NS_MAX_DAY:
                continue
            if scale is not None and want is not None:
                exact = float(decimal.Decimal(want).scaleb(-scale))
                if got is None or not math.isclose(got, exact, rel_tol=1e-15):
                    raise SystemExit(f"fastparquet reading careflow's {label}: row {r} column {name}: got {got!r}, expected {exact!r}")
                continue
            if got != want or (isinstance(want, float) and want == 0 and math.copysign(1, got) != math.copysign(1, want)):
                raise SystemExit(f"fastparquet reading careflow's {label}: row {r} column {name}: got {got!r}, expected {want!r}")


def main():
    files = sorted(glob.glob(os.path.join(WORK, "careflow-*.parquet")))
    if len(files) != 24:
        raise SystemExit(f"fastparquet check: {len(files)} careflow files in {WORK}, expected the 24 of interop.py")
    for path in files:
        check(path)
    print(f"lake interop: fastparquet {fastparquet.__version__} read careflow's {len(files)} files identical")


main()
