"""Lever search benchmarks on the lake problem (``examples/lake``, its three [[objectives]]).

(a) libraries: the same robust problem (forewarn's vectorised lake model, the same futures, one
    model call per generation) searched by pymoo's NSGA-II (a vectorised ``Problem``, the
    library as ``forewarn search`` drives it) and by Platypus' ε-NSGA-II (fed a whole
    generation at once through a batch evaluator): wall time and the hypervolume reached at
    equal evaluations (pymoo's final non-dominated set; Platypus' ε-archive).
(b) forewarn against the EMA Workbench: ``forewarn search`` against ``robust_optimize``
    (Platypus ε-NSGA-II, ``SequentialEvaluator``, the Workbench's ``lake_problem`` run once per
    experiment) with the same objectives (mean of ``max_P``, 10th percentile of
    ``reliability``, mean of ``utility``), the same epsilons, the same futures (uncertainty
    values), population and number of evaluations. Model evaluations (candidate strategies)
    per second, and the hypervolume of each final archive after re-evaluating its strategies
    with forewarn's model on the same futures (both fronts scored alike). Goal: 50 x.

Hypervolumes use one normalisation for all runs of a table (the best and worst value of each
objective over every front found), reference point 1.1. Every configuration runs ``--repeats``
times in fresh processes, round robin; the tables show medians.

Usage::

    python benchmarks/bench_search.py --quick
    python benchmarks/bench_search.py --only b --futures 50 --evaluations 1000
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

CONFIGS = {
    "pymoo": ("a", "pymoo NSGA-II, vectorised problem, vectorised lake"),
    "fw-pymoo": ("b", "forewarn search (pymoo NSGA-II + ε-archive), vectorised lake"),
    "platypus": ("a", "Platypus ε-NSGA-II, batch evaluator, vectorised lake"),
    "ema": ("b", "EMA Workbench robust_optimize (ε-NSGA-II), scalar lake_problem"),
}


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
    parser.set_defaults(only="ab")
    args = parser.parse_args()
    if args.child:
        fn = {"pymoo": _child_pymoo, "fw-pymoo": _child_fw, "platypus": _child_platypus,
              "ema": _child_ema}[args.child]
        result = fn(args.futures, args.evaluations, args.population, args.seed)
        emit(result)
        return
    check_common_args(parser, args)
    futures = args.futures or (10 if args.quick else 50)
    evaluations = args.evaluations or (100 if args.quick else 1000)
    population = args.population or (20 if args.quick else 50)
    print(f"# bench_search: lake, {futures} futures, {evaluations} evaluations, population {population}, "
          f"{args.repeats} repeats\n# {machine()}")

    def command(name):
        return [str(Path(__file__)), "--child", name, "--futures", str(futures), "--evaluations",
                str(evaluations), "--population", str(population), "--seed", str(args.seed)]

    out = {}
    for part, reference in (("a", "platypus"), ("b", "ema")):
        if part not in args.only:
            continue
        names = [n for n, (parts, _) in CONFIGS.items() if part in parts]
        runs = round_robin(names, args.repeats, command)
        print(f"\n## ({part})\n\n" + _table(runs, reference))
        out[part] = runs
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
