"""Fixtures shared by the test suite (kept small and generic)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = FIXTURES / "cases"


@pytest.fixture
def cases_dir() -> Path:
    """The folder of test case files (``toy.toml`` and the ``bad_*.toml`` files)."""
    return CASES


@pytest.fixture
def toy_case():
    """The toy case: four uncertainties of every kind, two levers, two strategies, a series."""
    from forewarn.space import load_case

    return load_case(CASES / "toy.toml")
