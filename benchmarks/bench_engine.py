"""Engine benchmarks: forewarn's runner against the EMA Workbench, on the same lake problem.

(a) scalar: the Workbench's ``lake_problem`` (plain Python, one call per experiment; a verbatim
    copy in ``_models.py``, checked against the original, run by both sides) run by
    forewarn's scalar adapter (``forewarn.engine.model.scalar_model`` + ``forewarn.engine.runner.run``) in one
    process and with 2 worker processes, and by the Workbench's ``SequentialEvaluator`` and
    ``MultiprocessingEvaluator(n_processes=2)``. Target: forewarn no slower than the Workbench.
(b) vectorised: forewarn running the vectorised lake model (``examples/lake/model.py``), against
    the Workbench on the scalar one (the runs of (a)). Target: 50 times the experiments per second.
(c) streaming: a cheap vectorised model of 5 uncertainties over a streaming Monte Carlo design
    (10 million experiments by default), written to disk chunk by chunk. Target: peak memory
    below 1.5 GB.

Each configuration runs ``--repeats`` times (3 by default), each time in a fresh Python process;
the table shows medians. Peak memory is the highest summed resident memory of the process and
its workers. Every experiment runs one future under one strategy (releasing 0.05 every year), so
"experiments" means the same thing on both sides. forewarn writes its results to Parquet files
on disk; the Workbench keeps them in memory.

Usage::

    python benchmarks/bench_engine.py --quick      # about two minutes on two cores
    python benchmarks/bench_engine.py              # the full sizes (long on two cores)
    python benchmarks/bench_engine.py --only a --experiments 20000 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
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
    round_robin,
    summarise,
)

LAKE_CASE = ROOT / "examples" / "lake" / "case.toml"
STRATEGY = "constant_0_05"
RELEASE = 0.05
RSS_TARGET = 1.5e9
VECTOR_TARGET = 50.0

# name: (benchmark, label, side)
CONFIGS = {
    "ema-seq": ("a", "EMA SequentialEvaluator, scalar lake_problem", "ema"),
    "ema-mp2": ("a", "EMA MultiprocessingEvaluator(2), scalar lake_problem", "ema"),
    "fw-scalar-1": ("a", "forewarn scalar_model + runner, 1 process", "forewarn"),
    "fw-scalar-2": ("a", "forewarn scalar_model + runner, 2 workers", "forewarn"),
    "fw-vector-1": ("b", "forewarn vectorised lake_model, 1 process", "forewarn"),
    "fw-vector-2": ("b", "forewarn vectorised lake_model, 2 workers", "forewarn"),
    "fw-stream": ("c", "forewarn cheap vectorised model, streaming MC design", "forewarn"),
}

# Which configuration each forewarn one is compared with, and the ratio it should reach.
COMPARE = {
    "fw-scalar-1": ("ema-seq", 1.0),
    "fw-scalar-2": ("ema-mp2", 1.0),
    "fw-vector-1": ("ema-seq", VECTOR_TARGET),
    "fw-vector-2": ("ema-mp2", VECTOR_TARGET),
}

CHEAP_CASE = """\
name = "cheap"
description = "Three arithmetic outcomes of five uncertainties: measures the runner, not a model."
model = {model}

{uncertainties}
[[outcomes]]
name = "total"
direction = "info"

[[outcomes]]
name = "product"
direction = "info"

[[outcomes]]
name = "ratio"
direction = "info"
"""


# -- children: one configuration, one fresh process ----------------------------------------------


def _toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def _child_ema(n: int, processes: int) -> dict:
    from ema_workbench import (
        Constant,
        Model,
        MultiprocessingEvaluator,
        Policy,
        RealParameter,
        ScalarOutcome,
        SequentialEvaluator,
    )
    from _models import lake_problem, same_as_workbench

    if not same_as_workbench():
        raise RuntimeError("benchmarks/_models.py's lake_problem differs from the EMA Workbench's: copy it again")
    model = Model("lakeproblem", function=lake_problem)
    model.uncertainties = [
        RealParameter("b", 0.1, 0.45),
        RealParameter("q", 2.0, 4.5),
        RealParameter("mean", 0.01, 0.05),
        RealParameter("stdev", 0.001, 0.005),
        RealParameter("delta", 0.93, 0.99),
    ]
    model.levers = [RealParameter(str(i), 0, 0.1) for i in range(100)]
    model.outcomes = [ScalarOutcome(name) for name in ("max_P", "utility", "inertia", "reliability")]
    model.constants = [Constant("alpha", 0.4), Constant("nsamples", 100)]
    policy = Policy(STRATEGY, **{str(i): RELEASE for i in range(100)})
    start = time.perf_counter()
    evaluator = SequentialEvaluator(model) if processes == 1 else MultiprocessingEvaluator(model, n_processes=processes)
    with evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=n, policies=[policy])
    wall = time.perf_counter() - start
    if len(experiments) != n or len(outcomes["max_P"]) != n:
        raise RuntimeError(f"expected {n} experiments, got {len(experiments)}")
    return {"experiments": n, "wall": wall}


def _child_forewarn(n: int, workers: int, kind: str, tmp: Path, chunk_size: int | None) -> dict:
    # Imports happen before the clock starts, as the Workbench's do in _child_ema: the figures
    # measure evaluation, not interpreter start-up. (Worker processes still import on start.)
    import pyarrow.parquet  # noqa: F401
    import scipy.stats  # noqa: F401

    import forewarn.engine.design  # noqa: F401
    import forewarn.engine.model  # noqa: F401
    import forewarn.engine.results  # noqa: F401
    from forewarn.engine.runner import run
    from forewarn.engine.space import load_case

    if kind == "scalar":
        import scipy.optimize  # noqa: F401  (the model's own import)

        # The lake case with the Workbench's lake_problem as its model (see _models.py).
        text = LAKE_CASE.read_text(encoding="utf-8")
        line = 'model = "model.py:lake_model"'
        if line not in text:
            raise RuntimeError(f"{LAKE_CASE} no longer holds {line!r}")
        text = text.replace(line, "model = " + _toml_str(f"{(HERE / '_models.py').as_posix()}:lake_reference"))
        path = tmp / "lake_reference.toml"
        path.write_text(text, encoding="utf-8")
        case = load_case(path)
        method, strategies = "lhs", [STRATEGY]
    elif kind == "vector":
        case = load_case(LAKE_CASE)
        method, strategies = "lhs", [STRATEGY]
    else:
        uncertainties = "\n".join(
            f'[[uncertainties]]\nname = "{k}"\nkind = "real"\nlow = 0.0\nhigh = 1.0\nassumption = "benchmark"\n'
            for k in "abcde"
        )
        path = tmp / "cheap.toml"
        path.write_text(
            CHEAP_CASE.format(
                model=_toml_str(f"{(HERE / '_models.py').as_posix()}:cheap_model"), uncertainties=uncertainties
            ),
            encoding="utf-8",
        )
        case = load_case(path)
        method, strategies = "mc", None
    if chunk_size is None:
        # Enough chunks to keep every worker busy, few enough to keep per-chunk costs small.
        chunk_size = max(25, min(10_000, math.ceil(n / (4 * workers))))
    out = tmp / "run"
    start = time.perf_counter()
    res = run(case, n=n, method=method, seed=1, strategies=strategies, out=out, chunk_size=chunk_size, workers=workers)
    wall = time.perf_counter() - start
    if res.n != n:
        raise RuntimeError(f"expected {n} experiments, got {res.n}")
    disk = sum(f.stat().st_size for f in (out / "chunks").glob("*.parquet"))
    return {"experiments": n, "wall": wall, "chunk_size": chunk_size, "disk_bytes": disk}


def child(name: str, n: int, chunk_size: int | None) -> None:
    if name == "ema-seq":
        result = _child_ema(n, 1)
    elif name == "ema-mp2":
        result = _child_ema(n, 2)
    else:
        if name == "fw-stream":
            kind, workers = "stream", 1
        else:  # fw-<kind>-<workers>
            _, kind, workers = name.split("-")
            workers = int(workers)
        with tempfile.TemporaryDirectory(prefix="forewarn-bench-") as tmp:
            result = _child_forewarn(n, workers, kind, Path(tmp), chunk_size)
    result["config"] = name
    emit(result)


# -- the parent: schedule, measure, summarise ----------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(p)
    p.add_argument("--experiments", type=int, help="experiments of (a), per configuration (full: 100,000; quick: 300)")
    p.add_argument("--vector-experiments", type=int, help="experiments of (b) (full: 100,000; quick: 2,000)")
    p.add_argument("--stream-experiments", type=int, help="experiments of (c) (full: 10,000,000; quick: 500,000)")
    p.add_argument("--stream-chunk", type=int, default=100_000, help="chunk size of (c) (default 100,000)")
    p.add_argument("--chunk", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    check_common_args(p, args)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args.child, args.n, args.chunk)
        return 0

    import importlib.util

    missing = [m for m in ("ema_workbench", "psutil") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"bench_engine needs the bench extra (pip install -e '.[bench]'): missing {', '.join(missing)}", file=sys.stderr)
        return 2

    sizes = {
        "a": args.experiments or (300 if args.quick else 100_000),
        "b": args.vector_experiments or (2_000 if args.quick else 100_000),
        "c": args.stream_experiments or (500_000 if args.quick else 10_000_000),
    }
    wanted = [name for name, (bench, _, _) in CONFIGS.items() if bench in args.only]
    if "b" in args.only:  # (b) compares with the Workbench's runs of (a)
        wanted = sorted(set(wanted) | {"ema-seq", "ema-mp2"}, key=list(CONFIGS).index)
    size_of = {name: sizes["a"] if CONFIGS[name][2] == "ema" else sizes[CONFIGS[name][0]] for name in wanted}

    print(f"# forewarn engine benchmarks ({machine()})")
    print("sizes: " + ", ".join(f"({k}) {fmt_int(v)}" for k, v in sizes.items() if k in args.only) + f"; repeats: {args.repeats}")
    def command(name: str) -> list[str]:
        cmd = [str(Path(__file__).resolve()), "--child", name, "--n", str(size_of[name])]
        return cmd + ["--chunk", str(args.stream_chunk)] if name == "fw-stream" else cmd

    runs = round_robin(wanted, args.repeats, command)
    summary = summarise(runs)
    rows = []
    verdicts = []
    for name in wanted:
        bench, label, _ = CONFIGS[name]
        s = summary[name]
        ratio, target = "", ""
        if name in COMPARE and COMPARE[name][0] in summary:
            base, goal = COMPARE[name]
            value = s["rate"] / summary[base]["rate"]
            ratio = f"{value:.2f}× {base}"
            target = f"≥ {goal:g}× " + ("met" if value >= goal else "NOT met")
            verdicts.append(value >= goal)
        if name == "fw-stream":
            target = f"peak RSS < {RSS_TARGET / 1e9:g} GB " + ("met" if s["max_peak_rss"] < RSS_TARGET else "NOT met")
            verdicts.append(s["max_peak_rss"] < RSS_TARGET)
        rows.append(
            [f"({bench})", label, fmt_int(s["experiments"]), f"{s['wall']:.2f}", fmt_rate(s["rate"]), fmt_mb(s["peak_rss"]), ratio, target]
        )
    print()
    print(
        markdown_table(
            ["bench", "configuration", "experiments", "median s", "exp/s", "peak RSS MB", "ratio (exp/s)", "target"], rows
        )
    )
    if "fw-stream" in runs:
        r = runs["fw-stream"][0]
        print(f"\n(c) chunk size {fmt_int(r['chunk_size'])}; Parquet on disk {r['disk_bytes'] / 2**20:,.0f} MB")
    print("\nMedians of", args.repeats, "runs, each in a fresh process; peak RSS sums the process and its workers.")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "sizes": sizes, "runs": runs, "summary": summary}, indent=2))
    # Missing a target is a finding, not a failure: the exit code only says whether it all ran.
    return 0


if __name__ == "__main__":
    sys.exit(main())
