"""A hindcast of the Kosovo model: start in an earlier year of the fact base, compare with what followed.

The model is started in 2018 with that year's sourced KFOR, US contingent, KSF, defence budget and
GDP, and Kosovo's policy as it was then decided (the 2018 plan for the army, the defence share
Kosovo went on to spend). Every uncertainty is sampled over the case's sourced ranges, unchanged;
only the two quantities that the case defines relative to its base year are moved with it (the
US withdrawal window, and the cost per soldier, which the case derives from the base year's budget
and force). The observed later values (KFOR in 2020 and 2025, the KSF in 2020 and 2025) should fall
inside the futures' 10-90 % band.

>>> from forewarn.kosovo.hindcast import hindcast
>>> table = hindcast(n=2000, seed=1)        # doctest: +SKIP
>>> table[["quantity", "year", "observed", "p10", "p90", "inside"]]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from forewarn.engine.space import Case

__all__ = ["hindcast", "hindcast_inputs", "START", "OBSERVED", "START_FACTS"]

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

#: What was observed later: (outcome, year, fact id, value).
OBSERVED: tuple[tuple[str, int, str, float], ...] = (
    ("kfor_troops", 2020, "F0070", 3500.0),
    ("kfor_troops", 2020, "F0068", 4000.0),
    ("kfor_troops", 2025, "F0107", 4600.0),
    ("ksf_active", 2020, "F0468", 3600.0),
    ("ksf_active", 2025, "F0496", 4300.0),
)


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
        One row per observation: ``quantity``, ``year``, ``fact``, ``observed``, ``p10``
        (lower percentile), ``p50``, ``p90`` (upper percentile), ``inside``.
    """
    import numpy as np
    import pandas as pd

    from .model import kosovo_model

    out = kosovo_model(hindcast_inputs(n, seed, case=case))
    rows = []
    for quantity, year, fact, value in OBSERVED:
        column = out[quantity][:, year - START["base_year"]]
        low, mid, high = np.percentile(column, [band[0], 50.0, band[1]])
        rows.append({"quantity": quantity, "year": year, "fact": fact, "observed": value, "p10": float(low),
                     "p50": float(mid), "p90": float(high), "inside": bool(low <= value <= high)})
    return pd.DataFrame(rows)
