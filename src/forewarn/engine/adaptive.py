"""Adaptive rules applied year by year inside the vectorised model run.

A case declares ``[[actions]]`` (lever values, a lead time in years, a cost) and ``[[rules]]``
(when the series outcome ``when`` crosses ``threshold``, after ``delay`` years, start
``action``). :func:`run_adaptive` evaluates a starting strategy plus rules over a set of futures.

The model contract for time-varying levers
------------------------------------------
A case with actions has a ``[time]`` axis, and its model must accept any lever either as an
array of shape ``(n,)`` (one value for the whole horizon) or ``(n, T)`` (the value in force in
each year of the axis), and must be **causal**: an outcome in year ``t`` depends only on lever
values in years ``<= t``. Nothing else changes: the model is still called on whole arrays of
experiments, and still returns ``(n,)`` and ``(n, T)`` outcomes.

How the rules are applied
-------------------------
The engine calls the model with the static levers (``(n,)`` arrays, exactly as a plain run),
finds in every experiment the earliest year in which an unfired rule's condition holds,
changes the levers of that experiment from the year the action takes effect (detection year +
``delay`` + ``lead_time``) to the end of the horizon, and calls the model again on the
experiments that changed (the rows of a call do not influence each other). Causality makes the
trajectory before the change exact, so each rule fires at most once and at most ``R + 1`` calls
are made for ``R`` rules. An experiment in which no rule fires keeps the outcomes of the static
call: a rule that can never fire (an infinite threshold) gives the static strategy, bit for bit.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["AdaptiveRun", "run_adaptive", "crosses"]

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def crosses(values: np.ndarray, op: str, threshold: float) -> np.ndarray:
    """Where ``values op threshold`` holds (the condition of a rule or an objective)."""
    return _OPS[op](values, threshold)


@dataclass(frozen=True)
class AdaptiveRun:
    """Outcomes of an adaptive plan over futures.

    Attributes
    ----------
    outputs : dict of str to ndarray
        Every outcome, ``(n,)`` or ``(n, T)``, after the rules acted.
    detected : ndarray of int, (n, R)
        Index on the time axis at which each rule fired in each future (-1: never).
    effective : ndarray of int, (n, R)
        Index from which its action's levers were in force (-1: never, or beyond the horizon).
    cost : ndarray, (n,)
        Sum of the costs of the actions started.
    calls : int
        Model calls made.
    """

    outputs: dict[str, np.ndarray]
    detected: np.ndarray
    effective: np.ndarray
    cost: np.ndarray
    calls: int


def _first_true(mask: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per row, the first column index >= ``start`` where ``mask`` holds; -1 when none."""
    T = mask.shape[1]
    cols = np.arange(T)
    allowed = mask & (cols[None, :] >= start[:, None])
    first = np.argmax(allowed, axis=1)
    return np.where(allowed.any(axis=1), first, -1)


def run_adaptive(case: Any, futures: Any, strategy: str | None, rules: Sequence[Any], *, model: Any = None,
                 start: int = 0) -> AdaptiveRun:
    """Evaluate strategy ``strategy`` (``None``: every lever at its default) with ``rules``.

    Parameters
    ----------
    case : Case
    futures : forewarn.engine.experiments.Futures
    strategy : str or None
    rules : sequence of Rule
        In priority order (a tie in the same year goes to the earlier rule).
    start : int
        First index on the time axis at which rules may fire.
    """
    from .experiments import cross, lever_rows
    from .model import call_model, load_model, model_inputs

    model = load_model(case) if model is None else model
    name = strategy or "default"
    rows = cross(case, futures, lever_rows(case, [name]))
    inputs = model_inputs(case, rows)
    outputs = call_model(model, inputs, case)
    n, T, R = len(rows), len(case.time), len(rules)
    actions = {a.name: a for a in case.actions}
    detected = np.full((n, R), -1, dtype=np.int64)
    effective = np.full((n, R), -1, dtype=np.int64)
    cost = np.zeros(n)
    schedule: dict[str, np.ndarray] = {}
    since = np.full(n, start, dtype=np.int64)  # no new firing before the last one's year
    calls = 1
    for _ in range(R):
        firing = np.full(n, -1, dtype=np.int64)
        which = np.full(n, -1, dtype=np.int64)
        for r, rule in enumerate(rules):
            t = _first_true(crosses(outputs[rule.when], rule.op, rule.threshold), since)
            t = np.where(detected[:, r] >= 0, -1, t)
            better = (t >= 0) & ((firing < 0) | (t < firing))
            firing, which = np.where(better, t, firing), np.where(better, r, which)
        rows_now = np.flatnonzero(firing >= 0)
        if rows_now.size == 0:
            break
        for r in np.unique(which[rows_now]):
            idx = rows_now[which[rows_now] == r]
            rule, action = rules[r], actions[rules[r].action]
            detected[idx, r] = firing[idx]
            begin = firing[idx] + rule.delay + action.lead_time
            in_time = begin < T
            effective[idx[in_time], r] = begin[in_time]
            cost[idx] += action.cost
            for lever, value in action.levers.items():
                column = schedule.setdefault(lever, np.repeat(inputs[lever][:, None], T, axis=1))
                for i, b in zip(idx[in_time], begin[in_time]):
                    column[i, b:] = value
        since = np.where(firing >= 0, firing, since)
        changed = rows_now
        sub = {k: v[changed] for k, v in inputs.items()}
        sub.update({k: v[changed] for k, v in schedule.items()})
        again = call_model(model, sub, case)
        calls += 1
        for key, value in again.items():
            outputs[key][changed] = value
    return AdaptiveRun(outputs, detected, effective, cost, calls)

