"""The built-in Kosovo case file: it loads, every number is sourced, the base year is today."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from numpy.testing import assert_allclose

from forewarn.kosovo import case_path, default_inputs, load_kosovo_case
from forewarn.kosovo.facts import fact, fact_ids, fact_value
from forewarn.kosovo.model import kosovo_model
from forewarn.engine.space import load_case, parse_case

CASE = load_kosovo_case()
STRATEGIES = ["current_plan", "self_reliance", "transatlantic_anchor", "regional_joint_force", "adaptive", "all_combined"]


def provenance_problems(data: dict) -> list[str]:
    """Every uncertainty, lever or constant of raw case data lacking a source and an assumption,
    or citing a fact id that the shipped fact base does not hold."""
    known = fact_ids()
    problems = []
    entries = [(f"{s}.{p['name']}", p) for s in ("uncertainties", "levers") for p in data.get(s, [])]
    entries += [
        (f"constants.{name}", c if isinstance(c, dict) else {"value": c})
        for name, c in data.get("constants", {}).items()
    ]
    for where, entry in entries:
        sources = entry.get("sources", [])
        assumption = str(entry.get("assumption", "") or "").strip()
        if not sources and not assumption:
            problems.append(f"{where}: neither sources nor assumption")
        problems += [f"{where}: unknown fact {s}" for s in sources if s not in known]
    return problems


def raw_case() -> dict:
    with open(case_path(), "rb") as fh:
        return tomllib.load(fh)


def test_case_loads_through_the_engine():
    case = load_case(case_path())
    assert case.name == "kosovo"
    assert case.model == "forewarn.kosovo.model:kosovo_model"
    assert case.strategy_names == STRATEGIES
    assert list(case.time.years) == list(range(2025, 2036))


def test_every_number_is_sourced_or_an_assumption():
    assert provenance_problems(raw_case()) == []
    assert CASE.unsourced() == []


def test_the_provenance_check_can_fail():
    data = raw_case()
    data["uncertainties"][0].pop("sources", None)
    data["uncertainties"][0].pop("assumption", None)
    data["levers"][0]["sources"] = ["F9999"]
    data["constants"]["bare"] = 1.0
    problems = provenance_problems(data)
    assert any("neither sources nor assumption" in p and "us_withdrawal_year" in p for p in problems)
    assert any("F9999" in p for p in problems)
    assert any("constants.bare" in p for p in problems)
    data["levers"][0]["sources"] = ["F0510"]
    # The engine's own check agrees: this case requires provenance, so it refuses to load ...
    from forewarn.errors import CaseError

    with pytest.raises(CaseError, match="requires provenance"):
        parse_case(data)
    # ... and, were provenance optional, it would list the gaps.
    assert parse_case({**data, "provenance": "optional"}).unsourced()


def test_assumptions_say_something():
    for section in ("uncertainties", "levers"):
        for p in getattr(CASE, section):
            if p.assumption is not None:
                assert len(p.assumption.split()) >= 5, p.name
    for name, c in CASE.constants.items():
        if c.assumption is not None:
            assert len(c.assumption.split()) >= 5, name


def test_time_constants_match_the_time_axis():
    assert CASE.constants["base_year"].value == CASE.time.start
    assert CASE.constants["horizon"].value == CASE.time.stop


@pytest.mark.parametrize(
    "constant, fact_ids_",
    [
        ("kfor_total_base", ["F0107"]),
        ("us_troops_base", ["F0307"]),
        ("ksf_active_base", ["F0496"]),
        ("ksf_reserve_base", ["F0448"]),
        ("defence_budget_base", ["F0440"]),
        ("gdp_base", ["F0556"]),
        ("population", ["F0550"]),
        ("police_base", ["F0561"]),
        ("nato_share_floor", ["F0405"]),
    ],
)
def test_sourced_constants_equal_their_facts(constant, fact_ids_):
    c = CASE.constants[constant]
    for fid in fact_ids_:
        assert fid in c.sources
        unit = fact(fid).unit
        value = fact_value(fid) * (1000.0 if unit == "billion EUR" else 1.0)
        assert c.value == pytest.approx(value), (constant, fid)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_base_year_reproduces_todays_figures(strategy):
    """2025 in every strategy and future is today's sourced figure, taken from the fact base."""
    n = 64
    rng = np.random.default_rng(0)
    inputs = default_inputs(n, strategy=strategy, case=CASE)
    for p in CASE.uncertainties:
        inputs[p.name] = rng.uniform(p.low, p.high, n)
    out = kosovo_model(inputs)
    assert_allclose(out["kfor_troops"][:, 0], fact_value("F0107"), rtol=0.01)  # KFOR about 4,600
    assert_allclose(out["us_troops"][:, 0], fact_value("F0307"), rtol=0.01)  # about 600 US
    assert_allclose(out["ksf_active"][:, 0], fact_value("F0496"), rtol=0.01)  # KSF over 4,300
    assert_allclose(out["ksf_reserve"][:, 0], fact_value("F0448"), rtol=0.01)  # 800 reservists
    assert_allclose(out["defence_budget"][:, 0], fact_value("F0440"), rtol=0.01)  # EUR 207.8m
    density = (fact_value("F0107") + fact_value("F0496") + fact_value("F0561")) / fact_value("F0550") * 1000
    assert_allclose(out["force_density"][:, 0], density, rtol=0.01)


def test_the_observed_present_has_no_base_year_failure_on_sourced_futures():
    """Futures that agree with the present (present_ok) have no base-year failure, whatever the
    strategy; the others are flagged the same way under every strategy."""
    n = 500
    rng = np.random.default_rng(1)
    draws = {p.name: rng.uniform(p.low, p.high, n) for p in CASE.uncertainties}
    flags = []
    for strategy in STRATEGIES:
        out = kosovo_model({**default_inputs(n, strategy=strategy, case=CASE), **draws})
        keep = out["present_ok"] == 1.0
        assert np.all(out["margin"][keep, 0] >= 1.0)
        assert np.all(out["margin"][~keep, 0] < 1.0)
        flags.append(out["present_ok"])
    assert all(np.array_equal(f, flags[0]) for f in flags)
    assert 0 < flags[0].mean() <= 1


def test_the_yardstick_is_set_from_the_historical_record():
    p = CASE.parameter("required_ratio")
    assert {"F0732", "F0733", "F0728", "F0729", "F0730"} <= set(p.sources)
    # 3:1 (F0732) at the bottom, 1/1.95 (F0729's lower bound) at the top, 1/1.15 (F0728) in the stress set.
    assert p.low == pytest.approx(1 / fact_value("F0732"), abs=1e-3)
    assert p.high == pytest.approx(1 / 1.95, abs=1e-3)
    assert p.stress.high == pytest.approx(1 / 1.15, abs=1e-3)
    assert p.default_value == pytest.approx(p.low)


def test_sourced_ranges_stop_at_the_largest_observed_concentration():
    threat = CASE.parameter("threat_base")
    assert threat.low == fact_value("F0643") and threat.high == fact_value("F0638")
    assert threat.stress.high > threat.high
    # Unsourced multipliers are neutral on the sourced ranges and explored only under stress.
    for name, neutral in (("threat_quality", 1.0), ("tripwire_weight", 1.0), ("nato_air_attrition", 0.0)):
        p = CASE.parameter(name)
        assert p.low == p.high == neutral, name
        assert p.stress is not None and p.stress.high > neutral, name
    stressed = CASE.with_ranges("stress")
    assert stressed.parameter("threat_base").high == threat.stress.high
    assert stressed.parameter("gdp_growth") == CASE.parameter("gdp_growth")


def test_cost_per_soldier_covers_the_derived_value():
    # 2025: EUR 207.8m, 40 % on equipment, over 4,300 active: about EUR 29,000 per soldier.
    derived = fact_value("F0440") * (1 - 0.4) / fact_value("F0496") * 1000
    p = CASE.parameter("cost_per_soldier")
    assert p.low <= derived <= p.high + 0.1


def test_every_lever_states_its_cost():
    assert CASE.provenance == "required"
    for lever in CASE.levers:
        assert lever.cost is not None, lever.name
        assert lever.cost.priced_by or (lever.cost.free or "").strip(), lever.name
    for name in ("regional_force", "us_deal", "nato_alignment", "adaptive_recruitment"):
        assert CASE.parameter(name).cost.priced_by, name  # the article's voices are priced


def test_a_free_lever_without_a_reason_fails_the_case_check(tmp_path):
    from forewarn.errors import CaseError

    text = case_path().read_text(encoding="utf-8")
    priced = ('cost = { priced_by = ["us_deal_price"], '
              'note = "Paid every year from 2026, whether or not the cut is averted." }')
    assert priced in text
    for bad in ("", 'cost = { free = "" }', 'cost = { priced_by = [] }'):
        path = tmp_path / "case.toml"
        path.write_text(text.replace(priced, bad), encoding="utf-8")
        with pytest.raises(CaseError, match="us_deal") as info:
            load_case(path)
        assert "cost" in str(info.value) or "free" in str(info.value)
    # A stated reason is enough.
    path.write_text(text.replace(priced, 'cost = { free = "Assumed to cost nothing: talks only." }'), encoding="utf-8")
    assert load_case(path).parameter("us_deal").cost.free


def test_current_plan_matches_the_sourced_plan():
    levers = CASE.strategy_levers("current_plan")
    assert levers["ksf_active_target"] == fact_value("F0510")  # 5,000 active by 2028
    assert levers["ksf_active_target"] + levers["ksf_reserve_target"] == fact_value("F0511")  # 7,500 in all
    assert levers["ksf_target_year"] == 2028
    # Today's budget share: EUR 207.8m of a GDP of about EUR 11bn.
    share = fact_value("F0440") / (fact_value("F0556") * 1000) * 100
    assert levers["defence_share_gdp"] == pytest.approx(share, abs=0.01)
    out = kosovo_model(default_inputs(1, strategy="current_plan", case=CASE, us_withdrawal_year=2040.0,
                                      cost_per_soldier=21.0))
    assert out["ksf_active"][0, 2028 - 2025] == pytest.approx(fact_value("F0510"))


def test_strategies_reference_existing_levers():
    levers = set(CASE.lever_names)
    for strategy in raw_case()["strategies"]:
        assert set(strategy["levers"]) <= levers, strategy["name"]
        assert strategy["description"].strip()


def test_strategies_differ_and_voices_are_named():
    seen = set()
    for name in STRATEGIES:
        levers = tuple(sorted(CASE.strategy_levers(name).items()))
        assert levers not in seen, name
        seen.add(levers)
    voices = {"self_reliance": "Kastrati", "transatlantic_anchor": "Mediu", "regional_joint_force": "Mediu",
              "adaptive": "Shea"}
    for name, voice in voices.items():
        assert voice in CASE.strategy(name).description


def test_all_combined_pays_for_everything_it_switches_on():
    levers = CASE.strategy_levers("all_combined")
    out = {s: kosovo_model(default_inputs(1, strategy=s, case=CASE)) for s in STRATEGIES}
    assert levers["us_deal"] and levers["regional_force"] and levers["nato_alignment"]
    assert out["all_combined"]["total_cost"][0] > max(out[s]["total_cost"][0] for s in STRATEGIES[:-1])
    deal_price = CASE.parameter("us_deal_price").default_value
    extra = out["all_combined"]["strategy_cost"][0, 1:] - out["all_combined"]["defence_budget"][0, 1:]
    assert np.all(extra >= deal_price - 1e-9)


def test_defaults_lie_in_their_ranges():
    for p in (*CASE.uncertainties, *CASE.levers):
        assert p.check_value(p.default_value) is None, p.name


SIGNPOSTS = {"us_drawdown_announced", "kfor_below_4000", "serbian_buildup", "ksf_above_5000"}


def test_signposts_are_declared_and_narrow_real_uncertainties():
    names = {s["name"] for s in CASE.signposts}
    assert SIGNPOSTS <= names
    for s in CASE.signposts:
        assert s["description"].strip()
        evidence = s["evidence"]
        assert evidence["actor"] and evidence["kinds"] and evidence["phrases"]
        assert set(evidence["kinds"]) <= {"strength", "planned", "reduction", "reinforcement", "historical",
                                          "procurement", "budget"}
        assert evidence["threshold"]["op"] in {"<", "<=", ">", ">=", "=="}
        assert isinstance(evidence["threshold"]["value"], (int, float))
        # one [signposts.narrows] table or several [[signposts.narrows]]
        for narrows in s["narrows"] if isinstance(s["narrows"], list) else [s["narrows"]]:
            p = CASE.parameter(narrows["uncertainty"])
            assert p.name in CASE.uncertainty_names
            assert narrows["op"] in {"<=", ">=", "=="}
            if "offset_years" in narrows or narrows.get("timing"):
                assert p.unit == "year"
            elif "share_of" in narrows:
                assert narrows["share_of"] > 0 and p.high <= 1.0  # a share of the stated base
            else:
                assert p.low <= narrows["value"] <= p.high, s["name"]


def test_signposts_pass_the_monitor_checks():
    signposts = pytest.importorskip("forewarn.signposts")
    parsed = signposts.parse_signposts(CASE)
    assert {s.name for s in parsed} >= SIGNPOSTS


def test_fact_lookup_names_a_missing_id():
    with pytest.raises(KeyError, match="F9999"):
        fact("F9999")


def test_methods_page_documents_the_whole_case():
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "methods.md"
    if not page.exists():
        pytest.skip("docs/methods.md is not part of this installation")
    text = page.read_text(encoding="utf-8")
    names = (CASE.uncertainty_names + CASE.lever_names + list(CASE.constants) + CASE.outcome_names
             + CASE.strategy_names + [s["name"] for s in CASE.signposts])
    assert [n for n in names if f"`{n}`" not in text] == []
    cited = {fid for p in (*CASE.uncertainties, *CASE.levers) for fid in p.sources}
    cited |= {fid for c in CASE.constants.values() for fid in c.sources}
    assert sorted(fid for fid in cited if fid not in text) == []
    for ref in ("Quinlivan", "Mearsheimer", "Lempert", "Kwakkel", "Haasnoot"):
        assert ref in text
    # The parameter tables show the ranges and defaults of the case file as it is.
    for p in (*CASE.uncertainties, *CASE.levers):
        if p.kind == "real":
            row = f"| `{p.name}` | {p.low:g} – {p.high:g} ({p.default_value:g}) |"
        elif p.kind == "integer":
            row = f"| `{p.name}` | {p.low} – {p.high} ({p.default_value}) |"
        else:
            row = f"| `{p.name}` | false / true ({str(p.default_value).lower()}) |"
        assert row in text, row
    for name, c in CASE.constants.items():
        assert f"| `{name}` | {c.value:g} |" in text or f"| `{name}` | {c.value} |" in text, name
