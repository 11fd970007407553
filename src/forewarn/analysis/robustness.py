"""Robustness of strategies across futures: regret, satisficing, percentiles, rankings.

Every function takes the experiments table of a run (one row per future × strategy, columns
``future``, ``strategy`` and one column per scalar outcome) and the outcomes' directions
(``{"min_deterrence": "maximize", "total_cost": "minimize"}``; outcomes marked ``info`` are
reported but never ranked).

Regret (Savage, 1951; used in RDM by Lempert et al., 2006) is the distance from the best strategy
in the same future: for an outcome to maximize, ``best - value``; to minimize, ``value - best``.
It is never negative. Relative regret divides it by ``|best|`` (NaN where the best is 0).
Satisficing (Simon, 1956; the "domain criterion" of Starr, 1963) is the share of futures in which a
strategy meets every threshold at once.

All results are independent of the order of the rows: means are taken over sorted values, so a
permutation of the futures gives bit-identical tables and the same ranking.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = [
    "directions_from_case",
    "regret",
    "regret_table",
    "parse_threshold",
    "satisficing",
    "statistics",
    "ranking",
    "CRITERIA",
]

_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}
_DIRECTIONS = ("maximize", "minimize", "info")

#: Ranking criteria and whether a larger value is better.
CRITERIA = {
    "satisficing": "share of futures meeting every threshold (higher is better)",
    "max_regret": "largest regret over the futures (lower is better)",
    "percentile_regret": "regret at the given percentile (lower is better)",
    "mean_regret": "mean regret (lower is better)",
    "worst": "worst value over the futures: maximin or minimax (better is better)",
    "mean": "mean value (better is better)",
    "median": "median value (better is better)",
}


def directions_from_case(case: Any) -> dict[str, str]:
    """``{outcome: direction}`` for the scalar outcomes of a :class:`forewarn.engine.space.Case`."""
    return {o.name: o.direction for o in case.outcomes if getattr(o, "kind", "scalar") == "scalar"}


def _check(df: pd.DataFrame, directions: Mapping[str, str], future: str, strategy: str) -> list[str]:
    for col in (future, strategy):
        if col not in df.columns:
            raise InputError(f"the experiments table has no {col!r} column", field=col)
    names = []
    for name, d in directions.items():
        if name not in df.columns:
            raise InputError(
                f"unknown outcome {name!r}; available columns: {', '.join(map(str, df.columns))}", field=name
            )
        if d not in _DIRECTIONS:
            raise InputError(f"direction of {name!r} must be one of {', '.join(_DIRECTIONS)}, not {d!r}", field=name)
        if not pd.api.types.is_numeric_dtype(df[name].dtype):
            raise InputError(f"outcome {name!r} is not numeric", field=name)
        names.append(name)
    return names


def _ranked(directions: Mapping[str, str]) -> list[str]:
    return [k for k, d in directions.items() if d != "info"]


def regret(
    df: pd.DataFrame,
    directions: Mapping[str, str],
    *,
    future: str = "future",
    strategy: str = "strategy",
) -> pd.DataFrame:
    """Regret of each strategy in each future, per outcome (tidy).

    Returns
    -------
    DataFrame
        Columns future, strategy, outcome, value, best, regret, relative_regret; one row per
        experiment and outcome with a direction (``info`` outcomes are skipped).

    Examples
    --------
    >>> df = pd.DataFrame({"future": [0, 0, 1, 1], "strategy": ["a", "b", "a", "b"],
    ...                    "cost": [3.0, 5.0, 4.0, 2.0]})
    >>> regret(df, {"cost": "minimize"})["regret"].tolist()
    [0.0, 2.0, 2.0, 0.0]
    """
    _check(df, directions, future, strategy)
    frames = []
    for name in _ranked(directions):
        v = df[name].astype(float)
        grp = v.groupby(df[future].to_numpy(), sort=False)
        if directions[name] == "maximize":
            best = grp.transform("max")
            r = best - v
        else:
            best = grp.transform("min")
            r = v - best
        absbest = best.abs()
        rel = (r / absbest).where(absbest > 0)
        frames.append(
            pd.DataFrame(
                {
                    "future": df[future].to_numpy(),
                    "strategy": df[strategy].to_numpy(),
                    "outcome": name,
                    "value": v.to_numpy(),
                    "best": best.to_numpy(),
                    "regret": r.to_numpy(),
                    "relative_regret": rel.to_numpy(),
                }
            )
        )
    if not frames:
        raise InputError("no outcome to maximize or minimize: regret needs a direction")
    return pd.concat(frames, ignore_index=True)


def _best_per_future(v: np.ndarray, futures: np.ndarray, direction: str) -> np.ndarray:
    """The best value in each row's future (max or min over the strategies run in it)."""
    how = "max" if direction == "maximize" else "min"
    return pd.Series(v).groupby(futures, sort=False).transform(how).to_numpy()


def regret_table(df: pd.DataFrame, directions: Mapping[str, str], *, percentile: float = 90,
                 future: str = "future", strategy: str = "strategy") -> pd.DataFrame:
    """Per strategy and outcome: max, percentile and mean regret, and max relative regret.

    Each statistic is computed on the strategy's regrets sorted by value, so the table does not
    depend on the order of the rows.
    """
    _check(df, directions, future, strategy)
    ranked = _ranked(directions)
    if not ranked:
        raise InputError("no outcome to maximize or minimize: regret needs a direction")
    futures = pd.factorize(df[future])[0]
    codes, names = pd.factorize(df[strategy].astype(str), sort=True)
    counts = np.bincount(codes, minlength=len(names))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rows = []
    for name in ranked:
        v = df[name].to_numpy(dtype=float)
        best = _best_per_future(v, futures, directions[name])
        absbest = np.abs(best)
        # Outcomes near the limits of float64 (or a best value near zero) give an infinite regret
        # or relative regret: the honest value, so overflow is not worth a warning.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = best - v if directions[name] == "maximize" else v - best
            rel = np.where(absbest > 0, r / absbest, np.nan)
        order = np.lexsort((r, codes))
        rs = r[order]
        sums = np.add.reduceat(rs, starts)
        rel_by = rel[order]
        for g, label in enumerate(names):
            a, c = starts[g], counts[g]
            part = rs[a : a + c]
            relp = rel_by[a : a + c]
            rows.append(
                {
                    "strategy": label,
                    "outcome": name,
                    "max_regret": float(part[-1]),
                    "percentile_regret": float(np.percentile(part, percentile)),
                    "mean_regret": float(sums[g] / c),
                    "max_relative_regret": float(np.nanmax(relp)) if np.isfinite(relp).any() else float("nan"),
                }
            )
    out = pd.DataFrame(rows)
    return out.sort_values(["strategy", "outcome"], kind="stable").reset_index(drop=True)


def parse_threshold(text: str) -> tuple[str, tuple[str, float]]:
    """``"min_deterrence>=1"`` -> ``("min_deterrence", (">=", 1.0))``.

    Examples
    --------
    >>> parse_threshold("total_cost <= 500")
    ('total_cost', ('<=', 500.0))
    """
    m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|>|<)\s*([-+0-9.eE]+)\s*", text or "")
    if not m:
        raise InputError(
            f"cannot read the threshold {text!r}: write NAME OP NUMBER, e.g. 'min_deterrence>=1' "
            "(OP one of >=, <=, >, <, ==)",
            field="--satisfice",
        )
    try:
        value = float(m.group(3))
    except ValueError:
        raise InputError(f"threshold {text!r}: {m.group(3)!r} is not a number", field="--satisfice") from None
    return m.group(1), (m.group(2), value)


def _normalise_thresholds(thresholds: Mapping[str, Any] | Iterable[str]) -> dict[str, tuple[str, float]]:
    if isinstance(thresholds, Mapping):
        out = {}
        for k, v in thresholds.items():
            op, value = v
            if op not in _OPS:
                raise InputError(f"threshold on {k!r}: unknown operator {op!r}", field=k)
            out[str(k)] = (op, float(value))
        return out
    return dict(parse_threshold(t) for t in thresholds)


def _meets(df: pd.DataFrame, thresholds: Mapping[str, tuple[str, float]]) -> np.ndarray:
    ok = np.ones(len(df), dtype=bool)
    for name, (op, value) in thresholds.items():
        if name not in df.columns:
            raise InputError(
                f"unknown outcome {name!r} in a threshold; available columns: {', '.join(map(str, df.columns))}",
                field=name,
            )
        ok &= _OPS[op](df[name].to_numpy(dtype=float), value)
    return ok


def satisficing(
    df: pd.DataFrame,
    thresholds: Mapping[str, tuple[str, float]] | Iterable[str],
    *,
    strategy: str = "strategy",
) -> pd.Series:
    """Share of futures in which each strategy meets every threshold at once, in [0, 1].

    Parameters
    ----------
    thresholds : mapping or iterable of str
        ``{"min_deterrence": (">=", 1.0), "total_cost": ("<=", 500)}`` or
        ``["min_deterrence>=1", "total_cost<=500"]``.

    Examples
    --------
    >>> df = pd.DataFrame({"future": [0, 0, 1, 1], "strategy": ["a", "b", "a", "b"],
    ...                    "d": [1.2, 0.8, 0.9, 1.1]})
    >>> satisficing(df, {"d": (">=", 1.0)}).tolist()
    [0.5, 0.5]
    """
    th = _normalise_thresholds(thresholds)
    if not th:
        raise InputError("no threshold given", field="--satisfice")
    if strategy not in df.columns:
        raise InputError(f"the experiments table has no {strategy!r} column", field=strategy)
    ok = pd.Series(_meets(df, th), index=df.index)
    share = ok.groupby(df[strategy].to_numpy(), sort=True).agg(lambda s: int(s.sum()) / len(s))
    share.index.name = "strategy"
    share.name = "satisficing"
    return share.astype(float)


def statistics(
    df: pd.DataFrame,
    directions: Mapping[str, str],
    *,
    percentiles: Iterable[float] = (10, 50, 90),
    strategy: str = "strategy",
) -> pd.DataFrame:
    """Per strategy and outcome: mean, std, percentiles, min, max and worst value.

    ``worst`` is the minimum for an outcome to maximize (maximin) and the maximum for one to
    minimize (minimax); NaN for ``info`` outcomes.
    """
    if strategy not in df.columns:
        raise InputError(f"the experiments table has no {strategy!r} column", field=strategy)
    rows = []
    for name in directions:
        if name not in df.columns:
            raise InputError(
                f"unknown outcome {name!r}; available columns: {', '.join(map(str, df.columns))}", field=name
            )
        for s, vals in df.groupby(strategy, sort=True)[name]:
            v = np.sort(vals.to_numpy(dtype=float))
            std = float(v.std(ddof=1)) if v.size > 1 else 0.0
            row = {"strategy": s, "outcome": name, "mean": float(v.mean()), "std": std}
            for p in percentiles:
                row[f"p{p:g}"] = float(np.percentile(v, p))
            row["min"], row["max"] = float(v[0]), float(v[-1])
            d = directions[name]
            row["worst"] = row["min"] if d == "maximize" else row["max"] if d == "minimize" else float("nan")
            rows.append(row)
    return pd.DataFrame(rows)


def ranking(
    df: pd.DataFrame,
    directions: Mapping[str, str],
    *,
    thresholds: Mapping[str, tuple[str, float]] | Iterable[str] | None = None,
    criterion: str | None = None,
    outcome: str | None = None,
    percentile: float = 90,
    future: str = "future",
    strategy: str = "strategy",
) -> pd.DataFrame:
    """Rank strategies by one criterion; the table also shows the others.

    Parameters
    ----------
    thresholds : optional
        Satisficing thresholds; when given, ``satisficing`` is a column and the default criterion.
    criterion : str, optional
        One of :data:`CRITERIA`; default "satisficing" with thresholds, else "max_regret".
    outcome : str, optional
        The outcome a regret or value criterion applies to; default the first outcome with a
        direction.

    Returns
    -------
    DataFrame
        rank, strategy, criterion (its value under the column ``score``), satisficing (with
        thresholds), then ``max_regret:<o>``, ``p<percentile>_regret:<o>`` and ``worst:<o>`` per ranked
        outcome.

    Notes
    -----
    Ties are broken deterministically, in this order: the satisficing share (higher first), the
    maximum regret on ``outcome``, the mean over outcomes of the maximum relative regret (lower
    first), then the strategy's name. Equal strategies therefore always come out in the same order,
    whatever the order of the rows.
    """
    ranked = _ranked(directions)
    _check(df, directions, future, strategy)
    criterion, outcome = _ranking_target(directions, ranked, thresholds, criterion, outcome)
    ptag = f"p{percentile:g}_regret"
    table = _criteria_table(df, directions, ranked, thresholds, percentile, ptag, future, strategy)
    table = _sort_strategies(table, criterion, outcome, directions[outcome] == "maximize", bool(thresholds), ptag)
    keep = ["rank", "strategy", "criterion", "score"]
    if thresholds:
        keep.append("satisficing")
    for o in ranked:
        keep += [f"max_regret:{o}", f"{ptag}:{o}", f"worst:{o}"]
    return table[keep]


def _ranking_target(directions: Mapping[str, str], ranked: list[str], thresholds: Any, criterion: str | None,
                    outcome: str | None) -> tuple[str, str]:
    """The criterion and the outcome to rank by, checked; defaults filled in."""
    if not ranked:
        raise InputError("no outcome to maximize or minimize: nothing to rank")
    if criterion is None:
        criterion = "satisficing" if thresholds else "max_regret"
    if criterion not in CRITERIA:
        raise InputError(f"unknown criterion {criterion!r}; use one of {', '.join(CRITERIA)}", field="criterion")
    if criterion == "satisficing" and not thresholds:
        raise InputError("the satisficing criterion needs thresholds", field="--satisfice")
    if outcome is None:
        outcome = ranked[0]
    elif outcome not in directions:
        raise InputError(f"unknown outcome {outcome!r}; outcomes: {', '.join(directions)}", field="--outcome")
    elif directions[outcome] == "info":
        raise InputError(f"outcome {outcome!r} is marked info: it has no direction to rank by", field="--outcome")
    return criterion, outcome


def _criteria_table(df: pd.DataFrame, directions: Mapping[str, str], ranked: list[str], thresholds: Any,
                    percentile: float, ptag: str, future: str, strategy: str) -> pd.DataFrame:
    """One row per strategy: every criterion for every ranked outcome (and satisficing)."""
    regrets = regret_table(df, directions, percentile=percentile, future=future, strategy=strategy)
    stats = statistics(df, {k: directions[k] for k in ranked}, percentiles=(50,), strategy=strategy)
    table = pd.DataFrame({"strategy": sorted(df[strategy].unique(), key=str)})
    if thresholds:
        sat = satisficing(df, thresholds, strategy=strategy)
        table["satisficing"] = table["strategy"].map(sat)
    for o in ranked:
        r = regrets[regrets["outcome"] == o].set_index("strategy")
        s = stats[stats["outcome"] == o].set_index("strategy")
        table[f"max_regret:{o}"] = table["strategy"].map(r["max_regret"])
        table[f"{ptag}:{o}"] = table["strategy"].map(r["percentile_regret"])
        table[f"mean_regret:{o}"] = table["strategy"].map(r["mean_regret"])
        table[f"worst:{o}"] = table["strategy"].map(s["worst"])
        table[f"mean:{o}"] = table["strategy"].map(s["mean"])
        table[f"median:{o}"] = table["strategy"].map(s["p50"])
    rel = regrets.groupby("strategy")["max_relative_regret"].mean()
    table["_rel"] = table["strategy"].map(rel).fillna(np.inf)
    return table


def _sort_strategies(table: pd.DataFrame, criterion: str, outcome: str, better_high: bool, thresholds: bool,
                     ptag: str) -> pd.DataFrame:
    """Sort by the criterion, then the documented tie-breakers; add rank and criterion columns."""
    col = {
        "satisficing": "satisficing",
        "max_regret": f"max_regret:{outcome}",
        "percentile_regret": f"{ptag}:{outcome}",
        "mean_regret": f"mean_regret:{outcome}",
        "worst": f"worst:{outcome}",
        "mean": f"mean:{outcome}",
        "median": f"median:{outcome}",
    }[criterion]
    ascending = {
        "satisficing": False,
        "max_regret": True,
        "percentile_regret": True,
        "mean_regret": True,
    }.get(criterion, not better_high)
    table["score"] = table[col]
    keys, asc = ["score"], [ascending]
    if thresholds and criterion != "satisficing":
        keys.append("satisficing")
        asc.append(False)
    if criterion != "max_regret":
        keys.append(f"max_regret:{outcome}")
        asc.append(True)
    keys += ["_rel", "strategy"]
    asc += [True, True]
    table["strategy"] = table["strategy"].astype(str)
    table = table.sort_values(keys, ascending=asc, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table.insert(2, "criterion", f"{criterion}" + ("" if criterion == "satisficing" else f":{outcome}"))
    return table
