"""The built-in brief: the five questions of the framing article, answered from many futures.

:func:`build_kosovo_brief` runs the Kosovo case over futures × strategies on the sourced ranges and
again on the stress set, keeps the futures that reproduce the observed present, narrows them to
those the stored evidence allows, and writes the answers: a bottom line, a "what changed" box when
signposts have fired, and one builder per question. Every number in the text is computed from the
run (each section's ``figures``) or cites fact ids; drivers and vulnerabilities are computed
(feature scores, PRIM on the futures where strategies differ), never written in advance.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, ModelOutputError
from ..report.brief import Assumption, Brief, Section, Stance, Table, render_html
from ..report.text import humanise, num, pct, shorten_at_sentence
from .plans import apply_pathway_strategies

__all__ = ["build_kosovo_brief", "THRESHOLD", "BASELINE", "load_framing", "BriefRun", "Context"]

#: The yardstick holds in a year when the margin (defenders at the point of attack over the force the
#: yardstick requires) is at least this; a strategy holds in a future when it holds every lever year.
THRESHOLD = 1.0
#: The strategy every other one is read against.
BASELINE = "current_plan"

_CAVEAT = (
    "These are explorations of a transparent model under stated assumptions, not predictions: each "
    "figure says how often something happens across the futures explored, not how likely it is. "
    "Every input is either sourced (fact ids, listed at the end) or marked as an assumption."
)
_SERIES = ("margin", "own_margin", "kfor_troops", "ksf_active", "ksf_reserve", "us_troops")


# ---------------------------------------------------------------------------------------------
# The run, as typed values
# ---------------------------------------------------------------------------------------------


@dataclass
class BriefRun:
    """One run of the case: experiments of the futures consistent with the observed present.

    ``frame`` has one row per future × strategy with the uncertainties, the scalar outcomes and
    ``holds`` (the yardstick holds every lever year); ``series`` holds per-year outcomes aligned with
    ``frame``'s rows. ``dropped`` futures contradicted the present (margin below the threshold in the
    base year) and are left out; ``total`` futures were run.
    """

    case: Any
    frame: pd.DataFrame
    series: dict[str, np.ndarray]
    years: np.ndarray
    total: int
    dropped: int
    label: str = "sourced ranges"

    @property
    def lever_years(self) -> np.ndarray:
        return self.years[1:]

    @property
    def futures(self) -> int:
        return int(self.frame["future"].nunique())

    def of(self, strategy: str) -> pd.DataFrame:
        return self.frame[self.frame["strategy"] == strategy]

    def rows(self, strategy: str) -> np.ndarray:
        return (self.frame["strategy"] == strategy).to_numpy()

    def keep(self, mask: np.ndarray) -> BriefRun:
        """The same run restricted to the rows of ``mask`` (whole futures)."""
        return BriefRun(self.case, self.frame[mask].reset_index(drop=True),
                        {k: v[mask] for k, v in self.series.items()}, self.years, self.total, self.dropped,
                        self.label)

    @property
    def uncertainties(self) -> list[str]:
        return [p.name for p in self.case.uncertainties]


def _derive(frame: pd.DataFrame, series: dict[str, np.ndarray], years: np.ndarray) -> pd.DataFrame:
    """Columns of the outcome contract, derived from the series where the model does not give them."""
    from ..analysis.tradeoff import first_year_at_or_above, first_year_below

    never = float(years[-1] + 1)
    m, own = series["margin"], series["own_margin"]
    add: dict[str, Any] = {}
    if "min_margin" not in frame:
        add["min_margin"] = m[:, 1:].min(axis=1)
    if "first_failure_year" not in frame:
        add["first_failure_year"] = np.nan_to_num(first_year_below(m, years, THRESHOLD, from_year=int(years[1])),
                                                  nan=never)
    if "present_ok" not in frame:
        add["present_ok"] = (m[:, 0] >= THRESHOLD).astype(float)
    if "own_margin_end" not in frame:
        add["own_margin_end"] = own[:, -1]
    if "own_first_year" not in frame:
        add["own_first_year"] = np.nan_to_num(first_year_at_or_above(own, years, THRESHOLD), nan=never)
    if "expected_crises" not in frame and "expected_escalations" in frame:
        add["expected_crises"] = frame["expected_escalations"].to_numpy()
    out = frame.assign(**add) if add else frame.copy()
    out["holds"] = out["min_margin"].to_numpy(dtype=float) >= THRESHOLD
    return out


def load_run(case: Any, results: Any, label: str = "sourced ranges") -> BriefRun:
    """Read a run's results into a :class:`BriefRun`, keeping the futures that reproduce the present."""
    frame = results.to_dataframe()
    names = set(results.series_outcomes)
    old = {"margin": "deterrence", "own_margin": "self_defence"}  # names of the first Kosovo model
    use = {n: n if n in names else old.get(n, n) for n in _SERIES}
    got = results.outcomes(list(use.values()))
    series = {n: np.asarray(got[u], dtype=float) for n, u in use.items()}
    years = np.asarray(results.years)
    frame = _derive(frame, series, years)
    total = int(frame["future"].nunique())
    ok = frame["present_ok"].to_numpy(dtype=float) >= 0.5
    bad_futures = set(frame.loc[~ok, "future"])
    mask = ~frame["future"].isin(bad_futures).to_numpy()
    run = BriefRun(case, frame, series, years, total, len(bad_futures), label)
    return run.keep(mask)


# ---------------------------------------------------------------------------------------------
# Scores per strategy
# ---------------------------------------------------------------------------------------------


def score_strategies(run: BriefRun, strategies: Sequence[str]) -> pd.DataFrame:
    """Per strategy: robustness, cost, crises, regret, time to failure, Kosovo's own capability.

    Returns a table indexed by strategy (most robust first) with ``robustness``, ``cost``,
    ``crises``, ``regret`` (90th percentile regret of the lowest margin), ``front`` (non-dominated
    on robustness and cost), ``per_point`` (extra cost per point of robustness over today's plan),
    ``fail_year`` (median first failure year among the futures where it fails), ``own_end`` (median
    own margin at the horizon), ``own_reach`` (share of futures where Kosovo alone reaches the
    threshold by the horizon) and ``own_year`` (median year it does, among those).
    """
    from ..analysis.tradeoff import cost_per_point, non_dominated, tradeoff_table

    df = run.frame[run.frame["strategy"].isin(strategies)]
    t = tradeoff_table(df, holds="holds", cost="total_cost", own="own_margin_end", crises="expected_crises",
                       regret_outcome="min_margin", q=90).rename(columns={"own": "own_end"})
    t["front"] = non_dominated(t, {"robustness": "max", "cost": "min"}, tol=1e-9)
    t["per_point"] = cost_per_point(t, BASELINE) if BASELINE in t.index else np.nan
    horizon = float(run.years[-1])
    fail_year, own_reach, own_year = {}, {}, {}
    for s in t.index:
        sub = run.of(s)
        ff = sub["first_failure_year"].to_numpy(dtype=float)
        fail_year[s] = float(np.median(ff[ff <= horizon])) if (ff <= horizon).any() else np.nan
        oy = sub["own_first_year"].to_numpy(dtype=float)
        own_reach[s] = float((oy <= horizon).mean())
        own_year[s] = float(np.median(oy[oy <= horizon])) if (oy <= horizon).any() else np.nan
    t["fail_year"], t["own_reach"], t["own_year"] = pd.Series(fail_year), pd.Series(own_reach), pd.Series(own_year)
    return t


# ---------------------------------------------------------------------------------------------
# The context every builder reads
# ---------------------------------------------------------------------------------------------


@dataclass
class Context:
    """Everything the builders need: the runs, the scores, the evidence, names and colours."""

    case: Any
    run: BriefRun  # sourced ranges, narrowed by the evidence
    before: BriefRun  # sourced ranges before the evidence
    stress: BriefRun | None  # the stress set, narrowed alike
    strategies: list[str]
    scores: pd.DataFrame
    scores_before: pd.DataFrame
    scores_stress: pd.DataFrame | None
    labels: dict[str, str]
    colours: dict[str, str]
    statuses: list[Any]
    summary: Any
    framing: dict[str, Any]
    quotes: pd.DataFrame
    seed: int
    set_aside: int | None = None
    store: Any = None
    fail_rank: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan_run: BriefRun | None = None  # the run with pathways and searched strategies added
    plans: Any = None  # forewarn.kosovo.plans.Plans
    plan_scores: pd.DataFrame | None = None

    @property
    def fired(self) -> list[Any]:
        return [s for s in self.statuses if s.fired]

    @property
    def narrowed(self) -> bool:
        return bool(self.fired) and not self.summary.empty

    @property
    def best(self) -> str:
        return str(self.scores.index[0])

    def name(self, s: str) -> str:
        if s in self.labels:
            return self.labels[s]
        if self.plans is not None and s in self.plans.labels:
            return self.plans.labels[s]
        return humanise(s)

    def param_label(self, name: str) -> str:
        return humanise(name)


# ---------------------------------------------------------------------------------------------
# Small text helpers
# ---------------------------------------------------------------------------------------------


def _param(case: Any, name: str) -> Any:
    for p in [*case.uncertainties, *case.levers]:
        if p.name == name:
            return p
    return case.constants.get(name)


def _sources(case: Any, *names: str) -> list[str]:
    ids: list[str] = []
    for n in names:
        for f in getattr(_param(case, n), "sources", None) or []:
            if f not in ids:
                ids.append(f)
    return ids


def _assumption(case: Any, name: str) -> Assumption | None:
    p = _param(case, name)
    text = getattr(p, "assumption", None)
    if not text:
        return None
    rng = ""
    if getattr(p, "low", None) is not None and getattr(p, "high", None) is not None:
        unit = f" {p.unit}" if getattr(p, "unit", None) else ""
        rng = f" ({p.low:g} to {p.high:g}{unit})"
    return Assumption(label=humanise(name) + rng, short=shorten_at_sentence(text), full=" ".join(text.split()),
                      name=name)


def _apply_evidence(ctx: Context, sections: Sequence[Section]) -> None:
    """Assumptions of an uncertainty a fired signpost narrowed say so first (and by how much)."""
    if not ctx.narrowed:
        return
    said: dict[str, str] = {}
    for st in ctx.fired:
        for c in st.constraints:
            said.setdefault(c.uncertainty, "")
            said[c.uncertainty] += (f"Narrowed by the news: {_constraint_text(c)} (signpost “{humanise(st.name)}”, first seen "
                                    f"{st.first_seen or 'undated'}). ")
    for sec in sections:
        for a in sec.assumptions:
            if isinstance(a, Assumption) and a.name in said:
                a.short = said[a.name] + "Before: " + a.short
                a.full = said[a.name] + "Before the evidence: " + a.full


def _assumptions(case: Any, *names: str) -> list[Assumption]:
    return [a for a in (_assumption(case, n) for n in dict.fromkeys(names)) if a is not None]


def _year(x: float) -> str:
    return "–" if x != x else f"{x:.0f}"


def _ratio(x: float) -> str:
    return "–" if x != x else f"{x:.2f}"


def _rho(x: float) -> str:
    return f"{x:+.2f}".replace("+", "+") if x == x else "–"


def _constraint_text(c: Any) -> str:
    """A signpost's bound in words: "us withdrawal year ≤ 2028"."""
    op = {"<=": "≤", ">=": "≥", "==": "="}.get(c.op, c.op)
    if c.op == "in":
        return f"{humanise(c.uncertainty)} in {{{', '.join(str(v) for v in c.value)}}}"
    value = f"{c.value:g}" if isinstance(c.value, (int, float)) else str(c.value)
    return f"{humanise(c.uncertainty)} {op} {value}"


def _stances(ctx: Context, q: str) -> list[Stance]:
    f = ctx.framing
    out = []
    for sp in f.get("speakers", []):
        st = sp.get("stances", {}).get(q)
        if st:
            out.append(Stance(who=sp["name"], role=sp["role"], date=str(sp["date"]), stance=st["stance"],
                              text=st["text"], source=f.get("outlet", ""), url=f.get("url", "")))
    return out


def load_framing() -> dict[str, Any]:
    """The digest of the framing article (``kosovo/framing.toml``): speakers, stances, figures, URL."""
    import tomllib
    from importlib import resources

    return tomllib.loads(resources.files("forewarn").joinpath("kosovo", "framing.toml").read_text("utf-8"))


# ---------------------------------------------------------------------------------------------
# Bottom line and the evidence box
# ---------------------------------------------------------------------------------------------


def _holds_on_stress(ctx: Context, s: str) -> float:
    return float(ctx.scores_stress.loc[s, "robustness"]) if ctx.scores_stress is not None else float("nan")


def build_bottom_line(ctx: Context) -> Section:
    """One paragraph and a small table: what should Kosovo do, and what does it cost."""
    sc, best, lever = ctx.scores, ctx.best, ctx.run.lever_years
    base = sc.loc[BASELINE]
    front = [s for s in sc.index if sc.loc[s, "front"]]
    cheapest_gain = [s for s in front if s != BASELINE and sc.loc[s, "robustness"] > base["robustness"]]
    fig = {"best": best, "best_robustness": float(sc.loc[best, "robustness"]), "best_cost": float(sc.loc[best, "cost"]),
           "baseline_robustness": float(base["robustness"]), "baseline_cost": float(base["cost"]),
           "front": front, "futures": ctx.run.futures}
    text = (f"{ctx.name(best)} holds the yardstick in every year from {lever[0]} to {lever[-1]} in "
            f"{pct(fig['best_robustness'])} of the {ctx.run.futures:,} futures explored, against "
            f"{pct(fig['baseline_robustness'])} for today's plan, at a median cost of {num(fig['best_cost'])} "
            f"million EUR over those years (today's plan: {num(fig['baseline_cost'])}).")
    if cheapest_gain:
        c = min(cheapest_gain, key=lambda s: sc.loc[s, "cost"])
        fig["cheapest_gain"], fig["cheapest_gain_per_point"] = c, float(sc.loc[c, "per_point"])
        fig["cheapest_gain_robustness"] = float(sc.loc[c, "robustness"])
        price = ("at no extra cost" if sc.loc[c, "cost"] - base["cost"] < 0.5
                 else f"for {num(sc.loc[c, 'per_point'])} million EUR more per point of robustness")
        text += f" The cheapest gain over today's plan is {ctx.name(c)}: {pct(sc.loc[c, 'robustness'])} {price}."
    else:
        text += " No strategy is both more robust than today's plan and on the cost–robustness front."
    if ctx.scores_stress is not None:
        best_stress = str(ctx.scores_stress.index[0])
        fig["best_stress"], fig["best_robustness_stress"] = best_stress, _holds_on_stress(ctx, best_stress)
        text += (f" On the stress set (assumed extensions of the ranges) {ctx.name(best_stress)} ranks first "
                 f"with {pct(fig['best_robustness_stress'])}" +
                 ("; the ranking's head is the same." if best_stress == best else "; the head of the ranking changes."))
    text += _bottom_line_plans(ctx, fig, best)
    rows = [[ctx.name(s), pct(sc.loc[s, "robustness"]), pct(_holds_on_stress(ctx, s)), num(sc.loc[s, "cost"]),
             "–" if s == BASELINE else num(sc.loc[s, "per_point"]), "yes" if sc.loc[s, "front"] else ""]
            for s in sc.index]
    table = _drop_stress(ctx, Table(
        caption=(f"Holds: share of futures in which the yardstick holds every year {lever[0]}–{lever[-1]} "
                 "(sourced ranges; stress: on the stress set). Cost: median, million EUR over the same years. "
                 "€m/pt: extra cost per percentage point of robustness over today's plan. Front: no "
                 "other strategy is both more robust and cheaper."),
        columns=["strategy", "holds", "stress", "cost €m", "€m/pt", "front"], rows=rows))
    return Section(id="bottom-line", number=None, question="Bottom line", answer=text, tables=[table], figures=fig)


def _bottom_line_plans(ctx: Context, fig: dict[str, Any], best: str) -> str:
    """The bottom line's sentences on the searched strategies and the adaptive plan (Q4, Q5)."""
    ps = ctx.plan_scores
    if ps is None:
        return ""
    text = ""
    searched = [s for s in ps.index if _kind(ctx, s) == "searched"]
    bar = float(ps.loc[best, "robustness"])
    better = [s for s in searched if ps.loc[s, "robustness"] >= bar - 1e-12]
    if better:
        s = min(better, key=lambda x: (ps.loc[x, "cost"], -ps.loc[x, "robustness"]))
        fig["searched"] = {"name": s, "robustness": float(ps.loc[s, "robustness"]), "cost": float(ps.loc[s, "cost"]),
                           "levers": ctx.plans.figures.get(s, {})}
        end = int(ctx.run.years[-1])
        reached = _ksf_reached(ctx, s, (end,))
        fig["searched"]["reached"] = reached
        text += (f" A search of the levers finds a cheaper way to hold as often: {ctx.name(s)[len('Searched: '):]} "
                 f"holds in {pct(ps.loc[s, 'robustness'])} at {num(ps.loc[s, 'cost'])} million EUR; its KSF targets "
                 f"are aims, and the force it builds reaches a median of {num(reached['ksf_active'][str(end)])} "
                 f"active and {num(reached['ksf_reserve'][str(end)])} reservists by {end} (question four).")
    a = ctx.plans.analysis if ctx.plans is not None else {}
    if a:
        card = a["scorecard"].set_index("pathway")
        bp = card.sort_values(["robustness", "mean_regret"], ascending=[False, True]).index[0]
        fig["plan"] = {"pathway": bp, "robustness": float(card.loc[bp, "robustness"])}
        text += (f" Of the adaptive plans, {ctx.name(bp)} holds most often ({pct(card.loc[bp, 'robustness'])}); "
                 "question five says when to act.")
    return text


def _drop_stress(ctx: Context, table: Table) -> Table:
    """Without a stress run, the stress column says nothing: leave it out."""
    if ctx.scores_stress is not None or "stress" not in table.columns:
        return table
    i = table.columns.index("stress")
    return Table(caption=table.caption.replace("; stress: on the stress set", "").replace(
                     ", on sourced ranges and on the stress set", ""),
                 columns=table.columns[:i] + table.columns[i + 1:], rows=[r[:i] + r[i + 1:] for r in table.rows])


def build_what_changed(ctx: Context) -> Section | None:
    """The evidence box: fired signposts, before/after per strategy, futures left, items set aside."""
    if not ctx.fired:
        return None
    s = ctx.summary
    fig: dict[str, Any] = {"fired": [f.name for f in ctx.fired], "futures_total": s.futures_total,
                           "futures_left": s.futures_left, "set_aside": ctx.set_aside,
                           "bounds": [c.value for f in ctx.fired for c in f.constraints]}
    if s.empty:
        answer = (f"{len(ctx.fired)} signpost(s) fired in the stored news, but together they leave none of the "
                  f"{s.futures_total:,} futures: the evidence contradicts the case's ranges (see `forewarn watch`). "
                  "The answers below therefore use all futures; revisit the ranges.")
    else:
        answer = (f"{len(ctx.fired)} signpost(s) fired in the stored news: {s.futures_left:,} of "
                  f"{s.futures_total:,} futures remain consistent with the evidence, and every answer below "
                  "uses only them.")
        if list(ctx.scores.index) != list(ctx.scores_before.index):
            answer += (" The order of the strategies changed: before, " +
                       ", ".join(ctx.name(x) for x in ctx.scores_before.index) + "; now, " +
                       ", ".join(ctx.name(x) for x in ctx.scores.index) + ".")
        else:
            answer += " The order of the strategies did not change."
    details = []
    for f in ctx.fired:
        seen = set()
        for ev in f.evidence:
            key = (ev.get("title"), ev.get("url"), ev.get("date"))
            if key in seen or len(seen) == 3:
                continue
            seen.add(key)
            title = ev.get("title") or ev.get("outlet") or "untitled"
            details.append(f"{humanise(f.name)}: “{title}”, {ev.get('date') or 'undated'}"
                           + (f", {ev['url']}" if ev.get("url") else "")
                           + ("; narrows " + "; ".join(_constraint_text(c) for c in f.constraints)
                              if f.constraints else ""))
    if ctx.set_aside is not None:
        details.append(f"{ctx.set_aside} evidence item(s) were set aside by a reviewer and fire nothing.")
    rows = [[ctx.name(x), pct(ctx.scores_before.loc[x, "robustness"]), pct(ctx.scores.loc[x, "robustness"]),
             num(ctx.scores_before.loc[x, "cost"]), num(ctx.scores.loc[x, "cost"])] for x in ctx.scores.index]
    fig["before"] = {x: float(ctx.scores_before.loc[x, "robustness"]) for x in ctx.scores.index}
    fig["after"] = {x: float(ctx.scores.loc[x, "robustness"]) for x in ctx.scores.index}
    return Section(id="what-changed", number=None, question="What changed since the evidence", answer=answer,
                   details=details, figures=fig,
                   tables=[Table(caption="Per strategy, before and after the evidence: share of futures in which "
                                 "the yardstick holds every year, and median cost (million EUR).",
                                 columns=["strategy", "holds before", "holds now", "cost before", "cost now"],
                                 rows=rows)])


# ---------------------------------------------------------------------------------------------
# Computed drivers, quotes and charts shared by the questions
# ---------------------------------------------------------------------------------------------


def _drivers(ctx: Context, frame: pd.DataFrame, y: Any, top: int = 3) -> pd.DataFrame:
    """Feature-scored drivers of ``y`` over the uncertainties that vary in ``frame``."""
    from ..analysis.vulnerability import drivers

    cols = [c for c in ctx.run.uncertainties if c in frame and frame[c].nunique() > 1]
    if len(frame) < 30 or not cols:
        return pd.DataFrame({"feature": [], "score": [], "rho": [], "share": []})
    return drivers(frame[cols].reset_index(drop=True), np.asarray(y), seed=ctx.seed, top=top)


def _driver_text(d: pd.DataFrame, what: str) -> str:
    """'X moves most with A (score .61, rank correlation +.97), then B (.12, -.05).'"""
    if d.empty:
        return f"No input explains {what} in this run (it hardly varies)."
    parts = [f"{humanise(r.feature)} (feature score {r.score:.2f}, rank correlation {_rho(r.rho)})"
             for r in d.itertuples()]
    return f"{what[0].upper() + what[1:]} moves most with " + ", then ".join(parts) + "."


_TOPICS = {
    "q1": r"\b(American|U\.?S\.?|United States|Washington|Pentagon|contingent|Bondsteel|withdraw\w*)\b",
    "q2": r"\b(KFOR|Europe\w*|allies|NATO|mission|contribut\w+|peacekeep\w+)\b",
    "q3": r"\b(KSF|Security Force|army|defen[cd]\w*|capacit\w+|capabilit\w+|weapon\w*|equipment)\b",
    "q4": r"\b(prepare\w*|invest\w*|budget|spend\w*|align\w*|membership|joint force|deal\w*)\b",
    "q5": r"\b(watch\w*|monitor\w*|signal\w*|warn\w*|scenario\w*)\b",
}


def _quotes_for(ctx: Context, q: str, limit: int = 2) -> list[dict[str, str]]:
    """Verbatim quotes from ingested documents, chosen by relevance to the question: how much each says
    about it and the side it takes (``framing.toml``'s stance cues); one quote per side first, so that
    both sides are heard when both were said."""
    from ..report.stance import NEUTRAL, OFF_TOPIC, Question, classify, questions_from

    df = ctx.quotes
    if df is None or df.empty:
        return []
    questions = questions_from(ctx.framing.get("stance", {}))
    question = questions.get(q) or Question(q, _TOPICS[q])
    scored = []
    for r in df.itertuples():
        text = str(r.text or "")
        res = classify(text, question)
        if res.stance != OFF_TOPIC and len(text.split()) >= 6:
            scored.append((-res.relevance, int(r.Index), r, res))
    scored.sort(key=lambda t: t[:2])
    first_of_side = [t for k, t in enumerate(scored) if t[3].stance != NEUTRAL
                     and t[3].stance not in {u[3].stance for u in scored[:k]}]
    ordered = first_of_side + [t for t in scored if t not in first_of_side]
    out, speakers = [], set()
    for _, _, r, res in ordered:
        who = _clean(r.speaker) or "unnamed"
        if who in speakers:
            continue
        speakers.add(who)
        role = _clean(r.role)
        when = statement_date(_clean(r.sentence), _clean(r.pub_date)) or _clean(r.pub_date)
        where = _clean(r.outlet) or _clean(r.title) or _clean(r.url)
        out.append({"text": str(r.text), "who": who + (f", {role}" if role else ""),
                    "where": ", ".join(x for x in (where, when) if x), "url": _clean(r.url),
                    "stance": res.stance})
        if len(out) == limit:
            break
    return out


def statement_date(sentence: str, pub_date: str) -> str | None:
    """The date a statement was made when its sentence gives one ("said on June 25, 1999"), else None.

    Dates after the publication date are targets ("by 2028"), not when something was said.

    Examples
    --------
    >>> statement_date("It declared on June 25, 1999, that it would stay.", "2025-03")
    '1999-06-25'
    >>> statement_date("Troops will leave by 2028, he said.", "2025-03") is None
    True
    """
    from ..monitor.dates import find_dates

    if not sentence:
        return None
    pub = pub_date or None
    for m in find_dates(sentence, pub):
        if m.date and (not pub or m.date[: len(pub)] <= pub) and m.prep not in ("by", "until", "from"):
            return m.date
    return None


def _clean(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _bands(ctx: Context, name: str) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    series = ctx.run.series[name]
    out = {}
    for s in ctx.strategies:
        rows = series[ctx.run.rows(s)]
        if len(rows):
            lo, med, hi = np.percentile(rows, [10, 50, 90], axis=0)
            out[ctx.name(s)] = (lo, med, hi)
    return out


def _chart(ctx: Context, name: str, title: str, y_label: str, reference: float | None = None,
           reference_label: str = "") -> str:
    from ..report.svg import band_chart

    shade = list(dict.fromkeys([ctx.name(BASELINE), ctx.name(ctx.best)]))
    return band_chart(ctx.run.years, _bands(ctx, name), title=title, y_label=y_label, reference=reference,
                      reference_label=reference_label, shade=shade,
                      colours={ctx.name(s): c for s, c in ctx.colours.items()},
                      subtitle="lines: medians; bands: 10–90% of futures")


# ---------------------------------------------------------------------------------------------
# The five questions
# ---------------------------------------------------------------------------------------------


def _us_signpost(ctx: Context) -> Any:
    for st in ctx.fired:
        if any(c.uncertainty in ("us_withdrawal_year", "us_share_withdrawn") for c in st.constraints):
            return st
    return None


def build_q1(ctx: Context) -> Section:
    """Would US soldiers stay, and on what terms: what the run shows their staying changes."""
    run, case = ctx.run, ctx.case
    us0 = float(case.constants["us_troops_base"].value)
    base = run.of(BASELINE)
    stay, gone = base["us_troops_end"] >= 0.5 * us0, base["us_troops_end"] < 0.1 * us0
    fig = {"us_base": us0, "holds_if_half_stays": float(base.loc[stay, "holds"].mean()) if stay.any() else np.nan,
           "holds_if_gone": float(base.loc[gone, "holds"].mean()) if gone.any() else np.nan,
           "futures_half_stays": int(stay.sum()), "futures_gone": int(gone.sum())}
    st = _us_signpost(ctx)
    if st is not None and ctx.narrowed:
        ev = st.evidence[0] if st.evidence else {}
        fig["signpost"], fig["first_seen"] = st.name, st.first_seen
        fig["bounds"] = [c.value for c in st.constraints]
        lead = (f"The news now reports a US drawdown (signpost “{humanise(st.name)}”, first seen {st.first_seen or 'undated'}"
                f"{', in “' + str(ev.get('title')) + '”' if ev.get('title') else ''}): only the futures with "
                + "; ".join(_constraint_text(c) for c in st.constraints) + " remain.")
    else:
        lead = ("No US decision is in the stored evidence, so the run cannot say whether US soldiers stay; it keeps the "
                "question open and measures what the answer changes.")
    answer = (f"{lead} Under today's plan the yardstick holds every year in {pct(fig['holds_if_half_stays'])} of the "
              f"futures in which at least half of today's {num(us0)} US soldiers are still there in {run.years[-1]}, and "
              f"in {pct(fig['holds_if_gone'])} of those in which under a tenth remain.")
    details = []
    if ctx.stress is not None:
        sb = ctx.stress.of(BASELINE)
        s_stay, s_gone = sb["us_troops_end"] >= 0.5 * us0, sb["us_troops_end"] < 0.1 * us0
        fig["stress_holds_if_half_stays"] = float(sb.loc[s_stay, "holds"].mean()) if s_stay.any() else np.nan
        fig["stress_holds_if_gone"] = float(sb.loc[s_gone, "holds"].mean()) if s_gone.any() else np.nan
        details.append(f"On the stress set (ranges extended by assumption) the same shares are "
                       f"{pct(fig['stress_holds_if_half_stays'])} and {pct(fig['stress_holds_if_gone'])}.")
    deal = [s.name for s in case.strategies if s.levers.get("us_deal") and s.name in ctx.strategies]
    if deal:
        d = deal[0]
        share_deal = float((run.of(d)["us_troops_end"] >= 0.5 * us0).mean())
        share_base = float(stay.mean())
        fig.update(deal_strategy=d, half_stays_with_deal=share_deal, half_stays_without=share_base)
        details.append(f"On the terms: with a deal offered to Washington ({ctx.name(d)}), at least half of the contingent "
                       f"is still there in {pct(share_deal)} of the futures, against {pct(share_base)} without; the "
                       "deal's effect is itself an assumed range (us deal effect).")
    rank = ctx.fail_rank
    if not rank.empty:
        us_rows = rank[rank["feature"].isin(["us_withdrawal_year", "us_share_withdrawn"])]
        if not us_rows.empty:
            r = us_rows.iloc[0]
            fig["us_driver_rank"], fig["us_driver_score"] = int(r["rank"]), float(r["score"])
            fig["uncertainties_compared"] = len(rank)
            details.append(f"Among the {len(rank)} uncertainties, {humanise(r['feature'])} ranks {int(r['rank'])} in telling "
                           f"apart the futures where today's plan fails (feature score {r['score']:.2f}).")
    return Section(id="us-presence", number=1, question="Would American soldiers remain in KFOR, and on what terms?",
                   answer=answer, details=details, figures=fig, stances=_stances(ctx, "q1"),
                   evidence=_quotes_for(ctx, "q1"),
                   assumptions=_assumptions(case, "us_withdrawal_year", "us_share_withdrawn", "us_deal_effect"),
                   fact_ids=_sources(case, "us_withdrawal_year", "us_share_withdrawn", "us_troops_base"))


def build_q2(ctx: Context) -> Section:
    """Could KFOR survive without US soldiers: KFOR's size in those futures and what drives it."""
    run, case = ctx.run, ctx.case
    us0 = float(case.constants["us_troops_base"].value)
    kfor0 = float(case.constants["kfor_total_base"].value)
    base = run.of(BASELINE)
    gone = base[base["us_troops_end"] < 0.1 * us0]
    fig: dict[str, Any] = {"futures_gone": len(gone), "share_gone": len(gone) / max(len(base), 1), "kfor_base": kfor0}
    if len(gone) >= 30:
        k10, k50, k90 = np.percentile(gone["kfor_troops_end"], [10, 50, 90])
        fig.update(kfor_p10=k10, kfor_p50=k50, kfor_p90=k90, holds_gone=float(gone["holds"].mean()))
        answer = (f"In the {pct(fig['share_gone'])} of futures where under a tenth of the US contingent is left by "
                  f"{run.years[-1]}, KFOR ends with a median of {num(k50)} troops (10–90%: {num(k10)}–{num(k90)}), "
                  f"against about {num(kfor0)} today; under today's plan the yardstick still holds every year in "
                  f"{pct(fig['holds_gone'])} of them.")
        scope = gone
    else:
        answer = (f"Only {len(gone)} of the futures under today's plan see the US contingent fall under a tenth by "
                  f"{run.years[-1]}: too few to describe; what drives KFOR's size is read on all futures.")
        scope = base
    d = _drivers(ctx, scope, scope["kfor_troops_end"].to_numpy(), top=2)
    fig["drivers"] = d.to_dict("records")
    details = [_driver_text(d, f"KFOR's size in {run.years[-1]}" + (" in those futures" if scope is gone else ""))]
    if ctx.stress is not None and "holds_gone" in fig:
        sb = ctx.stress.of(BASELINE)
        sg = sb[sb["us_troops_end"] < 0.1 * us0]
        fig["stress_holds_gone"] = float(sg["holds"].mean()) if len(sg) else np.nan
        details.append(f"On the stress set, today's plan holds in {pct(fig['stress_holds_gone'])} of those futures.")
    return Section(id="kfor-without-us", number=2, question="Could KFOR survive without American soldiers?",
                   answer=answer, details=details, figures=fig, stances=_stances(ctx, "q2"),
                   evidence=_quotes_for(ctx, "q2"),
                   charts=[_chart(ctx, "kfor_troops", "KFOR troops", "troops")],
                   assumptions=_assumptions(case, *[r["feature"] for r in fig["drivers"]],
                                            "backfill_share", "other_kfor_trend"),
                   fact_ids=_sources(case, "kfor_total_base", "backfill_share", "backfill_lag", "other_kfor_trend"))


def build_q3(ctx: Context) -> Section:
    """Can Kosovo defend itself: the margin with KFOR, Kosovo's own margin, and when it reaches the threshold."""
    run, case, sc = ctx.run, ctx.case, ctx.scores
    rows = run.rows(BASELINE)
    with_kfor = np.percentile(run.series["margin"][rows][:, 0], [10, 50, 90])
    alone_now = np.percentile(run.series["own_margin"][rows][:, 0], [10, 50, 90])
    best_own = max(ctx.strategies, key=lambda s: (sc.loc[s, "own_reach"], -sc.loc[s, "cost"]))
    fig = {"margin_now": with_kfor.tolist(), "own_margin_now": alone_now.tolist(),
           "own_reach": {s: float(sc.loc[s, "own_reach"]) for s in sc.index},
           "own_year": {s: float(sc.loc[s, "own_year"]) for s in sc.index},
           "own_end": {s: float(sc.loc[s, "own_end"]) for s in sc.index}, "best_own": best_own}
    y0, h = run.years[0], run.years[-1]
    answer = (f"In {y0}, with KFOR, the margin is {_ratio(with_kfor[1])} in the median future (10–90%: "
              f"{_ratio(with_kfor[0])}–{_ratio(with_kfor[2])}); Kosovo's own forces alone reach "
              f"{_ratio(alone_now[1])} ({_ratio(alone_now[0])}–{_ratio(alone_now[2])}), where 1 is the yardstick. "
              f"Alone, they reach it by {h} in {pct(sc.loc[BASELINE, 'own_reach'])} of the futures under today's plan"
              + (f" (median year {_year(sc.loc[BASELINE, 'own_year'])})" if sc.loc[BASELINE, "own_reach"] > 0 else "")
              + (f" and in {pct(sc.loc[best_own, 'own_reach'])} under {ctx.name(best_own)}"
                 + (f" (median year {_year(sc.loc[best_own, 'own_year'])})" if sc.loc[best_own, "own_reach"] > 0 else "")
                 if best_own != BASELINE else "") + ".")
    d = _drivers(ctx, run.of(BASELINE), run.of(BASELINE)["own_margin_end"].to_numpy(), top=2)
    fig["drivers"] = d.to_dict("records")
    details = [_driver_text(d, f"Kosovo's own margin in {h} under today's plan")]
    if ctx.scores_stress is not None:
        ss = ctx.scores_stress
        fig["stress_own_reach"] = {s: float(ss.loc[s, "own_reach"]) for s in ss.index}
        details.append(f"On the stress set, Kosovo alone reaches the yardstick by {h} in "
                       f"{pct(ss.loc[BASELINE, 'own_reach'])} of the futures under today's plan"
                       + (f" and {pct(ss.loc[best_own, 'own_reach'])} under {ctx.name(best_own)}."
                          if best_own != BASELINE else "."))
    table = Table(caption=(f"Kosovo alone (no KFOR, no NATO reinforcement): median own margin in {h}, share of futures "
                           f"in which it reaches the yardstick by {h}, and the median year it does."),
                  columns=["strategy", f"own margin {h}", "reaches 1", "year"],
                  rows=[[ctx.name(s), _ratio(sc.loc[s, "own_end"]), pct(sc.loc[s, "own_reach"]),
                         _year(sc.loc[s, "own_year"])] for s in sc.index])
    return Section(id="defend", number=3, question="Can Kosovo defend itself, now and as the KSF grows?",
                   answer=answer, details=details, tables=[table], figures=fig, stances=_stances(ctx, "q3"),
                   evidence=_quotes_for(ctx, "q3"),
                   charts=[_chart(ctx, "margin", "Margin with KFOR", "margin", 1.0, "yardstick"),
                           _chart(ctx, "own_margin", "Kosovo's own margin (without KFOR)", "margin", 1.0, "yardstick"),
                           _chart(ctx, "ksf_active", "KSF active strength", "personnel")],
                   assumptions=_assumptions(case, *[r["feature"] for r in fig["drivers"]], "ksf_capability_base"),
                   fact_ids=_sources(case, "ksf_active_base", "ksf_capability_base", "threat_base",
                                     "defence_budget_base", "ksf_recruitment_capacity"))


def _vulnerability_lines(ctx: Context) -> tuple[list[str], dict[str, Any]]:
    from ..analysis.vulnerability import fails_by_future, where_fails

    run = ctx.run
    df = run.frame[run.frame["strategy"].isin(ctx.strategies)].assign(fails=lambda d: ~d["holds"])
    wide = fails_by_future(df, "fails")
    X = run.of(ctx.strategies[0]).set_index("future").loc[wide.index, run.uncertainties]
    lines, fig = [], {}
    order = list(ctx.scores.index)  # the best alternative: the highest-ranked other strategy
    alternatives = {s: next(o for o in order if o != s) for s in order}
    for s, v in where_fails(X, wide, alternatives=alternatives, min_cases=20).items():
        fig[s] = {"alternative": v.alternative, "cases": v.cases, "futures": v.futures, "dims": v.dims,
                  "share": v.cases / max(v.futures, 1), "coverage": v.coverage, "density": v.density,
                  "restrictions": [_restriction_text(r, ctx.case) for r in v.box.restrictions] if v.box else []}
        head = (f"{ctx.name(s)} fails while {ctx.name(v.alternative)} holds in {v.cases:,} of {v.futures:,} futures "
                f"({pct(v.cases / max(v.futures, 1))})")
        if v.box is not None and v.dims:
            where = " and ".join(fig[s]["restrictions"])
            lines.append(f"{head}, mostly when {where}: {pct(v.coverage)} of those futures lie in this region, and "
                         f"in {pct(v.density)} of the region's futures it is the wrong choice.")
        else:
            lines.append(head + (": too few to locate." if v.cases else "."))
    return lines, fig


def _value_text(v: float, unit: str) -> str:
    if unit == "year":
        return f"{v:.0f}"
    if unit.startswith("share"):
        return f"{100 * v:.0f}%"
    text = f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
    return f"{text} {unit}" if unit and not unit.startswith(("per year", "probability", "exponent", "ratio")) else text


def _restriction_text(r: Any, case: Any) -> str:
    """One PRIM restriction in words: "threat base 10,400–17,700 troops", "us withdrawal year ≤ 2030"."""
    p = _param(case, r.name)
    unit = str(getattr(p, "unit", "") or "")
    name = humanise(r.name)
    if r.categories is not None:
        return f"{name} is " + " or ".join(str(c) for c in r.categories)
    if r.low is not None and r.high is not None:
        lo, hi = _value_text(r.low, unit), _value_text(r.high, unit)
        return f"{name} between {lo.split(' ')[0] if unit and not unit.startswith('share') else lo} and {hi}"
    if r.low is not None:
        return f"{name} ≥ {_value_text(r.low, unit)}"
    return f"{name} ≤ {_value_text(r.high, unit)}"


def build_q4(ctx: Context) -> Section:
    """How should Kosovo prepare: the trade-off table, the front, and where each strategy is the wrong choice."""
    from ..report.svg import bar_chart

    sc, run = ctx.scores, ctx.run
    front = [s for s in sc.index if sc.loc[s, "front"]]
    fig = {"ranking": {s: {k: (bool(v) if k == "front" else float(v)) for k, v in sc.loc[s].items()} for s in sc.index},
           "front": front}
    answer = (f"No strategy is best on every count. Ranked by robustness, {ctx.name(ctx.best)} comes first "
              f"({pct(sc.loc[ctx.best, 'robustness'])} of futures, median cost {num(sc.loc[ctx.best, 'cost'])} million EUR). "
              "The strategies that no other beats on both robustness and cost are: "
              + "; ".join(f"{ctx.name(s)} ({pct(sc.loc[s, 'robustness'])}, {num(sc.loc[s, 'cost'])})" for s in front) + ".")
    lines, fig["where_fails"] = _vulnerability_lines(ctx)
    details = ["Where each strategy is the wrong choice (PRIM on the futures in which it fails while the most "
               "robust other strategy holds):", *lines]
    if "required_ratio" in run.frame:
        details.append(_yardstick_line(ctx, fig))
    plan_lines, plan_tables = _plans_q4(ctx, fig)
    details += plan_lines
    lever = run.lever_years
    table = _drop_stress(ctx, Table(
        caption=(f"Robustness and cost. Holds: share of futures in which the yardstick holds every year "
                 f"{lever[0]}–{lever[-1]}, on sourced ranges and on the stress set. Cost: median, million EUR over "
                 "the same years; €m/pt: extra cost per point of robustness over today's plan."),
        columns=["strategy", "holds", "stress", "cost €m", "€m/pt"],
        rows=[[ctx.name(s), pct(sc.loc[s, "robustness"]), pct(_holds_on_stress(ctx, s)), num(sc.loc[s, "cost"]),
               "–" if s == BASELINE else num(sc.loc[s, "per_point"])] for s in sc.index]))
    risk = Table(
        caption=("Risk. Crises: median expected crises that escalate, over the lever years. Regret: 90th percentile "
                 "of the shortfall of the lowest margin against the best strategy in the same future. Fails in: "
                 "median first year below the yardstick, in the futures where it fails."),
        columns=["strategy", "crises", "regret", "fails in"],
        rows=[[ctx.name(s), f"{sc.loc[s, 'crises']:.2f}", _ratio(sc.loc[s, "regret"]), _year(sc.loc[s, "fail_year"])]
              for s in sc.index])
    chart = bar_chart({ctx.name(s): float(sc.loc[s, "robustness"]) for s in sc.index},
                      title="Share of futures in which the yardstick holds every year",
                      colours={ctx.name(s): c for s, c in ctx.colours.items()})
    return Section(id="strategies", number=4,
                   question="How should Kosovo prepare: which strategy holds up best across the futures, and at what cost?",
                   answer=answer, details=details, tables=[table, risk, *plan_tables], charts=[chart], figures=fig,
                   stances=_stances(ctx, "q4"), evidence=_quotes_for(ctx, "q4"),
                   assumptions=[Assumption(label=ctx.name(s.name), short=shorten_at_sentence(s.description),
                                           full=" ".join(s.description.split()))
                                for s in ctx.case.strategies if s.name in ctx.strategies],
                   fact_ids=_sources(ctx.case, "defence_share_gdp", "ksf_active_target", "ksf_reserve_target",
                                     "equipment_share", "gdp_base", "cost_per_soldier"))


def _yardstick_line(ctx: Context, fig: dict[str, Any]) -> str:
    """How the ranking changes across the required force ratio (the yardstick's deep uncertainty)."""
    df = ctx.run.frame
    r = df["required_ratio"].to_numpy(dtype=float)
    lo, hi = np.quantile(r, [1 / 3, 2 / 3])
    parts = {}
    for tag, mask in (("lenient", r <= lo), ("strict", r >= hi)):
        sub = df[mask]
        parts[tag] = sub.groupby("strategy")["holds"].mean().reindex(ctx.strategies)
    fig["yardstick"] = {k: v.to_dict() for k, v in parts.items()}
    fig["yardstick_cuts"] = [float(lo), float(hi)]
    bl, bs = parts["lenient"].idxmax(), parts["strict"].idxmax()
    return (f"Across the yardstick: in the third of futures with the most lenient required ratio (≤ {lo:.2f}), "
            f"{ctx.name(BASELINE)} holds in {pct(parts['lenient'][BASELINE])} and {ctx.name(bl)} is most robust "
            f"({pct(parts['lenient'][bl])}); in the strictest third (≥ {hi:.2f}), {pct(parts['strict'][BASELINE])} "
            f"and {ctx.name(bs)} ({pct(parts['strict'][bs])}).")


def _trigger(sp: Any) -> str:
    e = sp.evidence
    bits = []
    if e.actor:
        bits.append(e.actor)
    if e.kinds:
        bits.append("/".join(e.kinds))
    if e.place:
        bits.append("at " + e.place.replace("|", " or "))
    if e.threshold is not None:
        bits.append(f"{e.threshold.op} {e.threshold.value:g} {e.threshold.unit}")
    return " ".join(bits) or "a matching statement"


def build_q5(ctx: Context) -> Section:
    """What to watch: the signposts the news can show, their triggers, and which drivers they observe."""
    from ..signposts import parse_signposts

    sps = {sp.name: sp for sp in parse_signposts(ctx.case)}
    watched = {n.uncertainty: name for name, sp in sps.items() for n in sp.narrows}
    status = {st.name: st for st in ctx.statuses}
    rank = ctx.fail_rank.head(4)
    seen = [f for f in rank["feature"] if f in watched]
    unseen = [f for f in rank["feature"] if f not in watched]
    fig = {"drivers": rank.to_dict("records"), "watched": {f: watched[f] for f in seen}, "unobservable": unseen}
    answer = ("The futures in which today's plan fails are told apart most by "
              + ", ".join(f"{humanise(r.feature)} ({r.score:.2f})" for r in rank.itertuples()) + " (feature scores).")
    if seen:
        answer += " The news can show " + "; ".join(f"{humanise(f)} through the signpost “{humanise(watched[f])}”"
                                                    for f in seen) + "."
    if unseen:
        answer += (" No signpost can observe " + ", ".join(humanise(f) for f in unseen)
                   + " in the news: they stay assumptions to revisit, not things to watch.")
    rows = []
    for name, sp in sps.items():
        st = status.get(name)
        narrows = "; ".join(str(c) for c in st.constraints) if st is not None and st.fired else \
            "; ".join(n.describe() for n in sp.narrows)
        rows.append([humanise(name), _trigger(sp), "FIRED" if st is not None and st.fired else "not yet",
                     (st.first_seen or "") if st is not None and st.fired else "", narrows])
    if ctx.set_aside:
        fig["set_aside"] = ctx.set_aside
        answer += (f" {ctx.set_aside} evidence item(s) set aside by a reviewer (`forewarn evidence reject`) fire no "
                   "signpost and narrow nothing.")
    details = ["When a signpost fires, this brief keeps only the futures consistent with it and ranks the strategies "
               "again (see “What changed”)."]
    plan, plan_details, plan_tables = _plan_q5(ctx, fig)
    if plan:
        details = [answer, *plan_details, *details]
        answer = plan
    return Section(id="watch", number=5, question="What should be watched, and when should the plan change?",
                   answer=answer, details=details, figures=fig, stances=_stances(ctx, "q5"),
                   tables=[*plan_tables,
                           Table(caption="Signposts: what the news must report to fire each one, and what it then narrows.",
                                 columns=["signpost", "trigger", "status", "first seen", "narrows"], rows=rows)])


# ---------------------------------------------------------------------------------------------
# Running, and putting the brief together
# ---------------------------------------------------------------------------------------------


def _run_safely(case: Any, folder: Path, **options: Any) -> Any:
    """Run (or resume) the case into ``folder`` without ever deleting a run on a model error.

    A folder holding a run made with other options is replaced only once the new run has
    finished: the new run goes to ``folder.next`` first. A model error stops everything (it is not
    bad input, so nothing is retried) and leaves the folder as it was.
    """
    import shutil

    from ..engine.results import open_results
    from ..engine.runner import run

    if not folder.joinpath("manifest.json").exists():
        return run(case, out=folder, **options)
    try:
        return run(case, out=folder, resume=True, **options)
    except ModelOutputError:
        raise
    except InputError:
        pass  # the folder holds another brief's run (other options): replace it once the new one is done
    nxt, old = folder.with_name(folder.name + ".next"), folder.with_name(folder.name + ".old")
    run(case, out=nxt, overwrite=True, **options)
    shutil.rmtree(old, ignore_errors=True)
    os.replace(folder, old)
    os.replace(nxt, folder)
    shutil.rmtree(old, ignore_errors=True)
    return open_results(folder)


def _narrowed(run: BriefRun, statuses: list[Any], case: Any) -> tuple[BriefRun, Any]:
    from ..signposts import narrow, narrowing_summary

    summary = narrowing_summary(run.frame, statuses, case)
    if not any(s.fired for s in statuses) or summary.empty:
        return run, summary
    return run.keep(narrow(run.frame, statuses, case, on_empty="return")), summary


def _ingested_quotes(store: Any, framing: dict[str, Any]) -> pd.DataFrame:
    """Quotes of the documents a user ingested (never of the shipped framing article)."""
    q = store.quotes()
    if q.empty:
        return q
    url = str(framing.get("url", ""))
    shipped = q["path"].fillna("").astype(str).str.startswith("forewarn:") | (q["url"].fillna("") == url)
    return q[~shipped.to_numpy()].reset_index(drop=True)


def _set_aside(store: Any) -> int | None:
    """How many evidence items a reviewer set aside (rejected), when the store records reviews."""
    count = getattr(store, "set_aside", None)
    return int(count()["total"]) if callable(count) else None


def _fail_rank(ctx: Context) -> pd.DataFrame:
    base = ctx.run.of(BASELINE)
    d = _drivers(ctx, base, (~base["holds"]).to_numpy(), top=len(ctx.run.uncertainties))
    return d.assign(rank=np.arange(1, len(d) + 1))


def _record(ctx: Context, n: int) -> dict[str, Any]:
    """The run's figures as data: futures, per-strategy scores, signposts."""
    sc = ctx.scores
    strategies = []
    for s in sc.index:
        row = {"name": s, "label": ctx.name(s), **{k: (bool(v) if k == "front" else float(v)) for k, v in sc.loc[s].items()}}
        row["robustness_stress"] = _holds_on_stress(ctx, s)
        strategies.append(row)
    return {
        "seed": ctx.seed, "n": n, "threshold": THRESHOLD,
        "futures": {"run": ctx.before.total, "dropped_for_present": ctx.before.dropped,
                    "consistent_with_present": ctx.before.futures, "remaining": ctx.run.futures},
        "strategies": strategies,
        "signposts": [{"name": st.name, "fired": st.fired, "first_seen": st.first_seen,
                       "constraints": [str(c) for c in st.constraints],
                       "evidence": [{k: e.get(k) for k in ("title", "outlet", "date", "url")} for e in st.evidence]}
                      for st in ctx.statuses],
        "set_aside": ctx.set_aside,
        "plans": _plans_record(ctx),
    }


def _plans_record(ctx: Context) -> dict[str, Any]:
    """Pathways and searched strategies as data: scores, scenario table, the plan, the search."""
    if ctx.plans is None or ctx.plan_scores is None:
        return {}
    sc = ctx.plan_scores
    plans = [{"name": s, "label": ctx.name(s), "kind": _kind(ctx, s),
              **{k: float(sc.loc[s, k]) for k in ("robustness", "cost", "own_end", "own_reach")},
              "levers": ctx.plans.figures.get(s, {})} for s in sc.index]
    st = ctx.plans.scenarios
    a = ctx.plans.analysis or {}
    return {"plans": plans, "search": ctx.plans.search,
            "scenarios": {c: {s: float(v) for s, v in st[c].items()} for c in st.columns} if not st.empty else {},
            "scorecard": a["scorecard"].to_dict("records") if a else [],
            "triggers": a["triggers"].astype(object).where(a["triggers"].notna(), None).to_dict("records") if a else [],
            "voi": a.get("voi", [])}


def _check_options(case: Any, n: int, strategies: Sequence[str] | None) -> list[str]:
    if n < 100:
        raise InputError("the brief needs at least 100 futures to say anything robust", field="-n")
    known = [s.name for s in case.strategies]
    chosen = list(strategies) if strategies else known
    for s in chosen:
        if s not in known:
            raise InputError(f"unknown strategy {s!r}; the case has: {', '.join(known)}", field="--strategy")
    if len(set(chosen) | {BASELINE}) < 2:
        raise InputError(f"name at least one strategy besides {BASELINE} (the yardstick, always run) to compare",
                         field="--strategy")
    return [s for s in known if s in chosen or s == BASELINE]


def build_kosovo_brief(
    *,
    n: int = 10_000,
    seed: int = 2025,
    strategies: Sequence[str] | None = None,
    out: str | os.PathLike[str] = "runs/brief",
    db: str | None = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    html: bool = True,
    case: Any = None,
    stress: bool = True,
    search_evaluations: int = 1000,
) -> Brief:
    """Run the built-in case on sourced ranges and on the stress set, and write the brief.

    Parameters
    ----------
    n : int
        Futures (Latin hypercube over the uncertainties); each runs under every strategy.
    seed : int
        The run's seed: the same seed gives the same brief, bit for bit.
    strategies : sequence of str, optional
        Strategies to compare (default: all of the case's; today's plan is always kept).
    out : path
        Folder for the runs (``out/run``, ``out/run-stress``), ``brief.html`` and ``brief.json``.
    db : str, optional
        Evidence store URL or SQLite path (default: ``FOREWARN_DB`` or the user data folder).
    workers : int
        Worker processes for the run.
    progress : callable, optional
        ``progress(done, total)`` during the runs.
    html : bool
        Write ``out/brief.html`` and ``out/brief.json``.
    case : Case, optional
        Another version of the Kosovo case (same outcomes); default the built-in one.
    stress : bool
        Also run the stress set (``case.with_ranges("stress")``) when the case declares one.
    search_evaluations : int
        Strategies a lever search (``forewarn search``, 200 futures, into ``out/search``) evaluates
        for Q4; 0: no search.
    """
    from ..evidence import open_store
    from ..report.svg import colour_map
    from ..signposts import evaluate
    from . import load_kosovo_case

    case = case if case is not None else load_kosovo_case()
    chosen = _check_options(case, n, strategies)
    store = open_store(db)
    out = Path(out)
    opts = dict(n=n, method="lhs", seed=seed, strategies=chosen, workers=workers, progress=progress)
    if search_evaluations < 0:
        raise InputError("must be 0 (no search) or more", field="--search-evaluations")
    before = apply_pathway_strategies(load_run(case, _run_safely(case, out / "run", **opts)), THRESHOLD)
    statuses = evaluate(case, store)
    run, summary = _narrowed(before, statuses, case)
    stress_run = None
    if stress and hasattr(case, "with_ranges"):
        stress_case = case.with_ranges("stress")
        stress_run, _ = _narrowed(apply_pathway_strategies(
            load_run(stress_case, _run_safely(stress_case, out / "run-stress", **opts), "stress set"), THRESHOLD),
            statuses, stress_case)
    framing = load_framing()
    ctx = Context(case=case, run=run, before=before, stress=stress_run, strategies=chosen,
                  scores=score_strategies(run, chosen), scores_before=score_strategies(before, chosen),
                  scores_stress=score_strategies(stress_run, chosen) if stress_run is not None else None,
                  labels={s.name: s.label or humanise(s.name).capitalize() for s in case.strategies},
                  colours=colour_map([s.name for s in case.strategies]), statuses=statuses, summary=summary,
                  framing=framing, quotes=_ingested_quotes(store, framing), seed=seed, set_aside=_set_aside(store),
                  store=store)
    ctx.fail_rank = _fail_rank(ctx)
    _add_plans(ctx, out, search_evaluations)
    brief = _assemble(ctx, n, out)
    if html:
        _write(out, brief)
    return brief


def _add_plans(ctx: Context, out: Path, search_evaluations: int) -> None:
    """Pathways and searched strategies beside the case's, the scenario table and the plan analysis."""
    from .plans import add_plans, plan_analysis, scenario_table

    case = ctx.case
    if not getattr(case, "pathways", ()) and not getattr(case, "objectives", ()):
        return
    ctx.plan_run, ctx.plans = add_plans(ctx.run, threshold=THRESHOLD, baseline=BASELINE, declared=ctx.strategies,
                                        score=score_strategies, search_evaluations=search_evaluations,
                                        search_out=out / "search", seed=ctx.seed,
                                        labels=ctx.framing.get("pathway_labels", {}))
    shown = [*ctx.strategies, *ctx.plans.labels]
    ctx.plan_scores = score_strategies(ctx.plan_run, shown)
    if getattr(case, "scenarios", ()):
        ctx.plans.scenarios = scenario_table(ctx.plan_run, shown, THRESHOLD)
    if getattr(case, "adaptation", None) is not None and case.actions:
        ctx.plans.analysis = plan_analysis(ctx.run, BASELINE)


def _assemble(ctx: Context, n: int, out: Path) -> Brief:
    sections = [build_q1(ctx), build_q2(ctx), build_q3(ctx), build_q4(ctx), build_q5(ctx)]
    _apply_evidence(ctx, sections)
    run = ctx.run
    parts = [f"{ctx.before.total:,} run"]
    if ctx.before.dropped:
        parts.append(f"{ctx.before.dropped:,} set aside because their {run.years[0]} state contradicts the observed present")
    if ctx.before.futures > run.futures:
        parts.append(f"{ctx.before.futures - run.futures:,} excluded by the evidence")
    dropped = " (" + "; ".join(parts) + ")"
    return Brief(
        title="Kosovo's security under every future: a forewarn brief",
        subtitle=(f"{run.futures:,} futures{dropped} × {len(ctx.strategies)} strategies, {run.years[0]}–{run.years[-1]}; "
                  f"generated {_dt.date.today().isoformat()}"),
        caveat=_CAVEAT, sections=sections, facts=_facts_table(ctx, sections),
        run_info=(f"case {ctx.case.name} (hash {ctx.case.hash()[:12]}), Latin hypercube, seed {ctx.seed}, "
                  f"run folder {out / 'run'}" + (f" and {out / 'run-stress'} (stress set)" if ctx.stress else "")),
        run_path=str(out / "run"),
        data={"ranking": ctx.scores, "ranking_before_evidence": ctx.scores_before, "ranking_stress": ctx.scores_stress,
              "signposts": ctx.statuses, "narrowing": ctx.summary, "run": ctx.run, "context": ctx},
        bottom_line=build_bottom_line(ctx), changes=build_what_changed(ctx), record=_record(ctx, n))


def _write(out: Path, brief: Brief) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in (("brief.html", render_html(brief)),
                       ("brief.json", json.dumps(brief.to_dict(), indent=1, ensure_ascii=False))):
        path = out / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    brief.html_path = str(out / "brief.html")


def _quantity_and_notes(text: str) -> tuple[str, str]:
    """``"total_strength [note: sic; RFE/RL]"`` -> ``("total strength", "sic; RFE/RL")``: notes as qualifiers."""
    import re

    notes = [re.sub(r"^quote in ", "source in ", re.sub(r"^note:\s*", "", n.strip()))
             for n in re.findall(r"\[([^\]]*)\]", text)]
    return humanise(re.sub(r"\s*\[[^\]]*\]", "", text)).strip(), "; ".join(n for n in notes if n)


def _facts_table(ctx: Context, sections: Sequence[Section]) -> list[dict[str, Any]]:
    """Every fact the case cites, with the statement (our words) and the link."""
    used: list[str] = []
    for p in [*ctx.case.uncertainties, *ctx.case.levers, *ctx.case.constants.values()]:
        for f in getattr(p, "sources", None) or []:
            if f not in used:
                used.append(f)
    for s in sections:
        used += [f for f in s.fact_ids if f not in used]
    df = ctx.store.facts(ids=used)
    if df.empty:
        return []
    order = {f: i for i, f in enumerate(sorted(used))}
    rows = []
    for _, r in df.iterrows():
        quantity, notes = _quantity_and_notes(_clean(r.get("quantity")))
        value = r.get("value")
        rows.append({
            "id": r["id"], "entity": _clean(r.get("entity")), "quantity": quantity, "notes": notes,
            "value": (f"{value:,.6g}" if isinstance(value, (int, float)) and value == value else _clean(value)),
            "unit": _clean(r.get("unit")), "as_of": _clean(r.get("as_of")), "statement": _clean(r.get("statement")),
            "source_url": _clean(r.get("source_url")) or _clean(r.get("url")),
        })
    rows.sort(key=lambda x: order.get(x["id"], len(order)))
    return rows


# ---------------------------------------------------------------------------------------------
# Q4 and Q5 beyond the article's six: pathways, searched strategies, scenarios, the plan
# ---------------------------------------------------------------------------------------------


def _kind(ctx: Context, s: str) -> str:
    if ctx.plans is not None and s in ctx.plans.kinds:
        return ctx.plans.kinds[s]
    pws = {pw.name for pw in getattr(ctx.case, "pathways", ()) if pw.rules}
    return "article, with its rule" if s in pws else "article"


def _ksf_reached(ctx: Context, strategy: str, at: Sequence[int]) -> dict[str, dict[str, float]]:
    """Median active and reserve KSF strength of ``strategy`` over its futures in the years ``at``."""
    run = ctx.plan_run if ctx.plan_run is not None else ctx.run
    years = [int(y) for y in run.years]
    rows = run.rows(strategy)
    return {name: {str(y): float(np.median(run.series[name][rows][:, years.index(y)])) for y in at}
            for name in ("ksf_active", "ksf_reserve")}


def _reached(ctx: Context, strategy: str, lv: Mapping[str, Any], fig: dict[str, Any]) -> str:
    """What a searched strategy's KSF targets come to: the median active and reserve strength it
    reaches in its target year and at the horizon (targets are aims; recruitment, the reserve
    intake and the budget limit what is reached)."""
    years = [int(y) for y in ctx.run.years]
    year = min(max(int(lv["year"]), years[0]), years[-1])
    reached = _ksf_reached(ctx, strategy, (year, years[-1]))
    fig["search"]["reached"] = {"strategy": strategy, **reached}
    a, r = reached["ksf_active"], reached["ksf_reserve"]
    return (f"Its KSF targets are aims: recruitment, the reserve intake and the budget limit what is reached "
            f"(docs/methods.md). Aiming at {lv['active']:,.0f} active and {lv['reserve']:,.0f} reservists by "
            f"{lv['year']}, it reaches a median of {num(a[str(year)])} active and {num(r[str(year)])} reservists "
            f"in {year} and {num(a[str(years[-1])])} and {num(r[str(years[-1])])} in {years[-1]}.")


def _plans_q4(ctx: Context, fig: dict[str, Any]) -> tuple[list[str], list[Table]]:
    """Sentences and tables of Q4 on the trade-off of every plan, and the stress scenarios."""
    from ..analysis.tradeoff import non_dominated

    if ctx.plan_scores is None:
        return [], []
    sc = ctx.plan_scores.copy()
    sc["front3"] = non_dominated(sc, {"robustness": "max", "cost": "min", "own_end": "max"}, tol=1e-9)
    horizon = int(ctx.run.years[-1])
    fig["tradeoff"] = {s: {"kind": _kind(ctx, s), "robustness": float(sc.loc[s, "robustness"]),
                           "cost": float(sc.loc[s, "cost"]), "own_end": float(sc.loc[s, "own_end"]),
                           "own_reach": float(sc.loc[s, "own_reach"]), "front": bool(sc.loc[s, "front3"])}
                       for s in sc.index}
    lines = []
    searched = [s for s in sc.index if _kind(ctx, s) == "searched"]
    if searched:
        info = ctx.plans.search
        fig["search"] = {**info, "shown": searched, "shown_count": len(searched),
                         "levers": {s: ctx.plans.figures.get(s, {}) for s in searched}}
        top = max(searched, key=lambda s: (sc.loc[s, "robustness"], -sc.loc[s, "cost"]))
        best_declared = max(ctx.strategies, key=lambda s: (sc.loc[s, "robustness"], -sc.loc[s, "cost"]))
        lines.append(
            f"A search of the levers ({info['evaluations']:,} strategies tried on {info['futures']} futures, "
            f"{info['pareto']} on its Pareto front) adds {len(searched)} of them here. The most robust, "
            f"{ctx.name(top)}, holds in {pct(sc.loc[top, 'robustness'])} of futures at a median cost of "
            f"{num(sc.loc[top, 'cost'])} million EUR, against {pct(sc.loc[best_declared, 'robustness'])} and "
            f"{num(sc.loc[best_declared, 'cost'])} for the most robust of the article's strategies, "
            f"{ctx.name(best_declared)}.")
        lv = ctx.plans.figures.get(top, {})
        if lv:
            lines.append(_reached(ctx, top, lv, fig))
    pathways = [s for s in sc.index if _kind(ctx, s) != "article"]
    pathways = [s for s in pathways if _kind(ctx, s) != "searched"]
    if pathways:
        bp = max(pathways, key=lambda s: (sc.loc[s, "robustness"], -sc.loc[s, "cost"]))
        lines.append(f"Of the adaptive pathways, {ctx.name(bp)} holds most often ({pct(sc.loc[bp, 'robustness'])}, "
                     f"median cost {num(sc.loc[bp, 'cost'])} million EUR).")
    front = [s for s in sc.index if sc.loc[s, "front3"]]
    lines.append("No plan beats these on robustness, cost and what Kosovo can do alone together: "
                 + "; ".join(ctx.name(s) for s in front) + ".")
    table = Table(
        caption=(f"Trade-off of every plan: the article's strategies, the adaptive pathways and the searched "
                 f"strategies. Holds: share of futures in which the yardstick holds every lever year. Cost: median, "
                 f"million EUR. Alone {horizon}: median margin of Kosovo's own forces against the threat in {horizon} "
                 f"(1 = enough on its own). Front: no other plan is better on all three."),
        columns=["plan", "kind", "holds", "cost €m", f"alone {horizon}", "front"],
        rows=[[ctx.name(s), _kind(ctx, s), pct(sc.loc[s, "robustness"]), num(sc.loc[s, "cost"]),
               _ratio(sc.loc[s, "own_end"]), "yes" if sc.loc[s, "front3"] else ""] for s in sc.index])
    tables = [table]
    st = ctx.plans.scenarios
    if st is not None and not st.empty:
        scen = {s.name: s for s in ctx.case.scenarios}
        fig["scenarios"] = {c: {s: float(v) for s, v in st[c].items()} for c in st.columns}
        worst = min((c for c in st.columns if c != "as run"), key=lambda c: st[c].loc[BASELINE])
        lines.append(f"Under stress, {ctx.name(BASELINE)} holds least often in the scenario “{humanise(worst)}” "
                     f"({pct(st.loc[BASELINE, worst])} against {pct(st.loc[BASELINE, 'as run'])} as run); there "
                     f"{ctx.name(st[worst].idxmax())} holds most often ({pct(st[worst].max())}).")
        tables.append(Table(
            caption=("Stress scenarios: share of futures in which each plan holds every lever year, with some "
                     "uncertainties fixed as the fact base reports them. "
                     + " ".join(f"{humanise(c)}: {scen[c].description}" for c in st.columns if c in scen)),
            columns=["plan", *[humanise(c) for c in st.columns]],
            rows=[[ctx.name(s), *[pct(st.loc[s, c]) for c in st.columns]] for s in st.index]))
    return lines, tables


def _signal_text(rule: Any) -> str:
    from .plans import SIGNAL_WORDS, op_words  # noqa: F401

    what = SIGNAL_WORDS.get(rule.when, humanise(rule.when))
    return f"the news puts {what} {op_words(rule.op)} {num(rule.threshold)}"


def _watch_text(ctx: Context, rule: Any) -> str:
    from .plans import SIGNAL_SIGNPOST

    sp = SIGNAL_SIGNPOST.get(rule.when)
    names = {s["name"] for s in ctx.case.signposts}
    if sp in names:
        return f"the signpost “{humanise(sp)}” watches it in the news"
    return "no signpost of the news monitor can observe it"


def _plan_q5(ctx: Context, fig: dict[str, Any]) -> tuple[str, list[str], list[Table]]:
    """The plan in plain words from the pathways analysis, and the signposts ranked by value of information."""
    from .plans import action_figures, describe_action

    a = ctx.plans.analysis if ctx.plans is not None else {}
    if not a:
        return "", [], []
    case = ctx.case
    card = a["scorecard"].set_index("pathway")
    best = card.sort_values(["robustness", "mean_regret"], ascending=[False, True]).index[0]
    pw = {p.name: p for p in case.pathways}[best]
    rules = {r.name: r for r in case.rules}
    actions = {x.name: x for x in case.actions}
    trig = a["triggers"]
    trig = trig[trig["pathway"] == best]
    start = ctx.labels.get(pw.strategy or "", humanise(pw.strategy or "every lever at its default"))
    steps, plan_fig = [], {"pathway": best, "robustness": float(card.loc[best, "robustness"]),
                           "futures": int(a["futures"]), "start": pw.strategy, "share": case.adaptation.share,
                           "steps": []}
    for row in trig.itertuples():
        rule = rules[row.rule]
        action = actions[rule.action]
        delay = f" {rule.delay} year{'s' if rule.delay != 1 else ''} after it is reported," if rule.delay else ","
        text = (f"when {_signal_text(rule)}{delay} begin to {describe_action(case, action.levers)}, "
                f"which takes {action.lead_time} year{'s' if action.lead_time != 1 else ''} ({_watch_text(ctx, rule)})")
        if row.futures_tipping and row.declared_in_time is not None:
            text += (f"; set at {num(rule.threshold)}, it is in time in {pct(row.declared_in_time)} of the "
                     f"{row.futures_tipping:,} futures in which the plan before it fails")
            early = row.trigger is not None and row.trigger != rule.threshold
            if early:
                text += f", and acting at {num(row.trigger)} would be in time in {pct(case.adaptation.share)}"
            elif row.declared_in_time < case.adaptation.share:
                text += (f"; no value of this signal comes early enough for {pct(case.adaptation.share)} of them: "
                         "the action has to start before the signal moves")
        steps.append(text)
        plan_fig["steps"].append({"rule": row.rule, "signal": rule.when, "op": rule.op, "threshold": rule.threshold,
                                  "action": rule.action, "levers": action_figures(action.levers),
                                  "delay": rule.delay, "lead_time": action.lead_time, "trigger": row.trigger,
                                  "declared_in_time": row.declared_in_time, "futures_tipping": int(row.futures_tipping)})
    fig["plan"] = plan_fig
    answer = (f"The plan that holds most often over {a['futures']:,} futures is {ctx.name(best)} "
              f"({pct(card.loc[best, 'robustness'])}): "
              f"start with {start}; " + "; then ".join(steps) + ".")
    tips = a["tipping_points"]
    fig["tipping_points"] = tips.drop(columns=["conditions"]).to_dict("records")
    details = []
    acts = tips[tips["action"]]
    if not acts.empty:
        best_act = acts.sort_values("share_tipping").iloc[0]
        details.append(f"Alone and from the start, each action still fails in some futures: "
                       + "; ".join(f"{humanise(r.plan)} {pct(r.share_tipping)}" for r in acts.itertuples())
                       + f" (today's levers: {pct(tips.iloc[0]['share_tipping'])}). The least failing is "
                       f"{humanise(best_act['plan'])}.")
    voi = sorted(a["voi"], key=lambda r: -r["voi"])
    fig["voi"], fig["voi_count"] = voi, len(voi)
    details += _voi_sentences(ctx, card, best, voi, fig)
    table = Table(caption=("Signposts ranked by value of information for the choice among the pathways (how much "
                           "knowing it lowers the expected regret, in share of years met); watched: a signpost of the "
                           "news monitor, otherwise an uncertainty the news cannot show."),
                  columns=["signpost", "value", "share of perfect information", "watched"],
                  rows=[[humanise(r["signpost"]), f"{r['voi']:.2g}", pct(r["share_of_perfect_information"]),
                         "yes" if r["watched"] else "no (not observable)"] for r in voi[:8]])
    return answer, details, [table]


def _voi_sentences(ctx: Context, card: pd.DataFrame, best: str, voi: list[dict], fig: dict[str, Any]) -> list[str]:
    """Q5's sentences on the value of information: the signpost worth knowing most, the best one
    the news monitor watches, or that no signpost changes the choice."""
    details: list[str] = []
    top = voi[0] if voi else None
    if top is not None and top["voi"] > 0:
        evpi = float(card["mean_regret"].min())
        # In percentage points of the share of years met, as the sentences state them.
        fig["perfect_information_points"] = 100 * evpi
        fig["top_voi_points"] = 100 * top["voi"]
        name = f"the signpost “{humanise(top['signpost'])}”" if top["watched"] else humanise(top["signpost"])
        details.append(f"Worth knowing most: {name}: choosing the pathway with it in hand "
                       f"raises the expected share of years met by {100 * top['voi']:.2g} points, "
                       f"{pct(top['share_of_perfect_information'])} of what perfect information would add "
                       f"({100 * evpi:.2g} points)"
                       + ("" if top["watched"] else "; the news monitor cannot observe it") + ".")
        seen = next((r for r in voi if r["watched"]), None)
        if seen is not None and seen is not top:
            fig["watched_voi_points"] = 100 * seen["voi"]
            details.append(f"Of the signposts the news monitor watches, “{humanise(seen['signpost'])}” is worth "
                           f"most ({100 * seen['voi']:.2g} points).")
    elif voi:
        fig["best_mean_regret"] = float(card.loc[best, "mean_regret"])
        details.append(f"No signpost changes the choice among the pathways in these futures (value of information 0 "
                       f"for all {len(voi)}): {ctx.name(best)} is the choice whatever is learned "
                       f"(mean regret {card.loc[best, 'mean_regret']:.2g} share of years met).")
    return details
