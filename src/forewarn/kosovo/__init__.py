"""The built-in Kosovo case: its case file, its vectorised model, strategies and signposts.

>>> from forewarn.kosovo import load_kosovo_case
>>> case = load_kosovo_case()
>>> case.strategy_names
['current_plan', 'self_reliance', 'transatlantic_anchor', 'regional_joint_force', 'adaptive', 'all_combined']

The model is :func:`forewarn.kosovo.model.kosovo_model`; ``docs/methods.md`` gives its
equations and the source of every number. :func:`forewarn.kosovo.hindcast.hindcast` runs it from
2018 against what was observed later.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from forewarn.engine.space import Case

__all__ = ["case_path", "load_kosovo_case", "default_inputs", "random_inputs", "ema_model"]


def case_path() -> Path:
    """Path of the shipped case file ``forewarn/kosovo/case.toml``."""
    return Path(str(resources.files("forewarn.kosovo").joinpath("case.toml")))


def load_kosovo_case() -> Case:
    """Load and validate the built-in Kosovo case (:func:`forewarn.engine.space.load_case`)."""
    from forewarn.engine.space import load_case

    return load_case(case_path())


def default_inputs(
    n: int = 1, *, strategy: str | None = None, case: Case | None = None, seed: int = 0, **overrides: Any
) -> dict[str, np.ndarray]:
    """Model inputs for ``n`` identical experiments: every default, a strategy's levers, overrides.

    Parameters
    ----------
    n : int
        Number of rows.
    strategy : str, optional
        A strategy of the case whose levers replace the defaults.
    case : Case, optional
        The case (the built-in one when omitted).
    seed : int
        The ``seed`` column (the same for every row).
    **overrides
        Values (scalars or arrays of length ``n``) for any uncertainty, lever or constant.

    Returns
    -------
    dict of str to ndarray
        Ready for :func:`forewarn.kosovo.model.kosovo_model`.
    """
    import numpy as np

    case = case if case is not None else load_kosovo_case()
    values: dict[str, Any] = case.defaults()
    if strategy is not None:
        values.update(case.strategy_levers(strategy))
    unknown = sorted(set(overrides) - set(values) - {"seed"})
    if unknown:
        raise KeyError(f"not an uncertainty, lever or constant of the case: {', '.join(unknown)}")
    values.update(overrides)
    out = {k: np.broadcast_to(np.asarray(v), (n,)).copy() for k, v in values.items()}
    out["seed"] = np.full(n, seed, dtype=np.uint64)
    return out


def random_inputs(n: int, seed: int = 0, *, case: Case | None = None) -> dict[str, np.ndarray]:
    """Model inputs for ``n`` experiments drawn uniformly over every uncertainty and lever range.

    Constants keep their values; categorical parameters keep their defaults. Meant for property
    tests, benchmarks and notebooks; runs use :mod:`forewarn.engine.design` instead.

    Parameters
    ----------
    n : int
        Number of rows.
    seed : int
        Seed of the draws (``numpy.random.default_rng``); also draws the ``seed`` column.
    case : Case, optional
        The case (the built-in one when omitted).
    """
    import numpy as np

    case = case if case is not None else load_kosovo_case()
    rng = np.random.default_rng(seed)
    values = default_inputs(n, case=case)
    for p in (*case.uncertainties, *case.levers):
        if p.kind == "real":
            values[p.name] = rng.uniform(p.low, p.high, n)
        elif p.kind == "integer":
            values[p.name] = rng.integers(p.low, p.high + 1, n)
        elif p.kind == "boolean":
            values[p.name] = rng.random(n) < 0.5
    values["seed"] = rng.integers(0, 2**63, n, dtype=np.uint64)
    return values


def ema_model(function: Any, *, case: Case | None = None, name: str = "kosovo") -> Any:
    """The case as an EMA Workbench ``Model`` around ``function`` (for benchmarks and cross-checks).

    The Workbench cannot sample a range of width zero, so an uncertainty or lever whose sourced
    range is a single value (``threat_quality``, ``tripwire_weight``, ``nato_air_attrition``)
    becomes a ``Constant`` at that value. Needs the ``bench`` extra (``ema_workbench``).

    Parameters
    ----------
    function : callable
        A per-experiment model, e.g. :func:`forewarn.kosovo.scalar_reference.kosovo_model_scalar`.
    case : Case, optional
        The case (the built-in one when omitted).
    name : str
        The Workbench model's name.
    """
    import ema_workbench as ema

    case = case if case is not None else load_kosovo_case()
    model = ema.Model(name, function=function)
    uncertainties, levers, outcomes = case.to_ema()
    fixed = {p.name: p.low for p in (*case.uncertainties, *case.levers)
             if p.kind in ("real", "integer") and p.low == p.high}
    model.uncertainties = [u for u in uncertainties if u.name not in fixed]
    model.levers = [lever for lever in levers if lever.name not in fixed]
    model.outcomes = outcomes
    model.constants = [ema.Constant(k, c.value) for k, c in case.constants.items()] + [
        ema.Constant(k, v) for k, v in fixed.items()
    ]
    return model
