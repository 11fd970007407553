"""Analysis of a run: scenario discovery, robustness, sensitivity, feature scoring.

Everything works on pandas DataFrames and numpy arrays (a run's ``Results.to_dataframe()``, or
any table). Submodules: :mod:`~forewarn.analysis.prim` (:class:`Prim`),
:mod:`~forewarn.analysis.cart` (:class:`Cart`), :mod:`~forewarn.analysis.robustness`,
:mod:`~forewarn.analysis.sensitivity`, :mod:`~forewarn.analysis.scoring`,
:mod:`~forewarn.analysis.where` and :mod:`~forewarn.analysis.encoding`. Boxes in words are the
report layer's (:func:`forewarn.report.describe.describe_box`). The names below are imported on
first use, so ``import forewarn.analysis`` stays cheap. See ``docs/analysis.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "Prim": "forewarn.analysis.prim",
    "Box": "forewarn.analysis.prim",
    "Restriction": "forewarn.analysis.prim",
    "Cart": "forewarn.analysis.cart",
    "evaluate_where": "forewarn.analysis.where",
    "regret": "forewarn.analysis.robustness",
    "regret_table": "forewarn.analysis.robustness",
    "satisficing": "forewarn.analysis.robustness",
    "statistics": "forewarn.analysis.robustness",
    "ranking": "forewarn.analysis.robustness",
    "sobol_indices": "forewarn.analysis.sensitivity",
    "morris_indices": "forewarn.analysis.sensitivity",
    "delta_indices": "forewarn.analysis.sensitivity",
    "analyze_case": "forewarn.analysis.sensitivity",
    "feature_scores": "forewarn.analysis.scoring",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:  # PEP 562
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'forewarn.analysis' has no attribute {name!r}")
