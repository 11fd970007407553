"""The main job: ``forewarn brief`` end to end; its text follows the run; evidence, JSON, errors."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest

N = 400  # futures: small enough for the default suite, large enough for PRIM and the ranking


def narrowed_case(**ranges):
    """The built-in case with some uncertainties' ranges replaced (``name=(low, high)``)."""
    from forewarn.kosovo import load_kosovo_case

    case = load_kosovo_case()
    us = []
    for u in case.uncertainties:
        if u.name in ranges:
            lo, hi = ranges[u.name]
            u = u.model_copy(update={"low": lo, "high": hi, "default": (lo + hi) / 2})
        us.append(u)
    return case.model_copy(update={"uncertainties": tuple(us)})


@pytest.fixture(scope="module")
def brief_run(tmp_path_factory):
    from forewarn.kosovo.brief import build_kosovo_brief

    root = tmp_path_factory.mktemp("brief")
    db = root / "store.sqlite"
    return build_kosovo_brief(n=N, seed=11, out=root / "out", db=str(db)), root, db


# ---------------------------------------------------------------------------------------------
# End to end
# ---------------------------------------------------------------------------------------------


def test_brief_command_answers_the_five_questions(cli, tmp_path):
    code, out, err = cli("brief", "-n", N, "--seed", 3, "--out", tmp_path / "b", "--db", tmp_path / "s.sqlite")
    assert code == 0, err
    assert out.index("Bottom line") < out.index("1. Would American")
    for q in range(1, 6):
        assert re.search(rf"^{q}\. ", out, re.M), f"question {q} missing"
    flat = " ".join(re.sub(r"[│╭╮╰╯─┃━┏┓┗┛┡┩└┘┌┐]", " ", out).split())  # the terminal wraps lines and draws boxes
    assert "not predictions" in flat
    assert "current_plan" not in flat and "Today's plan" in flat
    html = (tmp_path / "b" / "brief.html").read_text()
    assert html.count("<svg") >= 5
    assert "Sources" in html and "@media print" in html
    data = json.loads((tmp_path / "b" / "brief.json").read_text())
    assert data["bottom_line"]["answer"] in flat or data["bottom_line"]["answer"][:60] in flat


def test_json_holds_every_strategy_figure(cli, tmp_path):
    code, out, err = cli("brief", "-n", 200, "--out", tmp_path / "b", "--db", tmp_path / "s.sqlite", "--json")
    assert code == 0, err
    data = json.loads(out)
    names = {s["name"] for s in data["strategies"]}
    assert "current_plan" in names and len(names) >= 2
    for s in data["strategies"]:
        for key in ("robustness", "cost", "fail_year", "own_end", "own_reach", "per_point", "front", "label"):
            assert key in s
        assert 0 <= s["robustness"] <= 1
    assert data["futures"]["run"] == 200
    assert data["futures"]["remaining"] == data["futures"]["consistent_with_present"] <= 200
    assert {s["name"] for s in data["signposts"]} >= {"us_drawdown_announced"}
    assert [s["number"] for s in data["sections"]] == [1, 2, 3, 4, 5]


def test_every_cited_fact_is_in_the_sources_appendix(brief_run):
    brief, root, _ = brief_run
    html = (root / "out" / "brief.html").read_text()
    appendix = set(re.findall(r'<tr id="(F\d{4})">', html))
    assert brief.fact_ids, "the brief cites no fact"
    assert set(brief.fact_ids) <= appendix
    assert html.count('rel="noreferrer">source</a>') == len(appendix)
    sources = html[html.index('<table class="sources">'):]
    assert "[note" not in sources and "(nan)" not in sources and ">nan<" not in sources


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
    assert [s.answer for s in again.all_sections] == [s.answer for s in brief.all_sections]
    assert again.data["ranking"].equals(brief.data["ranking"])


# ---------------------------------------------------------------------------------------------
# The text says what the run shows
# ---------------------------------------------------------------------------------------------


def _renderings(value, out):
    from forewarn.report.text import num, pct

    if isinstance(value, dict):
        for v in value.values():
            _renderings(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _renderings(v, out)
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) and value == value:
        v = float(value)
        out |= {pct(v), num(v), f"{v:.2f}", f"{v:+.2f}", f"{v:.0f}", f"{v:,.0f}", f"{v:g}"}  # :g as bounds are printed
    return out


NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?%?")


def test_every_number_in_the_text_is_a_figure_of_the_run(brief_run):
    assert_numbers_are_figures(brief_run[0])


def assert_numbers_are_figures(brief):
    # Each section keeps the figures its sentences state; every number of the text must be one of
    # them (or a year of the time axis, or the count of strategies / uncertainties it names).
    run = brief.data["run"]
    allowed_years = {str(y) for y in run.years}
    for s in brief.all_sections:
        known = _renderings(s.figures, set()) | allowed_years | {"1"}
        known |= {str(len(run.uncertainties)), f"{run.futures:,}", f"{run.total:,}"}
        text = " ".join([s.answer, *s.details]).replace("10–90%", "")  # the band's definition, not a figure
        text = re.sub(r"“[^”]*”", "", text)  # quoted names (signposts, titles) are names, not figures
        text = re.sub(r"https?://\S+|\b\d{4}-\d{2}(-\d{2})?\b", "", text)  # links and evidence dates
        for v in s.figures.get("where_fails", {}).values():
            for r in v["restrictions"]:  # PRIM's bounds, stated as the figures record them
                text = text.replace(r, "")
        for token in NUMBER.findall(text):
            if re.fullmatch(r"F\d{4}", token):
                continue
            assert token in known or token.rstrip(",") in known, f"{s.id}: {token!r} is not a figure of the run: {text}"


def test_robustness_is_recomputed_from_the_raw_series(brief_run):
    # The ranking's robustness: share of futures whose margin stays >= 1 in every lever year,
    # among the futures whose base year reproduces the observed present.
    brief, _, _ = brief_run
    run = brief.data["run"]
    margin = run.series["margin"]
    for s, row in brief.data["ranking"].iterrows():
        rows = run.rows(s)
        expect = float((margin[rows][:, 1:] >= 1.0).all(axis=1).mean())
        assert row["robustness"] == pytest.approx(expect)
        assert (margin[rows][:, 0] >= 1.0).all()  # conditioned on the present
    bl = brief.bottom_line.figures
    assert bl["best"] == brief.data["ranking"].index[0]
    assert f"{100 * bl['best_robustness']:.0f}%" in brief.bottom_line.answer


def test_q1_follows_a_reported_us_drawdown(tmp_path):
    from forewarn.evidence import open_store
    from forewarn.kosovo.brief import build_kosovo_brief
    from forewarn.monitor.ingest import ingest

    db = tmp_path / "s.sqlite"
    article = tmp_path / "drawdown.txt"
    article.write_text(
        "URL: https://example.org/news/kfor-drawdown\nDATE: 2026-02-10\nTITLE: Washington trims its Balkan garrison\n\n"
        "WASHINGTON - The United States will withdraw 300 of its roughly 600 troops serving with KFOR in "
        "Kosovo by the end of the year, the Pentagon said on Monday.\n"
    )
    store = open_store(str(db))
    assert ingest([article], store).counts().get("stored") == 1
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db), html=False)
    statuses = {s.name: s for s in brief.data["signposts"]}
    assert statuses["us_drawdown_announced"].fired
    summary = brief.data["narrowing"]
    assert 0 < summary.futures_left < summary.futures_total
    box = brief.changes
    assert box is not None and f"{summary.futures_left:,} of {summary.futures_total:,}" in box.answer
    assert any("example.org/news/kfor-drawdown" in d for d in box.details)
    assert box.tables[0].columns[:3] == ["strategy", "holds before", "holds now"]
    q1 = brief.sections[0]
    assert "reports a US drawdown" in q1.answer and "No US decision" not in q1.answer
    assert "us withdrawal year ≤" in q1.answer
    narrowed = [a for a in q1.assumptions if a.name == "us_withdrawal_year"][0]
    assert narrowed.short.startswith("Narrowed by the news: us withdrawal year ≤")
    assert len(box.details) == len(set(box.details))  # one line per article
    assert_numbers_are_figures(brief)
    # the narrowed futures respect the bound
    run = brief.data["run"]
    bound = statuses["us_drawdown_announced"].constraints[0].value
    assert (run.frame["us_withdrawal_year"] <= bound).all()


def test_evidence_a_reviewer_set_aside_fires_nothing_and_is_counted(tmp_path):
    from forewarn.evidence import open_store
    from forewarn.kosovo.brief import build_kosovo_brief
    from forewarn.monitor.ingest import ingest

    db = tmp_path / "s.sqlite"
    article = tmp_path / "drawdown.txt"
    article.write_text(
        "URL: https://example.org/news/kfor-drawdown\nDATE: 2026-02-10\n\n"
        "WASHINGTON - The United States will withdraw 300 of its roughly 600 troops serving with KFOR in "
        "Kosovo by the end of the year, the Pentagon said on Monday.\n"
    )
    store = open_store(str(db))
    ingest([article], store)
    for ref in [f"C{i}" for i in store.force_claims()["id"]] + [f"Q{i}" for i in store.quotes()["id"]] + \
            [f"E{i}" for i in store.events()["id"]]:
        store.review(ref, "rejected", reason="misread", who="tester")
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db), html=False)
    assert not any(s.fired for s in brief.data["signposts"])
    q5 = brief.sections[4]
    assert q5.figures["set_aside"] >= 1 and f"{q5.figures['set_aside']} evidence item(s) set aside" in q5.answer
    assert brief.record["set_aside"] == q5.figures["set_aside"]


def test_q2_names_backfill_when_the_run_makes_it_decisive(brief_run, tmp_path):
    from forewarn.kosovo.brief import build_kosovo_brief

    default, _, db = brief_run
    top = default.sections[1].figures["drivers"][0]["feature"]
    assert top == "other_kfor_trend"  # the European trend moves KFOR's size on the default ranges
    case = narrowed_case(other_kfor_trend=(0.0, 1e-6), backfill_lag=(0.0, 1e-6), us_withdrawal_year=(2026.0, 2027.0),
                         us_share_withdrawn=(0.99, 1.0))
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db), html=False, case=case, stress=False)
    q2 = brief.sections[1]
    assert q2.figures["drivers"][0]["feature"] == "backfill_share"
    assert "moves most with backfill share" in q2.details[0]
    assert q2.figures["drivers"][0]["rho"] > 0.5


def test_q3_reports_own_capability_and_follows_a_smaller_threat(brief_run, tmp_path):
    from forewarn.kosovo.brief import build_kosovo_brief

    default, _, db = brief_run
    q3 = default.sections[2]
    assert q3.tables[0].columns[:3] == ["strategy", "own margin 2035", "reaches 1"]
    assert "Kosovo's own forces alone" in q3.answer
    small = narrowed_case(threat_base=(4500.0, 4600.0))
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db), html=False, case=small, stress=False)
    a, b = default.sections[2].figures, brief.sections[2].figures
    assert b["own_reach"]["current_plan"] > a["own_reach"]["current_plan"]
    assert f"{100 * b['own_reach']['current_plan']:.0f}% of the futures under today's plan" in brief.sections[2].answer
    assert b["drivers"][0]["feature"] != "threat_base"  # it no longer varies: it cannot drive anything


def test_q4_tradeoff_and_vulnerabilities_follow_the_strategies_run(brief_run, tmp_path):
    from forewarn.kosovo.brief import build_kosovo_brief

    default, _, db = brief_run
    q4 = default.sections[3]
    ranking = default.data["ranking"]
    for s in ranking.index[ranking["front"]]:
        assert default.data["context"].name(s) in q4.answer
    assert set(q4.figures["where_fails"]) == set(ranking.index)
    alts = {v["alternative"] for v in q4.figures["where_fails"].values()}
    assert len(alts) >= 2  # each strategy is compared with its own best alternative
    two = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db), html=False,
                             strategies=["current_plan", "self_reliance"], stress=False)
    q4b = two.sections[3]
    assert [r[0] for r in q4b.tables[0].rows] == [two.data["context"].name(s) for s in two.data["ranking"].index]
    assert "Everything combined" not in q4b.answer + " ".join(q4b.details)


def test_q5_names_only_signposts_the_news_can_show(brief_run, tmp_path):
    from forewarn.kosovo.brief import build_kosovo_brief

    default, _, db = brief_run
    q5 = default.sections[4]
    watched = q5.figures["watched"]
    for u, sp in watched.items():
        assert sp.replace("_", " ") in q5.answer
    for u in q5.figures["unobservable"]:
        assert u not in watched
    assert all(row[1] for row in q5.tables[0].rows)  # every signpost states its trigger
    # with the threat fixed, the threat can no longer tell failures apart
    case = narrowed_case(threat_base=(12000.0, 12001.0), threat_quality=(1.5, 1.5001), threat_trend=(0.01, 0.0101))
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db), html=False, case=case, stress=False)
    drivers = [d["feature"] for d in brief.sections[4].figures["drivers"]]
    assert not {"threat_base", "threat_quality", "threat_trend"} & set(drivers[:2])


def test_assumptions_are_cut_only_at_sentence_ends(brief_run):
    from forewarn.report.brief import Assumption

    brief, root, _ = brief_run
    html = (root / "out" / "brief.html").read_text()
    for s in brief.all_sections:
        for a in s.assumptions:
            assert isinstance(a, Assumption)
            assert a.full.startswith(a.short[:-1]) and a.short.rstrip()[-1] in ".!?)'\""
            assert a.full.replace("'", "&#39;")[:40] in html or a.full[:40] in html


def test_stances_come_from_the_digest_and_no_shipped_quote_is_shown(brief_run):
    brief, _, _ = brief_run
    stances = [st for s in brief.sections for st in s.stances]
    assert {st.who for st in stances} >= {"Jamie Shea", "Kadri Kastrati", "Fatmir Mediu"}
    hegseth = [st for st in stances if st.who == "Pete Hegseth"][0]
    assert hegseth.role == "US Secretary of Defense" and hegseth.date == "2025-02-14"
    assert all(not s.evidence for s in brief.sections)  # nothing ingested by the user: no verbatim quote


def test_quotes_of_ingested_documents_are_chosen_by_topic_and_dated_by_the_statement(tmp_path):
    from forewarn.evidence import open_store
    from forewarn.kosovo.brief import build_kosovo_brief
    from forewarn.monitor.ingest import ingest

    db = tmp_path / "s.sqlite"
    article = tmp_path / "voices.txt"
    article.write_text(
        "URL: https://example.org/voices\nDATE: 2026-03-01\nTITLE: Voices on the garrison\n\n"
        "PRISTINA - \"The Kosovo Security Force still lacks the weapons and equipment to defend the country "
        "on its own,\" said Arben Doli, a retired general, on February 3.\n\n"
        "\"American soldiers at Bondsteel will stay as long as Washington sees a purpose in it,\" said Mira Tafa, "
        "a former US diplomat.\n"
    )
    ingest([article], open_store(str(db)))
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db), html=False)
    q1, q3 = brief.sections[0], brief.sections[2]
    assert q3.evidence and "Doli" in q3.evidence[0]["who"] and "2026-02-03" in q3.evidence[0]["where"]
    assert q1.evidence and "Tafa" in q1.evidence[0]["who"]


def test_article_text_is_escaped_in_the_html(tmp_path):
    from forewarn.evidence import open_store
    from forewarn.kosovo.brief import build_kosovo_brief
    from forewarn.monitor.ingest import ingest

    db = tmp_path / "s.sqlite"
    article = tmp_path / "evil.txt"
    article.write_text(
        "URL: https://example.org/evil\nDATE: 2026-03-01\n\n"
        '"American troops <script>alert(1)</script> will stay in Kosovo with KFOR," said John Smith, a US official.\n'
    )
    ingest([article], open_store(str(db)))
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db))
    html = (tmp_path / "out" / "brief.html").read_text()
    assert "<script>" not in html
    if any("alert(1)" in e["text"] for s in brief.sections for e in s.evidence):
        assert "&lt;script&gt;" in html


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["--strategy", "nope"], "unknown strategy 'nope'"),
        (["-n", "5"], "-n: must be at least 100"),
        (["--workers", "0"], "--workers: must be at least 1"),
        (["--strategy", "current_plan"], "name at least one strategy besides current_plan"),
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


def test_a_model_error_exits_1_and_never_deletes_results(cli, tmp_path, monkeypatch):
    import forewarn.kosovo.model as km

    out, db = tmp_path / "b", tmp_path / "s.sqlite"
    code, _, err = cli("brief", "-n", 100, "--out", out, "--db", db, "--no-html")
    assert code == 0, err
    files = {p: p.read_bytes() for p in sorted((out / "run").rglob("*")) if p.is_file()}
    real = km.kosovo_model

    def broken(inputs):
        outputs = dict(real(inputs))
        outputs["total_cost"] = np.asarray(outputs["total_cost"], dtype=float).copy()
        outputs["total_cost"][0] = np.nan
        return outputs

    monkeypatch.setattr(km, "kosovo_model", broken)
    code, _, err = cli("brief", "-n", 100, "--seed", 7, "--out", out, "--db", db, "--no-html")
    assert code == 1
    assert "NaN" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in sorted((out / "run").rglob("*")) if p.is_file()} == files


def test_evidence_that_leaves_no_future_is_said_plainly(tmp_path, monkeypatch):
    # Signposts whose bounds exclude every explored future (the evidence contradicts the case's
    # ranges): the brief must say so and fall back to all futures, not rank an empty set.
    from forewarn import signposts as sp
    from forewarn.kosovo.brief import build_kosovo_brief

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
    assert "leave none of the" in brief.changes.answer
    assert brief.data["ranking"].equals(brief.data["ranking_before_evidence"])
    assert "No US decision" in brief.sections[0].answer  # nothing was narrowed, so Q1 says so
