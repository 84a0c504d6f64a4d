"""statsmodels fitting the windows ML_DETECT_ANOMALIES fits, for bench/ml_bench (same series, same
refit schedule: the first fit once MIN_TRAINING values are seen, then every UPDATE_INTERVAL values,
each on the last MAX_TRAINING values).

  ml_bench_peer.py SERIES_FILE MIN_TRAINING MAX_TRAINING UPDATE_INTERVAL GRID_DEVICES

SERIES_FILE has one device per line (values separated by spaces). Two peers, timed over the rows
after MIN_TRAINING (careflow is timed over the same rows):
- fixed: ARIMA(window, order=(1, 0, 1)).fit() at each refit, every device of the file;
- automatic: what careflow does without p, d, q: d from KPSS at 5% (pmdarima's ndiffs rule, lags
  trunc(3 sqrt(n) / 13)), then ARIMA(p, d, q) for p, q in 0..2 and the smallest AIC, on the first
  GRID_DEVICES devices (nine fits per refit: the sample is smaller, the rate per row is the same).
Only the fits are timed, in CPU seconds of the process with numpy's BLAS on one thread (as
careflow counts its thread's CPU seconds: rows/s per core on a shared machine); the peer is not
charged for the one-step forecast and flag of every row that careflow's timing includes. Prints
one JSON object.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads its BLAS

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np
import statsmodels
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.stattools import kpss

warnings.simplefilter("ignore", ConvergenceWarning)
warnings.simplefilter("ignore", UserWarning)
warnings.simplefilter("ignore", RuntimeWarning)

path, min_training, max_training, update_interval, grid_devices = sys.argv[1], *map(int, sys.argv[2:6])
series = [np.array([float(v) for v in line.split()]) for line in open(path) if line.strip()]


def windows(y):
    """The windows careflow refits on, in order: (rows since the last fit, window)."""
    since = 0
    fitted = False
    for t in range(len(y)):
        since += 1
        n = t + 1
        if n >= min_training and (not fitted or since >= update_interval):
            yield y[max(0, n - max_training):n]
            since = 0
            fitted = True


def ndiffs(x):
    d = 0
    while d < 2 and len(x) > 8:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stat = kpss(x, regression="c", nlags=int(3 * np.sqrt(len(x)) / 13))[0]
        if stat < 0.463:
            break
        x = np.diff(x)
        d += 1
    return d


def fit_fixed(w):
    ARIMA(w, order=(1, 0, 1)).fit()


def fit_automatic(w):
    d = ndiffs(w)
    best = None
    for p in range(3):
        for q in range(3):
            try:
                aic = ARIMA(w, order=(p, d, q)).fit().aic
            except Exception:  # a candidate statsmodels cannot fit is skipped, as careflow skips it
                continue
            best = aic if best is None else min(best, aic)


def rate(devices, fit):
    rows = 0
    seconds = 0.0
    for y in devices:
        rows += len(y) - (min_training - 1)  # the rows from the first fit on, as careflow is timed
        for w in windows(y):
            start = time.process_time()
            fit(w)
            seconds += time.process_time() - start
    return {"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds, "devices": len(devices)}


print(json.dumps({"statsmodels": statsmodels.__version__, "fixed": rate(series, fit_fixed),
                  "automatic": rate(series[:grid_devices], fit_automatic)}))
