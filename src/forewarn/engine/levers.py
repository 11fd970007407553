"""Strategies made from the lever ranges: sampled ones, and strategies written back as TOML.

:func:`sample_strategies` draws ``n`` strategies from the levers' ranges (a Latin hypercube over
the levers, mapped like uncertainties, so a lever's ``distribution`` shapes it too), the
counterpart of the EMA Workbench's ``policies=n``. They are named ``sampled_0001``,
``sampled_0002``... and seeded from a stream of the run's seed kept apart from the futures', so
adding ``--levers`` changes no future. :func:`with_strategies` returns the case with them added,
which is what a run with ``levers=n`` records in its manifest. :func:`strategies_toml` writes
strategies as ``[[strategies]]`` tables a user can paste into a case file.

Examples
--------
>>> from forewarn.engine.space import parse_case
>>> case = parse_case({"name": "d", "model": "m:f", "outcomes": [{"name": "y"}],
...     "levers": [{"name": "x", "kind": "real", "low": 0.0, "high": 1.0}]})
>>> [s.name for s in sample_strategies(case, 3, seed=1)]
['sampled_0001', 'sampled_0002', 'sampled_0003']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import InputError
from .space import DEFAULT_STRATEGY, Case, Strategy

__all__ = ["SAMPLED_PREFIX", "sample_strategies", "with_strategies", "with_sampled_levers", "strategies_toml"]

#: Names of sampled strategies start with this.
SAMPLED_PREFIX = "sampled_"

# Tag of the lever stream among the run seed's children (the design uses others).
_TAG_LEVERS = 0x1E7E


def _lever_seed(seed: Any) -> np.random.SeedSequence:
    from .design import to_seed_sequence

    ss = to_seed_sequence(seed)
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, _TAG_LEVERS))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def sample_strategies(case: Case, n: int, seed: Any = 0, *, prefix: str = SAMPLED_PREFIX) -> tuple[Strategy, ...]:
    """``n`` strategies drawn from the case's lever ranges by Latin hypercube.

    Parameters
    ----------
    case : Case
    n : int
        Number of strategies (>= 1).
    seed : int or SeedSequence
        The run's seed; the levers use their own child stream of it.
    prefix : str
        Name prefix; names are numbered from 1 with as many digits as ``n`` needs (at least 4).

    Returns
    -------
    tuple of Strategy
    """
    from .design import sample

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"must be a positive integer, got {n!r}", field="levers")
    if not case.levers:
        raise InputError("the case declares no levers to sample", source=case.path, field="levers")
    table = sample(list(case.levers), int(n), "lhs", seed=_lever_seed(seed))
    width = max(4, len(str(int(n))))
    out = []
    for i in range(int(n)):
        values = {p.name: _plain(table[p.name].iloc[i]) for p in case.levers}
        out.append(Strategy(name=f"{prefix}{i + 1:0{width}d}", description="Sampled from the lever ranges.",
                            levers=values))
    return tuple(out)


def with_strategies(case: Case, strategies: Iterable[Strategy]) -> Case:
    """The case with ``strategies`` added after its own (and after ``default`` when it declares none).

    Raises
    ------
    InputError
        When a new strategy's name is already used.
    """
    from .space import parse_case

    own = list(case.strategies) or [Strategy(name=DEFAULT_STRATEGY, description="Every lever at its default.")]
    taken = {s.name for s in own}
    new = list(strategies)
    for s in new:
        if s.name in taken:
            raise InputError(f"strategy name {s.name!r} is already used", source=case.path, field="strategies")
        taken.add(s.name)
    data = case.canonical()
    data["strategies"] = [s.model_dump(mode="json") for s in (*own, *new)]
    return parse_case(data, source=case.path)


def with_sampled_levers(case: Case, n: int, seed: Any = 0) -> tuple[Case, list[str]]:
    """The case with ``n`` sampled strategies added, and their names."""
    sampled = sample_strategies(case, n, seed)
    return with_strategies(case, sampled), [s.name for s in sampled]


def _toml_value(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} in TOML")
        return repr(value)  # the shortest text that reads back as the same float
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def strategies_toml(strategies: Sequence[Strategy] | Mapping[str, Mapping[str, Any]], *, header: str = "") -> str:
    """``[[strategies]]`` tables for ``strategies``, to paste into (or append to) a case file.

    Parameters
    ----------
    strategies : sequence of Strategy, or mapping of name to lever values
    header : str
        A comment put first (each line prefixed with ``#``).

    Returns
    -------
    str
        TOML text; floats are written so that they read back bit for bit.
    """
    if isinstance(strategies, Mapping):
        strategies = [Strategy(name=k, levers=dict(v)) for k, v in strategies.items()]
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    for s in strategies:
        lines += ["", "[[strategies]]", f"name = {_toml_value(s.name)}"]
        if s.description:
            lines.append(f"description = {_toml_value(s.description)}")
        lines.append("[strategies.levers]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in s.levers.items()]
    return "\n".join(lines).lstrip("\n") + "\n"
