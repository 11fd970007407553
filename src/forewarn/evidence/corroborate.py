"""Force claims checked against the fact base: corroborated, conflicting, or new.

A claim is compared with the facts about the **same actor and place**, of the **same kind of
quantity**, in the **same unit family** and at the **same time**:

- *actor and place*: a fact's entity (without text in brackets) names the claim's place, and
  either the claim's actor is the place's own (the actor is the place, or the claim is about a
  whole mission, actor ``NATO``) and the entity is exactly the place, or the entity also names
  the actor (``KFOR/Austria`` for Austria in KFOR, ``US forces in Germany`` for the United States
  in Germany; ``US``/``U.S.`` stand for the United States, ``UK`` for the United Kingdom);
- *kind*: planned sizes (fact quantities starting ``planned``, or with ``target``, ``cap``,
  ``floor``) meet ``planned`` claims; changes (``reduction``, ``cut``, ``withdraw``,
  ``reinforcement``, ``increase``) meet ``reduction`` and ``reinforcement`` claims; every other
  fact is a level and meets ``strength``, ``historical``, ``budget`` and ``procurement`` claims;
- *unit*: troops, soldiers, personnel, persons and staff count as one family; other units
  must be equal (case-insensitive);
- *time*: the claim's ``as_of`` (else its article's publication date) and the fact's ``as_of``
  agree at the coarser of their granularities, but never finer than the month (a figure of
  2025-03-04 and one of 2025-03 meet; 2025 and 2025-11 meet). Claims or facts without a date
  are not compared.

Among the facts that meet a claim, the claim **corroborates** when one value is within the
tolerance: ``|claim - fact| <= TOLERANCE * max(|claim|, |fact|)``, with :data:`TOLERANCE` = 10 %
and :data:`APPROX_TOLERANCE` = 20 % for approximate claims ("about 4,500"); a range claim
corroborates a fact inside the range widened by the tolerance. Otherwise it **conflicts**.
With no fact to meet, it is **new**.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd

__all__ = [
    "TOLERANCE",
    "APPROX_TOLERANCE",
    "STATUSES",
    "Check",
    "check_claim",
    "check_claims",
    "prepare_facts",
    "facts_about",
    "FactIndex",
    "write_checks",
    "recheck_all",
]

#: Relative tolerance for an exact claim.
TOLERANCE = 0.10
#: Relative tolerance for a claim the text gives as approximate.
APPROX_TOLERANCE = 0.20
#: The outcomes, in the order they are listed.
STATUSES = ("conflicts", "new", "corroborates")

_PEOPLE = {"troops", "soldiers", "personnel", "persons", "staff", "service members", "peacekeepers", "members"}
_ALIASES = {"united states": ("united states", "us", "u.s.", "usa", "american"), "united kingdom": ("united kingdom", "uk", "british")}
_WHOLE = {"nato"}
_PLANNED = re.compile(r"^planned|target|cap\b|floor")
_CHANGE = re.compile(r"reduction|cut|withdraw|reinforcement|increase")
_CLAIM_CLASS = {"planned": "planned", "reduction": "change", "reinforcement": "change"}


@dataclass(frozen=True)
class Check:
    """The outcome for one claim (``fact_ids``: the facts that met it, nearest value first)."""

    status: str
    fact_ids: tuple[str, ...] = ()
    fact_value: float | None = None
    tolerance: float | None = None


def _words(text: str) -> str:
    return " " + re.sub(r"[^\w.]+", " ", re.sub(r"\([^)]*\)", " ", text.lower())).strip() + " "


def _names(entity_words: str, name: str) -> bool:
    n = name.lower().strip()
    return any(f" {a} " in entity_words for a in _ALIASES.get(n, (n,)))


def _unit_family(unit: Any) -> str:
    u = str(unit or "").strip().lower()
    return "people" if u in _PEOPLE else u


def _fact_class(base_quantity: str) -> str:
    q = str(base_quantity).lower()
    if _PLANNED.search(q):
        return "planned"
    if _CHANGE.search(q):
        return "change"
    return "level"


def _same_time(a: str, b: str) -> bool:
    n = min(len(a), len(b), 7)
    return a[:n] == b[:n]


def _blank(x: Any) -> bool:
    return x is None or (isinstance(x, float) and x != x) or (isinstance(x, str) and not x.strip())


def prepare_facts(facts: pd.DataFrame) -> list[dict[str, Any]]:
    """The dated facts as dicts with what comparisons need computed once (for many claims)."""
    out = []
    for f in facts.to_dict("records"):
        if _blank(f.get("as_of")) or _blank(f.get("value")):
            continue
        f["_ent"] = _words(str(f["entity"]))
        f["_unit"] = _unit_family(f.get("unit"))
        f["_class"] = _fact_class(f["base_quantity"])
        out.append(f)
    return out


def _meets(claim: Mapping[str, Any], fact: Mapping[str, Any], when: str) -> bool:
    actor, place = str(claim.get("actor") or ""), str(claim.get("mission_or_location") or "")
    ent = fact["_ent"]
    if not place or not _names(ent, place):
        return False
    whole = actor.lower() in _WHOLE or actor.lower() == place.lower() or not actor
    if whole:
        if ent.strip() != _words(place).strip():
            return False
    elif not _names(ent, actor):
        return False
    if _unit_family(claim.get("unit")) != fact["_unit"]:
        return False
    if _CLAIM_CLASS.get(str(claim.get("kind")), "level") != fact["_class"]:
        return False
    return _same_time(when, str(fact["as_of"]))


def facts_about(prepared: list[dict[str, Any]], place: str) -> list[dict[str, Any]]:
    """The prepared facts whose entity names ``place`` (the first test of every comparison)."""
    return [f for f in prepared if place and _names(f["_ent"], place)]


def check_claim(claim: Mapping[str, Any], facts: pd.DataFrame | list, *, pub_date: str | None = None) -> Check:
    """Compare one force claim with the fact base.

    Parameters
    ----------
    claim : mapping
        ``actor``, ``mission_or_location``, ``value``, ``value_max``, ``unit``, ``as_of``,
        ``approx``, ``kind`` (as the extractor gives them).
    facts : DataFrame or list
        Facts as :meth:`EvidenceStore.facts` returns them, or :func:`prepare_facts` of them.
    pub_date : str, optional
        The article's publication date, used when the claim has no ``as_of``.

    Returns
    -------
    Check

    Examples
    --------
    >>> facts = pd.DataFrame([{"id": "F0001", "entity": "KFOR", "base_quantity": "total_strength",
    ...                        "value": 4500.0, "unit": "troops", "as_of": "2024-06"}])
    >>> claim = {"actor": "NATO", "mission_or_location": "KFOR", "value": 4600, "unit": "soldiers",
    ...          "as_of": "2024", "approx": True, "kind": "strength"}
    >>> check_claim(claim, facts).status
    'corroborates'
    """
    prepared = prepare_facts(facts) if isinstance(facts, pd.DataFrame) else facts
    when = claim.get("as_of")
    when = pub_date if _blank(when) else when
    value = claim.get("value")
    if _blank(when) or _blank(value):
        return Check("new")
    when = str(when)
    met = [f for f in prepared if _meets(claim, f, when)]
    if not met:
        return Check("new")
    tol = APPROX_TOLERANCE if claim.get("approx") is True or claim.get("approx") == 1 else TOLERANCE
    low = float(value)
    high = low if _blank(claim.get("value_max")) else float(claim["value_max"])

    def distance(f: Mapping[str, Any]) -> float:
        v = float(f["value"])
        return 0.0 if low <= v <= high else min(abs(v - low), abs(v - high))

    met.sort(key=lambda f: (distance(f), str(f["id"])))
    best = met[0]
    v = float(best["value"])
    near = low if abs(v - low) <= abs(v - high) else high
    ok = distance(best) <= tol * max(abs(near), abs(v))
    return Check("corroborates" if ok else "conflicts", tuple(str(f["id"]) for f in met), v, tol)


def check_claims(claims: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """:func:`check_claim` for every row of ``claims`` (needs ``id`` and ``pub_date`` too).

    Returns
    -------
    DataFrame
        Columns ``claim_id, status, fact_ids, fact_value, tolerance`` (``fact_ids`` comma-joined).
    """
    rows = []
    prepared = prepare_facts(facts)
    by_place: dict[str, list] = {}
    for c in claims.to_dict("records"):
        place = str(c.get("mission_or_location") or "")
        if place not in by_place:
            by_place[place] = facts_about(prepared, place)
        chk = check_claim(c, by_place[place], pub_date=c.get("pub_date"))
        rows.append({"claim_id": int(c["id"]), "status": chk.status, "fact_ids": ",".join(chk.fact_ids) or None,
                     "fact_value": chk.fact_value, "tolerance": chk.tolerance})
    return pd.DataFrame(rows, columns=["claim_id", "status", "fact_ids", "fact_value", "tolerance"])


class FactIndex:
    """The store's facts, prepared once and grouped by the place claims name (for many claims).

    Parameters
    ----------
    conn : sqlalchemy.engine.Connection
        A connection to the evidence store.
    """

    def __init__(self, conn) -> None:
        from sqlalchemy import select

        from . import schema as S

        f = S.facts
        result = conn.execute(select(f.c.id, f.c.entity, f.c.base_quantity, f.c.value, f.c.unit, f.c.as_of))
        self._all = prepare_facts(pd.DataFrame([tuple(r) for r in result.all()], columns=list(result.keys())))
        self._by_place: dict[str, list[dict[str, Any]]] = {}

    def about(self, place: Any) -> list[dict[str, Any]]:
        """The facts whose entity names ``place`` (empty for a blank place)."""
        if _blank(place):
            return []
        place = str(place)
        if place not in self._by_place:
            self._by_place[place] = facts_about(self._all, place)
        return self._by_place[place]


def write_checks(conn, claims: pd.DataFrame, index: FactIndex, now: str) -> None:
    """Check ``claims`` (rows of ``force_claims`` with their document's ``pub_date``) and store
    the outcomes in ``claim_checks``, replacing earlier ones, on ``conn`` (the caller's transaction)."""
    from . import schema as S

    rows = []
    for c in claims.to_dict("records"):
        chk = check_claim(c, index.about(c.get("mission_or_location")), pub_date=c.get("pub_date"))
        rows.append({"claim_id": int(c["id"]), "status": chk.status, "fact_ids": ",".join(chk.fact_ids) or None,
                     "fact_value": chk.fact_value, "tolerance": chk.tolerance, "checked_at": now})
    ids = [r["claim_id"] for r in rows]
    for i in range(0, len(ids), 500):  # IN lists well under every backend's parameter limit
        conn.execute(S.claim_checks.delete().where(S.claim_checks.c.claim_id.in_(ids[i : i + 500])))
    if rows:
        conn.execute(S.claim_checks.insert(), rows)


def recheck_all(conn, now: str) -> dict[str, int]:
    """Check every stored force claim again on ``conn``; the number of claims per outcome."""
    from sqlalchemy import func, select

    from . import schema as S

    c, d = S.force_claims, S.documents
    result = conn.execute(select(*c.c, d.c.pub_date).select_from(c.join(d, c.c.document_id == d.c.id)))
    claims = pd.DataFrame([tuple(r) for r in result.all()], columns=list(result.keys()))
    if not claims.empty:
        write_checks(conn, claims, FactIndex(conn), now)
    found = conn.execute(select(S.claim_checks.c.status, func.count()).group_by(S.claim_checks.c.status)).all()
    return {str(k): int(n) for k, n in found}
