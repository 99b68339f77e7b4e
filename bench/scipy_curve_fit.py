#!/usr/bin/env python3
"""scipy baseline of the project's Multi-Power Law curve fit, for `./sweep bench` (row "curve-law fit").

The law (Luo et al. 2025; the paper's public code, src/models.py), per run, at step t:
    L(t) = L0 + A * S1(t)^-alpha - B * sum_{k<=t} (eta_{k-1} - eta_k) * G(eta_k^-gamma * (S1(t) - S1(k-1)))
    G(x) = 1 - (C x + 1)^-beta,   S1(t) = sum_{i<=t} eta_i
with eta per step linear between the table's rows (as common/.../curve/Curve.java defines it), summed
here per step exactly as the paper's code does (numpy, over the steps whose rate changes).
Objective: sum over logged rows of Huber_delta(log L_hat - log L) (the same as CurveFitter's).
Fit: the paper's procedure (src/fitting.py): the 4-parameter form L0 + A S1^-alpha - B (eta_max - eta_t)
over the paper's grid of starts with L-BFGS-B, then all 7 parameters with L-BFGS-B (analytic gradient)
from the best, with C = 1, beta = 0.5, gamma = 0.5.

Input: a CSV with header run,step,lr,loss (loss empty on unlogged rows). Prints one JSON object with the
wall time (single thread), the objective, the parameters, the starts and the evaluations.
Needs python3-scipy (apt-get install python3-scipy).
"""
import argparse
import csv
import itertools
import json
import time
from collections import defaultdict

import numpy as np
import scipy
from scipy.optimize import minimize


def load(path):
    rows = defaultdict(list)
    with open(path) as f:
        for r in csv.DictReader(f):
            rows[r["run"]].append((int(r["step"]), float(r["lr"]), float(r["loss"]) if r["loss"] else np.nan))
    curves = []
    for run, rs in rows.items():
        rs.sort()
        steps = np.array([s for s, _, _ in rs])
        lr = np.array([l for _, l, _ in rs])
        loss = np.array([x for _, _, x in rs])
        s0 = steps[0]
        eta = np.interp(np.arange(s0, steps[-1] + 1), steps, lr)  # eta[i] = rate at step s0 + i
        s1 = np.cumsum(eta)
        keep = ~np.isnan(loss) & (s1[steps - s0] > 0)
        t = steps[keep] - s0
        k = np.nonzero(np.diff(eta))[0] + 1  # steps whose rate changed
        gap = eta[k - 1] - eta[k]
        curves.append(dict(t=t, loss=loss[keep], s1t=s1[t], eta_t=eta[t], k=k, gap=gap,
                           eta_k=eta[k], s1km1=s1[k - 1], eta_max=eta.max()))
    return curves


def huber(r, delta):
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)), np.clip(r, -delta, delta)


def objective4(x, curves, delta):
    l0, a, alpha, b = x
    f = 0.0
    for c in curves:
        pred = l0 + a * c["s1t"] ** (-alpha) - b * (c["eta_max"] - c["eta_t"])
        if np.any(pred <= 0):
            return 1e10
        h, _ = huber(np.log(pred) - np.log(c["loss"]), delta)
        f += h.sum()
    return f


def objective7(x, curves, delta, counter):
    counter[0] += 1
    l0, a, alpha, b, cc, beta, gamma = x
    f = 0.0
    g = np.zeros(7)
    for c in curves:
        t, k = c["t"], c["k"]
        mask = k[None, :] <= t[:, None]
        ek = c["eta_k"]
        safe = np.where(ek > 0, ek, 1.0)
        pw = np.where(ek > 0, safe ** (-gamma), np.inf)
        s = c["s1t"][:, None] - c["s1km1"][None, :]
        with np.errstate(invalid="ignore"):
            x_ = np.where(mask & (s > 0), pw[None, :] * s, 0.0)  # G = 0 where no rate followed
        inf = np.isinf(x_)
        u = np.where(inf, 0.0, cc * x_ + 1.0)
        lu = np.log(np.where(inf, 1.0, u))
        q = np.where(inf, 0.0, np.exp(-beta * lu))  # (C x + 1)^-beta
        gm = np.where(mask, 1.0 - q, 0.0)
        gap = c["gap"][None, :]
        ld = (gap * gm).sum(axis=1)
        s1p = c["s1t"] ** (-alpha)
        pred = l0 + a * s1p - b * ld
        if np.any(pred <= 0) or not np.all(np.isfinite(pred)):
            return 1e10, np.zeros(7)
        h, slope = huber(np.log(pred) - np.log(c["loss"]), delta)
        f += h.sum()
        w = slope / pred
        dq_du = np.where(inf | ~mask, 0.0, -beta * q / np.where(inf, 1.0, u))
        dld_dc = (gap * -dq_du * x_).sum(axis=1)
        dld_dbeta = (gap * np.where(mask, q * lu, 0.0)).sum(axis=1)
        dx_dgamma = np.where(inf | ~mask, 0.0, -np.log(safe)[None, :] * x_)
        dld_dgamma = (gap * -dq_du * cc * dx_dgamma).sum(axis=1)
        g += np.array([
            w.sum(), (w * s1p).sum(), (w * -a * np.log(c["s1t"]) * s1p).sum(), (w * -ld).sum(),
            (w * -b * dld_dc).sum(), (w * -b * dld_dbeta).sum(), (w * -b * dld_dgamma).sum()])
    return f, g


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--delta", type=float, default=1e-3)
    args = ap.parse_args()
    curves = load(args.input)
    t0 = time.perf_counter()
    min_loss = min(c["loss"].min() for c in curves)
    lx = np.concatenate([np.log(c["s1t"]) for c in curves])
    ly = np.concatenate([np.log(c["loss"] - min_loss + 0.01) for c in curves])
    slope, intercept = np.polyfit(lx, ly, 1)
    grid = list(itertools.product(
        np.linspace(min_loss - 0.2, min_loss + 0.2, 5),
        np.linspace(np.exp(intercept) - 0.1, np.exp(intercept) + 0.1, 3),
        np.linspace(-slope - 0.1, -slope + 0.1, 3),
        np.linspace(100, 1000, 3)))
    best = None
    for start in grid:
        r = minimize(objective4, start, args=(curves, args.delta), method="L-BFGS-B",
                     bounds=[(0, np.inf)] * 4, options={"maxiter": 100000, "ftol": 1e-9, "gtol": 1e-6})
        if best is None or r.fun < best.fun:
            best = r
    counter = [0]
    x0 = np.concatenate([best.x, [1.0, 0.5, 0.5]])
    r = minimize(objective7, x0, args=(curves, args.delta, counter), jac=True, method="L-BFGS-B",
                 bounds=[(0, np.inf)] * 7, options={"maxiter": 100000, "ftol": 1e-12, "gtol": 1e-8})
    seconds = time.perf_counter() - t0
    names = ["L0", "A", "alpha", "B", "C", "beta", "gamma"]
    out = {"seconds": seconds, "objective": float(r.fun), "starts": len(grid) + 1,
           "evaluations": counter[0], "scipy": scipy.__version__}
    out.update({n: float(v) for n, v in zip(names, r.x)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
