"""Dask executor benchmark: the lake case run in one process, with ``--workers 2``, and on a Dask
``LocalCluster`` of 1 and of 2 worker processes (one thread each).

Each configuration runs ``--repeats`` times in a fresh process, round robin; the table shows the
median wall time of ``forewarn.run`` (for Dask, with the cluster already started and connected:
starting a cluster is paid once for many runs, not per run; for ``--workers 2``, with starting its
pool, as a user pays it) and experiments per second. All runs write Parquet to a temporary folder.

Usage::

    python benchmarks/bench_dask.py --quick
    python benchmarks/bench_dask.py --futures 5000 --chunk-size 2000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import add_common_args, emit, fmt_rate, machine, markdown_table, median, round_robin  # noqa: E402

LAKE = ROOT / "examples" / "lake" / "case.toml"

CONFIGS = {
    "local": "1 process (no executor)",
    "workers2": "--workers 2 (process pool, spawn)",
    "dask1": "Dask LocalCluster, 1 worker process",
    "dask2": "Dask LocalCluster, 2 worker processes",
}


def _child(name: str, futures: int, chunk_size: int) -> dict:
    import forewarn

    case = forewarn.load_case(LAKE)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        if name.startswith("dask"):
            from distributed import LocalCluster

            from forewarn.engine.cluster import DaskExecutor

            workers = int(name[-1])
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, DaskExecutor(cluster.scheduler_address) as ex:
                # Warm the workers (imports, the model file) as a cluster in use would be.
                ex.submit(sum, [1]).result()
                start = time.perf_counter()
                res = forewarn.run(case, n=futures, seed=1, out=out, chunk_size=chunk_size, executor=ex)
                wall = time.perf_counter() - start
        else:
            start = time.perf_counter()
            res = forewarn.run(case, n=futures, seed=1, out=out, chunk_size=chunk_size,
                               workers=2 if name == "workers2" else 1)
            wall = time.perf_counter() - start
        return {"experiments": res.manifest["n_experiments"], "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--futures", type=int, help="futures (x 4 strategies); full 5000, quick 500")
    parser.add_argument("--chunk-size", type=int, help="experiments per chunk; full 2000, quick 250")
    args = parser.parse_args()
    futures = args.futures or (500 if args.quick else 5000)
    chunk = args.chunk_size or (250 if args.quick else 2000)
    if args.child:
        emit(_child(args.child, futures, chunk))
        return
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    print(f"# bench_dask: lake, {futures} futures x 4 strategies, chunks of {chunk}, {args.repeats} repeats\n"
          f"# {machine()}")
    runs = round_robin(list(CONFIGS), args.repeats, lambda name: [
        str(Path(__file__)), "--child", name, "--futures", str(futures), "--chunk-size", str(chunk)])
    base = median([r["experiments"] / r["wall"] for r in runs["local"]])
    rows = []
    for name, results in runs.items():
        rate = median([r["experiments"] / r["wall"] for r in results])
        rows.append([CONFIGS[name], f"{median([r['wall'] for r in results]):.2f}", fmt_rate(rate),
                     f"{rate / base:.2f} x"])
    print("\n" + markdown_table(["configuration", "wall (s)", "experiments/s", "vs 1 process"], rows))


if __name__ == "__main__":
    main()
