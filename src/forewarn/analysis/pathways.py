"""Adaptation pathways: tipping points, pathways with a scorecard, triggers with lead time, and
the value of each signpost (Haasnoot et al. 2013, dynamic adaptive policy pathways; Kwakkel,
Haasnoot and Walker 2015 for pathways evaluated over many futures).

Everything is judged by the case's ``[adaptation]`` objective: a series outcome that must stay
``>= at_least`` and/or ``<= at_most`` in every year from ``from_year`` on (the years before it
are the observed present: no plan tips there). With ``holds_today``, futures in which the
objective already fails in those years contradict the present and are set aside
(:func:`consistent_futures`).

* **Tipping point** of a plan in a future: the first year it fails the objective (its "sell-by
  date"); never within the horizon counts as beyond it. :func:`tipping_points` gives, for the
  starting strategy and for each action alone (its levers in force from the first year), the
  distribution over futures, and the conditions under which it tips (the first PRIM box of the
  futures where it tips within the horizon).
* **Pathways** (``[[pathways]]``: a starting strategy and rules, applied in the model run by
  :func:`forewarn.engine.adaptive.run_adaptive`) are scored on robustness (share of futures
  meeting the objective in every year), the mean share of years met, the mean cost of the
  actions taken, and regret (distance in share of years met from the best pathway in the same
  future); the year of each transfer is reported.
* **Trigger** of a rule: the value of its signal at which the action must start so that it is
  in force before the tipping point of what precedes it, in ``share`` of the futures that tip
  (the case's ``adaptation.share``, e.g. 0.9). Compared with the declared threshold: the share
  of those futures in which the declared rule is in time.
* **Value of information** of each signpost (:mod:`forewarn.analysis.voi`) for the choice
  among the pathways.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .voi import regret_matrix, voi_table

__all__ = ["meets_objective", "judged_years", "consistent_futures", "tipping_index", "tipping_points",
           "evaluate_pathways", "triggers", "pathway_voi", "analyse", "to_json", "pathway_list", "pathway_transfers"]


def judged_years(case: Any) -> np.ndarray:
    """Mask over the case's years: those the adaptation objective is judged in (``from_year`` on)."""
    years = case.time.years
    start = case.adaptation.from_year
    return np.ones(years.shape, dtype=bool) if start is None else years >= start


def objective_holds(case: Any, series: np.ndarray) -> np.ndarray:
    """Per future and year, whether the series is within the objective's bound, in every year."""
    a = case.adaptation
    ok = np.ones(series.shape, dtype=bool)
    if a.at_least is not None:
        ok &= series >= a.at_least
    if a.at_most is not None:
        ok &= series <= a.at_most
    return ok


def meets_objective(case: Any, series: np.ndarray) -> np.ndarray:
    """Per future and year, whether the adaptation objective holds (``(n, T)`` booleans); the
    years before ``from_year`` count as met, since no plan is judged there."""
    ok = objective_holds(case, series)
    ok[:, ~judged_years(case)] = True
    return ok


def consistent_futures(case: Any, futures: Any, *, model: Any = None) -> tuple[Any, int]:
    """The futures that agree with the observed present, and how many were set aside.

    With ``[adaptation] holds_today = true``, the objective is observed to hold in the years
    before ``from_year``; a future in which it fails there under the default levers (the
    present, before any plan acts) contradicts that and is left out. Otherwise every future is
    kept. The kept futures keep their order and seeds.

    Raises
    ------
    InputError
        When every future contradicts the present (naming ``adaptation.holds_today``).
    """
    from ..engine.experiments import Futures, perform_experiments

    a = case.adaptation
    if a is None or not a.holds_today:
        return futures, 0
    present = ~judged_years(case)
    series = perform_experiments(case, futures, _levers_with(case, "default", {}), model=model)[a.outcome][0]
    keep = objective_holds(case, series[:, present]).all(axis=1)
    if not keep.any():
        raise InputError(f"all {len(futures):,} futures contradict the observed present (the objective fails before "
                         f"{a.from_year} under the default levers): widen the ranges, sample more futures or drop "
                         "holds_today", source=case.path, field="adaptation.holds_today")
    kept = Futures(futures.table[keep].reset_index(drop=True), futures.seeds[keep])
    return kept, int((~keep).sum())


def tipping_index(meets: np.ndarray) -> np.ndarray:
    """Per future, the index of the first year that fails (-1: none within the horizon)."""
    fails = ~meets
    return np.where(fails.any(axis=1), np.argmax(fails, axis=1), -1)


def _summary(index: np.ndarray, years: np.ndarray) -> dict[str, Any]:
    tipped = index >= 0
    row: dict[str, Any] = {"share_tipping": float(tipped.mean())}
    if tipped.any():
        y = years[index[tipped]]
        row.update({"p10": float(np.percentile(y, 10)), "median": float(np.median(y)),
                    "p90": float(np.percentile(y, 90)), "earliest": int(y.min())})
    else:
        row.update({"p10": None, "median": None, "p90": None, "earliest": None})
    return row


def _levers_with(case: Any, strategy: str, changes: Mapping[str, Any]) -> pd.DataFrame:
    from ..engine.experiments import lever_rows

    rows = lever_rows(case, [strategy])
    for lever, value in changes.items():
        rows.loc[0, lever] = value
    return rows


def tipping_points(case: Any, futures: Any, *, model: Any = None, start: str = "default") -> pd.DataFrame:
    """Tipping-point years of the starting strategy and of each action alone, over the futures."""
    from ..engine.experiments import perform_experiments

    years = case.time.years
    plans = [(start, {})] + [(a.name, a.levers) for a in case.actions]
    rows = []
    for name, changes in plans:
        out = perform_experiments(case, futures, _levers_with(case, start, changes), model=model)
        index = tipping_index(meets_objective(case, out[case.adaptation.outcome][0]))
        rows.append({"plan": name, "action": name != start, **_summary(index, years),
                     "conditions": _conditions(futures.table, index >= 0)})
    return pd.DataFrame(rows)


def _conditions(inputs: pd.DataFrame, tipped: np.ndarray) -> str | None:
    """Where the plan tips, as scenario discovery's first PRIM box over the uncertainties."""
    from .prim import Prim

    if tipped.all() or not tipped.any() or inputs.shape[1] == 0:
        return None
    box = Prim().fit(inputs, tipped).box_
    parts = []
    for r in box.to_dict()["restrictions"]:
        if r["categories"] is not None:
            parts.append(f"{r['name']} in {{{', '.join(map(str, r['categories']))}}}")
            continue
        if r["low"] is not None:
            parts.append(f"{r['name']} >= {r['low']:.4g}")
        if r["high"] is not None:
            parts.append(f"{r['name']} <= {r['high']:.4g}")
    if not parts:
        return None
    return f"{' and '.join(parts)} (coverage {box.coverage:.0%}, density {box.density:.0%})"


def pathway_list(case: Any) -> list[Any]:
    """The case's pathways; without any, the starting plan alone and one pathway per rule."""
    from ..engine.space import Pathway

    if case.pathways:
        return list(case.pathways)
    return [Pathway(name="static", rules=())] + [Pathway(name=f"via_{r.name}", rules=(r.name,)) for r in case.rules]


def evaluate_pathways(case: Any, futures: Any, *, model: Any = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The scorecard of each pathway, and its :class:`~forewarn.engine.adaptive.AdaptiveRun`."""
    from ..engine.adaptive import run_adaptive

    rules = {r.name: r for r in case.rules}
    years = case.time.years
    runs, shares = {}, []
    for pw in pathway_list(case):
        runs[pw.name] = run_adaptive(case, futures, pw.strategy, [rules[r] for r in pw.rules], model=model)
        met = meets_objective(case, runs[pw.name].outputs[case.adaptation.outcome])
        shares.append(met[:, judged_years(case)].mean(axis=1))
    regret = regret_matrix(np.vstack(shares))
    rows = []
    for k, (name, run) in enumerate(runs.items()):
        met = meets_objective(case, run.outputs[case.adaptation.outcome])
        row = {"pathway": name, "robustness": float(met.all(axis=1).mean()), "years_met": float(shares[k].mean()),
               "mean_cost": float(run.cost.mean()), "mean_regret": float(regret[k].mean()),
               "p90_regret": float(np.percentile(regret[k], 90))}
        pw = pathway_list(case)[k]
        for r, rule in enumerate(pw.rules):
            fired = run.detected[:, r] >= 0
            row[f"{rule}_share"] = float(fired.mean())
            row[f"{rule}_median_year"] = float(np.median(years[run.detected[fired, r]])) if fired.any() else None
        rows.append(row)
    return pd.DataFrame(rows), {"runs": runs, "regret": regret}


def triggers(case: Any, futures: Any, *, model: Any = None) -> pd.DataFrame:
    """For each rule of each pathway: the signal value at which to start its action in time."""
    from ..engine.adaptive import run_adaptive

    rules = {r.name: r for r in case.rules}
    actions = {a.name: a for a in case.actions}
    share = case.adaptation.share
    rows = []
    for pw in pathway_list(case):
        for k, name in enumerate(pw.rules):
            rule = rules[name]
            before = run_adaptive(case, futures, pw.strategy, [rules[r] for r in pw.rules[:k]], model=model)
            tip = tipping_index(meets_objective(case, before.outputs[case.adaptation.outcome]))
            signal = before.outputs[rule.when]
            rows.append({"pathway": pw.name, "rule": name, "signal": rule.when, "op": rule.op,
                         **_trigger(signal, tip, rule, actions[rule.action], share)})
    return pd.DataFrame(rows)


def _trigger(signal: np.ndarray, tip: np.ndarray, rule: Any, action: Any, share: float) -> dict[str, Any]:
    tipped = np.flatnonzero(tip >= 0)
    declared = rule.threshold
    if tipped.size == 0:
        return {"trigger": None, "declared": declared, "declared_in_time": None, "futures_tipping": 0,
                "lead_years": rule.delay + action.lead_time}
    latest = tip[tipped] - rule.delay - action.lead_time  # last index at which to detect
    below = rule.op in ("<", "<=")
    need = np.full(tipped.size, -np.inf if below else np.inf)
    for j, (f, s) in enumerate(zip(tipped, latest)):
        if s >= 0:
            window = signal[f, : s + 1]
            need[j] = window.min() if below else window.max()
    # A "<" rule fires in time where its threshold is above the signal's low point by then.
    # Futures detected too late hold an infinite need; a quantile between two of them is not a
    # number (inf - inf), which means no finite trigger, as an infinite one does.
    with np.errstate(invalid="ignore"):
        trigger = float(np.quantile(need, share if below else 1 - share))
    from ..engine.adaptive import crosses

    in_time = crosses(need, rule.op, declared)
    return {"trigger": trigger if np.isfinite(trigger) else None, "declared": declared,
            "declared_in_time": float(in_time.mean()), "futures_tipping": int(tipped.size),
            "lead_years": rule.delay + action.lead_time}


def pathway_voi(case: Any, futures: Any, regret: np.ndarray, signposts: Mapping[str, np.ndarray] | None = None
                ) -> list[dict]:
    """VOI for the choice among pathways: of each given signpost (name to a boolean mask over the
    futures; these are the ones the news monitor watches), and of learning whether each real or
    integer uncertainty is above its median (which nothing watches: flagged ``watched=False``)."""
    watched = dict(signposts or {})
    masks = dict(watched)
    for p in case.uncertainties:
        if p.kind in ("real", "integer"):
            values = futures.table[p.name].to_numpy(dtype=float)
            masks.setdefault(f"{p.name} above its median", values > np.median(values))
    rows = voi_table(regret, masks)
    for row in rows:
        row["watched"] = row["signpost"] in watched
    return rows


def analyse(case: Any, futures: Any, *, model: Any = None, signposts: Mapping[str, np.ndarray] | None = None
            ) -> dict[str, Any]:
    """Tipping points, scorecard, triggers and VOI in one go (what ``forewarn pathways`` prints)."""
    from ..engine.model import load_model

    if case.adaptation is None:
        raise InputError("the case declares no [adaptation] objective (a series outcome and a bound)",
                         source=case.path, field="adaptation")
    if not case.actions:
        raise InputError("the case declares no [[actions]]", source=case.path, field="actions")
    model = load_model(case) if model is None else model
    tips = tipping_points(case, futures, model=model)
    card, detail = evaluate_pathways(case, futures, model=model)
    return {"tipping_points": tips, "scorecard": card, "triggers": triggers(case, futures, model=model),
            "voi": pathway_voi(case, futures, detail["regret"], signposts), "runs": detail["runs"]}


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def to_json(result: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-able part of :func:`analyse`'s result."""
    return {"tipping_points": _records(result["tipping_points"]), "scorecard": _records(result["scorecard"]),
            "triggers": _records(result["triggers"]), "voi": result["voi"]}


def pathway_transfers(case: Any, result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each rule of each pathway: from which plan to which action, and the median year in force."""
    rules = {r.name: r for r in case.rules}
    years = np.asarray(case.time.years)
    out = []
    for pw in pathway_list(case):
        run = result["runs"][pw.name]
        current = pw.strategy or "default"
        for k, name in enumerate(pw.rules):
            eff = run.effective[:, k]
            year = float(np.median(years[eff[eff >= 0]])) if (eff >= 0).any() else None
            out.append({"pathway": pw.name, "rule": name, "from": current, "to": rules[name].action, "year": year,
                        "share": float((eff >= 0).mean())})
            current = rules[name].action
    return out
