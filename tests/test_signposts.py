"""Signposts: parsing, matching against hand-built evidence frames, narrowing of futures."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.errors import CaseError, ForewarnError
from forewarn.signposts import (
    NoFutureLeftError,
    Signpost,
    canonical_actor,
    evaluate,
    match_signposts,
    narrow,
    narrowing_summary,
    parse_signposts,
)

DRAWDOWN = {
    "name": "us_drawdown_announced",
    "description": "The US announces or pushes a drawdown of its KFOR contingent",
    "evidence": {
        "actor": "United States",
        "place": "KFOR|Kosovo",
        "kinds": ["reduction", "planned"],
        "threshold": {"unit": "troops", "op": "<", "value": 4000},
        "since": "2025-01-01",
    },
    "narrows": {"uncertainty": "us_withdrawal_year", "op": "<=", "offset_years": 3},
}

PHRASES = {
    "name": "us_pullout_talk",
    "evidence": {"actor": "US", "phrases": ["withdraw", "pull out", "scale down"]},
    "narrows": {"uncertainty": "us_withdrawal_year", "op": "<=", "value": 2032},
}

DOCS = pd.DataFrame(
    {
        "id": [1, 2, 3],
        "url": ["https://example.org/a", "https://example.org/b", None],
        "path": [None, None, "articles/c.txt"],
        "title": ["A", "B", "C"],
        "outlet": ["X", "Y", "Z"],
        "pub_date": ["2025-03", "2024-06-01", None],
    }
)


def claims(**over):
    """One force claim (a US reduction plan in KFOR, 2025) with fields overridden."""
    row = {
        "document_id": 1,
        "actor": "United States",
        "mission_or_location": "KFOR",
        "value": 300.0,
        "value_max": None,
        "unit": "troops",
        "as_of": "2025-03",
        "approx": False,
        "kind": "reduction",
        "sentence": "The US plans to cut 300 troops from KFOR.",
        "start": 10,
        "end": 52,
    }
    row.update(over)
    return pd.DataFrame([row])


def ev(force_claims=None, quotes=None, events=None, documents=DOCS):
    return {"force_claims": force_claims, "quotes": quotes, "events": events, "documents": documents}


def one(spec, evidence):
    [status] = match_signposts(parse_signposts([spec]), evidence)
    return status


# -- parsing -------------------------------------------------------------------------------


def test_parse_valid():
    [sp] = parse_signposts([DRAWDOWN])
    assert isinstance(sp, Signpost)
    assert sp.evidence.since == dt.date(2025, 1, 1)
    assert sp.evidence.kinds == ("reduction", "planned")
    assert sp.narrows[0].offset_years == 3


@pytest.mark.parametrize(
    ("patch", "field", "words"),
    [
        ({"narrows": {"uncertainty": "x", "op": "=>", "value": 1}}, "narrows", "op"),
        ({"evidence": {"actor": "US", "threshold": {"op": "~", "value": 1}}}, "threshold.op", ""),
        ({"evidence": {"actor": "US", "colour": "red"}}, "evidence.colour", "unknown key 'colour'"),
        ({"evidence": {"kinds": ["strengths"]}}, "kinds", "unknown force-claim kind"),
        ({"evidence": {"place": "KFOR("}}, "place", "regular expression"),
        ({"evidence": {}}, "evidence", "at least one"),
        ({"narrows": {"uncertainty": "x", "op": "<=", "value": 1, "offset_years": 2}}, "narrows", "exactly one"),
        ({"narrows": {"uncertainty": "x", "op": "in", "value": 3}}, "narrows", "list"),
        ({"evidence": {"actor": "US", "since": "last week"}}, "since", ""),
        ({"trigger": 1}, "trigger", "unknown key 'trigger'"),
    ],
)
def test_parse_errors_name_signpost_and_field(patch, field, words):
    bad = {**PHRASES, **patch}
    with pytest.raises(CaseError) as info:
        parse_signposts([bad], source="case.toml")
    text = str(info.value)
    assert text.startswith("case.toml: signposts.us_pullout_talk")
    assert field in info.value.field
    assert words in text


def test_parse_missing_name():
    bad = {k: v for k, v in PHRASES.items() if k != "name"}
    with pytest.raises(CaseError) as info:
        parse_signposts([PHRASES, bad])
    assert info.value.field == "signposts[1].name"
    assert "required key 'name' is missing" in str(info.value)


def test_parse_duplicate_name():
    with pytest.raises(CaseError, match="used twice"):
        parse_signposts([PHRASES, PHRASES])


def test_parse_line_numbers_from_case_file(tmp_path):
    toml = tmp_path / "case.toml"
    toml.write_text(
        'name = "x"\n\n[[signposts]]\nname = "a"\n[signposts.evidence]\nactor = "US"\n'
        '[signposts.narrows]\nuncertainty = "u"\nop = "=>"\nvalue = 1\n'
    )
    import tomllib

    with pytest.raises(CaseError) as info:
        parse_signposts(tomllib.loads(toml.read_text()), source=toml)
    assert info.value.line in (7, 9)  # the [signposts.narrows] header or its `op` line


def test_parse_against_case():
    case = SimpleNamespace(
        uncertainties=[
            SimpleNamespace(name="us_withdrawal_year", kind="integer", check_value=lambda v: None),
            SimpleNamespace(name="threat", kind="categorical",
                            check_value=lambda v: None if v in ("low", "high") else f"{v!r} is not one of the choices"),
        ],
        levers=[SimpleNamespace(name="ksf_target")],
        signposts=[DRAWDOWN],
        path="case.toml",
    )
    assert [s.name for s in parse_signposts(case)] == ["us_drawdown_announced"]
    bad = {**PHRASES, "narrows": {"uncertainty": "ksf_target", "op": "<=", "value": 1}}
    with pytest.raises(CaseError, match="us_pullout_talk.*not an uncertainty.*lever") as info:
        parse_signposts(SimpleNamespace(**{**vars(case), "signposts": [bad]}))
    assert info.value.field == "signposts.us_pullout_talk.narrows.uncertainty"
    bad = {**PHRASES, "narrows": {"uncertainty": "threat", "op": "==", "value": "medium"}}
    with pytest.raises(CaseError, match="not one of the choices"):
        parse_signposts(SimpleNamespace(**{**vars(case), "signposts": [bad]}))
    bad = {**PHRASES, "narrows": {"uncertainty": "threat", "op": "<=", "offset_years": 1}}
    with pytest.raises(CaseError, match="offset_years needs a real or integer"):
        parse_signposts(SimpleNamespace(**{**vars(case), "signposts": [bad]}))


def test_actor_aliases():
    assert canonical_actor("U.S.") == canonical_actor("US") == canonical_actor("america") == "United States"
    assert canonical_actor("Austria") == "Austria"
    assert canonical_actor(None) is None and canonical_actor(float("nan")) is None


# -- matching ------------------------------------------------------------------------------


def test_fires_on_matching_claim_with_resolved_bound():
    status = one(DRAWDOWN, ev(claims(actor="U.S.")))
    assert status.fired
    assert status.first_seen == "2025-03"
    assert status.first_seen_date == dt.date(2025, 3, 1)
    assert [str(c) for c in status.constraints] == ["us_withdrawal_year <= 2028"]
    [item] = status.evidence
    assert item["document_id"] == 1 and item["title"] == "A" and item["url"] == "https://example.org/a"
    assert item["sentence"] == "The US plans to cut 300 troops from KFOR."
    assert item["kind"] == "reduction" and item["value"] == 300 and item["date"] == "2025-03"


@pytest.mark.parametrize(
    "over",
    [
        {"actor": "Austria"},  # another actor
        {"kind": "strength"},  # another kind
        {"mission_or_location": "Germany"},  # another place
        {"value": 4000.0},  # not below the threshold (strict <)
        {"unit": "million USD"},  # another unit
        {"value": 3500.0, "value_max": 4500.0},  # a range that is not wholly below
        {"as_of": "2024-12"},  # before `since`
        {"as_of": None, "document_id": 3},  # undated: cannot be shown to be after `since`
        {"value": None},  # no number
    ],
)
def test_does_not_fire_on_other_claims(over):
    status = one(DRAWDOWN, ev(claims(**over)))
    assert not status.fired
    assert status.evidence == () and status.constraints == () and status.first_seen is None


def test_date_falls_back_to_pub_date():
    status = one(DRAWDOWN, ev(claims(as_of=None, document_id=1)))
    assert status.fired and status.first_seen == "2025-03"
    status = one(DRAWDOWN, ev(claims(as_of=None, document_id=2)))  # published 2024-06-01 < since
    assert not status.fired


def test_since_on_partial_dates():
    spec = {**DRAWDOWN, "evidence": {**DRAWDOWN["evidence"], "since": "2025-03-15"}}
    assert not one(spec, ev(claims(as_of="2025-03"))).fired  # 2025-03 counts as 2025-03-01
    assert one(spec, ev(claims(as_of="2025-03-15"))).fired
    assert one(spec, ev(claims(as_of="2025-04"))).fired


def test_phrases_on_word_boundaries_in_claims():
    spec = {"name": "s", "evidence": {"actor": "US", "place": "KFOR", "phrases": ["cut"]}}
    assert one(spec, claims(sentence="The US will cut 300 troops.")  .pipe(lambda c: ev(c))).fired
    assert not one(spec, ev(claims(sentence="The US, cutting 300 troops."))).fired
    star = {"name": "s", "evidence": {"actor": "US", "place": "KFOR", "phrases": ["cut*"]}}
    assert one(star, ev(claims(sentence="The US, cutting 300 troops."))).fired


def _quotes(sentence, speaker="Jamie Shea", role=None, doc=1):
    return pd.DataFrame([{"document_id": doc, "speaker": speaker, "role": role, "text": sentence,
                          "kind": "direct", "start": 0, "end": len(sentence), "sentence": sentence}])


def _events(sentence, date="2025-02-18", doc=1, what=""):
    return pd.DataFrame([{"document_id": doc, "date": date, "granularity": "day", "what": what,
                          "sentence": sentence, "start": 5, "end": 5 + len(sentence)}])


def test_phrases_and_actor_match_quotes_and_events():
    q = _quotes('"The US will withdraw from Kosovo," he said.')
    status = one(PHRASES, ev(quotes=q))
    assert status.fired and status.evidence[0]["source"] == "quote"
    assert status.evidence[0]["speaker"] == "Jamie Shea"
    assert status.first_seen == "2025-03"  # the document's pub_date
    assert [str(c) for c in status.constraints] == ["us_withdrawal_year <= 2032"]
    # phrase inside a longer word: no match
    assert not one(PHRASES, ev(quotes=_quotes("The US withdrawal is not planned."))).fired
    # the pronoun "us" is not the United States
    assert not one(PHRASES, ev(quotes=_quotes("They told us to withdraw."))).fired
    # an alias of the actor
    assert one(PHRASES, ev(quotes=_quotes("American troops may pull  out soon."))).fired
    e = _events("On February 18 Washington said U.S. forces would scale down in Kosovo.")
    status = one(PHRASES, ev(events=e))
    # first seen when published (the document's pub_date), not the date the event happened
    assert status.fired and status.first_seen == "2025-03" and status.evidence[0]["date"] == "2025-02-18"
    assert status.evidence[0]["source"] == "event"


def test_claim_criteria_exclude_quotes_and_events():
    spec = {"name": "s", "evidence": {"actor": "US", "kinds": ["reduction"], "phrases": ["withdraw"]}}
    assert not one(spec, ev(quotes=_quotes("The US will withdraw."), events=_events("The US will withdraw."))).fired


def test_event_since_uses_event_date():
    spec = {**PHRASES, "evidence": {**PHRASES["evidence"], "since": "2020-01-01"}}
    assert not one(spec, ev(events=_events("In 2010 the US began to withdraw.", date="2010"))).fired
    assert one(spec, ev(events=_events("In 2021 the US began to withdraw.", date="2021"))).fired


def test_evidence_order_and_first_seen_deterministic():
    c = pd.concat([claims(as_of="2025-06", start=50), claims(as_of=None, document_id=3, start=1),
                   claims(as_of="2025-02-10", start=90), claims(as_of="2025-06", start=20)], ignore_index=True)
    spec = {**DRAWDOWN, "evidence": {k: v for k, v in DRAWDOWN["evidence"].items() if k != "since"}}
    a = one(spec, ev(c))
    b = one(spec, ev(c.iloc[::-1].reset_index(drop=True)))
    assert a == b
    assert [e["date"] for e in a.evidence] == ["2025-02-10", "2025-06", "2025-06", None]
    assert [e["start"] for e in a.evidence] == [90, 20, 50, 1]
    assert a.first_seen == "2025-03"  # every dated claim was published in document 1 (2025-03)
    assert str(a.constraints[0]) == "us_withdrawal_year <= 2028"


def test_offset_with_undated_evidence_is_unresolved():
    spec = {"name": "s", "evidence": {"actor": "US", "kinds": ["reduction"]},
            "narrows": {"uncertainty": "us_withdrawal_year", "op": "<=", "offset_years": 3}}
    status = one(spec, ev(claims(as_of=None, document_id=3)))
    assert status.fired and status.constraints == () and "undated" in status.unresolved[0]


def test_evaluate_reads_a_store_like_object():
    class Store:
        def force_claims(self, actor=None, place=None, since=None):
            return claims()

        def quotes(self):
            return pd.DataFrame()

        def events(self, since=None):
            return pd.DataFrame()

        def documents(self):
            return DOCS

    [status] = match_signposts([DRAWDOWN], Store())
    assert status.fired and status.evidence[0]["title"] == "A"
    assert status.to_dict()["constraints"][0]["value"] == 2028


def test_empty_evidence_fires_nothing():
    statuses = match_signposts([DRAWDOWN, PHRASES], {})
    assert [s.fired for s in statuses] == [False, False]
    assert [s.name for s in statuses] == ["us_drawdown_announced", "us_pullout_talk"]


# -- narrowing -----------------------------------------------------------------------------


def experiments(n_futures=10, strategies=("a", "b", "c")):
    rng = np.random.default_rng(7)
    years = rng.integers(2025, 2036, n_futures)
    threat = rng.choice(["low", "high"], n_futures)
    s = len(strategies)
    return pd.DataFrame({
        "experiment": np.arange(n_futures * s),
        "future": np.repeat(np.arange(n_futures), s),
        "strategy": np.tile(strategies, n_futures),
        "us_withdrawal_year": np.repeat(years, s),
        "threat": np.repeat(threat, s),
        "ksf_target": np.tile(np.arange(s) * 1000, n_futures),
    })


def fired(name, uncertainty, op, value):
    from forewarn.signposts import Constraint, SignpostStatus

    return SignpostStatus(name=name, description="", fired=True, first_seen="2025", evidence=({},),
                          constraints=(Constraint(name, uncertainty, op, value),))


def test_narrow_keeps_whole_futures_and_is_pure():
    x = experiments()
    before = x.copy()
    statuses = [fired("s1", "us_withdrawal_year", "<=", 2030)] + match_signposts([DRAWDOWN], {})  # unfired: no effect
    mask = narrow(x, statuses)
    pd.testing.assert_frame_equal(x, before)
    assert mask.dtype == bool and mask.shape == (len(x),)
    np.testing.assert_array_equal(mask, (x["us_withdrawal_year"] <= 2030).to_numpy())
    per_future = pd.Series(mask).groupby(x["future"]).nunique()
    assert (per_future == 1).all()
    np.testing.assert_array_equal(narrow(x, statuses), mask)


def test_narrow_future_with_mixed_rows_is_removed_whole():
    x = experiments(3, ("a", "b"))
    x.loc[1, "us_withdrawal_year"] = 2040  # one strategy row of future 0 disagrees
    x.loc[0, "us_withdrawal_year"] = 2026
    mask = narrow(x, [fired("s", "us_withdrawal_year", "<=", 2035)])
    assert not mask[0] and not mask[1]


def test_narrow_in_and_equality_and_summary():
    x = experiments(20)
    statuses = [fired("t", "threat", "in", ("high",)), fired("y", "us_withdrawal_year", ">=", 2030)]
    mask = narrow(x, statuses)
    expect = ((x["threat"] == "high") & (x["us_withdrawal_year"] >= 2030)).to_numpy()
    np.testing.assert_array_equal(mask, expect)
    summary = narrowing_summary(x, statuses)
    futures = x.drop_duplicates("future")
    assert summary.futures_total == 20
    assert summary.futures_left == int(((futures["threat"] == "high") & (futures["us_withdrawal_year"] >= 2030)).sum())
    first, second = summary.steps
    assert first["removed"] == first["removed_alone"] == int((futures["threat"] != "high").sum())
    assert second["removed_alone"] == int((futures["us_withdrawal_year"] < 2030).sum())
    assert first["removed"] + second["removed"] == 20 - summary.futures_left
    assert "threat in {'high'}" in str(summary) and not summary.empty


def test_narrow_to_nothing_is_reported():
    x = experiments()
    statuses = [fired("s1", "us_withdrawal_year", "<", 2000)]
    with pytest.raises(NoFutureLeftError, match="NO future") as info:
        narrow(x, statuses)
    assert isinstance(info.value, ForewarnError)
    assert "us_withdrawal_year < 2000" in str(info.value)
    mask = narrow(x, statuses, on_empty="return")
    assert not mask.any()
    summary = narrowing_summary(x, statuses)
    assert summary.empty and summary.futures_left == 0 and summary.to_dict()["empty"] is True


def test_narrow_unknown_uncertainty_names_signpost():
    x = experiments()
    case = SimpleNamespace(uncertainties=[SimpleNamespace(name="us_withdrawal_year")], path="case.toml")
    with pytest.raises(CaseError, match="'ghost'") as info:
        narrow(x, [fired("ghost", "serbian_threat", "==", "high")], case)
    assert info.value.field == "signposts.ghost.narrows.uncertainty"
    with pytest.raises(CaseError, match="not a column"):
        narrow(x, [fired("ghost", "serbian_threat", "==", "high")])


def test_narrow_without_future_column():
    x = pd.DataFrame({"us_withdrawal_year": [2026, 2031, 2029]})
    np.testing.assert_array_equal(narrow(x, [fired("s", "us_withdrawal_year", "<=", 2029)]), [True, False, True])


@settings(max_examples=50, deadline=None)
@given(
    years=st.lists(st.integers(2025, 2040), min_size=1, max_size=30),
    n_strategies=st.integers(1, 4),
    bound=st.integers(2024, 2041),
    op=st.sampled_from(["<", "<=", ">", ">=", "=="]),
)
def test_narrow_property(years, n_strategies, bound, op):
    x = pd.DataFrame({
        "future": np.repeat(np.arange(len(years)), n_strategies),
        "us_withdrawal_year": np.repeat(years, n_strategies),
    })
    statuses = [fired("s", "us_withdrawal_year", op, bound)]
    summary = narrowing_summary(x, statuses)
    expect = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "==": np.equal}[op](
        np.asarray(years), bound)
    assert summary.futures_left == int(expect.sum())
    mask = narrow(x, statuses, on_empty="return")
    np.testing.assert_array_equal(mask, np.repeat(expect, n_strategies))
    if not expect.any():
        with pytest.raises(NoFutureLeftError):
            narrow(x, statuses)
    # order of constraints does not change the kept set
    two = statuses + [fired("t", "us_withdrawal_year", ">=", 2030)]
    np.testing.assert_array_equal(narrow(x, two, on_empty="return"), narrow(x, two[::-1], on_empty="return"))


def test_frames():
    from forewarn.signposts import evidence_frame, statuses_frame

    statuses = match_signposts([DRAWDOWN, PHRASES], ev(claims()))
    frame = statuses_frame(statuses)
    assert list(frame["name"]) == ["us_drawdown_announced", "us_pullout_talk"]
    assert list(frame["fired"]) == [True, False]
    assert list(frame["constraints"]) == ["us_withdrawal_year <= 2028", ""]
    evidence = evidence_frame(statuses)
    assert len(evidence) == 1 and evidence.loc[0, "signpost"] == "us_drawdown_announced"
    assert evidence.loc[0, "sentence"] == "The US plans to cut 300 troops from KFOR."
    assert evidence_frame([]).empty


def _gold_evidence():
    """The hand annotations of the test articles as evidence tables."""
    import json
    from pathlib import Path

    dev = Path(__file__).resolve().parent / "fixtures" / "articles" / "dev" / "gold.jsonl"
    golds = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs, tables = [], {"force_claims": [], "quotes": [], "events": []}
    for g in golds:
        docs.append({"id": g["id"], "url": g["url"], "path": None, "title": g["id"], "outlet": None,
                     "pub_date": g["pub_date"]})
        for name in tables:
            tables[name] += [{"document_id": g["id"], **item} for item in g[name]]
    return {"documents": pd.DataFrame(docs), **{k: pd.DataFrame(v) for k, v in tables.items()}}


def test_known_answers_on_annotated_articles():
    signposts = parse_signposts([
        {"name": "us_kfor_below_1000",
         "evidence": {"actor": "US", "place": "KFOR|Kosovo", "kinds": ["strength"],
                      "threshold": {"unit": "troops", "op": "<", "value": 1000}}},
        {"name": "kfor_below_4000",
         "evidence": {"actor": "KFOR", "place": "KFOR", "kinds": ["strength"],
                      "threshold": {"unit": "troops", "op": "<", "value": 4000}}},
        {"name": "us_kosovo_cut_since_2011",
         "evidence": {"actor": "United States", "place": "Kosovo", "kinds": ["reduction"], "since": "2011-01-01"}},
        {"name": "serbia_budget_talk",
         "evidence": {"actor": "Serbia", "phrases": ["defence", "gross domestic product"]}},
    ])
    from forewarn.kosovo.gazetteer import kosovo_gazetteer

    # the Kosovo gazetteer makes "KFOR" an alias of NATO, whose forces whole-KFOR figures are
    small, kfor, cut, serbia = match_signposts(signposts, _gold_evidence(), gazetteer=kosovo_gazetteer())
    # 590 (September 2023, article 04), about 600 (articles 10, 02 and 16), in date order
    assert [(e["document_id"], e["date"], e["value"]) for e in small.evidence] == [
        ("04", "2023-09", 590), ("10", "2025-03-04", 600), ("02", "2025-11-20", 600), ("16", "2026-01-14", 600)]
    assert small.first_seen == "2023-10-02"  # first seen when article 04 was published, not the figure's month
    # about 3,800 in October 2022 (article 13); 4,300 (article 12) and 4,400-4,700 are not below 4,000
    assert [(e["document_id"], e["date"], e["value"]) for e in kfor.evidence] == [("13", "2022-10-14", 3800)]
    # the announced cut of 300 by spring 2026 (article 16); article 06's cut is undated, 10's is Europe-wide
    assert cut.fired and [(e["document_id"], e["value"]) for e in cut.evidence] == [("16", 300)]
    assert serbia.fired and {e["document_id"] for e in serbia.evidence} == {"08"}


def test_document_fields_from_rows_without_documents_table():
    c = claims(as_of=None).assign(pub_date="2025-05-01", title="Joined title", url="https://example.org/j")
    status = one(DRAWDOWN, {"force_claims": c})
    assert status.fired and status.first_seen == "2025-05-01"
    assert status.evidence[0]["title"] == "Joined title" and status.evidence[0]["url"] == "https://example.org/j"


def test_narrow_a_real_run(tmp_path, toy_case):
    """A run of the toy case: constraints on a real, a categorical and a boolean uncertainty."""
    from forewarn.engine.runner import run

    res = run(toy_case, n=40, seed=3, out=tmp_path / "run")
    x = res.to_dataframe()
    statuses = [fired("a", "a", "<=", 0.5), fired("m", "mode", "in", ("tense", "crisis")),
                fired("s", "shock", "==", False)]
    mask = narrow(x, statuses, toy_case)
    expect = ((x["a"] <= 0.5) & x["mode"].isin(["tense", "crisis"]) & ~x["shock"].astype(bool)).to_numpy()
    np.testing.assert_array_equal(mask, expect)
    assert (pd.Series(mask).groupby(x["future"].to_numpy()).nunique() == 1).all()
    assert set(x.loc[mask, "strategy"].value_counts()) == {int(expect.sum()) // x["strategy"].nunique()}
    summary = narrowing_summary(x, statuses, toy_case)
    assert summary.futures_total == 40 and summary.futures_left == x.loc[mask, "future"].nunique()
