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
    from forewarn.engine.space import load_case

    return load_case(CASES / "toy.toml")


@pytest.fixture(autouse=True, scope="session")
def _isolated_store(tmp_path_factory):
    """Keep the suite away from the user's evidence store: a session-wide SQLite file instead."""
    import os

    old = os.environ.get("FOREWARN_DB")
    os.environ["FOREWARN_DB"] = str(tmp_path_factory.mktemp("store") / "forewarn.sqlite")
    yield
    if old is None:
        os.environ.pop("FOREWARN_DB", None)
    else:
        os.environ["FOREWARN_DB"] = old


@pytest.fixture(scope="session")
def default_store_file(tmp_path_factory):
    """An SQLite evidence store with the shipped defaults, built once per test session."""
    from forewarn.evidence import open_store

    path = tmp_path_factory.mktemp("default-store") / "store.db"
    open_store(path).close()
    return path


@pytest.fixture
def store_file(default_store_file, tmp_path):
    """A fresh copy of :func:`default_store_file` for one test to change."""
    import shutil

    path = tmp_path / "store.db"
    shutil.copy(default_store_file, path)
    return path
