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
    """A store with the defaults and the eighteen test articles, built once."""
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
    assert "3 stored" in out and "2025-11-20" in out and "2024-09-17" in out
    with open_store(db) as s:
        docs = s.documents()
    assert len(docs) == 3  # a new store holds no documents: only what was ingested
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
    assert "1 input could not be ingested (see the table); 1 article stored" in err
    with open_store(db) as s:
        urls = set(s.documents()["url"])
    assert urls == {"https://savadefence.example/news/serbia-budget-2024"}  # nothing of the binary one


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


def test_ingest_of_one_missing_file_says_nothing_was_stored(tmp_path, cli):
    db = tmp_path / "s.db"
    code, _, err = cli(*["ingest", str(tmp_path / "missing.txt"), "--db", str(db)])
    assert code == 2 and "nothing was stored" in err and "the others" not in err
    with open_store(db) as s:
        assert s.counts()["documents"] == 0


def test_ingest_of_a_malformed_address_exits_2_with_a_message(tmp_path, cli):
    code, out, err = cli(*["ingest", "http://[::1", "--db", str(tmp_path / "s.db")])
    assert code == 2 and "Traceback" not in err
    assert "not a valid web address" in out and "nothing was stored" in err


def test_ingest_refuses_a_javascript_url_header_naming_file_line_and_field(tmp_path, cli):
    bad = tmp_path / "bad.txt"
    bad.write_text("URL: javascript:alert(document.cookie)\nDATE: 2024-03-01\n\nKFOR has 4,500 troops in Kosovo.", encoding="utf-8")
    db = tmp_path / "s.db"
    code, out, err = cli(*["ingest", str(bad), "--db", str(db)])
    flat = " ".join(out.replace("│", " ").split())
    assert code == 2 and "bad.txt" in flat and "nothing was stored" in err
    assert "line 1: URL: 'javascript:alert(document.cookie)' is not an http(s) link" in flat
    with open_store(db) as s:
        assert s.counts()["documents"] == 0


def test_article_text_cannot_drive_the_terminal(tmp_path, cli):
    art = tmp_path / "evil.txt"
    art.write_text("URL: https://evil.example/a\nDATE: 2024-03-01\n\nTITLE\x1b]0;pwned\x07 here.\n\n"
                   "NATO has about 4,500 troops\x1b[2J in KFOR [bold]today[/bold], the mission said.\n", encoding="utf-8")
    db = tmp_path / "s.db"
    code, out, err = cli(*["ingest", str(art), "--db", str(db)])
    assert code == 0, err
    code, out, err = cli(*["evidence", "--db", str(db)])
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "[bold]today[/bold]" in out  # shown as written, not taken as markup
    with open_store(db) as s:
        text = s.documents(with_text=True).iloc[0]["text"]
    assert "\x1b" not in text and "\x07" not in text and "4,500 troops in KFOR" in text


def test_reject_accept_undo_and_log(db, cli):
    with open_store(db) as s:
        claims = s.force_claims()
        before = len(claims)
        target = int(claims.iloc[0]["id"])
    code, out, err = cli(*["evidence", "reject", f"C{target}", "--reason", "figure is a target year", "--by", "analyst-1", "--db", str(db)])
    assert code == 0, err
    assert f"C{target} rejected by analyst-1" in " ".join(out.split()) and "1 item set aside" in " ".join(out.split())
    with open_store(db) as s:
        assert len(s.force_claims()) == before - 1 and s.set_aside() == {"claim": 1, "quote": 0, "event": 0, "total": 1}
        assert len(s.force_claims(include_rejected=True)) == before
    code, out, _ = cli(*["evidence", "--kind", "claims", "--db", str(db)])
    assert f"Force claims ({before - 1})" in out and "1 item set aside by reviewers" in out
    code, out, _ = cli(*["evidence", "--kind", "claims", "--include-rejected", "--db", str(db)])
    assert f"Force claims ({before})" in out and "rejected" in out
    code, out, _ = cli(*["evidence", "undo", f"C{target}", "--db", str(db)])
    assert code == 0 and "now no decision" in out
    with open_store(db) as s:
        assert len(s.force_claims()) == before and s.set_aside()["total"] == 0
        log = s.reviews(f"C{target}")
    assert list(log["status"]) == ["rejected", "none"] and list(log["who"])[0] == "analyst-1"
    assert log.iloc[0]["reason"] == "figure is a target year" and int(log.iloc[1]["undoes"]) == int(log.iloc[0]["id"])
    code, out, _ = cli(*["evidence", "accept", f"C{target}", "--db", str(db)])
    assert code == 0
    code, out, _ = cli(*["evidence", "log", "--db", str(db)])
    assert code == 0 and "Reviews (3)" in out and "analyst-1" in out


@pytest.mark.parametrize(
    "argv, words",
    [
        (["evidence", "reject", "C999999", "--reason", "x"], "no claim C999999"),
        (["evidence", "reject", "X1", "--reason", "x"], "not an evidence id"),
        (["evidence", "reject", "C1", "--reason", "  "], "needs a reason"),
        (["evidence", "undo", "Q1"], "no review to undo"),
    ],
)
def test_review_errors_exit_2_and_change_nothing(db, argv, words, cli):
    code, _, err = cli(*argv + ["--db", str(db)])
    assert code == 2 and words in err
    with open_store(db) as s:
        assert s.counts()["reviews"] == 0


def test_evidence_new_and_conflicts(db, cli):
    with open_store(db) as s:
        new = s.force_claims(check="new")
        conf = s.force_claims(check="conflicts")
    code, out, _ = cli(*["evidence", "--new", "--db", str(db)])
    assert code == 0 and f"Force claims ({len(new)})" in out and "Quotes" not in out
    code, out, _ = cli(*["evidence", "--conflicts", "--db", str(db)])
    assert code == 0 and f"Force claims ({len(conf)})" in out
    code, out, _ = cli(*["evidence", "--new", "--conflicts", "--db", str(db)])
    assert f"Force claims ({len(new) + len(conf)})" in out


def test_extract_has_the_size_limit_of_ingest(tmp_path, cli):
    from forewarn.monitor.sources import MAX_BYTES

    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.write(b"KFOR has 4,500 troops. " * (MAX_BYTES // 20))
    assert big.stat().st_size > MAX_BYTES
    code, _, err = cli(*["extract", str(big)])
    assert code == 2 and "big.txt" in err and "too large" in err and "the limit is 5 MB" in err
    code, out, _ = cli(*["ingest", str(big), "--db", str(tmp_path / "s.db")])
    assert code == 2 and "too large" in out


def test_ingest_refuses_a_feed_of_10000_items_with_the_limit(tmp_path, cli):
    items = "".join(f"<item><title>T{i}</title><link>https://w.example/{i}</link><description>KFOR story {i}.</description></item>"
                    for i in range(10_000))
    feed = tmp_path / "huge.rss"
    feed.write_text(f"<?xml version='1.0'?><rss><channel><title>F</title>{items}</channel></rss>", encoding="utf-8")
    db = tmp_path / "s.db"
    code, out, err = cli("ingest", str(feed), "--db", str(db))
    flat = " ".join(out.replace("│", " ").split())
    assert code == 2 and "feed has 10,000 entries; the limit is 1,000" in flat and "nothing was stored" in err
    with open_store(db) as s:
        assert s.counts()["documents"] == 0


def test_ingest_extracts_with_the_case_gazetteer(tmp_path, cli):
    # Without the case's gazetteer, KFOR's figures in this article are put under a generic
    # actor; `forewarn ingest` must store what the extractor finds with the Kosovo gazetteer.
    from forewarn.kosovo.gazetteer import kosovo_gazetteer
    from forewarn.monitor.extract import extract, read_article

    article = DEV / "01.txt"
    text, date, url = read_article(article)
    with_case = sorted((c["actor"], c["value"]) for c in extract(text, date, url=url, gazetteer=kosovo_gazetteer())["force_claims"])
    generic = sorted((c["actor"], c["value"]) for c in extract(text, date, url=url)["force_claims"])
    assert with_case != generic  # the test can tell the two apart

    db = tmp_path / "s.db"
    assert cli("ingest", article, "--db", db).exit_code == 0
    with open_store(db) as s:
        stored = sorted((r.actor, r.value) for r in s.force_claims().itertuples())
    assert stored == with_case
