"""A hindcast of the Kosovo model: start in an earlier year of the fact base, compare with what followed.

The model is started in 2018 with that year's sourced KFOR, US contingent, KSF, defence budget and
GDP, and Kosovo's policy as it was then decided (the 2018 plan for the army, the defence share
Kosovo went on to spend). Every uncertainty is sampled over the case's sourced ranges, unchanged;
only the two quantities that the case defines relative to its base year are moved with it (the
US withdrawal window, and the cost per soldier, which the case derives from the base year's budget
and force). The observed later values (KFOR in 2020 and 2025, the KSF in 2020 and 2025; every figure
the fact base holds for each) should fall inside the futures' 10-90 % band: where the sources
disagree, the band must overlap their span.

>>> from forewarn.kosovo.hindcast import hindcast
>>> table = hindcast(n=2000, seed=1)        # doctest: +SKIP
>>> table[["quantity", "year", "observed", "p10", "p90", "inside"]]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from forewarn.engine.space import Case

__all__ = ["hindcast", "hindcast_inputs", "observations", "judge", "START", "OBSERVED", "OBSERVED_AS", "START_FACTS"]

#: The start year and its sourced state. Every figure names the fact it comes from.
START: dict[str, Any] = {
    "base_year": 2018,
    "horizon": 2025,
    "kfor_total_base": 4500.0,  # F0067 (Aug 2018: slightly more than 4,500)
    "us_troops_base": 600.0,  # F0300 (Jun 2019: about 600), F0299 (Aug 2018: over 10 % of ~4,500)
    "ksf_active_base": 2426.0,  # F0453 (uniformed members before the 2018 law)
    "ksf_reserve_base": 800.0,  # F0448 (the latest reserve figure, 2013)
    "defence_budget_base": 52.3,  # F0435 (2018)
    "gdp_base": 6671.0,  # F0535 (2018, nominal)
}
#: Facts behind :data:`START`, by input.
START_FACTS = {
    "kfor_total_base": ["F0067"],
    "us_troops_base": ["F0300", "F0299"],
    "ksf_active_base": ["F0453"],
    "ksf_reserve_base": ["F0448"],
    "defence_budget_base": ["F0435"],
    "gdp_base": ["F0535"],
}

#: Kosovo's policy as decided then: the army plan of December 2018 (5,000 active, 3,000 reserve:
#: F0456, F0458) by the end of the transition in 2028 (F0510), and the mean defence share of GDP
#: it spent in the years with both figures (F0436/F0536, F0466, F0424/F0538, F0438/F0544,
#: F0440/F0556): 0.83, 1.03, 0.87, 1.53 and 1.89 %, mean 1.23 %. Equipment share as in the case.
POLICY: dict[str, Any] = {
    "ksf_active_target": 5000,
    "ksf_reserve_target": 3000,
    "ksf_target_year": 2028,
    "defence_share_gdp": 1.23,
    "equipment_share": 0.4,
    "regional_force": False,
    "us_deal": False,
    "nato_alignment": False,
    "recruitment_drive": 1.0,
}

#: What is compared with the hindcast: (outcome, year). The observed values are every figure the
#: fact base holds for that quantity and year (:func:`observations`), so that no source is left out.
OBSERVED: tuple[tuple[str, int], ...] = (
    ("kfor_troops", 2020),
    ("kfor_troops", 2025),
    ("ksf_active", 2020),
    ("ksf_active", 2025),
)
#: How the fact base names each outcome: the entity, and the quantity names (before any bracketed
#: note or parenthesis) that count the same thing. Lower bounds (``total_strength_min``) and plans
#: are not observations.
OBSERVED_AS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kfor_troops": ("KFOR", ("total_strength",)),
    "ksf_active": ("Kosovo Security Force",
                   ("active_personnel", "personnel", "active_members", "active_duty", "active_strength")),
}


def observations(quantity: str, year: int) -> list[tuple[str, float]]:
    """Every figure of the fact base for an outcome in a year: ``[(fact id, value), ...]`` by id.

    Parameters
    ----------
    quantity : str
        An outcome of :data:`OBSERVED_AS`.
    year : int
        The year of the facts' ``as_of`` date.
    """
    from .facts import facts

    entity, names = OBSERVED_AS[quantity]
    found = []
    for f in facts().values():
        base = f.quantity.split(" ")[0]
        if f.entity == entity and base in names and f.as_of[:4] == str(year):
            found.append((f.id, float(f.value)))
    return sorted(found)


def _derived_cost(budget: float, active: float, equipment_share: float) -> float:
    """Non-equipment spending per active soldier, thousand EUR: the case's own derivation."""
    return budget * (1.0 - equipment_share) / active * 1000.0


def hindcast_inputs(n: int, seed: int = 0, *, case: Case | None = None) -> dict[str, Any]:
    """Model inputs of the hindcast: ``n`` futures sampled (Latin hypercube) over the case's ranges.

    Parameters
    ----------
    n : int
        Number of futures.
    seed : int
        Seed of the design and of the futures' own seeds.
    case : Case, optional
        The case (the built-in one when omitted); its sourced ranges are used.

    Returns
    -------
    dict of str to ndarray
        Ready for :func:`forewarn.kosovo.model.kosovo_model`.
    """
    import numpy as np

    from forewarn.engine.design import future_seeds, sample

    from . import default_inputs, load_kosovo_case

    case = case if case is not None else load_kosovo_case()
    inputs = default_inputs(n, case=case, **START, **POLICY)
    design = sample(case, n, "lhs", seed)
    for p in case.uncertainties:
        inputs[p.name] = design[p.name].to_numpy(dtype=np.float64)
    shift = START["base_year"] - int(case.constants["base_year"].value)
    # The withdrawal window starts the year after the base year, in the hindcast as in the case.
    inputs["us_withdrawal_year"] = inputs["us_withdrawal_year"] + shift
    # The case's cost per soldier spans [low, high] around its base year's derived value (the top
    # of the range); the hindcast keeps that span around the start year's derived value.
    eq = float(POLICY["equipment_share"])
    now = _derived_cost(float(case.constants["defence_budget_base"].value),
                        float(case.constants["ksf_active_base"].value), eq)
    then = _derived_cost(START["defence_budget_base"], START["ksf_active_base"], eq)
    inputs["cost_per_soldier"] = inputs["cost_per_soldier"] * (then / now)
    inputs["seed"] = future_seeds(seed, np.arange(n))
    return inputs


def hindcast(
    n: int = 2000, seed: int = 0, *, case: Case | None = None, band: tuple[float, float] = (10, 90)
) -> pd.DataFrame:
    """Run the hindcast and compare its band with what was observed.

    Parameters
    ----------
    n : int
        Number of futures.
    seed : int
        Seed of the design.
    case : Case, optional
        The case (the built-in one when omitted).
    band : (float, float)
        Percentiles of the band.

    Returns
    -------
    DataFrame
        One row per source: ``quantity``, ``year``, ``fact``, ``observed``, ``p10`` (lower
        percentile), ``p50``, ``p90`` (upper percentile), ``inside`` (this source lies in the band),
        ``span_low`` and ``span_high`` (the span of all sources for that quantity and year) and
        ``overlaps``, the test rule: the band overlaps the span of the sources.

    Notes
    -----
    When sources disagree the fact base cannot say which is right, so a band passes when it
    overlaps the span of the sources (for a single source: contains it); each source is reported
    inside or outside the band. See ``docs/methods.md``, "Hindcast".
    """
    import numpy as np
    import pandas as pd

    from .model import kosovo_model

    out = kosovo_model(hindcast_inputs(n, seed, case=case))
    rows = []
    for quantity, year in OBSERVED:
        column = out[quantity][:, year - START["base_year"]]
        low, mid, high = (float(v) for v in np.percentile(column, [band[0], 50.0, band[1]]))
        sources = observations(quantity, year)
        inside, overlaps = judge(low, high, [v for _, v in sources])
        for (fid, value), ok in zip(sources, inside):
            rows.append({"quantity": quantity, "year": year, "fact": fid, "observed": value, "p10": low,
                         "p50": mid, "p90": high, "inside": ok, "span_low": min(v for _, v in sources),
                         "span_high": max(v for _, v in sources), "overlaps": overlaps})
    return pd.DataFrame(rows)


def judge(low: float, high: float, values: list[float]) -> tuple[list[bool], bool]:
    """The hindcast's rule for one quantity and year: which sources the band holds, and the verdict.

    Parameters
    ----------
    low, high : float
        The band (the futures' 10 % and 90 % points).
    values : list of float
        Every figure the fact base holds for that quantity and year (at least one).

    Returns
    -------
    (list of bool, bool)
        For each source whether it lies in ``[low, high]``; and whether the band overlaps the span
        ``[min(values), max(values)]`` of the sources (for one source: contains it), the test rule.
    """
    if not values:
        raise ValueError("judge: no observed value")
    inside = [bool(low <= v <= high) for v in values]
    return inside, bool(low <= max(values) and min(values) <= high)
