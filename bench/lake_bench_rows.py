"""The telemetry-facts rows of bench/lake_bench.cc, generated the same way in Python (same LCG, same
floating-point operations in the same order, so both sides hold identical values)."""

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
