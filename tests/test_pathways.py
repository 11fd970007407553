"""Adaptive rules in the model run, tipping points, triggers, value of information, `forewarn pathways`.

The toy dike case (tests/fixtures/adaptive): level_t = rate * t - dike_t for t = 0..19 (2025..2044),
objective level <= 1. Known answers follow from that formula, derived here.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.analysis.pathways import analyse, meets_objective, tipping_index, triggers
from forewarn.analysis.voi import regret_matrix, value_of_information, voi_table
from forewarn.engine.adaptive import run_adaptive
from forewarn.engine.experiments import Futures, perform_experiments, lever_rows
from forewarn.engine.space import Rule, load_case

HERE = Path(__file__).resolve().parent / "fixtures" / "adaptive"


@pytest.fixture
def case_file(tmp_path) -> Path:
    for name in ("dike.toml", "dike_model.py"):
        shutil.copy(HERE / name, tmp_path / name)
    return tmp_path / "dike.toml"


@pytest.fixture
def case(case_file):
    return load_case(case_file)


def first_above(rate: np.ndarray, level: float, T: int = 20) -> np.ndarray:
    """Index of the first t with rate * t > level (-1 beyond the horizon)."""
    t = np.floor(level / rate).astype(int) + 1
    return np.where(t < T, t, -1)


def test_tipping_year_known_answer(case):
    fut = Futures.sample(case, 300, seed=2)
    rate = fut.table["rate"].to_numpy()
    static = perform_experiments(case, fut, lever_rows(case, ["default"]))["level"][0]
    assert np.array_equal(tipping_index(meets_objective(case, static)), first_above(rate, 1.0))
    raised = run_adaptive(case, fut, None, [])  # no rule: the static plan
    assert np.array_equal(raised.outputs["level"], static)


def test_rule_fires_after_detection_delay_and_lead_time(case):
    fut = Futures.sample(case, 200, seed=5)
    rate = fut.table["rate"].to_numpy()
    rule = next(r for r in case.rules if r.name == "watch_level")  # level > 0.5, delay 1, lead time 2
    run = run_adaptive(case, fut, None, [rule])
    detect = first_above(rate, 0.5)
    assert np.array_equal(run.detected[:, 0], detect)
    assert np.array_equal(run.effective[:, 0], np.where(detect + 3 < 20, detect + 3, -1))
    t = np.arange(20)
    dike = np.where(t[None, :] >= (detect + 3)[:, None], 1.0, 0.0)
    np.testing.assert_allclose(run.outputs["level"], rate[:, None] * t[None, :] - dike, rtol=0, atol=1e-12)
    assert np.all(run.cost == 10.0)
    # The raised dike tips where rate * t - 1 > 1, if it is in place by then.
    tip = tipping_index(meets_objective(case, run.outputs["level"]))
    assert np.array_equal(tip, np.where(first_above(rate, 1.0) < detect + 3, first_above(rate, 1.0),
                                        first_above(rate, 2.0)))


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), op=st.sampled_from([">", ">=", "<", "<="]))
@settings(max_examples=25, deadline=None)
def test_a_rule_that_never_fires_is_the_static_strategy_bit_for_bit(seed, n, op):
    case = load_case(HERE / "dike.toml")
    fut = Futures.sample(case, n, seed=seed)
    threshold = math.inf if op in (">", ">=") else -math.inf
    never = Rule(name="never", when="level", op=op, threshold=threshold, action="raise_dike")
    run = run_adaptive(case, fut, None, [never])
    static = perform_experiments(case, fut, lever_rows(case, ["default"]))
    for name in ("level", "peak"):
        assert np.array_equal(run.outputs[name], static[name][0])
    assert run.calls == 1 and (run.detected == -1).all() and (run.cost == 0).all()


def test_trigger_known_answer(case):
    fut = Futures.sample(case, 400, seed=1)
    rate = fut.table["rate"].to_numpy()
    table = triggers(case, fut)
    row = table[(table["pathway"] == "raise") & (table["rule"] == "watch_level")].iloc[0]
    # Without the rule the plan tips at first_above(rate, 1); detection must happen by 3 years
    # earlier (delay 1 + lead time 2); the level there is rate * s, rising, so a ">" rule is in
    # time where its threshold is below rate * s. 90% in time: the 10th percentile.
    s = first_above(rate, 1.0) - 3
    need = np.where(s >= 0, rate * np.maximum(s, 0), np.inf)
    assert row["trigger"] == pytest.approx(np.quantile(need, 0.1), rel=1e-12)
    assert row["declared_in_time"] == pytest.approx(np.mean(need > 0.5))
    assert row["lead_years"] == 3


def test_voi_known_answers():
    rng = np.random.default_rng(3)
    x, z = rng.random(2000), rng.random(2000)
    # Option A scores x, option B scores 1.1 - x: B is better on average, A where x > 0.55.
    regret = regret_matrix(np.vstack([x, 1.1 - x]))
    evpi = regret.mean(axis=1).min()
    v_x = value_of_information(regret, x > 0.5)
    assert value_of_information(regret, z > 0.5) == 0.0  # z does not sway the choice
    assert 0 < v_x <= evpi
    # Knowing x > 0.55 exactly removes all regret.
    assert value_of_information(regret, x > 0.55) == pytest.approx(evpi)
    ranked = voi_table(regret, {"z": z > 0.5, "x": x > 0.5})
    assert [r["signpost"] for r in ranked] == ["x", "z"]


def test_analyse_and_cli_json_and_map(case_file, tmp_path, cli):
    svg = tmp_path / "map.svg"
    code, stdout, stderr = cli("pathways", str(case_file), "-n", "60", "--seed", "4", "--json", "--svg", str(svg))
    assert code == 0, stderr
    data = json.loads(stdout)
    assert [r["plan"] for r in data["tipping_points"]] == ["default", "raise_dike", "big_dike"]
    assert [r["pathway"] for r in data["scorecard"]] == ["wait", "raise", "raise_then_big"]
    card = {r["pathway"]: r for r in data["scorecard"]}
    assert card["raise_then_big"]["years_met"] >= card["raise"]["years_met"] >= card["wait"]["years_met"]
    assert {t["to"] for t in data["transfers"]} == {"raise_dike", "big_dike"}
    assert svg.read_text().startswith("<svg") and "raise_dike" in svg.read_text()
    # The rate drives everything here and "noise" drives nothing: no value in watching noise.
    voi = {r["signpost"]: r["voi"] for r in data["voi"]}
    assert voi["noise above its median"] == 0.0
    assert not any(r["watched"] for r in data["voi"])  # no case signpost: nothing the monitor watches


def test_cli_tables(case_file, cli):
    code, stdout, stderr = cli("pathways", str(case_file), "-n", "30")
    assert code == 0
    out = stdout
    for words in ("Tipping points", "Pathways scorecard", "Triggers", "Value of information", "from default to"):
        assert words in out


@pytest.mark.parametrize("old, new, field, words", [
    ("lead_time = 2", "lead_time = -1", "actions.raise_dike.lead_time", "0 or more"),
    ('when = "level"\nop = ">"\nthreshold = 0.5', 'when = "height"\nop = ">"\nthreshold = 0.5',
     "rules.watch_level.when", "no series outcome named 'height'"),
    ('action = "big_dike"', 'action = "moat"', "rules.watch_again.action", "no action named 'moat'"),
    ('rules = ["watch_level"]', 'rules = ["watch_it"]', "pathways.raise.rules[0]", "no rule named 'watch_it'"),
])
def test_bad_adaptive_input_exit_2_naming_file_line_field(case_file, tmp_path, cli, old, new, field, words):
    text = case_file.read_text()
    assert old in text
    case_file.write_text(text.replace(old, new, 1))
    svg = tmp_path / "map.svg"
    code, stdout, stderr = cli("pathways", str(case_file), "-n", "10", "--svg", str(svg))
    err = stderr
    assert code == 2, err
    assert "dike.toml:" in err and field in err and words in err
    line = int(err.split("dike.toml:")[1].split(":")[0])
    assert line > 0
    assert not svg.exists()


def test_case_without_adaptation_is_refused(case_file, cli):
    text = case_file.read_text()
    start = text.index("[adaptation]")
    end = text.index("[[actions]]")
    case_file.write_text(text[:start] + text[end:])
    code, stdout, stderr = cli("pathways", str(case_file), "-n", "5")
    assert code == 2 and "adaptation" in stderr


def test_analyse_in_python(case):
    result = analyse(case, Futures.sample(case, 50, seed=0))
    assert set(result) >= {"tipping_points", "scorecard", "triggers", "voi"}


def test_pathways_of_a_run_folder_use_its_case_and_futures(case_file, tmp_path, cli):
    import forewarn

    forewarn.run(forewarn.load_case(case_file), n=25, seed=6, out=tmp_path / "run")
    code, stdout, stderr = cli("pathways", str(tmp_path / "run"), "--json")
    assert code == 0, stderr
    from_run = json.loads(stdout)
    code, stdout, stderr = cli("pathways", str(case_file), "-n", "25", "--seed", "6", "--json")
    direct = json.loads(stdout)
    assert from_run["futures"] == 25 and from_run["seed"] == 6
    assert from_run["scorecard"] == direct["scorecard"]


def test_case_signposts_get_a_value_and_are_flagged_watched(case):
    import numpy as np

    from forewarn.analysis.pathways import pathway_voi

    fut = Futures.sample(case, 200, seed=3)
    rate = fut.table["rate"].to_numpy()
    # Two options: one good where the rate is high, one where it is low; a signpost on the rate
    # removes all regret, one on noise none.
    regret = regret_matrix(np.vstack([rate, 0.4 - rate]))
    rows = {r["signpost"]: r for r in pathway_voi(case, fut, regret, {"rate_high": rate > 0.2})}
    assert rows["rate_high"]["watched"] and not rows["noise above its median"]["watched"]
    assert rows["rate_high"]["voi"] == pytest.approx(regret.mean(axis=1).min())
    noise = rows["noise above its median"]["voi"]
    assert noise == 0.0 or noise < rows["rate_high"]["voi"]


def test_cli_values_the_case_signposts(case_file, cli):
    case_file.write_text(case_file.read_text() + """
[[signposts]]
name = "fast_rise"
description = "Reports that the level rises faster than 0.2 a year."
[signposts.evidence]
phrases = ["level ris*"]
[signposts.narrows]
uncertainty = "rate"
op = ">"
value = 0.2

[[signposts]]
name = "rise_reported"
description = "A rise reported: the rate is high from the year it is seen."
[signposts.evidence]
phrases = ["rise"]
[signposts.narrows]
uncertainty = "rate"
op = ">="
offset_years = 1
""")
    code, stdout, stderr = cli("pathways", str(case_file), "-n", "40", "--json")
    assert code == 0, stderr
    data = json.loads(stdout)
    rows = {r["signpost"]: r for r in data["voi"]}
    assert rows["fast_rise"]["watched"] is True and rows["fast_rise"]["share_fired"] == pytest.approx(
        0.5, abs=0.05)
    assert data["signposts_without_fixed_bound"] == ["rise_reported"]


def test_tipping_conditions_name_the_driving_uncertainty(case):
    from forewarn.analysis.pathways import tipping_points

    fut = Futures.sample(case, 400, seed=8)
    tips = tipping_points(case, fut).set_index("plan")
    # The big dike tips within the horizon where rate * t - 2.5 > 1 for some t <= 19, i.e.
    # rate > 3.5 / 19: the box bounds the rate from below near that value, and ignores the noise.
    text = tips.loc["big_dike", "conditions"]
    assert text.startswith("rate >= ") and "noise" not in text
    assert float(text.split()[2]) == pytest.approx(3.5 / 19, abs=0.01)
    assert pd.isna(tips.loc["default", "conditions"])  # it tips in every future: nothing to tell apart


# -- the observed present: [adaptation] from_year and holds_today ---------------------------------


def _with_present(case_file: Path, lines: str) -> Path:
    text = case_file.read_text()
    case_file.write_text(text.replace("share = 0.9\n", "share = 0.9\n" + lines, 1))
    return case_file


def test_no_plan_tips_before_from_year_known_answer(case_file):
    case = load_case(_with_present(case_file, "from_year = 2030\n"))
    fut = Futures.sample(case, 300, seed=7)
    rate = fut.table["rate"].to_numpy()
    static = perform_experiments(case, fut, lever_rows(case, ["default"]))["level"][0]
    # Judged from 2030 (index 5) on: a level above 1 in an earlier year is not a tipping point.
    first = first_above(rate, 1.0)
    assert (first < 5).any()  # the sample has futures that fail before 2030
    assert np.array_equal(tipping_index(meets_objective(case, static)), np.where(first >= 0, np.maximum(first, 5), -1))
    tips = analyse(case, fut)["tipping_points"]
    assert (tips["earliest"].dropna() >= 2030).all()


def test_holds_today_sets_aside_exactly_the_futures_that_fail_before_from_year(case_file):
    from forewarn.analysis.pathways import consistent_futures

    case = load_case(_with_present(case_file, "from_year = 2030\nholds_today = true\n"))
    fut = Futures.sample(case, 300, seed=7)
    rate = fut.table["rate"].to_numpy()
    kept, aside = consistent_futures(case, fut)
    # level_t = rate * t <= 1 for t = 0..4 exactly when 4 * rate <= 1.
    ok = 4 * rate <= 1.0
    assert 0 < aside == int((~ok).sum()) < len(fut)
    assert np.array_equal(kept.seeds, fut.seeds[ok])
    np.testing.assert_array_equal(kept.table["rate"].to_numpy(), rate[ok])
    # Without holds_today nothing is set aside.
    plain = load_case(HERE / "dike.toml")
    assert consistent_futures(plain, fut)[1] == 0


def test_cli_reports_the_futures_set_aside(case_file, cli):
    _with_present(case_file, "from_year = 2030\nholds_today = true\n")
    code, stdout, stderr = cli("pathways", str(case_file), "-n", "200", "--seed", "3", "--json")
    assert code == 0, stderr
    data = json.loads(stdout)
    fut = Futures.sample(load_case(case_file), 200, seed=3)
    expected = int((4 * fut.table["rate"].to_numpy() > 1.0).sum())
    assert data["futures_set_aside"] == expected > 0 and data["futures"] == 200 - expected
    assert all(r["earliest"] is None or r["earliest"] >= 2030 for r in data["tipping_points"])
    code, stdout, stderr = cli("pathways", str(case_file), "-n", "200", "--seed", "3")
    assert code == 0 and f"{expected} more futures were set aside" in " ".join(stdout.split())


@pytest.mark.parametrize("lines, field, words", [
    ("from_year = 2050\n", "adaptation.from_year", "within the case's years (2025 to 2044)"),
    ("holds_today = true\n", "adaptation.holds_today", "needs from_year"),
    # the level rate * t passes 1 before 2044 in every future: none agrees with the present
    ("from_year = 2044\nholds_today = true\n", "adaptation.holds_today", "contradict the observed present"),
])
def test_bad_present_declaration_exit_2(case_file, tmp_path, cli, lines, field, words):
    _with_present(case_file, lines)
    svg = tmp_path / "map.svg"
    code, stdout, stderr = cli("pathways", str(case_file), "-n", "10", "--svg", str(svg))
    assert code == 2 and "dike.toml:" in stderr and field in stderr and words in " ".join(stderr.split())
    assert not svg.exists()


def test_defaults_written_out_keep_the_case_hash(case_file):
    before = load_case(case_file).hash()
    assert load_case(_with_present(case_file, "holds_today = false\n")).hash() == before


def test_kosovo_pathways_never_tip_in_the_observed_present(cli):
    code, stdout, stderr = cli("pathways", "kosovo", "-n", "150", "--json")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["futures_set_aside"] > 0 and data["futures"] + data["futures_set_aside"] == 150
    assert all(r["earliest"] is None or r["earliest"] >= 2026 for r in data["tipping_points"])
