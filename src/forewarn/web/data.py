"""What the dashboard shows, computed on the server from a run's Parquet chunks with DuckDB.

Nothing here loads a whole run into pandas: every page asks DuckDB for counts, quantiles, a
bounded sample of futures (chosen by a hash of the future's index, so the same filter gives the
same sample) or a bounded table, so a run of a million futures stays within a small memory.
Column names reach SQL only after they are checked against the run's own columns; values reach
it as numbers or bound parameters.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["Objective", "RunView", "find_runs"]

#: Futures drawn for scatter plots and parallel coordinates.
SAMPLE = 1500
#: Rows of the table of selected futures shown on the page (the CSV holds all of them).
TABLE_ROWS = 25
#: Futures PRIM and CART are fitted on (a hash-chosen sample of larger runs).
DISCOVERY_ROWS = 20_000
#: The brief's PRIM settings: restrictions adding under three points of density are dropped.
PRIM_PARAMS = dict(mass_min=0.05, peel_alpha=0.05, density_tol=0.05, drop_tol=0.03)


@dataclass(frozen=True)
class Objective:
    """A scalar outcome and the value it must reach: ``outcome >= threshold`` (a maximised or
    informative outcome) or ``outcome <= threshold`` (a minimised one)."""

    outcome: str
    op: str
    threshold: float

    @property
    def text(self) -> str:
        return f"{self.outcome} {self.op} {self.threshold:g}"


def quote(name: str) -> str:
    """A SQL identifier (the name is checked against the run's columns before it gets here)."""
    return '"' + name.replace('"', '""') + '"'


class _Cache:
    """A small least-recently-used cache, safe across the server's threads."""

    def __init__(self, size: int = 64) -> None:
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Any, make: Any) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


class RunView:
    """One run as the dashboard sees it.

    Parameters
    ----------
    results : Results
        The opened run.
    objective : (outcome, op, threshold), optional
        The default objective (the Kosovo brief's "deterrence holds every year"); without it, the
        first maximised scalar outcome must reach its median.
    memory_limit : str
        DuckDB's memory limit for this run's queries.
    """

    def __init__(self, results: Any, objective: tuple[str, str, float] | None = None, *,
                 memory_limit: str = "512MB") -> None:
        import duckdb

        self.results = results
        self.con = results.connect()
        self.con.execute(f"set memory_limit='{memory_limit}'")
        self.con.execute("set preserve_insertion_order=false")
        self.cache = _Cache()
        self.uncertainties = list(results.uncertainties)
        self.strategies = list(results.strategies)
        self.outcomes = {o["name"]: o for o in results.manifest["outcomes"]}
        self.scalars = list(results.scalar_outcomes)
        self.series = list(results.series_outcomes)
        self._duckdb = duckdb
        self._default = objective

    # -- plumbing --------------------------------------------------------------------------------

    def sql(self, query: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query on a cursor of its own (DuckDB connections are not shared across threads)."""
        cur = self.con.cursor()
        try:
            return cur.execute(query, list(params)).df()
        finally:
            cur.close()

    def check(self, name: str, allowed: Sequence[str], field: str) -> str:
        if name not in allowed:
            raise InputError(f"unknown {field} {name!r}; choose one of: {', '.join(allowed)}", field=field)
        return name

    @property
    def futures(self) -> int:
        return self.results.n // max(len(self.strategies), 1)

    def default_objective(self) -> Objective:
        if self._default and self._default[0] in self.scalars:
            return Objective(*self._default)
        name = next((o for o in self.scalars if self.outcomes[o].get("direction") == "maximize"), self.scalars[0])
        return self.objective(name, None)

    def objective(self, outcome: str | None, threshold: float | None) -> Objective:
        """The objective for ``outcome`` (default: the run's); ``threshold`` defaults to the
        default objective's for that outcome, else the outcome's median."""
        if outcome is None:
            base = self.default_objective()
            return base if threshold is None else Objective(base.outcome, base.op, float(threshold))
        self.check(outcome, self.scalars, "outcome")
        op = "<=" if self.outcomes[outcome].get("direction") == "minimize" else ">="
        if threshold is None:
            if self._default and self._default[0] == outcome:
                return Objective(*self._default)
            threshold = self.cache.get(("median", outcome), lambda: float(
                self.sql(f"select median({quote(outcome)}) from results").iloc[0, 0]))
        if not np.isfinite(threshold):
            raise InputError("must be a finite number", field="threshold")
        return Objective(outcome, op, float(threshold))

    @staticmethod
    def holds_sql(obj: Objective) -> str:
        return f"({quote(obj.outcome)} {obj.op} {float(obj.threshold)!r})"

    def ranges(self) -> dict[str, tuple[float, float]]:
        """Observed low and high of every uncertainty."""
        def make():
            if not self.uncertainties:
                return {}
            parts = ", ".join(f"min({quote(u)}), max({quote(u)})" for u in self.uncertainties)
            row = self.sql(f"select {parts} from results").iloc[0].to_numpy(float)
            return {u: (float(row[2 * i]), float(row[2 * i + 1])) for i, u in enumerate(self.uncertainties)}
        return self.cache.get("ranges", make)

    def where(self, strategy: str, filters: Mapping[str, tuple[float | None, float | None]]) -> tuple[str, list]:
        """The WHERE clause of a strategy and range filters, with its parameters."""
        self.check(strategy, self.strategies, "strategy")
        clauses, params = ["strategy = ?"], [strategy]
        for name, (lo, hi) in filters.items():
            self.check(name, self.uncertainties, "filter")
            if lo is not None:
                clauses.append(f"{quote(name)} >= ?")
                params.append(float(lo))
            if hi is not None:
                clauses.append(f"{quote(name)} <= ?")
                params.append(float(hi))
        return " and ".join(clauses), params

    # -- futures -----------------------------------------------------------------------------------

    def futures_page(self, strategy: str, obj: Objective, filters: Mapping[str, tuple], *,
                     sample: int = SAMPLE, rows: int = TABLE_ROWS) -> dict[str, Any]:
        """Counts, a sample for the charts and the first rows of the table of selected futures."""
        where, params = self.where(strategy, filters)
        holds = self.holds_sql(obj)
        cols = ", ".join(quote(u) for u in self.uncertainties)
        counts = self.sql(f"select count(*) as n, coalesce(sum({holds}::int), 0) as k from results where {where}", params)
        n, k = int(counts.iloc[0, 0]), int(counts.iloc[0, 1])
        pts = self.sql(
            f"select future, {cols}, {quote(obj.outcome)} as value, {holds} as holds from results "
            f"where {where} order by hash(future), future limit {int(sample)}", params)
        table = self.sql(
            f"select future, {cols}, {quote(obj.outcome)} as value, {holds} as holds from results "
            f"where {where} order by future limit {int(rows)}", params)
        return {"selected": n, "holds": k, "total": self.futures, "sample": pts, "table": table}

    def futures_csv(self, strategy: str, obj: Objective, filters: Mapping[str, tuple]) -> Iterator[bytes]:
        """Every selected future as CSV, streamed in record batches."""
        import io

        import pyarrow as pa
        import pyarrow.csv as pacsv

        where, params = self.where(strategy, filters)
        cols = ", ".join(quote(c) for c in [*self.uncertainties, *self.results.levers, *self.scalars])
        cur = self.con.cursor()
        reader = cur.sql(
            f"select future, strategy, {cols}, {self.holds_sql(obj)} as objective_holds from results "
            f"where {where} order by future", params=params).to_arrow_reader(50_000)
        first = True
        try:
            for batch in reader:
                buf = io.BytesIO()
                pacsv.write_csv(pa.Table.from_batches([batch]), buf,
                                pacsv.WriteOptions(include_header=first))
                first = False
                yield buf.getvalue()
        finally:
            cur.close()

    # -- scenario discovery ------------------------------------------------------------------------

    def discovery(self, strategy: str, obj: Objective) -> dict[str, Any]:
        """PRIM and CART on the futures where the objective fails (fitted once, then cached)."""
        self.check(strategy, self.strategies, "strategy")

        def make():
            from ..analysis.cart import Cart
            from ..analysis.prim import Prim

            cols = ", ".join(quote(u) for u in self.uncertainties)
            frame = self.sql(
                f"select future, {cols}, not {self.holds_sql(obj)} as fails from results where strategy = ? "
                f"order by hash(future), future limit {DISCOVERY_ROWS}", [strategy])
            X = frame[self.uncertainties].reset_index(drop=True)
            y = frame["fails"].to_numpy(bool)
            out: dict[str, Any] = {"rows": len(frame), "failures": int(y.sum()), "prim": None, "cart": None}
            if 0 < y.sum() < len(y):
                out["prim"] = Prim(**PRIM_PARAMS).fit(X, y)
                out["cart"] = Cart(max_depth=3, min_samples_leaf=0.05).fit(X, y)
            return out

        return self.cache.get(("discovery", strategy, obj), make)

    def box_members(self, strategy: str, obj: Objective, box: Any, *, rows: int = 20) -> dict[str, Any]:
        """The futures of the whole run inside a box: how many, how many fail, the first few."""
        where, params = self.where(strategy, {})
        for r in box.restrictions:
            self.check(r.name, self.uncertainties, "box")
            if r.categories is not None:
                where += f" and {quote(r.name)} in ({', '.join('?' for _ in r.categories)})"
                params += [str(c) for c in r.categories]
                continue
            if r.low is not None:
                where += f" and {quote(r.name)} >= ?"
                params.append(float(r.low))
            if r.high is not None:
                where += f" and {quote(r.name)} <= ?"
                params.append(float(r.high))
        fails = f"(not {self.holds_sql(obj)})"
        counts = self.sql(f"select count(*), coalesce(sum({fails}::int), 0) from results where {where}", params)
        cols = ", ".join(quote(r.name) for r in box.restrictions)
        first = self.sql(f"select future{', ' + cols if cols else ''}, {quote(obj.outcome)} as value, {fails} as fails "
                         f"from results where {where} order by future limit {int(rows)}", params)
        return {"n": int(counts.iloc[0, 0]), "fails": int(counts.iloc[0, 1]), "first": first}

    def failures_total(self, strategy: str, obj: Objective) -> int:
        where, params = self.where(strategy, {})
        return self.cache.get(("fails", strategy, obj), lambda: int(self.sql(
            f"select coalesce(sum((not {self.holds_sql(obj)})::int), 0) from results where {where}", params).iloc[0, 0]))

    # -- strategies --------------------------------------------------------------------------------

    def cost_outcome(self) -> str | None:
        named = [o for o in self.scalars if "cost" in o and self.outcomes[o].get("direction") == "minimize"]
        return named[0] if named else None

    def ranking(self, obj: Objective) -> pd.DataFrame:
        """Per strategy: the share of futures where the objective holds, and the median of every
        scalar outcome; ordered by that share (ties: lower cost); non-dominated strategies flagged."""
        def make():
            from ..report.plot import non_dominated

            medians = ", ".join(f"median({quote(o)}) as {quote(o)}" for o in self.scalars)
            df = self.sql(f"select strategy, avg({self.holds_sql(obj)}::double) as robustness, {medians} "
                          f"from results group by strategy")
            order = {s: i for i, s in enumerate(self.strategies)}
            cost = self.cost_outcome()
            df["cost"] = df[cost] if cost else 0.0
            df["order"] = df["strategy"].map(order)
            df = df.sort_values(["robustness", "cost", "order"], ascending=[False, True, True]).reset_index(drop=True)
            df["rank"] = np.arange(1, len(df) + 1)
            df["non_dominated"] = non_dominated(df["robustness"], df["cost"])
            return df.drop(columns="order")
        return self.cache.get(("ranking", obj), make)

    def bands(self, outcome: str) -> tuple[np.ndarray, dict[str, tuple]]:
        """10th, 50th and 90th percentiles of a series outcome per year and strategy."""
        self.check(outcome, self.series, "series")

        def make():
            years = np.asarray(self.results.years)
            exprs = ", ".join(f"quantile_cont({quote(outcome)}[{j + 1}], [0.1, 0.5, 0.9]) as q{j}"
                              for j in range(len(years)))
            df = self.sql(f"select strategy, {exprs} from results group by strategy")
            out = {}
            for _, r in df.iterrows():
                q = np.array([list(r[f"q{j}"]) for j in range(len(years))], float)
                out[r["strategy"]] = (q[:, 0], q[:, 1], q[:, 2])
            return years, {s: out[s] for s in self.strategies if s in out}
        return self.cache.get(("bands", outcome), make)

    # -- evidence --------------------------------------------------------------------------------

    def futures_left(self, statuses: Sequence[Any]) -> dict[str, Any]:
        """How many futures the fired signposts leave (computed on one strategy's rows: every
        strategy faces the same futures)."""
        from ..signposts import narrowing_summary

        constrained = sorted({c.uncertainty for s in statuses if s.fired for c in s.constraints})
        for name in constrained:
            self.check(name, self.uncertainties, "signpost")
        cols = "".join(", " + quote(c) for c in constrained)
        frame = self.sql(f"select future{cols} from results where strategy = ?", [self.strategies[0]])
        summary = narrowing_summary(frame, statuses, None)
        return summary.to_dict()


def find_runs(root: Any, *, depth: int = 4, limit: int = 200) -> list[dict[str, Any]]:
    """Run folders (a ``manifest.json`` of a forewarn run) under ``root``, newest first.

    Hidden folders and virtual environments are skipped; nothing outside ``root`` is visited
    (symbolic links to folders are not followed).
    """
    import os
    from pathlib import Path

    from ..engine.results import read_manifest

    root = Path(root).resolve()
    found = []
    for here, dirs, files in os.walk(root, followlinks=False):
        rel = Path(here).relative_to(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in {"node_modules", "__pycache__", "chunks"}
                         and not (Path(here) / d / "pyvenv.cfg").exists())
        if len(rel.parts) >= depth:
            dirs[:] = []
        if "manifest.json" not in files:
            continue
        try:
            m = read_manifest(here)
        except InputError:
            continue
        found.append({
            "id": rel.as_posix() or ".",
            "path": str(Path(here)),
            "case": m.get("case", {}).get("name"),
            "experiments": int(sum(c.get("rows", 0) for c in m.get("chunks", []))),
            "strategies": list(m.get("strategies", [])),
            "complete": bool(m.get("complete")),
            "created": m.get("created") or m.get("started"),
            "design": ((m.get("design") or {}).get("futures") or {}).get("method") if isinstance(m.get("design"), dict)
            else None,
            "futures": m.get("n_futures"),
            "seed": m.get("seed"),
        })
        if len(found) >= limit:
            break
    found.sort(key=lambda r: str(r.get("created") or ""), reverse=True)
    return found
