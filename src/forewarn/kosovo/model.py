"""The built-in Kosovo security model, vectorised over experiments.

One call evaluates a whole chunk of experiments (futures x strategies). Time runs along a
second axis: one column per year from ``base_year`` to ``horizon`` (both inclusive; 2025-2035
in the shipped case). Every force is in personnel, every amount of money in million EUR at
2025 prices. The equations, the parameters and their sources are in ``docs/methods.md``; the
same equations, written for one experiment at a time, are in
:mod:`forewarn.kosovo.scalar_reference` (used to check this file and by the benchmark).

The yardstick is a *local force-ratio margin*: the defenders that can be at the point of attack
in time over ``required_ratio`` times the attackers massed on one axis; 1 or more means the
yardstick holds that year. The outcomes are exploratory indices under stated assumptions, not
predictions.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace

import numpy as np

from ..engine.seeds import seed_uniform

__all__ = [
    "kosovo_model",
    "OUTCOMES",
    "SCALAR_OUTCOMES",
    "SERIES_OUTCOMES",
    "NEVER_OFFSET",
    "seed_uniform",
]

#: Scalar outcomes, one value per experiment.
SCALAR_OUTCOMES = (
    "min_margin",
    "first_failure_year",
    "years_below",
    "base_margin",
    "present_ok",
    "own_margin_end",
    "own_first_year",
    "total_cost",
    "cost_share_gdp",
    "expected_crises",
    "min_force_density",
    "us_troops_end",
    "kfor_troops_end",
    "ksf_active_end",
)
#: Series outcomes, one value per experiment and year.
SERIES_OUTCOMES = (
    "margin",
    "own_margin",
    "us_troops",
    "kfor_troops",
    "ksf_active",
    "ksf_reserve",
    "threat",
    "defence_budget",
    "strategy_cost",
    "force_density",
)
OUTCOMES = SCALAR_OUTCOMES + SERIES_OUTCOMES

#: A year outcome that never happens within the horizon is ``horizon + NEVER_OFFSET``.
NEVER_OFFSET = 1

_DEFAULT_BASE_YEAR = 2025
_DEFAULT_HORIZON = 2035


def _column(inputs: Mapping[str, np.ndarray], name: str, n: int) -> np.ndarray:
    try:
        value = inputs[name]
    except KeyError:
        raise KeyError(f"kosovo_model: input {name!r} is missing") from None
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    return arr.reshape(-1)


def _lever(inputs: Mapping[str, np.ndarray], name: str, n: int, T: int) -> np.ndarray:
    """A lever as ``(T, n)``: given as ``(n, T)`` (its value in force each year, when an adaptive
    rule changes it) or as ``(n,)`` (the same value every year)."""
    try:
        arr = np.asarray(inputs[name], dtype=np.float64)
    except KeyError:
        raise KeyError(f"kosovo_model: input {name!r} is missing") from None
    if arr.ndim == 2:
        if arr.shape != (n, T):
            raise ValueError(f"kosovo_model: lever {name!r} has shape {arr.shape}, expected ({n}, {T})")
        return np.ascontiguousarray(arr.T)
    return np.broadcast_to(_column(inputs, name, n), (T, n))


def _axis(inputs: Mapping[str, np.ndarray]) -> tuple[int, int]:
    def first(name: str, default: int) -> int:
        value = np.asarray(inputs.get(name, default)).reshape(-1)
        return int(value[0]) if value.size else default

    base = first("base_year", _DEFAULT_BASE_YEAR)
    horizon = first("horizon", _DEFAULT_HORIZON)
    if horizon < base:
        raise ValueError(f"kosovo_model: horizon {horizon} is before base_year {base}")
    return base, horizon


def _us_contingent(col, deal, inputs, n: int, base: int) -> tuple[np.ndarray, ...]:
    """US contingent after the cut, the cut's share of the contingent, and its start year.

    The US deal acts once: with probability ``us_deal_effect`` (a draw from the future's seed,
    the same for every strategy) it averts the cut; otherwise the cut is the one of the future.
    The expected cut is therefore ``(1 - effect) x share``. ``deal`` is the lever per year
    ``(T, n)``: a deal counts when it is in force in the cut's first year.
    """
    us0 = np.maximum(col("us_troops_base"), 0.0)
    w = np.maximum(col("us_withdrawal_year"), base + 1.0)
    share = np.clip(col("us_share_withdrawn"), 0.0, 1.0)
    u = seed_uniform(np.asarray(inputs["seed"]).reshape(-1)) if "seed" in inputs else np.ones(n)
    first = np.clip(np.ceil(w) - base, 0, deal.shape[0] - 1).astype(np.intp)
    averted = (deal[first, np.arange(n)] > 0.5) & (u < np.clip(col("us_deal_effect"), 0.0, 1.0))
    cut = np.where(averted, 0.0, share)
    return us0, us0 * (1.0 - cut), cut, w


def _prepare(inputs: Mapping[str, np.ndarray], n: int, base: int, horizon: int) -> SimpleNamespace:
    """Everything the yearly loop reads, as ``SimpleNamespace``: one value per row, or ``(T, n)``
    for what depends on levers an adaptive rule may change over time.

    The yearly loop of :func:`kosovo_model` then works on 1-D arrays of n values, which stay in
    cache.
    """
    T = horizon - base + 1
    col = lambda name: _column(inputs, name, n)  # noqa: E731
    lever = lambda name: _lever(inputs, name, n, T)  # noqa: E731

    us0, us_after, cut, w = _us_contingent(col, lever("us_deal"), inputs, n, base)
    other0 = np.maximum(col("kfor_total_base") - us0, 0.0)
    other_factor = 1.0 + np.maximum(col("other_kfor_trend"), -1.0)
    inv_lag = 1.0 / (np.maximum(col("backfill_lag"), 0.0) + 1.0)
    nato = lever("nato_alignment") > 0.5
    backfill = np.clip(col("backfill_share"), 0.0, 1.0)
    backfill = np.where(nato, backfill + (1.0 - backfill) * np.clip(col("nato_backfill_gain"), 0.0, 1.0), backfill)
    full_backfill = backfill * us0 * cut

    # Money.
    gdp0 = np.maximum(col("gdp_base"), 0.0)
    gdp_factor = 1.0 + np.maximum(col("gdp_growth"), -1.0)
    share_gdp = np.maximum(lever("defence_share_gdp"), 0.0)
    share_gdp = np.where(nato, np.maximum(share_gdp, col("nato_share_floor")), share_gdp)
    eq_share = np.clip(col("equipment_share"), 0.0, 1.0)
    personnel_share = 1.0 - eq_share
    cost = np.maximum(col("cost_per_soldier"), 1e-9) / 1000.0  # million EUR per active soldier-year
    reserve_cost = cost * np.maximum(col("reserve_cost_ratio"), 0.0)
    deal_price = (lever("us_deal") > 0.5) * np.maximum(col("us_deal_price"), 0.0)

    # KSF capability: tends to cmax as equipment accumulates, with diminishing returns.
    c0 = np.maximum(col("ksf_capability_base"), 0.0)
    cmax = np.maximum(col("ksf_capability_max"), c0)
    k_per_meur = np.maximum(col("equipment_effectiveness"), 0.0) / 1000.0  # per million EUR

    # KSF strength: a linear plan to the targets, limited by recruitment and by the budget.
    k0 = np.maximum(col("ksf_active_base"), 0.0)
    r0 = np.maximum(col("ksf_reserve_base"), 0.0)
    k_target = np.maximum(lever("ksf_active_target"), 0.0)
    # The plan's pace: the share of its yearly growth achieved (the active plan reaches its target
    # after span / pace years); the reserve keeps the plan's own line, but grows by at most its
    # intake a year (the reserve has not grown since 2013, so its growth is not free).
    pace = np.maximum(col("ksf_plan_pace"), 0.0)
    r_target = np.maximum(lever("ksf_reserve_target"), 0.0)
    inv_span = 1.0 / np.maximum(col("ksf_target_year") - base, 1.0)
    # A recruitment drive multiplies the yearly intake (1: none).
    capacity = np.maximum(col("ksf_recruitment_capacity"), 0.0) * np.maximum(lever("recruitment_drive"), 1.0)
    reserve_intake = np.maximum(col("ksf_reserve_intake"), 0.0)
    reserve_weight = np.maximum(col("reserve_weight"), 0.0)

    # A regional joint force: its committed soldiers weigh like today's KSF soldiers, and Kosovo
    # pays its share of their cost at its own cost per soldier.
    regional_troops = ((lever("regional_force") > 0.5) * np.clip(col("regional_committed_share"), 0.0, 1.0)
                       * np.maximum(col("regional_armies_total"), 0.0))
    regional_start = col("regional_force_start")
    regional_price = regional_troops * cost * np.clip(col("regional_cost_share"), 0.0, 1.0)

    # The local yardstick.
    in_time = np.clip(col("defender_in_time_share"), 0.0, 1.0)
    tripwire = np.maximum(col("tripwire_weight"), 0.0)
    reinforcement = np.maximum(col("nato_reinforcement"), 0.0)
    threat = np.maximum(col("threat_base"), 0.0)
    threat_factor = 1.0 + np.maximum(col("threat_trend"), -1.0)
    # Combat power the attacker can mass on one axis per soldier near the line; NATO air power
    # removes a share of it before it reaches the point of attack (not when Kosovo is alone).
    own_attack_per_troop = (np.maximum(col("threat_quality"), 0.0) * np.clip(col("threat_axis_share"), 0.0, 1.0)
                            * np.maximum(col("required_ratio"), 1e-9))
    air_left = 1.0 - np.clip(col("nato_air_attrition"), 0.0, 1.0)
    beta = np.maximum(col("escalation_steepness"), 0.0)
    p_max = np.clip(col("escalation_max"), 0.0, 1.0)
    police = np.maximum(col("police_base"), 0.0)
    per_thousand = 1000.0 / np.maximum(col("population"), 1.0)
    crisis_rate = np.maximum(col("crisis_rate"), 0.0)
    defence_budget_base = np.maximum(col("defence_budget_base"), 0.0)
    return SimpleNamespace(**{k: v for k, v in locals().items() if k not in ("inputs", "col", "lever")})


def kosovo_model(inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Evaluate the Kosovo security model for a chunk of experiments.

    Parameters
    ----------
    inputs : mapping of str to 1-D ndarray
        One row per experiment: every uncertainty, lever and constant of
        ``forewarn/kosovo/case.toml`` and ``seed`` (uint64; only used when a US deal is offered,
        to draw whether the deal averts the cut).

    Returns
    -------
    dict of str to ndarray
        Scalar outcomes of shape ``(n,)`` and series outcomes of shape ``(n, T)``,
        ``T = horizon - base_year + 1``; float64, finite, non-negative.

    Notes
    -----
    Year index ``t = 0`` is the base year and reproduces the sourced figures of today; levers
    act from ``t = 1``. See ``docs/methods.md`` for every equation.
    """
    n = len(np.asarray(inputs["us_withdrawal_year"]).reshape(-1))
    base, horizon = _axis(inputs)
    T = horizon - base + 1
    p = _prepare(inputs, n, base, horizon)

    # Series are filled year by year as (T, n) and transposed to (n, T) at the end.
    series = {name: np.empty((T, n)) for name in SERIES_OUTCOMES}
    gdp_sum = np.zeros(n)
    other_growth = np.ones(n)
    gdp_growth = np.ones(n)
    cum_equipment = np.zeros(n)  # equipment bought from t = 1 up to the previous year
    active = p.k0.copy()
    reserve = p.r0.copy()
    threat = p.threat.copy()
    p_sum = np.zeros(n)
    for i in range(T):
        year = base + i
        if i:
            other_growth = other_growth * p.other_factor
            gdp_growth = gdp_growth * p.gdp_factor
            threat = threat * p.threat_factor
        withdrawn = year >= p.w
        us = np.where(withdrawn, p.us_after, p.us0)
        frac = np.clip((year + 1.0 - p.w) * p.inv_lag, 0.0, 1.0) * withdrawn
        other = p.other0 * other_growth + p.full_backfill[i] * frac
        progress = np.minimum(i * p.inv_span, 1.0)
        active_progress = np.minimum(i * p.inv_span * p.pace, 1.0)
        capability = p.cmax - (p.cmax - p.c0) * np.exp(-p.k_per_meur * cum_equipment)
        regional = p.regional_troops[i] * (year >= p.regional_start)
        if i == 0:
            budget = p.defence_budget_base
            spent = budget
        else:
            gdp = p.gdp0 * gdp_growth
            gdp_sum = gdp_sum + gdp
            budget = gdp * p.share_gdp[i] / 100.0
            plan = p.k0 + (p.k_target[i] - p.k0) * active_progress
            # Reservists are paid first, as many as the personnel budget pays; the rest of it caps
            # the active force.
            reserve_plan = p.r0 + (p.r_target[i] - p.r0) * progress
            personnel = budget * p.personnel_share
            with np.errstate(divide="ignore"):
                reserve_affordable = np.where(p.reserve_cost > 0, personnel / p.reserve_cost, np.inf)
            reserve = np.maximum(np.minimum(np.minimum(reserve_plan, reserve + p.reserve_intake), reserve_affordable), 0.0)
            affordable = (personnel - p.reserve_cost * reserve) / p.cost
            active = np.minimum(np.minimum(plan, active + p.capacity[i]), affordable)
            active = np.maximum(active, 0.0)
            cum_equipment = cum_equipment + budget * p.eq_share
            spent = budget + p.deal_price[i] + p.regional_price[i] * (year >= p.regional_start)
        own = capability * (active + p.reserve_weight * reserve) + p.c0 * regional
        kfor = us + other
        own_attack = np.maximum(threat * p.own_attack_per_troop, 1e-9)
        at_point = p.in_time * (p.tripwire * us + other + own) + p.reinforcement
        margin = at_point / np.maximum(own_attack * p.air_left, 1e-9)
        own_margin = p.in_time * own / own_attack
        if i:  # the base year is observed: no crisis escalated, so count from t = 1
            # Logistic in log margin: chance = p_max / (1 + margin^beta), half of p_max at margin 1.
            with np.errstate(over="ignore", divide="ignore"):
                p_sum += p.p_max / (1.0 + np.exp(p.beta * np.log(np.maximum(margin, 1e-300))))
        series["margin"][i] = margin
        series["own_margin"][i] = own_margin
        series["us_troops"][i] = us
        series["kfor_troops"][i] = kfor
        series["ksf_active"][i] = active
        series["ksf_reserve"][i] = reserve
        series["threat"][i] = threat
        series["defence_budget"][i] = budget
        series["strategy_cost"][i] = spent
        series["force_density"][i] = (kfor + active + p.police) * p.per_thousand

    return _summarise(series, p.crisis_rate, p_sum, gdp_sum, base, horizon)


def _first_year(hit: np.ndarray, first: int, never: float) -> np.ndarray:
    """First year (``first + row index``) where ``hit`` (T, n) holds, or ``never``."""
    any_hit = hit.any(axis=0)
    return np.where(any_hit, first + hit.argmax(axis=0), never).astype(np.float64)


def _summarise(series, crisis_rate, p_sum, gdp_sum, base: int, horizon: int) -> dict[str, np.ndarray]:
    never = float(horizon + NEVER_OFFSET)
    margin = series["margin"]
    lever_years = margin[1:] if len(margin) > 1 else margin
    first_lever = base + 1 if len(margin) > 1 else base
    total_cost = series["strategy_cost"][1:].sum(axis=0)
    out = {
        "min_margin": lever_years.min(axis=0),
        "first_failure_year": _first_year(lever_years < 1.0, first_lever, never),
        "years_below": (lever_years < 1.0).sum(axis=0).astype(np.float64),
        "base_margin": margin[0].copy(),
        "present_ok": (margin[0] >= 1.0).astype(np.float64),
        "own_margin_end": series["own_margin"][-1].copy(),
        "own_first_year": _first_year(series["own_margin"] >= 1.0, base, never),
        "total_cost": total_cost,
        "cost_share_gdp": 100.0 * total_cost / np.maximum(gdp_sum, 1e-9) * (gdp_sum > 0),
        "expected_crises": crisis_rate * p_sum,
        "min_force_density": series["force_density"].min(axis=0),
        "us_troops_end": series["us_troops"][-1].copy(),
        "kfor_troops_end": series["kfor_troops"][-1].copy(),
        "ksf_active_end": series["ksf_active"][-1].copy(),
    }
    for name, values in series.items():
        out[name] = np.ascontiguousarray(values.T)
    return out
