"""Benchmark: the whole brief (``forewarn brief``), from nothing to ``brief.html``.

Each repetition runs in a fresh Python process with a fresh output folder and evidence store, so
nothing is reused: the sourced and stress runs, the analysis and the HTML are all timed. The
report gives the median wall time over ``--repeat`` runs and the peak resident memory of the
process tree.

Usage::

    python benchmarks/bench_brief.py                  # 10,000 futures, 3 runs
    python benchmarks/bench_brief.py -n 2000 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import emit, fmt_mb, machine, markdown_table, median, run_isolated  # noqa: E402


def child(n: int, seed: int) -> None:
    from forewarn.kosovo.brief import build_kosovo_brief

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        build_kosovo_brief(n=n, seed=seed, out=os.path.join(tmp, "out"), db=os.path.join(tmp, "store.sqlite"))
        emit({"seconds": time.perf_counter() - start})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000, help="futures (default 10,000, the brief's default)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.n, args.seed)
        return
    runs = [run_isolated([__file__, "--child", "-n", str(args.n), "--seed", str(args.seed)])
            for _ in range(args.repeat)]
    secs = [r["seconds"] for r in runs]
    print(f"forewarn brief, {args.n:,} futures, seed {args.seed}; {machine()}")
    print(markdown_table(["median s", "runs (s)", "peak memory"],
                         [[f"{median(secs):.1f}", ", ".join(f"{s:.1f}" for s in secs),
                           fmt_mb(max(r["peak_rss"] for r in runs))]]))


if __name__ == "__main__":
    main()
