"""The search benchmark's Workbench side on the Kosovo case solves forewarn's problem.

``benchmarks/bench_search.py`` (c) translates the case's objectives and constraint into the EMA
Workbench's robustness functions and passes each future's seed to the per-experiment model; if
either were wrong, the Workbench's objective values of its archive would differ from forewarn's
for the same strategies on the same futures.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from optional import requires_ema

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_search.py"


def _bench():
    sys.path.insert(0, str(BENCH.parent))
    try:
        spec = importlib.util.spec_from_file_location("bench_search_under_test", BENCH)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


@requires_ema
def test_workbench_kosovo_search_scores_as_forewarn():
    result = _bench()._child_ema_kosovo(futures=6, evaluations=24, population=8, seed=3)
    kept = result["futures_kept"]
    assert 1 <= kept <= 6
    assert result["evaluations"] >= 24 and result["experiments"] == kept * result["evaluations"]
    front = np.asarray(result["front"])
    assert front.shape[1] == 3 and len(front) >= 1
    # Costs are thousands of million EUR: agreement to rounding of the sums.
    assert result["rescore_gap"] < 1e-9


@requires_ema
def test_workbench_metrics_are_forewarns():
    from forewarn.analysis.objectives import metric_values
    from forewarn.kosovo import load_kosovo_case

    bench = _bench()
    case = load_kosovo_case()
    values = np.random.default_rng(0).uniform(0.0, 2.0, 50)
    for item in (*case.objectives, *case.constraints):
        expected = metric_values(item, case, values[None, :])[0]
        assert bench._ema_metric(item)(values) == pytest.approx(expected, rel=1e-12, abs=0.0)


@requires_ema
def test_workbench_kosovo_model_gives_forewarns_outcomes():
    # The declared strategies (the US deal among them, whose chance is drawn from each future's
    # seed) in 40 futures, run by the Workbench through the benchmark's model and by forewarn.
    from ema_workbench import Policy
    from ema_workbench.em_framework.evaluators import SequentialEvaluator

    from forewarn.engine.experiments import Futures, lever_rows, perform_experiments
    from forewarn.kosovo import load_kosovo_case

    bench = _bench()
    case = load_kosovo_case()
    fut = Futures.sample(case, 40, 5)
    model, scenarios, calls = bench._ema_kosovo_model(case, fut)
    names = case.strategy_names
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=scenarios, policies=[Policy(n, **case.strategy_levers(n)) for n in names])
    assert calls[0] == 40 * len(names)
    ours = perform_experiments(case, fut, lever_rows(case, names))
    row = {(p, int(f)): i for i, (p, f) in enumerate(zip(experiments["policy"], experiments["future"]))}
    for name in ("min_margin", "total_cost", "own_margin_end", "cost_share_gdp"):
        theirs = np.array([[outcomes[name][row[(p, f)]] for f in range(40)] for p in names])
        np.testing.assert_allclose(theirs, ours[name], rtol=1e-12, atol=1e-12)
