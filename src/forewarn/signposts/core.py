"""Signposts: named, testable statements about the world, matched against the evidence store.

A signpost is declared in a case file's ``[[signposts]]`` tables (format in
``docs/signposts.md``). It says what evidence would show it has happened (``[signposts.evidence]``:
an actor, a place, kinds of force claim, a numeric threshold, key phrases, a start date) and what
that would tell about the case's uncertainties (``[signposts.narrows]``: e.g. the US withdrawal
year is at most three years after the announcement).

:func:`match_signposts` matches signposts against the force claims, quotes, events and
statements of intent (:mod:`forewarn.monitor.intents`) that the news monitor extracted; a fired
signpost's evidence gives the level (intent < decision < under way), the stated size and the
timing, which its narrowings may use; :func:`narrow` keeps the futures (whole futures, every strategy of each) that
are consistent with every fired signpost; :func:`narrowing_summary` says how many futures remain
and which constraint removed how many.

Examples
--------
>>> import pandas as pd
>>> signposts = parse_signposts([{
...     "name": "us_kfor_below_500",
...     "evidence": {"actor": "US", "place": "KFOR", "kinds": ["strength"],
...                  "threshold": {"unit": "troops", "op": "<", "value": 500}},
...     "narrows": {"uncertainty": "us_withdrawal_year", "op": "<=", "offset_years": 2},
... }])
>>> claims = pd.DataFrame({
...     "document_id": [1], "actor": ["United States"], "mission_or_location": ["KFOR"],
...     "value": [450.0], "value_max": [None], "unit": ["troops"], "as_of": ["2026-05"],
...     "kind": ["strength"], "sentence": ["The US now has about 450 soldiers in KFOR."]})
>>> [status] = match_signposts(signposts, {"force_claims": claims})
>>> status.fired, status.first_seen, str(status.constraints[0])
(True, '2026-05', 'us_withdrawal_year <= 2028')
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ..dates import PartialDate
from ..errors import CaseError, ForewarnError

__all__ = [
    "CLAIM_KINDS",
    "Threshold",
    "EvidenceSpec",
    "Narrowing",
    "Signpost",
    "Constraint",
    "SignpostStatus",
    "NarrowingSummary",
    "NoFutureLeftError",
    "parse_signposts",
    "check_against_case",
    "match_signposts",
    "evaluate",
    "IntentSpec",
    "LEVELS",
    "narrow",
    "narrowing_summary",
    "canonical_actor",
    "statuses_frame",
    "evidence_frame",
]

#: The kinds of force claim (see the annotation rules of the dev articles).
CLAIM_KINDS = ("strength", "planned", "reduction", "reinforcement", "historical", "procurement", "budget")


_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _alias_key(name: str) -> str:
    # "U.S." and "US", "united states" and "United  States" are one actor.
    return re.sub(r"\s+", " ", name.replace(".", "")).strip().casefold()


class _Aliases:
    """Actor names of a gazetteer (:meth:`~forewarn.monitor.gazetteer.Gazetteer.actor_aliases`)."""

    def __init__(self, gazetteer: Any) -> None:
        self.aliases: dict[str, tuple[str, ...]] = gazetteer.actor_aliases()
        self.index = {_alias_key(a): canon for canon, names in self.aliases.items() for a in names}

    def canonical(self, name: Any) -> str | None:
        if name is None or (isinstance(name, float) and math.isnan(name)):
            return None
        text = str(name).strip()
        if not text:
            return None
        return self.index.get(_alias_key(text), re.sub(r"\s+", " ", text))

    def mention_regex(self, actor: str) -> str:
        """A regex that finds a mention of ``actor`` (any of its names) in a sentence.

        Names are matched with their case (news capitalises them), so the pronoun "us" is not
        the United States.
        """
        canon = self.canonical(actor) or actor
        names = sorted(set(self.aliases.get(canon, (actor,))) | {actor}, key=len, reverse=True)
        body = "|".join(r"\s+".join(re.escape(w) for w in a.split()) for a in names)
        return r"(?<!\w)(?:" + body + r")(?!\w)"


@functools.lru_cache(maxsize=8)
def _aliases(gazetteer: Any = None) -> _Aliases:
    from ..monitor.gazetteer import WORLD

    return _Aliases(WORLD if gazetteer is None else gazetteer)


def canonical_actor(name: Any, gazetteer: Any = None) -> str | None:
    """The canonical name of an actor (``"U.S."`` -> ``"United States"``); ``None`` for no name.

    Names are looked up in the gazetteer's actor names (default: the monitor's general
    :data:`~forewarn.monitor.gazetteer.WORLD`; a case's gazetteer adds e.g. its missions); names
    it does not know are returned with normalised spaces, case kept.
    """
    return _aliases(gazetteer).canonical(name)


def _phrase_regex(phrases: Sequence[str]) -> str:
    """One case-insensitive regex for key phrases, on word boundaries; a trailing ``*`` matches
    any word ending (``withdraw*`` finds withdraw, withdrawal, withdrawing)."""
    parts = []
    for phrase in phrases:
        stem = phrase.strip()
        tail = ""
        if stem.endswith("*"):
            stem, tail = stem[:-1].rstrip(), r"\w*"
        parts.append(r"\s+".join(re.escape(w) for w in stem.split()) + tail)
    return r"(?i)(?<!\w)(?:" + "|".join(parts) + r")(?!\w)"


# -- the declaration -------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Frozen):
    """A numeric test on a force claim's value: ``value <op> threshold`` in ``unit``.

    A range claim (``value`` to ``value_max``) passes only when the whole range does.
    """

    unit: str | None = None
    op: Literal["<", "<=", ">", ">=", "=="]
    value: float

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"the threshold must be a finite number, got {value}")
        return value

    def __str__(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.op} {self.value:g}{unit}"


#: Levels of a statement of intent, weakest first (see :mod:`forewarn.monitor.intents`).
LEVELS = ("intent", "decision", "under_way")


class IntentSpec(_Frozen):
    """Which statements of intent show the signpost: actions, the weakest level that counts, and
    whether a stated size is required (``sized``; the evidence's threshold then tests it)."""

    actions: tuple[Literal["reduce", "reinforce"], ...] = ("reduce",)
    level: Literal["intent", "decision", "under_way"] = "intent"
    sized: bool = False

    @field_validator("actions", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("actions")
    @classmethod
    def _some(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("actions cannot be an empty list")
        return value


class EvidenceSpec(_Frozen):
    """What evidence shows that a signpost has happened. Every given criterion must hold.

    ``intent`` (optional) lets statements of intent, decision or execution fire the signpost too:
    a statement counts when its action and level fit, its actor is ``actor``, ``place`` matches
    its sentence, and (when it states a size in the threshold's unit) the size passes
    ``threshold``.
    """

    actor: str | None = None
    place: str | None = None
    kinds: tuple[str, ...] | None = None
    phrases: tuple[str, ...] | None = None
    threshold: Threshold | None = None
    since: _dt.date | None = None
    intent: IntentSpec | None = None

    @field_validator("actor")
    @classmethod
    def _actor(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("actor cannot be empty")
        return value

    @field_validator("place")
    @classmethod
    def _place(cls, value: str | None) -> str | None:
        if value is not None:
            if not value.strip():
                raise ValueError("place cannot be empty")
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"place {value!r} is not a valid regular expression: {exc}") from None
        return value

    @field_validator("kinds", "phrases", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        # `kinds = "reduction"` is a common slip for a one-item list.
        return [value] if isinstance(value, str) else value

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None:
            if not value:
                raise ValueError("kinds cannot be an empty list")
            for kind in value:
                if kind not in CLAIM_KINDS:
                    raise ValueError(f"unknown force-claim kind {kind!r} (kinds: {', '.join(CLAIM_KINDS)})")
        return value

    @field_validator("phrases")
    @classmethod
    def _phrases(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None:
            if not value:
                raise ValueError("phrases cannot be an empty list")
            for phrase in value:
                if not phrase.strip().rstrip("*").strip():
                    raise ValueError("a phrase cannot be empty")
        return value

    @model_validator(mode="after")
    def _something(self) -> EvidenceSpec:
        if not any((self.actor, self.place, self.kinds, self.phrases, self.threshold, self.intent)):
            raise ValueError("give at least one of actor, place, kinds, phrases, threshold, intent")
        return self

    @property
    def claims_only(self) -> bool:
        """True when only force claims (and statements of intent) can match (a place, kinds or a threshold is given)."""
        return bool(self.place or self.kinds or self.threshold)


class Narrowing(_Frozen):
    """What a fired signpost says about one uncertainty.

    The bound is one of: ``value`` (a list for ``in``); ``offset_years``, relative to the year
    the signpost was first seen (``op = "<="``, ``offset_years = 3``: at most three years after
    the first report); ``timing = true``, the end of the period the evidence states ("by next
    spring" in 2026 -> the end of March 2027, 2027.25; "by 2028" -> 2029.0), as a fractional year; ``share_of = N``, the stated size as a share of N (300 of 600 -> 0.5; "all" -> 1).
    ``level`` applies the narrowing only when some evidence is at that level or above
    (``decision``: an announced decision, not a wish).
    """

    uncertainty: str
    op: Literal["<", "<=", ">", ">=", "==", "in"]
    value: Any = None
    offset_years: int | None = None
    timing: bool = False
    share_of: float | None = None
    level: Literal["intent", "decision", "under_way"] | None = None

    @field_validator("share_of")
    @classmethod
    def _positive(cls, value: float | None) -> float | None:
        if value is not None and not (math.isfinite(value) and value > 0):
            raise ValueError(f"share_of must be a positive number, got {value}")
        return value

    @property
    def from_evidence(self) -> bool:
        """True when the bound comes from the evidence (offset_years, timing or share_of)."""
        return self.offset_years is not None or self.timing or self.share_of is not None

    @model_validator(mode="after")
    def _one_bound(self) -> Narrowing:
        given = [self.value is not None, self.offset_years is not None, self.timing, self.share_of is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of value, offset_years, timing and share_of")
        if self.op == "in":
            if self.from_evidence:
                raise ValueError("op 'in' takes a list `value`, not a bound from the evidence")
            if not isinstance(self.value, (list, tuple)) or not self.value:
                raise ValueError(f"op 'in' needs a non-empty list `value`, got {self.value!r}")
            object.__setattr__(self, "value", tuple(self.value))
        elif isinstance(self.value, (list, tuple, dict)):
            raise ValueError(f"op {self.op!r} needs a single value, got {self.value!r}")
        if self.op in ("<", "<=", ">", ">=") and self.value is not None:
            if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
                raise ValueError(f"op {self.op!r} needs a number, got {self.value!r}")
        return self


class Signpost(_Frozen):
    """A named statement about the world, the evidence that shows it, and what it narrows."""

    name: str
    description: str = ""
    evidence: EvidenceSpec
    narrows: tuple[Narrowing, ...] = ()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME_RE.match(value):
            raise ValueError(f"name {value!r} must be an identifier (letters, digits, underscores)")
        return value

    @field_validator("narrows", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        # `[signposts.narrows]` (one table) or `[[signposts.narrows]]` (several).
        return [value] if isinstance(value, Mapping) else value


def parse_signposts(case_or_list: Any, *, source: str | Path | None = None) -> list[Signpost]:
    """Validate signpost declarations.

    Parameters
    ----------
    case_or_list : Case, mapping or sequence
        A :class:`~forewarn.engine.space.Case` (its ``signposts``; constraints are then checked against
        its uncertainties), a mapping with a ``signposts`` key (a parsed TOML file), or a
        sequence of signpost tables (dicts) or :class:`Signpost` objects.
    source : str or Path, optional
        The file named in errors (default: the case's path).

    Returns
    -------
    list of Signpost
        In declaration order.

    Raises
    ------
    CaseError
        Naming the file (and line, when the case file can be read), the signpost and the field,
        e.g. ``case.toml:88: signposts.us_drawdown.narrows.op: ...``.
    """
    case = case_or_list if hasattr(case_or_list, "uncertainties") else None
    if case is not None:
        items = list(getattr(case_or_list, "signposts", ()) or ())
        source = source if source is not None else getattr(case_or_list, "path", None)
    elif isinstance(case_or_list, Mapping):
        items = list(case_or_list.get("signposts", ()) or ())
    elif isinstance(case_or_list, Sequence) and not isinstance(case_or_list, (str, bytes)):
        items = list(case_or_list)
    else:
        raise CaseError(f"signposts must be a list of tables, got {type(case_or_list).__name__}", source=source)
    out: list[Signpost] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if isinstance(item, Signpost):
            sp = item
        elif not isinstance(item, Mapping):
            raise CaseError(f"a signpost must be a table, got {type(item).__name__}", source=source,
                            field=f"signposts[{i}]")
        else:
            try:
                sp = Signpost.model_validate(dict(item))
            except ValidationError as exc:
                raise _signpost_error(exc, item, i, source) from None
        if sp.name in seen:
            raise CaseError(f"signpost name {sp.name!r} is used twice", source=source,
                            line=_line(source, ("signposts", i, "name")), field=f"signposts.{sp.name}.name")
        seen.add(sp.name)
        out.append(sp)
    if case is not None:
        check_against_case(out, case)
    return out


def _line(source: Any, loc: tuple[Any, ...]) -> int | None:
    # Best effort: the case file's line, found by the case loader's own header scanner.
    if source is None:
        return None
    try:
        from ..engine.space import find_line

        return find_line(Path(source).read_text(encoding="utf-8"), loc)
    except Exception:  # a missing file or a changed helper only costs the line number
        return None


def _signpost_error(exc: ValidationError, item: Mapping[str, Any], index: int, source: Any) -> CaseError:
    err = exc.errors()[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p[:1].isupper()))
    # Pydantic appends type names to locations of union members; keep the keys of the data.
    node: Any = item
    kept: list[Any] = []
    for part in loc:
        if isinstance(node, Mapping) and isinstance(part, int):
            continue  # a single table given where a list is accepted: its index is not in the data
        if isinstance(node, Mapping) and part in node:
            kept.append(part)
            node = node[part]
        elif isinstance(node, (list, tuple)) and isinstance(part, int) and 0 <= part < len(node):
            kept.append(part)
            node = node[part]
        elif err["type"] in ("missing", "extra_forbidden") and part == loc[-1]:
            kept.append(part)
            break
        else:
            break
    ctx = err.get("ctx") or {}
    if err["type"] == "extra_forbidden":
        message = f"unknown key {kept[-1]!r}" if kept else "unknown key"
    elif err["type"] == "missing":
        message = f"required key {kept[-1]!r} is missing" if kept else "a required key is missing"
    elif isinstance(ctx.get("error"), Exception):
        message = str(ctx["error"])
    else:
        message = f"{err['msg'][0].lower()}{err['msg'][1:]} (got {err.get('input')!r})"
    name = item.get("name")
    label = name if isinstance(name, str) and _NAME_RE.match(name) else f"[{index}]"
    fld = "signposts" + ("." if not label.startswith("[") else "") + label
    fld += "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in kept)
    if not isinstance(name, str) or kept == ["name"]:
        message = f"signpost #{index + 1}: {message}"
    return CaseError(message, source=source, line=_line(source, ("signposts", index, *kept)), field=fld)


def check_against_case(signposts: Sequence[Signpost], case: Any) -> None:
    """Check that every constraint names an uncertainty of ``case`` with a value it can take.

    Raises
    ------
    CaseError
        Naming the signpost, e.g. ``signposts.x.narrows.uncertainty: no uncertainty named ...``.
    """
    params = {p.name: p for p in getattr(case, "uncertainties", ())}
    levers = {p.name for p in getattr(case, "levers", ())}
    source = getattr(case, "path", None)
    for i, sp in enumerate(signposts):
        for j, nw in enumerate(sp.narrows):
            base = ("signposts", i, "narrows") + ((j,) if len(sp.narrows) > 1 else ())
            where = f"signposts.{sp.name}.narrows" + (f"[{j}]" if len(sp.narrows) > 1 else "")
            p = params.get(nw.uncertainty)
            if p is None:
                hint = " (it is a lever: signposts narrow uncertainties)" if nw.uncertainty in levers else ""
                known = ", ".join(params) or "none"
                raise CaseError(
                    f"signpost {sp.name!r} narrows {nw.uncertainty!r}, which is not an uncertainty of the case"
                    f"{hint} (uncertainties: {known})",
                    source=source, line=_line(source, base + ("uncertainty",)),
                    field=f"{where}.uncertainty",
                )
            kind = getattr(p, "kind", None)
            if nw.from_evidence and kind not in ("real", "integer"):
                key = "offset_years" if nw.offset_years is not None else ("timing" if nw.timing else "share_of")
                raise CaseError(
                    f"signpost {sp.name!r}: {key} needs a real or integer uncertainty, "
                    f"{nw.uncertainty!r} is {kind}",
                    source=source, line=_line(source, base + (key,)),
                    field=f"{where}.{key}",
                )
            if nw.op in ("<", "<=", ">", ">=") and kind not in ("real", "integer"):
                raise CaseError(
                    f"signpost {sp.name!r}: op {nw.op!r} needs a real or integer uncertainty, {nw.uncertainty!r} is {kind}",
                    source=source, line=_line(source, base + ("op",)),
                    field=f"{where}.op",
                )
            if kind in ("categorical", "boolean") and nw.value is not None:
                values = nw.value if nw.op == "in" else (nw.value,)
                for v in values:
                    problem = p.check_value(v) if hasattr(p, "check_value") else None
                    if problem:
                        raise CaseError(f"signpost {sp.name!r}: value {problem}", source=source,
                                        line=_line(source, base + ("value",)), field=f"{where}.value")


# -- evaluation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Constraint:
    """A narrowing resolved to a concrete bound: ``uncertainty op value``."""

    signpost: str
    uncertainty: str
    op: str
    value: Any

    def __str__(self) -> str:
        if self.op == "in":
            return f"{self.uncertainty} in {{{', '.join(_fmt(v) for v in self.value)}}}"
        return f"{self.uncertainty} {self.op} {_fmt(self.value)}"

    def holds(self, values: Any) -> np.ndarray:
        """Boolean mask: which of ``values`` (an array or Series) satisfy the constraint."""
        arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
        if self.op == "in":
            return pd.Series(arr).isin(list(self.value)).to_numpy(dtype=bool)
        return np.asarray(_OPS[self.op](arr, self.value), dtype=bool)

    def to_dict(self) -> dict[str, Any]:
        value = list(self.value) if self.op == "in" else self.value
        return {"signpost": self.signpost, "uncertainty": self.uncertainty, "op": self.op, "value": value,
                "text": str(self)}


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class SignpostStatus:
    """Whether a signpost fired, when it was first seen, on what evidence, and what it narrows.

    ``first_seen`` is the publication date of the earliest matching evidence (its own date when
    the document is undated), ISO text at its own granularity (``2025``, ``2025-03`` or
    ``2025-03-04``); ``None`` when the signpost did not fire or its evidence is undated.
    ``level`` is the most advanced level of the statements of intent among the evidence
    (``intent`` < ``decision`` < ``under_way``; None when no statement matched), ``size`` and
    ``timing`` what the evidence used for the narrowing states. ``constraints`` are resolved
    bounds (empty when not fired); ``unresolved`` names narrowings that could not be resolved
    (``offset_years`` with undated evidence, ``timing`` or ``share_of`` when no evidence states
    them, a ``level`` no evidence reaches).
    """

    name: str
    description: str
    fired: bool
    first_seen: str | None
    evidence: tuple[dict[str, Any], ...]
    constraints: tuple[Constraint, ...] = ()
    unresolved: tuple[str, ...] = ()
    narrows: tuple[Narrowing, ...] = field(default=(), repr=False)
    level: str | None = None

    @property
    def first_seen_date(self) -> _dt.date | None:
        """``first_seen`` as a date (the first day of its month or year)."""
        return _to_date(self.first_seen)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (what ``forewarn watch --json`` prints)."""
        return {
            "name": self.name,
            "description": self.description,
            "fired": self.fired,
            "first_seen": self.first_seen,
            "level": self.level,
            "constraints": [c.to_dict() for c in self.constraints],
            "unresolved": list(self.unresolved),
            "narrows": [n.model_dump(mode="json", exclude_none=True) for n in self.narrows],
            "evidence": [dict(e) for e in self.evidence],
        }


def _iso(value: Any) -> str | None:
    """ISO text of a date at its own granularity; ``None`` for missing or unparseable values."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, (_dt.datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    match = _DATE_RE.match(str(value).strip())
    if not match:
        return None
    try:
        return PartialDate.parse(match.group(0)).iso()
    except ValueError:
        return None


def _to_date(iso: str | None) -> _dt.date | None:
    return PartialDate.parse(iso).first_day() if iso else None


def _table(evidence: Any, name: str) -> pd.DataFrame:
    if isinstance(evidence, Mapping):
        got = evidence.get(name)
    else:
        got = getattr(evidence, name, None)
    if callable(got):
        got = got()
    if got is None:
        return pd.DataFrame()
    if not isinstance(got, pd.DataFrame):
        got = pd.DataFrame(got)
    return got.reset_index(drop=True)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def _text(df: pd.DataFrame, name: str) -> pd.Series:
    return _col(df, name).astype(object).where(_col(df, name).notna(), "").astype(str)


def _numeric(df: pd.DataFrame, name: str) -> np.ndarray:
    return pd.to_numeric(_col(df, name), errors="coerce").to_numpy(dtype=float)


def _dates(primary: pd.Series, fallback: pd.Series) -> pd.Series:
    """ISO dates: ``primary`` where known, else ``fallback`` (the document's pub_date)."""
    first = primary.map(_iso)
    return first.where(first.notna(), fallback.map(_iso)).astype(object)


class _Evidence:
    """The evidence tables, prepared once for every signpost."""

    def __init__(self, evidence: Any, gazetteer: Any = None) -> None:
        self.aliases = _aliases(gazetteer)
        docs = _table(evidence, "documents")
        self.docs: dict[Any, dict[str, Any]] = {}
        if "id" in docs.columns:
            for row in docs.to_dict("records"):
                self.docs[_key(row.get("id"))] = row
        pub = {k: v.get("pub_date") for k, v in self.docs.items()}
        tables = {name: _table(evidence, name) for name in ("force_claims", "quotes", "events")}
        # Items a user rejected are set aside, and with them the statements of their sentences.
        rejected = _rejected_sentences(evidence) | _rejected_rows(tables.values())
        tables = {name: _kept(df) for name, df in tables.items()}
        self.claims = self._prepare(tables["force_claims"], "force_claim", pub, date_col="as_of")
        self.quotes = self._prepare(tables["quotes"], "quote", pub, date_col=None)
        self.events = self._prepare(tables["events"], "event", pub, date_col="date")
        self._raw_intents = _intents_table(evidence, gazetteer, rejected)
        self._pub = pub
        self._intents: pd.DataFrame | None = None

    @property
    def intents(self) -> pd.DataFrame:
        """Statements of intent: the evidence's ``intents`` table, else extracted from the documents' texts."""
        if self._intents is None:
            self._intents = self._prepare(self._raw_intents(), "intent", self._pub, date_col=None)
        return self._intents

    def _prepare(self, df: pd.DataFrame, source: str, pub: Mapping[Any, Any], date_col: str | None) -> pd.DataFrame:
        df = df.copy()
        doc_keys = _col(df, "document_id").map(_key)
        doc_pub = doc_keys.map(lambda k: pub.get(k)).astype(object)
        # The store's queries join the document's date in; use it when no documents table came.
        doc_pub = doc_pub.where(doc_pub.notna(), _col(df, "pub_date").astype(object))
        own = _col(df, date_col) if date_col else pd.Series([None] * len(df), index=df.index, dtype=object)
        # What the evidence is about happened at its own date (`since` tests that) ...
        df["_date"] = _dates(own.astype(object), doc_pub)
        # ... and it was seen when its document was published: the publication date first; its
        # own date only for undated documents, and never a planned figure's target year.
        if source == "force_claim":
            own = own.where(_col(df, "kind").astype(object) != "planned", None)
        df["_seen"] = _dates(doc_pub.astype(object), own.astype(object))
        if source in ("force_claim", "intent"):
            # Once per table, not once per signpost: the canonical, case-folded actor.
            df["_actor"] = _col(df, "actor").map(lambda a: (self.aliases.canonical(a) or "").casefold())
        df["_doc"] = doc_keys
        df["_source"] = source
        return df

    def document(self, key: Any) -> dict[str, Any]:
        return self.docs.get(key, {})


def _kept(df: pd.DataFrame) -> pd.DataFrame:
    if "review_status" not in df.columns:
        return df
    return df[df["review_status"].astype(object) != "rejected"].reset_index(drop=True)


def _rejected_rows(tables: Any) -> set[tuple[Any, str]]:
    out: set[tuple[Any, str]] = set()
    for df in tables:
        if "review_status" in df.columns and "sentence" in df.columns:
            for row in df[df["review_status"].astype(object) == "rejected"].to_dict("records"):
                if isinstance(row.get("sentence"), str):
                    out.add((_key(row.get("document_id")), " ".join(row["sentence"].split())))
    return out


def _intents_table(evidence: Any, gazetteer: Any, set_aside: set[tuple[Any, str]]) -> Any:
    """A function giving the statements of intent: a given ``intents`` table, else extracted on
    demand from the documents' texts (a store's ``documents(with_text=True)`` or a ``text`` column)."""
    given = evidence.get("intents") if isinstance(evidence, Mapping) else getattr(evidence, "intents", None)
    if given is not None:
        return lambda: _table(evidence, "intents")

    def extract() -> pd.DataFrame:
        from ..monitor.dates import parse_pub_date
        from ..monitor.gazetteer import WORLD
        from ..monitor.intents import extract_intents

        docs_fn = evidence.get("documents") if isinstance(evidence, Mapping) else getattr(evidence, "documents", None)
        docs = None
        if callable(docs_fn):
            try:
                docs = docs_fn(with_text=True)
            except TypeError:  # a function without the text option
                docs = docs_fn()
        elif docs_fn is not None:
            docs = docs_fn
        docs = pd.DataFrame() if docs is None else pd.DataFrame(docs)
        rows = []
        if "text" in docs.columns:
            for doc in docs.to_dict("records"):
                text = doc.get("text")
                if not isinstance(text, str) or not text.strip():
                    continue
                try:
                    pub = parse_pub_date(_iso(doc.get("pub_date")))
                except ValueError:
                    pub = None
                for it in extract_intents(text, None, pub, gazetteer=gazetteer or WORLD):
                    if (_key(doc.get("id")), " ".join(it.sentence.split())) not in set_aside:
                        rows.append({"document_id": doc.get("id"), **it.as_dict()})
        return pd.DataFrame(rows)

    return extract


def _rejected_sentences(evidence: Any) -> set[tuple[Any, str]]:
    """(document, sentence) of every item a user rejected, asked of a store (whose tables leave
    rejected items out): statements of intent are not stored items, so rejecting any quote,
    claim or event of a sentence sets its statements aside too."""
    tables = []
    for name in ("force_claims", "quotes", "events"):
        fn = evidence.get(name) if isinstance(evidence, Mapping) else getattr(evidence, name, None)
        if not callable(fn):
            continue
        try:
            tables.append(pd.DataFrame(fn(include_rejected=True)))
        except TypeError:  # a source without reviews
            continue
    return _rejected_rows(tables)


def _key(value: Any) -> Any:
    # Document ids come back as int64, float (after a merge with NaN) or str; one key for all.
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return str(value)


def _since_mask(dates: pd.Series, since: _dt.date | None) -> np.ndarray:
    if since is None:
        return np.ones(len(dates), dtype=bool)
    # Partial dates compare by their first day ("2025-03" is 2025-03-01), which ISO text does
    # once padded; undated evidence cannot show that it is recent, so it does not count.
    text = dates.astype(object).where(dates.notna(), "").astype(str)
    padded = text + text.str.len().map({4: "-01-01", 7: "-01"}).fillna("")
    return ((text != "") & (padded >= since.isoformat())).to_numpy(dtype=bool)


def _threshold_ok(t: Threshold, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    high = np.where(np.isnan(high), low, high)
    with np.errstate(invalid="ignore"):
        test = _OPS[t.op]
        # The whole range must pass: a claim of "3,500 to 4,500" is not "below 4,000".
        return test(low, t.value) & test(high, t.value) & ~np.isnan(low)


def _claim_mask(spec: EvidenceSpec, claims: pd.DataFrame, aliases: _Aliases) -> np.ndarray:
    n = len(claims)
    if n == 0:
        return np.zeros(n, dtype=bool)
    if spec.intent is not None and not (spec.kinds or spec.threshold or spec.phrases):
        return np.zeros(n, dtype=bool)  # a signpost on statements alone: figures need kinds, a threshold or phrases
    mask = np.ones(n, dtype=bool)
    if spec.actor:
        want = (aliases.canonical(spec.actor) or "").casefold()
        mask &= (claims["_actor"] == want).to_numpy(dtype=bool)
    if spec.place:
        mask &= _text(claims, "mission_or_location").str.contains(spec.place, flags=re.IGNORECASE, regex=True).to_numpy(dtype=bool)
    if spec.kinds:
        mask &= _col(claims, "kind").isin(spec.kinds).to_numpy(dtype=bool)
    if spec.threshold is not None:
        t = spec.threshold
        if t.unit:
            mask &= (_text(claims, "unit").str.strip().str.casefold() == t.unit.strip().casefold()).to_numpy(dtype=bool)
        mask &= _threshold_ok(t, _numeric(claims, "value"), _numeric(claims, "value_max"))
    if spec.phrases:
        mask &= _text(claims, "sentence").str.contains(_phrase_regex(spec.phrases), regex=True).to_numpy(dtype=bool)
    mask &= _since_mask(claims["_date"], spec.since)
    return mask


def _intent_mask(spec: EvidenceSpec, intents: pd.DataFrame, aliases: _Aliases) -> np.ndarray:
    n = len(intents)
    if n == 0 or spec.intent is None:
        return np.zeros(n, dtype=bool)
    want = spec.intent
    mask = np.array(_col(intents, "action").isin(want.actions), dtype=bool)  # a copy: pandas hands out read-only views
    rank = _col(intents, "level").map(lambda v: LEVELS.index(v) if v in LEVELS else -1).to_numpy(dtype=int)
    mask &= rank >= LEVELS.index(want.level)
    if spec.actor:
        mask &= (intents["_actor"] == (aliases.canonical(spec.actor) or "").casefold()).to_numpy(dtype=bool)
    if spec.place:
        # a statement's place: the mission or place it acts on, else the words of its sentence
        target = _text(intents, "target")
        place = target.where(target != "", _text(intents, "sentence"))
        mask &= place.str.contains(spec.place, flags=re.IGNORECASE, regex=True).to_numpy(dtype=bool)
    if spec.threshold is not None:
        t = spec.threshold
        size = _numeric(intents, "size")
        unit_ok = (_text(intents, "unit").str.casefold() == (t.unit or "").casefold()).to_numpy(dtype=bool) if t.unit else np.ones(n, dtype=bool)
        sized = ~np.isnan(size) & unit_ok
        passes = _threshold_ok(t, size, np.full(n, np.nan))
        # A stated size must pass; an unstated one counts unless the signpost wants a size.
        mask &= np.where(sized, passes, not want.sized)
    mask &= _since_mask(intents["_date"], spec.since)
    return mask


def _text_mask(spec: EvidenceSpec, df: pd.DataFrame, fields: Sequence[str], actor_fields: Sequence[str],
               aliases: _Aliases) -> np.ndarray:
    n = len(df)
    if n == 0 or not spec.phrases:
        return np.zeros(n, dtype=bool)
    body = _text(df, fields[0])
    for f in fields[1:]:
        body = body + "\n" + _text(df, f)
    # np.array copies: pandas' copy-on-write hands out read-only views.
    mask = np.array(body.str.contains(_phrase_regex(spec.phrases), regex=True), dtype=bool)
    if spec.actor:
        who = body
        for f in actor_fields:
            who = who + "\n" + _text(df, f)
        mask &= who.str.contains(aliases.mention_regex(spec.actor), regex=True).to_numpy(dtype=bool)
    mask &= _since_mask(df["_date"], spec.since)
    return mask


def _value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


_OWN_FIELDS = {
    "force_claim": ("actor", "mission_or_location", "value_max"),
    "quote": ("speaker", "text"),
    "event": ("what",),
    "intent": ("actor", "action", "level", "target", "size", "whole", "timing"),
}


def _records(ev: _Evidence, df: pd.DataFrame, mask: np.ndarray) -> list[dict[str, Any]]:
    out = []
    for row in df.loc[mask].to_dict("records"):
        found = ev.document(row.get("_doc"))
        # Document fields from the documents table, else from the row (the store joins them in).
        doc = {k: found.get(k) if found.get(k) is not None else row.get(k)
               for k in ("title", "url", "path", "outlet", "pub_date")}
        source = row["_source"]
        sentence = row.get("sentence")
        if not isinstance(sentence, str) or not sentence:
            sentence = row.get("text") if source == "quote" else row.get("what")
        item = {
            "source": source,
            "document_id": _value(row.get("_doc")),
            "title": _value(doc.get("title")),
            "url": _value(doc.get("url")),
            "path": _value(doc.get("path")),
            "outlet": _value(doc.get("outlet")),
            "pub_date": _iso(doc.get("pub_date")),
            "date": _iso(row.get("_date")),
            "seen": _iso(row.get("_seen")),
            "sentence": _value(sentence),
            "kind": _value(row.get("kind")),
            "value": _value(row.get("value")) if source == "force_claim" else None,
            "unit": _value(row.get("unit")) if source in ("force_claim", "intent") else None,
            "start": _value(row.get("start")),
        }
        item.update({k: _value(row.get(k)) for k in _OWN_FIELDS[source]})
        out.append(item)
    return out


def _order(item: dict[str, Any]) -> tuple[Any, ...]:
    # Dated evidence first, oldest first; then by document, table and place in the text.
    date = item.get("date")
    doc = item.get("document_id")
    start = item.get("start")
    return (
        date is None, date or "",
        str(type(doc).__name__), doc if doc is not None else "",
        ("force_claim", "intent", "quote", "event").index(item["source"]),
        start if isinstance(start, int) else -1,
        item.get("sentence") or "",
    )


def _level_of(item: dict[str, Any]) -> int:
    # A reported figure (a claim) counts as an announced decision; a quote or event as nothing.
    if item["source"] == "intent":
        return LEVELS.index(item["level"]) if item.get("level") in LEVELS else -1
    return LEVELS.index("decision") if item["source"] == "force_claim" else -1


def _stated_share(item: dict[str, Any], base: float) -> float | None:
    if item.get("whole"):
        return 1.0
    size, unit = item.get("size", item.get("value")), item.get("unit")
    if size is None:
        return None
    if unit == "percent":
        return min(1.0, float(size) / 100.0)
    return min(1.0, float(size) / base)


def _resolve_one(sp: Signpost, nw: Narrowing, items: list[dict[str, Any]]) -> tuple[Constraint | None, str | None]:
    """One narrowing from the evidence at its level: (constraint, None) or (None, why not)."""
    floor = LEVELS.index(nw.level) if nw.level else -1
    usable = [i for i in items if _level_of(i) >= floor]
    if not usable:
        return None, f"{nw.uncertainty}: no evidence at level {nw.level} or above"
    if nw.value is not None:
        return Constraint(sp.name, nw.uncertainty, nw.op, nw.value), None
    if nw.offset_years is not None:
        dated = [i["seen"] for i in usable if i.get("seen")]
        if not dated:
            return None, f"{nw.uncertainty} {nw.op} (year of evidence) + {nw.offset_years}: the evidence is undated"
        first = min(dated, key=lambda d: (_to_date(d), d))
        return Constraint(sp.name, nw.uncertainty, nw.op, int(first[:4]) + nw.offset_years), None
    # The most advanced statement that states it, the latest of those: the newest word on it.
    ranked = sorted(usable, key=lambda i: (_level_of(i), i.get("date") or ""), reverse=True)
    if nw.timing:
        timed = [i for i in ranked if i.get("timing")]
        if not timed:
            return None, f"{nw.uncertainty} {nw.op} (stated timing): no evidence states when"
        return Constraint(sp.name, nw.uncertainty, nw.op, _end_of(str(timed[0]["timing"]))), None
    for i in ranked:
        share = _stated_share(i, float(nw.share_of))
        if share is not None and (i["source"] == "intent" or i.get("kind") in ("reduction", "reinforcement")):
            return Constraint(sp.name, nw.uncertainty, nw.op, round(share, 4)), None
    return None, f"{nw.uncertainty} {nw.op} (stated size of {nw.share_of:g}): no evidence states a size"


def _end_of(iso: str) -> float:
    """The end of an ISO period as a fractional year: ``2026`` -> 2027.0, ``2026-12`` -> 2027.0,
    ``2027-03`` -> 2027.25, ``2027-03-10`` -> 2027 + (59 + 10) / 365 (a year uncertainty's scale)."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 1:
        return float(parts[0] + 1)
    if len(parts) == 2:
        return round(parts[0] + parts[1] / 12, 4)
    day = _dt.date(*parts).timetuple().tm_yday
    return round(parts[0] + day / 365, 4)


def _resolve(sp: Signpost, items: list[dict[str, Any]]) -> tuple[tuple[Constraint, ...], tuple[str, ...]]:
    constraints: list[Constraint] = []
    unresolved: list[str] = []
    for nw in sp.narrows:
        c, why = _resolve_one(sp, nw, items)
        if c is not None:
            constraints.append(c)
        else:
            unresolved.append(why or nw.uncertainty)
    return tuple(constraints), tuple(unresolved)


def match_signposts(signposts: Any, evidence: Any, *, gazetteer: Any = None) -> list[SignpostStatus]:
    """Match signposts against the evidence.

    A signpost fires when at least one piece of evidence meets every criterion it gives: a force
    claim (actor, place, kinds, threshold, phrases, since); a statement of intent, when the
    signpost gives ``intent`` (action, level, actor, place, size, since); or, when the signpost
    gives only phrases (and optionally an actor), a quote or an event whose sentence holds a
    phrase and names the actor. An evidence ``date`` (ordering, ``since``) is what it is about:
    a claim's ``as_of``, an event's ``date``, else its document's ``pub_date``; its ``seen``
    date (``first_seen``, ``offset_years``) is its document's ``pub_date``, else its own date
    (never a planned figure's target year).

    Parameters
    ----------
    signposts : sequence of Signpost, Case or list of dicts
        Passed through :func:`parse_signposts` when not already parsed.
    evidence : store, mapping or object
        Anything with ``force_claims``, ``quotes``, ``events`` and ``documents`` as DataFrames,
        methods returning them (an evidence store), or mapping keys; missing tables are empty.
        Statements of intent come from an ``intents`` table when there is one, else they are
        extracted from the documents' texts (``documents(with_text=True)``).
    gazetteer : Gazetteer, optional
        Actor names and missions (a case's gazetteer); default the monitor's general one.

    Returns
    -------
    list of SignpostStatus
        One per signpost, in declaration order; each one's evidence is ordered by date (undated
        last), document, table and position in the text.
    """
    if not (isinstance(signposts, Sequence) and all(isinstance(s, Signpost) for s in signposts)):
        signposts = parse_signposts(signposts)
    ev = _Evidence(evidence, gazetteer)
    out: list[SignpostStatus] = []
    for sp in signposts:
        spec = sp.evidence
        items = _records(ev, ev.claims, _claim_mask(spec, ev.claims, ev.aliases))
        if spec.intent is not None:
            items += _records(ev, ev.intents, _intent_mask(spec, ev.intents, ev.aliases))
        if not spec.claims_only and spec.phrases:
            items += _records(ev, ev.quotes, _text_mask(spec, ev.quotes, ("sentence", "text"), ("speaker", "role"), ev.aliases))
            items += _records(ev, ev.events, _text_mask(spec, ev.events, ("sentence", "what"), (), ev.aliases))
        items.sort(key=_order)
        fired = bool(items)
        seen = [i["seen"] for i in items if i.get("seen")]
        first_seen = min(seen, key=lambda d: (_to_date(d), d)) if seen else None
        constraints, unresolved = _resolve(sp, items) if fired else ((), ())
        levels = [i["level"] for i in items if i["source"] == "intent" and i.get("level") in LEVELS]
        out.append(SignpostStatus(
            name=sp.name, description=sp.description, fired=fired, first_seen=first_seen,
            evidence=tuple(items), constraints=constraints, unresolved=unresolved, narrows=sp.narrows,
            level=max(levels, key=LEVELS.index) if levels else None,
        ))
    return out


def evaluate(signposts: Any, evidence: Any, *, gazetteer: Any = None) -> list[SignpostStatus]:
    """Deprecated name of :func:`match_signposts` (kept for one release)."""
    return match_signposts(signposts, evidence, gazetteer=gazetteer)


def statuses_frame(statuses: Sequence[SignpostStatus]) -> pd.DataFrame:
    """One row per signpost: name, description, fired, first_seen, n_evidence, constraints (text)."""
    return pd.DataFrame(
        {
            "name": [s.name for s in statuses],
            "description": [s.description for s in statuses],
            "fired": pd.Series([s.fired for s in statuses], dtype=bool),
            "first_seen": pd.Series([s.first_seen for s in statuses], dtype=object),
            "n_evidence": pd.Series([len(s.evidence) for s in statuses], dtype="int64"),
            "constraints": ["; ".join(str(c) for c in s.constraints) for s in statuses],
        }
    )


_EVIDENCE_COLUMNS = ("signpost", "source", "document_id", "title", "url", "path", "outlet", "date", "sentence",
                     "kind", "value", "unit")


def evidence_frame(statuses: Sequence[SignpostStatus]) -> pd.DataFrame:
    """One row per piece of evidence of every signpost (``signpost`` first, then the evidence fields)."""
    rows = [{"signpost": s.name, **{k: e.get(k) for k in _EVIDENCE_COLUMNS[1:]}} for s in statuses for e in s.evidence]
    return pd.DataFrame(rows, columns=list(_EVIDENCE_COLUMNS))


# -- narrowing -------------------------------------------------------------------------------


class NoFutureLeftError(ForewarnError):
    """The fired signposts' constraints together leave no future of the experiments."""


@dataclass(frozen=True)
class NarrowingSummary:
    """How the fired signposts narrowed the futures.

    ``steps`` holds one dict per constraint, in order: ``constraint`` (text), ``signpost``,
    ``removed_alone`` (futures it excludes on its own) and ``removed`` (futures it excludes
    among those the constraints before it kept).
    """

    futures_total: int
    futures_left: int
    steps: tuple[dict[str, Any], ...]
    unresolved: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the constraints leave no future: the evidence contradicts the case's ranges."""
        return self.futures_left == 0 and self.futures_total > 0

    def to_dict(self) -> dict[str, Any]:
        return {"futures_total": self.futures_total, "futures_left": self.futures_left, "empty": self.empty,
                "steps": [dict(s) for s in self.steps], "unresolved": list(self.unresolved)}

    def __str__(self) -> str:
        if not self.steps:
            lines = [f"No fired signpost narrows the futures: all {self.futures_total} remain."]
        elif self.empty:
            lines = [f"The fired signposts leave NO future of {self.futures_total}: the evidence contradicts "
                     "the case's ranges."]
        else:
            lines = [f"{self.futures_left} of {self.futures_total} futures remain."]
        for s in self.steps:
            lines.append(f"  {s['constraint']} ({s['signpost']}): removed {s['removed']}"
                         f" (alone: {s['removed_alone']})")
        lines += [f"  not applied: {u}" for u in self.unresolved]
        return "\n".join(lines)


def _constraints(statuses: Sequence[SignpostStatus]) -> list[Constraint]:
    return [c for s in statuses if s.fired for c in s.constraints]


def _future_codes(experiments: pd.DataFrame) -> tuple[np.ndarray, int]:
    if "future" in experiments.columns:
        codes, uniques = pd.factorize(experiments["future"], sort=True)
        return codes, len(uniques)
    # A table of futures alone (no strategies): each row is its own future.
    return np.arange(len(experiments)), len(experiments)


def _check_columns(experiments: pd.DataFrame, constraints: Sequence[Constraint], case: Any) -> None:
    if case is not None:
        names = {p.name for p in getattr(case, "uncertainties", ())}
        source = getattr(case, "path", None)
        for c in constraints:
            if c.uncertainty not in names:
                raise CaseError(
                    f"signpost {c.signpost!r} narrows {c.uncertainty!r}, which is not an uncertainty of the case "
                    f"(uncertainties: {', '.join(sorted(names)) or 'none'})",
                    source=source, field=f"signposts.{c.signpost}.narrows.uncertainty",
                )
    for c in constraints:
        if c.uncertainty not in experiments.columns:
            raise CaseError(
                f"signpost {c.signpost!r} narrows {c.uncertainty!r}, which is not a column of the experiments",
                field=f"signposts.{c.signpost}.narrows.uncertainty",
            )


def _future_ok(experiments: pd.DataFrame, constraints: Sequence[Constraint]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Per constraint, which futures satisfy it (a future passes only if all its rows do)."""
    codes, n_futures = _future_codes(experiments)
    per: list[np.ndarray] = []
    for c in constraints:
        row_ok = c.holds(experiments[c.uncertainty])
        # A future fails if any of its rows fails; bincount of failures per future, vectorised.
        fails = np.bincount(codes, weights=(~row_ok).astype(float), minlength=n_futures)
        per.append(fails == 0)
    return codes, np.ones(n_futures, dtype=bool), per


def narrow(
    experiments: pd.DataFrame,
    statuses: Sequence[SignpostStatus],
    case: Any = None,
    *,
    on_empty: Literal["raise", "return"] = "raise",
) -> np.ndarray:
    """Which experiments lie in futures consistent with every fired signpost.

    A pure function: ``experiments`` is not modified. The mask is per future: every strategy of
    a kept future is kept, every strategy of a removed one removed.

    Parameters
    ----------
    experiments : DataFrame
        The experiments table (``future`` and one column per uncertainty); without a ``future``
        column each row is one future.
    statuses : sequence of SignpostStatus
        From :func:`evaluate`; signposts that did not fire constrain nothing.
    case : Case, optional
        When given, every constraint must name one of its uncertainties.
    on_empty : {"raise", "return"}
        What to do when no future is left: raise :class:`NoFutureLeftError` (default), or return
        the all-false mask (check :func:`narrowing_summary`'s ``empty`` flag then).

    Returns
    -------
    numpy.ndarray of bool
        One entry per row of ``experiments``.

    Raises
    ------
    CaseError
        A constraint names an uncertainty the case (or the experiments table) does not have.
    NoFutureLeftError
        The constraints leave no future and ``on_empty="raise"``.
    """
    constraints = _constraints(statuses)
    _check_columns(experiments, constraints, case)
    codes, keep, per = _future_ok(experiments, constraints)
    for ok in per:
        keep &= ok
    if len(keep) and not keep.any() and on_empty == "raise":
        summary = narrowing_summary(experiments, statuses, case)
        raise NoFutureLeftError(str(summary))
    return keep[codes] if len(codes) else np.zeros(0, dtype=bool)


def narrowing_summary(experiments: pd.DataFrame, statuses: Sequence[SignpostStatus], case: Any = None) -> NarrowingSummary:
    """How many futures the fired signposts keep, and which constraint removed how many.

    Never raises for an empty result: check :attr:`NarrowingSummary.empty`.
    """
    constraints = _constraints(statuses)
    _check_columns(experiments, constraints, case)
    _, keep, per = _future_ok(experiments, constraints)
    steps = []
    for c, ok in zip(constraints, per):
        removed = int((keep & ~ok).sum())
        keep &= ok
        steps.append({"signpost": c.signpost, "constraint": str(c), "removed": removed,
                      "removed_alone": int((~ok).sum())})
    unresolved = tuple(f"{s.name}: {u}" for s in statuses if s.fired for u in s.unresolved)
    return NarrowingSummary(futures_total=len(keep), futures_left=int(keep.sum()), steps=tuple(steps),
                            unresolved=unresolved)
