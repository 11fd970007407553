"""Schema migrations: a store written by forewarn 0.1 (schema version 1) opens and is upgraded in
place, on SQLite and on PostgreSQL (the latter when FOREWARN_TEST_PG_URL is set).

The 0.1 store is built from the frozen version-1 table definitions of the first migration, as
forewarn 0.1 created it: without Alembic's version table, with ``meta.schema_version`` = 1.
"""

from __future__ import annotations

import importlib.util

import pytest
import sqlalchemy as sa

from forewarn.errors import ForewarnError
from forewarn.evidence import open_store
from forewarn.evidence import schema as S
from forewarn.evidence.migrate import HEAD, MIGRATIONS, alembic_config, revision_of



def _v1_module():
    path = next((MIGRATIONS / "versions").glob("0001_*.py"))
    spec = importlib.util.spec_from_file_location("forewarn_migration_0001", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    yield request.getfixturevalue("pg_url")  # a fresh schema on the test server (tests/conftest.py)


def _make_v1_store(url: str) -> None:
    """A store as forewarn 0.1 left it: version-1 tables, a fact with a ``quote``, a document, a claim."""
    md = sa.MetaData()
    _v1_module().v1_tables(md)
    engine = sa.create_engine(url)
    t = md.tables
    with engine.begin() as conn:
        md.create_all(conn)
        conn.execute(t["meta"].insert(), [{"key": "schema_version", "value": "1"}, {"key": "default_facts", "value": "1"}])
        conn.execute(t["sources"].insert().values(id=1, url="https://example.org/kfor", outlet="example.org"))
        conn.execute(t["facts"].insert().values(
            id="F0001", topic="kfor", entity="KFOR", quantity="total_strength (NATO)", base_quantity="total_strength",
            annotation="NATO", value=4500.0, unit="troops", as_of="2023-12", quote="KFOR counts some 4,500 soldiers.", source_id=1))
        conn.execute(t["documents"].insert().values(id=1, url="https://news.example/a", pub_date="2024-01-10",
                                                    text="KFOR has 4,600 troops.", sha256="b" * 64, story_id=1))
        conn.execute(t["force_claims"].insert(), [
            {"id": 1, "document_id": 1, "actor": "NATO", "mission_or_location": "KFOR", "value": 4600.0, "unit": "troops",
             "as_of": "2023-12", "approx": False, "kind": "strength", "sentence": "KFOR has 4,600 troops."},
            {"id": 2, "document_id": 1, "actor": "NATO", "mission_or_location": "KFOR", "value": 9000.0, "unit": "troops",
             "as_of": "2023-12", "approx": False, "kind": "strength", "sentence": "KFOR has 9,000 troops."},
        ])
        conn.execute(t["quotes"].insert().values(document_id=1, speaker="X", text="We are ready."))
    engine.dispose()


def _columns(url: str, table: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return {c["name"] for c in sa.inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def test_a_0_1_store_is_upgraded_in_place(url):
    _make_v1_store(url)
    assert "quote" in _columns(url, "facts") and "statement" not in _columns(url, "facts")
    with open_store(url) as s:
        assert s.get_meta("schema_version") == str(S.SCHEMA_VERSION)
        fact = s.fact("F0001")
        assert fact["statement"] == "KFOR counts some 4,500 soldiers." and fact["outlet"] == "example.org"
        # what was stored is all still there
        assert s.counts()["facts"] == 1 and s.counts()["documents"] == 1 and s.counts()["quotes"] == 1
        claims = s.force_claims().set_index("id")
        # claims stored before the check existed are checked during the upgrade
        assert claims.loc[1, "check"] == "corroborates" and claims.loc[2, "check"] == "conflicts"
        # the new tables work
        s.review("C2", "rejected", reason="misread figure", who="tester")
        assert s.set_aside()["claim"] == 1 and list(s.force_claims()["id"]) == [1]
    assert "statement" in _columns(url, "facts") and "quote" not in _columns(url, "facts")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert revision_of(conn) == HEAD
    engine.dispose()
    with open_store(url) as s:  # opened again: nothing changes
        assert s.counts()["reviews"] == 1 and s.get_meta("schema_version") == str(S.SCHEMA_VERSION)


def test_upgraded_schema_equals_a_new_store(url):
    """After the upgrade, Alembic finds no difference between the database and the current tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    _make_v1_store(url)
    open_store(url, defaults=False).close()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), S.metadata)
    engine.dispose()
    assert diff == []


def test_an_empty_database_upgraded_from_nothing_equals_a_new_store(tmp_path):
    """Running every migration from an empty database gives the tables a new store is created with."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with engine.connect() as conn:
        assert revision_of(conn) == HEAD
        assert compare_metadata(MigrationContext.configure(conn), S.metadata) == []
        assert conn.execute(sa.text("SELECT value FROM meta WHERE key='schema_version'")).scalar() == str(S.SCHEMA_VERSION)
    engine.dispose()


def test_head_revision_is_the_schema_version():
    from alembic.script import ScriptDirectory

    from forewarn.evidence.migrate import alembic_config as cfg_for

    script = ScriptDirectory.from_config(cfg_for(None))
    assert script.get_current_head() == HEAD == f"{S.SCHEMA_VERSION:04d}"
    assert [r.revision for r in script.walk_revisions()][::-1] == [f"{v:04d}" for v in range(1, S.SCHEMA_VERSION + 1)]


def test_migrations_ship_in_the_package():
    from importlib import resources

    versions = resources.files("forewarn").joinpath("evidence", "migrations", "versions")
    names = sorted(p.name for p in versions.iterdir() if p.name.endswith(".py") and p.name[0].isdigit())
    assert len(names) == S.SCHEMA_VERSION
    assert resources.files("forewarn").joinpath("evidence", "migrations", "env.py").is_file()


def test_a_failed_upgrade_leaves_the_store_as_it_was(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _make_v1_store(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # a column the 0002 rename would collide with
        conn.exec_driver_sql("ALTER TABLE facts ADD COLUMN statement TEXT")
    engine.dispose()
    with pytest.raises(ForewarnError, match="cannot upgrade the evidence store from schema version 1 to .*left as it was"):
        open_store(url, defaults=False)
    assert "quote" in _columns(url, "facts")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert revision_of(conn) == "0001"
        assert not sa.inspect(conn).has_table("reviews") and not sa.inspect(conn).has_table("alembic_version")
    engine.dispose()


def test_two_processes_opening_an_old_store_at_once_upgrade_it_once(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'old.db'}"
    _make_v1_store(url)
    code = f"from forewarn.evidence import open_store; s = open_store({url!r}); print(s.counts()['claim_checks'])"
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e for _, e in outs]
    assert all(o.strip() == "2" for o, _ in outs)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
        assert revision_of(conn) == HEAD
        assert conn.execute(sa.text("SELECT count(*) FROM claim_checks")).scalar() == 2
    engine.dispose()


def test_documents_stored_before_intents_were_stored_are_filled_in_once(url):
    """Version 4 stores statements of intent. A document stored before has its statements read
    from its text by the signposts until ``store_intents`` fills them in; then they have ids
    (I…) and a reviewer can reject one."""
    from forewarn.kosovo import load_kosovo_case
    from forewarn.kosovo.gazetteer import kosovo_gazetteer
    from forewarn.monitor.ingest import store_intents
    from forewarn.signposts import match_signposts, parse_signposts

    _make_v1_store(url)
    text = "NORTHGATE - Washington will pull 200 of its soldiers out of KFOR by next summer, the Pentagon said."
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO documents (id, url, pub_date, text, sha256, story_id) VALUES (2, 'https://news.example/b', '2026-03-03', :t, :h, 2)"),
                     {"t": text, "h": "c" * 64})
    engine.dispose()
    gz = kosovo_gazetteer()

    def drawdown(store):
        return next(s for s in match_signposts(parse_signposts(load_kosovo_case()), store, gazetteer=gz) if s.name == "us_drawdown_announced")

    with open_store(url, defaults=False) as s:
        assert s.documents_without_intents() == [1, 2] and s.intents().empty
        assert drawdown(s).fired  # read from the stored text meanwhile
        assert store_intents(s, gazetteer=gz) == 1
        assert s.documents_without_intents() == [] and store_intents(s, gazetteer=gz) == 0
        [row] = s.intents().to_dict("records")
        assert (row["document_id"], row["action"], row["level"], row["size"]) == (2, "reduce", "decision", 200)
        s.review(f"I{row['id']}", "rejected", reason="test", who="tester")
        assert not drawdown(s).fired
    with open_store(url, defaults=False) as s:  # opened again: nothing is pending
        assert s.documents_without_intents() == [] and s.set_aside()["intent"] == 1
