"""Strategies compared on a trade-off, not on one share.

A strategy is judged on several criteria at once: its *robustness* (the share of futures in which
a threshold holds), its cost, what it leaves a country able to do on its own, the crises it lets
escalate, and its regret. :func:`tradeoff_table` computes them per strategy from a run's
experiments table (one row per future × strategy); :func:`non_dominated` marks the strategies that
no other strategy beats on every criterion at once (the Pareto set); :func:`cost_per_point` prices
each point of robustness a strategy gains over a baseline.

Regret is read at a percentile (the 90th by default), not at the sample maximum: the maximum of a
sample grows with its size, so a "maximum regret" changes when more futures are run while the
90th percentile settles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["tradeoff_table", "non_dominated", "cost_per_point", "percentile_regret"]


def _need(df: pd.DataFrame, *cols: str | None) -> None:
    missing = [c for c in cols if c is not None and c not in df.columns]
    if missing:
        raise InputError(f"the experiments table has no column {', '.join(map(repr, missing))}",
                         field=str(missing[0]))


def percentile_regret(
    df: pd.DataFrame, outcome: str, direction: str, *, q: float = 90,
    future: str = "future", strategy: str = "strategy",
) -> pd.Series:
    """Regret of each strategy on ``outcome`` at the ``q``-th percentile of the futures.

    Regret is the distance to the best strategy in the same future (``best - value`` for an outcome
    to maximize, ``value - best`` for one to minimize); every strategy must be run in every future.

    Examples
    --------
    >>> df = pd.DataFrame({"future": [0, 0, 1, 1], "strategy": ["a", "b", "a", "b"],
    ...                    "d": [2.0, 1.0, 1.0, 3.0]})
    >>> percentile_regret(df, "d", "maximize", q=50).tolist()
    [1.0, 0.5]
    """
    _need(df, outcome, future, strategy)
    if direction not in ("maximize", "minimize"):
        raise InputError(f"direction must be maximize or minimize, not {direction!r}", field=outcome)
    v = df[outcome].to_numpy(dtype=float)
    how = "max" if direction == "maximize" else "min"
    best = pd.Series(v).groupby(df[future].to_numpy(), sort=False).transform(how).to_numpy()
    r = best - v if direction == "maximize" else v - best
    out = pd.Series(r).groupby(df[strategy].astype(str).to_numpy(), sort=True).agg(
        lambda s: float(np.percentile(np.sort(s.to_numpy()), q)))
    out.index.name = "strategy"
    out.name = f"p{q:g}_regret"
    return out


def tradeoff_table(
    df: pd.DataFrame,
    *,
    holds: str,
    cost: str,
    own: str | None = None,
    crises: str | None = None,
    regret_outcome: str | None = None,
    regret_direction: str = "maximize",
    q: float = 90,
    strategy: str = "strategy",
    future: str = "future",
) -> pd.DataFrame:
    """Per strategy: robustness, median cost, median own capability, median crises, regret.

    Parameters
    ----------
    df : DataFrame
        Experiments table: one row per future × strategy.
    holds : str
        A boolean column: whether the threshold holds in that experiment.
    cost, own, crises : str
        Columns whose median per strategy is reported (``own``, ``crises`` optional).
    regret_outcome : str, optional
        The outcome whose ``q``-th percentile regret is reported.

    Returns
    -------
    DataFrame
        Indexed by strategy: ``robustness`` (share of futures where ``holds``), ``cost``, and
        ``own``, ``crises``, ``regret`` when asked; sorted by robustness (highest first), then
        cost (lowest first), then name.
    """
    _need(df, holds, cost, own, crises, regret_outcome, strategy, future)
    g = df.groupby(df[strategy].astype(str), sort=True)
    out = pd.DataFrame({"robustness": g[holds].mean().astype(float), "cost": g[cost].median().astype(float)})
    if own is not None:
        out["own"] = g[own].median().astype(float)
    if crises is not None:
        out["crises"] = g[crises].median().astype(float)
    if regret_outcome is not None:
        out["regret"] = percentile_regret(df, regret_outcome, regret_direction, q=q, future=future,
                                          strategy=strategy)
    out.index.name = "strategy"
    out = out.reset_index().sort_values(["robustness", "cost", "strategy"], ascending=[False, True, True],
                                        kind="stable")
    return out.set_index("strategy")


def non_dominated(table: pd.DataFrame, objectives: Mapping[str, str], *, tol: float = 0.0) -> pd.Series:
    """Whether each row is on the Pareto front of ``objectives``.

    A row is dominated when another row is at least as good on every objective and better by more
    than ``tol`` on one.

    Parameters
    ----------
    objectives : mapping
        ``{column: "max" or "min"}``.

    Examples
    --------
    >>> t = pd.DataFrame({"rob": [.5, .7, .6], "cost": [1.0, 3.0, 4.0]}, index=["a", "b", "c"])
    >>> non_dominated(t, {"rob": "max", "cost": "min"}).tolist()
    [True, True, False]
    """
    if not objectives:
        raise InputError("no objective given")
    _need(table, *objectives)
    cols = []
    for c, sense in objectives.items():
        if sense not in ("max", "min"):
            raise InputError(f"objective sense must be max or min, not {sense!r}", field=c)
        v = table[c].to_numpy(dtype=float)
        cols.append(v if sense == "max" else -v)
    m = np.column_stack(cols)  # larger is better in every column
    geq = (m[:, None, :] >= m[None, :, :] - tol).all(axis=2)  # geq[j, i]: j at least as good as i
    better = (m[:, None, :] > m[None, :, :] + tol).any(axis=2)
    dominated = (geq & better).any(axis=0)
    return pd.Series(~dominated, index=table.index, name="non_dominated")


def cost_per_point(table: pd.DataFrame, baseline: Any, *, robustness: str = "robustness",
                   cost: str = "cost") -> pd.Series:
    """Extra cost per percentage point of robustness gained over ``baseline``.

    NaN for the baseline and for strategies that gain no robustness over it (a price per point
    means nothing there).

    Examples
    --------
    >>> t = pd.DataFrame({"robustness": [.5, .6, .4], "cost": [100., 300., 50.]}, index=["a", "b", "c"])
    >>> cost_per_point(t, "a").round(1).tolist()
    [nan, 20.0, nan]
    """
    _need(table, robustness, cost)
    if baseline not in table.index:
        raise InputError(f"baseline {baseline!r} is not a strategy of the table", field="baseline")
    gain = 100 * (table[robustness] - table.loc[baseline, robustness])
    extra = table[cost] - table.loc[baseline, cost]
    out = (extra / gain).where(gain > 0)
    out.name = "cost_per_point"
    return out.astype(float)


def first_year_below(series: np.ndarray, years: Sequence[int], threshold: float, *,
                     from_year: int | None = None) -> np.ndarray:
    """First year each row of ``series`` falls below ``threshold`` (NaN when it never does).

    Only years from ``from_year`` on count (for example the years levers can act on).

    Examples
    --------
    >>> first_year_below(np.array([[2., .5, .4], [2., 2., 2.]]), [2025, 2026, 2027], 1.0).tolist()
    [2026.0, nan]
    """
    s = np.asarray(series, dtype=float)
    y = np.asarray(years)
    if s.ndim != 2 or s.shape[1] != len(y):
        raise InputError(f"series must be rows × {len(y)} years, got shape {s.shape}")
    cols = y >= from_year if from_year is not None else np.ones(len(y), bool)
    below = (s < threshold) & cols[None, :]
    any_below = below.any(axis=1)
    idx = below.argmax(axis=1)
    return np.where(any_below, y[idx].astype(float), np.nan)


def first_year_at_or_above(series: np.ndarray, years: Sequence[int], threshold: float) -> np.ndarray:
    """First year each row of ``series`` reaches ``threshold`` (NaN when it never does)."""
    s = np.asarray(series, dtype=float)
    y = np.asarray(years)
    if s.ndim != 2 or s.shape[1] != len(y):
        raise InputError(f"series must be rows × {len(y)} years, got shape {s.shape}")
    at = s >= threshold
    return np.where(at.any(axis=1), y[at.argmax(axis=1)].astype(float), np.nan)


__all__ += ["first_year_below", "first_year_at_or_above"]
