"""Models the engine benchmarks run, through forewarn and through the EMA Workbench.

``lake_problem`` is the EMA Workbench's ``lake_problem`` (``ema_workbench/examples/
example_lake_model.py``, BSD 3-clause licence; adapted there from David Hadka's Rhodium example),
copied verbatim: importing the Workbench's example module imports the whole Workbench
(matplotlib, seaborn, ...), which would charge each of forewarn's worker processes seconds of
start-up that the Workbench's forked workers never pay. Both sides of the benchmark run this
copy; ``bench_engine.py`` checks that its source is still identical to the Workbench's.

``lake_reference`` is that function behind forewarn's scalar adapter; ``cheap_model`` is a
vectorised model whose cost is negligible, so that a run of it measures the runner itself
(design, model contract checks, Parquet writing).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy.optimize import brentq

from forewarn.engine.model import scalar_model


# fmt: off
def lake_problem(
    b=0.42,  # decay rate for P in lake (0.42 = irreversible)
    q=2.0,  # recycling exponent
    mean=0.02,  # mean of natural inflows
    stdev=0.001,  # future utility discount rate
    delta=0.98,  # standard deviation of natural inflows
    alpha=0.4,  # utility from pollution
    nsamples=100,  # Monte Carlo sampling of natural inflows
    **kwargs,
):
    try:
        decisions = [kwargs[str(i)] for i in range(100)]
    except KeyError:
        decisions = [0] * 100
        print("No valid decisions found, using 0 water release every year as default")

    nvars = len(decisions)
    decisions = np.array(decisions)

    # Calculate the critical pollution level (Pcrit)
    Pcrit = brentq(lambda x: x**q / (1 + x**q) - b * x, 0.01, 1.5)

    # Generate natural inflows using lognormal distribution
    natural_inflows = np.random.lognormal(
        mean=math.log(mean**2 / math.sqrt(stdev**2 + mean**2)),
        sigma=math.sqrt(math.log(1.0 + stdev**2 / mean**2)),
        size=(nsamples, nvars),
    )

    # Initialize the pollution level matrix X
    X = np.zeros((nsamples, nvars))

    # Loop through time to compute the pollution levels
    for t in range(1, nvars):
        X[:, t] = (
            (1 - b) * X[:, t - 1]
            + (X[:, t - 1] ** q / (1 + X[:, t - 1] ** q))
            + decisions[t - 1]
            + natural_inflows[:, t - 1]
        )

    # Calculate the average daily pollution for each time step
    average_daily_P = np.mean(X, axis=0)

    # Calculate the reliability (probability of the pollution level being below Pcrit)
    reliability = np.sum(X < Pcrit) / float(nsamples * nvars)

    # Calculate the maximum pollution level (max_P)
    max_P = np.max(average_daily_P)

    # Calculate the utility by discounting the decisions using the discount factor (delta)
    utility = np.sum(alpha * decisions * np.power(delta, np.arange(nvars)))

    # Calculate the inertia (the fraction of time steps with changes larger than 0.02)
    inertia = np.sum(np.abs(np.diff(decisions)) > 0.02) / float(nvars - 1)

    return max_P, utility, inertia, reliability
# fmt: on


def same_as_workbench() -> bool:
    """Whether :func:`lake_problem` is still the Workbench's, character for character."""
    import inspect

    from ema_workbench.examples.example_lake_model import lake_problem as reference

    strip = lambda src: "\n".join(line.rstrip() for line in src.strip().splitlines())  # noqa: E731
    return strip(inspect.getsource(reference)) == strip(inspect.getsource(lake_problem))

NVARS = 100
_CASE_LEVERS = tuple(f"release_{i}" for i in range(NVARS))
_EMA_LEVERS = tuple(str(i) for i in range(NVARS))
_UNCERTAINTIES = ("b", "q", "mean", "stdev", "delta", "alpha", "nsamples")


def _lake_reference_row(**row):
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
