"""Look up rows of the shipped fact base (``forewarn/data/facts.csv``) by fact id.

A light view for the built-in case and its tests, read and validated by
:func:`forewarn.evidence.facts.read_facts_csv` (the full store lives in :mod:`forewarn.evidence`).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from ..evidence.facts import default_facts_path, read_facts_csv

__all__ = ["Fact", "facts", "fact", "fact_value", "fact_ids"]


class Fact(NamedTuple):
    """One row of the fact base."""

    id: str
    topic: str
    entity: str
    quantity: str
    value: float
    unit: str
    as_of: str
    source_url: str
    statement: str


@functools.cache
def facts() -> dict[str, Fact]:
    """Every fact of the shipped fact base, by id (read once per process)."""
    out: dict[str, Fact] = {}
    for row in read_facts_csv(default_facts_path()):
        out[row.id] = Fact(
            id=row.id,
            topic=row.topic,
            entity=row.entity,
            quantity=row.quantity,
            value=row.value,
            unit=row.unit,
            as_of=row.as_of or "",
            source_url=row.source_url,
            statement=row.statement,
        )
    return out


def fact_ids() -> frozenset[str]:
    """The ids of the shipped fact base."""
    return frozenset(facts())


def fact(fact_id: str) -> Fact:
    """The fact with this id.

    Raises
    ------
    KeyError
        Naming the id when the fact base has no such row.
    """
    try:
        return facts()[fact_id]
    except KeyError:
        raise KeyError(f"no fact {fact_id!r} in forewarn/data/facts.csv") from None


def fact_value(fact_id: str) -> float:
    """The number of the fact with this id."""
    return fact(fact_id).value
