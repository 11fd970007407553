"""The Kosovo model written for one experiment at a time, in plain Python.

The same equations as :func:`forewarn.kosovo.model.kosovo_model`, without numpy, one call per
experiment: ``kosovo_model_scalar(**row) -> dict``. It exists to check the vectorised model
(the two must agree) and as the per-experiment baseline of ``benchmarks/bench_kosovo.py``
(run through the EMA Workbench's sequential evaluator). Do not use it for real runs: it is
orders of magnitude slower.
"""

from __future__ import annotations

import math
from typing import Any

from ..engine.seeds import seed_uniform_scalar

__all__ = ["kosovo_model_scalar", "seed_uniform_scalar"]


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


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
    f = lambda name: float(row[name])  # noqa: E731
    b = lambda name: bool(row[name]) and float(row[name]) > 0.5  # noqa: E731
    base = int(row.get("base_year", 2025))
    horizon = int(row.get("horizon", 2035))
    T = horizon - base + 1

    us0 = f("us_troops_base")
    other0 = max(f("kfor_total_base") - us0, 0.0)
    w = max(f("us_withdrawal_year"), base + 1.0)
    share = _clip(f("us_share_withdrawn"), 0.0, 1.0)
    deal = b("us_deal")
    deal_effect = _clip(f("us_deal_effect"), 0.0, 1.0)
    u = seed_uniform_scalar(row["seed"]) if "seed" in row else 0.0
    if deal:
        share_eff = 0.0 if u < deal_effect else share * (1.0 - deal_effect)
    else:
        share_eff = share
    trend = max(f("other_kfor_trend"), -1.0)
    lag = max(f("backfill_lag"), 0.0)
    backfill = _clip(f("backfill_share"), 0.0, 1.0)
    nato = b("nato_alignment")
    if nato:
        backfill = backfill + (1.0 - backfill) * _clip(f("nato_backfill_gain"), 0.0, 1.0)
    gap = us0 * share_eff

    growth = max(f("gdp_growth"), -1.0)
    share_gdp = max(f("defence_share_gdp"), 0.0)
    if nato:
        share_gdp = max(share_gdp, f("nato_share_floor"))
    adaptive = b("adaptive_recruitment") and share_eff > 0.0 and w <= horizon
    eq = _clip(f("equipment_share"), 0.0, 1.0)
    c0 = max(f("ksf_capability_base"), 0.0)
    cmax = max(f("ksf_capability_max"), c0)
    k = max(f("equipment_effectiveness"), 0.0)
    k0 = max(f("ksf_active_base"), 0.0)
    r0 = max(f("ksf_reserve_base"), 0.0)
    k_target = max(f("ksf_active_target"), 0.0)
    r_target = max(f("ksf_reserve_target"), 0.0)
    span = max(f("ksf_target_year") - base, 1.0)
    cost = max(f("cost_per_soldier"), 1e-9) / 1000.0
    reserve_cost = cost * max(f("reserve_cost_ratio"), 0.0)
    tripwire = max(f("tripwire_weight"), 0.0)
    regional_size = max(f("regional_committed_share"), 0.0) * max(f("regional_armies_total"), 0.0)
    threat_trend = max(f("threat_trend"), -1.0)
    ratio = max(f("attacker_ratio"), 0.0)
    beta = max(f("escalation_steepness"), 0.0)
    p_max = _clip(f("escalation_max"), 0.0, 1.0)
    police = max(f("police_base"), 0.0)
    population = max(f("population"), 1.0)

    series: dict[str, list[float]] = {
        name: []
        for name in ("deterrence", "self_defence", "us_troops", "kfor_troops", "ksf_active", "ksf_reserve",
                     "defender_strength", "threat", "defence_budget", "force_density")
    }
    cum_equipment = 0.0
    active = k0
    p_sum = 0.0
    for t in range(T):
        year = base + t
        withdrawn = year >= w
        us = us0 * (1.0 - share_eff) if withdrawn else us0
        frac = _clip((year - w + 1.0) / (lag + 1.0), 0.0, 1.0) if withdrawn else 0.0
        other = other0 * (1.0 + trend) ** t + backfill * gap * frac
        kfor = us + other
        adapt_on = adaptive and year >= w + 1.0
        if t == 0:
            budget = max(f("defence_budget_base"), 0.0)
        else:
            share_t = share_gdp + (max(f("adaptive_share_points"), 0.0) if adapt_on else 0.0)
            budget = f("gdp_base") * (1.0 + growth) ** t * share_t / 100.0
        capability = cmax - (cmax - c0) * math.exp(-k * cum_equipment / 1000.0)
        progress = min(t / span, 1.0)
        plan_active = k0 + (k_target - k0) * progress
        reserve = r0 + (r_target - r0) * progress
        capacity = max(f("ksf_recruitment_capacity"), 0.0)
        if adapt_on:
            plan_active = max(plan_active, k_target * f("adaptive_target_factor"))
            capacity *= max(f("adaptive_recruitment_factor"), 1.0)
        if t > 0:
            affordable = max((budget * (1.0 - eq) - reserve_cost * reserve) / cost, 0.0)
            active = max(min(plan_active, active + capacity, affordable), 0.0)
        own = capability * (active + max(f("reserve_weight"), 0.0) * reserve)
        if b("regional_force") and year >= f("regional_force_start"):
            own += regional_size
        defender = tripwire * us + other + own
        threat = max(f("threat_base"), 0.0) * max(f("threat_quality"), 0.0) * (1.0 + threat_trend) ** t
        deterrence = ratio * defender / max(threat, 1.0)
        try:
            p_sum += p_max / (1.0 + deterrence**beta)
        except OverflowError:
            pass
        density = (kfor + active + police) / population * 1000.0
        if t > 0:
            cum_equipment += budget * eq
        for name, value in (
            ("deterrence", deterrence),
            ("self_defence", ratio * own / max(threat, 1.0)),
            ("us_troops", us),
            ("kfor_troops", kfor),
            ("ksf_active", active),
            ("ksf_reserve", reserve),
            ("defender_strength", defender),
            ("threat", threat),
            ("defence_budget", budget),
            ("force_density", density),
        ):
            series[name].append(value)

    out: dict[str, Any] = {
        "min_deterrence": min(series["deterrence"]),
        "years_below_1": float(sum(1 for d in series["deterrence"] if d < 1.0)),
        "expected_escalations": max(f("crisis_rate"), 0.0) * p_sum,
        "min_force_density": min(series["force_density"]),
        "total_cost": sum(series["defence_budget"][1:]),
        "us_troops_end": series["us_troops"][-1],
        "kfor_troops_end": series["kfor_troops"][-1],
        "ksf_active_end": series["ksf_active"][-1],
        "self_defence_end": series["self_defence"][-1],
    }
    out.update(series)
    return out
