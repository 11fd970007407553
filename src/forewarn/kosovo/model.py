"""The built-in Kosovo security model, vectorised over experiments.

One call evaluates a whole chunk of experiments (futures x strategies). Time runs along a
second axis: one column per year from ``base_year`` to ``horizon`` (both inclusive; 2025-2035
in the shipped case). Every force is in personnel, every amount of money in million EUR at
2025 prices. The equations, the parameters and their sources are in ``docs/methods.md``; the
same equations, written for one experiment at a time, are in
:mod:`forewarn.kosovo.scalar_reference` (used to check this file and by the benchmark).

The outcomes are exploratory indices under stated assumptions, not predictions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..engine.seeds import seed_uniform

__all__ = ["kosovo_model", "OUTCOMES", "SCALAR_OUTCOMES", "SERIES_OUTCOMES", "seed_uniform"]

#: Scalar outcomes, one value per experiment.
SCALAR_OUTCOMES = (
    "min_deterrence",
    "years_below_1",
    "expected_escalations",
    "min_force_density",
    "total_cost",
    "us_troops_end",
    "kfor_troops_end",
    "ksf_active_end",
    "self_defence_end",
)
#: Series outcomes, one value per experiment and year.
SERIES_OUTCOMES = (
    "deterrence",
    "self_defence",
    "us_troops",
    "kfor_troops",
    "ksf_active",
    "ksf_reserve",
    "defender_strength",
    "threat",
    "defence_budget",
    "force_density",
)
OUTCOMES = SCALAR_OUTCOMES + SERIES_OUTCOMES

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


def _flag(inputs: Mapping[str, np.ndarray], name: str, n: int) -> np.ndarray:
    return _column(inputs, name, n) > 0.5


def _axis(inputs: Mapping[str, np.ndarray], n: int) -> tuple[int, int]:
    def first(name: str, default: int) -> int:
        value = np.asarray(inputs.get(name, default)).reshape(-1)
        return int(value[0]) if value.size else default

    base = first("base_year", _DEFAULT_BASE_YEAR)
    horizon = first("horizon", _DEFAULT_HORIZON)
    if horizon < base:
        raise ValueError(f"kosovo_model: horizon {horizon} is before base_year {base}")
    return base, horizon


def kosovo_model(inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Evaluate the Kosovo security model for a chunk of experiments.

    Parameters
    ----------
    inputs : mapping of str to 1-D ndarray
        One row per experiment: every uncertainty, lever and constant of
        ``forewarn/kosovo/case.toml`` and ``seed`` (uint64; only used when a US deal is offered,
        to draw whether the deal averts the withdrawal).

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
    base, horizon = _axis(inputs, n)
    T = horizon - base + 1
    col = lambda name: _column(inputs, name, n)  # noqa: E731
    flag = lambda name: _flag(inputs, name, n)  # noqa: E731

    # Everything that does not change over time, one value per row. The yearly loop below
    # then works on 1-D arrays of n values, which stay in cache: about twice as fast as
    # (n, T) arrays built at once.

    # US contingent. The withdrawal cannot take effect before the year after the base year:
    # the base year is today's sourced figure.
    us0 = col("us_troops_base")
    other0 = np.maximum(col("kfor_total_base") - us0, 0.0)
    w = np.maximum(col("us_withdrawal_year"), base + 1.0)
    share = np.clip(col("us_share_withdrawn"), 0.0, 1.0)
    deal = flag("us_deal")
    deal_effect = np.clip(col("us_deal_effect"), 0.0, 1.0)
    u = seed_uniform(np.asarray(inputs["seed"]).reshape(-1)) if "seed" in inputs else np.zeros(n)
    # A deal averts the withdrawal with probability deal_effect and otherwise shrinks it by the
    # same factor: it lowers both the chance and the size.
    share_eff = np.where(deal, share * (1.0 - deal_effect), share)
    share_eff[deal & (u < deal_effect)] = 0.0
    us_after = us0 * (1.0 - share_eff)

    # Other contributors: their own trend, plus the backfill of the US gap, arriving linearly
    # over lag + 1 years from the withdrawal year.
    other_factor = 1.0 + np.maximum(col("other_kfor_trend"), -1.0)
    inv_lag = 1.0 / (np.maximum(col("backfill_lag"), 0.0) + 1.0)
    nato = flag("nato_alignment")
    backfill = np.clip(col("backfill_share"), 0.0, 1.0)
    backfill = np.where(nato, backfill + (1.0 - backfill) * np.clip(col("nato_backfill_gain"), 0.0, 1.0), backfill)
    full_backfill = backfill * us0 * share_eff

    # Money. Adaptive rule: when the US drawdown starts (a withdrawal not averted), act from the
    # following year.
    gdp0 = col("gdp_base")
    gdp_factor = 1.0 + np.maximum(col("gdp_growth"), -1.0)
    share_gdp = np.maximum(col("defence_share_gdp"), 0.0)
    share_gdp = np.where(nato, np.maximum(share_gdp, col("nato_share_floor")), share_gdp)
    adaptive = flag("adaptive_recruitment") & (share_eff > 0.0) & (w <= horizon)
    adapt_from = np.where(adaptive, w + 1.0, np.inf)
    adapt_points = np.maximum(col("adaptive_share_points"), 0.0)
    eq_share = np.clip(col("equipment_share"), 0.0, 1.0)
    personnel_share = 1.0 - eq_share

    # KSF capability: tends to cmax as equipment accumulates, with diminishing returns.
    c0 = np.maximum(col("ksf_capability_base"), 0.0)
    cmax = np.maximum(col("ksf_capability_max"), c0)
    k_per_meur = np.maximum(col("equipment_effectiveness"), 0.0) / 1000.0  # per million EUR

    # KSF strength: a linear plan to the targets, limited by recruitment and by the budget.
    k0 = np.maximum(col("ksf_active_base"), 0.0)
    r0 = np.maximum(col("ksf_reserve_base"), 0.0)
    k_target = np.maximum(col("ksf_active_target"), 0.0)
    r_target = np.maximum(col("ksf_reserve_target"), 0.0)
    inv_span = 1.0 / np.maximum(col("ksf_target_year") - base, 1.0)
    k_adaptive = k_target * col("adaptive_target_factor")
    capacity = np.maximum(col("ksf_recruitment_capacity"), 0.0)
    capacity_adaptive = capacity * np.maximum(col("adaptive_recruitment_factor"), 1.0)
    cost = np.maximum(col("cost_per_soldier"), 1e-9) / 1000.0  # million EUR per active soldier-year
    reserve_cost = cost * np.maximum(col("reserve_cost_ratio"), 0.0)

    # Defender and threat.
    tripwire = np.maximum(col("tripwire_weight"), 0.0)
    reserve_weight = np.maximum(col("reserve_weight"), 0.0)
    regional_size = (flag("regional_force") * np.maximum(col("regional_committed_share"), 0.0)
                     * np.maximum(col("regional_armies_total"), 0.0))
    regional_start = col("regional_force_start")
    threat = np.maximum(col("threat_base"), 0.0) * np.maximum(col("threat_quality"), 0.0)
    threat_factor = 1.0 + np.maximum(col("threat_trend"), -1.0)
    ratio = np.maximum(col("attacker_ratio"), 0.0)
    beta = np.maximum(col("escalation_steepness"), 0.0)
    p_max = np.clip(col("escalation_max"), 0.0, 1.0)
    police = np.maximum(col("police_base"), 0.0)
    per_thousand = 1000.0 / np.maximum(col("population"), 1.0)

    # Series are filled year by year as (T, n) and transposed to (n, T) at the end.
    series = {name: np.empty((T, n)) for name in SERIES_OUTCOMES}
    other_growth = np.ones(n)
    gdp_growth = np.ones(n)
    cum_equipment = np.zeros(n)  # equipment bought from t = 1 up to the previous year
    active = k0.copy()
    p_sum = np.zeros(n)
    for i in range(T):
        year = base + i
        if i:
            other_growth = other_growth * other_factor
            gdp_growth = gdp_growth * gdp_factor
            threat = threat * threat_factor
        withdrawn = year >= w
        us = np.where(withdrawn, us_after, us0)
        frac = np.clip((year + 1.0 - w) * inv_lag, 0.0, 1.0) * withdrawn
        other = other0 * other_growth + full_backfill * frac
        adapt = year >= adapt_from
        progress = np.minimum(i * inv_span, 1.0)
        reserve = r0 + (r_target - r0) * progress
        capability = cmax - (cmax - c0) * np.exp(-k_per_meur * cum_equipment)
        if i == 0:
            budget = np.maximum(col("defence_budget_base"), 0.0)
        else:
            budget = gdp0 * gdp_growth * (share_gdp + adapt * adapt_points) / 100.0
            plan = k0 + (k_target - k0) * progress
            plan = np.where(adapt, np.maximum(plan, k_adaptive), plan)
            # Reservists are paid first; the rest of the personnel budget caps the active force.
            affordable = (budget * personnel_share - reserve_cost * reserve) / cost
            active = np.minimum(np.minimum(plan, active + np.where(adapt, capacity_adaptive, capacity)), affordable)
            active = np.maximum(active, 0.0)
            cum_equipment = cum_equipment + budget * eq_share
        own = capability * (active + reserve_weight * reserve) + regional_size * (year >= regional_start)
        kfor = us + other
        defender = tripwire * us + other + own
        per_threat = ratio / np.maximum(threat, 1.0)
        deterrence = defender * per_threat
        # Logistic in log D: p = p_max / (1 + D^beta), half of p_max at D = 1. D^beta as
        # exp(beta log D), several times faster than np.power; D = 0 gives p_max.
        with np.errstate(over="ignore", divide="ignore"):
            p_sum += p_max / (1.0 + np.exp(beta * np.log(np.maximum(deterrence, 1e-300))))
        series["deterrence"][i] = deterrence
        series["self_defence"][i] = own * per_threat
        series["us_troops"][i] = us
        series["kfor_troops"][i] = kfor
        series["ksf_active"][i] = active
        series["ksf_reserve"][i] = reserve
        series["defender_strength"][i] = defender
        series["threat"][i] = threat
        series["defence_budget"][i] = budget
        series["force_density"][i] = (kfor + active + police) * per_thousand

    out = {
        "min_deterrence": series["deterrence"].min(axis=0),
        "years_below_1": (series["deterrence"] < 1.0).sum(axis=0).astype(np.float64),
        "expected_escalations": np.maximum(col("crisis_rate"), 0.0) * p_sum,
        "min_force_density": series["force_density"].min(axis=0),
        "total_cost": series["defence_budget"][1:].sum(axis=0),
        "us_troops_end": series["us_troops"][-1].copy(),
        "kfor_troops_end": series["kfor_troops"][-1].copy(),
        "ksf_active_end": series["ksf_active"][-1].copy(),
        "self_defence_end": series["self_defence"][-1].copy(),
    }
    for name, values in series.items():
        out[name] = np.ascontiguousarray(values.T)
    return out
