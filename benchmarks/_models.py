"""Models the engine benchmarks run through forewarn.

``lake_reference`` is the EMA Workbench's own ``lake_problem`` behind forewarn's scalar adapter,
so that forewarn and the Workbench run the very same Python function; ``cheap_model`` is a
vectorised model whose cost is negligible, so that a run of it measures the runner itself
(design, model contract checks, Parquet writing).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from forewarn.model import scalar_model

NVARS = 100
_CASE_LEVERS = tuple(f"release_{i}" for i in range(NVARS))
_EMA_LEVERS = tuple(str(i) for i in range(NVARS))
_UNCERTAINTIES = ("b", "q", "mean", "stdev", "delta", "alpha", "nsamples")


def _lake_reference_row(**row):
    # Imported here: the Workbench is only needed by the benchmark that uses it.
    from ema_workbench.examples.example_lake_model import lake_problem

    kwargs = {name: row[name] for name in _UNCERTAINTIES}
    kwargs.update(zip(_EMA_LEVERS, (row[name] for name in _CASE_LEVERS)))
    max_p, utility, inertia, reliability = lake_problem(**kwargs)
    return {"max_P": max_p, "utility": utility, "inertia": inertia, "reliability": reliability}


lake_reference = scalar_model(_lake_reference_row)
"""The Workbench's ``lake_problem`` as a forewarn model (one Python call per experiment)."""


def cheap_model(inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Three arithmetic outcomes of five uncertainties ``a`` … ``e`` (vectorised)."""
    a, b, c, d, e = (np.asarray(inputs[k], dtype=float) for k in "abcde")
    return {
        "total": a + b + c + d + e,
        "product": a * b - c,
        "ratio": (d + 1.0) / (e + 1.0),
    }
