"""Robustness metrics of many strategies at once, for the lever search.

A case declares ``[[objectives]]`` and ``[[constraints]]`` (:class:`forewarn.engine.space.Objective`,
:class:`~forewarn.engine.space.Constraint`), each a metric of one scalar outcome over the
futures. Here the outcomes of ``P`` strategies in ``F`` futures are arrays of shape ``(P, F)``,
and every metric is a vectorised reduction over the futures' axis:

``satisficing``
    share of futures where the outcome is ``>= at_least`` and ``<= at_most`` (those given);
``percentile``
    the ``percentile``-th percentile (numpy's linear interpolation);
``mean`` and ``cost``
    the mean (``cost`` is minimised unless it says otherwise);
``regret``
    the ``percentile``-th percentile (default 90) of ``max(0, best - value)`` (an outcome to
    maximise; ``value - best`` to minimise), where ``best`` is the best of the case's declared
    strategies in that future. A fixed reference keeps the objective the same function through
    the whole search (regret against the current population would move as it improves); a
    strategy better than every declared one in a future has regret 0 there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["direction_of", "metric_values", "metrics_table", "reference_best", "needs_reference"]


def direction_of(item: Any, case: Any) -> str:
    """``"maximize"`` or ``"minimize"``: the item's own, else the metric's, else the outcome's."""
    if item.direction is not None:
        return item.direction
    if item.kind == "satisficing":
        return "maximize"
    if item.kind in ("regret", "cost"):
        return "minimize"
    return case.outcome(item.outcome).direction


def needs_reference(items: Sequence[Any]) -> list[str]:
    """Outcomes whose regret is asked for (they need the declared strategies' best per future)."""
    return sorted({i.outcome for i in items if i.kind == "regret"})


def reference_best(case: Any, outputs: Mapping[str, np.ndarray], outcomes: Sequence[str]) -> dict[str, np.ndarray]:
    """The best value per future among reference strategies' outcomes (arrays ``(R, F)``)."""
    best = {}
    for name in outcomes:
        values = outputs[name]
        best[name] = values.max(axis=0) if case.outcome(name).direction != "minimize" else values.min(axis=0)
    return best


def metric_values(item: Any, case: Any, values: np.ndarray, best: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """One metric for ``P`` strategies: ``values`` is ``(P, F)``; returns ``(P,)``."""
    values = np.asarray(values, dtype=np.float64)
    if item.kind == "satisficing":
        ok = np.ones(values.shape, dtype=bool)
        if item.at_least is not None:
            ok &= values >= item.at_least
        if item.at_most is not None:
            ok &= values <= item.at_most
        return ok.mean(axis=1)
    if item.kind == "percentile":
        return np.percentile(values, item.percentile, axis=1)
    if item.kind in ("mean", "cost"):
        return values.mean(axis=1)
    if best is None or item.outcome not in best:
        raise ValueError(f"regret of {item.outcome!r} needs the reference strategies' best values")
    gap = best[item.outcome][None, :] - values
    if case.outcome(item.outcome).direction == "minimize":
        gap = -gap
    q = 90.0 if item.percentile is None else item.percentile
    return np.percentile(np.maximum(gap, 0.0), q, axis=1)


def metrics_table(items: Sequence[Any], case: Any, outputs: Mapping[str, np.ndarray],
                  best: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """Every metric of ``items`` for ``P`` strategies, as a ``(P, len(items))`` array."""
    if not items:
        n = len(next(iter(outputs.values())))
        return np.empty((n, 0))
    return np.column_stack([metric_values(i, case, outputs[i.outcome], best) for i in items])
