"""Benchmark: forewarn's PRIM against the EMA Workbench's, same data, same parameters.

Data: ``--rows`` rows (default 1,000,000) of 10 uniform inputs; the cases of interest lie in
0.2 <= x0 <= 0.6 and x3 < 0.4, with 5% of the labels flipped. Both implementations find one box
with peel_alpha = paste_alpha = mass_min = 0.05 (the Workbench's defaults). Each measurement runs
in a fresh subprocess (so imports, caches and memory start cold and equal); the report gives the
median over ``--repeat`` runs of the wall time of the fit alone and of the process's peak
resident memory (which includes the data, about 170 MB, and the imports), then the ratios.
It also checks that both produced the same peeling trajectory.

Usage::

    python benchmarks/bench_prim.py                 # 1,000,000 rows, 3 runs each
    python benchmarks/bench_prim.py --rows 200000 --repeat 5 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time


def make_data(rows: int, seed: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(size=(rows, 10)), columns=[f"x{i}" for i in range(10)])
    y = ((X.x0 >= 0.2) & (X.x0 <= 0.6) & (X.x3 < 0.4)).to_numpy()
    return X, y ^ (rng.uniform(size=rows) < 0.05)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def worker(which: str, rows: int, seed: int) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    if which == "ema":
        from ema_workbench.analysis import prim as eprim  # imported before the clock starts
    else:
        from forewarn.analysis.prim import Prim
    X, y = make_data(rows, seed)
    base = rss_mb()
    t0 = time.perf_counter()
    if which == "ema":
        box = eprim.Prim(X, y, threshold=0.5).find_box()
        traj = box.peeling_trajectory
    else:
        traj = Prim().fit(X, y).peeling_trajectory_
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    cols = ["coverage", "density", "mass", "res_dim"]
    return {
        "which": which,
        "wall_s": wall,
        "peak_rss_mb": peak,
        "rss_after_data_mb": base,
        "steps": int(len(traj)),
        "trajectory": traj[cols].astype(float).to_numpy().tolist(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", choices=["ours", "ema"], default=None, help="run one side only")
    ap.add_argument("--json", default=None, help="write the measurements here")
    ap.add_argument("--worker", choices=["ours", "ema"], default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.rows, args.seed)))
        return 0
    sides = [args.only] if args.only else ["ours", "ema"]
    runs: dict[str, list[dict]] = {s: [] for s in sides}
    for r in range(args.repeat):
        for side in sides:
            out = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--worker", side, "--rows", str(args.rows),
                 "--seed", str(args.seed)],
                capture_output=True, text=True,
            )
            if out.returncode:
                sys.stderr.write(out.stderr)
                return out.returncode
            res = json.loads(out.stdout.strip().splitlines()[-1])
            runs[side].append(res)
            print(f"run {r + 1} {side:4s}: {res['wall_s']:7.2f} s, peak RSS {res['peak_rss_mb']:7.0f} MB "
                  f"({res['steps']} trajectory steps)", flush=True)
    summary = {}
    for side in sides:
        summary[side] = {
            "wall_s": statistics.median(x["wall_s"] for x in runs[side]),
            "peak_rss_mb": statistics.median(x["peak_rss_mb"] for x in runs[side]),
            "rss_after_data_mb": statistics.median(x["rss_after_data_mb"] for x in runs[side]),
        }
    print(f"\n{args.rows:,} rows x 10 inputs, median of {args.repeat} fresh-process runs each")
    print(f"{'':6s} {'wall (s)':>10s} {'peak RSS (MB)':>14s} {'RSS after data (MB)':>20s}")
    for side in sides:
        s = summary[side]
        print(f"{side:6s} {s['wall_s']:10.2f} {s['peak_rss_mb']:14.0f} {s['rss_after_data_mb']:20.0f}")
    if len(sides) == 2:
        o, e = summary["ours"], summary["ema"]
        same = runs["ours"][0]["trajectory"] == runs["ema"][0]["trajectory"]
        if not same:
            import numpy as np

            a, b = np.array(runs["ours"][0]["trajectory"]), np.array(runs["ema"][0]["trajectory"])
            same_shape = a.shape == b.shape
            diff = float(np.abs(a - b).max()) if same_shape else float("nan")
            print(f"trajectories differ: shapes {a.shape} vs {b.shape}, max difference {diff:g}")
        else:
            print("trajectories identical (coverage, density, mass, res_dim at every step)")
        print(f"speed-up: {e['wall_s'] / o['wall_s']:.1f}x; peak memory: {o['peak_rss_mb'] / e['peak_rss_mb']:.2f} "
              f"of the EMA Workbench's")
        summary["speedup"] = e["wall_s"] / o["wall_s"]
        summary["memory_ratio"] = o["peak_rss_mb"] / e["peak_rss_mb"]
        summary["identical_trajectory"] = same
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rows": args.rows, "repeat": args.repeat, "summary": summary, "runs": runs}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
