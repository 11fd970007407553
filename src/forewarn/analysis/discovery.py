"""What scenario discovery is run on: the input table of a run's experiments, and the units
that make a box's sentence readable (used by ``forewarn discover``; usable from Python).

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"x": [0.1, 0.9, 0.5, 0.2], "strategy": ["a", "b", "a", "b"], "y": [1, 2, 3, 4]})
>>> X, members = discovery_inputs(df, ["x"])
>>> list(X.columns), members
(['x', 'strategy'], 'experiments')
>>> X, members = discovery_inputs(df[df["strategy"] == "a"], ["x"], strategy="a")
>>> list(X.columns), members
(['x'], 'futures')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..errors import InputError

__all__ = ["discovery_inputs", "pick_strategy", "readable_units"]

_HAS_LETTER = re.compile(r"[A-Za-z%]")


def pick_strategy(df: pd.DataFrame, strategy: str | None, *, source: Any = None) -> pd.DataFrame:
    """The rows of one strategy (all rows when ``strategy`` is ``None``), renumbered from 0.

    Raises
    ------
    InputError
        An unknown strategy; the message lists the run's strategies (field ``--strategy``).
    """
    if strategy is None:
        return df
    names = sorted(df["strategy"].astype(str).unique())
    if strategy not in names:
        raise InputError(f"unknown strategy {strategy!r}; the run has: {', '.join(names)}", source=source,
                         field="--strategy")
    return df[df["strategy"].astype(str) == strategy].reset_index(drop=True)


def discovery_inputs(
    df: pd.DataFrame, uncertainties: Iterable[str], strategy: str | None = None
) -> tuple[pd.DataFrame, str]:
    """The inputs PRIM or CART looks at, and what one row of them is.

    Parameters
    ----------
    df : DataFrame
        A run's experiments and outcomes (``Results.to_dataframe()``), already cut to one
        strategy when ``strategy`` is given.
    uncertainties : iterable of str
        The run's uncertainties.
    strategy : str, optional
        The strategy the rows belong to. Without one, rows of several strategies are pooled and
        the strategy becomes an input (categorical) of its own.

    Returns
    -------
    X : DataFrame
        One column per uncertainty (and ``strategy`` when pooled).
    members : str
        ``"futures"`` for one strategy's rows, ``"experiments"`` when pooled (each row is a
        future under one strategy), for the words of a box's description.
    """
    inputs = list(uncertainties)
    pooled = strategy is None and "strategy" in df and df["strategy"].nunique() > 1
    if pooled:
        inputs.append("strategy")
    X = df[inputs].copy()
    if pooled:
        X["strategy"] = X["strategy"].astype(str).astype(object)
    return X, "experiments" if pooled else "futures"


def readable_units(parameters: Iterable[Any]) -> dict[str, str]:
    """Units worth writing after a value in a box's sentence, by parameter name.

    Shares and fractions are kept (they are written as percentages), other units only when short
    enough for a sentence; a unit without a letter (``"-"``, ``"1"``) says nothing and is left out.

    Examples
    --------
    >>> from types import SimpleNamespace as P
    >>> readable_units([P(name="b", unit="-"), P(name="s", unit="share of the US gap"), P(name="y", unit="year")])
    {'s': 'share of the US gap', 'y': 'year'}
    """
    units: dict[str, str] = {}
    for p in parameters:
        unit = (getattr(p, "unit", None) or "").strip()
        if not unit or not _HAS_LETTER.search(unit):
            continue
        if unit.split(" ")[0] in ("share", "fraction") or len(unit) <= 16:
            units[p.name] = unit
    return units
