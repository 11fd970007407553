"""Fixtures shared by the test suite (kept small and generic)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = FIXTURES / "cases"

# Fixture files are data (some model files raise on import on purpose), not modules to collect
# for doctests.
collect_ignore = ["fixtures"]


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


class CliResult(NamedTuple):
    """What one command did: ``code, out, err = cli(...)``, or ``r.exit_code``, ``r.stdout``, ``r.stderr``."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli():
    """Run ``forewarn ARGS...`` in this process with ``typer.testing.CliRunner``.

    ``cli("run", case, "-n", 4)`` returns a :class:`CliResult`. Arguments are turned into strings;
    keyword arguments go to ``CliRunner.invoke`` (``input=``, ``env=``). An exception other than an
    exit is raised again, so a traceback fails the test that caused it rather than reading as exit 1.
    """
    from typer.testing import CliRunner

    from forewarn.cli import app

    runner = CliRunner()

    def invoke(*args, **kwargs) -> CliResult:
        result = runner.invoke(app, [str(a) for a in args], prog_name="forewarn", **kwargs)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def refused_port():
    """A local TCP port that refuses connections for as long as the test runs.

    The socket is bound, so nothing else can take the port, but never listens: a connection
    to it is refused at once, whatever else runs on the machine.
    """
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose connections see only a fresh schema (``search_path``), dropped after the
    test, so tests never see each other's rows. Skips unless ``FOREWARN_TEST_PG_URL`` is set."""
    import os
    import uuid

    base = os.environ.get("FOREWARN_TEST_PG_URL")
    if not base:
        pytest.skip("FOREWARN_TEST_PG_URL is not set")
    pytest.importorskip("psycopg")
    import sqlalchemy as sa

    from forewarn.evidence import resolve_url

    schema = f"fw_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(resolve_url(base))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    try:
        yield f"{resolve_url(base)}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
