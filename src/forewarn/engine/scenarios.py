"""Stress scenarios: the case's futures with some uncertainties held at named values.

A case may declare ``[[scenarios]]``, each fixing some uncertainties (the others vary as in any
run)::

    [[scenarios]]
    name = "irreversible_lake"
    description = "A lake that cannot recover once polluted."
    values = { b = 0.42 }

:class:`ScenarioDesign` wraps any design of futures and overrides those columns, keeping every
future's index and seed, so each scenario meets the same random draws as the plain run (common
random numbers) and differs from it only in the fixed values. :func:`run_scenarios` runs every
strategy under every scenario through the ordinary runner, one run folder per scenario
(``OUT/scenarios/NAME``), each resumable; :func:`stress_table` summarises them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError

__all__ = ["ScenarioDesign", "scenario_design", "run_scenarios", "stress_table", "SCENARIO_FOLDER"]

#: Sub-folder of a run folder that holds one run per scenario.
SCENARIO_FOLDER = "scenarios"


class ScenarioDesign:
    """A design of futures with some columns held at fixed values (the :class:`Design` protocol)."""

    def __init__(self, futures: Any, name: str, values: Mapping[str, Any]) -> None:
        unknown = [k for k in values if k not in futures.columns]
        if unknown:
            raise InputError(f"scenario {name!r} fixes unknown uncertainties: {', '.join(unknown)}",
                             field="scenarios")
        self.futures = futures
        self.name = name
        self.values = dict(values)
        self.seed = getattr(futures, "seed", None)

    @property
    def n(self) -> int:
        return self.futures.n

    @property
    def columns(self) -> list[str]:
        return list(self.futures.columns)

    def rows(self, start: int, stop: int) -> pd.DataFrame:
        out = self.futures.rows(start, stop)
        for key, value in self.values.items():
            column = out[key]
            if isinstance(column.dtype, pd.CategoricalDtype):
                out[key] = pd.Categorical([value] * len(out), categories=column.cat.categories)
            else:
                out[key] = pd.Series([value] * len(out), index=out.index, dtype=column.dtype)
        return out

    def spec(self) -> dict[str, Any]:
        return {"kind": "scenario", "scenario": self.name, "values": dict(self.values),
                "futures": self.futures.spec()}

    def __repr__(self) -> str:
        return f"ScenarioDesign({self.name!r}, values={self.values}, futures={self.futures!r})"


def scenario_design(case: Any, name: str, n: int, method: str = "lhs", seed: Any = 0,
                    strategies: Any = None) -> Any:
    """The experiments of scenario ``name``: ``n`` futures of ``case`` with its values fixed."""
    from .design import ExperimentDesign, experiments

    base = experiments(case, n, method=method, seed=seed, strategies=strategies)
    scenario = next((s for s in case.scenarios if s.name == name), None)
    if scenario is None:
        known = ", ".join(s.name for s in case.scenarios) or "none"
        raise InputError(f"no scenario named {name!r} (scenarios: {known})", source=case.path, field="scenario")
    return ExperimentDesign(case, ScenarioDesign(base.futures, name, scenario.values), base.strategies,
                            base.seed_sequence)


def run_scenarios(case: Any, *, n: int, out: str | os.PathLike[str], method: str = "lhs", seed: int = 0,
                  strategies: Any = None, levers: int | None = None, **run_options: Any) -> dict[str, Any]:
    """Run every strategy under every scenario of ``case``; one run folder per scenario.

    Parameters
    ----------
    case : Case
    n, method, seed, strategies, levers
        As for :func:`forewarn.engine.runner.run`; every scenario uses the same futures (and the
        same sampled strategies).
    out : path
        The scenario runs go to ``out/scenarios/NAME``.
    **run_options
        Passed to :func:`~forewarn.engine.runner.run` (``chunk_size``, ``workers``,
        ``executor``, ``resume``, ``overwrite``, ``progress``).

    Returns
    -------
    dict of str to Results
        By scenario name, in the case's order.
    """
    from .runner import run

    if not case.scenarios:
        raise InputError("the case declares no [[scenarios]]", source=case.path, field="scenarios")
    if levers is not None:
        from .levers import with_sampled_levers

        case, names = with_sampled_levers(case, levers, seed)
        strategies = None if strategies is None else [*strategies, *names]
    results = {}
    for scenario in case.scenarios:
        design = scenario_design(case, scenario.name, n, method, seed, strategies)
        results[scenario.name] = run(case, design, out=Path(out) / SCENARIO_FOLDER / scenario.name, **run_options)
    return results


def stress_table(results: Mapping[str, Any], *, statistic: str = "median") -> pd.DataFrame:
    """One row per scenario and strategy: the ``statistic`` of every scalar outcome over the futures.

    ``statistic`` is ``"mean"``, ``"median"``, ``"p05"`` or ``"p95"`` (a column of
    :meth:`forewarn.engine.results.Results.summary`).
    """
    frames = []
    for name, res in results.items():
        summary = res.summary()
        if statistic not in summary.columns:
            raise InputError(f"unknown statistic {statistic!r}", field="statistic")
        wide = summary.pivot(index="strategy", columns="outcome", values=statistic)
        outcomes = list(dict.fromkeys(summary["outcome"]))
        wide = wide.reindex(index=list(dict.fromkeys(summary["strategy"])), columns=outcomes).reset_index()
        wide.insert(0, "scenario", name)
        frames.append(wide)
    table = pd.concat(frames, ignore_index=True)
    table.columns.name = None
    return table
