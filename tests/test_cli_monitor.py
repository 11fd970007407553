"""``forewarn ingest`` and ``forewarn evidence``, end to end through the CLI's main()."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forewarn.evidence import open_store

DEV = Path(__file__).resolve().parent / "fixtures" / "articles" / "dev"


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich wraps tables to the terminal width


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """A store with the defaults and the twenty dev articles, built once."""
    path = tmp_path_factory.mktemp("ing") / "store.db"
    with open_store(path) as s:
        from forewarn.monitor.ingest import ingest

        assert ingest(DEV, s).ok
    return path


@pytest.fixture
def db(ingested, tmp_path):
    path = tmp_path / "store.db"
    shutil.copy(ingested, path)
    return path


def test_ingest_folder_exit_0_and_summary(tmp_path, cli):
    src = tmp_path / "articles"
    src.mkdir()
    for n in ("02", "05", "13"):
        shutil.copy(DEV / f"{n}.txt", src / f"{n}.txt")
    db = tmp_path / "s.db"
    code, out, err = cli("ingest", str(src), "--db", str(db))
    assert code == 0, err
    assert "3 stored" in out and "2010-10-30" in out and "2022-11-23" in out
    with open_store(db) as s:
        docs = s.documents()
    assert len(docs) == 4  # the framing article comes with every new store
    # again: duplicates, still exit 0
    code, out, _ = cli("ingest", str(src), "--db", str(db))
    assert code == 0 and "3 duplicate" in out


def test_ingest_with_a_bad_input_exits_2_and_stores_the_rest(tmp_path, cli):
    good = tmp_path / "good.txt"
    shutil.copy(DEV / "08.txt", good)
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    db = tmp_path / "s.db"
    code, out, err = cli("ingest", str(good), str(binary), "--db", str(db))
    assert code == 2
    assert "binary" in out and "1 stored" in out and "1 error" in out
    assert "1 input could not be ingested" in err
    with open_store(db) as s:
        urls = set(s.documents()["url"])
    assert "https://www.urdupoint.com/en/world/trump-directed-pentagon-to-remove-9500-us-tr-939304.html" in urls
    assert len(urls) == 2  # the framing article and the good file; nothing of the binary one


def test_ingest_into_corrupt_database_exits_2(tmp_path, cli):
    bad = tmp_path / "bad.db"
    bad.write_text("not a database at all")
    code, _, err = cli("ingest", str(DEV / "01.txt"), "--db", str(bad))
    assert code == 2 and "bad.db" in err and "not an SQLite database" in err


def test_evidence_lists_claims_quotes_and_events(db, cli):
    code, out, err = cli("evidence", "--db", str(db))
    assert code == 0, err
    assert "Force claims" in out and "Quotes" in out and "Events" in out
    with open_store(db) as s:
        n_claims = len(s.force_claims())
    assert f"Force claims ({n_claims})" in out


def test_evidence_filters(db, cli):
    with open_store(db) as s:
        claims = s.force_claims(actor="serbia")
    code, out, _ = cli("evidence", "--kind", "claims", "--actor", "serbia", "--db", str(db))
    assert code == 0 and f"Force claims ({len(claims)})" in out and "Quotes" not in out
    code, out, _ = cli("evidence", "--kind", "events", "--since", "2024", "--db", str(db))
    assert code == 0
    with open_store(db) as s:
        assert f"Events ({len(s.events(since='2024'))})" in out
    code, _, err = cli("evidence", "--kind", "rumours", "--db", str(db))
    assert code == 2 and "--kind" in err
    code, _, err = cli("evidence", "--since", "yesterday", "--db", str(db))
    assert code == 2 and "--since" in err


def test_evidence_on_an_empty_match(db, cli):
    code, out, _ = cli("evidence", "--actor", "Atlantis", "--db", str(db))
    assert code == 0 and "no evidence matches" in out
