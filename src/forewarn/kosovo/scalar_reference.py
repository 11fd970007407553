"""The Kosovo model written for one experiment at a time, in plain Python.

The same equations as :func:`forewarn.kosovo.model.kosovo_model`, without numpy, one call per
experiment: ``kosovo_model_scalar(**row) -> dict``. It exists to check the vectorised model
(the two must agree) and as the per-experiment baseline of ``benchmarks/bench_kosovo.py``
(run through the EMA Workbench's sequential evaluator). Do not use it for real runs: it is
orders of magnitude slower.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from ..engine.seeds import seed_uniform_scalar

__all__ = ["kosovo_model_scalar", "seed_uniform_scalar"]


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _parameters(row: Mapping[str, Any]) -> SimpleNamespace:
    """What the yearly loop reads for one experiment: inputs clipped to their domains and the
    quantities fixed before the first year (the US cut, the backfill, prices, the attack side)."""
    f = lambda name: float(row[name])  # noqa: E731
    b = lambda name: bool(row[name]) and float(row[name]) > 0.5  # noqa: E731
    base = int(row.get("base_year", 2025))
    horizon = int(row.get("horizon", 2035))
    T = horizon - base + 1

    # US contingent: a deal averts the cut with probability us_deal_effect, once.
    us0 = max(f("us_troops_base"), 0.0)
    other0 = max(f("kfor_total_base") - us0, 0.0)
    w = max(f("us_withdrawal_year"), base + 1.0)
    u = seed_uniform_scalar(row["seed"]) if "seed" in row else 1.0
    averted = b("us_deal") and u < _clip(f("us_deal_effect"), 0.0, 1.0)
    cut = 0.0 if averted else _clip(f("us_share_withdrawn"), 0.0, 1.0)
    trend = max(f("other_kfor_trend"), -1.0)
    lag = max(f("backfill_lag"), 0.0)
    backfill = _clip(f("backfill_share"), 0.0, 1.0)
    nato = b("nato_alignment")
    if nato:
        backfill = backfill + (1.0 - backfill) * _clip(f("nato_backfill_gain"), 0.0, 1.0)
    gap = us0 * cut

    growth = max(f("gdp_growth"), -1.0)
    share_gdp = max(f("defence_share_gdp"), 0.0)
    if nato:
        share_gdp = max(share_gdp, f("nato_share_floor"))
    eq = _clip(f("equipment_share"), 0.0, 1.0)
    c0 = max(f("ksf_capability_base"), 0.0)
    cmax = max(f("ksf_capability_max"), c0)
    k = max(f("equipment_effectiveness"), 0.0)
    k0 = max(f("ksf_active_base"), 0.0)
    r0 = max(f("ksf_reserve_base"), 0.0)
    k_target = max(f("ksf_active_target"), 0.0)
    r_target = max(f("ksf_reserve_target"), 0.0)
    span = max(f("ksf_target_year") - base, 1.0)
    pace = max(f("ksf_plan_pace"), 0.0)
    cost = max(f("cost_per_soldier"), 1e-9) / 1000.0
    reserve_cost = cost * max(f("reserve_cost_ratio"), 0.0)
    deal_price = max(f("us_deal_price"), 0.0) if b("us_deal") else 0.0
    regional_troops = (_clip(f("regional_committed_share"), 0.0, 1.0) * max(f("regional_armies_total"), 0.0)
                       if b("regional_force") else 0.0)
    regional_price = regional_troops * cost * _clip(f("regional_cost_share"), 0.0, 1.0)

    in_time = _clip(f("defender_in_time_share"), 0.0, 1.0)
    tripwire = max(f("tripwire_weight"), 0.0)
    reinforcement = max(f("nato_reinforcement"), 0.0)
    own_attack_per_troop = (max(f("threat_quality"), 0.0) * _clip(f("threat_axis_share"), 0.0, 1.0)
                            * max(f("required_ratio"), 1e-9))
    air_left = 1.0 - _clip(f("nato_air_attrition"), 0.0, 1.0)
    threat_trend = max(f("threat_trend"), -1.0)
    beta = max(f("escalation_steepness"), 0.0)
    p_max = _clip(f("escalation_max"), 0.0, 1.0)
    police = max(f("police_base"), 0.0)
    population = max(f("population"), 1.0)

    return SimpleNamespace(**{name: value for name, value in locals().items() if name != "row"})


def kosovo_model_scalar(**row: Any) -> dict[str, Any]:
    """Evaluate the Kosovo model for one experiment.

    Parameters
    ----------
    **row
        Every uncertainty, lever and constant of the case by name (scalars), and optionally
        ``seed``.

    Returns
    -------
    dict
        Scalar outcomes as floats and series outcomes as lists of floats (one per year).
    """
    q = _parameters(row)
    series: dict[str, list[float]] = {
        name: []
        for name in ("margin", "own_margin", "us_troops", "kfor_troops", "ksf_active", "ksf_reserve",
                     "threat", "defence_budget", "strategy_cost", "force_density")
    }
    cum_equipment = 0.0
    active = q.k0
    reserve = q.r0
    p_sum = 0.0
    gdp_sum = 0.0
    for t in range(q.T):
        year = q.base + t
        withdrawn = year >= q.w
        us = q.us0 * (1.0 - q.cut) if withdrawn else q.us0
        frac = _clip((year - q.w + 1.0) / (q.lag + 1.0), 0.0, 1.0) if withdrawn else 0.0
        other = q.other0 * (1.0 + q.trend) ** t + q.backfill * q.gap * frac
        kfor = us + other
        regional_on = year >= q.f("regional_force_start")
        if t == 0:
            budget = max(q.f("defence_budget_base"), 0.0)
            spent = budget
        else:
            gdp = max(q.f("gdp_base"), 0.0) * (1.0 + q.growth) ** t
            gdp_sum += gdp
            budget = gdp * q.share_gdp / 100.0
            spent = budget + q.deal_price + (q.regional_price if regional_on else 0.0)
        capability = q.cmax - (q.cmax - q.c0) * math.exp(-q.k * cum_equipment / 1000.0)
        progress = min(t / q.span, 1.0)
        plan_active = q.k0 + (q.k_target - q.k0) * min(t / q.span * q.pace, 1.0)
        capacity = max(q.f("ksf_recruitment_capacity"), 0.0) * max(q.f("recruitment_drive"), 1.0)
        if t > 0:
            # The reserve follows its plan, grows by at most its intake and is paid first.
            plan_reserve = q.r0 + (q.r_target - q.r0) * progress
            personnel = budget * (1.0 - q.eq)
            reserve = max(min(plan_reserve, reserve + max(q.f("ksf_reserve_intake"), 0.0),
                              personnel / q.reserve_cost if q.reserve_cost > 0 else math.inf), 0.0)
            affordable = (personnel - q.reserve_cost * reserve) / q.cost
            active = max(min(plan_active, active + capacity, affordable), 0.0)
        own = capability * (active + max(q.f("reserve_weight"), 0.0) * reserve)
        if regional_on:
            own += q.c0 * q.regional_troops
        threat = max(q.f("threat_base"), 0.0) * (1.0 + q.threat_trend) ** t
        own_attack = max(threat * q.own_attack_per_troop, 1e-9)
        margin = (q.in_time * (q.tripwire * us + other + own) + q.reinforcement) / max(own_attack * q.air_left, 1e-9)
        if t > 0:
            try:
                p_sum += q.p_max / (1.0 + margin**q.beta)
            except OverflowError:
                pass
            cum_equipment += budget * q.eq
        for name, value in (
            ("margin", margin),
            ("own_margin", q.in_time * own / own_attack),
            ("us_troops", us),
            ("kfor_troops", kfor),
            ("ksf_active", active),
            ("ksf_reserve", reserve),
            ("threat", threat),
            ("defence_budget", budget),
            ("strategy_cost", spent),
            ("force_density", (kfor + active + q.police) / q.population * 1000.0),
        ):
            series[name].append(value)
    return _summary(series, row, p_sum, gdp_sum, q.base, q.horizon)


def _first(flags: list[bool], first: int, never: float) -> float:
    for i, hit in enumerate(flags):
        if hit:
            return float(first + i)
    return never


def _summary(series: dict[str, list[float]], row: dict[str, Any], p_sum: float, gdp_sum: float,
             base: int, horizon: int) -> dict[str, Any]:
    never = float(horizon + 1)
    margin = series["margin"]
    levers = margin[1:] if len(margin) > 1 else margin
    first_lever = base + 1 if len(margin) > 1 else base
    total_cost = sum(series["strategy_cost"][1:])
    out: dict[str, Any] = {
        "min_margin": min(levers),
        "first_failure_year": _first([m < 1.0 for m in levers], first_lever, never),
        "years_below": float(sum(1 for m in levers if m < 1.0)),
        "base_margin": margin[0],
        "present_ok": 1.0 if margin[0] >= 1.0 else 0.0,
        "own_margin_end": series["own_margin"][-1],
        "own_first_year": _first([m >= 1.0 for m in series["own_margin"]], base, never),
        "total_cost": total_cost,
        "cost_share_gdp": 100.0 * total_cost / gdp_sum if gdp_sum > 0 else 0.0,
        "expected_crises": max(float(row["crisis_rate"]), 0.0) * p_sum,
        "min_force_density": min(series["force_density"]),
        "us_troops_end": series["us_troops"][-1],
        "kfor_troops_end": series["kfor_troops"][-1],
        "ksf_active_end": series["ksf_active"][-1],
    }
    out.update(series)
    return out
