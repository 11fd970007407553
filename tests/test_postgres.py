"""The evidence store on PostgreSQL (skipped unless FOREWARN_TEST_PG_URL is set).

Each test runs in its own fresh schema, created before and dropped after, so tests never see
each other's rows and the server is left as found. Example::

    FOREWARN_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:55432/postgres pytest -m postgres
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres

PG_URL = os.environ.get("FOREWARN_TEST_PG_URL")
if not PG_URL:
    pytest.skip("FOREWARN_TEST_PG_URL is not set", allow_module_level=True)
pytest.importorskip("psycopg")

from forewarn.evidence import open_store  # noqa: E402
from forewarn.monitor.ingest import ingest  # noqa: E402

DEV = Path(__file__).resolve().parent / "fixtures" / "articles" / "dev"


def test_defaults_and_fact_queries(pg_url):
    with open_store(pg_url) as s:
        assert s.dialect == "postgresql"
        facts = s.facts()
        assert len(facts) == 727 and facts["statement"].str.len().gt(0).all()
        dec = s.facts(entity="kfor", since="2023-12", quantity="total_strength*")
        assert {"F0089", "F0090"} <= set(dec.id)
        assert s.fact("F0090")["outlet"] == "derstandard.at"
        assert len(s.facts(entity="KFOR/*")) > 0
        assert s.documents().empty  # opening a store extracts nothing
    # opened again: nothing loaded twice
    with open_store(pg_url) as s:
        assert s.counts()["facts"] == 727 and s.counts()["documents"] == 0


def test_ingest_dev_articles_and_query(pg_url):
    with open_store(pg_url) as s:
        report = ingest([DEV / "02.txt", DEV / "09.txt", DEV / "14.txt", DEV / "17.txt"], s)
        assert report.ok and report.counts() == {"stored": 4}
        docs = s.documents()
        assert set(docs.pub_date.dropna()) == {"2025-11-20", "2024-11-29", "2024-06-12"}  # 14 is undated
        again = ingest([DEV / "02.txt"], s)
        assert again.counts() == {"duplicate": 1}
        claims = s.force_claims(since="2020")
        assert (claims[["as_of", "pub_date"]].bfill(axis=1).iloc[:, 0] >= "2020").all()
        c = s.counts()
        assert c["documents"] == 4 and c["claim_checks"] == c["force_claims"]
        # offsets point into the stored text
        text = s.documents(with_text=True).set_index("id")["text"]
        for row in s.quotes().to_dict("records"):
            if row["start"] is not None and row["start"] == row["start"]:
                assert 0 <= row["start"] <= row["end"] <= len(text[row["document_id"]])


def test_reviews_and_claim_checks_on_postgres(pg_url):
    with open_store(pg_url) as s:
        ingest([DEV / "17.txt", DEV / "13.txt"], s)
        claims = s.force_claims()
        assert set(claims["check"]) <= {"corroborates", "conflicts", "new"} and claims["check"].notna().all()
        first = f"C{int(claims.iloc[0]['id'])}"
        s.review(first, "rejected", reason="duplicate figure", who="pg-test")
        assert s.set_aside()["total"] == 1 and len(s.force_claims()) == len(claims) - 1
        s.undo_review(first, who="pg-test")
        assert s.set_aside()["total"] == 0 and list(s.reviews(first)["status"]) == ["rejected", "none"]
        changes = s.claim_changes("2024-01-01")
        assert set(changes["check"]) <= {"new", "conflicts"} and (changes["pub_date"] >= "2024-01-01").all()


def test_same_story_on_postgres(pg_url, tmp_path):
    raw = (DEV / "14.txt").read_text(encoding="utf-8")
    body = raw.split("\n\n", 1)[1]
    copy = tmp_path / "copy.txt"
    copy.write_text("URL: https://mirror.example.net/x\nDATE: 2023-07-17\n\nMirror | Share\n\n" + body, encoding="utf-8")
    with open_store(pg_url, defaults=False) as s:
        first = ingest(DEV / "14.txt", s).results[0]
        second = ingest(copy, s).results[0]
        assert second.status == "same story" and second.story_id == first.document_id


def test_bad_csv_changes_nothing_on_postgres(pg_url, tmp_path, cli, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,topic,entity,quantity,value,unit,as_of,source_url,statement\n"
        "F0001,kfor,KFOR,total_strength,1,troops,2020,https://example.org,x\n"
        "F0002,kfor,KFOR,total_strength,oops,troops,2020,https://example.org,x\n"
    )
    with open_store(pg_url) as s:
        before = s.counts()
    monkeypatch.setenv("COLUMNS", "200")
    code, _, err = cli("facts", "load", bad, "--db", pg_url)
    assert code == 2 and f"{bad}:3" in err
    with open_store(pg_url) as s:
        assert s.counts() == before
        assert s.fact("F0001")["value"] != 1.0


def test_unreachable_server_is_a_clear_error(refused_port):
    from forewarn.errors import InputError

    with pytest.raises(InputError, match="cannot open"):
        open_store(f"postgresql+psycopg://nobody@127.0.0.1:{refused_port}/none?connect_timeout=2")
