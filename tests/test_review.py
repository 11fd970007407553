"""Users review evidence: rejected items leave the store's queries (and so signposts and the
brief), every decision is logged with who, when and why, can be undone, and nothing is deleted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forewarn.errors import InputError
from forewarn.evidence import open_store
from forewarn.evidence.store import current_user, item_ref, parse_item_ref

DEV = Path(__file__).resolve().parent / "fixtures" / "articles" / "dev"


def _store_with_items(tmp_path):
    s = open_store(tmp_path / "s.db", defaults=False)
    doc = {"text": "KFOR has 4,500 troops, a spokesman said: \"We are ready.\" It began in 1999.", "sha256": "d" * 64,
           "url": "https://news.example/r", "pub_date": "2024-03-01"}
    items = {
        "force_claims": [{"actor": "NATO", "mission_or_location": "KFOR", "value": 4500, "unit": "troops", "kind": "strength"},
                         {"actor": "NATO", "mission_or_location": "KFOR", "value": 1999, "unit": "troops", "kind": "strength"}],
        "quotes": [{"speaker": "KFOR", "text": "We are ready.", "kind": "direct"}],
        "events": [{"date": "1999", "what": "KFOR began"}],
    }
    s.add_document(doc, items)
    return s


def test_item_ids_round_trip():
    assert parse_item_ref("C12") == ("claim", 12) and parse_item_ref(" q3 ") == ("quote", 3) and parse_item_ref("E7") == ("event", 7)
    assert item_ref("claim", 12) == "C12"
    for bad in ("12", "C", "X3", "C-1", "C1.5", ""):
        with pytest.raises(InputError, match="not an evidence id"):
            parse_item_ref(bad)


def test_rejected_items_leave_every_query_and_are_counted(tmp_path):
    with _store_with_items(tmp_path) as s:
        c1, c2 = sorted(s.force_claims()["id"])
        q = int(s.quotes()["id"].iloc[0])
        e = int(s.events()["id"].iloc[0])
        s.review(f"C{c2}", "rejected", reason="a year read as a strength", who="ana")
        s.review(f"Q{q}", "rejected", reason="not a quote of KFOR", who="ana")
        s.review(f"E{e}", "rejected", reason="background, not news", who="ana")
        assert list(s.force_claims()["id"]) == [c1]
        assert s.quotes().empty and s.events().empty
        assert s.set_aside() == {"claim": 1, "quote": 1, "event": 1, "total": 3}
        # nothing is deleted: every item is still there for whoever asks
        assert len(s.force_claims(include_rejected=True)) == 2
        assert len(s.quotes(include_rejected=True)) == 1 and len(s.events(include_rejected=True)) == 1
        assert s.counts()["force_claims"] == 2 and s.counts()["reviews"] == 3


def test_every_change_is_logged_and_undone_in_order(tmp_path):
    with _store_with_items(tmp_path) as s:
        c = f"C{int(s.force_claims()['id'].min())}"
        s.review(c, "rejected", reason="wrong actor", who="ana")
        s.review(c, "accepted", reason="actor is right after all", who="ben")
        assert s.set_aside()["total"] == 0
        s.undo_review(c, who="ana")            # undoes the acceptance: rejected again
        assert s.set_aside()["claim"] == 1
        s.undo_review(c, who="ana")            # undoes the rejection: no decision
        assert s.set_aside()["claim"] == 0
        with pytest.raises(InputError, match="no review to undo"):
            s.undo_review(c)
        log = s.reviews(c)
        assert list(log["status"]) == ["rejected", "accepted", "rejected", "none"]
        assert list(log["previous"].fillna("none")) == ["none", "rejected", "accepted", "rejected"]
        assert list(log["who"]) == ["ana", "ben", "ana", "ana"]
        assert list(log["undoes"].fillna(0).astype(int)) == [0, 0, int(log["id"][1]), int(log["id"][0])]
        assert log["at"].str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$").all()


def test_who_defaults_to_the_operating_system_user(tmp_path):
    with _store_with_items(tmp_path) as s:
        row = s.review(f"C{int(s.force_claims()['id'].min())}", "rejected", reason="r")
        assert row["who"] == current_user() != ""


def test_bad_reviews_change_nothing(tmp_path):
    with _store_with_items(tmp_path) as s:
        with pytest.raises(InputError, match="needs a reason"):
            s.review("C1", "rejected", reason=" ")
        with pytest.raises(InputError, match="no claim C999"):
            s.review("C999", "rejected", reason="r")
        with pytest.raises(InputError, match="unknown review status"):
            s.review("C1", "deleted", reason="r")
        assert s.counts()["reviews"] == 0 and s.set_aside()["total"] == 0


def _watch(cli, db):
    code, out, err = cli("watch", "--json", "--db", db, env={"COLUMNS": "200"})
    assert code == 0, err
    return {s["name"]: s for s in json.loads(out)["signposts"]}


def test_a_rejected_claim_no_longer_fires_a_signpost(tmp_path, cli):
    pytest.importorskip("forewarn.monitor.extract")
    from forewarn.monitor.ingest import ingest

    db = tmp_path / "s.db"
    with open_store(db) as s:
        assert ingest(DEV / "16.txt", s).ok  # the US announces a withdrawal of 300 soldiers
    fired = [name for name, sp in _watch(cli, db).items() if sp["fired"]]
    assert "us_drawdown_announced" in fired
    with open_store(db) as s:
        ids = list(s.force_claims()["id"])
        for i in ids:
            s.review(f"C{i}", "rejected", reason="test", who="t")
        for i in s.quotes()["id"]:
            s.review(f"Q{i}", "rejected", reason="test", who="t")
        for i in s.events()["id"]:
            s.review(f"E{i}", "rejected", reason="test", who="t")
    after = _watch(cli, db)
    assert not any(after[name]["fired"] for name in fired)
    with open_store(db) as s:
        for i in ids:
            s.undo_review(f"C{i}", who="t")
    again = _watch(cli, db)
    assert all(again[name]["fired"] for name in fired)
