"""Adaptive plans, searched strategies and stress scenarios for the Kosovo brief.

The brief's run evaluates the case's strategies with their levers fixed. This module adds what a
fixed run cannot show, on the same futures (those consistent with the observed present):

* a strategy that has a pathway of the same name (the ``adaptive`` strategy) is evaluated with
  its declared rules (:func:`apply_pathway_strategies`);
* every pathway, and a few Pareto strategies of a small lever search (``forewarn search``), as
  extra rows beside the case's strategies (:func:`add_plans`);
* each of them in each stress scenario of the case (:func:`scenario_table`);
* the pathways analysis (tipping points, triggers, value of information) behind Q5
  (:func:`plan_analysis`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["futures_of", "apply_pathway_strategies", "add_plans", "describe_levers", "describe_action",
           "lever_figures", "action_figures", "search_picks",
           "scenario_table", "plan_analysis", "Plans", "SIGNAL_WORDS", "SIGNAL_SIGNPOST"]

#: How the brief names a rule's observable, and the direction words of its operator.
SIGNAL_WORDS = {"us_troops": "the US contingent", "kfor_troops": "KFOR", "threat": "Serbian troops near the line",
                "margin": "the local margin", "own_margin": "Kosovo's own margin", "ksf_active": "the active KSF"}
_OP_WORDS = {"<": "below", "<=": "at or below", ">": "above", ">=": "at or above"}
#: The case signpost that watches a rule's observable in the news (none: the monitor cannot see it).
SIGNAL_SIGNPOST = {"us_troops": "us_drawdown_announced", "kfor_troops": "kfor_below_4000",
                   "threat": "serbian_buildup", "ksf_active": "ksf_above_5000"}


@dataclass
class Plans:
    """What the brief adds to its run: extra rows (pathways, searched strategies), their labels
    and descriptions, the scenario table and the pathways analysis."""

    labels: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # "pathway" or "searched"
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)  # the lever figures a label states
    pareto: pd.DataFrame = field(default_factory=pd.DataFrame)
    search: dict[str, Any] = field(default_factory=dict)
    scenarios: pd.DataFrame = field(default_factory=pd.DataFrame)
    analysis: dict[str, Any] = field(default_factory=dict)


def futures_of(case: Any, frame: pd.DataFrame, strategy: str) -> tuple[Any, np.ndarray]:
    """The futures of ``strategy``'s rows of a run frame (in future order) and those rows' positions."""
    from ..engine.experiments import Futures

    pos = np.flatnonzero((frame["strategy"] == strategy).to_numpy())
    pos = pos[np.argsort(frame["future"].to_numpy()[pos], kind="stable")]
    rows = frame.iloc[pos]
    table = rows[list(case.uncertainty_names)].reset_index(drop=True)
    return Futures(table, rows["seed"].to_numpy(dtype=np.uint64)), pos


def _pathways(case: Any) -> dict[str, Any]:
    return {pw.name: pw for pw in getattr(case, "pathways", ())}


def _run_pathway(case: Any, futures: Any, pathway: Any, model: Any = None) -> dict[str, np.ndarray]:
    from ..engine.adaptive import run_adaptive

    rules = {r.name: r for r in case.rules}
    return run_adaptive(case, futures, pathway.strategy, [rules[r] for r in pathway.rules], model=model).outputs


def _put(frame: pd.DataFrame, series: dict[str, np.ndarray], pos: np.ndarray, outputs: Mapping[str, np.ndarray],
         threshold: float) -> None:
    """Write model outputs over the rows ``pos`` of a run (in place)."""
    for name, value in outputs.items():
        value = np.asarray(value)
        if value.ndim == 1 and name in frame.columns:
            frame.iloc[pos, frame.columns.get_loc(name)] = value
        elif value.ndim == 2 and name in series:
            series[name][pos] = value
    frame.iloc[pos, frame.columns.get_loc("holds")] = frame["min_margin"].to_numpy(dtype=float)[pos] >= threshold


def apply_pathway_strategies(run: Any, threshold: float, model: Any = None) -> Any:
    """The run with each strategy that has a pathway of its name evaluated with that pathway's rules."""
    case = run.case
    pws = _pathways(case)
    names = [s for s in run.frame["strategy"].unique() if s in pws and pws[s].rules]
    if not names:
        return run
    frame, series = run.frame.copy(), {k: v.copy() for k, v in run.series.items()}
    for name in names:
        futures, pos = futures_of(case, frame, name)
        _put(frame, series, pos, _run_pathway(case, futures, pws[name], model), threshold)
    return type(run)(case, frame, series, run.years, run.total, run.dropped, run.label)


def _append(run: Any, base: str, name: str, outputs: Mapping[str, np.ndarray], threshold: float,
            levers: Mapping[str, Any] | None = None) -> Any:
    """The run with rows for ``name``: ``base``'s rows (same futures) with ``outputs`` written over."""
    _, pos = futures_of(run.case, run.frame, base)
    new = run.frame.iloc[pos].copy().reset_index(drop=True)
    new["strategy"] = name
    for lever, value in (levers or {}).items():
        if lever in new.columns:
            new[lever] = value
    series = {k: v[pos].copy() for k, v in run.series.items()}
    _put(new, series, np.arange(len(new)), outputs, threshold)
    frame = pd.concat([run.frame, new], ignore_index=True)
    merged = {k: np.concatenate([run.series[k], series[k]]) for k in run.series}
    return type(run)(run.case, frame, merged, run.years, run.total, run.dropped, run.label)


def lever_figures(case: Any, levers: Mapping[str, Any]) -> dict[str, Any]:
    """The figures :func:`describe_levers` states, as it rounds them."""
    v = {**{p.name: p.default_value for p in case.levers}, **dict(levers)}
    return {"active": round(float(v["ksf_active_target"]), -2), "reserve": round(float(v["ksf_reserve_target"]), -2),
            "year": int(v["ksf_target_year"]), "share_gdp": float(v["defence_share_gdp"]),
            "equipment": float(v["equipment_share"]), "more_recruits": float(v.get("recruitment_drive", 1.0)) - 1.0,
            **{k: bool(v.get(k, False)) for k in ("regional_force", "us_deal", "nato_alignment")}}


def describe_levers(case: Any, levers: Mapping[str, Any]) -> str:
    """A strategy named by what it does, from its lever values (Kosovo's levers)."""
    f = lever_figures(case, levers)
    parts = [f"KSF aiming at {f['active']:,.0f} active and {f['reserve']:,.0f} reserve by {f['year']}",
             f"{f['share_gdp']:.1f}% of GDP ({f['equipment']:.0%} on equipment)"]
    if f["more_recruits"] >= 0.05:
        parts.append(f"{f['more_recruits']:.0%} more recruits a year")
    parts += [words for k, words in (("regional_force", "regional force"), ("us_deal", "US deal"),
                                     ("nato_alignment", "NATO alignment")) if f[k]]
    return ", ".join(parts)


def describe_action(case: Any, levers: Mapping[str, Any]) -> str:
    """What an action does, in words, from the lever values it sets (Kosovo's levers)."""
    words = {"ksf_active_target": "raise the active KSF target to {:,.0f}",
             "ksf_reserve_target": "raise the reserve target to {:,.0f}",
             "defence_share_gdp": "set the defence budget at {:.2f}% of GDP",
             "ksf_target_year": "reach the targets by {:.0f}",
             "equipment_share": "spend {:.0%} of the budget on equipment",
             "recruitment_drive": "recruit {:.0%} more a year"}
    flags = {"regional_force": "join the regional force", "us_deal": "offer Washington a deal",
             "nato_alignment": "align with NATO"}
    parts = []
    for name, value in levers.items():
        if name in flags:
            parts.append(flags[name] if value else f"leave the {name.replace('_', ' ')}")
        elif name == "recruitment_drive":
            parts.append(words[name].format(float(value) - 1.0))
        elif name in words:
            parts.append(words[name].format(float(value)))
        else:
            parts.append(f"set {name.replace('_', ' ')} to {value}")
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def action_figures(levers: Mapping[str, Any]) -> dict[str, float]:
    """The figures :func:`describe_action` states."""
    return {k: (float(v) - 1.0 if k == "recruitment_drive" else float(v)) for k, v in levers.items()
            if not isinstance(v, bool)}


def search_picks(scores: pd.DataFrame, baseline: str, declared: Sequence[str], searched: Sequence[str],
                 limit: int = 4) -> list[str]:
    """A few searched strategies worth showing, from their scores on the brief's futures: the most
    robust; the cheapest at least as robust as the best declared strategy; the cheapest at least as
    robust as ``baseline``; the one Kosovo can do most with alone."""
    s = scores.loc[[x for x in searched if x in scores.index]]
    if s.empty:
        return []
    picks = [s.sort_values(["robustness", "cost"], ascending=[False, True]).index[0]]
    for bar in (scores.loc[[d for d in declared if d in scores.index], "robustness"].max(),
                scores.loc[baseline, "robustness"] if baseline in scores.index else np.nan):
        ok = s[s["robustness"] >= bar - 1e-12] if np.isfinite(bar) else s.iloc[0:0]
        if not ok.empty:
            picks.append(ok.sort_values(["cost", "robustness"], ascending=[True, False]).index[0])
    picks.append(s.sort_values(["own_end", "cost"], ascending=[False, True]).index[0])
    out: list[str] = []
    for p in picks:
        if p not in out:
            out.append(p)
    return out[:limit]


def _search(case: Any, out: Path, evaluations: int, seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    from ..analysis.search import search

    futures, population = 200, 50
    result = search(case, out=out, futures=futures, evaluations=max(evaluations, population), population=population,
                    seed=seed, test_futures=futures, overwrite=True)
    info = {"futures": int(result.manifest["futures_used"]),
            "evaluations": int(result.convergence["evaluations"].iloc[-1]), "population": population, "pareto": len(result.pareto), "folder": str(out)}
    return result.pareto, info


def add_plans(run: Any, *, threshold: float, baseline: str, declared: Sequence[str], score: Any,
              search_evaluations: int = 1000, search_out: Path | None = None, seed: int = 0,
              model: Any = None, labels: Mapping[str, str] | None = None) -> tuple[Any, Plans]:
    """The run with rows for every pathway and a few searched strategies, and their :class:`Plans`.

    ``score(run, strategies)`` scores strategies as the brief does (robustness, cost, own capability).
    A search runs only when ``search_evaluations > 0`` and ``search_out`` is given.
    """
    from ..engine.experiments import perform_experiments as evaluate
    from ..report.text import humanise

    case, plans = run.case, Plans()
    futures, _ = futures_of(case, run.frame, baseline)
    for name, pw in _pathways(case).items():
        if name in declared:
            continue  # a strategy evaluated with its rules already
        run = _append(run, baseline, name, _run_pathway(case, futures, pw, model), threshold)
        plans.labels[name] = (labels or {}).get(name) or humanise(name).capitalize()
        plans.descriptions[name], plans.kinds[name] = pw.description, "pathway"
    if search_evaluations > 0 and search_out is not None and getattr(case, "objectives", ()):
        pareto, plans.search = _search(case, search_out, search_evaluations, seed)
        levers = pareto[list(case.lever_names)].reset_index(drop=True)
        names = [str(s) for s in pareto["strategy"]]
        scores = pd.concat([score(run, list(declared)), _quick_scores(case, futures, levers, names, threshold, model)])
        picks = search_picks(scores, baseline, declared, names)
        if picks:
            chosen = levers.iloc[[names.index(p) for p in picks]].reset_index(drop=True)
            out = evaluate(case, futures, chosen, model=model)
            for k, name in enumerate(picks):
                run = _append(run, baseline, name, {o: v[k] for o, v in out.items()}, threshold,
                              levers=chosen.iloc[k].to_dict())
        plans.pareto = pareto[pareto["strategy"].isin(picks)].set_index("strategy").loc[picks]
        for name in picks:
            lv = levers.iloc[names.index(name)].to_dict()
            plans.labels[name] = f"Searched: {describe_levers(case, lv)}"
            plans.figures[name] = lever_figures(case, lv)
            plans.descriptions[name] = f"A Pareto strategy of the lever search ({name})."
            plans.kinds[name] = "searched"
    return run, plans


def _quick_scores(case: Any, futures: Any, levers: pd.DataFrame, names: Sequence[str], threshold: float,
                  model: Any, block: int = 4) -> pd.DataFrame:
    """Robustness, median cost and median own margin at the horizon of many lever rows, evaluated a few
    at a time so that memory stays that of a few strategies (the brief's score of the same name)."""
    from ..engine.experiments import perform_experiments as evaluate

    rows = []
    for start in range(0, len(levers), block):
        out = evaluate(case, futures, levers.iloc[start:start + block], model=model)
        for k in range(len(out["min_margin"])):
            rows.append({"robustness": float((out["min_margin"][k] >= threshold).mean()),
                         "cost": float(np.median(out["total_cost"][k])),
                         "own_end": float(np.median(out["own_margin_end"][k]))})
    return pd.DataFrame(rows, index=list(names))


def scenario_table(run: Any, strategies: Sequence[str], threshold: float, model: Any = None) -> pd.DataFrame:
    """Share of futures in which each strategy or pathway holds every lever year, on the run's
    futures as they are and in each stress scenario of the case (the same futures with the
    scenario's values fixed). Rows: strategies; columns: ``as run`` and each scenario's name."""
    from ..engine.experiments import lever_rows, perform_experiments as evaluate

    case = run.case
    pws = _pathways(case)
    static = [s for s in strategies if s in case.strategy_names and not (s in pws and pws[s].rules)]
    searched = [s for s in strategies if s not in case.strategy_names and s not in pws]
    table = pd.DataFrame(index=list(strategies), dtype=float)
    table["as run"] = [float(run.of(s)["holds"].mean()) for s in strategies]
    base = strategies[0]
    futures, _ = futures_of(case, run.frame, base)
    for sc in getattr(case, "scenarios", ()):
        fut = futures.with_values(sc.values)
        holds: dict[str, float] = {}
        rows = lever_rows(case, static) if static else None
        if searched:
            extra = pd.concat([_levers_of(run, s, case) for s in searched], ignore_index=True)
            rows = extra if rows is None else pd.concat([rows, extra], ignore_index=True)
        if rows is not None:
            out = evaluate(case, fut, rows, model=model)["min_margin"]
            for k, s in enumerate([*static, *searched]):
                holds[s] = float((out[k] >= threshold).mean())
        for s in strategies:
            if s in pws and pws[s].rules:
                holds[s] = float((_run_pathway(case, fut, pws[s], model)["min_margin"] >= threshold).mean())
        table[sc.name] = pd.Series(holds)
    return table


def _levers_of(run: Any, strategy: str, case: Any) -> pd.DataFrame:
    row = run.of(strategy).iloc[:1][list(case.lever_names)].reset_index(drop=True)
    for p in case.levers:
        row[p.name] = row[p.name].astype(p.dtype) if p.dtype != object else row[p.name]
    return row


def plan_analysis(run: Any, baseline: str, model: Any = None) -> dict[str, Any]:
    """Tipping points, pathway scorecard, triggers and value of information on the run's futures.

    The case's signposts with fixed-bound narrowings are the watched signposts; each
    uncertainty's "above its median" is an unwatched one.
    """
    from ..analysis.pathways import analyse
    from ..signposts import Constraint, parse_signposts

    case = run.case
    futures, _ = futures_of(case, run.frame, baseline)
    masks: dict[str, np.ndarray] = {}
    for sp in parse_signposts(case):
        fixed = [nw for nw in sp.narrows if nw.value is not None and nw.uncertainty in futures.table]
        if fixed:
            mask = np.ones(len(futures), dtype=bool)
            for nw in fixed:
                mask &= Constraint(sp.name, nw.uncertainty, nw.op, nw.value).holds(futures.table[nw.uncertainty])
            masks[sp.name] = mask
    # A trigger's quantile over futures that never allow acting in time mixes -inf and inf, which
    # numpy reports as an invalid subtraction before the engine turns the NaN into "no trigger".
    with np.errstate(invalid="ignore"):
        result = analyse(case, futures, model=model, signposts=masks)
    result.pop("runs", None)
    result["futures"] = len(futures)
    return result


def op_words(op: str) -> str:
    """``"<"`` -> ``"below"``."""
    return _OP_WORDS[op]
