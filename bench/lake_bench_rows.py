"""The rows of bench/lake_bench.cc, generated the same way in Python: the telemetry facts (same LCG,
same floating-point operations in the same order) and the 37-column wide table (same hashes, same
integer arithmetic, each double from one correctly rounded operation), so both sides hold identical
values. lake_bench_wide.cc is the C++ twin of wide_table."""

import numpy as np
import pyarrow as pa

METRICS = [("Pressure", "mmHg", 120.0, 8.0), ("FlowRate", "ml/h", 25.0, 2.5), ("FlowLevel", "%", 80.0, 5.0),
           ("BloodGlucose", "mg/dL", 110.0, 20.0)]
DEVICES = 200
MASK = (1 << 64) - 1


def telemetry_columns(rows):
    cols = {k: [] for k in ("device_id", "patient_id", "ts", "metric_name", "metric_value", "unit", "target_value",
                            "tolerance", "in_range", "sequence")}
    x = 0x9E3779B97F4A7C15
    for i in range(rows):
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        device = i % DEVICES
        name, unit, target, tol = METRICS[(i // DEVICES) % 4]
        noise = ((x >> 11) / 9007199254740992.0 - 0.5) * 3.0 * tol
        value = target + noise
        cols["device_id"].append(f"DEV-P{device:04d}")
        cols["patient_id"].append(f"P{device:04d}")
        cols["ts"].append(1_764_547_200_000 + (i // DEVICES) * 1000 + device % 1000)
        cols["metric_name"].append(name)
        cols["metric_value"].append(value)
        cols["unit"].append(unit)
        cols["target_value"].append(target)
        cols["tolerance"].append(tol)
        cols["in_range"].append(None if i % 97 == 0 else abs(noise) <= tol)
        cols["sequence"].append(i)
    return cols


TELEMETRY_SCHEMA = pa.schema([
    pa.field("device_id", pa.string()), pa.field("patient_id", pa.string()),
    pa.field("ts", pa.timestamp("ms", tz="UTC")), pa.field("metric_name", pa.string()),
    pa.field("metric_value", pa.float64()), pa.field("unit", pa.string()),
    pa.field("target_value", pa.float64()), pa.field("tolerance", pa.float64()),
    pa.field("in_range", pa.bool_()), pa.field("sequence", pa.int64(), nullable=False),
])


def telemetry_table(rows):
    cols = telemetry_columns(rows)
    s = TELEMETRY_SCHEMA
    arrays = [pa.array(cols["ts"], pa.int64()).cast(s.field(n).type) if n == "ts" else pa.array(cols[n], s.field(n).type)
              for n in s.names]
    return pa.Table.from_arrays(arrays, schema=s)


# --- the wide table ---------------------------------------------------------------------------------------
U64 = np.uint64


def splitmix64(x):
    z = x + U64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> U64(30))) * U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> U64(27))) * U64(0x94D049BB133111EB)
    return z ^ (z >> U64(31))


STATUSES = ["active", "paused", "retired", "pending", "error"]
UNITS = ["mmHg", "ml/h", "%", "mg/dL", "bpm", "degC", "kPa", "L/min", "mmol/L", "ms", "count", "ratio"]


def _i64(a):
    return a.astype(np.int64)


def _decimal(type_, hi, lo, valid):
    """A decimal128 array from its two's-complement words (little-endian: low word, then high)."""
    words = np.empty((len(lo), 2), dtype=np.uint64)
    words[:, 0] = lo
    words[:, 1] = hi.view(np.uint64)
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(type_, len(lo), [bitmap, pa.py_buffer(words.tobytes())])


# (name, Arrow type, percent of NULLs or None for NOT NULL, values from (u: the column's hash, i: the row)).
# Column j's hash is splitmix64(i * 64 + j); a nullable row is NULL when (u >> 40) % 100 < its percent.
WIDE_COLUMNS = [
    ("id", pa.int64(), None, lambda u, i: _i64(i)),
    ("tenant", pa.string(), 0, lambda u, i: [f"tenant-{x}" for x in (u % U64(8)).tolist()]),
    ("region", pa.string(), 1, lambda u, i: [f"region-{x}" for x in (u % U64(20)).tolist()]),
    ("status", pa.string(), 5, lambda u, i: [STATUSES[x] for x in (u % U64(5)).tolist()]),
    ("device_model", pa.string(), 0, lambda u, i: [f"model-{x:04d}" for x in (u % U64(300)).tolist()]),
    ("unit", pa.string(), 2, lambda u, i: [UNITS[x] for x in (u % U64(12)).tolist()]),
    ("country", pa.string(), 0, lambda u, i: [f"C{x:02d}" for x in (u % U64(50)).tolist()]),
    ("event_id", pa.string(), 0, lambda u, i: [f"{x:016x}" for x in u.tolist()]),
    ("user_name", pa.string(), 10, lambda u, i: [f"user-{x}" for x in (u % U64(500000)).tolist()]),
    ("note", pa.string(), 20, lambda u, i: [f"comment {x} #{k}" for x, k in zip((u % U64(99991)).tolist(), i.tolist())]),
    ("tiny", pa.int8(), 0, lambda u, i: _i64(u % U64(256)) - 128),
    ("small", pa.int16(), 1, lambda u, i: _i64(u % U64(65536)) - 32768),
    ("int_small", pa.int32(), 0, lambda u, i: _i64(u % U64(100))),
    ("int_mid", pa.int32(), 5, lambda u, i: _i64(u % U64(100000)) - 50000),
    ("int_full", pa.int32(), 0, lambda u, i: _i64(u % U64(1 << 32)) - (1 << 31)),
    ("int_seq", pa.int32(), None, lambda u, i: _i64(i // U64(10))),
    ("int_sparse", pa.int32(), 50, lambda u, i: _i64(u % U64(1000))),
    ("big_seq", pa.int64(), 0, lambda u, i: _i64(i) * 1000 + _i64(u % U64(1000))),
    ("big_full", pa.int64(), 1, lambda u, i: u.view(np.int64)),
    ("big_small", pa.int64(), 0, lambda u, i: _i64(u % U64(10000))),
    ("big_ms", pa.int64(), 2, lambda u, i: 1_700_000_000_000 + _i64(u % U64(1_000_000_000))),
    ("d_price", pa.float64(), 0, lambda u, i: (u % U64(1000000)).astype(np.float64) / 100.0),
    ("d_ratio", pa.float64(), 1, lambda u, i: (u >> U64(11)).astype(np.float64) / 9007199254740992.0),
    ("d_low", pa.float64(), 0, lambda u, i: (u % U64(40)).astype(np.float64) * 0.5),
    ("d_temp", pa.float64(), 5, lambda u, i: (_i64(u % U64(20001)) - 10000).astype(np.float64) / 100.0),
    ("d_sparse", pa.float64(), 30, lambda u, i: (u % U64(1000000)).astype(np.float64) / 1000.0),
    ("dec_amount", pa.decimal128(9, 2), 0, lambda u, i: _i64(u % U64(1_000_000_000)) - 500_000_000),
    ("dec_rate", pa.decimal128(18, 4), 2, lambda u, i: _i64(u % U64(10**18)) - 5 * 10**17),
    # 128-bit: the high word is the hash shifted right arithmetically by 20, the low word a second hash.
    ("dec_big", pa.decimal128(38, 6), 5, lambda u, i: (u.view(np.int64) >> np.int64(20), splitmix64(u))),
    ("date_birth", pa.date32(), 2, lambda u, i: _i64(u % U64(36500)) - 10000),
    ("date_event", pa.date32(), 0, lambda u, i: 19000 + _i64(i // U64(5000))),
    ("ts_event", pa.timestamp("ms", tz="UTC"), 0, lambda u, i: 1_700_000_000_000 + _i64(i) * 100 + _i64(u % U64(100))),
    ("ts_us", pa.timestamp("us", tz="UTC"), 3, lambda u, i: 1_600_000_000_000_000 + _i64(u % U64(31_536_000_000_000))),
    ("ts_local", pa.timestamp("us"), 10, lambda u, i: 1_600_000_000_000_000 + _i64(u % U64(315_360_000_000_000))),
    ("flag", pa.bool_(), 0, lambda u, i: (u & U64(1)) == U64(1)),
    ("flag_rare", pa.bool_(), 1, lambda u, i: (u % U64(100)) < U64(3)),
    ("flag_required", pa.bool_(), None, lambda u, i: ((u >> U64(3)) & U64(1)) == U64(1)),
]


def wide_schema():
    return pa.schema([pa.field(n, t, nullable=p is not None) for n, t, p, _ in WIDE_COLUMNS])


def wide_table(rows):
    i = np.arange(rows, dtype=np.uint64)
    arrays = []
    for j, (name, type_, pct, values) in enumerate(WIDE_COLUMNS):
        u = splitmix64(i * U64(64) + U64(j))
        null = np.zeros(rows, dtype=bool) if pct is None else ((u >> U64(40)) % U64(100)) < U64(pct)
        v = values(u, i)
        if pa.types.is_decimal(type_):
            hi, lo = v if isinstance(v, tuple) else (v >> np.int64(63), v.view(np.uint64))
            arrays.append(_decimal(type_, hi, lo, ~null))
        elif isinstance(v, list):
            arrays.append(pa.array(np.array(v, dtype=object), type=type_, mask=null))
        elif pa.types.is_temporal(type_):
            storage = pa.int32() if type_ == pa.date32() else pa.int64()
            arrays.append(pa.array(v, type=storage, mask=null).view(type_))
        else:
            arrays.append(pa.array(v, type=type_, mask=null))
    return pa.Table.from_arrays(arrays, schema=wide_schema())


def bench_table(name, rows):
    return telemetry_table(rows) if name == "telemetry" else wide_table(rows)
