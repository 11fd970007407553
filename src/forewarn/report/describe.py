"""Plain-language descriptions of boxes found by scenario discovery.

A box becomes one sentence a reader can check against the table::

    US withdrawal year <= 2028 and European backfill < 45%: this box holds 81% of the failures,
    and 88% of the futures in it fail.

Names come from the data's columns, or from ``labels``; ``units`` adds a unit after each value
(a unit that starts with ``share`` or ``fraction``, such as ``"share of the US gap"``, is
written as a percentage).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["describe_box", "describe_restriction", "format_value"]

_PERCENT_UNITS = {"share", "fraction", "%"}


def format_value(value: Any, unit: str | None = None, *, integer: bool = False) -> str:
    """A number as a reader expects it: 3 significant digits, integers whole, shares in %."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if unit == "%":
        return f"{value:.3g}%"
    if unit is not None and unit.split(" ")[0] in _PERCENT_UNITS:  # "share", "share of the US gap"
        return f"{value * 100:.3g}%"
    if integer or float(value).is_integer() and abs(value) >= 1:
        text = f"{int(round(value))}"
    elif abs(value) >= 1000:
        # 3 significant digits, written out: 12,904.3 -> 12,900
        digits = int(math.floor(math.log10(abs(value)))) - 2
        text = f"{round(value, -digits):,.0f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}" if unit else text


def describe_restriction(
    r: Any, labels: Mapping[str, str] | None = None, units: Mapping[str, str] | None = None
) -> str:
    """One restriction as words: ``x < 0.4``, ``year between 2027 and 2030``, ``mode is a or b``.

    Real limits are strict (``<``): PRIM puts them between two observed values, so no case lies
    on them. Integer limits are observed values and inclusive (``<=``).
    """
    label = (labels or {}).get(r.name, r.name)
    unit = (units or {}).get(r.name)
    if r.kind == "categorical":
        cats = [str(c).lower() if isinstance(c, bool) else str(c) for c in r.categories]
        if len(cats) == 1:
            return f"{label} is {cats[0]}"
        return f"{label} is {', '.join(cats[:-1])} or {cats[-1]}"
    integer = r.kind == "integer"
    lo = None if r.low is None else format_value(r.low, unit, integer=integer)
    hi = None if r.high is None else format_value(r.high, unit, integer=integer)
    if lo is not None and hi is not None:
        return f"{label} between {lo} and {hi}"
    if hi is not None:
        return f"{label} {'<=' if integer else '<'} {hi}"
    return f"{label} {'>=' if integer else '>'} {lo}"


def describe_box(
    box: Any,
    labels: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    *,
    cases: str = "cases of interest",
    members: str = "futures",
    verb: str = "are cases of interest",
) -> str:
    """One sentence: the restrictions, then coverage and density in words.

    Parameters
    ----------
    box : Box
        A box from :class:`~forewarn.analysis.prim.Prim` or :class:`~forewarn.analysis.cart.Cart`
        (any object with ``restrictions``, ``coverage`` and ``density``).
    labels, units : mapping, optional
        Readable names and units per input.
    cases : str
        What the cases of interest are called ("failures").
    members : str
        What the rows are called ("futures").
    verb : str
        What the cases of interest do ("fail").

    Examples
    --------
    >>> from forewarn.analysis.prim import Box, Restriction
    >>> box = Box((Restriction("us_year", "integer", high=2028),
    ...            Restriction("backfill", "real", high=0.45)), 0.81, 0.88, 0.2, 200, 176)
    >>> text = describe_box(box, {"us_year": "US withdrawal year", "backfill": "European backfill"},
    ...                     {"backfill": "share"}, cases="failures", verb="fail")
    >>> text.split(": ")[0]
    'US withdrawal year <= 2028 and European backfill < 45%'
    >>> text.split(": ")[1]
    'this box holds 81% of the failures, and 88% of the futures in it fail.'
    """
    if not box.restrictions:
        where = f"All {members} (no restriction)"
    else:
        parts = [describe_restriction(r, labels, units) for r in box.restrictions]
        where = " and ".join(parts)
    return (
        f"{where}: this box holds {box.coverage:.0%} of the {cases}, "
        f"and {box.density:.0%} of the {members} in it {verb}."
    )
