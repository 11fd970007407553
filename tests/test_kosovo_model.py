"""The Kosovo model: shapes, dtypes and known answers on hand-computable cases."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from forewarn.kosovo import random_inputs as kosovo_random_inputs
from forewarn.kosovo import default_inputs, ema_model, load_kosovo_case
from forewarn.kosovo.model import OUTCOMES, SCALAR_OUTCOMES, SERIES_OUTCOMES, kosovo_model, seed_uniform
from forewarn.kosovo.scalar_reference import kosovo_model_scalar, seed_uniform_scalar
from optional import requires_ema

CASE = load_kosovo_case()
T = 11  # 2025..2035
YEARS = np.arange(2025, 2036)


def run(n: int = 1, **overrides):
    return kosovo_model(default_inputs(n, case=CASE, **overrides))


# Everything held still: no withdrawal, no trends, no growth, the KSF at its 2025 size, equipment
# without effect. Every year then equals the base year.
STILL = dict(
    us_withdrawal_year=2040.0,
    other_kfor_trend=0.0,
    threat_trend=0.0,
    gdp_growth=0.0,
    ksf_active_target=4300,
    ksf_reserve_target=800,
    equipment_effectiveness=0.0,
)
# Defaults: 75 % of the defenders in time, 700 reinforcements, required ratio 0.3333, 8,350 massed.
OWN = 0.4 * (4300 + 0.5 * 800)
ATTACK = 0.3333 * 8350
MARGIN = (0.75 * (600 + 4000 + OWN) + 700) / ATTACK


def random_inputs(n: int, seed: int) -> dict[str, np.ndarray]:
    """n futures x random levers, uniform over the case's ranges."""
    return kosovo_random_inputs(n, seed, case=CASE)


def test_outcomes_match_the_case():
    assert set(OUTCOMES) == set(CASE.outcome_names)
    for outcome in CASE.outcomes:
        assert (outcome.name in SCALAR_OUTCOMES) == (outcome.kind == "scalar")
        assert (outcome.name in SERIES_OUTCOMES) == (outcome.kind == "series")


@pytest.mark.parametrize("n", [0, 1, 7])
def test_shapes_and_dtypes(n):
    out = kosovo_model(random_inputs(n, 3))
    assert set(out) == set(OUTCOMES)
    for name in SCALAR_OUTCOMES:
        assert out[name].shape == (n,), name
        assert out[name].dtype == np.float64
    for name in SERIES_OUTCOMES:
        assert out[name].shape == (n, T), name
        assert out[name].dtype == np.float64
        assert out[name].flags.c_contiguous


def test_contract_checked_by_the_engine():
    model_mod = pytest.importorskip("forewarn.engine.model")
    inputs = random_inputs(50, 4)
    out = model_mod.call_model(kosovo_model, inputs, CASE)
    assert set(out) == set(CASE.outcome_names)


def test_time_axis_follows_the_constants():
    out = run(2, horizon=2030)
    assert out["margin"].shape == (2, 6)
    assert_array_equal(out["first_failure_year"], 2031.0)  # never: horizon + 1
    with pytest.raises(ValueError, match="horizon"):
        run(1, horizon=2020)


def test_still_world_is_constant_and_hand_computed():
    out = run(3, **STILL)
    assert_allclose(out["margin"], MARGIN)
    assert_allclose(out["min_margin"], MARGIN)
    assert_allclose(out["base_margin"], MARGIN)
    assert_array_equal(out["present_ok"], 1.0)
    assert_array_equal(out["years_below"], 0.0)
    assert_array_equal(out["first_failure_year"], 2036.0)
    assert_allclose(out["own_margin"], 0.75 * OWN / ATTACK)
    assert_allclose(out["own_margin_end"], 0.75 * OWN / ATTACK)
    assert_array_equal(out["own_first_year"], 2036.0)  # Kosovo alone never meets it here
    assert_allclose(out["us_troops"], 600.0)
    assert_allclose(out["kfor_troops"], 4600.0)
    assert_allclose(out["ksf_active"], 4300.0)
    assert_allclose(out["ksf_reserve"], 800.0)
    assert_allclose(out["threat"], 8350.0)
    density = (4600 + 4300 + 8546) / 1586659 * 1000
    assert_allclose(out["force_density"], density)
    assert_allclose(out["min_force_density"], density)
    # Budget: today's figure in 2025, then GDP x share; no deal, no regional force: cost = budget.
    assert_allclose(out["defence_budget"][:, 0], 207.8)
    assert_allclose(out["defence_budget"][:, 1:], 11000 * 0.0189)
    assert_allclose(out["strategy_cost"], out["defence_budget"])
    assert_allclose(out["total_cost"], 10 * 11000 * 0.0189)
    assert_allclose(out["cost_share_gdp"], 1.89)
    # Expected escalated crises: rate x sum over the 10 lever years of p_max / (1 + margin^beta).
    assert_allclose(out["expected_crises"], 0.4 * 10 * 0.2 / (1 + MARGIN**2))


def test_time_to_failure_is_the_first_lever_year_below_one():
    # A threat growing 10 % a year: margin(t) = MARGIN / 1.1^t falls below 1 when 1.1^t > MARGIN.
    out = run(1, **{**STILL, "threat_trend": 0.1})
    t_fail = int(np.ceil(np.log(MARGIN) / np.log(1.1)))
    assert out["first_failure_year"][0] == 2025 + t_fail
    assert out["years_below"][0] == T - t_fail
    assert_allclose(out["min_margin"], MARGIN / 1.1 ** (T - 1))
    # A base year below 1 is not a failure year (levers cannot act on it), but it is flagged.
    low = run(1, **{**STILL, "threat_base": 14000.0, "required_ratio": 0.5128, "defender_in_time_share": 0.5,
                    "nato_reinforcement": 0.0})
    assert low["present_ok"][0] == 0.0 and low["base_margin"][0] < 1
    assert low["first_failure_year"][0] == 2026.0


def test_own_capability_reaches_the_yardstick_in_a_known_year():
    # Kosovo alone against 4,500 massed at the 3:1 yardstick, equipment closing the capability gap.
    out = run(1, **{**STILL, "threat_base": 4500.0, "equipment_effectiveness": 3.0, "defence_share_gdp": 3.0,
                    "equipment_share": 0.6})
    own = out["own_margin"][0]
    first = int(np.argmax(own >= 1.0))
    assert own[first] >= 1.0 and (first == 0 or own[first - 1] < 1.0)
    assert out["own_first_year"][0] == 2025 + first


def test_full_withdrawal_with_immediate_backfill():
    out = run(1, **{**STILL, "us_withdrawal_year": 2030.0, "us_share_withdrawn": 1.0, "backfill_share": 0.5,
                    "backfill_lag": 0.0})
    before = YEARS < 2030
    assert_allclose(out["us_troops"][0, before], 600.0)
    assert_allclose(out["us_troops"][0, ~before], 0.0)
    assert_allclose(out["kfor_troops"][0, ~before], 4000 + 300.0)
    assert out["us_troops_end"][0] == 0.0
    assert_allclose(out["kfor_troops_end"], 4300.0)


def test_backfill_arrives_over_lag_plus_one_years():
    out = run(1, **{**STILL, "us_withdrawal_year": 2027.0, "us_share_withdrawn": 0.5, "backfill_share": 1.0,
                    "backfill_lag": 2.0})
    other = out["kfor_troops"][0] - out["us_troops"][0]
    assert_allclose(other[:2], 4000.0)
    assert_allclose(other[2:6], [4000 + 100, 4000 + 200, 4000 + 300, 4000 + 300])


def test_withdrawal_never_touches_the_base_year():
    out = run(1, us_withdrawal_year=2000.0, us_share_withdrawn=1.0)
    assert out["us_troops"][0, 0] == 600.0
    assert out["us_troops"][0, 1] == 0.0


def test_trends_compound_yearly():
    out = run(1, **{**STILL, "other_kfor_trend": -0.1, "threat_trend": 0.05, "gdp_growth": 0.03})
    t = np.arange(T)
    assert_allclose(out["kfor_troops"][0], 600 + 4000 * 0.9**t)
    assert_allclose(out["threat"][0], 8350 * 1.05**t)
    assert_allclose(out["defence_budget"][0, 1:], 11000 * 1.03 ** t[1:] * 0.0189)


def test_threat_quality_air_power_and_tripwire_enter_the_margin():
    out = run(1, **{**STILL, "threat_quality": 2.0, "nato_air_attrition": 0.5, "tripwire_weight": 3.0})
    defenders = 0.75 * (3.0 * 600 + 4000 + OWN) + 700
    assert_allclose(out["margin"][0], defenders / (0.3333 * 8350 * 2.0 * 0.5))
    # Kosovo alone has neither NATO air power nor the US tripwire.
    assert_allclose(out["own_margin"][0], 0.75 * OWN / (0.3333 * 8350 * 2.0))


def test_ksf_growth_limited_by_recruitment_then_target():
    out = run(1, **{**STILL, "ksf_active_target": 6000, "ksf_target_year": 2026, "ksf_recruitment_capacity": 500.0,
                    "defence_share_gdp": 5.0})
    assert_allclose(out["ksf_active"][0, :6], [4300, 4800, 5300, 5800, 6000, 6000])


def test_ksf_follows_the_linear_plan():
    out = run(1, **{**STILL, "ksf_active_target": 5000, "ksf_target_year": 2029, "ksf_recruitment_capacity": 1400.0,
                    "cost_per_soldier": 21.0})
    assert_allclose(out["ksf_active"][0, :6], [4300, 4475, 4650, 4825, 5000, 5000])
    # the reserve follows its own plan
    out = run(1, **{**STILL, "ksf_reserve_target": 2800, "ksf_target_year": 2029, "ksf_reserve_intake": 700.0})
    assert_allclose(out["ksf_reserve"][0, :6], [800, 1300, 1800, 2300, 2800, 2800])


def test_the_plan_pace_scales_the_active_plan_not_the_reserve():
    # 4,300 -> 5,000 by 2029 is 175 a year; at half the pace 87.5 a year, at twice the pace 350 a
    # year until the target; recruitment and the budget do not bind here.
    common = {**STILL, "ksf_active_target": 5000, "ksf_reserve_target": 2800, "ksf_target_year": 2029,
              "ksf_recruitment_capacity": 1400.0, "cost_per_soldier": 21.0, "defence_share_gdp": 3.0,
              "ksf_reserve_intake": 700.0}
    slow = run(1, **{**common, "ksf_plan_pace": 0.5})
    fast = run(1, **{**common, "ksf_plan_pace": 2.0})
    assert_allclose(slow["ksf_active"][0, :6], [4300, 4387.5, 4475, 4562.5, 4650, 4737.5])
    assert_allclose(fast["ksf_active"][0, :6], [4300, 4650, 5000, 5000, 5000, 5000])
    for out in (slow, fast):
        assert_allclose(out["ksf_reserve"][0, :6], [800, 1300, 1800, 2300, 2800, 2800])
    # Recruitment still caps a fast pace.
    capped = run(1, **{**common, "ksf_plan_pace": 2.0, "ksf_recruitment_capacity": 200.0})
    assert_allclose(capped["ksf_active"][0, :4], [4300, 4500, 4700, 4900])


def test_the_reserve_grows_by_at_most_its_intake():
    # With the default inputs, a reserve of 10,000 aimed for by 2026 is at most 800 + one year's
    # intake in 2026, then grows by the intake a year until the target.
    intake = CASE.parameter("ksf_reserve_intake").default
    out = run(1, ksf_reserve_target=10000, ksf_target_year=2026)
    reserve = out["ksf_reserve"][0]
    assert reserve[0] == pytest.approx(800.0)
    assert reserve[1] <= 800.0 + intake + 1e-9
    assert_allclose(reserve[:4], 800.0 + intake * np.arange(4))
    # No intake: the reserve stays where it is, whatever its target.
    assert_allclose(run(1, ksf_reserve_target=10000, ksf_reserve_intake=0.0)["ksf_reserve"], 800.0)


def test_a_large_reserve_is_paid_not_free():
    # Personnel budget 11000 x 1 % x (1 - 0.4) = 66 MEUR pays at most 66 / (0.15 x 0.025) = 17,600
    # reservists; a reserve aimed at 10,000 with a large intake takes 10,000 x 0.00375 = 37.5 MEUR
    # and leaves (66 - 37.5) / 0.025 = 1,140 active soldiers; a smaller budget leaves none.
    common = {**STILL, "ksf_reserve_target": 10000, "ksf_target_year": 2026, "ksf_reserve_intake": 1e6,
              "cost_per_soldier": 25.0}
    out = run(1, **{**common, "defence_share_gdp": 1.0})
    assert_allclose(out["ksf_reserve"][0, 1:], 10000.0)
    assert_allclose(out["ksf_active"][0, 1:], (66.0 - 37.5) / 0.025)
    out = run(1, **{**common, "defence_share_gdp": 0.5})  # 33 MEUR: 8,800 reservists, no active force
    assert_allclose(out["ksf_reserve"][0, 1:], 33.0 / 0.00375)
    assert_allclose(out["ksf_active"][0, 1:], 0.0)


def test_ksf_cannot_outgrow_its_budget():
    # personnel budget 11000 x 1.5 % x (1 - 0.4) = 99 MEUR; reserve 800 x 0.15 x 22k = 2.64 MEUR;
    # so (99 - 2.64) / 0.022 soldiers at most.
    out = run(1, **{**STILL, "ksf_active_target": 10000, "ksf_recruitment_capacity": 1400.0,
                    "defence_share_gdp": 1.5, "cost_per_soldier": 22.0})
    assert_allclose(out["ksf_active"][0, 1:], (99.0 - 2.64) / 0.022)
    # A budget too small for today's force shrinks it.
    out = run(1, **{**STILL, "defence_share_gdp": 1.0, "cost_per_soldier": 25.0})
    assert_allclose(out["ksf_active"][0, 1:], (66.0 - 800 * 0.15 * 0.025) / 0.025)


def test_the_budget_binds_todays_plan_at_the_derived_cost_per_soldier():
    # At EUR 29,000 per active soldier (2025: 207.8m x 60 % / 4,300) and 3 % growth, today's plan
    # cannot pay 5,000 active soldiers before GDP x 1.89 % x 60 % covers 5,000 x 29k + 2,500 x 15 % x 29k.
    out = kosovo_model(default_inputs(1, strategy="current_plan", case=CASE, cost_per_soldier=29.0,
                                      gdp_growth=0.03, ksf_recruitment_capacity=1400.0))
    need = (5000 * 0.029 + 2500 * 0.15 * 0.029) / (0.0189 * 0.6)
    first = 2025 + int(np.ceil(np.log(need / 11000) / np.log(1.03)))
    active = out["ksf_active"][0]
    assert first == 2033
    assert active[first - 2025] == pytest.approx(5000) and np.all(active[: first - 2025] < 5000)


def test_equipment_raises_capability_with_diminishing_returns():
    out = run(1, **{**STILL, "equipment_effectiveness": 1.0, "defence_share_gdp": 2.0, "equipment_share": 0.5,
                    "cost_per_soldier": 21.0})
    spend = 11000 * 0.02 * 0.5  # 110 MEUR a year from 2026
    cum = np.concatenate([[0.0, 0.0], spend * np.arange(1, T - 1)])
    capability = 1.0 - 0.6 * np.exp(-cum / 1000.0)
    own = capability * (4300 + 0.5 * 800)
    assert_allclose(out["own_margin"][0], 0.75 * own / ATTACK)
    gains = np.diff(capability[1:])
    assert np.all(np.diff(gains) < 0)  # each extra euro buys less


def test_regional_force_weighs_like_a_ksf_soldier_and_is_paid():
    plain = run(1, **STILL)
    joint = run(1, **STILL, regional_force=True, regional_committed_share=0.1, regional_cost_share=0.5,
                cost_per_soldier=24.0)
    on = YEARS >= 2028
    troops = 0.1 * 16570
    # weighed at today's KSF capability (0.4), at the point in time like every defender in Kosovo
    extra = (joint["margin"][0] - plain["margin"][0]) * ATTACK
    assert_allclose(extra, np.where(on, 0.75 * 0.4 * troops, 0.0), atol=1e-6)
    price = troops * 0.024 * 0.5
    assert_allclose(joint["strategy_cost"][0] - joint["defence_budget"][0], np.where(on, price, 0.0))
    assert_allclose(joint["total_cost"] - plain["total_cost"], price * on[1:].sum())
    # a commitment of zero adds nothing and costs nothing
    none = run(1, **STILL, regional_force=True, regional_committed_share=0.0)
    assert_allclose(none["margin"], plain["margin"])
    assert_allclose(none["total_cost"], plain["total_cost"])


def test_nato_alignment_floor_and_backfill_gain():
    out = run(1, **{**STILL, "nato_alignment": True, "defence_share_gdp": 1.2, "us_withdrawal_year": 2026.0,
                    "us_share_withdrawn": 1.0, "backfill_share": 0.5, "backfill_lag": 0.0,
                    "nato_backfill_gain": 0.5})
    assert_allclose(out["defence_budget"][0, 1:], 11000 * 0.02)
    assert_allclose(out["kfor_troops"][0, 1:], 4000 + 600 * 0.75)


def test_us_deal_averts_the_cut_once_and_is_paid():
    common = {**STILL, "us_withdrawal_year": 2027.0, "us_share_withdrawn": 1.0, "us_deal": True,
              "us_deal_price": 40.0}
    assert_allclose(run(4, **common, us_deal_effect=1.0)["us_troops"], 600.0)  # always averted
    assert_allclose(run(4, **common, us_deal_effect=0.0)["us_troops_end"], 0.0)  # no effect
    # With effect 0.5: averted when the seed's draw is below 0.5, else the whole cut (not half of it).
    seeds = np.arange(200, dtype=np.uint64)
    inputs = default_inputs(200, case=CASE, **common, us_deal_effect=0.5)
    inputs["seed"] = seeds
    out = kosovo_model(inputs)
    averted = seed_uniform(seeds) < 0.5
    assert_allclose(out["us_troops_end"][averted], 600.0)
    assert_allclose(out["us_troops_end"][~averted], 0.0)
    # The price is paid every lever year, averted or not.
    assert_allclose(out["strategy_cost"][:, 1:] - out["defence_budget"][:, 1:], 40.0)
    assert_allclose(out["total_cost"], 10 * (11000 * 0.0189 + 40.0))


@pytest.mark.parametrize("effect", [0.2, 0.5])
def test_the_deals_expected_effect_is_its_declared_effect(effect):
    """The expected cut with a deal is (1 - effect) x the cut without it, not (1 - effect)^2."""
    n = 20_000
    share = 0.6
    common = {**STILL, "us_withdrawal_year": 2027.0, "us_share_withdrawn": share, "us_deal_effect": effect}
    seeds = np.arange(n, dtype=np.uint64) * np.uint64(7919)
    with_deal = default_inputs(n, case=CASE, **common, us_deal=True)
    with_deal["seed"] = seeds
    cut = 1.0 - kosovo_model(with_deal)["us_troops_end"] / 600.0
    # Binomial standard error of the mean cut: share x sqrt(e (1 - e) / n) < 0.0021; allow 4 of them.
    assert cut.mean() == pytest.approx((1.0 - effect) * share, abs=4 * share * np.sqrt(effect * (1 - effect) / n))
    assert abs(cut.mean() - (1.0 - effect) ** 2 * share) > 0.05


def test_a_lever_given_per_year_acts_from_its_year_and_never_before():
    # The model contract of adaptive rules: a lever may be (n, T), its value in force each year.
    common = {**STILL, "ksf_active_target": 5000, "ksf_target_year": 2028, "ksf_recruitment_capacity": 400.0,
              "us_withdrawal_year": 2027.0, "us_share_withdrawn": 0.5, "defence_share_gdp": 3.0}
    plain = run(1, **common)
    share = np.full((1, 11), 3.0)
    share[0, 3:] = 3.5
    target = np.full((1, 11), 5000.0)
    target[0, 3:] = 6500.0
    drive = np.ones((1, 11))
    drive[0, 3:] = 1.5
    inputs = default_inputs(1, case=CASE, **common)
    changed = kosovo_model({**inputs, "defence_share_gdp": share, "ksf_active_target": target,
                            "recruitment_drive": drive})
    assert_allclose(changed["defence_budget"][0, :3], plain["defence_budget"][0, :3])
    assert_allclose(changed["defence_budget"][0, 3:], 11000 * 0.035)
    assert_allclose(changed["ksf_active"][0, :3], plain["ksf_active"][0, :3])
    # from 2028: recruitment 400 x 1.5 = 600 a year toward a plan that has reached 6,500
    k2027 = plain["ksf_active"][0, 2]
    assert_allclose(changed["ksf_active"][0, 3:6], np.minimum(k2027 + 600 * np.arange(1, 4), 6500))
    # The same value every year, given per year, is the static lever bit for bit.
    flat = kosovo_model({**inputs, "defence_share_gdp": np.full((1, 11), 3.0), "us_deal": np.zeros((1, 11))})
    for key, value in plain.items():
        np.testing.assert_array_equal(flat[key], value)


def test_the_base_year_is_the_same_under_every_strategy():
    """Levers act from 2026: the base year, and so the conditioning on the present, is shared."""
    futures = random_inputs(200, 21)
    base = None
    for name in CASE.strategy_names:
        inputs = dict(futures)
        for lever, value in CASE.strategy_levers(name).items():
            inputs[lever] = np.full(200, value)
        out = kosovo_model(inputs)
        first = {k: out[k][:, 0] for k in SERIES_OUTCOMES if k != "strategy_cost"}
        first["present_ok"] = out["present_ok"]
        if base is None:
            base = first
        for k, v in first.items():
            assert_array_equal(v, base[k], err_msg=f"{name}: {k}")


def test_the_observed_present_has_no_base_year_failure():
    """At today's figures the yardstick holds in 2025 under every strategy."""
    for name in CASE.strategy_names:
        out = kosovo_model(default_inputs(1, strategy=name, case=CASE))
        assert out["present_ok"][0] == 1.0 and out["base_margin"][0] >= 1.0, name


def test_seed_uniform_matches_the_scalar_version():
    seeds = np.array([0, 1, 2, 2**63, 2**64 - 1, 123456789], dtype=np.uint64)
    u = seed_uniform(seeds)
    assert np.all((u >= 0) & (u < 1))
    assert_allclose(u, [seed_uniform_scalar(int(s)) for s in seeds], rtol=0, atol=0)


def test_vectorised_model_agrees_with_the_scalar_reference():
    inputs = random_inputs(300, 11)
    out = kosovo_model(inputs)
    for i in range(300):
        row = {k: v[i].item() for k, v in inputs.items()}
        ref = kosovo_model_scalar(**row)
        for name in OUTCOMES:
            assert_allclose(out[name][i], ref[name], rtol=1e-9, atol=1e-9, err_msg=f"{name}, row {i}")


def test_rows_are_independent():
    inputs = random_inputs(100, 5)
    whole = kosovo_model(inputs)
    order = np.random.default_rng(0).permutation(100)
    shuffled = kosovo_model({k: v[order] for k, v in inputs.items()})
    halves = [kosovo_model({k: v[s] for k, v in inputs.items()}) for s in (slice(0, 37), slice(37, 100))]
    for name in OUTCOMES:
        assert_array_equal(shuffled[name], whole[name][order])
        assert_array_equal(np.concatenate([h[name] for h in halves]), whole[name])


def test_missing_input_is_named():
    inputs = default_inputs(2, case=CASE)
    del inputs["required_ratio"]
    with pytest.raises(KeyError, match="required_ratio"):
        kosovo_model(inputs)


def test_default_inputs_refuses_unknown_names():
    with pytest.raises(KeyError, match="tripwire_wieght"):
        default_inputs(1, case=CASE, tripwire_wieght=2.0)
    inputs = default_inputs(3, strategy="all_combined", case=CASE, seed=7)
    assert inputs["us_deal"].tolist() == [True] * 3
    assert inputs["seed"].dtype == np.uint64 and inputs["seed"].tolist() == [7] * 3


@requires_ema
def test_ema_workbench_runs_the_scalar_reference_as_the_model_computes():
    """The EMA Workbench, running the plain-Python version over its own design, gets what the
    vectorised model gets on the same experiments (the case's to_ema() view is consistent)."""
    import ema_workbench as ema
    model = ema_model(kosovo_model_scalar, case=CASE)
    policies = [ema.Policy(name, **CASE.strategy_levers(name)) for name in CASE.strategy_names]
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=4, policies=policies)
    n = len(experiments)
    assert n == 4 * len(policies)
    inputs = {p.name: np.asarray(experiments[p.name].to_numpy(), dtype=np.float64)
              for p in (*model.uncertainties, *model.levers)}
    inputs.update({c.name: np.full(n, float(c.value)) for c in model.constants})
    out = kosovo_model(inputs)  # no seed on either side: no deal averts a cut in either
    for name in OUTCOMES:
        assert_allclose(out[name], np.asarray(outcomes[name], dtype=np.float64), rtol=1e-9, atol=1e-9, err_msg=name)
