"""Tiny models and case files for the runner, results and engine CLI tests.

``noisy`` is vectorised and stochastic: its noise comes from the ``seed`` column through a
counter-based hash (splitmix64), so each row's outcomes depend only on that row's inputs, and
a run's outcomes can be compared bit for bit across chunkings and processes.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np

from forewarn.engine.seeds import GOLDEN_GAMMA, splitmix64

__version__ = "1.0"

HERE = Path(__file__).resolve().parent

_GOLDEN = np.uint64(GOLDEN_GAMMA)


def uniforms(seed: np.ndarray, T: int) -> np.ndarray:
    """``(n, T)`` uniforms in [0, 1) from each row's seed (no shared random state)."""
    with np.errstate(over="ignore"):
        counters = seed.astype(np.uint64)[:, None] ^ (np.arange(1, T + 1, dtype=np.uint64) * _GOLDEN)[None, :]
    return (splitmix64(counters) >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def noisy(inputs):
    """A random walk pushed up by ``drift`` and down by ``effort``; 5 years."""
    T = 5
    shocks = uniforms(inputs["seed"], T) - 0.5
    step = inputs["drift"][:, None] - 0.1 * inputs["effort"][:, None] + inputs["scale"][:, None] * shocks
    level = np.cumsum(step, axis=1) + np.where(inputs["regime"] == "hot", 1.0, 0.0)[:, None]
    return {"final": level[:, -1], "worst": level.max(axis=1), "level": level}


def slow_noisy(inputs):
    """``noisy``, sleeping a little per call (per chunk): lets a test kill a run part-way."""
    time.sleep(float(os.environ.get("FOREWARN_TEST_SLEEP", "0.15")))
    return noisy(inputs)


def nan_noisy(inputs):
    """``noisy``, but NaN in ``final`` wherever ``drift`` is above 0.9."""
    out = noisy(inputs)
    out["final"] = np.where(inputs["drift"] > 0.9, np.nan, out["final"])
    return out


CASE_TOML = """\
name = "walk"
description = "A noisy walk for the engine's tests."
model = "models_for_tests.py:{model}"

[time]
start = 2026
stop = 2030

[[uncertainties]]
name = "drift"
kind = "real"
low = 0.0
high = 1.0

[[uncertainties]]
name = "regime"
kind = "categorical"
choices = ["calm", "hot"]

[[levers]]
name = "effort"
kind = "real"
low = 0.0
high = 5.0
default = 1.0

[constants]
scale = 0.5

[[outcomes]]
name = "final"
direction = "minimize"

[[outcomes]]
name = "worst"
direction = "minimize"

[[outcomes]]
name = "level"
kind = "series"

[[strategies]]
name = "idle"
levers = {{ effort = 0.0 }}

[[strategies]]
name = "push"
levers = {{ effort = 3.0 }}
"""


def write_case(folder: Path, model: str = "noisy", name: str = "case.toml") -> Path:
    """Write the walk case (using ``model`` from this file) into ``folder``; return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "models_for_tests.py", folder / "models_for_tests.py")
    path = folder / name
    path.write_text(CASE_TOML.format(model=model), encoding="utf-8")
    return path
