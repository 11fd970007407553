"""The space a case explores: uncertainties, levers, constants, outcomes and strategies.

A case file (TOML, see ``docs/architecture.md``) becomes a frozen :class:`Case`. Everything a user
can get wrong in it (TOML syntax, an unknown key, a bound the wrong way round, a duplicate name, a
strategy that sets a lever that does not exist...) is reported as one
:class:`~forewarn.errors.CaseError` naming the file, the line and the field, e.g.::

    case.toml:14: uncertainties.b.low: low (0.5) is above high (0.45)

Field paths use the item's ``name`` when it has one (``uncertainties.b.low``) and its position
otherwise (``uncertainties[2].low``).

Examples
--------
>>> case = parse_case({
...     "name": "demo", "model": "mypkg.model:run",
...     "uncertainties": [{"name": "a", "kind": "real", "low": 0.0, "high": 1.0}],
...     "outcomes": [{"name": "y", "kind": "scalar", "direction": "minimize"}],
... })
>>> case.uncertainty_names
['a']
>>> case.strategy_levers("default")
{}
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from ..errors import CaseError, InputError

__all__ = [
    "Parameter",
    "StressRange",
    "LeverCost",
    "Constant",
    "Outcome",
    "Strategy",
    "TimeAxis",
    "Objective",
    "Constraint",
    "Scenario",
    "Action",
    "Rule",
    "Pathway",
    "Adaptation",
    "Case",
    "load_case",
    "parse_case",
    "RESERVED_NAMES",
    "DEFAULT_STRATEGY",
    "MAX_CASE_BYTES",
    "MAX_NESTING",
    "MAX_TEXT_LENGTH",
    "MAX_YEARS",
    "find_line",
]

#: Columns of the experiments table that no parameter, constant or outcome may shadow.
RESERVED_NAMES = frozenset({"experiment", "future", "strategy", "seed"})

#: The strategy every case has implicitly: every lever at its default.
DEFAULT_STRATEGY = "default"

#: Largest case file read (1 MiB; the built-in Kosovo case is about 30 kB).
MAX_CASE_BYTES = 1 << 20

#: Deepest nesting of tables and arrays in a case (the built-in cases use 5 levels).
MAX_NESTING = 20

#: Longest text value in a case, in characters (descriptions, assumptions, names...).
MAX_TEXT_LENGTH = 20_000

#: Most years on a case's time axis.
MAX_YEARS = 1_000

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _FieldError(ValueError):
    """A validation error that knows which field (relative to the validated object) it is about.

    Pydantic reports errors raised in model validators at the model's own location; carrying the
    field here lets :func:`parse_case` point at ``low`` rather than at the whole table.
    """

    def __init__(self, message: str, *loc: str | int) -> None:
        super().__init__(message)
        self.loc = tuple(loc)


def _is_number(value: Any) -> bool:
    # bool is an int subclass, but `low = true` is a mistake, not a number.
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _scalar_or_none(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    raise ValueError(f"expected a number, a string or a boolean, got {type(value).__name__} {value!r}")


def _check_identifier(value: str) -> str:
    # Names become column names and keyword arguments of scalar models.
    if not _NAME_RE.match(value):
        raise ValueError(f"name {value!r} must be a Python identifier (letters, digits, underscores)")
    if value in RESERVED_NAMES:
        raise ValueError(f"name {value!r} is reserved for a column of the experiments table")
    return value


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Named(_Frozen):
    """A case item whose ``name`` must be an identifier (each subclass declares the field)."""

    @field_validator("name", check_fields=False)
    @classmethod
    def _check_name(cls, value: str) -> str:
        return _check_identifier(value)


class StressRange(_Frozen):
    """An uncertainty's assumed extension beyond its sourced range: ``stress = {low = .., high = ..}``.

    The stress range must contain the sourced ``[low, high]``; :meth:`Case.with_ranges` swaps it in.
    """

    low: float
    high: float

    @field_validator("low", "high", mode="before")
    @classmethod
    def _check_number(cls, value: Any) -> Any:
        if not _is_number(value) or not math.isfinite(value):
            raise ValueError(f"must be a finite number, got {_fmt(value)}")
        return float(value)


class LeverCost(_Frozen):
    """What a lever costs: ``cost = {priced_by = ["name", ...], note = ".."}`` names the uncertainties,
    constants or levers that price it in the model; ``cost = {free = "why"}`` states why it costs nothing."""

    priced_by: tuple[str, ...] = ()
    free: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _check_cost(self) -> LeverCost:
        free = (self.free or "").strip()
        if self.priced_by and self.free is not None:
            raise _FieldError(
                "a cost is either `priced_by` (what prices the lever) or `free` (why it costs nothing), not both", "free"
            )
        if not self.priced_by and not free:
            raise _FieldError(
                "a lever with no price needs a stated reason: `free = \"why it costs nothing\"`, "
                "or name what prices it in `priced_by`",
                "free" if self.free is not None else "priced_by",
            )
        return self


class Parameter(_Named):
    """An uncertainty or a lever.

    ``real`` and ``integer`` parameters span ``[low, high]`` (both inclusive); ``categorical``
    parameters take one of ``choices``; ``boolean`` parameters are ``False`` or ``True``.
    ``sources`` cites fact ids (e.g. ``"F0123"``); ``assumption`` says why a value was chosen when
    no fact supports it.

    A real parameter may give a ``distribution`` over its range with that distribution's fields
    (``mode``; ``mean`` and ``sd``; ``mu`` and ``sigma``; ``a`` and ``b``): see
    :mod:`forewarn.engine.distributions`. Without one, values are uniform.
    """

    name: str
    kind: Literal["real", "integer", "categorical", "boolean"]
    low: Any = None
    high: Any = None
    choices: tuple[Any, ...] | None = None
    default: Any = None
    unit: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    assumption: str | None = None
    distribution: str | None = None
    mode: Any = None
    mean: Any = None
    sd: Any = None
    mu: Any = None
    sigma: Any = None
    a: Any = None
    b: Any = None
    #: Uncertainties only: an assumed range beyond the sourced one (see :meth:`Case.with_ranges`).
    stress: StressRange | None = None
    #: Levers only: what the lever costs, or why it costs nothing.
    cost: LeverCost | None = None

    @field_validator("low", "high", "default", "mode", "mean", "sd", "mu", "sigma", "a", "b", mode="before")
    @classmethod
    def _check_scalar(cls, value: Any) -> Any:
        return _scalar_or_none(value)

    @field_validator("choices", mode="before")
    @classmethod
    def _check_choices(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise ValueError(f"choices must be a list, got {type(value).__name__}")
        return tuple(_scalar_or_none(v) for v in value)

    @model_validator(mode="after")
    def _check_kind(self) -> Parameter:
        kind = self.kind
        if kind in ("real", "integer"):
            if self.choices is not None:
                raise _FieldError(f"choices are only for categorical parameters, not {kind}", "choices")
            for key in ("low", "high"):
                value = getattr(self, key)
                if value is None:
                    raise _FieldError(f"a {kind} parameter needs `{key}`", key)
                self._check_type(key, value)
            if self.low > self.high:
                raise _FieldError(f"low ({self.low}) is above high ({self.high})", "low")
            if kind == "real":
                # Canonical floats: `low = 1` and `low = 1.0` give the same case hash.
                object.__setattr__(self, "low", float(self.low))
                object.__setattr__(self, "high", float(self.high))
        else:
            for key in ("low", "high"):
                if getattr(self, key) is not None:
                    raise _FieldError(f"`{key}` is only for real and integer parameters, not {kind}", key)
            if kind == "categorical":
                if not self.choices:
                    raise _FieldError("a categorical parameter needs a non-empty list of `choices`", "choices")
                seen: list[Any] = []
                for i, choice in enumerate(self.choices):
                    if choice is None:
                        raise _FieldError("a choice cannot be empty", "choices", i)
                    if any(type(choice) is type(s) and choice == s for s in seen):
                        raise _FieldError(f"choice {_fmt(choice)} is listed twice", "choices", i)
                    seen.append(choice)
            elif self.choices is not None:
                raise _FieldError("a boolean parameter takes no `choices` (it is false or true)", "choices")
        if self.default is not None:
            problem = self.check_value(self.default)
            if problem:
                raise _FieldError(f"default {problem}", "default")
            if kind == "real":
                object.__setattr__(self, "default", float(self.default))
        self._check_stress()
        return self

    @model_validator(mode="after")
    def _check_distribution(self) -> Parameter:
        from . import distributions

        given = {k: getattr(self, k) for k in distributions.ALL_FIELDS}
        if self.distribution is None:
            extra = [k for k, v in given.items() if v is not None]
            if extra:
                raise _FieldError(f"`{extra[0]}` needs a `distribution`", extra[0])
            return self
        if self.kind != "real":
            raise _FieldError(f"a distribution is only for real parameters, not {self.kind}", "distribution")
        problem = distributions.check(self.distribution, self.low, self.high, given)
        if problem:
            raise _FieldError(*problem)
        for key in distributions.FIELDS[self.distribution]:
            object.__setattr__(self, key, float(given[key]))
        return self

    @model_serializer(mode="wrap")
    def _drop_absent_distribution(self, handler: Any) -> dict[str, Any]:
        # A parameter without a distribution serialises as before distributions existed, so
        # the hash of every existing case (and the runs recorded under it) stays the same.
        data = handler(self)
        from .distributions import ALL_FIELDS

        for key in ("distribution", *ALL_FIELDS):
            if data.get(key) is None:
                data.pop(key, None)
        return data

    def unit_to_value(self, u: np.ndarray) -> np.ndarray:
        """Map unit-interval values of a real parameter through its distribution (uniform by default)."""
        from . import distributions

        params = {k: getattr(self, k) for k in distributions.ALL_FIELDS}
        return distributions.ppf(self.distribution or "uniform", self.low, self.high, params, u)

    def _check_stress(self) -> None:
        stress = self.stress
        if stress is None:
            return
        if self.kind not in ("real", "integer"):
            raise _FieldError(f"a stress range is only for real and integer parameters, not {self.kind}", "stress")
        if stress.low > stress.high:
            raise _FieldError(f"stress low ({stress.low}) is above stress high ({stress.high})", "stress", "low")
        if stress.low > self.low or stress.high < self.high:
            raise _FieldError(
                f"the stress range [{stress.low}, {stress.high}] must contain the sourced range "
                f"[{self.low}, {self.high}]",
                "stress",
            )
        if self.kind == "integer" and not (float(stress.low).is_integer() and float(stress.high).is_integer()):
            raise _FieldError("an integer parameter needs whole numbers for its stress range", "stress")

    def _check_type(self, key: str, value: Any) -> None:
        if self.kind == "integer" and not (isinstance(value, (int, np.integer)) and not isinstance(value, bool)):
            raise _FieldError(f"an integer parameter needs a whole number for `{key}`, got {_fmt(value)}", key)
        if self.kind == "real":
            if not _is_number(value):
                raise _FieldError(f"`{key}` must be a number, got {type(value).__name__} {_fmt(value)}", key)
            if not math.isfinite(value):
                raise _FieldError(f"`{key}` must be finite, got {value}", key)

    # -- values -------------------------------------------------------------------------------

    def check_value(self, value: Any) -> str | None:
        """Return why ``value`` is not a valid value of this parameter, or ``None`` if it is."""
        kind = self.kind
        if kind == "real":
            if not _is_number(value):
                return f"must be a number, got {type(value).__name__} {_fmt(value)}"
            if not (self.low <= value <= self.high):
                return f"{value} is outside [{self.low}, {self.high}]"
        elif kind == "integer":
            if not (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))):
                return f"must be a whole number, got {type(value).__name__} {_fmt(value)}"
            if not (self.low <= value <= self.high):
                return f"{value} is outside [{self.low}, {self.high}]"
        elif kind == "boolean":
            if not isinstance(value, (bool, np.bool_)):
                return f"must be true or false, got {type(value).__name__} {_fmt(value)}"
        else:
            if not any(type(value) is type(c) and value == c for c in self.choices or ()):
                known = ", ".join(_fmt(c) for c in self.choices or ())
                return f"{_fmt(value)} is not one of the choices ({known})"
        return None

    @property
    def values(self) -> tuple[Any, ...] | None:
        """All values of a categorical or boolean parameter; ``None`` for real and integer ones."""
        if self.kind == "boolean":
            return (False, True)
        if self.kind == "categorical":
            return self.choices
        return None

    @property
    def default_value(self) -> Any:
        """``default`` when given; otherwise the middle of the range (integers round down), the
        first choice of a categorical parameter, or ``False`` for a boolean one."""
        if self.default is not None:
            return self.default
        if self.kind == "real":
            return (self.low + self.high) / 2.0
        if self.kind == "integer":
            return (self.low + self.high) // 2
        if self.kind == "boolean":
            return False
        return self.choices[0]

    @property
    def dtype(self) -> np.dtype:
        """The numpy dtype of this parameter's column (``object`` for string choices)."""
        if self.kind == "real":
            return np.dtype("float64")
        if self.kind == "integer":
            return np.dtype("int64")
        if self.kind == "boolean":
            return np.dtype("bool")
        kinds = {type(c) for c in self.choices or ()}
        if kinds == {int}:
            return np.dtype("int64")
        if kinds <= {int, float}:
            return np.dtype("float64")
        if kinds == {bool}:
            return np.dtype("bool")
        return np.dtype("object")


class Constant(_Frozen):
    """A fixed input of the model, with its provenance (``[constants.NAME]`` or ``NAME = value``)."""

    value: Any
    unit: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    assumption: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_value(cls, data: Any) -> Any:
        # `[constants] horizon = 2035` is shorthand for `[constants.horizon] value = 2035`.
        if isinstance(data, Mapping):
            return data
        return {"value": data}

    @field_validator("value", mode="before")
    @classmethod
    def _check_value(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple, np.ndarray)):
            items = [_scalar_or_none(v) for v in value]
            if not items or not all(_is_number(v) or isinstance(v, bool) for v in items):
                raise ValueError("a list constant must hold numbers (or booleans) only")
            return tuple(items)
        if value is None:
            raise ValueError("a constant needs a value")
        return _scalar_or_none(value)


class Outcome(_Named):
    """A model output: one value per experiment (``scalar``) or one per year of [time] (``series``)."""

    name: str
    kind: Literal["scalar", "series"] = "scalar"
    direction: Literal["maximize", "minimize", "info"] = "info"
    unit: str = ""
    description: str = ""


class Strategy(_Named):
    """A named set of lever values; levers it omits take their defaults."""

    name: str
    label: str = ""  # a readable name for reports ("Today's plan"); empty: reports use the name
    description: str = ""
    levers: dict[str, Any] = Field(default_factory=dict)

    @field_validator("levers", mode="before")
    @classmethod
    def _check_levers(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: _scalar_or_none(v) for k, v in value.items()}
        return value


class TimeAxis(_Frozen):
    """Years of series outcomes: ``start`` to ``stop`` (inclusive) by ``step``."""

    start: int
    stop: int
    step: int = 1

    @model_validator(mode="after")
    def _check(self) -> TimeAxis:
        if self.step < 1:
            raise _FieldError(f"step must be at least 1, got {self.step}", "step")
        if self.stop < self.start:
            raise _FieldError(f"stop ({self.stop}) is before start ({self.start})", "stop")
        if len(self) > MAX_YEARS:
            raise _FieldError(
                f"{len(self):,} years from {self.start} to {self.stop}; a case may have at most {MAX_YEARS:,}", "stop"
            )
        return self

    @property
    def years(self) -> np.ndarray:
        """The years as an int64 array."""
        return np.arange(self.start, self.stop + 1, self.step, dtype=np.int64)

    def __len__(self) -> int:
        return (self.stop - self.start) // self.step + 1


#: Robustness metrics an objective or a constraint can use (see ``docs/search.md``).
METRICS = ("satisficing", "percentile", "mean", "regret", "cost")


class Objective(_Named):
    """A robustness objective of the lever search: a metric of one outcome over the futures.

    ``satisficing``: share of futures where the outcome is ``>= at_least`` and/or
    ``<= at_most`` (maximised); ``percentile``: the ``percentile``-th percentile of the outcome;
    ``mean``: its mean; ``cost``: its mean, minimised by default; ``regret``: the
    ``percentile``-th percentile (default 90) of the regret against the best declared strategy
    in each future (minimised). ``direction`` defaults to the metric's or the outcome's.
    ``epsilon`` is the resolution at which two values count as equal (ε-dominance).
    """

    name: str
    kind: Literal["satisficing", "percentile", "mean", "regret", "cost"]
    outcome: str
    direction: Literal["maximize", "minimize"] | None = None
    percentile: float | None = None
    at_least: float | None = None
    at_most: float | None = None
    epsilon: float | None = None
    description: str = ""

    @model_validator(mode="after")
    def _check_metric(self) -> Objective:
        if self.kind == "satisficing" and self.at_least is None and self.at_most is None:
            raise _FieldError("a satisficing metric needs `at_least` or `at_most` (the threshold)", "at_least")
        if self.kind != "satisficing":
            for key in ("at_least", "at_most"):
                if getattr(self, key) is not None:
                    raise _FieldError(f"`{key}` is only for a satisficing metric, not {self.kind}", key)
        if self.percentile is not None:
            if self.kind not in ("percentile", "regret"):
                raise _FieldError(f"`percentile` is only for percentile and regret metrics, not {self.kind}",
                                  "percentile")
            if not 0 <= self.percentile <= 100:
                raise _FieldError(f"percentile must be in [0, 100], got {self.percentile}", "percentile")
        elif self.kind == "percentile":
            raise _FieldError("a percentile metric needs `percentile` (0 to 100)", "percentile")
        if self.epsilon is not None and not (math.isfinite(self.epsilon) and self.epsilon > 0):
            raise _FieldError(f"epsilon must be above 0, got {self.epsilon}", "epsilon")
        return self


class Constraint(Objective):
    """A bound on a robustness metric that every strategy the search keeps must meet
    (``max`` and/or ``min``), e.g. the 90th percentile of the budget share at most 0.02."""

    max: float | None = None
    min: float | None = None

    @model_validator(mode="after")
    def _check_bound(self) -> Constraint:
        if self.max is None and self.min is None:
            raise _FieldError("a constraint needs `max` or `min`", "max")
        if self.epsilon is not None:
            raise _FieldError("`epsilon` is only for objectives", "epsilon")
        return self


class Scenario(_Named):
    """A named stress scenario: fixed values for some uncertainties (the others vary as usual)."""

    name: str
    description: str = ""
    values: dict[str, Any] = Field(default_factory=dict)
    sources: tuple[str, ...] = ()
    assumption: str | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _check_values(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: _scalar_or_none(v) for k, v in value.items()}
        return value


class Action(_Named):
    """An adaptive action: lever values that take effect ``lead_time`` years after it is started."""

    name: str
    description: str = ""
    levers: dict[str, Any] = Field(default_factory=dict)
    lead_time: int = 0
    cost: float = 0.0
    sources: tuple[str, ...] = ()
    assumption: str | None = None

    @field_validator("levers", mode="before")
    @classmethod
    def _check_levers(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: _scalar_or_none(v) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _check_action(self) -> Action:
        if self.lead_time < 0:
            raise _FieldError(f"lead_time must be 0 or more years, got {self.lead_time}", "lead_time")
        if not (math.isfinite(self.cost) and self.cost >= 0):
            raise _FieldError(f"cost must be a finite number, 0 or more, got {self.cost}", "cost")
        if not self.levers:
            raise _FieldError("an action needs `levers` (the lever values it sets)", "levers")
        return self


class Rule(_Named):
    """An adaptive rule: when the observable series outcome ``when`` crosses ``threshold``
    (``op``), after ``delay`` years of detection, start ``action``."""

    name: str
    description: str = ""
    when: str
    op: Literal["<", "<=", ">", ">="]
    threshold: float
    delay: int = 0
    action: str

    @model_validator(mode="after")
    def _check_rule(self) -> Rule:
        if self.delay < 0:
            raise _FieldError(f"delay must be 0 or more years, got {self.delay}", "delay")
        if math.isnan(self.threshold):
            raise _FieldError("threshold cannot be NaN", "threshold")
        return self


class Pathway(_Named):
    """A pathway: a starting strategy and the rules that move it to other actions over time."""

    name: str
    description: str = ""
    strategy: str | None = None
    rules: tuple[str, ...] = ()


class Adaptation(_Frozen):
    """The objective adaptive plans are judged by: a series outcome that must stay ``>= at_least``
    and/or ``<= at_most`` each year; ``share`` is the share of futures a trigger must serve in time.

    ``from_year`` is the first year the objective is judged (default: the first year of
    ``[time]``). The years before it are the observed present, before any plan can act: no plan
    tips there. With ``holds_today = true`` the objective is known to hold in those years, so a
    future in which it fails there contradicts what is observed and is set aside (by
    ``forewarn pathways`` and ``forewarn search``; see :func:`forewarn.analysis.pathways.consistent_futures`).
    """

    outcome: str
    at_least: float | None = None
    at_most: float | None = None
    share: float = 0.9
    from_year: int | None = None
    holds_today: bool = False

    @model_validator(mode="after")
    def _check_adaptation(self) -> Adaptation:
        if self.at_least is None and self.at_most is None:
            raise _FieldError("the objective needs `at_least` or `at_most`", "at_least")
        if not 0 < self.share <= 1:
            raise _FieldError(f"share must be in (0, 1], got {self.share}", "share")
        return self

    @model_serializer(mode="wrap")
    def _drop_unset_fields(self, handler: Any) -> dict[str, Any]:
        # Fields added after the section was introduced are left out at their defaults, so the
        # hash of a case that does not use them stays the same.
        data = handler(self)
        if data.get("from_year") is None:
            data.pop("from_year", None)
        if not data.get("holds_today"):
            data.pop("holds_today", None)
        return data


def _stress_value_problem(p: Parameter, value: Any) -> str | None:
    """Why ``value`` cannot stand for ``p`` in a stress scenario. Unlike a strategy's value, a
    number may lie outside ``[low, high]``: stressing beyond the sourced range is the point."""
    if p.kind == "real":
        if not _is_number(value) or not math.isfinite(value):
            return f"must be a finite number, got {type(value).__name__} {_fmt(value)}"
        return None
    if p.kind == "integer":
        if not (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))):
            return f"must be a whole number, got {type(value).__name__} {_fmt(value)}"
        return None
    return p.check_value(value)


def _unique(items: Sequence[Any], section: str) -> set[str]:
    names: set[str] = set()
    for i, item in enumerate(items):
        if item.name in names:
            raise _FieldError(f"name {item.name!r} is used twice", section, i, "name")
        names.add(item.name)
    return names


class Case(_Frozen):
    """A case: the model, what is uncertain, what can be chosen, and what is measured.

    Build one with :func:`load_case` (from a TOML file) or :func:`parse_case` (from a dict).
    """

    name: str
    description: str = ""
    model: str
    time: TimeAxis | None = None
    uncertainties: tuple[Parameter, ...] = ()
    levers: tuple[Parameter, ...] = ()
    constants: dict[str, Constant] = Field(default_factory=dict)
    outcomes: tuple[Outcome, ...]
    strategies: tuple[Strategy, ...] = ()
    signposts: tuple[dict[str, Any], ...] = ()
    objectives: tuple[Objective, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    actions: tuple[Action, ...] = ()
    rules: tuple[Rule, ...] = ()
    pathways: tuple[Pathway, ...] = ()
    adaptation: Adaptation | None = None
    #: "required": every uncertainty, lever and constant cites sources or states an assumption,
    #: and every lever states its cost (``cost``); "optional" (the default) only reports gaps.
    provenance: Literal["optional", "required"] = "optional"
    path: Path | None = Field(default=None, exclude=True)

    @field_validator("model")
    @classmethod
    def _check_model(cls, value: str) -> str:
        left, sep, right = value.partition(":")
        if not sep or not left.strip() or not right.strip() or ":" in right:
            raise ValueError(
                f"model {value!r} must be 'file.py:function' (relative to the case file) "
                "or 'package.module:function'"
            )
        return value

    @model_validator(mode="after")
    def _check_case(self) -> Case:
        if not self.outcomes:
            raise _FieldError("a case needs at least one outcome", "outcomes")
        seen: dict[str, str] = {}

        def claim(name: str, section: str, *loc: str | int) -> None:
            # One namespace: every name becomes a column or a model input.
            if name in seen:
                raise _FieldError(f"name {name!r} is already used by {seen[name]}", section, *loc)
            seen[name] = f"{section}.{name}"

        for section in ("uncertainties", "levers"):
            for i, p in enumerate(getattr(self, section)):
                claim(p.name, section, i, "name")
        for key in self.constants:
            try:
                _check_identifier(key)
            except ValueError as exc:
                raise _FieldError(str(exc), "constants", key) from None
            claim(key, "constants", key)
        for i, o in enumerate(self.outcomes):
            claim(o.name, "outcomes", i, "name")
            if o.kind == "series" and self.time is None:
                raise _FieldError(
                    f"series outcome {o.name!r} needs a [time] table (start, stop, step)", "outcomes", i, "kind"
                )
        strategy_names: set[str] = set()
        levers = {p.name: p for p in self.levers}
        for i, s in enumerate(self.strategies):
            if s.name in strategy_names:
                raise _FieldError(f"strategy name {s.name!r} is used twice", "strategies", i, "name")
            strategy_names.add(s.name)
            for lever, value in s.levers.items():
                if lever not in levers:
                    known = ", ".join(levers) or "none"
                    raise _FieldError(
                        f"no lever named {lever!r} (levers: {known})", "strategies", i, "levers", lever
                    )
                problem = levers[lever].check_value(value)
                if problem:
                    raise _FieldError(f"value {problem}", "strategies", i, "levers", lever)
        self._check_costs_and_stress(set(seen))
        return self

    @model_validator(mode="after")
    def _check_search_and_scenarios(self) -> Case:
        outcomes = {o.name: o for o in self.outcomes}
        names: set[str] = set()
        for section in ("objectives", "constraints"):
            for i, item in enumerate(getattr(self, section)):
                if item.name in names:
                    raise _FieldError(f"name {item.name!r} is used twice", section, i, "name")
                names.add(item.name)
                outcome = outcomes.get(item.outcome)
                if outcome is None:
                    known = ", ".join(outcomes)
                    raise _FieldError(f"no outcome named {item.outcome!r} (outcomes: {known})", section, i, "outcome")
                if outcome.kind != "scalar":
                    raise _FieldError(f"outcome {item.outcome!r} is a series; a metric needs a scalar outcome",
                                      section, i, "outcome")
                if item.kind == "regret" and outcome.direction == "info":
                    raise _FieldError(f"regret needs an outcome to maximize or minimize; {item.outcome!r} is info",
                                      section, i, "outcome")
                if item.kind in ("percentile", "mean") and item.direction is None \
                        and outcome.direction == "info":
                    raise _FieldError(f"outcome {item.outcome!r} has direction info: give the metric a `direction`",
                                      section, i, "direction")
        uncertainties = {p.name: p for p in self.uncertainties}
        seen: set[str] = set()
        for i, sc in enumerate(self.scenarios):
            if sc.name in seen:
                raise _FieldError(f"scenario name {sc.name!r} is used twice", "scenarios", i, "name")
            seen.add(sc.name)
            for key, value in sc.values.items():
                if key not in uncertainties:
                    known = ", ".join(uncertainties) or "none"
                    raise _FieldError(f"no uncertainty named {key!r} (uncertainties: {known})",
                                      "scenarios", i, "values", key)
                problem = _stress_value_problem(uncertainties[key], value)
                if problem:
                    raise _FieldError(f"value {problem}", "scenarios", i, "values", key)
        return self

    @model_serializer(mode="wrap")
    def _drop_empty_sections(self, handler: Any) -> dict[str, Any]:
        # Sections added after the first format version are left out when empty, so the hash of
        # a case that does not use them (and the runs recorded under it) stays the same.
        data = handler(self)
        for key in ("objectives", "constraints", "scenarios", "actions", "rules", "pathways", "adaptation"):
            if not data.get(key):
                data.pop(key, None)
        return data

    @model_validator(mode="after")
    def _check_adaptive(self) -> Case:
        series = {o.name for o in self.outcomes if o.kind == "series"}
        levers = {p.name: p for p in self.levers}
        actions = _unique(self.actions, "actions")
        for i, a in enumerate(self.actions):
            for lever, value in a.levers.items():
                if lever not in levers:
                    raise _FieldError(f"no lever named {lever!r} (levers: {', '.join(levers) or 'none'})",
                                      "actions", i, "levers", lever)
                problem = levers[lever].check_value(value)
                if problem:
                    raise _FieldError(f"value {problem}", "actions", i, "levers", lever)
        rules = _unique(self.rules, "rules")
        for i, r in enumerate(self.rules):
            if r.when not in series:
                raise _FieldError(f"no series outcome named {r.when!r} to watch (series outcomes: "
                                  f"{', '.join(sorted(series)) or 'none'})", "rules", i, "when")
            if r.action not in actions:
                raise _FieldError(f"no action named {r.action!r} (actions: {', '.join(actions) or 'none'})",
                                  "rules", i, "action")
        strategies = {s.name for s in self.strategies} | {DEFAULT_STRATEGY}
        _unique(self.pathways, "pathways")
        for i, pw in enumerate(self.pathways):
            if pw.strategy is not None and pw.strategy not in strategies:
                raise _FieldError(f"no strategy named {pw.strategy!r}", "pathways", i, "strategy")
            for j, name in enumerate(pw.rules):
                if name not in rules:
                    raise _FieldError(f"no rule named {name!r} (rules: {', '.join(rules) or 'none'})",
                                      "pathways", i, "rules", j)
        if self.adaptation is not None and self.adaptation.outcome not in series:
            raise _FieldError(f"no series outcome named {self.adaptation.outcome!r}", "adaptation", "outcome")
        if self.adaptation is not None and self.adaptation.from_year is not None:
            years = self.time.years if self.time is not None else np.array([], dtype=int)
            if not (years.size and years[0] <= self.adaptation.from_year <= years[-1]):
                span = f"{years[0]} to {years[-1]}" if years.size else "none: the case has no [time] table"
                raise _FieldError(f"from_year must lie within the case's years ({span}), got "
                                  f"{self.adaptation.from_year}", "adaptation", "from_year")
        if self.adaptation is not None and self.adaptation.holds_today and self.adaptation.from_year is None:
            raise _FieldError("holds_today needs from_year: the first year the objective is judged, after "
                              "the observed present", "adaptation", "holds_today")
        if (self.rules or self.actions) and self.time is None:
            raise _FieldError("actions and rules need a [time] table (start, stop, step)", "actions")
        return self

    def _check_costs_and_stress(self, names: set[str]) -> None:
        for i, p in enumerate(self.levers):
            if p.stress is not None:
                raise _FieldError("a stress range is only for uncertainties, not levers", "levers", i, "stress")
            for j, name in enumerate(p.cost.priced_by if p.cost else ()):
                if name not in names:
                    raise _FieldError(
                        f"no uncertainty, lever or constant named {name!r} prices this lever",
                        "levers", i, "cost", "priced_by", j,
                    )
        for i, p in enumerate(self.uncertainties):
            if p.cost is not None:
                raise _FieldError("a cost is only for levers, not uncertainties", "uncertainties", i, "cost")
        if self.provenance != "required":
            return
        for section in ("uncertainties", "levers"):
            for i, p in enumerate(getattr(self, section)):
                if not p.sources and not p.assumption:
                    raise _FieldError(
                        "this case requires provenance: cite `sources` or state an `assumption`", section, i, "sources"
                    )
        for key, c in self.constants.items():
            if not c.sources and not c.assumption:
                raise _FieldError(
                    "this case requires provenance: cite `sources` or state an `assumption`", "constants", key
                )
        for i, p in enumerate(self.levers):
            if p.cost is None:
                raise _FieldError(
                    "this case requires every lever to state its cost: `cost = {priced_by = [...]}` naming what "
                    "prices it, or `cost = {free = \"why it costs nothing\"}`",
                    "levers", i, "name",
                )

    # -- lookups ------------------------------------------------------------------------------

    @property
    def uncertainty_names(self) -> list[str]:
        """Names of the uncertainties, in file order."""
        return [p.name for p in self.uncertainties]

    @property
    def lever_names(self) -> list[str]:
        """Names of the levers, in file order."""
        return [p.name for p in self.levers]

    @property
    def outcome_names(self) -> list[str]:
        """Names of the outcomes, in file order."""
        return [o.name for o in self.outcomes]

    @property
    def strategy_names(self) -> list[str]:
        """Names of the declared strategies, or ``["default"]`` when the case declares none."""
        return [s.name for s in self.strategies] or [DEFAULT_STRATEGY]

    def parameter(self, name: str) -> Parameter:
        """The uncertainty or lever called ``name``."""
        for p in (*self.uncertainties, *self.levers):
            if p.name == name:
                return p
        known = ", ".join(self.uncertainty_names + self.lever_names) or "none"
        raise InputError(f"no uncertainty or lever named {name!r} (known: {known})", source=self.path, field=name)

    def outcome(self, name: str) -> Outcome:
        """The outcome called ``name``."""
        for o in self.outcomes:
            if o.name == name:
                return o
        raise InputError(
            f"no outcome named {name!r} (known: {', '.join(self.outcome_names)})", source=self.path, field=name
        )

    def strategy(self, name: str) -> Strategy:
        """The strategy called ``name``.

        ``"default"`` (every lever at its default) exists in every case, unless the case declares
        its own strategy of that name.
        """
        for s in self.strategies:
            if s.name == name:
                return s
        if name == DEFAULT_STRATEGY:
            return Strategy(name=DEFAULT_STRATEGY, description="Every lever at its default.")
        # "default" is listed only where it is the case's one strategy: elsewhere it is a
        # fallback for the analyses, not a strategy the case offers.
        known = ", ".join(self.strategy_names)
        raise InputError(f"no strategy named {name!r} (known: {known})", source=self.path, field="strategy")

    def strategy_levers(self, name: str) -> dict[str, Any]:
        """Every lever's value under strategy ``name`` (levers it omits take their defaults)."""
        chosen = self.strategy(name).levers
        return {p.name: chosen.get(p.name, p.default_value) for p in self.levers}

    def defaults(self) -> dict[str, Any]:
        """Every uncertainty and lever at its default, and every constant's value."""
        out: dict[str, Any] = {p.name: p.default_value for p in (*self.uncertainties, *self.levers)}
        out.update({k: c.value for k, c in self.constants.items()})
        return out

    def unsourced(self) -> list[str]:
        """Field paths of uncertainties, levers and constants with neither ``sources`` nor ``assumption``."""
        missing = [
            f"{section}.{p.name}"
            for section in ("uncertainties", "levers")
            for p in getattr(self, section)
            if not p.sources and not p.assumption
        ]
        missing += [f"constants.{k}" for k, c in self.constants.items() if not c.sources and not c.assumption]
        return missing

    @property
    def stress_names(self) -> list[str]:
        """Names of the uncertainties that declare a stress range, in file order."""
        return [p.name for p in self.uncertainties if p.stress is not None]

    def with_ranges(self, ranges: str) -> Case:
        """The case on a named set of ranges: ``"sourced"`` (the case as it is) or ``"stress"``.

        ``"stress"`` widens every uncertainty that declares ``stress = {low, high}`` to that range;
        the others keep their sourced range. Defaults, levers and strategies are unchanged.

        Raises
        ------
        InputError
            An unknown name of a range set.
        """
        if ranges == "sourced":
            return self
        if ranges != "stress":
            raise InputError(f"unknown set of ranges {ranges!r} (known: sourced, stress)", field="ranges")
        changed = []
        for p in self.uncertainties:
            if p.stress is None:
                changed.append(p)
                continue
            low, high = p.stress.low, p.stress.high
            if p.kind == "integer":
                low, high = int(low), int(high)
            changed.append(p.model_copy(update={"low": low, "high": high}))
        return self.model_copy(update={"uncertainties": tuple(changed)})

    # -- identity -----------------------------------------------------------------------------

    def canonical(self) -> dict[str, Any]:
        """The case as plain JSON-able data (without ``path``): what :meth:`hash` digests.

        Fields added after the first case format (``stress``, ``cost``, ``provenance``) appear only
        when set, so a case that does not use them keeps its hash.
        """
        data = self.model_dump(mode="json")
        for section in ("uncertainties", "levers"):
            for item in data.get(section, ()):
                for key in ("stress", "cost"):
                    if item.get(key) is None:
                        item.pop(key, None)
        if data.get("provenance") == "optional":
            data.pop("provenance")
        return data

    def hash(self) -> str:
        """A stable SHA-256 (hex) of the case's content; independent of where the file lives,
        of key order and of comments or layout in the TOML."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    # -- interoperability ----------------------------------------------------------------------

    def to_ema(self) -> tuple[list[Any], list[Any], list[Any]]:
        """The uncertainties, levers and outcomes as EMA Workbench objects.

        Returns ``(uncertainties, levers, outcomes)`` to assign to an
        ``ema_workbench.Model``'s attributes of the same names. ``real`` maps to
        ``RealParameter``, ``integer`` to ``IntegerParameter``, ``categorical`` to
        ``CategoricalParameter``, ``boolean`` to ``BooleanParameter``; scalar outcomes to
        ``ScalarOutcome`` (``maximize``/``minimize``/``info`` to ``MAXIMIZE``/``MINIMIZE``/
        ``INFO``) and series outcomes to ``ArrayOutcome``. A real parameter with a
        ``distribution`` other than uniform carries it as the ``scipy.stats`` frozen distribution
        forewarn samples through (``RealParameter.from_dist``, confined to ``[low, high]``;
        :func:`forewarn.engine.distributions.value_distribution`), so the Workbench's samplers
        draw from the same distribution. Constants map to
        ``ema_workbench.Constant(name, value)`` and strategies to ``Policy(name, **levers)``;
        build those from :attr:`constants` and :meth:`strategy_levers` when needed.
        Needs the ``bench`` extra (``ema_workbench``).
        """
        import ema_workbench as ema

        from .distributions import ALL_FIELDS, value_distribution

        def param(p: Parameter) -> Any:
            if p.kind == "real" and p.distribution not in (None, "uniform"):
                params = {k: getattr(p, k) for k in ALL_FIELDS}
                dist = value_distribution(p.distribution, p.low, p.high, params)
                return ema.RealParameter.from_dist(p.name, dist)
            if p.kind == "real":
                return ema.RealParameter(p.name, p.low, p.high)
            if p.kind == "integer":
                return ema.IntegerParameter(p.name, p.low, p.high)
            if p.kind == "boolean":
                return ema.BooleanParameter(p.name)
            return ema.CategoricalParameter(p.name, list(p.choices))

        kinds = {
            "maximize": ema.ScalarOutcome.MAXIMIZE,
            "minimize": ema.ScalarOutcome.MINIMIZE,
            "info": ema.ScalarOutcome.INFO,
        }
        outcomes = [
            ema.ScalarOutcome(o.name, kind=kinds[o.direction]) if o.kind == "scalar" else ema.ArrayOutcome(o.name)
            for o in self.outcomes
        ]
        return [param(p) for p in self.uncertainties], [param(p) for p in self.levers], outcomes


# -- loading ---------------------------------------------------------------------------------


def load_case(path: str | Path) -> Case:
    """Read and validate a case file.

    Parameters
    ----------
    path : str or Path
        A TOML case file (format in ``docs/architecture.md``).

    Raises
    ------
    CaseError
        One message naming the file, the line where known, and the field.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_CASE_BYTES + 1)
    except FileNotFoundError:
        raise CaseError("no such case file", source=path) from None
    except OSError as exc:
        raise CaseError(f"cannot read the case file: {exc.strerror or exc}", source=path) from None
    if len(raw) > MAX_CASE_BYTES:
        raise CaseError(f"the case file is larger than {MAX_CASE_BYTES:,} bytes, the most a case may have", source=path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CaseError(f"cannot read the case file: not UTF-8 text ({exc.reason} at byte {exc.start})",
                        source=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = _toml_error(str(exc))
        raise CaseError(f"invalid TOML: {message}", source=path, line=line) from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        raise CaseError(f"invalid case: tables or arrays nested more than {MAX_NESTING} deep", source=path) from None
    return parse_case(data, source=path, text=text)


def parse_case(data: Mapping[str, Any], *, source: str | Path | None = None, text: str | None = None) -> Case:
    """Validate a case given as a mapping (as read from TOML).

    Parameters
    ----------
    data : mapping
        The case's content.
    source : str or Path, optional
        Where it came from; named in errors and kept as :attr:`Case.path` (relative ``file.py``
        models are found beside it).
    text : str, optional
        The TOML text, to give line numbers in errors.
    """
    if not isinstance(data, Mapping):
        raise CaseError(f"a case must be a table, got {type(data).__name__}", source=source)
    _check_limits(data, source, text)
    payload = dict(data)
    if source is not None:
        if "path" in payload:
            raise CaseError("unknown key 'path'", source=source, line=find_line(text, ("path",)), field="path")
        payload["path"] = Path(source)
    try:
        return Case.model_validate(payload)
    except ValidationError as exc:
        raise _case_error(exc, data, source, text) from None


def _check_limits(data: Mapping[str, Any], source: Any, text: str | None) -> None:
    """Refuse nesting deeper than :data:`MAX_NESTING` and text longer than :data:`MAX_TEXT_LENGTH`.

    Walks the data with a stack, not recursion, so that no depth can exhaust Python's stack.
    """
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        loc, node = stack.pop()
        if isinstance(node, str):
            if len(node) > MAX_TEXT_LENGTH:
                raise CaseError(
                    f"text of {len(node):,} characters; a case's texts may have at most {MAX_TEXT_LENGTH:,}",
                    source=source, line=find_line(text, loc), field=_render_loc(loc, data) or None,
                )
            continue
        if isinstance(node, Mapping):
            children = [(k, v) for k, v in node.items()]
            for k, _ in children:
                if isinstance(k, str) and len(k) > MAX_TEXT_LENGTH:
                    raise CaseError(f"a key of {len(k):,} characters; at most {MAX_TEXT_LENGTH:,}",
                                    source=source, field=_render_loc(loc, data) or None)
        elif isinstance(node, (list, tuple)):
            children = list(enumerate(node))
        else:
            continue
        if children and len(loc) >= MAX_NESTING:
            raise CaseError(
                f"tables or arrays nested more than {MAX_NESTING} deep", source=source,
                line=find_line(text, loc[:1]), field=_render_loc(loc[:1], data) or None,
            )
        stack.extend((loc + (k,), v) for k, v in children)


def _toml_error(message: str) -> tuple[str, int | None]:
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", message)
    if not match:
        return message, None
    return f"{message[: match.start()]} (column {match.group(2)})", int(match.group(1))


def _case_error(exc: ValidationError, data: Mapping[str, Any], source: Any, text: str | None) -> CaseError:
    errors = exc.errors()
    err = errors[0]
    loc = tuple(err["loc"])
    ctx = err.get("ctx") or {}
    original = ctx.get("error")
    if isinstance(original, _FieldError):
        loc = loc + original.loc
        message = str(original)
    else:
        kind = err["type"]
        if kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        elif kind == "missing":
            message = f"required key {loc[-1]!r} is missing"
        elif isinstance(original, Exception):
            message = str(original)
        else:
            message = f"{err['msg']} (got {_fmt(err.get('input'))})"
            message = message[0].lower() + message[1:]
    # Union and tagged types append their member names to the location; drop what is not data.
    loc = _trim_loc(loc, data)
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    field = _render_loc(loc, data)
    return CaseError(message, source=source, line=find_line(text, loc), field=field or None)


def _trim_loc(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, Mapping):
            out.append(part)
            node = node.get(part) if part in node else None
        elif isinstance(node, list) and isinstance(part, int):
            out.append(part)
            node = node[part] if 0 <= part < len(node) else None
        elif node is None:
            out.append(part)
        else:
            break  # a scalar: the rest names a pydantic type, not a key
    return tuple(out)


def _render_loc(loc: tuple[Any, ...], data: Any) -> str:
    """``('uncertainties', 2, 'low')`` -> ``uncertainties.b.low`` (or ``uncertainties[2].low``)."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            name = item.get("name") if isinstance(item, Mapping) else None
            if isinstance(name, str) and _NAME_RE.match(name):
                parts.append(f".{name}")
            else:
                parts.append(f"[{part}]")
            node = item
        else:
            parts.append(f".{part}" if parts else str(part))
            node = node.get(part) if isinstance(node, Mapping) else None
    return "".join(parts)


_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


def _headers(text: str) -> list[tuple[int, tuple[Any, ...]]]:
    """Table headers of a TOML text as ``(line, resolved path)``; arrays of tables get indices."""
    counts: dict[tuple[str, ...], int] = {}
    out: list[tuple[int, tuple[Any, ...]]] = [(0, ())]

    def resolve(names: tuple[str, ...]) -> tuple[Any, ...]:
        resolved: list[Any] = []
        for k in range(len(names)):
            resolved.append(names[k])
            if names[: k + 1] in counts:
                resolved.append(counts[names[: k + 1]] - 1)
        return tuple(resolved)

    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        # Skip the insides of multi-line strings, where a `[` line is text.
        if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
            in_multiline = not in_multiline
            continue
        if in_multiline:
            continue
        match = _HEADER_RE.match(line)
        if not match:
            continue
        names = _split_key(match.group(2))
        if match.group(1) == "[[":
            counts[names] = counts.get(names, 0) + 1
        out.append((number, resolve(names)))
    return out


def find_line(text: str | None, loc: tuple[Any, ...]) -> int | None:
    r"""Best-effort line of ``loc`` in a TOML text: the key's own line, else its table's header.

    Parameters
    ----------
    text : str or None
        The TOML text (``None`` gives ``None``).
    loc : tuple
        Keys and array indices, e.g. ``("uncertainties", 1, "low")``.

    Examples
    --------
    >>> text = 'name = "x"\n\n[[uncertainties]]\nname = "a"\n\n[[uncertainties]]\nname = "b"\nlow = 2\n'
    >>> find_line(text, ("uncertainties", 1, "low"))
    8
    >>> find_line(text, ("uncertainties", 0))
    3
    """
    if not text or not loc:
        return None
    headers = _headers(text)
    lines = text.splitlines()
    best: tuple[int, int] | None = None  # (length of matched prefix, index in headers)
    for idx, (_, path) in enumerate(headers):
        if len(path) <= len(loc) and tuple(loc[: len(path)]) == path:
            if best is None or len(path) >= best[0]:
                best = (len(path), idx)
    if best is None:
        return None
    depth, idx = best
    header_line = headers[idx][0]
    rest = loc[depth:]
    if rest and isinstance(rest[0], str):
        end = headers[idx + 1][0] - 1 if idx + 1 < len(headers) else len(lines)
        key_re = re.compile(r"^\s*(?:" + re.escape(rest[0]) + r"|\"" + re.escape(rest[0]) + r"\")\s*[=.]")
        for number in range(header_line + 1, end + 1):
            if key_re.match(lines[number - 1]):
                return number
    return header_line or None
