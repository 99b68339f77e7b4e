#!/usr/bin/env python3
"""scipy baseline of the project's Chinchilla fit, for `./sweep bench`.

Objective (the same as common/src/main/java/dev/scaling/common/fit/Objective.java, Chinchilla):
    f(a, b, e, alpha, beta) = sum_i Huber_delta(LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i)
minimised with scipy.optimize.minimize(method="L-BFGS-B", jac=analytic gradient) from every point of
the start grid (the same grid as StartGrid.java): FULL = Chinchilla's published grid,
alpha, beta in {0, .5, ..., 2}, e in {-1, -.5, ..., 1}, a, b in {0, 5, ..., 25} (4500 starts);
COARSE = alpha, beta in {0, 1, 2}, e in {-1, 0, 1}, a, b in {0, 10, 20, 25} (432 starts).

Input: a CSV with a header containing n, d, loss (other columns ignored). Prints one JSON object with
the wall time of the whole multi-start (single thread), the best objective and its parameters.
Needs python3-scipy (apt-get install python3-scipy).
"""
import argparse
import csv
import itertools
import json
import sys
import time

import numpy as np
import scipy
from scipy.optimize import minimize


def grid(name):
    if name == "full":
        exps = np.arange(0, 2.0001, 0.5)
        es = np.arange(-1, 1.0001, 0.5)
        logs = np.arange(0, 25.0001, 5)
    else:
        exps = np.array([0.0, 1.0, 2.0])
        es = np.array([-1.0, 0.0, 1.0])
        logs = np.array([0.0, 10.0, 20.0, 25.0])
    return [np.array(s, dtype=float) for s in itertools.product(logs, logs, es, exps, exps)]


def make_objective(log_n, log_d, log_l, delta):
    def f(x):
        a, b, e, alpha, beta = x
        u1 = a - alpha * log_n
        u2 = b - beta * log_d
        u3 = np.full_like(u1, e)
        m = np.maximum(np.maximum(u1, u2), u3)
        e1 = np.exp(u1 - m)
        e2 = np.exp(u2 - m)
        e3 = np.exp(u3 - m)
        s = e1 + e2 + e3
        r = m + np.log(s) - log_l
        ar = np.abs(r)
        quad = ar <= delta
        value = np.where(quad, 0.5 * r * r, delta * (ar - 0.5 * delta)).sum()
        slope = np.clip(r, -delta, delta)
        c = slope / s
        p1 = c * e1
        p2 = c * e2
        grad = np.array([p1.sum(), p2.sum(), (c * e3).sum(), -(p1 * log_n).sum(), -(p2 * log_d).sum()])
        return value, grad

    return f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--delta", type=float, default=1e-3)
    ap.add_argument("--grid", choices=["full", "coarse"], default="full")
    args = ap.parse_args()

    n, d, loss = [], [], []
    with open(args.input, newline="") as fh:
        for row in csv.DictReader(fh):
            n.append(float(row["n"]))
            d.append(float(row["d"]))
            loss.append(float(row["loss"]))
    log_n, log_d, log_l = np.log(n), np.log(d), np.log(loss)
    f = make_objective(log_n, log_d, log_l, args.delta)
    starts = grid(args.grid)

    t0 = time.perf_counter()
    best = None
    evaluations = 0
    for x0 in starts:
        r = minimize(f, x0, jac=True, method="L-BFGS-B")
        evaluations += r.nfev
        if np.isfinite(r.fun) and (best is None or r.fun < best.fun):
            best = r
    seconds = time.perf_counter() - t0

    a, b, e, alpha, beta = best.x
    json.dump(
        {
            "impl": "scipy",
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "rows": len(n),
            "starts": len(starts),
            "grid": args.grid,
            "delta": args.delta,
            "seconds": seconds,
            "evaluations": int(evaluations),
            "objective": float(best.fun),
            "theta": [float(v) for v in best.x],
            "A": float(np.exp(a)),
            "B": float(np.exp(b)),
            "E": float(np.exp(e)),
            "alpha": float(alpha),
            "beta": float(beta),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
