"""Kosovo model benchmarks: forewarn's vectorised model against the same model run per experiment.

(a) futures x strategies per second: forewarn's runner on the built-in Kosovo case (the
    vectorised ``forewarn.kosovo.model.kosovo_model``, results written to Parquet) against the
    EMA Workbench's ``SequentialEvaluator`` running ``forewarn.kosovo.scalar_reference``, the
    same equations written for one experiment at a time (a test checks that both agree).
    Both run every future under the case's six strategies. Target: 100 times the experiments
    per second.
(b) the model alone: ``kosovo_model`` called on chunks of 100,000 experiments, no runner, to
    show what the model costs per experiment-year.
(c) a large run: 1,000,000 futures x 6 strategies through ``forewarn.engine.runner.run``: wall time
    and peak resident memory. Targets: under 60 s and under 2 GB.

Every configuration runs ``--repeats`` times (3 by default), each time in a fresh Python process
(``common.run_isolated``); the table shows medians.

Usage::

    python benchmarks/bench_kosovo.py --quick      # small sizes, to check that everything runs
    python benchmarks/bench_kosovo.py              # the full sizes
    python benchmarks/bench_kosovo.py --only ab --futures 50000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402
    add_common_args,
    check_common_args,
    emit,
    fmt_int,
    fmt_mb,
    fmt_rate,
    machine,
    markdown_table,
    median,
    round_robin,
    summarise,
)

SPEEDUP_TARGET = 100.0
LARGE_WALL_TARGET = 60.0
LARGE_RSS_TARGET = 2e9

# name: (benchmark, label)
CONFIGS = {
    "ema-seq": ("a", "EMA SequentialEvaluator, scalar Kosovo model"),
    "fw-memory": ("a", "forewarn in memory (design, checked model call), 1 process"),
    "fw-run": ("a", "forewarn runner to Parquet on disk, 1 process"),
    "fw-model": ("b", "kosovo_model alone, chunks of 100,000"),
    "fw-large": ("c", "forewarn runner, large run (1,000,000 futures x 6 in full)"),
}


# -- children -----------------------------------------------------------------------------------


def _child_ema(futures: int) -> dict:
    from ema_workbench import Policy, SequentialEvaluator

    from forewarn.kosovo import ema_model, load_kosovo_case
    from forewarn.kosovo.scalar_reference import kosovo_model_scalar

    case = load_kosovo_case()
    # Parameters whose sourced range is a single value are the Workbench's constants.
    model = ema_model(kosovo_model_scalar, case=case)
    policies = [Policy(name, **case.strategy_levers(name)) for name in case.strategy_names]
    start = time.perf_counter()
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=futures, policies=policies)
    wall = time.perf_counter() - start
    n = futures * len(policies)
    if len(experiments) != n:
        raise RuntimeError(f"expected {n} experiments, got {len(experiments)}")
    return {"experiments": n, "wall": wall}


def _child_forewarn(futures: int, tmp: Path, chunk_size: int, workers: int) -> dict:
    from forewarn.kosovo import load_kosovo_case
    from forewarn.engine.runner import run

    case = load_kosovo_case()
    # Imports (scipy for the design, pyarrow) are paid before the clock starts, as the
    # Workbench's are in its child.
    import pyarrow.parquet  # noqa: F401
    import scipy.stats  # noqa: F401

    out = tmp / "run"
    start = time.perf_counter()
    res = run(case, n=futures, method="lhs", seed=1, out=out, chunk_size=chunk_size, workers=workers)
    wall = time.perf_counter() - start
    n = futures * len(case.strategy_names)
    if res.n != n:
        raise RuntimeError(f"expected {n} experiments, got {res.n}")
    disk = sum(f.stat().st_size for f in (out / "chunks").glob("*.parquet"))
    return {"experiments": n, "wall": wall, "chunk_size": chunk_size, "disk_bytes": disk, "workers": workers}


def _child_memory(futures: int, chunk_size: int) -> dict:
    """forewarn's own path without the disk: design rows, model inputs, the checked model call.

    This is what the Workbench's evaluator does (it keeps results in memory), so it is the
    like-for-like comparison; the runner adds Parquet files on top.
    """
    from forewarn.engine.design import experiments
    from forewarn.kosovo import load_kosovo_case
    from forewarn.engine.model import call_model, load_model, model_inputs

    case = load_kosovo_case()
    model = load_model(case)
    import scipy.stats  # noqa: F401  (imports before the clock, as in the other children)

    start = time.perf_counter()
    design = experiments(case, futures, method="lhs", seed=1)
    total = design.n
    for first in range(0, total, chunk_size):
        rows = design.rows(first, min(first + chunk_size, total))
        call_model(model, model_inputs(case, rows), case, offset=first)
    wall = time.perf_counter() - start
    return {"experiments": total, "wall": wall}


def _child_model(futures: int, chunk: int = 100_000) -> dict:
    from forewarn.kosovo import load_kosovo_case, random_inputs
    from forewarn.kosovo.model import kosovo_model

    case = load_kosovo_case()
    n = futures * len(case.strategy_names)
    inputs = random_inputs(chunk, 1, case=case)
    kosovo_model(inputs)  # warm up
    done = 0
    start = time.perf_counter()
    while done < n:
        kosovo_model(inputs)
        done += chunk
    wall = time.perf_counter() - start
    years = len(case.time)
    return {"experiments": done, "wall": wall, "us_per_experiment_year": wall / done / years * 1e6}


def child(name: str, futures: int, chunk: int, workers: int) -> None:
    if name == "ema-seq":
        result = _child_ema(futures)
    elif name == "fw-model":
        result = _child_model(futures)
    elif name == "fw-memory":
        result = _child_memory(futures, chunk)
    else:
        with tempfile.TemporaryDirectory(prefix="forewarn-bench-") as tmp:
            result = _child_forewarn(futures, Path(tmp), chunk, workers)
    result["config"] = name
    emit(result)


# -- the parent ----------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(p)
    p.add_argument("--ema-futures", type=int, help="futures of the Workbench run (full: 1,000; quick: 50)")
    p.add_argument("--futures", type=int, help="futures of forewarn's run in (a) and of (b) (full: 100,000; quick: 2,000)")
    p.add_argument("--large-futures", type=int, help="futures of (c) (full: 1,000,000; quick: 20,000)")
    p.add_argument("--chunk", type=int, default=60_000, help="runner chunk size in experiments (default 60,000)")
    p.add_argument("--workers", type=int, default=1, help="worker processes of (c) (default 1)")
    p.add_argument("--child-workers", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    check_common_args(p, args)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args.child, args.n, args.chunk, args.child_workers)
        return 0
    try:
        import psutil  # noqa: F401
    except ImportError as exc:
        print(f"bench_kosovo needs psutil (the bench extra): {exc}", file=sys.stderr)
        return 2
    wanted = [name for name, (bench, _) in CONFIGS.items() if bench in args.only]
    if "ema-seq" in wanted:
        try:
            import ema_workbench  # noqa: F401
        except ImportError:
            print("ema_workbench is not installed: skipping the Workbench run", file=sys.stderr)
            wanted.remove("ema-seq")
    sizes = {
        "ema-seq": args.ema_futures or (50 if args.quick else 1_000),
        "fw-run": args.futures or (2_000 if args.quick else 100_000),
        "fw-model": args.futures or (2_000 if args.quick else 100_000),
        "fw-memory": args.futures or (2_000 if args.quick else 100_000),
        "fw-large": args.large_futures or (20_000 if args.quick else 1_000_000),
    }
    print(f"# forewarn Kosovo model benchmarks ({machine()})")
    print("futures: " + ", ".join(f"{k} {fmt_int(sizes[k])}" for k in wanted) + f" (x 6 strategies); repeats: {args.repeats}")
    def command(name: str) -> list[str]:
        cmd = [str(Path(__file__).resolve()), "--child", name, "--n", str(sizes[name]), "--chunk", str(args.chunk)]
        return cmd + ["--child-workers", str(args.workers)] if name == "fw-large" else cmd

    runs = round_robin(wanted, args.repeats, command, width=9)
    summary = summarise(runs)
    for name, results in runs.items():
        if name == "fw-model":
            summary[name]["us_per_experiment_year"] = median([x["us_per_experiment_year"] for x in results])
    rows = []
    for name in wanted:
        bench, label = CONFIGS[name]
        s = summary[name]
        note = ""
        if name in ("fw-run", "fw-memory", "fw-model") and "ema-seq" in summary:
            ratio = s["rate"] / summary["ema-seq"]["rate"]
            note = f"{ratio:,.0f}× EMA"
            if name in ("fw-run", "fw-memory"):
                note += f" (target ≥ {SPEEDUP_TARGET:g}×: {'met' if ratio >= SPEEDUP_TARGET else 'NOT met'})"
        if name == "fw-model":
            note += f"; {s['us_per_experiment_year']:.2f} µs per experiment-year"
        if name == "fw-large":
            ok = s["wall"] < LARGE_WALL_TARGET and s["max_peak_rss"] < LARGE_RSS_TARGET
            note = f"target < {LARGE_WALL_TARGET:g} s and < {LARGE_RSS_TARGET / 1e9:g} GB"
            if sizes["fw-large"] == 1_000_000:
                note += f": {'met' if ok else 'NOT met'}"
            else:
                note += f" is for 1,000,000 futures (here {fmt_int(sizes['fw-large'])})"
        rows.append([f"({bench})", label, fmt_int(s["experiments"]), f"{s['wall']:.2f}", fmt_rate(s["rate"]),
                     fmt_mb(s["peak_rss"]), note])
    print()
    print(markdown_table(["bench", "configuration", "experiments", "median s", "exp/s", "peak RSS MB", "comparison"], rows))
    if "fw-large" in runs:
        r = runs["fw-large"][0]
        print(f"\n(c) chunk size {fmt_int(r['chunk_size'])}, {r['workers']} worker(s); "
              f"Parquet on disk {r['disk_bytes'] / 2**20:,.0f} MB")
    print("\nMedians of", args.repeats, "runs, each in a fresh process; peak RSS sums the process and its workers.")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "sizes": sizes, "runs": runs, "summary": summary}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
