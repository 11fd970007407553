"""forewarn: exploratory modelling for Kosovo's security under deep uncertainty.

The engine (:mod:`forewarn.engine.space`, :mod:`forewarn.engine.design`, :mod:`forewarn.engine.model`,
:mod:`forewarn.engine.runner`, :mod:`forewarn.engine.results`, :mod:`forewarn.analysis`) knows nothing about
Kosovo; :mod:`forewarn.kosovo` is the built-in case. Importing this package does no work: the
names below are resolved on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .errors import CaseError, ForewarnError, ForewarnWarning, InputError, ModelOutputError

__version__ = "0.1.0"

_LAZY = {
    "load_case": "forewarn.engine.space",
    "Case": "forewarn.engine.space",
    "run": "forewarn.engine.runner",
    "open_results": "forewarn.engine.results",
    "Results": "forewarn.engine.results",
}

__all__ = [
    "CaseError",
    "ForewarnError",
    "ForewarnWarning",
    "InputError",
    "ModelOutputError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:  # PEP 562: keeps `import forewarn` cheap
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'forewarn' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Names for ``dir(forewarn)`` and tab completion: the lazy ones too (``run``, ``load_case``...).

    >>> {"run", "load_case", "open_results", "InputError"} <= set(dir(__import__("forewarn")))
    True
    """
    return sorted(set(globals()) | set(__all__))
