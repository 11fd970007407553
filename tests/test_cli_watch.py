"""``forewarn watch``: signposts of a case checked against an evidence store, end to end."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

# The framing article is evaluation material kept outside the repository (../shared).
RFE = Path(__file__).resolve().parents[2] / "shared" / "data" / "articles" / "rfe-kfor-us-troops.txt"
needs_rfe = pytest.mark.skipif(not RFE.is_file(), reason="the framing article (../shared/data/articles) is not present")


def _ingest_rfe(tmp_path, cli):
    """Ingest the framing article with the URL and date of its annotation; return its text."""
    gold = json.loads(RFE.with_name("rfe-kfor-us-troops.gold.json").read_text(encoding="utf-8"))
    text = RFE.read_text(encoding="utf-8")
    path = tmp_path / "rfe.txt"
    path.write_text(f"URL: {gold['url']}\nDATE: {gold['pub_date']}\n\n{text}", encoding="utf-8")
    code, _, err = cli("ingest", str(path))
    assert code == 0, err
    return text


CASE = """
name = "watchtest"
model = "watchtest_model.py:run"

[[uncertainties]]
name = "us_withdrawal_year"
kind = "integer"
low = 2025
high = 2040

[[outcomes]]
name = "y"

[[signposts]]
name = "us_kfor_small"
description = "The US contingent in KFOR reported below 1,000"
[signposts.evidence]
actor = "U.S."
place = "KFOR|Kosovo"
kinds = ["strength"]
threshold = { unit = "troops", op = "<", value = 1000 }
since = "2025-01-01"
[signposts.narrows]
uncertainty = "us_withdrawal_year"
op = "<="
offset_years = 3

[[signposts]]
name = "kfor_below_4000"
description = "KFOR strength reported below 4,000"
[signposts.evidence]
actor = "KFOR"
place = "KFOR"
kinds = ["strength"]
threshold = { unit = "troops", op = "<", value = 4000 }
"""


@pytest.fixture
def case_file(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(CASE, encoding="utf-8")
    return path


@pytest.fixture
def hand_store(tmp_path, monkeypatch):
    """A store holding one hand-built document and its claims (no extractor involved)."""
    from forewarn.evidence import open_store

    url = tmp_path / "hand.db"
    monkeypatch.setenv("FOREWARN_DB", str(tmp_path / "unused.db"))
    text = "The US has 450 soldiers in KFOR. KFOR has 4,100 troops."
    claims = [
        {"actor": "United States", "mission_or_location": "KFOR", "value": 450, "unit": "troops", "as_of": "2026-04",
         "kind": "strength", "sentence": "The US has 450 soldiers in KFOR.", "start": 0, "end": 32},
        {"actor": "NATO", "mission_or_location": "KFOR", "value": 4100, "unit": "troops", "as_of": "2026-04",
         "kind": "strength", "sentence": "KFOR has 4,100 troops.", "start": 33, "end": 55},
    ]
    with open_store(url, defaults=False) as store:
        store.add_document(
            {"text": text, "sha256": hashlib.sha256(text.encode()).hexdigest(), "url": "https://example.org/kfor",
             "title": "US contingent shrinks", "pub_date": "2026-04-02"},
            {"force_claims": claims},
        )
    return url


def test_watch_json_known_answer(tmp_path, hand_store, cli):
    # From 2026 only the hand-built claim counts.
    case_file = tmp_path / "case2026.toml"
    case_file.write_text(CASE.replace('since = "2025-01-01"', 'since = "2026-01-01"'), encoding="utf-8")
    code, out, err = cli("watch", "--case", str(case_file), "--db", str(hand_store), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["case"] == "watchtest"
    by_name = {s["name"]: s for s in data["signposts"]}
    assert list(by_name) == ["us_kfor_small", "kfor_below_4000"]
    small = by_name["us_kfor_small"]
    # first seen when published (2026-04-02), the figure is as of 2026-04
    assert small["fired"] is True and small["first_seen"] == "2026-04-02"
    assert small["constraints"][0]["text"] == "us_withdrawal_year <= 2029"
    [hand] = small["evidence"]
    assert hand["sentence"] == "The US has 450 soldiers in KFOR."
    assert hand["url"] == "https://example.org/kfor" and hand["title"] == "US contingent shrinks"
    assert hand["value"] == 450 and hand["date"] == "2026-04" and hand["source"] == "force_claim"
    # 4,100 is not below 4,000 (and the framing article's 4,600 is not either)
    assert by_name["kfor_below_4000"]["fired"] is False
    assert data["fired"] == sum(s["fired"] for s in data["signposts"])


def test_watch_table(case_file, hand_store, cli):
    code, out, err = cli("watch", "--case", str(case_file), "--db", str(hand_store))
    assert code == 0, err
    assert "us_kfor_small" in out and "FIRED" in out and "not fired" in out
    assert "The US has 450 soldiers in KFOR." in out
    assert "US contingent shrinks" in out


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (('op = "<="', 'op = "=<"'), "us_kfor_small.narrows.op"),
        (('kinds = ["strength"]\nthreshold = { unit = "troops", op = "<", value = 1000 }',
          'kinds = ["strength"]\ncolour = "red"'), "unknown key 'colour'"),
        (('uncertainty = "us_withdrawal_year"', 'uncertainty = "serbian_threat"'), "'serbian_threat'"),
    ],
)
def test_watch_bad_case_exits_2(tmp_path, hand_store, cli, edit, words):
    path = tmp_path / "bad.toml"
    path.write_text(CASE.replace(*edit, 1), encoding="utf-8")
    code, out, err = cli("watch", "--case", str(path), "--db", str(hand_store))
    assert code == 2
    assert words in err and "bad.toml" in err


def test_watch_case_without_signposts(tmp_path, hand_store, cli):
    path = tmp_path / "plain.toml"
    path.write_text(CASE[: CASE.index("[[signposts]]")], encoding="utf-8")
    code, out, err = cli("watch", "--case", str(path), "--db", str(hand_store))
    assert code == 0, err
    assert "declares no signposts" in out
    code, out, err = cli("watch", "--case", str(path), "--db", str(hand_store), "--json")
    assert code == 0 and json.loads(out)["signposts"] == []


def test_watch_missing_case_exits_2(tmp_path, hand_store, cli):
    code, _, err = cli("watch", "--case", str(tmp_path / "nope.toml"), "--db", str(hand_store))
    assert code == 2 and "nope.toml" in err


@pytest.mark.parametrize("kind", ["folder", "not_sqlite"])
def test_watch_bad_database_exits_2(tmp_path, case_file, cli, kind):
    bad = tmp_path / "bad.db"
    if kind == "folder":
        bad.mkdir()
    else:
        bad.write_bytes(b"this is not a database, just some text\n" * 4)
    code, _, err = cli("watch", "--case", str(case_file), "--db", str(bad))
    assert code == 2 and "bad.db" in err


@needs_rfe
def test_watch_on_framing_article_with_test_case(tmp_path, monkeypatch, case_file, cli):
    """Real store, real extractor: the framing article's 'about 600 soldiers' in KFOR (2025-03)."""
    monkeypatch.setenv("FOREWARN_DB", str(tmp_path / "fresh.db"))
    article = _ingest_rfe(tmp_path, cli)
    code, out, err = cli("watch", "--case", str(case_file), "--json")
    assert code == 0, err
    small = next(s for s in json.loads(out)["signposts"] if s["name"] == "us_kfor_small")
    assert small["fired"], "no US strength claim below 1,000 in KFOR/Kosovo was extracted from the article"
    sentences = [e["sentence"] for e in small["evidence"]]
    assert any("about 600 soldiers" in s for s in sentences), sentences
    assert all(s in article for s in sentences)
    assert small["first_seen"].startswith("2025")
    assert small["constraints"][0]["text"] == "us_withdrawal_year <= 2028"


@needs_rfe
def test_watch_builtin_case_on_framing_article(tmp_path, monkeypatch, cli):
    """The default command: built-in Kosovo case, fresh store with the framing article ingested.

    Known answer: the article reports the US contingent at about 600 (strength, not a cut), KFOR at
    about 4,600 and the KSF at about 2,500, and gives no number for Serbian troops, so none of the
    case's four signposts fires on it. A later report of a US drawdown fires the first one.
    """
    monkeypatch.setenv("FOREWARN_DB", str(tmp_path / "fresh.db"))
    _ingest_rfe(tmp_path, cli)
    code, out, err = cli("watch", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["case"] == "kosovo" and data["documents"] >= 1
    assert [s["name"] for s in data["signposts"]] == [
        "us_drawdown_announced", "kfor_below_4000", "serbian_buildup", "ksf_above_5000"]
    assert not any(s["fired"] for s in data["signposts"])

    news = tmp_path / "drawdown.txt"
    news.write_text(
        "URL: https://example.org/news/kfor-drawdown\nDATE: 2026-02-10\n\n"
        "WASHINGTON - The United States will withdraw 300 of its roughly 600 troops serving with KFOR in "
        "Kosovo by the end of the year, the Pentagon said on Monday.\n"
    )
    code, _, err = cli("ingest", str(news))
    assert code == 0, err
    code, out, err = cli("watch", "--json")
    data = json.loads(out)
    fired = {s["name"]: s for s in data["signposts"] if s["fired"]}
    assert set(fired) == {"us_drawdown_announced"}
    sp = fired["us_drawdown_announced"]
    assert sp["first_seen"].startswith("2026")
    assert sp["constraints"][0]["text"] == "us_withdrawal_year <= 2028"
    # an announced decision to withdraw 300 of 600: at least half the contingent goes
    assert sp["level"] == "decision" and "us_share_withdrawn >= 0.5" in [c["text"] for c in sp["constraints"]]
    assert any(e["source"] == "intent" and e["size"] == 300 for e in sp["evidence"])
    assert "will withdraw 300" in sp["evidence"][0]["sentence"]
    code, out, err = cli("watch")
    assert code == 0, err
    assert "FIRED" in out and "will withdraw 300" in " ".join(out.split())


TOY_SIGNPOSTS = """
[[signposts]]
name = "us_kfor_small"
[signposts.evidence]
actor = "US"
place = "KFOR"
kinds = ["strength"]
threshold = { unit = "troops", op = "<", value = 500 }
[signposts.narrows]
uncertainty = "k"
op = "<="
value = 2
"""


@pytest.fixture
def toy_run(tmp_path, cases_dir):
    """A small run of the toy case, with a signpost declared in its case file."""
    import shutil

    from forewarn.engine.runner import run

    folder = tmp_path / "toy"
    folder.mkdir()
    shutil.copy(cases_dir / "toy_model.py", folder / "toy_model.py")
    text = (cases_dir / "toy.toml").read_text(encoding="utf-8")
    # The fixture's own free-form signpost is not a declaration this module accepts: replace it.
    text = text[: text.index("[[signposts]]")] if "[[signposts]]" in text else text
    text += TOY_SIGNPOSTS
    (folder / "toy.toml").write_text(text, encoding="utf-8")
    res = run(folder / "toy.toml", n=30, seed=5, out=tmp_path / "run")
    return folder / "toy.toml", tmp_path / "run", res


def test_watch_run_narrowing(toy_run, hand_store, cli):
    case_path, run_dir, res = toy_run
    code, out, err = cli("watch", "--run", str(run_dir), "--db", str(hand_store), "--json")
    assert code == 0, err
    data = json.loads(out)
    futures = res.experiments.drop_duplicates("future")
    left = int((futures["k"] <= 2).sum())
    assert 0 < left < 30
    assert data["narrowing"]["futures_total"] == 30 and data["narrowing"]["futures_left"] == left
    assert data["narrowing"]["steps"][0]["constraint"] == "k <= 2"
    code, out, err = cli("watch", "--run", str(run_dir), "--db", str(hand_store))
    assert code == 0, err
    assert f"{left} of 30 futures remain." in out


def test_watch_run_narrowed_to_nothing(toy_run, hand_store, tmp_path, cli):
    case_path, run_dir, res = toy_run
    other = tmp_path / "toy_none.toml"
    other.write_text(case_path.read_text(encoding="utf-8").replace('op = "<="\nvalue = 2', 'op = "<"\nvalue = 1'),
                     encoding="utf-8")
    code, out, err = cli("watch", "--case", str(other), "--run", str(run_dir), "--db", str(hand_store))
    assert code == 0, err
    assert "leave NO future of 30" in out and "k < 1" in out


def test_watch_help_shows_the_signposts_table_name(cli):
    code, out, _ = cli("watch", "--help")
    assert code == 0 and "[[signposts]]" in out


def test_watch_case_by_builtin_name(hand_store, cli):
    code, out, err = cli("watch", "--case", "kosovo", "--db", str(hand_store), "--json")
    assert code == 0, err
    assert json.loads(out)["case"] == "kosovo"
