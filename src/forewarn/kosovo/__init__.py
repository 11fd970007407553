"""The built-in Kosovo case: its case file, its vectorised model, strategies and signposts.

>>> from forewarn.kosovo import load_kosovo_case
>>> case = load_kosovo_case()          # doctest: +SKIP
>>> case.strategy_names                # doctest: +SKIP
['current_plan', 'self_reliance', 'transatlantic_anchor', 'regional_joint_force', 'adaptive', 'all_combined']

The model is :func:`forewarn.kosovo.model.kosovo_model`; ``docs/methods.md`` gives its
equations and the source of every number.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from forewarn.space import Case

__all__ = ["case_path", "load_kosovo_case"]


def case_path() -> Path:
    """Path of the shipped case file ``forewarn/kosovo/case.toml``."""
    return Path(str(resources.files("forewarn.kosovo").joinpath("case.toml")))


def load_kosovo_case() -> Case:
    """Load and validate the built-in Kosovo case (:func:`forewarn.space.load_case`)."""
    from forewarn.space import load_case

    return load_case(case_path())
