"""The main job: ``forewarn brief`` end to end, its determinism, evidence narrowing and bad input."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest


N = 400  # futures: small enough for the default suite, large enough for PRIM and the ranking


@pytest.fixture(scope="module")
def brief_run(tmp_path_factory):
    from forewarn.kosovo.brief import build_kosovo_brief

    root = tmp_path_factory.mktemp("brief")
    db = root / "store.sqlite"
    return build_kosovo_brief(n=N, seed=11, out=root / "out", db=str(db)), root, db


def test_brief_command_answers_the_five_questions(cli, tmp_path):
    code, out, err = cli("brief", "-n", N, "--seed", 3, "--out", tmp_path / "b", "--db", tmp_path / "s.sqlite")
    assert code == 0, err
    for q in range(1, 6):
        assert re.search(rf"^{q}\. ", out, re.M), f"question {q} missing"
    flat = " ".join(re.sub(r"[│╭╮╰╯─]", " ", out).split())  # the terminal wraps lines and draws boxes
    assert "not predictions" in flat
    assert "holds up best" in flat
    html = (tmp_path / "b" / "brief.html").read_text()
    assert html.count("<svg") >= 4
    assert "Sources" in html


def test_every_cited_fact_is_in_the_sources_appendix(brief_run):
    brief, root, _ = brief_run
    html = (root / "out" / "brief.html").read_text()
    appendix = set(re.findall(r'<tr id="(F\d{4})">', html))
    assert brief.fact_ids, "the brief cites no fact"
    assert set(brief.fact_ids) <= appendix
    # and each appendix row carries its source sentence and link
    assert html.count('rel="noreferrer">source</a>') == len(appendix)


def test_html_is_well_formed_and_self_contained(brief_run):
    _, root, _ = brief_run
    html = (root / "out" / "brief.html").read_text()
    stack = []

    class P(HTMLParser):
        VOID = {"meta", "br", "img", "input", "link", "hr", "line", "rect", "polygon", "polyline"}

        def handle_starttag(self, tag, attrs):
            if tag not in self.VOID:
                stack.append(tag)

        def handle_startendtag(self, tag, attrs):
            pass

        def handle_endtag(self, tag):
            if tag in self.VOID:
                return
            assert stack and stack[-1] == tag, f"</{tag}> closes <{stack[-1] if stack else None}>"
            stack.pop()

    P().feed(html)
    assert stack == []
    assert "<script" not in html and "http://" not in re.sub(r'href="[^"]*"', "", html).replace("http://www.w3.org", "")


def test_same_seed_same_brief(brief_run, tmp_path):
    from forewarn.kosovo.brief import build_kosovo_brief

    brief, _, db = brief_run
    again = build_kosovo_brief(n=N, seed=11, out=tmp_path / "again", db=str(db), html=False)
    assert [s.answer for s in again.sections] == [s.answer for s in brief.sections]
    assert again.data["ranking"].equals(brief.data["ranking"])


def test_fired_signpost_narrows_the_futures_and_the_brief_says_so(tmp_path):
    from forewarn.kosovo.brief import build_kosovo_brief
    from forewarn.evidence import open_store
    from forewarn.monitor.ingest import ingest

    db = tmp_path / "s.sqlite"
    article = tmp_path / "drawdown.txt"
    article.write_text(
        "URL: https://example.org/news/kfor-drawdown\nDATE: 2026-02-10\n\n"
        "WASHINGTON - The United States will withdraw 300 of its roughly 600 troops serving with KFOR in "
        "Kosovo by the end of the year, the Pentagon said on Monday.\n"
    )
    store = open_store(str(db))
    report = ingest([article], store)
    assert report.counts().get("stored") == 1
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db), html=False)
    statuses = {s.name: s for s in brief.data["signposts"]}
    assert statuses["us_drawdown_announced"].fired
    summary = brief.data["narrowing"]
    assert 0 < summary.futures_left < summary.futures_total
    watch = brief.sections[-1]
    assert "fired" in watch.answer and f"{summary.futures_left:,} of {summary.futures_total:,}" in watch.answer
    # the narrowed futures respect the bound: withdrawal by 2028 at the latest
    frame = brief.data["ranking"]
    assert set(frame["strategy"]) == set(brief.data["ranking_before_evidence"]["strategy"])


def test_article_text_is_escaped_in_the_html(tmp_path):
    from forewarn.kosovo.brief import build_kosovo_brief
    from forewarn.evidence import open_store
    from forewarn.monitor.ingest import ingest

    db = tmp_path / "s.sqlite"
    article = tmp_path / "evil.txt"
    article.write_text(
        "URL: https://example.org/evil\nDATE: 2026-03-01\n\n"
        '"American troops <script>alert(1)</script> will stay," said John Smith, a US official.\n'
    )
    ingest([article], open_store(str(db)))
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db))
    html = (tmp_path / "out" / "brief.html").read_text()
    assert "<script>" not in html
    if any("alert(1)" in e["text"] for s in brief.sections for e in s.evidence):
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "args, message",
    [
        (["--strategy", "nope"], "unknown strategy 'nope'"),
        (["-n", "5"], "-n: must be at least 100"),
        (["--workers", "0"], "--workers: must be at least 1"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(cli, tmp_path, args, message):
    out = tmp_path / "b"
    code, _, err = cli("brief", "--out", out, "--db", tmp_path / "s.sqlite", *args)
    assert code == 2
    assert message in err
    assert not out.exists()


def test_corrupt_database_exits_2_and_is_left_untouched(cli, tmp_path):
    db = tmp_path / "broken.sqlite"
    db.write_bytes(b"this is not a database" * 100)
    before = db.read_bytes()
    code, _, err = cli("brief", "-n", 100, "--out", tmp_path / "b", "--db", db)
    assert code == 2
    assert "broken.sqlite" in err
    assert db.read_bytes() == before
    assert not (tmp_path / "b").exists()


def test_evidence_that_leaves_no_future_is_said_plainly(tmp_path, monkeypatch):
    # Signposts whose bounds exclude every explored future (the evidence contradicts the case's
    # ranges): the brief must say so and fall back to all futures, not rank an empty set.
    from forewarn.kosovo.brief import build_kosovo_brief
    from forewarn import signposts as sp

    real = sp.evaluate

    def contradicting(signposts, evidence):
        out = real(signposts, evidence)
        first = out[0]
        bound = sp.Constraint(signpost=first.name, uncertainty="us_withdrawal_year", op="<=", value=1990.0)
        return [sp.SignpostStatus(name=first.name, description=first.description, fired=True, first_seen="1988",
                                  evidence=({"sentence": "planted", "date": "1988"},), constraints=(bound,)),
                *out[1:]]

    monkeypatch.setattr(sp, "evaluate", contradicting)
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(tmp_path / "s.sqlite"), html=False)
    assert brief.data["narrowing"].empty
    assert "leave none of the" in brief.sections[-1].answer
    assert brief.data["ranking"].equals(brief.data["ranking_before_evidence"])
