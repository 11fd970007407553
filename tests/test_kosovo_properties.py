"""Properties the Kosovo model must keep, checked on many random futures at once.

Each hypothesis example draws a batch of futures and strategies uniformly over the case's
stress ranges (the widest it declares; one numpy generator per example), changes one input in the
favourable direction, and checks that the margin series never falls, year by year and in every
row, and that time to failure never comes earlier.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.kosovo import random_inputs as kosovo_random_inputs
from forewarn.kosovo import load_kosovo_case
from forewarn.kosovo.model import OUTCOMES, kosovo_model

CASE = load_kosovo_case()
STRESS = CASE.with_ranges("stress")
N = 256
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
EXAMPLES = settings(max_examples=25, deadline=None)


def random_inputs(seed: int, n: int = N) -> dict[str, np.ndarray]:
    return kosovo_random_inputs(n, seed, case=STRESS)


def never_lower(better: dict, worse: dict, rtol: float = 1e-12) -> None:
    """The margin under ``better`` is at least that under ``worse``, year by year and row by row."""
    hi, lo = kosovo_model(better), kosovo_model(worse)
    slack = rtol * np.abs(lo["margin"]) + 1e-12
    bad = hi["margin"] < lo["margin"] - slack
    assert not bad.any(), f"{bad.any(axis=1).sum()} rows lose margin, first {np.argwhere(bad)[0]}"
    assert np.all(hi["min_margin"] >= lo["min_margin"] - rtol * np.abs(lo["min_margin"]) - 1e-12)
    assert np.all(hi["years_below"] <= lo["years_below"])
    assert np.all(hi["first_failure_year"] >= lo["first_failure_year"])
    assert np.all(hi["expected_crises"] <= lo["expected_crises"] * (1 + 1e-9) + 1e-12)


def with_(inputs: dict, **changes) -> dict:
    return {**inputs, **{k: np.asarray(v) for k, v in changes.items()}}


def between(rng: np.random.Generator, a: np.ndarray, high: float) -> np.ndarray:
    """A value between a and high, row by row."""
    return a + (high - a) * rng.random(len(a))


@EXAMPLES
@given(SEEDS)
def test_smaller_us_withdrawal_never_lowers_the_margin(seed):
    x = random_inputs(seed)
    rng = np.random.default_rng(seed + 1)
    smaller = x["us_share_withdrawn"] * rng.random(N)
    smaller = np.maximum(smaller, 0.14)  # within the range: a drawdown still happens
    never_lower(with_(x, us_share_withdrawn=smaller), x)


@EXAMPLES
@given(SEEDS)
def test_no_withdrawal_never_lowers_the_margin(seed):
    x = random_inputs(seed)
    never_lower(with_(x, us_withdrawal_year=np.full(N, 2040.0)), x)


@EXAMPLES
@given(SEEDS)
def test_later_withdrawal_never_lowers_the_margin_when_backfill_is_immediate(seed):
    # With a lag, a later withdrawal also delays the backfill, so the comparison only holds
    # year by year when the backfill is immediate (docs/methods.md, "Properties").
    x = with_(random_inputs(seed), backfill_lag=np.zeros(N))
    later = between(np.random.default_rng(seed + 2), x["us_withdrawal_year"], 2040.0)
    never_lower(with_(x, us_withdrawal_year=later), x)


@EXAMPLES
@given(SEEDS)
def test_more_backfill_never_lowers_the_margin(seed):
    x = random_inputs(seed)
    rng = np.random.default_rng(seed + 3)
    never_lower(with_(x, backfill_share=between(rng, x["backfill_share"], 1.0)), x)
    never_lower(with_(x, backfill_lag=x["backfill_lag"] * rng.random(N)), x)
    never_lower(with_(x, nato_backfill_gain=between(rng, x["nato_backfill_gain"], 0.5)), x)


@EXAMPLES
@given(SEEDS)
def test_more_budget_never_lowers_the_margin(seed):
    x = random_inputs(seed)
    rng = np.random.default_rng(seed + 4)
    never_lower(with_(x, defence_share_gdp=between(rng, x["defence_share_gdp"], 5.0)), x)
    never_lower(with_(x, gdp_growth=between(rng, x["gdp_growth"], 0.05)), x)


@EXAMPLES
@given(SEEDS)
def test_smaller_threat_never_lowers_the_margin(seed):
    x = random_inputs(seed)
    rng = np.random.default_rng(seed + 5)
    never_lower(with_(x, threat_base=4500.0 + (x["threat_base"] - 4500.0) * rng.random(N)), x)
    never_lower(with_(x, threat_trend=-0.02 + (x["threat_trend"] + 0.02) * rng.random(N)), x)
    never_lower(with_(x, threat_quality=1.0 + (x["threat_quality"] - 1.0) * rng.random(N)), x)
    never_lower(with_(x, required_ratio=0.3333 + (x["required_ratio"] - 0.3333) * rng.random(N)), x)


@EXAMPLES
@given(SEEDS)
def test_nato_and_the_us_never_lower_the_margin(seed):
    x = random_inputs(seed)
    rng = np.random.default_rng(seed + 6)
    never_lower(with_(x, tripwire_weight=between(rng, x["tripwire_weight"], 3.0)), x)
    never_lower(with_(x, nato_reinforcement=between(rng, x["nato_reinforcement"], 1000.0)), x)
    never_lower(with_(x, nato_air_attrition=between(rng, x["nato_air_attrition"], 0.5)), x)
    never_lower(with_(x, defender_in_time_share=between(rng, x["defender_in_time_share"], 1.0)), x)
    more_us = x["us_troops_base"] * rng.random(N)  # more US troops, the other contributors unchanged
    never_lower(with_(x, us_troops_base=x["us_troops_base"] + more_us,
                      kfor_total_base=x["kfor_total_base"] + more_us), x)
    never_lower(with_(x, us_deal=np.ones(N, bool)), with_(x, us_deal=np.zeros(N, bool)))


@EXAMPLES
@given(SEEDS)
def test_other_favourable_changes_never_lower_deterrence(seed):
    x = random_inputs(seed)
    rng = np.random.default_rng(seed + 7)
    never_lower(with_(x, ksf_recruitment_capacity=between(rng, x["ksf_recruitment_capacity"], 1400.0)), x)
    never_lower(with_(x, ksf_plan_pace=between(rng, x["ksf_plan_pace"], 3.0)), x)
    never_lower(with_(x, other_kfor_trend=between(rng, x["other_kfor_trend"], 0.03)), x)
    never_lower(with_(x, ksf_capability_base=between(rng, x["ksf_capability_base"], 0.7)), x)
    never_lower(with_(x, equipment_effectiveness=between(rng, x["equipment_effectiveness"], 3.0)), x)
    never_lower(with_(x, regional_force=np.ones(N, bool)), with_(x, regional_force=np.zeros(N, bool)))


@EXAMPLES
@given(SEEDS)
def test_larger_reserve_intake_never_lowers_the_margin(seed):
    # The reserve is paid before the active force, so more reservists can crowd active soldiers
    # out of the budget; each costs reserve_cost_ratio (0.15) of an active soldier and weighs
    # reserve_weight (0.5), so the margin still does not fall.
    x = random_inputs(seed)
    rng = np.random.default_rng(seed + 8)
    never_lower(with_(x, ksf_reserve_intake=between(rng, x["ksf_reserve_intake"], 700.0)), x)
    never_lower(with_(x, ksf_reserve_intake=np.full(N, 700.0)), with_(x, ksf_reserve_intake=np.zeros(N)))


@EXAMPLES
@given(SEEDS)
def test_outputs_finite_and_never_negative(seed):
    out = kosovo_model(random_inputs(seed))
    for name in OUTCOMES:
        assert np.all(np.isfinite(out[name])), name
        assert np.all(out[name] >= 0), name
    assert np.all(out["years_below"] <= 10)
    assert np.all(out["us_troops"] <= 600)
    assert np.all((out["first_failure_year"] >= 2026) & (out["first_failure_year"] <= 2036))
    assert np.all((out["own_first_year"] >= 2025) & (out["own_first_year"] <= 2036))
    assert set(np.unique(out["present_ok"])) <= {0.0, 1.0}
    assert np.all(out["strategy_cost"] >= out["defence_budget"])


def test_corners_of_the_ranges_stay_finite_and_non_negative():
    """Every combination of range ends for the inputs that matter most."""
    names = ["us_withdrawal_year", "us_share_withdrawn", "other_kfor_trend", "threat_base", "threat_trend",
             "gdp_growth", "cost_per_soldier", "defence_share_gdp", "equipment_share", "escalation_steepness",
             "ksf_active_target", "required_ratio", "nato_air_attrition"]
    grids = np.meshgrid(*[[STRESS.parameter(n).low, STRESS.parameter(n).high] for n in names], indexing="ij")
    n = grids[0].size
    x = random_inputs(0, n)
    for name, grid in zip(names, grids):
        x[name] = grid.reshape(-1)
    out = kosovo_model(x)
    for name in OUTCOMES:
        assert np.all(np.isfinite(out[name])) and np.all(out[name] >= 0), name


@EXAMPLES
@given(SEEDS)
def test_same_inputs_same_outputs(seed):
    x = random_inputs(seed, 64)
    a, b = kosovo_model(x), kosovo_model({k: v.copy() for k, v in x.items()})
    for name in OUTCOMES:
        assert np.array_equal(a[name], b[name])
