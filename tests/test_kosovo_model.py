"""The Kosovo model: shapes, dtypes and known answers on hand-computable cases."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from forewarn.kosovo import random_inputs as kosovo_random_inputs
from forewarn.kosovo import default_inputs, load_kosovo_case
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
    threat_quality=1.0,
    gdp_growth=0.0,
    ksf_active_target=4300,
    ksf_reserve_target=800,
    equipment_effectiveness=0.0,
)


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
    assert out["deterrence"].shape == (2, 6)
    with pytest.raises(ValueError, match="horizon"):
        run(1, horizon=2020)


def test_still_world_is_constant_and_hand_computed():
    out = run(3, **STILL)
    # defender = tripwire x US + other KFOR + capability x (KSF active + reserve weight x reserve)
    defender = 3.0 * 600 + 4000 + 0.4 * (4300 + 0.5 * 800)
    assert_allclose(out["defender_strength"], defender)
    assert_allclose(out["deterrence"], 3.0 * defender / 8350.0)
    assert_allclose(out["min_deterrence"], 3.0 * 7680 / 8350)
    assert_array_equal(out["years_below_1"], 0.0)
    assert_allclose(out["us_troops"], 600.0)
    assert_allclose(out["kfor_troops"], 4600.0)
    assert_allclose(out["ksf_active"], 4300.0)
    assert_allclose(out["ksf_reserve"], 800.0)
    density = (4600 + 4300 + 8546) / 1586659 * 1000
    assert_allclose(out["force_density"], density)
    assert_allclose(out["min_force_density"], density)
    # Budget: today's figure in 2025, then GDP x share.
    assert_allclose(out["defence_budget"][:, 0], 207.8)
    assert_allclose(out["defence_budget"][:, 1:], 11000 * 0.0189)
    assert_allclose(out["total_cost"], 10 * 11000 * 0.0189)
    # Expected escalated crises: rate x sum over 11 years of p_max / (1 + D^beta).
    d = 3.0 * 7680 / 8350
    assert_allclose(out["expected_escalations"], 0.4 * 11 * 0.2 / (1 + d**2))
    assert_allclose(out["self_defence_end"], 3.0 * 0.4 * 4700 / 8350)


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
    out = run(1, **{**STILL, "other_kfor_trend": -0.1, "threat_trend": 0.05, "gdp_growth": 0.03,
                    "threat_quality": 2.0})
    t = np.arange(T)
    assert_allclose(out["kfor_troops"][0], 600 + 4000 * 0.9**t)
    assert_allclose(out["threat"][0], 2.0 * 8350 * 1.05**t)
    assert_allclose(out["defence_budget"][0, 1:], 11000 * 1.03 ** t[1:] * 0.0189)


def test_ksf_growth_limited_by_recruitment_then_target():
    out = run(1, **{**STILL, "ksf_active_target": 6000, "ksf_target_year": 2026, "ksf_recruitment_capacity": 500.0,
                    "defence_share_gdp": 5.0})
    assert_allclose(out["ksf_active"][0, :6], [4300, 4800, 5300, 5800, 6000, 6000])


def test_ksf_follows_the_linear_plan():
    out = run(1, **{**STILL, "ksf_active_target": 5000, "ksf_target_year": 2029, "ksf_recruitment_capacity": 1400.0})
    assert_allclose(out["ksf_active"][0, :6], [4300, 4475, 4650, 4825, 5000, 5000])
    # the reserve follows its own plan
    out = run(1, **{**STILL, "ksf_reserve_target": 2800, "ksf_target_year": 2029})
    assert_allclose(out["ksf_reserve"][0, :6], [800, 1300, 1800, 2300, 2800, 2800])


def test_ksf_cannot_outgrow_its_budget():
    # personnel budget 11000 x 1.5 % x (1 - 0.4) = 99 MEUR; reserve 800 x 0.15 x 20k = 2.4 MEUR;
    # so (99 - 2.4) / 0.02 = 4,830 soldiers at most.
    out = run(1, **{**STILL, "ksf_active_target": 10000, "ksf_recruitment_capacity": 1400.0,
                    "defence_share_gdp": 1.5, "cost_per_soldier": 20.0})
    assert_allclose(out["ksf_active"][0, 1:], (99.0 - 2.4) / 0.02)
    # A budget too small for today's force shrinks it.
    out = run(1, **{**STILL, "defence_share_gdp": 1.0, "cost_per_soldier": 25.0})
    assert_allclose(out["ksf_active"][0, 1:], (66.0 - 800 * 0.15 * 0.025) / 0.025)


def test_equipment_raises_capability_with_diminishing_returns():
    out = run(1, **{**STILL, "equipment_effectiveness": 1.0, "defence_share_gdp": 2.0, "equipment_share": 0.5})
    spend = 11000 * 0.02 * 0.5  # 110 MEUR a year from 2026
    cum = np.concatenate([[0.0, 0.0], spend * np.arange(1, T - 1)])
    capability = 1.0 - 0.6 * np.exp(-cum / 1000.0)
    own = capability * (4300 + 0.5 * 800)
    assert_allclose(out["defender_strength"][0], 1800 + 4000 + own)
    gains = np.diff(capability[1:])
    assert np.all(np.diff(gains) < 0)  # each extra euro buys less


def test_regional_force_from_its_start_year():
    plain = run(1, **STILL)
    joint = run(1, **STILL, regional_force=True, regional_committed_share=0.1)
    extra = joint["defender_strength"][0] - plain["defender_strength"][0]
    assert_allclose(extra, np.where(YEARS >= 2028, 0.1 * 16570, 0.0))


def test_nato_alignment_floor_and_backfill_gain():
    out = run(1, **{**STILL, "nato_alignment": True, "defence_share_gdp": 1.2, "us_withdrawal_year": 2026.0,
                    "us_share_withdrawn": 1.0, "backfill_share": 0.5, "backfill_lag": 0.0,
                    "nato_backfill_gain": 0.5})
    assert_allclose(out["defence_budget"][0, 1:], 11000 * 0.02)
    assert_allclose(out["kfor_troops"][0, 1:], 4000 + 600 * 0.75)


def test_us_deal_averts_or_shrinks_the_withdrawal():
    common = {**STILL, "us_withdrawal_year": 2027.0, "us_share_withdrawn": 1.0, "us_deal": True}
    assert_allclose(run(4, **common, us_deal_effect=1.0)["us_troops"], 600.0)  # always averted
    assert_allclose(run(4, **common, us_deal_effect=0.0)["us_troops_end"], 0.0)  # no effect
    # With effect 0.5: averted when the seed's draw is below 0.5, else half withdrawn.
    seeds = np.arange(200, dtype=np.uint64)
    inputs = default_inputs(200, case=CASE, **common, us_deal_effect=0.5)
    inputs["seed"] = seeds
    end = kosovo_model(inputs)["us_troops_end"]
    averted = seed_uniform(seeds) < 0.5
    assert_allclose(end[averted], 600.0)
    assert_allclose(end[~averted], 300.0)
    assert 60 < averted.sum() < 140


def test_adaptive_rule_acts_the_year_after_the_drawdown():
    common = {**STILL, "ksf_active_target": 5000, "ksf_target_year": 2028, "ksf_recruitment_capacity": 400.0,
              "us_withdrawal_year": 2027.0, "us_share_withdrawn": 0.5, "defence_share_gdp": 3.0}
    plain = run(1, **common)
    adaptive = run(1, **common, adaptive_recruitment=True)
    assert_allclose(adaptive["defence_budget"][0, :3], plain["defence_budget"][0, :3])
    assert_allclose(adaptive["defence_budget"][0, 3:], 11000 * 0.035)
    assert_allclose(adaptive["ksf_active"][0, :3], plain["ksf_active"][0, :3])
    # from 2028: target 5,000 x 1.3 = 6,500, recruitment 400 x 1.5 = 600 a year
    k2027 = plain["ksf_active"][0, 2]
    assert_allclose(adaptive["ksf_active"][0, 3:6], np.minimum(k2027 + 600 * np.arange(1, 4), 6500))
    # No drawdown, no action.
    calm = {**common, "us_withdrawal_year": 2040.0}
    assert_allclose(run(1, **calm, adaptive_recruitment=True)["ksf_active"], run(1, **calm)["ksf_active"])


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
    del inputs["tripwire_weight"]
    with pytest.raises(KeyError, match="tripwire_weight"):
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
    model = ema.Model("kosovo", function=kosovo_model_scalar)
    model.uncertainties, model.levers, model.outcomes = CASE.to_ema()
    model.constants = [ema.Constant(name, c.value) for name, c in CASE.constants.items()]
    policies = [ema.Policy(name, **CASE.strategy_levers(name)) for name in CASE.strategy_names]
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=4, policies=policies)
    n = len(experiments)
    assert n == 4 * len(policies)
    inputs = {name: np.asarray(experiments[name].to_numpy(), dtype=np.float64)
              for name in CASE.uncertainty_names + CASE.lever_names}
    inputs.update({name: np.full(n, float(c.value)) for name, c in CASE.constants.items()})
    out = kosovo_model(inputs)  # no seed on either side: the deal's draw is 0 in both
    for name in OUTCOMES:
        assert_allclose(out[name], np.asarray(outcomes[name], dtype=np.float64), rtol=1e-9, atol=1e-9, err_msg=name)
