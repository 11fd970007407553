"""Evaluate many strategies against one set of futures in a single model call, in memory.

The runner writes a run folder chunk by chunk; a search, a stress test or a pathway analysis
instead needs the outcomes of a whole population of lever settings against the same futures,
again and again, with nothing written. :func:`perform_experiments` (the name the EMA Workbench
gives the same idea) crosses ``P`` lever rows with ``F``
futures into ``P x F`` experiments (strategy-major: experiment ``p F + f`` is strategy ``p`` in
future ``f``), calls the model once, and returns every outcome as an array of shape ``(P, F)``
(``(P, F, T)`` for a series). Each future keeps its own ``seed``, so every strategy meets the
same random draws (common random numbers) and a strategy's outcomes equal those of a run on
the same futures.

Examples
--------
>>> from forewarn.engine.space import load_case                      # doctest: +SKIP
>>> case = load_case("examples/lake/case.toml")                       # doctest: +SKIP
>>> fut = Futures.sample(case, 100, seed=1)                           # doctest: +SKIP
>>> out = perform_experiments(case, fut, lever_rows(case, ["no_release", "ramp_down"]))  # doctest: +SKIP
>>> out["max_P"].shape                                                # doctest: +SKIP
(2, 100)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["Futures", "lever_rows", "cross", "perform_experiments"]


@dataclass(frozen=True)
class Futures:
    """A fixed set of futures: the uncertainties' values (one row per future) and their seeds."""

    table: pd.DataFrame
    seeds: np.ndarray

    def __len__(self) -> int:
        return len(self.table)

    @classmethod
    def sample(cls, case: Any, n: int, seed: Any = 0, method: str = "lhs") -> Futures:
        """``n`` futures drawn as ``forewarn run -n n --seed seed --design method`` draws them."""
        from .design import future_seeds, sample, to_seed_sequence

        ss = to_seed_sequence(seed)
        table = sample(case, n, method, seed=ss)
        return cls(table.reset_index(drop=True), future_seeds(ss, np.arange(len(table))))

    def with_values(self, values: Mapping[str, Any]) -> Futures:
        """The same futures with some uncertainties fixed (a stress scenario)."""
        table = self.table.copy()
        for name, value in values.items():
            column = table[name]
            if isinstance(column.dtype, pd.CategoricalDtype):
                table[name] = pd.Categorical([value] * len(table), categories=column.cat.categories)
            else:
                table[name] = np.full(len(table), value, dtype=column.dtype)
        return Futures(table, self.seeds)


def lever_rows(case: Any, strategies: Sequence[str]) -> pd.DataFrame:
    """Lever values of named strategies, one row each, in the levers' dtypes."""
    rows = [case.strategy_levers(name) for name in strategies]
    data = {}
    for p in case.levers:
        values = [r[p.name] for r in rows]
        data[p.name] = (pd.Categorical(values, categories=list(p.choices)) if p.dtype == object
                        else np.asarray(values, dtype=p.dtype))
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def cross(case: Any, futures: Futures, levers: pd.DataFrame) -> pd.DataFrame:
    """The ``P x F`` experiments of ``P`` lever rows in ``F`` futures, strategy-major."""
    P, F = len(levers), len(futures)
    missing = [name for name in case.lever_names if name not in levers.columns]
    if missing:
        raise InputError(f"lever values lack column(s) {', '.join(missing)}", field="levers")
    fut_index = np.tile(np.arange(F), P)
    strat_index = np.repeat(np.arange(P), F)
    data: dict[str, Any] = {"seed": futures.seeds[fut_index]}
    for name in case.uncertainty_names:
        column = futures.table[name]
        data[name] = column.array.take(fut_index) if isinstance(column.dtype, pd.CategoricalDtype) \
            else column.to_numpy()[fut_index]
    for name in case.lever_names:
        column = levers[name]
        data[name] = column.array.take(strat_index) if isinstance(column.dtype, pd.CategoricalDtype) \
            else column.to_numpy()[strat_index]
    return pd.DataFrame(data, index=pd.RangeIndex(P * F))


def perform_experiments(case: Any, futures: Futures, levers: pd.DataFrame, *, model: Any = None,
             executor: Any = None) -> dict[str, np.ndarray]:
    """Every outcome of ``P`` lever rows in ``futures``, from one checked model call.

    With an ``executor`` (any :class:`concurrent.futures.Executor`, e.g.
    :class:`forewarn.engine.cluster.DaskExecutor`), the lever rows are split into one block per
    worker, each block is one model call on a worker, and the blocks are put back in order: the
    same numbers, since a model's outcome for an experiment may not depend on the other rows
    of its call (the model contract).

    Returns
    -------
    dict of str to ndarray
        ``(P, F)`` per scalar outcome, ``(P, F, T)`` per series outcome.
    """
    from .model import call_model, load_model, model_inputs

    P, F = len(levers), len(futures)
    if executor is not None and P > 1:
        return _evaluate_on(executor, case, futures, levers)
    if model is None:
        model = load_model(case)
    rows = cross(case, futures, levers)
    outputs = call_model(model, model_inputs(case, rows), case)
    return {name: values.reshape(P, F, *values.shape[1:]) for name, values in outputs.items()}


def _evaluate_on(executor: Any, case: Any, futures: Futures, levers: pd.DataFrame) -> dict[str, np.ndarray]:
    parts = max(1, min(len(levers), int(getattr(executor, "_max_workers", 1) or 1)))
    bounds = np.linspace(0, len(levers), parts + 1).astype(int)
    jobs = [executor.submit(perform_experiments, case, futures, levers.iloc[a:b].reset_index(drop=True))
            for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    results = [job.result() for job in jobs]
    return {name: np.concatenate([r[name] for r in results], axis=0) for name in results[0]}
