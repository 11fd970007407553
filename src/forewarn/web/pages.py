"""The dashboard's pages as data: each builder returns ``(data, charts)``.

``data`` is what the page shows, JSON-able (the ``.json`` twin of the page); ``charts`` maps a
name to a :class:`~forewarn.report.plot.Chart`. Builders read request parameters through
:class:`Params`, which turns bad values into :class:`~forewarn.errors.InputError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..report import plot
from ..report.describe import describe_box
from .data import Objective, RunView
from .security import safe_url

__all__ = ["Params", "overview", "futures", "discovery", "strategies", "pathways", "evidence", "facts", "runs"]


#: Time series drawn on the Facts page (the rest are tables: a page of hundreds of charts is slow).
MAX_FACT_CHARTS = 40
#: Series of facts per page.
FACT_GROUPS = 40


class Params:
    """Query parameters, checked."""

    def __init__(self, query: Mapping[str, str]) -> None:
        self.q = query

    def text(self, name: str, default: str | None = None) -> str | None:
        v = self.q.get(name)
        return default if v is None or v == "" else str(v)

    def number(self, name: str, default: float | None = None) -> float | None:
        v = self.q.get(name)
        if v is None or str(v).strip() == "":
            return default
        try:
            x = float(v)
        except ValueError:
            raise InputError(f"{v!r} is not a number", field=name) from None
        if not math.isfinite(x):
            raise InputError("must be a finite number", field=name)
        return x

    def integer(self, name: str, default: int | None = None) -> int | None:
        x = self.number(name, None)
        if x is None:
            return default
        if not float(x).is_integer():
            raise InputError(f"{x!r} is not a whole number", field=name)
        return int(x)


def records(df: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A frame as JSON-able rows (NaN as null)."""
    if df is None or len(df) == 0:
        return []
    return [{k: jsonable(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def jsonable(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set)):
        return [jsonable(x) for x in v]
    if isinstance(v, pd.DataFrame):
        return records(v)
    if isinstance(v, np.ndarray):
        return [jsonable(x) for x in v.tolist()]
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if v is None or isinstance(v, (int, str)):
        return v
    if v is pd.NaT:
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "to_dict"):
        return jsonable(v.to_dict())
    return str(v)


def _objective(view: RunView, p: Params) -> Objective:
    return view.objective(p.text("outcome"), p.number("threshold"))


def _strategy(view: RunView, p: Params) -> str:
    s = p.text("strategy", view.strategies[0])
    return view.check(s, view.strategies, "strategy")


def _controls(view: RunView, obj: Objective, strategy: str | None = None) -> dict[str, Any]:
    return {"strategies": view.strategies, "strategy": strategy, "outcomes": view.scalars,
            "objective": {"outcome": obj.outcome, "op": obj.op, "threshold": obj.threshold, "text": obj.text}}


# -- overview ------------------------------------------------------------------------------------


def overview(view: RunView, p: Params, brief: Any = None) -> tuple[dict, dict]:
    """The bottom line (from the run), the brief's answers when a brief was built, the charts."""
    obj = _objective(view, p)
    rank = view.ranking(obj)
    colours = plot.strategy_colours(view.strategies)
    best = rank.iloc[0]
    first = view.strategies[0]
    base = rank.set_index("strategy").loc[first]
    nd = rank.loc[rank["non_dominated"], "strategy"].tolist()
    lines = [
        f"Across {view.futures:,} futures, {best['strategy']} meets the objective ({obj.text}) most often: in "
        f"{best['robustness']:.0%} of them, against {base['robustness']:.0%} for {first}.",
    ]
    if view.cost_outcome():
        lines.append(f"Strategies no other beats on both robustness and median {view.cost_outcome()}: "
                     + ", ".join(nd) + ".")
    charts = {"tradeoff": plot.tradeoff(rank, colours=colours, x_label=f"median {view.cost_outcome() or 'cost'}")}
    if view.series:
        years, bandset = view.bands(view.series[0])
        charts["bands"] = plot.bands(bandset, years=years, colours=colours, title=f"{view.series[0]} over time",
                                     shade=[first, str(best["strategy"])])
    sections = []
    if brief is not None:
        # the bottom line, what changed, then the five answers (older briefs: the answers alone)
        for s in getattr(brief, "all_sections", None) or getattr(brief, "sections", []):
            sections.append({"number": s.number, "question": s.question, "answer": s.answer,
                             "details": list(s.details), "charts": list(s.charts), "fact_ids": list(s.fact_ids)})
    data = {
        "run": _run_info(view),
        **_controls(view, obj),
        "bottom_line": lines,
        "ranking": records(rank[["rank", "strategy", "robustness", "cost", "non_dominated"]]),
        "brief": _brief_data(brief, sections) if brief is not None else None,
    }
    return data, {"charts": charts, "sections": sections, "brief_title": getattr(brief, "title", ""),
                  "brief_caveat": getattr(brief, "caveat", "")}


def _brief_data(brief: Any, sections: list[dict[str, Any]]) -> dict[str, Any]:
    """The brief as data: its own ``to_dict()`` (every figure) when it has one."""
    if callable(getattr(brief, "to_dict", None)):
        return brief.to_dict()
    return {"title": getattr(brief, "title", None), "caveat": getattr(brief, "caveat", None),
            "sections": [{k: v for k, v in s.items() if k != "charts"} for s in sections]}


def _run_info(view: RunView) -> dict[str, Any]:
    m = view.results.manifest
    design = m.get("design") if isinstance(m.get("design"), dict) else {}
    return {"case": m.get("case", {}).get("name"), "futures": view.futures, "strategies": view.strategies,
            "experiments": view.results.n, "seed": m.get("seed"),
            "design": (design.get("futures") or {}).get("method"), "created": m.get("created"),
            "years": [int(y) for y in view.results.years]}


# -- futures -------------------------------------------------------------------------------------


def filters_of(view: RunView, p: Params) -> dict[str, tuple[float | None, float | None]]:
    out = {}
    for u in view.numeric:
        lo, hi = p.number(f"lo_{u}"), p.number(f"hi_{u}")
        if lo is not None or hi is not None:
            if lo is not None and hi is not None and lo > hi:
                raise InputError(f"the low end {lo:g} is above the high end {hi:g}", field=f"lo_{u}")
            out[u] = (lo, hi)
    return out


def futures(view: RunView, p: Params) -> tuple[dict, dict]:
    """Futures of one strategy, filtered on the uncertainties; scatter, parallel coordinates, table."""
    obj = _objective(view, p)
    strategy = _strategy(view, p)
    filters = filters_of(view, p)
    unc = view.numeric
    x = view.check(p.text("x", unc[0]), unc, "x")
    y = view.check(p.text("y", unc[1] if len(unc) > 1 else unc[0]), unc, "y")
    page = view.futures_page(strategy, obj, filters)
    sample, table = page["sample"], page["table"]
    holds = sample["holds"].to_numpy(bool)
    ranges = view.ranges()
    charts = {
        "scatter": plot.scatter(sample, x, y, holds, title=f"{strategy}: {x} against {y}"),
        "parallel": plot.parallel(sample, unc, holds, ranges=ranges, max_lines=300,
                                  title="Parallel coordinates of the uncertainties"),
    }
    data = {
        **_controls(view, obj, strategy),
        "x": x, "y": y, "uncertainties": view.uncertainties, "numeric": unc,
        "ranges": {u: list(r) for u, r in ranges.items()},
        "filters": {u: list(v) for u, v in filters.items()},
        "selected": page["selected"], "holds": page["holds"], "total": page["total"],
        "share_holds": page["holds"] / page["selected"] if page["selected"] else None,
        "table": records(table),
        "table_rows": len(table),
    }
    return data, {"charts": charts}


# -- scenario discovery --------------------------------------------------------------------------


def discovery(view: RunView, p: Params) -> tuple[dict, dict]:
    """PRIM's trajectory, the chosen box (limits, quasi-p-values, members), CART's leaves."""
    obj = _objective(view, p)
    strategy = _strategy(view, p)
    fit = view.discovery(strategy, obj)
    data: dict[str, Any] = {**_controls(view, obj, strategy), "rows_fitted": fit["rows"],
                            "failures_fitted": fit["failures"], "futures": view.futures,
                            "failures": view.failures_total(strategy, obj), "trajectory": [], "box": None,
                            "cart": []}
    charts: dict[str, Any] = {}
    prim = fit["prim"]
    if prim is None:
        return data, {"charts": charts}
    marked = prim.box_.trajectory_id
    traj = prim.peeling_trajectory_
    chosen = p.integer("box", marked)
    box = prim.box_at(chosen)
    base = {k: v for k, v in p.q.items() if k != "box"}
    from urllib.parse import urlencode

    data["link_base"] = urlencode(base)

    def attrs(i: int) -> dict[str, str]:
        from urllib.parse import urlencode

        url = "?" + urlencode({**base, "box": i})
        return {"hx-get": url, "hx-target": "#discovery-panel", "hx-select": "#discovery-panel", "hx-swap": "outerHTML",
                "hx-push-url": "true", "tabindex": "0", "role": "button", "aria-label": f"box {i}"}

    charts["trajectory"] = plot.prim_tradeoff(traj, selected=chosen, marked=marked, point_attrs=attrs)
    charts["box"] = plot.box_limits(box, view.ranges(), title=f"Box {chosen}")
    members = view.box_members(strategy, obj, box)
    data["trajectory"] = records(traj)
    data["marked"] = marked
    data["box"] = {
        "id": chosen, "coverage": box.coverage, "density": box.density, "mass": box.mass, "n": box.n, "k": box.k,
        "restrictions": records(box.to_frame()),
        "in_run": {"futures": members["n"], "failures": members["fails"],
                   "coverage": members["fails"] / data["failures"] if data["failures"] else None,
                   "density": members["fails"] / members["n"] if members["n"] else None},
        "futures": records(members["first"]),
        "marked": chosen == marked,
        "description": describe_box(box, cases="failures", members="futures", verb="fail"),
    }
    cart = fit["cart"]
    leaves = []
    for i, b in enumerate(cart.boxes_):
        leaves.append({"leaf": i + 1, "coverage": b.coverage, "density": b.density, "mass": b.mass, "n": b.n,
                       "k": b.k, "limits": "; ".join(_restriction_text(r) for r in b.restrictions) or "everything"})
    data["cart"] = leaves
    return data, {"charts": charts}


def _restriction_text(r: Any) -> str:
    if r.categories is not None:
        return f"{r.name} in {{{', '.join(map(str, r.categories))}}}"
    lo = "" if r.low is None else f"{r.low:.3g} ≤ "
    hi = "" if r.high is None else f" ≤ {r.high:.3g}"
    return f"{lo}{r.name}{hi}"


# -- strategies ----------------------------------------------------------------------------------


def strategies(view: RunView, p: Params) -> tuple[dict, dict]:
    """Robustness against cost, the ranking, bands of a series outcome per strategy."""
    obj = _objective(view, p)
    rank = view.ranking(obj)
    colours = plot.strategy_colours(view.strategies)
    charts: dict[str, Any] = {"tradeoff": plot.tradeoff(rank, colours=colours,
                                                        x_label=f"median {view.cost_outcome() or 'cost'}")}
    series = p.text("series", view.series[0] if view.series else None)
    bands_data = None
    if series is not None:
        view.check(series, view.series, "series")
        years, bandset = view.bands(series)
        unit = view.outcomes[series].get("unit") or ""
        # small multiples on one scale: overlapping bands of six strategies hide each other
        lo = min([0.0, *(float(np.min(b[0])) for b in bandset.values())])
        hi = max([1e-9, *(float(np.max(b[2])) for b in bandset.values())])
        bands_data = {"years": [int(y) for y in years], "bands": {}}
        for s, b in bandset.items():
            chart = plot.bands({s: b}, years=years, colours=colours, title=f"{s}: {series}", y_label=unit,
                               y_range=(lo, hi), legend=False, width=420, height=240)
            charts[f"bands-{s}"] = chart
            bands_data["bands"][s] = chart.data["bands"][s]
    cols = ["rank", "strategy", "robustness", "non_dominated", *view.scalars]
    data = {**_controls(view, obj), "series_outcomes": view.series, "series": series,
            "colours": colours, "ranking": records(rank[cols]), "bands": bands_data,
            "cost_outcome": view.cost_outcome()}
    return data, {"charts": charts}


# -- pathways ------------------------------------------------------------------------------------


#: Futures the Pathways page evaluates the adaptive plans on (the model runs again for each plan).
PATHWAY_FUTURES = 1000


def pathways(view: RunView, p: Params, declared: Any = None) -> tuple[dict, dict]:
    """The adaptation pathways map, tipping points, triggers and scorecard, when the case declares them.

    ``declared`` (data in the shape of ``docs/dashboard.md``) wins; otherwise a case with
    ``[adaptation]`` and ``[[actions]]`` is analysed with :mod:`forewarn.analysis.pathways` on the
    run's first futures (at most :data:`PATHWAY_FUTURES`, the run's seed), once, then cached.
    """
    if declared:
        data = jsonable(declared)
        return {"declared": True, "pathways": data}, {"charts": {"map": plot.pathways_map(data)}}
    case = _case_of(view.results)
    if case is None or not getattr(case, "actions", None) or getattr(case, "adaptation", None) is None:
        return {"declared": False, "pathways": None}, {"charts": {}}
    result, chart = view.cache.get("pathways", lambda: _analyse_pathways(view, case))
    return {"declared": True, "pathways": result}, {"charts": {"map": chart}}


def _case_of(results: Any) -> Any:
    """The run's case from the file it was run from while that is still the same case (its model
    file lies beside it), else from the run's copy (which describes the run but may not run)."""
    from pathlib import Path

    from ..engine.space import load_case

    source = results.manifest.get("case", {}).get("source")
    if source and Path(source).is_file():
        try:
            case = load_case(source)
        except InputError:
            case = None
        if case is not None and case.hash() == results.manifest["case"].get("hash"):
            return case
    return results.case


def _analyse_pathways(view: RunView, case: Any) -> tuple[dict[str, Any], Any]:
    from ..analysis.pathways import analyse, consistent_futures, pathway_transfers, to_json
    from ..engine.experiments import Futures
    from ..report.pathway_charts import pathways_map

    seed = view.results.manifest.get("seed")
    n = min(view.futures, PATHWAY_FUTURES)
    futures, aside = consistent_futures(case, Futures.sample(case, n, seed if isinstance(seed, int) else 0))
    result = analyse(case, futures)
    years = np.asarray(case.time.years)
    transfers = pathway_transfers(case, result)
    objective = case.adaptation.model_dump() if hasattr(case.adaptation, "model_dump") else case.adaptation
    out = {"futures": len(futures), "futures_set_aside": aside, "objective": jsonable(objective),
           **jsonable(to_json(result)), "transfers": transfers}
    svg = pathways_map(result["tipping_points"], transfers, years, title=f"Adaptation pathways: {case.name}")
    return out, plot.Chart(svg, {"plans": [t["plan"] for t in out["tipping_points"]], "transfers": transfers})


# -- evidence ------------------------------------------------------------------------------------


def _link(row: Mapping[str, Any]) -> str | None:
    return safe_url(row.get("url"))


def evidence(view: RunView | None, store: Any, case: Any, p: Params) -> tuple[dict, dict]:
    """Documents over time, their quotes, claims and events; signposts; futures remaining."""
    from ..signposts import evaluate

    reviews = _review_support(store)
    extra = {"include_rejected": True} if reviews else {}  # rejected items stay listed, marked
    docs = store.documents()
    quotes, claims, events = store.quotes(**extra), store.force_claims(**extra), store.events(**extra)
    items = []
    for d in docs.to_dict(orient="records"):
        did = d["id"]
        items.append({
            "id": int(did), "title": _text(d.get("title")), "outlet": _text(d.get("outlet")),
            "date": _text(d.get("pub_date")), "url": safe_url(d.get("url")),
            "quotes": _items(quotes, did, "quote", ["speaker", "role", "text"]),
            "claims": _items(claims, did, "claim", ["actor", "kind", "value", "unit", "mission_or_location", "as_of",
                                                    "sentence"]),
            "events": _items(events, did, "event", ["date", "what", "sentence"]),
        })
    items.sort(key=lambda r: str(r["date"] or ""), reverse=True)
    signposts, left = [], None
    if case is not None and getattr(case, "signposts", None):
        statuses = evaluate(case, store)
        for s in statuses:
            d = s.to_dict()
            d["evidence"] = [{**e, "url": safe_url(e.get("url"))} for e in d["evidence"]]
            signposts.append(d)
        if view is not None:
            left = view.futures_left(statuses)
    timeline = _timeline(items)
    data = {"documents": items, "signposts": signposts, "futures_left": left, "reviews": reviews}
    return data, {"charts": {"timeline": timeline} if timeline else {}}


def _items(frame: pd.DataFrame, document: Any, kind: str, columns: list[str]) -> list[dict[str, Any]]:
    """One document's quotes, claims or events, each with the id users see (``Q3``, ``C12``, ``E7``)
    and its review status."""
    from ..evidence.store import item_ref

    if frame.empty:
        return []
    sub = frame[frame["document_id"] == document]
    keep = [c for c in ["id", *columns, "review_status"] if c in sub.columns]
    rows = records(sub[keep])
    for r in rows:
        r["ref"] = item_ref(kind, r["id"])
    return rows


def _review_support(store: Any) -> bool:
    """Whether the store records accept/reject reviews of evidence items."""
    return callable(getattr(store, "review", None))


def _timeline(items: list[dict[str, Any]]) -> Any:
    dated = [(pd.to_datetime(str(i["date"])[:10], errors="coerce"), i) for i in items if i["date"]]
    dated = [(t, i) for t, i in dated if not pd.isna(t)]
    if not dated:
        return None
    frame = pd.DataFrame({"year": [t.year + (t.day_of_year - 1) / 366 for t, _ in dated],
                          "items": [len(i["quotes"]) + len(i["claims"]) + len(i["events"]) for _, i in dated]})
    return plot.timeline(frame["year"], frame["items"], labels=[str(i["title"] or "") for _, i in dated],
                         title="Documents ingested, by publication date (height: quotes, claims and events found)")


# -- facts ---------------------------------------------------------------------------------------


def facts(store: Any, p: Params) -> tuple[dict, dict]:
    """Facts matching a search, grouped by entity and quantity, conflicting figures side by side."""
    q = (p.text("q", "") or "").strip()
    df = store.facts()
    if q:
        hay = df[["id", "entity", "quantity", "statement", "topic"]].astype(str).agg(" ".join, axis=1).str.lower()
        df = df[hay.str.contains(q.lower(), regex=False)]
    groups: list[dict[str, Any]] = []
    charts = {}
    by_key: dict[tuple, list[dict[str, Any]]] = {}
    # plain records: iterating a frame row by row is far slower for a few hundred facts
    for r in df.to_dict(orient="records"):
        by_key.setdefault((str(r["entity"]), str(r["base_quantity"])), []).append({
            "id": r["id"], "value": jsonable(r["value"]), "unit": _text(r.get("unit")), "as_of": _text(r.get("as_of")),
            "statement": _text(r.get("statement")), "source_url": safe_url(r.get("source_url")),
            "outlet": _text(r.get("outlet")), "annotation": _text(r.get("annotation"))})
    # the series with most figures first (they are the ones a chart helps with), then by name
    ordered = sorted(by_key.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    page = max(1, p.integer("page", 1) or 1)
    pages = max(1, -(-len(ordered) // FACT_GROUPS))
    if page > pages:
        raise InputError(f"there are {pages} pages of facts", field="page")
    for (entity, quantity), rows in ordered[(page - 1) * FACT_GROUPS: page * FACT_GROUPS]:
        by_date: dict[str, set] = {}
        for r in rows:
            if r["as_of"]:
                by_date.setdefault(r["as_of"], set()).add(r["value"])
        conflicts = sorted(d for d, v in by_date.items() if len(v) > 1)
        key = f"g{len(groups)}"
        groups.append({"key": key, "entity": entity, "quantity": quantity, "facts": rows, "conflicts": conflicts})
        pts = [(r["as_of"], r["value"]) for r in rows if r["as_of"] and isinstance(r["value"], (int, float))]
        if len(pts) >= 2 and len(charts) < MAX_FACT_CHARTS:
            charts[key] = plot.fact_series(pts, title=f"{entity}: {quantity}")
    return ({"q": q, "matches": int(len(df)), "series": len(ordered), "page_number": page, "pages": pages, "groups": groups},
            {"charts": charts})


def _text(v: Any) -> str | None:
    """A cell as text; missing values (None, NaN) as None."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return str(v)


# -- runs ----------------------------------------------------------------------------------------


def runs(found: list[dict[str, Any]], current: str) -> tuple[dict, dict]:
    return {"current": current, "runs": found}, {"charts": {}}
