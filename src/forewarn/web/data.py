"""What the dashboard shows, computed on the server from a run's Parquet chunks.

A run of a million futures × six strategies is 6 million rows and several gigabytes of Parquet, so
nothing loads it whole. Every strategy faces the same futures, so the uncertainties are read once,
for one strategy's rows, into an in-memory index of futures (a million futures × 19 uncertainties is
150 MB); an outcome is read for one strategy at a time (8 MB per million futures) and cached. A
filter is then a few vectorised comparisons, not a scan of the Parquet files. Statistics over all
rows (medians, bands) read one strategy at a time and are exact. The CSV download streams through
DuckDB. Samples for charts and for PRIM are the first selected futures in a fixed order (a hash of
the future's number), so the same filter always draws the same futures.
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

    def holds(self, values: np.ndarray) -> np.ndarray:
        return values >= self.threshold if self.op == ">=" else values <= self.threshold


def _release() -> None:
    """Hand memory pyarrow freed back to the system (its allocator keeps it otherwise)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def quote(name: str) -> str:
    """A SQL identifier (the name is checked against the run's columns before it gets here)."""
    return '"' + name.replace('"', '""') + '"'


def hash_order(future: np.ndarray) -> np.ndarray:
    """Positions of ``future`` ordered by a 64-bit mix of the future's number (splitmix64), a
    fixed pseudo-random order that does not depend on how the run was chunked."""
    z = future.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return np.argsort(z, kind="stable")


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


@dataclass
class _Index:
    """The futures of a run: their numbers (sorted), uncertainties, and the hash order."""

    future: np.ndarray
    columns: dict[str, np.ndarray]
    order: np.ndarray


class RunView:
    """One run as the dashboard sees it.

    Parameters
    ----------
    results : Results
        The opened run.
    objective : (outcome, op, threshold), optional
        The default objective (the Kosovo brief's yardstick: the margin holds every year); without it, the
        first maximised scalar outcome must reach its median.
    memory_limit : str
        DuckDB's memory limit (the CSV download and the default threshold).
    """

    def __init__(self, results: Any, objective: tuple[str, str, float] | None = None, *,
                 memory_limit: str = "256MB") -> None:
        self.results = results
        self.con = results.connect()
        self.con.execute(f"set memory_limit='{memory_limit}'")
        self.con.execute("set preserve_insertion_order=false")
        self.cache = _Cache()
        self.outcome_cache = _Cache(12)
        self.uncertainties = list(results.uncertainties)
        self.strategies = list(results.strategies)
        self.outcomes = {o["name"]: o for o in results.manifest["outcomes"]}
        self.scalars = list(results.scalar_outcomes)
        self.series = list(results.series_outcomes)
        self._default = objective
        self._lock = threading.Lock()
        self._index: _Index | None = None

    # -- plumbing --------------------------------------------------------------------------------

    def sql(self, query: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query on a cursor of its own (DuckDB connections are not shared across threads)."""
        cur = self.con.cursor()
        try:
            return cur.execute(query, list(params)).df()
        finally:
            cur.close()

    def read(self, columns: Sequence[str], strategy: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """One strategy's rows: the future numbers and each column as an array, sorted by future.

        The arrays are allocated once and filled batch by batch (a series outcome as ``(n, T)``),
        so reading never holds more than the result and one batch: reading the Parquet files whole
        would hold every strategy's rows before the filter keeps one.
        """
        import pyarrow.compute as pc
        import pyarrow.dataset as ds

        files = [str(f) for f in self.results.files]
        if not files:
            raise LookupError("this run has no finished chunk yet")
        n = self.results.n // max(len(self.strategies), 1)  # chunks hold whole futures
        T = len(self.results.years)
        series = set(self.series)
        future = np.empty(n, dtype=np.int64)
        out: dict[str, np.ndarray] = {}
        scanner = ds.dataset(files, format="parquet").scanner(
            columns=list(dict.fromkeys(["future", *columns])), filter=pc.field("strategy") == strategy,
            batch_readahead=1, fragment_readahead=1)
        at = 0
        for batch in scanner.to_batches():
            k = batch.num_rows
            if k == 0:
                continue
            if at + k > n:
                raise InputError("the run's chunks hold more rows than its manifest says", source=self.results.path)
            future[at:at + k] = batch.column("future").to_numpy()
            for c in columns:
                col = batch.column(c)
                if c in series:
                    values = np.asarray(col.flatten().to_numpy(zero_copy_only=False), dtype=float).reshape(k, T)
                    if c not in out:  # (not setdefault: it would allocate on every batch)
                        out[c] = np.empty((n, T), dtype=float)
                    out[c][at:at + k] = values
                else:
                    values = col.to_numpy(zero_copy_only=False)
                    if c not in out:
                        out[c] = np.empty(n, dtype=values.dtype if values.dtype != object else object)
                    out[c][at:at + k] = values
            at += k
        future = future[:at]
        out = {c: v[:at] for c, v in out.items()}
        if at > 1 and not np.all(future[1:] > future[:-1]):
            order = np.argsort(future, kind="stable")
            future = future[order]
            out = {c: v[order] for c, v in out.items()}
        _release()
        return future, out

    def check(self, name: str, allowed: Sequence[str], field: str) -> str:
        if name not in allowed:
            raise InputError(f"unknown {field} {name!r}; choose one of: {', '.join(allowed)}", field=field)
        return name

    @property
    def index(self) -> _Index:
        """The futures and their uncertainties (read once, from the first strategy's rows)."""
        with self._lock:
            if self._index is None:
                future, cols = self.read(self.uncertainties, self.strategies[0])
                self._index = _Index(future, cols, hash_order(future))
            return self._index

    def outcome(self, strategy: str, name: str) -> np.ndarray:
        """One scalar outcome of one strategy, aligned with :attr:`index` (cached)."""
        def make():
            future, cols = self.read([name], strategy)
            if not np.array_equal(future, self.index.future):
                raise InputError(f"strategy {strategy!r} was not run on the same futures as {self.strategies[0]!r}",
                                 source=self.results.path)
            return cols[name].astype(np.float64, copy=False)
        return self.outcome_cache.get((strategy, name), make)

    @property
    def futures(self) -> int:
        return int(self.index.future.size)

    @property
    def numeric(self) -> list[str]:
        """Uncertainties with numbers (the ones range filters apply to)."""
        return [u for u in self.uncertainties if np.issubdtype(self.index.columns[u].dtype, np.number)]

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
                self.sql(f"select quantile_cont({quote(outcome)}, 0.5) from results").iloc[0, 0]))
        if not np.isfinite(threshold):
            raise InputError("must be a finite number", field="threshold")
        return Objective(outcome, op, float(threshold))

    @staticmethod
    def holds_sql(obj: Objective) -> str:
        return f"({quote(obj.outcome)} {obj.op} {float(obj.threshold)!r})"

    def ranges(self) -> dict[str, tuple[float, float]]:
        """Observed low and high of every numeric uncertainty."""
        def make():
            cols = self.index.columns
            return {u: (float(cols[u].min()), float(cols[u].max())) if cols[u].size else (0.0, 1.0)
                    for u in self.numeric}
        return self.cache.get("ranges", make)

    def mask(self, filters: Mapping[str, tuple[float | None, float | None]]) -> np.ndarray:
        """Which futures pass every range filter."""
        cols = self.index.columns
        keep = np.ones(self.futures, dtype=bool)
        for name, (lo, hi) in filters.items():
            self.check(name, self.numeric, "filter")
            if lo is not None:
                keep &= cols[name] >= float(lo)
            if hi is not None:
                keep &= cols[name] <= float(hi)
        return keep

    def rows(self, positions: np.ndarray, extra: Mapping[str, np.ndarray], columns: Sequence[str] | None = None) -> pd.DataFrame:
        """A frame of the futures at ``positions``: number, uncertainties, then ``extra`` columns."""
        idx = self.index
        data = {"future": idx.future[positions]}
        for u in self.uncertainties if columns is None else columns:
            data[u] = idx.columns[u][positions]
        for k, v in extra.items():
            data[k] = v[positions]
        return pd.DataFrame(data)

    # -- futures -----------------------------------------------------------------------------------

    def futures_page(self, strategy: str, obj: Objective, filters: Mapping[str, tuple], *,
                     sample: int = SAMPLE, rows: int = TABLE_ROWS) -> dict[str, Any]:
        """Counts, a sample for the charts and the first rows of the table of selected futures."""
        self.check(strategy, self.strategies, "strategy")
        keep = self.mask(filters)
        value = self.outcome(strategy, obj.outcome)
        holds = obj.holds(value)
        order = self.index.order
        drawn = order[keep[order]][:sample]
        first = np.flatnonzero(keep)[:rows]
        extra = {"value": value, "holds": holds}
        return {"selected": int(keep.sum()), "holds": int((holds & keep).sum()), "total": self.futures,
                "sample": self.rows(drawn, extra), "table": self.rows(first, extra)}

    def where(self, strategy: str, filters: Mapping[str, tuple[float | None, float | None]]) -> tuple[str, list]:
        """The SQL WHERE clause of a strategy and range filters, with its parameters."""
        self.check(strategy, self.strategies, "strategy")
        clauses, params = ["strategy = ?"], [strategy]
        for name, (lo, hi) in filters.items():
            self.check(name, self.numeric, "filter")
            if lo is not None:
                clauses.append(f"{quote(name)} >= ?")
                params.append(float(lo))
            if hi is not None:
                clauses.append(f"{quote(name)} <= ?")
                params.append(float(hi))
        return " and ".join(clauses), params

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
                pacsv.write_csv(pa.Table.from_batches([batch]), buf, pacsv.WriteOptions(include_header=first))
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

            drawn = self.index.order[:DISCOVERY_ROWS]
            frame = self.rows(drawn, {})
            X = frame[self.uncertainties].reset_index(drop=True)
            y = ~obj.holds(self.outcome(strategy, obj.outcome)[drawn])
            out: dict[str, Any] = {"rows": len(frame), "failures": int(y.sum()), "prim": None, "cart": None}
            if 0 < y.sum() < len(y):
                out["prim"] = Prim(**PRIM_PARAMS).fit(X, y)
                out["cart"] = Cart(max_depth=3, min_samples_leaf=0.05).fit(X, y)
            return out

        return self.cache.get(("discovery", strategy, obj), make)

    def box_members(self, strategy: str, obj: Objective, box: Any, *, rows: int = 20) -> dict[str, Any]:
        """The futures of the whole run inside a box: how many, how many fail, the first few."""
        cols = self.index.columns
        inside = np.ones(self.futures, dtype=bool)
        for r in box.restrictions:
            self.check(r.name, self.uncertainties, "box")
            inside &= r.contains(cols[r.name])
        value = self.outcome(strategy, obj.outcome)
        fails = ~obj.holds(value)
        first = np.flatnonzero(inside)[:rows]
        frame = self.rows(first, {"value": value, "fails": fails}, columns=[r.name for r in box.restrictions])
        return {"n": int(inside.sum()), "fails": int((fails & inside).sum()), "first": frame}

    def failures_total(self, strategy: str, obj: Objective) -> int:
        return int((~obj.holds(self.outcome(strategy, obj.outcome))).sum())

    # -- strategies --------------------------------------------------------------------------------

    def cost_outcome(self) -> str | None:
        named = [o for o in self.scalars if "cost" in o and self.outcomes[o].get("direction") == "minimize"]
        return named[0] if named else None

    def medians(self) -> pd.DataFrame:
        """Exact median of every scalar outcome per strategy (read one strategy at a time)."""
        def make():
            rows = []
            for s in self.strategies:
                _, cols = self.read(self.scalars, s)
                rows.append({"strategy": s, **{o: float(np.median(cols[o])) if len(cols[o]) else np.nan
                                               for o in self.scalars}})
                del cols
            return pd.DataFrame(rows)
        return self.cache.get("medians", make)

    def ranking(self, obj: Objective) -> pd.DataFrame:
        """Per strategy: the share of futures where the objective holds, and the median of every
        scalar outcome; ordered by that share (ties: lower cost); non-dominated strategies flagged."""
        def make():
            from ..report.plot import non_dominated

            df = self.medians().copy()
            df.insert(1, "robustness", [float(obj.holds(self.outcome(s, obj.outcome)).mean()) for s in df["strategy"]])
            cost = self.cost_outcome()
            df["cost"] = df[cost] if cost else 0.0
            df["order"] = np.arange(len(df))
            df = df.sort_values(["robustness", "cost", "order"], ascending=[False, True, True]).reset_index(drop=True)
            df["rank"] = np.arange(1, len(df) + 1)
            df["non_dominated"] = non_dominated(df["robustness"], df["cost"])
            return df.drop(columns="order")
        return self.cache.get(("ranking", obj), make)

    def bands(self, outcome: str) -> tuple[np.ndarray, dict[str, tuple]]:
        """Exact 10th, 50th and 90th percentiles of a series outcome per year and strategy."""
        self.check(outcome, self.series, "series")

        def make():
            years = np.asarray(self.results.years)
            out = {}
            for s in self.strategies:
                values = self.read([outcome], s)[1][outcome]
                if len(values):
                    # year by year, partitioning a copy of one column in place: quantiles along the
                    # first axis of the whole array would copy all of it
                    q = np.array([np.quantile(values[:, j].copy(), [0.1, 0.5, 0.9], overwrite_input=True)
                                  for j in range(values.shape[1])]).T
                    out[s] = (q[0], q[1], q[2])
                del values
            return years, out
        return self.cache.get(("bands", outcome), make)

    # -- evidence --------------------------------------------------------------------------------

    def futures_left(self, statuses: Sequence[Any]) -> dict[str, Any]:
        """How many futures the fired signposts leave (every strategy faces the same futures)."""
        from ..signposts import narrowing_summary

        constrained = sorted({c.uncertainty for s in statuses if s.fired for c in s.constraints})
        for name in constrained:
            self.check(name, self.uncertainties, "signpost")
        frame = self.rows(np.arange(self.futures), {}, columns=constrained)
        return narrowing_summary(frame, statuses, None).to_dict()


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
