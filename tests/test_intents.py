"""Statements of intent, decision and execution; the gazetteer; signposts that fire on them.

Every article here is written for these tests (fictional outlets and people).
"""

from __future__ import annotations

import pandas as pd
import pytest

from forewarn.errors import InputError
from forewarn.kosovo import load_kosovo_case
from forewarn.kosovo.gazetteer import gazetteer_path, kosovo_gazetteer
from forewarn.monitor.extract import extract
from forewarn.monitor.gazetteer import WORLD, Gazetteer
from forewarn.monitor.intents import LEVELS, extract_intents, level_rank
from forewarn.signposts import match_signposts, parse_signposts

GZ = kosovo_gazetteer()


def intents(text, pub="2026-02-19"):
    return extract_intents(text, None, pub, gazetteer=GZ)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("The US wants to cut its KFOR contingent.", "intent"),
        ("Officials said Washington is considering a smaller presence of troops in Kosovo.", "intent"),
        ("Washington will withdraw 300 soldiers from Kosovo by next spring.", "decision"),
        ("The Pentagon announced that it would pull out its troops from Camp Bondsteel.", "decision"),
        ("The first US units have left Kosovo, a spokeswoman said.", "under_way"),
        ("American troops are withdrawing from KFOR this week.", "under_way"),
    ],
)
def test_level_of_a_statement(text, level):
    [it] = intents(text)
    assert it.actor == "United States" and it.action == "reduce" and it.level == level
    assert it.sentence == text and text[it.start:it.end].lower().startswith(("cut", "small", "withdr", "pull", "left"))


def test_size_share_and_timing():
    [it] = intents("Washington will withdraw 300 soldiers from Kosovo by next spring.")
    assert (it.size, it.unit, it.whole, it.timing, it.target) == (300, "troops", False, "2027-03", "Kosovo")
    [it] = intents("The United States has decided to withdraw all of its troops from KFOR by 2028.")
    assert it.whole and it.size is None and it.timing == "2028" and it.target == "KFOR"
    [it] = intents("Washington may reduce the number of its soldiers based in Asia by up to 25 percent.")
    assert (it.actor, it.size, it.unit, it.target, it.level) == ("United States", 25, "percent", "Asia", "intent")


@pytest.mark.parametrize(
    "text",
    [
        "The ministry denied that US troops would be withdrawn from Kosovo.",
        "Washington has no plans to cut its contingent in KFOR.",
        "The senator left the meeting early, troops or no troops.",
        "About 600 US soldiers are deployed in Kosovo.",
        "By May, some 830 US troops will be left in the country.",
        "Congress blocked the Pentagon from reducing the number of troops in Europe.",
        "The government wants to cut taxes next year.",
        "Allies were urged to boost defence spending.",
    ],
)
def test_not_a_statement_of_intent(text):
    assert intents(text) == []


def test_levels_are_ordered():
    assert LEVELS == ("intent", "decision", "under_way")
    assert level_rank("intent") < level_rank("decision") < level_rank("under_way") and level_rank(None) == -1


def test_extract_returns_intents_as_dicts_with_offsets():
    text = "PRISTINA (Harbour Wire) - The US wants to cut its contingent in KFOR, two diplomats said."
    out = extract(text, "2026-02-19", gazetteer=GZ)
    [it] = out["intents"]
    assert it["actor"] == "United States" and it["level"] == "intent" and text[it["start"]:it["end"]] == "cut"


# -- the gazetteer ---------------------------------------------------------------------------


def test_world_gazetteer_knows_no_case():
    assert WORLD.org_of("KFOR") is None and WORLD.missions == {} and WORLD.home is None
    assert GZ.org_actor["KFOR"] == "NATO" and GZ.forces["Kosovo"] == "Kosovo Security Force"
    assert GZ.mission_of_org("Swisscoy") == "KFOR" and GZ.spelling("Vucic") == "Vučić"
    assert "KFOR" in GZ.actor_aliases()["NATO"] and "Pristina" in GZ.actor_aliases()["Kosovo"]


def test_monitor_is_case_agnostic_with_another_case_gazetteer():
    """A gazetteer for another theatre: its mission becomes the claims' mission_or_location."""
    cyprus = Gazetteer.from_mapping({"missions": [{"name": "UNFICYP", "aliases": ["the UN force in Cyprus"],
                                                   "actor": "United Nations"}], "home": "Cyprus"})
    text = "About 800 peacekeepers serve with UNFICYP, a spokesman for the mission said on Monday."
    [claim] = extract(text, "2026-05-04", gazetteer=cyprus)["force_claims"]
    assert (claim["value"], claim["mission_or_location"], claim["actor"]) == (800, "UNFICYP", "United Nations")
    [plain] = extract(text, "2026-05-04")["force_claims"]
    assert plain["mission_or_location"] != "UNFICYP"


def test_kosovo_gazetteer_file_and_bad_files(tmp_path):
    g = Gazetteer.from_toml(gazetteer_path())
    assert g.name == "kosovo" and g.mission_in("Soldiers of the Kosovo Force patrolled.") == "KFOR"
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown key 'colour'") as info:
        Gazetteer.from_toml(bad)
    assert info.value.field == "colour" and "bad.toml" in str(info.value)
    bad.write_text("missions = [{ aliases = [\"X\"] }]\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a name"):
        Gazetteer.from_toml(bad)
    bad.write_text("[[missions\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad TOML"):
        Gazetteer.from_toml(bad)
    with pytest.raises(InputError, match="no such gazetteer"):
        Gazetteer.from_toml(tmp_path / "none.toml")


# -- signposts on statements -----------------------------------------------------------------

# A report of the February 2026 US push (fact F0398 in the fact base) written for this test: it
# gives no number for the cut, only the intention.
FEB_2026 = (
    "NATO allies told to plan for a leaner Kosovo mission\n"
    "By Mara Linde, Adriatic Ledger\n"
    "BRUSSELS, Feb 19 - The United States wants the NATO-led KFOR force in Kosovo, roughly 4,500 troops "
    "strong today, to be made smaller, according to four diplomats briefed on the talks.\n"
    "None of the diplomats would say how many soldiers Washington has in mind.\n"
)


def evidence(*articles):
    docs = pd.DataFrame([{"id": i + 1, "title": title, "outlet": outlet, "url": url, "pub_date": date, "text": text}
                         for i, (title, outlet, url, date, text) in enumerate(articles)])
    return {"documents": docs, "force_claims": pd.DataFrame(), "quotes": pd.DataFrame(), "events": pd.DataFrame()}


def statuses(*articles):
    case = load_kosovo_case()
    return {s.name: s for s in match_signposts(parse_signposts(case), evidence(*articles), gazetteer=GZ)}


def test_drawdown_fires_on_the_february_2026_intention_without_a_number():
    st = statuses(("NATO allies told to plan for a leaner Kosovo mission", "Adriatic Ledger",
                   "https://adriatic-ledger.example/kfor-leaner", "2026-02-19", FEB_2026))
    sp = st["us_drawdown_announced"]
    assert sp.fired and sp.level == "intent" and sp.first_seen == "2026-02-19"
    [item] = sp.evidence
    assert item["title"] == "NATO allies told to plan for a leaner Kosovo mission" and item["outlet"] == "Adriatic Ledger"
    assert item["url"] == "https://adriatic-ledger.example/kfor-leaner" and item["pub_date"] == "2026-02-19"
    assert "to be made smaller" in item["sentence"] and item["sentence"] in FEB_2026
    # KFOR's present size is not the size of the cut, nor the dateline a timing
    assert item["size"] is None and item["timing"] is None and item["target"] == "KFOR"
    # two years from the first report; no date nor size announced, so those narrowings wait
    assert [str(c) for c in sp.constraints] == ["us_withdrawal_year <= 2028"]
    assert len(sp.unresolved) == 2 and all("level decision" in u for u in sp.unresolved)
    assert not any(st[n].fired for n in ("kfor_below_4000", "serbian_buildup", "ksf_above_5000"))


def test_an_announced_size_narrows_differently_from_all():
    half = ("US to halve Kosovo contingent", "Lakeside Courier", "https://lakeside.example/a", "2026-06-03",
            "WASHINGTON - The United States will withdraw 300 soldiers from Kosovo by next spring, "
            "the Pentagon announced on Tuesday.")
    sp = statuses(half)["us_drawdown_announced"]
    assert sp.level == "decision"
    assert [str(c) for c in sp.constraints] == [
        "us_withdrawal_year <= 2028", "us_withdrawal_year <= 2027.25", "us_share_withdrawn >= 0.5"]
    whole = ("US to leave KFOR", "Lakeside Courier", "https://lakeside.example/b", "2026-06-03",
             "WASHINGTON - The United States has decided to withdraw all of its troops from KFOR, "
             "the Pentagon announced on Tuesday.")
    sp = statuses(whole)["us_drawdown_announced"]
    assert "us_share_withdrawn >= 1" in [str(c) for c in sp.constraints]
    gone = ("Convoy leaves Bondsteel", "Lakeside Courier", "https://lakeside.example/c", "2026-09-01",
            "CAMP BONDSTEEL - The first US units have left Kosovo, a spokeswoman for the base said.")
    sp = statuses(whole, gone)["us_drawdown_announced"]
    assert sp.level == "under_way" and sp.first_seen == "2026-06-03"


def test_threat_signpost_needs_a_reported_concentration_with_its_number():
    no_number = ("Troops near the line", "Morava Daily", "https://morava.example/a", "2026-03-02",
                 "BELGRADE - Serbia has massed troops near the administrative line with Kosovo, officials said.")
    assert not statuses(no_number)["serbian_buildup"].fired
    numbered = ("Troops near the line", "Morava Daily", "https://morava.example/b", "2026-03-02",
                "BELGRADE - Serbia has massed some 9,000 soldiers near the administrative line with Kosovo, "
                "officials said.")
    sp = statuses(numbered)["serbian_buildup"]
    assert sp.fired and [str(c) for c in sp.constraints] == ["threat_base >= 8000"]


def test_rejecting_an_item_of_the_sentence_sets_its_statements_aside(tmp_path):
    """Statements are not stored items: a user who rejects the claim read from a sentence also
    sets aside what the sentence says about intentions, so the signpost no longer fires."""
    import hashlib

    from forewarn.evidence import open_store

    text = ("WASHINGTON - The United States will withdraw 300 soldiers from Kosovo by next spring, "
            "the Pentagon announced on Tuesday.")
    claim = {"actor": "United States", "mission_or_location": "Kosovo", "value": 300, "unit": "troops",
             "as_of": "2026-06-02", "kind": "reduction", "sentence": text, "start": 45, "end": 48}
    case = load_kosovo_case()
    with open_store(tmp_path / "s.db", defaults=False) as store:
        store.add_document({"text": text, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                            "url": "https://lakeside.example/d", "title": "US to halve Kosovo contingent",
                            "pub_date": "2026-06-02"}, {"force_claims": [claim]})
        [sp] = [s for s in match_signposts(parse_signposts(case), store, gazetteer=GZ) if s.name == "us_drawdown_announced"]
        assert sp.fired and {e["source"] for e in sp.evidence} == {"force_claim", "intent"}
        ref = "C" + str(int(store.force_claims()["id"].iloc[0]))
        store.review(ref, "rejected", reason="misread", who="tester")
        [sp] = [s for s in match_signposts(parse_signposts(case), store, gazetteer=GZ) if s.name == "us_drawdown_announced"]
        assert not sp.fired
        store.undo_review(ref, who="tester")
        [sp] = [s for s in match_signposts(parse_signposts(case), store, gazetteer=GZ) if s.name == "us_drawdown_announced"]
        assert sp.fired


def test_rejected_rows_in_tables_are_set_aside_with_their_sentence():
    """Tables read with their rejected rows (as `watch` reads them) give the same answer as a store."""
    text = "WASHINGTON - The United States will withdraw 300 soldiers from Kosovo by next spring."
    docs = pd.DataFrame([{"id": 1, "title": "t", "pub_date": "2026-06-02", "text": text}])
    claim = {"document_id": 1, "actor": "United States", "mission_or_location": "Kosovo", "value": 300.0,
             "unit": "troops", "as_of": "2026-06-02", "kind": "reduction", "sentence": text, "start": 45, "end": 48}
    case = load_kosovo_case()

    def drawdown(status):
        ev = {"documents": docs, "force_claims": pd.DataFrame([{**claim, "review_status": status}])}
        return next(s for s in match_signposts(parse_signposts(case), ev, gazetteer=GZ) if s.name == "us_drawdown_announced")

    assert {e["source"] for e in drawdown(None).evidence} == {"force_claim", "intent"}
    assert {e["source"] for e in drawdown("accepted").evidence} == {"force_claim", "intent"}
    assert not drawdown("rejected").fired
