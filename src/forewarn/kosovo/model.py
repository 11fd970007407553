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


def seed_uniform(seed: np.ndarray) -> np.ndarray:
    """A uniform number in [0, 1) per experiment, a pure function of its 64-bit seed.

    SplitMix64's finaliser, vectorised. Every strategy run on one future gets the same seed and
    so the same draw (common random numbers), whatever the chunking.

    Parameters
    ----------
    seed : ndarray of uint64 (any integer dtype is reinterpreted as uint64)

    Returns
    -------
    ndarray of float64
    """
    z = np.asarray(seed).astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z += np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def _growth(rate: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``(1 + rate) ** t`` as an (n, T) array; exp(t log(1 + rate)) is several times faster than
    a broadcast power. A rate of -1 gives 0 from t = 1 (and 1 at t = 0)."""
    with np.errstate(divide="ignore"):
        log_factor = np.log1p(np.maximum(rate, -1.0))
    out = np.exp(log_factor[:, None] * t[None, :])
    out[:, 0] = 1.0
    return out


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
    t = np.arange(T, dtype=np.float64)
    year = base + t
    col = lambda name: _column(inputs, name, n)  # noqa: E731
    flag = lambda name: _flag(inputs, name, n)  # noqa: E731

    # ---- US contingent ---------------------------------------------------------------------
    us0 = col("us_troops_base")
    kfor0 = col("kfor_total_base")
    other0 = np.maximum(kfor0 - us0, 0.0)
    # The withdrawal cannot take effect before the year after the base year: the base year is
    # today's sourced figure.
    w = np.maximum(col("us_withdrawal_year"), base + 1.0)
    share = np.clip(col("us_share_withdrawn"), 0.0, 1.0)
    deal = flag("us_deal")
    deal_effect = np.clip(col("us_deal_effect"), 0.0, 1.0)
    if "seed" in inputs:
        u = seed_uniform(np.asarray(inputs["seed"]).reshape(-1))
    else:
        u = np.zeros(n)
    # A deal averts the withdrawal with probability deal_effect and otherwise shrinks it by the
    # same factor: it lowers both the chance and the size.
    averted = deal & (u < deal_effect)
    share_eff = np.where(deal, share * (1.0 - deal_effect), share)
    share_eff = np.where(averted, 0.0, share_eff)
    withdrawn = year[None, :] >= w[:, None]  # (n, T)
    us = us0[:, None] * (1.0 - share_eff[:, None] * withdrawn)

    # ---- other KFOR contributors and backfill ---------------------------------------------
    trend = np.maximum(col("other_kfor_trend"), -1.0)
    other_trend = other0[:, None] * _growth(trend, t)
    lag = np.maximum(col("backfill_lag"), 0.0)
    frac = np.clip((year[None, :] - w[:, None] + 1.0) / (lag[:, None] + 1.0), 0.0, 1.0)
    frac *= withdrawn  # a fractional withdrawal year takes effect the year after
    backfill = np.clip(col("backfill_share"), 0.0, 1.0)
    nato = flag("nato_alignment")
    gain = np.clip(col("nato_backfill_gain"), 0.0, 1.0)
    backfill_eff = np.where(nato, backfill + (1.0 - backfill) * gain, backfill)
    gap = us0 * share_eff
    other = other_trend + (backfill_eff * gap)[:, None] * frac
    kfor = us + other

    # ---- money -----------------------------------------------------------------------------
    gdp = col("gdp_base")[:, None] * _growth(np.maximum(col("gdp_growth"), -1.0), t)
    share_gdp = np.maximum(col("defence_share_gdp"), 0.0)
    share_gdp = np.where(nato, np.maximum(share_gdp, col("nato_share_floor")), share_gdp)
    # Adaptive rule: when the US drawdown starts (a withdrawal that is not averted), act from
    # the following year.
    adaptive = flag("adaptive_recruitment") & (share_eff > 0.0) & (w <= horizon)
    adapt_on = adaptive[:, None] & (year[None, :] >= w[:, None] + 1.0)  # (n, T)
    share_t = share_gdp[:, None] + adapt_on * np.maximum(col("adaptive_share_points"), 0.0)[:, None]
    budget = gdp * share_t / 100.0
    budget[:, 0] = np.maximum(col("defence_budget_base"), 0.0)
    eq_share = np.clip(col("equipment_share"), 0.0, 1.0)
    equipment = budget * eq_share[:, None]
    equipment[:, 0] = 0.0  # the base year's purchases are inside today's capability
    # Capability in year t comes from equipment bought up to year t - 1.
    cum_equipment = np.zeros((n, T))
    if T > 1:
        cum_equipment[:, 1:] = np.cumsum(equipment[:, :-1], axis=1)
    c0 = np.clip(col("ksf_capability_base"), 0.0, None)
    cmax = np.maximum(col("ksf_capability_max"), c0)
    k = np.maximum(col("equipment_effectiveness"), 0.0)
    capability = cmax[:, None] - (cmax - c0)[:, None] * np.exp(-k[:, None] * cum_equipment / 1000.0)

    # ---- KSF strength ----------------------------------------------------------------------
    k0 = np.maximum(col("ksf_active_base"), 0.0)
    r0 = np.maximum(col("ksf_reserve_base"), 0.0)
    k_target = np.maximum(col("ksf_active_target"), 0.0)
    r_target = np.maximum(col("ksf_reserve_target"), 0.0)
    span = np.maximum(col("ksf_target_year") - base, 1.0)
    progress = np.minimum(t[None, :] / span[:, None], 1.0)  # (n, T)
    plan_active = k0[:, None] + (k_target - k0)[:, None] * progress
    plan_active = np.where(adapt_on, np.maximum(plan_active, (k_target * col("adaptive_target_factor"))[:, None]),
                           plan_active)
    reserve = r0[:, None] + (r_target - r0)[:, None] * progress
    capacity = np.maximum(col("ksf_recruitment_capacity"), 0.0)[:, None] * np.where(
        adapt_on, np.maximum(col("adaptive_recruitment_factor"), 1.0)[:, None], 1.0)
    cost = np.maximum(col("cost_per_soldier"), 1e-9) / 1000.0  # million EUR per active soldier-year
    reserve_cost = cost * np.maximum(col("reserve_cost_ratio"), 0.0)
    personnel_budget = budget * (1.0 - eq_share)[:, None]
    # Reservists are paid first; the rest of the personnel budget caps the active force.
    affordable = np.maximum((personnel_budget - reserve_cost[:, None] * reserve) / cost[:, None], 0.0)
    active = np.empty((n, T))
    active[:, 0] = k0
    for i in range(1, T):
        active[:, i] = np.maximum(
            np.minimum(np.minimum(plan_active[:, i], active[:, i - 1] + capacity[:, i]), affordable[:, i]), 0.0)

    # ---- defender, threat, deterrence -------------------------------------------------------
    tripwire = np.maximum(col("tripwire_weight"), 0.0)
    regional = flag("regional_force")
    regional_size = np.maximum(col("regional_committed_share"), 0.0) * np.maximum(col("regional_armies_total"), 0.0)
    regional_on = regional[:, None] & (year[None, :] >= col("regional_force_start")[:, None])
    own = capability * (active + np.maximum(col("reserve_weight"), 0.0)[:, None] * reserve) + regional_on * regional_size[:, None]
    defender = tripwire[:, None] * us + other + own
    threat_trend = np.maximum(col("threat_trend"), -1.0)
    threat0 = np.maximum(col("threat_base"), 0.0) * np.maximum(col("threat_quality"), 0.0)
    threat = threat0[:, None] * _growth(threat_trend, t)
    ratio = np.maximum(col("attacker_ratio"), 0.0)
    deterrence = ratio[:, None] * defender / np.maximum(threat, 1.0)
    self_defence = ratio[:, None] * own / np.maximum(threat, 1.0)
    beta = np.maximum(col("escalation_steepness"), 0.0)
    p_max = np.clip(col("escalation_max"), 0.0, 1.0)
    # Logistic in log(deterrence): p = p_max / (1 + D^beta); half of p_max at D = 1.
    # D^beta as exp(beta log D), several times faster than np.power; D = 0 gives p_max.
    with np.errstate(over="ignore", divide="ignore"):
        d_beta = np.exp(beta[:, None] * np.log(np.maximum(deterrence, 1e-300)))
    p_escalate = p_max[:, None] / (1.0 + d_beta)
    crisis_rate = np.maximum(col("crisis_rate"), 0.0)
    expected = crisis_rate * p_escalate.sum(axis=1)

    police = np.maximum(col("police_base"), 0.0)
    population = np.maximum(col("population"), 1.0)
    density = (kfor + active + police[:, None]) / population[:, None] * 1000.0

    total_cost = budget[:, 1:].sum(axis=1)

    out = {
        "min_deterrence": deterrence.min(axis=1) if T else np.zeros(n),
        "years_below_1": (deterrence < 1.0).sum(axis=1).astype(np.float64),
        "expected_escalations": expected,
        "min_force_density": density.min(axis=1) if T else np.zeros(n),
        "total_cost": total_cost,
        "us_troops_end": us[:, -1],
        "kfor_troops_end": kfor[:, -1],
        "ksf_active_end": active[:, -1],
        "self_defence_end": self_defence[:, -1],
        "deterrence": deterrence,
        "self_defence": self_defence,
        "us_troops": us,
        "kfor_troops": kfor,
        "ksf_active": active,
        "ksf_reserve": reserve,
        "defender_strength": defender,
        "threat": threat,
        "defence_budget": budget,
        "force_density": density,
    }
    return {name: np.ascontiguousarray(value, dtype=np.float64) for name, value in out.items()}
