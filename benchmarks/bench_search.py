"""Lever search benchmarks: the lake problem (``examples/lake``) and the built-in Kosovo case.

(a) libraries: the same robust problem (forewarn's vectorised lake model, the same futures, one
    model call per generation) searched by pymoo's NSGA-II (a vectorised ``Problem``, the
    library as ``forewarn search`` drives it) and by Platypus' ε-NSGA-II (fed a whole
    generation at once through a batch evaluator): wall time and the hypervolume reached at
    equal evaluations (pymoo's final non-dominated set; Platypus' ε-archive).
(b) forewarn against the EMA Workbench on the lake: ``forewarn search`` against
    ``robust_optimize`` (Platypus ε-NSGA-II, ``SequentialEvaluator``, the Workbench's
    ``lake_problem`` run once per experiment) with the same objectives (mean of ``max_P``, 10th
    percentile of ``reliability``, mean of ``utility``), the same epsilons, the same futures
    (uncertainty values), population and number of evaluations. Model evaluations (candidate
    strategies) per second, and the hypervolume of each final archive after re-evaluating its
    strategies with forewarn's model on the same futures (both fronts scored alike). Goal: 50 x.
    Beside it, the arithmetic floor: the lake's yearly recurrence and outcomes alone (no engine,
    no random draws) for one experiment's 100 samples x 100 years, and the best ratio to the
    Workbench that a numpy model doing that arithmetic could reach.
(c) forewarn against the EMA Workbench on the Kosovo case (``src/forewarn/kosovo/case.toml``, its
    three ``[[objectives]]`` and its ``affordable`` constraint): ``forewarn search`` with the
    vectorised ``kosovo_model`` against ``robust_optimize`` running
    ``forewarn.kosovo.scalar_reference.kosovo_model_scalar`` (the same equations, one experiment
    per call) through a ``SequentialEvaluator``. Each objective becomes a ``ScalarOutcome`` whose
    function reduces the outcome over the scenarios as forewarn's metric does; the futures are
    the scenarios, each with its seed. Same measures as (b).

Hypervolumes use one normalisation for all runs of a table (the best and worst value of each
objective over every front found), reference point 1.1. Every configuration runs ``--repeats``
times in fresh processes, round robin; the tables show medians.

Usage::

    python benchmarks/bench_search.py --quick
    python benchmarks/bench_search.py --only b --futures 20 --evaluations 500 --population 50
    python benchmarks/bench_search.py --only c --futures 50 --evaluations 1000 --population 50
"""

from __future__ import annotations

import argparse
import json
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
    fmt_rate,
    machine,
    markdown_table,
    median,
    round_robin,
)

LAKE = ROOT / "examples" / "lake" / "case.toml"
SPEEDUP_TARGET = 50.0
FLOOR_BLOCK = 128  # experiments per block, as the lake model simulates them
FLOOR_BLOCKS = 20  # blocks timed (the median block is kept)

CONFIGS = {
    "pymoo": ("a", "pymoo NSGA-II, vectorised problem, vectorised lake"),
    "fw-pymoo": ("b", "forewarn search (pymoo NSGA-II + ε-archive), vectorised lake"),
    "platypus": ("a", "Platypus ε-NSGA-II, batch evaluator, vectorised lake"),
    "ema": ("b", "EMA Workbench robust_optimize (ε-NSGA-II), scalar lake_problem"),
    "fw-kosovo": ("c", "forewarn search (pymoo NSGA-II + ε-archive), vectorised Kosovo model"),
    "ema-kosovo": ("c", "EMA Workbench robust_optimize (ε-NSGA-II), scalar Kosovo model"),
}
REFERENCE = {"a": "platypus", "b": "ema", "c": "ema-kosovo"}


def _problem(futures: int, seed: int):
    """The lake case, its futures, and a function from unit-cube rows to minimised objectives."""
    import numpy as np

    from forewarn.analysis.objectives import direction_of, metrics_table
    from forewarn.engine.design import from_unit
    from forewarn.engine.experiments import Futures, perform_experiments
    from forewarn.engine.model import load_model
    from forewarn.engine.space import load_case

    case = load_case(LAKE)
    fut = Futures.sample(case, futures, seed)
    model = load_model(case)
    signs = np.array([1.0 if direction_of(o, case) == "minimize" else -1.0 for o in case.objectives])

    def objectives(X):
        outputs = perform_experiments(case, fut, from_unit(list(case.levers), X), model=model)
        return metrics_table(case.objectives, case, outputs) * signs

    return case, fut, objectives


def _child_fw(futures: int, evaluations: int, population: int, seed: int) -> dict:
    import numpy as np

    from forewarn.analysis.search import search

    _, _, objectives = _problem(futures, seed)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = search(LAKE, out=Path(tmp) / "s", futures=futures, evaluations=evaluations,
                        population=population, seed=seed, test_futures=futures)
        wall = time.perf_counter() - start
    levers = result.pareto[[f"release_{i}" for i in range(100)]].to_numpy()
    front = objectives(levers / 0.1)
    return {"wall": wall, "evaluations": int(result.manifest["evaluations_done"]),
            "experiments": int(result.manifest["experiments"]), "front": np.asarray(front).tolist()}


def _child_pymoo(futures: int, evaluations: int, population: int, seed: int) -> dict:
    import numpy as np
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.operators.sampling.lhs import LHS
    from pymoo.optimize import minimize

    case, _, objectives = _problem(futures, seed)

    class Lake(Problem):
        def __init__(self):
            super().__init__(n_var=len(case.levers), n_obj=len(case.objectives), xl=0.0, xu=1.0)

        def _evaluate(self, X, out, *args, **kwargs):
            out["F"] = objectives(X)

    start = time.perf_counter()
    result = minimize(Lake(), NSGA2(pop_size=population, sampling=LHS(), eliminate_duplicates=True),
                      ("n_eval", evaluations), seed=seed, verbose=False)
    wall = time.perf_counter() - start
    front = np.atleast_2d(result.F)
    return {"wall": wall, "evaluations": int(result.algorithm.evaluator.n_eval),
            "experiments": int(result.algorithm.evaluator.n_eval) * futures, "front": front.tolist()}


def _child_platypus(futures: int, evaluations: int, population: int, seed: int) -> dict:
    import random

    import numpy as np
    from platypus import EpsNSGAII, Evaluator, Problem, Real

    case, _, objectives = _problem(futures, seed)
    n_obj = len(case.objectives)

    class Batch(Evaluator):
        """Evaluates a whole generation in one vectorised call."""

        def evaluate_all(self, jobs, **kwargs):
            jobs = list(jobs)
            if jobs:
                F = objectives(np.array([job.solution.variables[:] for job in jobs], dtype=float))
                for job, row in zip(jobs, F):
                    job.solution.objectives[:] = row.tolist()
                    job.solution.constraint_violation = 0.0
                    job.solution.feasible = True
                    job.solution.evaluated = True
            return jobs

    problem = Problem(len(case.levers), n_obj)
    problem.types[:] = Real(0.0, 1.0)
    problem.directions[:] = Problem.MINIMIZE
    random.seed(seed)
    algorithm = EpsNSGAII(problem, epsilons=[o.epsilon for o in case.objectives], population_size=population,
                          evaluator=Batch())
    start = time.perf_counter()
    algorithm.run(evaluations)
    wall = time.perf_counter() - start
    X = np.array([s.variables[:] for s in algorithm.archive], dtype=float)
    return {"wall": wall, "evaluations": int(algorithm.nfe), "experiments": int(algorithm.nfe) * futures,
            "front": objectives(X).tolist()}


def _child_ema(futures: int, evaluations: int, population: int, seed: int) -> dict:
    import numpy as np
    from ema_workbench import Constant, Model, Scenario, ScalarOutcome
    from ema_workbench.em_framework.evaluators import SequentialEvaluator, robust_optimize

    from _models import lake_problem

    case, fut, objectives = _problem(futures, seed)
    model = Model("lake", function=lake_problem)
    uncertainties, _, _ = case.to_ema()
    from ema_workbench import RealParameter

    model.uncertainties = uncertainties
    model.levers = [RealParameter(str(i), 0.0, 0.1) for i in range(100)]
    model.constants = [Constant(name, c.value) for name, c in case.constants.items()]
    model.outcomes = [ScalarOutcome(n) for n in ("max_P", "utility", "inertia", "reliability")]
    functions = [
        ScalarOutcome("mean_max_P", kind=ScalarOutcome.MINIMIZE, variable_name="max_P", function=np.mean),
        ScalarOutcome("reliability_p10", kind=ScalarOutcome.MAXIMIZE, variable_name="reliability",
                      function=lambda x: float(np.percentile(x, 10))),
        ScalarOutcome("mean_utility", kind=ScalarOutcome.MAXIMIZE, variable_name="utility", function=np.mean),
    ]
    scenarios = [Scenario(f"f{i}", **{k: float(v) for k, v in row.items()})
                 for i, row in enumerate(fut.table.to_dict(orient="records"))]
    np.random.seed(seed)
    start = time.perf_counter()
    with SequentialEvaluator(model) as evaluator:
        archive = robust_optimize(model, functions, scenarios, evaluator=evaluator, nfe=evaluations,
                                  population_size=population, epsilons=[o.epsilon for o in case.objectives])
    wall = time.perf_counter() - start
    X = archive[[str(i) for i in range(100)]].to_numpy(dtype=float) / 0.1
    return {"wall": wall, "evaluations": evaluations, "experiments": evaluations * futures,
            "front": objectives(X).tolist()}


def _child_floor(futures: int, evaluations: int, population: int, seed: int) -> dict:
    """The lake's arithmetic alone: the yearly recurrence and its outcomes, no engine, no draws.

    ``simulate_block`` of ``examples/lake/model.py`` (what ``lake_model`` runs once its inflows
    are drawn) on blocks of ``FLOOR_BLOCK`` experiments x 100 samples x 100 years, with inflows,
    releases, ``b`` and ``q`` drawn from the case's ranges beforehand (not timed). Reports the
    median block's time per experiment.
    """
    import numpy as np

    from forewarn.engine.model import load_model
    from forewarn.engine.space import load_case

    case = load_case(LAKE)
    lake = sys.modules[load_model(case).__module__]
    nsamples = int(case.constants["nsamples"].value)
    ranges = {p.name: (p.low, p.high) for p in case.uncertainties}
    rng = np.random.default_rng(seed)
    m = FLOOR_BLOCK
    b, q = (rng.uniform(*ranges[name], m) for name in ("b", "q"))
    mean, stdev = (rng.uniform(*ranges[name], m) for name in ("mean", "stdev"))
    sigma = np.sqrt(np.log1p(stdev**2 / mean**2))
    mu = np.log(mean) - sigma**2 / 2
    pristine = np.exp(mu + sigma * rng.standard_normal((lake.NVARS - 1, nsamples, m)))
    decisions = rng.uniform(0.0, 0.1, (m, lake.NVARS))
    pcrit = lake.critical_p(b, q)
    work = np.empty_like(pristine)
    times = []
    for _ in range(FLOOR_BLOCKS):
        np.copyto(work, pristine)
        start = time.perf_counter()
        lake.simulate_block(work, decisions, b, q, pcrit)
        times.append(time.perf_counter() - start)
    per_experiment = float(np.median(times)) / m
    return {"wall": float(np.sum(times)), "experiments": m * FLOOR_BLOCKS, "evaluations": m * FLOOR_BLOCKS,
            "per_experiment": per_experiment, "front": []}


def _kosovo_problem(futures: int, seed: int):
    """The Kosovo case, its futures, and a function scoring lever rows with forewarn's model.

    The function returns the objectives of every row (minimised: maximised ones negated) and
    whether the row meets the case's constraints, scored on the same futures for both sides.
    The futures are those ``forewarn search`` keeps of its sample: the case holds the present
    secure (``[adaptation] holds_today``), so futures that contradict it are set aside.
    """
    import numpy as np

    from forewarn.analysis.objectives import direction_of, metrics_table
    from forewarn.analysis.pathways import consistent_futures
    from forewarn.engine.experiments import Futures, perform_experiments
    from forewarn.engine.model import load_model
    from forewarn.kosovo import load_kosovo_case

    case = load_kosovo_case()
    model = load_model(case)
    fut, _ = consistent_futures(case, Futures.sample(case, futures, seed), model=model)
    signs = np.array([1.0 if direction_of(o, case) == "minimize" else -1.0 for o in case.objectives])

    def score(levers):
        outputs = perform_experiments(case, fut, levers, model=model)
        values = metrics_table(case.constraints, case, outputs)
        ok = np.ones(len(levers), dtype=bool)
        for j, c in enumerate(case.constraints):
            ok &= (values[:, j] <= c.max) if c.max is not None else True
            ok &= (values[:, j] >= c.min) if c.min is not None else True
        return metrics_table(case.objectives, case, outputs) * signs, ok

    return case, fut, score


def _child_fw_kosovo(futures: int, evaluations: int, population: int, seed: int) -> dict:
    import numpy as np

    from forewarn.analysis.search import search

    case, fut, score = _kosovo_problem(futures, seed)
    _import_search_libraries()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = search(case, out=Path(tmp) / "s", futures=futures, evaluations=evaluations,
                        population=population, seed=seed, test_futures=futures)
        wall = time.perf_counter() - start
    if int(result.manifest["experiments"]) != len(fut) * int(result.manifest["evaluations_done"]):
        raise RuntimeError("forewarn search evaluated other futures than the benchmark's")
    front, ok = score(result.pareto[case.lever_names].reset_index(drop=True))
    front = front[ok]
    return {"wall": wall, "evaluations": int(result.manifest["evaluations_done"]), "futures_kept": len(fut),
            "experiments": int(result.manifest["experiments"]), "front": np.asarray(front).tolist()}


def _import_search_libraries() -> None:
    """What ``forewarn search`` imports on first use, imported before the clock starts (the
    Workbench's child imports the Workbench, Platypus and pandas before its clock too)."""
    import pyarrow.parquet  # noqa: F401
    import pymoo.algorithms.moo.nsga2  # noqa: F401
    import pymoo.core.evaluator  # noqa: F401
    import pymoo.indicators.hv  # noqa: F401
    import pymoo.operators.sampling.lhs  # noqa: F401
    import pymoo.problems.static  # noqa: F401


def _ema_metric(item):
    """A forewarn objective or constraint as a function of one outcome's values over the scenarios."""
    import numpy as np

    if item.kind == "satisficing":
        low = -np.inf if item.at_least is None else item.at_least
        high = np.inf if item.at_most is None else item.at_most
        return lambda x: float(np.mean((np.asarray(x) >= low) & (np.asarray(x) <= high)))
    if item.kind == "percentile":
        return lambda x: float(np.percentile(x, item.percentile))
    if item.kind in ("mean", "cost"):
        return lambda x: float(np.mean(x))
    raise ValueError(f"{item.name}: a {item.kind} metric has no Workbench translation in this benchmark")


def _ema_robustness(case):
    """The case's objectives as ``ScalarOutcome`` s and its constraints as ``Constraint`` s.

    The Workbench 2.5 takes constraints over robustness functions only, and refuses robustness
    functions of kind INFO; so the first objective's function also reads the constrained
    outcomes, computes each constraint's metric and keeps it for the constraint, which the
    Workbench evaluates right after the robustness functions of the same candidate.
    """
    from ema_workbench import Constraint, ScalarOutcome

    from forewarn.analysis.objectives import direction_of

    held: dict[str, float] = {}
    first, rest = case.objectives[0], case.objectives[1:]
    first_metric = _ema_metric(first)
    constraint_metrics = [(c.name, _ema_metric(c)) for c in case.constraints]

    def first_function(values, *constrained):
        for (name, metric), x in zip(constraint_metrics, constrained):
            held[name] = metric(x)
        return first_metric(values)

    def kind(item):
        return ScalarOutcome.MINIMIZE if direction_of(item, case) == "minimize" else ScalarOutcome.MAXIMIZE

    functions = [ScalarOutcome(first.name, kind=kind(first), function=first_function,
                               variable_name=[first.outcome, *(c.outcome for c in case.constraints)])]
    functions += [ScalarOutcome(o.name, kind=kind(o), variable_name=o.outcome, function=_ema_metric(o))
                  for o in rest]

    def distance(c):
        def function(_):
            value = held[c.name]
            over = value - c.max if c.max is not None else 0.0
            under = c.min - value if c.min is not None else 0.0
            return max(0.0, over, under)
        return function

    constraints = [Constraint(c.name, outcome_names=first.name, function=distance(c)) for c in case.constraints]
    outcomes = sorted({o.outcome for o in (*case.objectives, *case.constraints)})
    return functions, constraints, outcomes


def _ema_kosovo_model(case, fut):
    """The Kosovo case as a Workbench model of the per-experiment Kosovo model, the futures as
    its scenarios, and a counter of its calls.

    Each scenario carries its future's index (an extra integer uncertainty, ``future``); the
    model draws from that future's seed, as forewarn's does (the US deal's chance).
    """
    from ema_workbench import IntegerParameter, Scenario

    from forewarn.kosovo import ema_model
    from forewarn.kosovo.scalar_reference import kosovo_model_scalar

    seeds = [int(s) for s in fut.seeds]
    calls = [0]

    def kosovo(future, **row):
        calls[0] += 1
        return kosovo_model_scalar(seed=seeds[future], **row)

    model = ema_model(kosovo, case=case)
    model.uncertainties = [*model.uncertainties, IntegerParameter("future", 0, max(len(seeds) - 1, 1))]
    scenarios = [Scenario(f"f{i}", future=i, **{k: getattr(v, "item", lambda v=v: v)() for k, v in row.items()})
                 for i, row in enumerate(fut.table.to_dict(orient="records"))]
    return model, scenarios, calls


def _child_ema_kosovo(futures: int, evaluations: int, population: int, seed: int) -> dict:
    import random

    import numpy as np
    import pandas as pd
    from ema_workbench.em_framework.evaluators import SequentialEvaluator, robust_optimize

    case, fut, score = _kosovo_problem(futures, seed)
    model, scenarios, calls = _ema_kosovo_model(case, fut)
    functions, constraints, needed = _ema_robustness(case)
    model.outcomes = [o for o in model.outcomes if o.name in needed]
    np.random.seed(seed)
    random.seed(seed)  # Platypus draws from Python's generator
    start = time.perf_counter()
    with SequentialEvaluator(model) as evaluator:
        archive = robust_optimize(model, functions, scenarios, evaluator=evaluator, nfe=evaluations,
                                  population_size=population, epsilons=[o.epsilon for o in case.objectives],
                                  constraints=constraints)
    wall = time.perf_counter() - start
    levers = {}
    for p in case.levers:
        values = archive[p.name].map(lambda v: getattr(v, "value", v)) if p.name in archive else p.low
        levers[p.name] = np.asarray(np.broadcast_to(values, len(archive)), dtype=p.dtype)
    front, ok = score(pd.DataFrame(levers))
    # The Workbench's own objective values of its archive against forewarn's for the same
    # strategies: the same model and seeds give the same numbers (to rounding).
    signs = np.array([1.0 if f.kind == f.MINIMIZE else -1.0 for f in functions])
    gap = float(np.max(np.abs(archive[[f.name for f in functions]].to_numpy(float) * signs - front)))
    return {"wall": wall, "evaluations": calls[0] // len(fut), "experiments": calls[0], "futures_kept": len(fut),
            "front": front[ok].tolist(), "infeasible": int((~ok).sum()), "rescore_gap": gap}


def _hypervolumes(runs: dict) -> dict[str, list[float]]:
    import numpy as np
    from pymoo.indicators.hv import HV

    fronts = [np.asarray(r["front"]) for results in runs.values() for r in results if r["front"]]
    every = np.vstack(fronts)
    ideal, worst = every.min(axis=0), every.max(axis=0)
    span = np.where(worst > ideal, worst - ideal, 1.0)
    hv = HV(ref_point=np.full(every.shape[1], 1.1))
    return {name: [float(hv((np.asarray(r["front"]) - ideal) / span)) for r in results]
            for name, results in runs.items()}


def _table(runs: dict, reference: str) -> str:
    hvs = _hypervolumes(runs)
    rates = {n: median([r["evaluations"] / r["wall"] for r in rs]) for n, rs in runs.items()}
    rows = []
    for name, results in runs.items():
        rows.append([CONFIGS[name][1], f"{results[0]['evaluations']:,}", f"{median([r['wall'] for r in results]):.2f}",
                     fmt_rate(rates[name]), f"{rates[name] / rates[reference]:.1f} x",
                     f"{median(hvs[name]):.4f}", str(median([len(r["front"]) for r in results]))])
    return markdown_table(["configuration", "evaluations", "wall (s)", "evaluations/s", f"vs {reference}",
                           "hypervolume", "archive"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--futures", type=int, help="futures per evaluation (full 50; quick 10)")
    parser.add_argument("--evaluations", type=int, help="evaluations per search (full 1000; quick 100)")
    parser.add_argument("--population", type=int, help="population (full 50; quick 20)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.child:
        fn = {"pymoo": _child_pymoo, "fw-pymoo": _child_fw, "platypus": _child_platypus,
              "ema": _child_ema, "floor": _child_floor, "fw-kosovo": _child_fw_kosovo,
              "ema-kosovo": _child_ema_kosovo}[args.child]
        result = fn(args.futures, args.evaluations, args.population, args.seed)
        emit(result)
        return
    check_common_args(parser, args)
    futures = args.futures or (10 if args.quick else 50)
    evaluations = args.evaluations or (100 if args.quick else 1000)
    population = args.population or (20 if args.quick else 50)
    print(f"# bench_search: {futures} futures, {evaluations} evaluations, population {population}, "
          f"{args.repeats} repeats\n# {machine()}")
    print("# python benchmarks/bench_search.py " + " ".join(sys.argv[1:]))

    def command(name):
        return [str(Path(__file__)), "--child", name, "--futures", str(futures), "--evaluations",
                str(evaluations), "--population", str(population), "--seed", str(args.seed)]

    out = {}
    for part, reference in REFERENCE.items():
        if part not in args.only:
            continue
        names = [n for n, (parts, _) in CONFIGS.items() if part in parts]
        if part == "b":
            names.append("floor")
        runs = round_robin(names, args.repeats, command)
        floor = runs.pop("floor", None)
        title = {"a": "lake, search libraries", "b": "lake, forewarn against the EMA Workbench",
                 "c": "Kosovo, forewarn against the EMA Workbench"}[part]
        print(f"\n## ({part}) {title}\n\n" + _table(runs, reference))
        if reference in runs and part != "a":
            print(_goal_line(runs, reference))
        if part == "c" and "ema-kosovo" in runs:
            gap = max(r["rescore_gap"] for r in runs["ema-kosovo"])
            dropped = median([r["infeasible"] for r in runs["ema-kosovo"]])
            kept = runs["ema-kosovo"][0]["futures_kept"]
            print(f"\nFutures: {kept} of the {futures} sampled, on both sides (those that agree with the observed "
                  f"present; forewarn search sets the others aside).")
            print(f"The Workbench's objective values of its archive and forewarn's for the same strategies differ "
                  f"by at most {gap:.2g}; infeasible strategies dropped from its archive (median): {dropped:g}.")
        if floor is not None:
            print(_floor_lines(floor, runs.get("ema"), futures))
            runs["floor"] = floor
        out[part] = runs
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


def _goal_line(runs: dict, reference: str) -> str:
    ours = next(n for n in runs if n != reference)
    ratio = median([r["evaluations"] / r["wall"] for r in runs[ours]]) / median(
        [r["evaluations"] / r["wall"] for r in runs[reference]])
    return f"\nforewarn / Workbench: {ratio:.1f} x (goal {SPEEDUP_TARGET:g} x: {'met' if ratio >= SPEEDUP_TARGET else 'NOT met'})"


def _floor_lines(floor: list[dict], ema: list[dict] | None, futures: int) -> str:
    """The arithmetic floor, and the best ratio to the Workbench that it allows."""
    per_experiment = median([r["per_experiment"] for r in floor])
    best = 1.0 / (per_experiment * futures)
    text = (f"\nArithmetic floor (lake recurrence and outcomes alone, {FLOOR_BLOCK} experiments a block, "
            f"100 samples x 100 years): {per_experiment * 1e6:,.0f} µs per experiment, so at most "
            f"{fmt_rate(best)} evaluations/s at {futures} futures")
    if ema:
        ema_rate = median([r["evaluations"] / r["wall"] for r in ema])
        text += (f"; the Workbench's {fmt_rate(ema_rate)} evaluations/s is "
                 f"{1.0 / (ema_rate * futures) * 1e6:,.0f} µs per experiment, so a numpy model doing "
                 f"this arithmetic cannot be more than {best / ema_rate:.1f} x faster")
    return text + "."


if __name__ == "__main__":
    main()
