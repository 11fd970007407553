"""The evidence store: opening, defaults, facts, documents with their items, queries."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from forewarn.errors import ForewarnError, InputError
from forewarn.evidence import open_store, resolve_url
from forewarn.evidence import schema as S
from forewarn.evidence.store import DuplicateDocument


@pytest.fixture
def store(store_file):
    s = open_store(store_file)
    yield s
    s.close()


def test_defaults_load_727_facts_with_statements_and_no_documents(store):
    df = store.facts()
    assert len(df) == 727
    assert df["statement"].notna().all() and (df["statement"].str.len() > 0).all()
    assert df["source_url"].notna().all()
    assert store.documents().empty  # documents come only from what a user ingests


def test_defaults_are_loaded_once(store_file):
    with open_store(store_file) as s:
        before = s.counts()
    with open_store(store_file) as s:
        assert s.counts() == before


def test_user_facts_are_not_overwritten_by_defaults(tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text(
        "id,topic,entity,quantity,value,unit,as_of,source_url,statement\n"
        "F0001,kfor,KFOR,total_strength,1,troops,2020,https://example.org,My own figure.\n"
    )
    with open_store(tmp_path / "s.db", defaults=False) as s:
        assert s.load_facts(csv) == 1
    with open_store(tmp_path / "s.db") as s:
        facts = s.facts()
        assert len(facts) == 1 and facts.loc[0, "statement"] == "My own figure."


def test_no_defaults(tmp_path):
    with open_store(tmp_path / "bare.db", defaults=False) as s:
        assert s.counts()["facts"] == 0
        assert s.documents().empty
        # the empty result keeps its columns
        assert {"id", "pub_date", "n_quotes"} <= set(s.documents().columns)
        assert {"actor", "value", "start", "end", "pub_date"} <= set(s.force_claims().columns)


def test_fact_queries(store):
    kfor = store.facts(entity="kfor", quantity="total_strength", since=2023)
    assert len(kfor) > 5
    assert (kfor.entity == "KFOR").all() and (kfor.base_quantity == "total_strength").all()
    assert (kfor.as_of >= "2023").all()
    assert list(kfor.as_of) == sorted(kfor.as_of)  # over time
    contingents = store.facts(entity="KFOR/*")
    assert len(contingents) > 0 and contingents.entity.str.startswith("KFOR/").all()
    assert set(store.facts(topic="KSF").topic) == {"ksf"}
    two = store.facts(ids=["F0089", "F0090"])
    assert sorted(two.id) == ["F0089", "F0090"]
    f = store.fact("F0090")
    assert f["value"] == 5000.0 and f["base_quantity"] == "total_strength_min"
    assert f["outlet"] == "derstandard.at"
    with pytest.raises(InputError, match="F9999"):
        store.fact("F9999")


def test_corrupt_or_odd_database_files(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("this is not a database")
    with pytest.raises(InputError, match="bad.db.*not an SQLite database"):
        open_store(bad)
    with pytest.raises(InputError, match="folder"):
        open_store(tmp_path)
    # an SQLite header followed by garbage: caught when connecting
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with pytest.raises(InputError, match="broken.db"):
        open_store(broken)


def test_url_resolution(tmp_path, monkeypatch):
    monkeypatch.setenv("FOREWARN_DB", str(tmp_path / "env.db"))
    assert resolve_url() == "sqlite:///" + str((tmp_path / "env.db").resolve())
    assert resolve_url("sqlite://") == "sqlite://"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("FOREWARN_DB")
    assert resolve_url().endswith("forewarn.db")


def test_sqlite_pragmas(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.db"
    open_store(path, defaults=False).close()
    con = sqlite3.connect(path)
    # as a later forewarn would leave it: a revision and a schema version this one does not know
    con.execute("update meta set value='999' where key='schema_version'")
    con.execute("update alembic_version set version_num='0999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ForewarnError, match="schema version 999 is newer"):
        open_store(path, defaults=False)
    assert path.read_bytes() == before


def _doc(text="Some text about KFOR with 4,500 troops.", sha="a" * 64, **kw):
    return {"text": text, "sha256": sha, "url": "https://example.org/x", "pub_date": "2024-01-02", **kw}


def test_document_and_items_round_trip(tmp_path):
    with open_store(tmp_path / "s.db", defaults=False) as s:
        items = {
            "quotes": [{"speaker": "A B", "role": "x", "text": "hello", "kind": "direct", "start": 1, "end": 6, "sentence": "s"}],
            "force_claims": [
                {"actor": "NATO", "mission_or_location": "KFOR", "value": 4500, "value_max": None, "unit": "troops",
                 "as_of": None, "approx": True, "kind": "strength", "sentence": "s", "start": 0, "end": 5, "extra": 1}
            ],
            "events": [{"date": "2024-01", "what": "w", "sentence": "s", "start": 0, "end": 3}],
        }
        doc_id = s.add_document(_doc(), items)
        docs = s.documents()
        assert docs.loc[0, "n_quotes"] == 1 and docs.loc[0, "n_force_claims"] == 1 and docs.loc[0, "story_id"] == doc_id
        claims = s.force_claims(actor="nato", place="kfor")
        assert len(claims) == 1 and claims.loc[0, "value"] == 4500.0 and bool(claims.loc[0, "approx"])
        assert claims.loc[0, "pub_date"] == "2024-01-02"  # the document's date comes along
        assert len(s.force_claims(since="2024-01")) == 1  # undated claim: the publication date counts
        assert len(s.force_claims(since="2025")) == 0
        ev = s.events()
        assert ev.loc[0, "granularity"] == "month"
        assert len(s.quotes(speaker="a b")) == 1
        with pytest.raises(DuplicateDocument) as dup:
            s.add_document(_doc(), items)
        assert dup.value.existing == doc_id
        assert s.counts()["quotes"] == 1


def test_a_failing_item_stores_nothing_of_the_document(tmp_path):
    with open_store(tmp_path / "s.db", defaults=False) as s:
        bad = {"force_claims": [{"actor": "NATO", "value": "many"}]}  # not a number
        with pytest.raises((ValueError, ForewarnError)):
            s.add_document(_doc(), bad)
        assert s.counts()["documents"] == 0 and s.counts()["sources"] == 0


def test_foreign_keys_are_enforced(store):
    with pytest.raises(sa.exc.IntegrityError):
        with store.engine.begin() as conn:
            conn.execute(S.quotes.insert().values(document_id=12345, text="x"))


def test_delete_document_removes_its_items(tmp_path):
    with open_store(tmp_path / "s.db", defaults=False) as s:
        i = s.add_document(_doc(), {"events": [{"date": "2024", "what": "w"}]})
        s.delete_document(i)
        assert s.counts()["documents"] == 0 and s.counts()["events"] == 0


def test_opening_a_store_neither_extracts_nor_imports_the_monitor():
    import subprocess
    import sys

    code = (
        "import sys; from forewarn.evidence import open_store; s = open_store('sqlite://'); "
        "assert s.counts()['documents'] == 0 and s.counts()['facts'] == 727; "
        "print(sorted(m for m in sys.modules if m.startswith('forewarn.monitor')))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
