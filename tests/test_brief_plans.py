"""The brief's plans: the adaptive strategy with its declared rule, pathways and searched strategies
beside the article's six, the stress-scenario table, and the plan of Q5; each follows the run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

N = 300


@pytest.fixture(scope="module")
def case():
    from forewarn.kosovo import load_kosovo_case

    return load_kosovo_case()


@pytest.fixture(scope="module")
def small_run(case, tmp_path_factory):
    from forewarn.engine.runner import run
    from forewarn.kosovo.brief import load_run

    out = tmp_path_factory.mktemp("plans") / "run"
    results = run(case, out=out, n=N, method="lhs", seed=5, strategies=["current_plan", "adaptive", "self_reliance"])
    return load_run(case, results)


def test_the_adaptive_strategy_is_evaluated_with_its_declared_rule(case, small_run):
    from forewarn.engine.adaptive import run_adaptive
    from forewarn.kosovo.plans import apply_pathway_strategies, futures_of

    after = apply_pathway_strategies(small_run, 1.0)
    futures, pos = futures_of(case, after.frame, "adaptive")
    rule = {r.name: r for r in case.rules}["us_cut_buildup"]
    expected = run_adaptive(case, futures, "adaptive", [rule]).outputs
    np.testing.assert_array_equal(after.frame["min_margin"].to_numpy()[pos], expected["min_margin"])
    np.testing.assert_array_equal(after.series["ksf_active"][pos], expected["ksf_active"])
    assert (after.frame["holds"].to_numpy()[pos] == (expected["min_margin"] >= 1.0)).all()
    # The strategies without a rule keep the run's figures, bit for bit.
    for s in ("current_plan", "self_reliance"):
        rows = small_run.rows(s)
        np.testing.assert_array_equal(after.frame.loc[rows, "min_margin"], small_run.frame.loc[rows, "min_margin"])
    # Where the US cut, the rule raised the budget; elsewhere the strategy is its static levers, bit for bit.
    static = run_adaptive(case, futures, "adaptive", []).outputs
    fired = expected["us_troops"].min(axis=1) < 600
    assert fired.any() and (~fired).any()
    assert (expected["defence_budget"][fired] > static["defence_budget"][fired]).any()
    np.testing.assert_array_equal(expected["defence_budget"][~fired], static["defence_budget"][~fired])


def test_a_pathway_row_is_the_pathway_run_on_the_same_futures(case, small_run):
    from forewarn.engine.adaptive import run_adaptive
    from forewarn.kosovo.brief import score_strategies
    from forewarn.kosovo.plans import add_plans, futures_of

    run, plans = add_plans(small_run, threshold=1.0, baseline="current_plan", declared=["current_plan", "adaptive"],
                           score=score_strategies, search_evaluations=0)
    assert set(plans.kinds) == {pw.name for pw in case.pathways} - {"adaptive"}
    futures, _ = futures_of(case, run.frame, "current_plan")
    rules = {r.name: r for r in case.rules}
    pw = {p.name: p for p in case.pathways}["reserve_then_buildup"]
    expected = run_adaptive(case, futures, pw.strategy, [rules[r] for r in pw.rules]).outputs
    got = run.of("reserve_then_buildup").sort_values("future")
    np.testing.assert_array_equal(got["min_margin"].to_numpy(), expected["min_margin"])
    assert got["holds"].mean() == pytest.approx((expected["min_margin"] >= 1).mean())


def test_a_searched_strategy_is_named_by_its_levers(case):
    from forewarn.kosovo.plans import describe_action, describe_levers, lever_figures

    text = describe_levers(case, {"ksf_active_target": 7040, "ksf_reserve_target": 4960, "ksf_target_year": 2030,
                                  "defence_share_gdp": 2.46, "equipment_share": 0.3, "regional_force": True,
                                  "recruitment_drive": 1.25})
    assert text == ("KSF aiming at 7,000 active and 5,000 reserve by 2030, 2.5% of GDP (30% on equipment), "
                    "25% more recruits a year, regional force")
    assert lever_figures(case, {"ksf_active_target": 7040})["active"] == 7000
    plain = describe_levers(case, {})
    assert "regional force" not in plain and "more recruits" not in plain and "by 2028" in plain
    assert describe_action(case, {"ksf_reserve_target": 5000}) == "raise the reserve target to 5,000"
    assert describe_action(case, {"us_deal": True, "defence_share_gdp": 2.39}) == \
        "offer Washington a deal and set the defence budget at 2.39% of GDP"


def test_search_picks_are_the_stated_ones():
    from forewarn.kosovo.plans import search_picks

    scores = pd.DataFrame({"robustness": [0.90, 0.95, 0.99, 0.96, 0.95, 0.80],
                           "cost": [100.0, 300.0, 500.0, 250.0, 200.0, 50.0],
                           "own_end": [1.0, 1.2, 1.5, 1.1, 2.0, 0.5]},
                          index=["plan", "best_declared", "a", "b", "c", "d"])
    picks = search_picks(scores, "plan", ["plan", "best_declared"], ["a", "b", "c", "d"])
    # most robust: a; cheapest at least as robust as the best declared (0.95): c; at least as
    # robust as the plan (0.90): c again; most own capability: c.
    assert picks == ["a", "c"]
    assert search_picks(scores, "plan", ["plan"], []) == []


def test_the_scenario_table_is_a_direct_evaluation(case, small_run):
    from forewarn.engine.experiments import lever_rows, perform_experiments as evaluate
    from forewarn.kosovo.plans import futures_of, scenario_table

    table = scenario_table(small_run, ["current_plan", "self_reliance"], 1.0)
    assert list(table.columns) == ["as run", *[s.name for s in case.scenarios]]
    futures, _ = futures_of(case, small_run.frame, "current_plan")
    sc = {s.name: s for s in case.scenarios}["serbian_massing"]
    out = evaluate(case, futures.with_values(sc.values), lever_rows(case, ["self_reliance"]))["min_margin"][0]
    assert table.loc["self_reliance", "serbian_massing"] == pytest.approx((out >= 1).mean())
    # the largest massing observed can only lower the share that holds
    assert (table["serbian_massing"] <= table["as run"] + 1e-12).all()


def _brief(tmp_path, case, **kw):
    from forewarn.kosovo.brief import build_kosovo_brief

    return build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(tmp_path / "s.sqlite"), html=False,
                              case=case, stress=False, **kw)


def _text(section):
    return " ".join([section.answer, *section.details])


def test_q5_plan_follows_the_declared_thresholds_and_lead_times(tmp_path, case):
    from test_brief import assert_numbers_are_figures

    base = _brief(tmp_path / "a", case, search_evaluations=0)
    plan = base.sections[4].figures["plan"]
    assert base.sections[4].answer.startswith("The plan that holds most often")
    first = plan["steps"][0]
    assert f"{first['threshold']:,.0f}" in base.sections[4].answer
    assert_numbers_are_figures(base)
    # Perturb: the best pathway's first rule waits for a higher threshold and its action takes longer
    # (the other pathways left out, so that the plan stays this pathway).
    rules = tuple(r.model_copy(update={"threshold": 9500.0}) if r.name == first["rule"] else r for r in case.rules)
    actions = tuple(a.model_copy(update={"lead_time": 3}) if a.name == first["action"] else a for a in case.actions)
    only = tuple(p for p in case.pathways if p.name == plan["pathway"])
    changed = _brief(tmp_path / "b", case.model_copy(update={"rules": rules, "actions": actions, "pathways": only}),
                     search_evaluations=0)
    steps = {s["rule"]: s for s in changed.sections[4].figures["plan"]["steps"]}
    text = changed.sections[4].answer
    assert steps[first["rule"]]["threshold"] == 9500.0 and "9,500" in text and f"{first['threshold']:,.0f}," not in text
    assert steps[first["rule"]]["lead_time"] == 3 and "takes 3 years" in text
    assert_numbers_are_figures(changed)


def test_q5_names_the_only_pathway_left(tmp_path, case):
    only = tuple(p for p in case.pathways if p.name == "growth_then_regional")
    brief = _brief(tmp_path, case.model_copy(update={"pathways": only}), search_evaluations=0)
    q5 = brief.sections[4]
    assert q5.figures["plan"]["pathway"] == "growth_then_regional"
    assert "raise the active KSF target to 7,000" in q5.answer and "join the regional force" in q5.answer
    assert "which takes 3 years" in q5.answer  # the regional force's declared lead time


def test_q4_shows_searched_strategies_and_scenarios_and_json_carries_them(tmp_path, case):
    from test_brief import assert_numbers_are_figures

    brief = _brief(tmp_path, case, search_evaluations=100)
    q4 = brief.sections[3]
    search = q4.figures["search"]
    assert search["evaluations"] >= 100 and 1 <= search["shown_count"] <= 4
    labels = [row[0] for row in q4.tables[2].rows]
    assert sum(label.startswith("Searched: KSF aiming at") for label in labels) == search["shown_count"]
    # What the most robust searched strategy reaches: the reserve grows by at most its intake a year.
    reached, most = search["reached"], case.parameter("ksf_reserve_intake").high
    for year, reserve in reached["ksf_reserve"].items():
        assert 800.0 <= reserve <= 800.0 + most * (int(year) - 2025) + 1e-6
    assert f"{reached['ksf_reserve'][min(reached['ksf_reserve'])]:,.0f} reservists" in _text(q4)
    scen = q4.tables[3]
    assert scen.columns[:2] == ["plan", "as run"] and "serbian massing" in scen.columns
    assert_numbers_are_figures(brief)
    data = json.loads(json.dumps(brief.to_dict(), ensure_ascii=False))
    plans = data["record"]["plans"] if "record" in data else brief.record["plans"]
    kinds = {p["kind"] for p in plans["plans"]}
    assert {"article", "pathway", "searched"} <= kinds
    assert set(plans["scenarios"]) == {"as run", *[s.name for s in case.scenarios]}
    # A benign massing scenario: the worst scenario sentence no longer names it.
    scenarios = tuple(s.model_copy(update={"values": {"threat_base": 4500.0}}) if s.name == "serbian_massing" else s
                      for s in case.scenarios)
    calm = _brief(tmp_path / "calm", case.model_copy(update={"scenarios": scenarios}), search_evaluations=0)
    assert "“serbian massing”" in _text(q4) and "“serbian massing”" not in _text(calm.sections[3])


def test_no_search_leaves_the_article_six_and_the_pathways(tmp_path, case):
    brief = _brief(tmp_path, case, search_evaluations=0)
    q4 = brief.sections[3]
    assert "search" not in q4.figures
    assert all(not row[0].startswith("Searched") for row in q4.tables[2].rows)


def test_quotes_are_chosen_one_per_side_first(tmp_path):
    from forewarn.evidence import open_store
    from forewarn.kosovo.brief import build_kosovo_brief
    from forewarn.monitor.ingest import ingest

    db = tmp_path / "s.sqlite"
    article = tmp_path / "sides.txt"
    article.write_text(
        "URL: https://example.org/sides\nDATE: 2026-03-01\nTITLE: Two views of the garrison\n\n"
        "\"American troops at Bondsteel will stay and Washington remains committed to KFOR,\" said Ana Berisha, "
        "a former minister.\n\n"
        "\"The United States troops will stay in Kosovo for now,\" said Luan Gashi, an analyst.\n\n"
        "\"Washington will withdraw its troops from Bondsteel within two years,\" said Vera Krasniqi, "
        "a former diplomat.\n"
    )
    ingest([article], open_store(str(db)))
    brief = build_kosovo_brief(n=N, seed=11, out=tmp_path / "out", db=str(db), html=False, stress=False,
                               search_evaluations=0)
    q1 = brief.sections[0].evidence
    assert [e["stance"] for e in q1] == ["US stays", "US leaves"]  # the most relevant of each side
    assert "Berisha" in q1[0]["who"] and "Krasniqi" in q1[1]["who"]
