"""The built-in brief: the five questions of the framing article, answered from many futures.

:func:`build_kosovo_brief` loads the fact base and the evidence (the framing article is ingested by
default), runs the Kosovo case over futures × strategies, ranks the strategies by robustness, finds
where each one fails (PRIM), checks the signposts against the evidence, narrows the futures to those
the evidence allows and ranks again. Every number in the text comes from the run or cites fact ids.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..report.brief import Brief, Section, Table, render_html

__all__ = ["build_kosovo_brief", "FAILURE", "SATISFICE"]

#: A future in which a strategy "fails": the deterrence ratio falls below 1 in some year, i.e. an
#: aggressor could gather the 3:1 local superiority it needs (the 3:1 rule, facts F0732, F0733).
FAILURE = "min_margin < 1"
#: Satisficing thresholds of the ranking: deterrence holds every year.
SATISFICE = {"min_margin": (">=", 1.0)}

_CAVEAT = (
    "These are explorations of a transparent model under stated assumptions, not predictions: each "
    "figure says how often something happens across the futures explored, not how likely it is. "
    "Every input is either sourced (fact ids, listed at the end) or marked as an assumption."
)


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _num(x: float) -> str:
    return f"{x:,.0f}"


def _first_sentence(text: str | None, limit: int = 220) -> str:
    if not text:
        return ""
    m = re.match(r"(.+?[.!?])(\s|$)", text.strip())
    s = m.group(1) if m else text.strip()
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def _sources(case: Any, *names: str) -> list[str]:
    ids: list[str] = []
    for n in names:
        p = _param(case, n)
        for f in getattr(p, "sources", None) or []:
            if f not in ids:
                ids.append(f)
    return ids


def _param(case: Any, name: str) -> Any:
    for p in [*case.uncertainties, *case.levers]:
        if p.name == name:
            return p
    return case.constants.get(name)


def _assumption(case: Any, name: str) -> str | None:
    p = _param(case, name)
    a = getattr(p, "assumption", None)
    if not a:
        return None
    label = name.replace("_", " ")
    rng = ""
    if getattr(p, "low", None) is not None and getattr(p, "high", None) is not None:
        rng = f" ({p.low:g} to {p.high:g}{' ' + p.unit if getattr(p, 'unit', None) else ''})"
    return f"{label}{rng}: {_first_sentence(a)}"


def _quotes_about(store: Any, pattern: str, limit: int = 2) -> list[dict[str, str]]:
    """Quotes from the evidence store whose words match ``pattern`` (a regex), oldest first."""
    q = store.quotes()
    if q.empty:
        return []
    rx = re.compile(pattern, re.I)
    hits = q[q["text"].astype(str).map(lambda t: bool(rx.search(t)))]
    out = []
    for _, r in hits.head(limit).iterrows():
        who = _clean(r.get("speaker")) or "unnamed"
        if _clean(r.get("role")):
            who += f", {_clean(r.get('role'))}"
        where = _clean(r.get("outlet")) or _clean(r.get("title")) or _clean(r.get("url"))
        date = _clean(r.get("pub_date"))
        out.append({"text": str(r["text"]), "who": who, "where": ", ".join(x for x in (where, date) if x)})
    return out


def _clean(value: Any) -> str:
    """Text of a table cell, empty for missing values (None, NaN)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _bands(results: Any, name: str, strategies: Sequence[str], frame: pd.DataFrame, keep: np.ndarray) -> dict:
    series = results.outcomes([name])[name]
    exp_strategy = frame["strategy"].to_numpy()
    bands = {}
    for s in strategies:
        rows = series[(exp_strategy == s) & keep]
        if len(rows) == 0:
            continue
        lo, med, hi = np.percentile(rows, [10, 50, 90], axis=0)
        bands[s] = (lo, med, hi)
    return bands


def _fail_boxes(frame: pd.DataFrame, case: Any, strategies: Sequence[str]) -> dict[str, dict[str, Any]]:
    """PRIM on each strategy's failures, over the uncertainties."""
    from ..analysis.prim import Prim
    from ..report.describe import describe_box

    labels = {p.name: p.name.replace("_", " ") for p in case.uncertainties}
    units = {p.name: p.unit for p in case.uncertainties if getattr(p, "unit", None)}
    cols = [p.name for p in case.uncertainties]
    out: dict[str, dict[str, Any]] = {}
    for s in strategies:
        sub = frame[frame["strategy"] == s]
        fail = (sub["min_margin"] < 1.0).to_numpy()
        k = int(fail.sum())
        entry: dict[str, Any] = {"failures": k, "futures": len(sub), "share": k / max(len(sub), 1)}
        if 0 < k < len(sub) and k >= 20:
            # A brief wants the few conditions that matter: restrictions adding under three points of
            # density are dropped (the library's default keeps those above one point).
            prim = Prim(mass_min=0.05, peel_alpha=0.05, density_tol=0.05, drop_tol=0.03).fit(
                sub[cols].reset_index(drop=True), fail)
            box = prim.box_
            entry["box"] = box
            entry["dims"] = list(box.dims)
            entry["text"] = describe_box(box, labels=labels, units=units, cases="failures", members="futures",
                                         verb="fail")
        out[s] = entry
    return out


def _ranking(frame: pd.DataFrame, directions: dict[str, str]) -> pd.DataFrame:
    from ..analysis.robustness import ranking

    return ranking(frame, directions, thresholds=SATISFICE, outcome="min_margin")


def _ranking_table(rank: pd.DataFrame, frame: pd.DataFrame, caption: str) -> Table:
    med = frame.groupby("strategy").agg(
        cost=("total_cost", "median"),
        esc=("expected_crises", "median"),
        dens=("min_force_density", "median"),
    )
    rows = []
    for _, r in rank.iterrows():
        s = r["strategy"]
        rows.append([
            f"{int(r['rank'])}. {s}",
            _pct(float(r["satisficing"])),
            f"{float(r.get('max_regret:min_margin', np.nan)):.2f}",
            f"{med.loc[s, 'esc']:.2f}",
            f"{med.loc[s, 'dens']:.1f}",
            _num(med.loc[s, "cost"]),
        ])
    return Table(
        caption=caption,
        columns=["strategy", "holds", "max regret", "crises", "density", "cost €m"],
        rows=rows,
    )


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
) -> Brief:
    """Run the built-in case and write the brief.

    Parameters
    ----------
    n : int
        Futures (Latin hypercube over the uncertainties); each runs under every strategy.
    seed : int
        The run's seed: the same seed gives the same brief, bit for bit.
    strategies : sequence of str, optional
        Strategies to compare (default: all of the case's).
    out : path
        Folder for the run (``out/run``) and the HTML brief (``out/brief.html``).
    db : str, optional
        Evidence store URL or SQLite path (default: ``FOREWARN_DB`` or the user data folder).
    workers : int
        Worker processes for the run.
    progress : callable, optional
        ``progress(done, total)`` during the run.
    html : bool
        Write ``out/brief.html``.

    Returns
    -------
    Brief
    """
    from ..evidence import open_store
    from . import load_kosovo_case
    from ..signposts import evaluate, narrow, narrowing_summary
    from ..engine.runner import run

    if n < 100:
        raise InputError("the brief needs at least 100 futures to say anything robust", field="-n")
    case = load_kosovo_case()
    known = [s.name for s in case.strategies]
    chosen = list(strategies) if strategies else known
    for s in chosen:
        if s not in known:
            raise InputError(f"unknown strategy {s!r}; the case has: {', '.join(known)}", field="--strategy")
    if "current_plan" not in chosen:
        chosen.insert(0, "current_plan")  # the yardstick every other strategy is read against

    store = open_store(db)  # loads the fact base and the framing article on first use
    out = Path(out)
    run_dir = out / "run"
    common = dict(n=n, method="lhs", seed=seed, strategies=chosen, out=run_dir, workers=workers,
                  progress=progress)
    try:
        results = run(case, resume=run_dir.joinpath("manifest.json").exists(), **common)
    except InputError:
        if not run_dir.joinpath("manifest.json").exists():
            raise
        # An earlier brief with other options: its folder is ours to replace.
        results = run(case, overwrite=True, **common)

    frame = results.to_dataframe()
    directions = {o.name: o.direction for o in case.outcomes if o.kind == "scalar"}
    years = np.asarray(results.years)
    n_fut = int(frame["future"].nunique())

    # ---- evidence and signposts: narrow the futures to those the evidence allows
    statuses = evaluate(case, store)
    summary = narrowing_summary(frame, statuses, case)
    keep = narrow(frame, statuses, case, on_empty="return") if not summary.empty else np.ones(len(frame), bool)
    fired = [s for s in statuses if s.fired]

    rank_all = _ranking(frame, directions)
    narrowed = frame[keep]
    rank_now = _ranking(narrowed, directions) if fired and not summary.empty else rank_all
    boxes = _fail_boxes(narrowed, case, chosen)

    def by_strategy(df: pd.DataFrame, s: str) -> pd.DataFrame:
        return df[df["strategy"] == s]

    base = by_strategy(narrowed, "current_plan")
    # Shade the spread of today's plan and of the most robust strategy; every median is drawn.
    shaded = list(dict.fromkeys(["current_plan", str(rank_now.iloc[0]["strategy"])]))
    spread = "lines: medians; shaded: 10–90% of futures, today's plan and the most robust strategy"
    sections: list[Section] = []

    # ---- 1. Would US soldiers stay?
    us_base = float(case.constants["us_troops_base"].value)
    # "Stays" = at least half of today's contingent at the horizon; "gone" = under a tenth of it.
    stay_share = {s: float((by_strategy(narrowed, s)["us_troops_end"] >= 0.5 * us_base).mean()) for s in chosen}
    full_stay = {s: float((by_strategy(narrowed, s)["us_troops_end"] >= us_base - 0.5).mean()) for s in chosen}
    s1 = Section(
        id="us-presence", number=1, question="Would American soldiers remain in KFOR, and on what terms?",
        answer=(
            f"Nobody knows, and forewarn does not pretend to: the US decision is a deep uncertainty, explored "
            f"from a withdrawal as early as {case.parameter('us_withdrawal_year').low:.0f} to none within the horizon. "
            f"Under today's plan, at least half of today's contingent of about {_num(us_base)} is still there in "
            f"{years[-1]} in {_pct(stay_share['current_plan'])} of the futures, the whole of it in "
            f"{_pct(full_stay['current_plan'])}."
        ),
        details=[],
        assumptions=[a for a in (_assumption(case, "us_withdrawal_year"), _assumption(case, "us_share_withdrawn"),
                                 _assumption(case, "us_deal_effect")) if a],
        fact_ids=_sources(case, "us_withdrawal_year", "us_share_withdrawn", "us_troops_base"),
    )
    if "transatlantic_anchor" in chosen:
        s1.details.append(
            f"On the terms: offering Washington deals and aligning with NATO (the transatlantic anchor) keeps at least "
            f"half of the contingent in {_pct(stay_share['transatlantic_anchor'])} of the futures, against "
            f"{_pct(stay_share['current_plan'])} without; how much a deal weighs is itself uncertain "
            f"(us_deal_effect)."
        )
    s1.evidence = _quotes_about(store, r"\b(American|U\.?S\.?|United States|Washington)\b", limit=2)
    sections.append(s1)

    # ---- 2. Could KFOR survive without them?
    gone = base[base["us_troops_end"] < 0.1 * us_base]
    kfor_base = float(case.constants["kfor_total_base"].value)
    if len(gone):
        k10, k50, k90 = np.percentile(gone["kfor_troops_end"], [10, 50, 90])
        hold = float((gone["min_margin"] >= 1).mean())
        answer2 = (
            f"In the {_pct(len(gone) / max(len(base), 1))} of futures where the US keeps under a tenth of its "
            f"contingent by {years[-1]}, "
            f"KFOR ends with a median of {_num(k50)} troops (10–90%: {_num(k10)}–{_num(k90)}), against about "
            f"{_num(kfor_base)} today; with the KSF, deterrence still holds every year in {_pct(hold)} of them."
        )
    else:
        answer2 = "No explored future under today's plan sees every US soldier leave within the horizon."
    bands_kfor = _bands(results, "kfor_troops", chosen, frame, keep)
    bands_ksf = _bands(results, "ksf_active", chosen, frame, keep)
    sections.append(Section(
        id="kfor-without-us", number=2, question="Could KFOR survive without American soldiers?",
        answer=answer2,
        details=["How fast Europeans fill the gap (backfill share and lag) decides it; see where strategies fail below."],
        charts=[
            _chart_band(years, bands_kfor, "KFOR troops", "troops", shade=shaded, subtitle=spread),
        ],
        assumptions=[a for a in (_assumption(case, "backfill_share"), _assumption(case, "backfill_lag"),
                                 _assumption(case, "other_kfor_trend")) if a],
        fact_ids=_sources(case, "kfor_total_base", "backfill_share", "backfill_lag", "other_kfor_trend"),
        evidence=_quotes_about(store, r"\b(Europe|European|allies|KFOR)\b", limit=2),
    ))

    # ---- 3. Can Kosovo defend itself?
    det = results.outcomes(["margin"])["margin"][keep]
    strat = frame["strategy"].to_numpy()[keep]
    d_now = np.percentile(det[strat == "current_plan"][:, 0], [10, 50, 90])
    ksf_end = float(np.median(base["ksf_active_end"]))
    ksf_now = float(case.constants["ksf_active_base"].value)
    fail_cp = float((base["min_margin"] < 1).mean())
    bands_det = _bands(results, "margin", chosen, frame, keep)
    sections.append(Section(
        id="defend", number=3, question="Can Kosovo defend itself, now and as the KSF grows?",
        answer=(
            f"Today, with KFOR, the deterrence ratio (3 × defenders ÷ the force that could be massed against Kosovo; "
            f"below 1 an aggressor could gather the 3:1 local superiority it needs) is {d_now[1]:.2f} in the median "
            f"future (10–90%: {d_now[0]:.2f}–{d_now[2]:.2f}). Under today's plan the KSF grows from about "
            f"{_num(ksf_now)} active to a median {_num(ksf_end)} by {years[-1]}, yet deterrence falls below 1 in at "
            f"least one year in {_pct(fail_cp)} of the futures."
        ),
        charts=[
            _chart_band(years, bands_det, "Deterrence ratio", "ratio", reference=1.0, shade=shaded, subtitle=spread,
                        reference_label="3:1 rule"),
            _chart_band(years, bands_ksf, "KSF active strength", "personnel", shade=shaded, subtitle=spread),
        ],
        assumptions=[a for a in (_assumption(case, "threat_base"), _assumption(case, "threat_quality"),
                                 _assumption(case, "ksf_capability_base"), _assumption(case, "tripwire_weight"),
                                 _assumption(case, "ksf_recruitment_capacity")) if a],
        fact_ids=_sources(case, "threat_base", "threat_quality", "ksf_active_base", "ksf_capability_base",
                          "attacker_ratio", "defence_budget_base", "ksf_recruitment_capacity"),
        evidence=_quotes_about(store, r"\b(defend|army|Security Force|KSF|capacit)", limit=2),
    ))

    # ---- 4. Which strategy holds up best, at what cost?
    best = rank_now.iloc[0]
    best_s = str(best["strategy"])
    cost_best = float(np.median(by_strategy(narrowed, best_s)["total_cost"]))
    cost_cp = float(np.median(base["total_cost"]))
    fail_lines = []
    for s in chosen:
        b = boxes.get(s, {})
        if b.get("text"):
            fail_lines.append(f"{s} fails in {_pct(b['share'])} of the futures, mostly when {b['text']}")
        elif b:
            fail_lines.append(f"{s} fails in {_pct(b['share'])} of the futures"
                              + (" (too few failures to locate)." if b["failures"] else "."))
    sat_chart = {str(r["strategy"]): float(r["satisficing"]) for _, r in rank_now.iterrows()}
    sections.append(Section(
        id="strategies", number=4,
        question="How should Kosovo prepare: which strategy holds up best across the futures, and at what cost?",
        answer=(
            f"{best_s.replace('_', ' ').capitalize()} holds up best: deterrence holds every year in "
            f"{_pct(float(best['satisficing']))} of the futures, against "
            f"{_pct(float(rank_now.set_index('strategy').loc['current_plan', 'satisficing']))} for today's plan, "
            f"at a median cost of {_num(cost_best)} million EUR over {years[1]}–{years[-1]} "
            f"(today's plan: {_num(cost_cp)})."
        ),
        details=["Where each strategy fails (PRIM scenario discovery on the futures where deterrence falls below 1; "
                 "each box is the simplest one within five points of the densest):",
                 *fail_lines],
        tables=[_ranking_table(rank_now, narrowed, "Strategies ranked by the share of futures in which deterrence "
                               "holds every year (holds; ties: lower maximum regret of the minimum deterrence "
                               "ratio). Medians over the futures: escalated crises over the horizon, minimum "
                               "security personnel per 1,000 inhabitants, cost in million EUR.")],
        charts=[_chart_bar(sat_chart)],
        assumptions=[f"{s.name}: {_first_sentence(s.description)}" for s in case.strategies if s.name in chosen],
        fact_ids=_sources(case, "defence_share_gdp", "ksf_active_target", "ksf_reserve_target", "equipment_share",
                          "nato_share_floor", "regional_armies_total", "gdp_base", "cost_per_soldier"),
    ))

    # ---- 5. What to watch
    watch_rows = []
    for st in statuses:
        ev = st.evidence[0] if st.evidence else None
        watch_rows.append([
            st.name.replace("_", " "),
            "FIRED" if st.fired else "not yet",
            (st.first_seen or "") if st.fired else "",
            "; ".join(str(c) for c in st.constraints) if st.fired else "",
            (str(ev.get("sentence") or ev.get("text") or "")[:160] if ev else ""),
        ])
    drivers: dict[str, int] = {}
    for b in boxes.values():
        for d in b.get("dims", []):
            drivers[d] = drivers.get(d, 0) + 1
    top = sorted(drivers, key=lambda d: (-drivers[d], d))[:4]
    if fired and summary.empty:
        change = (f"{len(fired)} signpost(s) fired in the stored news, but together they leave none of the "
                  f"{summary.futures_total:,} futures: the evidence contradicts the case's ranges (see "
                  f"`forewarn watch`). The answers above therefore use all futures; revisit the ranges.")
    elif fired:
        change = (f"{len(fired)} signpost(s) fired in the stored news: {summary.futures_left:,} of "
                  f"{summary.futures_total:,} futures remain consistent with the evidence, and the ranking was "
                  f"redone on them.")
        if rank_now["strategy"].tolist() != rank_all["strategy"].tolist():
            change += (" The order changed: before the evidence it was "
                       + ", ".join(rank_all["strategy"]) + "; now " + ", ".join(rank_now["strategy"]) + ".")
        else:
            change += " The order of the strategies did not change."
    else:
        change = "No signpost has fired in the stored news yet: all futures remain open."
    sections.append(Section(
        id="watch", number=5, question="What should be watched, and when should the plan change?",
        answer=change,
        details=[
            ("The futures in which strategies fail are told apart mostly by: "
             + ", ".join(d.replace("_", " ") for d in top) + ". Watch the news for them.") if top else "",
            "Signposts are matched in every ingested article (`forewarn ingest`, `forewarn watch`); when one fires, "
            "this brief keeps only the futures consistent with it and ranks the strategies again. The adaptive "
            "strategy's rule (recruit faster and spend more once a US drawdown starts) acts inside every future.",
        ],
        tables=[Table(caption="Signposts", columns=["signpost", "status", "first seen", "narrows", "evidence"],
                      rows=watch_rows)],
    ))
    for s in sections:
        s.details = [d for d in s.details if d]

    # ---- sources appendix: every fact the case cites
    used: list[str] = []
    for p in [*case.uncertainties, *case.levers, *case.constants.values()]:
        for f in getattr(p, "sources", None) or []:
            if f not in used:
                used.append(f)
    facts = _facts_table(store, used)

    brief = Brief(
        title="Kosovo's security under every future: a forewarn brief",
        subtitle=(f"{n_fut:,} futures × {len(chosen)} strategies, {years[0]}–{years[-1]}; "
                  f"generated {_dt.date.today().isoformat()}"),
        caveat=_CAVEAT,
        sections=sections,
        facts=facts,
        run_info=(f"case {case.name} (hash {case.hash()[:12]}), Latin hypercube, seed {seed}, "
                  f"run folder {run_dir}"),
        run_path=str(run_dir),
        data={"ranking": rank_now, "ranking_before_evidence": rank_all, "signposts": statuses,
              "narrowing": summary, "failure_boxes": boxes},
    )
    if html:
        out.mkdir(parents=True, exist_ok=True)
        path = out / "brief.html"
        tmp = path.with_suffix(".html.tmp")
        tmp.write_text(render_html(brief), encoding="utf-8")
        os.replace(tmp, path)
        brief.html_path = str(path)
    return brief


def _facts_table(store: Any, ids: Sequence[str]) -> list[dict[str, Any]]:
    df = store.facts(ids=list(ids))
    if df.empty:
        return []
    order = {f: i for i, f in enumerate(sorted(ids))}
    rows = []
    for _, r in df.iterrows():
        rows.append({
            "id": r["id"], "entity": r.get("entity", ""), "quantity": r.get("quantity", ""),
            "value": f"{r['value']:g}" if isinstance(r.get("value"), (int, float)) else r.get("value"),
            "unit": r.get("unit", "") or "", "as_of": r.get("as_of") or "", "statement": r.get("statement", ""),
            "source_url": r.get("source_url") or r.get("url") or "",
        })
    rows.sort(key=lambda x: order.get(x["id"], len(order)))
    return rows


def _chart_band(years, bands, title, y_label, reference=None, reference_label="", shade=None, subtitle=""):
    from ..report.svg import band_chart

    return band_chart(years, bands, title=title, y_label=y_label, reference=reference,
                      reference_label=reference_label, shade=shade, subtitle=subtitle)


def _chart_bar(values):
    from ..report.svg import bar_chart

    return bar_chart(values, title="Share of futures in which deterrence holds every year")
