"""The results store: one run is a folder of Parquet chunks plus a manifest.

Layout (see ``docs/engine.md``)::

    RUN/
      manifest.json                 # what was run, with which versions; the chunks done
      case.toml                     # the case file as run
      chunks/part-000000.parquet    # experiments + outcomes of one chunk

Each chunk holds the design columns (``experiment``, ``future``, ``strategy``, ``seed``, every
uncertainty, every lever) and one column per outcome: ``float64`` for a scalar outcome, a
``fixed_size_list<float64>[T]`` for a series outcome (its years are listed in the manifest).

Only the chunk files recorded in the manifest are ever read: a file left by a killed run, or a
temporary file, is invisible here and to :meth:`Results.query`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ForewarnError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

__all__ = ["Results", "open_results", "MANIFEST", "CASE_COPY", "CHUNKS", "FORMAT", "FORMAT_VERSION"]

MANIFEST = "manifest.json"
CASE_COPY = "case.toml"
CHUNKS = "chunks"
FORMAT = "forewarn-run"
FORMAT_VERSION = 1

#: Design columns that are not uncertainties or levers.
KEY_COLUMNS = ("experiment", "future", "strategy", "seed")


def chunk_name(index: int) -> str:
    """File name of chunk ``index`` inside ``RUN/chunks``."""
    return f"part-{index:06d}.parquet"


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Read ``RUN/manifest.json``; :class:`InputError` if the folder is not a run."""
    folder = Path(path)
    file = folder / MANIFEST
    if not folder.is_dir():
        raise InputError("no such run folder", source=folder)
    if not file.is_file():
        raise InputError(f"not a forewarn run (no {MANIFEST})", source=folder)
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"unreadable manifest: {exc}", source=file) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"not a forewarn run manifest (format is not {FORMAT!r})", source=file)
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InputError(
            f"run format version {version!r} is newer than this forewarn reads ({FORMAT_VERSION})",
            source=file,
            field="format_version",
        )
    return manifest


def open_results(path: str | Path, *, allow_incomplete: bool = False) -> Results:
    """Open a run folder.

    Parameters
    ----------
    path
        The run folder (the ``out`` given to :func:`forewarn.engine.runner.run`).
    allow_incomplete
        Open a run that was stopped before its last chunk; only the chunks recorded as done are
        read.

    Returns
    -------
    Results

    Raises
    ------
    InputError
        If the folder is not a run, or the run is incomplete and ``allow_incomplete`` is false.

    Examples
    --------
    >>> res = open_results("runs/lake")                       # doctest: +SKIP
    >>> res.query("select strategy, avg(max_P) from results group by 1")  # doctest: +SKIP
    """
    manifest = read_manifest(path)
    if not manifest.get("complete") and not allow_incomplete:
        done = len(manifest.get("chunks", []))
        raise InputError(
            f"run is incomplete ({done} of {manifest.get('n_chunks')} chunks done); finish it with "
            "`forewarn run ... --resume` or open it with allow_incomplete=True",
            source=path,
        )
    return Results(path, manifest)


class Results:
    """One run on disk: its manifest, design and outcomes.

    Build it with :func:`open_results` (or get it from :func:`forewarn.engine.runner.run`). Data are read
    lazily from the chunk files recorded in the manifest, sorted by experiment.

    Attributes
    ----------
    path : pathlib.Path
        The run folder.
    manifest : dict
        The parsed ``manifest.json``.
    """

    def __init__(self, path: str | Path, manifest: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.manifest = read_manifest(self.path) if manifest is None else manifest

    def __repr__(self) -> str:
        state = "complete" if self.complete else "incomplete"
        return (
            f"<Results {self.manifest['case']['name']!r}: {self.n} experiments, "
            f"{len(self.outcome_names)} outcomes, {state}, at {str(self.path)!r}>"
        )

    def _repr_html_(self) -> str:
        """A summary table for Jupyter (every value escaped)."""
        from html import escape

        rows = [("case", self.manifest["case"]["name"]), ("experiments", f"{self.n:,}"),
                ("strategies", ", ".join(self.strategies)), ("uncertainties", len(self.uncertainties)),
                ("outcomes", ", ".join(self.outcome_names)), ("complete", self.complete), ("folder", self.path)]
        body = "".join(f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
        return f"<table><caption>forewarn run</caption>{body}</table>"

    # -- what the manifest says ---------------------------------------------------------------

    @property
    def complete(self) -> bool:
        """Whether every chunk was written."""
        return bool(self.manifest.get("complete"))

    @property
    def files(self) -> list[Path]:
        """Chunk files recorded as done, in chunk order (the only files ever read)."""
        chunks = sorted(self.manifest.get("chunks", []), key=lambda c: c["index"])
        return [self.path / CHUNKS / chunk_name(c["index"]) for c in chunks]

    @property
    def n(self) -> int:
        """Number of experiments stored (all of them when the run is complete)."""
        return int(sum(c["rows"] for c in self.manifest.get("chunks", [])))

    @property
    def years(self) -> np.ndarray:
        """Years of the time axis of series outcomes (empty when the case has none)."""
        return np.asarray(self.manifest.get("years") or [], dtype=np.int64)

    @property
    def outcome_names(self) -> list[str]:
        """All outcome names, in case order."""
        return [o["name"] for o in self.manifest["outcomes"]]

    @property
    def scalar_outcomes(self) -> list[str]:
        """Names of scalar outcomes."""
        return [o["name"] for o in self.manifest["outcomes"] if o["kind"] == "scalar"]

    @property
    def series_outcomes(self) -> list[str]:
        """Names of series outcomes (one value per year)."""
        return [o["name"] for o in self.manifest["outcomes"] if o["kind"] == "series"]

    @property
    def strategies(self) -> list[str]:
        """Strategy names, in design order."""
        return list(self.manifest.get("strategies", []))

    @property
    def uncertainties(self) -> list[str]:
        """Uncertainty column names."""
        return list(self.manifest.get("columns", {}).get("uncertainties", []))

    @property
    def levers(self) -> list[str]:
        """Lever column names."""
        return list(self.manifest.get("columns", {}).get("levers", []))

    @cached_property
    def case(self) -> Any:
        """The case as run, reloaded from ``RUN/case.toml`` (or from the copy of its content in the
        manifest); ``None`` if neither can be loaded.

        The model file named in the case is not copied with it, so the reloaded case describes the
        run (parameters, outcomes, strategies) but may not be able to run its model again.
        """
        from .space import load_case, parse_case

        file = self.path / CASE_COPY
        recorded = self.manifest.get("case", {}).get("hash")
        if file.is_file():
            try:
                copy = load_case(file)
                # A run on other ranges than the file's (``Case.with_ranges("stress")``) records the
                # case it ran in the manifest; the file copy then is not the case as run.
                if recorded is None or copy.hash() == recorded:
                    return copy
            except Exception:  # noqa: BLE001 - fall back on the manifest's copy
                pass
        content = self.manifest.get("case", {}).get("content")
        if isinstance(content, dict):
            try:
                return parse_case({k: v for k, v in content.items() if v is not None})
            except Exception:  # noqa: BLE001 - the run stays readable without its case
                return None
        return None

    # -- reading ------------------------------------------------------------------------------

    def _check_outcomes(self, names: Iterable[str]) -> list[str]:
        known = self.outcome_names
        names = list(names)
        for name in names:
            if name not in known:
                raise InputError(
                    f"unknown outcome {name!r}; this run has: {', '.join(known) or 'none'}",
                    source=self.path,
                    field="outcomes",
                )
        return names

    def _read(self, columns: Sequence[str]) -> pa.Table:
        """Read ``columns`` (plus ``experiment``) from the recorded chunks, sorted by experiment."""
        import pyarrow.dataset as ds

        files = self.files
        wanted = list(dict.fromkeys(["experiment", *columns]))
        if not files:
            return self._empty_table(wanted)
        missing = [f for f in files if not f.is_file()]
        if missing:
            raise ForewarnError(f"{self.path}: chunk file recorded in the manifest is missing: {missing[0].name}")
        table = ds.dataset([str(f) for f in files], format="parquet").to_table(columns=wanted)
        exp = table.column("experiment").to_numpy()
        if exp.size > 1 and not np.all(exp[1:] > exp[:-1]):
            table = table.sort_by("experiment")
        return table

    def _empty_table(self, columns: Sequence[str]) -> pa.Table:
        import pyarrow as pa

        T = len(self.years)
        fields = []
        kinds = {o["name"]: o["kind"] for o in self.manifest["outcomes"]}
        for c in columns:
            if kinds.get(c) == "series":
                fields.append(pa.field(c, pa.list_(pa.float64(), T)))
            elif c in kinds:
                fields.append(pa.field(c, pa.float64()))
            elif c in ("experiment", "future"):
                fields.append(pa.field(c, pa.int64()))
            elif c == "seed":
                fields.append(pa.field(c, pa.uint64()))
            else:
                fields.append(pa.field(c, pa.string()))
        return pa.schema(fields).empty_table()

    @cached_property
    def experiments(self) -> pd.DataFrame:
        """The design: ``experiment``, ``future``, ``strategy``, ``seed``, uncertainties, levers."""
        columns = [*KEY_COLUMNS, *self.uncertainties, *self.levers]
        return self._read(columns).to_pandas().reset_index(drop=True)

    def outcomes(self, names: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Outcome arrays by name, sorted by experiment.

        Parameters
        ----------
        names
            Outcomes to read (default: all).

        Returns
        -------
        dict of str to numpy.ndarray
            Shape ``(n,)`` for a scalar outcome, ``(n, T)`` for a series outcome.
        """
        names = self.outcome_names if names is None else self._check_outcomes(names)
        table = self._read(names)
        T = len(self.years)
        series = set(self.series_outcomes)
        out: dict[str, np.ndarray] = {}
        for name in names:
            column = table.column(name)
            if name in series:
                flat = column.combine_chunks().flatten() if column.num_chunks else column
                values = np.asarray(flat.to_numpy(zero_copy_only=False), dtype=np.float64)
                out[name] = values.reshape(-1, T)
            else:
                out[name] = np.asarray(column.to_numpy(), dtype=np.float64)
        return out

    def to_dataframe(self, outcomes: Iterable[str] | None = None, series: bool = False) -> pd.DataFrame:
        """Experiments and outcomes as one DataFrame, one row per experiment.

        Parameters
        ----------
        outcomes
            Outcomes to include (default: every scalar outcome, and every series outcome when
            ``series`` is true).
        series
            Include series outcomes as one column per year, named ``"name[year]"``.
        """
        if outcomes is None:
            names = self.scalar_outcomes + (self.series_outcomes if series else [])
        else:
            names = self._check_outcomes(outcomes)
        frame = self.experiments.copy()
        values = self.outcomes(names)
        years = self.years
        extra: dict[str, np.ndarray] = {}
        for name in names:
            arr = values[name]
            if arr.ndim == 1:
                extra[name] = arr
            else:
                for j, year in enumerate(years):
                    extra[f"{name}[{year}]"] = arr[:, j]
        return pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1)

    def series(self, name: str) -> pd.DataFrame:
        """One series outcome in long form: ``experiment, future, strategy, year, value``."""
        self._check_outcomes([name])
        if name not in self.series_outcomes:
            raise InputError(f"outcome {name!r} is scalar, not a series", source=self.path, field="outcomes")
        values = self.outcomes([name])[name]
        ex = self.experiments
        T = len(self.years)
        return pd.DataFrame(
            {
                "experiment": np.repeat(ex["experiment"].to_numpy(), T),
                "future": np.repeat(ex["future"].to_numpy(), T),
                "strategy": np.repeat(ex["strategy"].to_numpy(dtype=object), T),
                "year": np.tile(self.years, len(ex)),
                "value": values.ravel(),
            }
        )

    def to_ema(self) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        """The run in the EMA Workbench's shape: ``(experiments, outcomes)``.

        ``experiments`` holds the uncertainties and levers, then ``scenario`` (the future index),
        ``policy`` (the strategy name) and ``model`` (the case name), as
        ``ema_workbench.perform_experiments`` returns them; ``outcomes`` maps each outcome to an
        array of shape ``(n,)`` or ``(n, T)``. The per-future ``seed`` is left out, so that
        scenario-discovery tools do not mistake it for an uncertainty.
        """
        ex = self.experiments
        frame = ex[[*self.uncertainties, *self.levers]].copy()
        for column in frame.columns:
            if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                frame[column] = frame[column].astype("category")
        frame["scenario"] = ex["future"].to_numpy()
        frame["policy"] = pd.Categorical(ex["strategy"].to_numpy(dtype=object), categories=self.strategies)
        frame["model"] = pd.Categorical([self.manifest["case"]["name"]] * len(ex))
        return frame, self.outcomes()

    def query(self, sql: str) -> pd.DataFrame:
        """Run SQL through DuckDB over a view ``results`` of the recorded chunk files.

        The data are not loaded in pandas first: DuckDB scans the Parquet files itself, so this
        is the way to aggregate runs larger than memory.

        Examples
        --------
        >>> res.query("select strategy, avg(max_P) from results group by 1")  # doctest: +SKIP
        """
        con = self.connect()
        try:
            return con.sql(sql).df()
        except Exception as exc:
            import duckdb

            if isinstance(exc, duckdb.Error):
                raise InputError(f"query failed: {exc}", source=self.path, field="sql") from exc
            raise
        finally:
            con.close()

    def connect(self):  # -> duckdb.DuckDBPyConnection
        """An in-memory DuckDB connection with the view ``results`` over this run's chunks."""
        import duckdb

        con = duckdb.connect(":memory:")
        files = self.files
        if files:
            listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            con.execute(f"create view results as select * from read_parquet([{listing}])")
        else:
            con.register("results", self._empty_table(self._all_columns()))
        return con

    def _all_columns(self) -> list[str]:
        return [*KEY_COLUMNS, *self.uncertainties, *self.levers, *self.outcome_names]

    def summary(self) -> pd.DataFrame:
        """Statistics of every scalar outcome by strategy.

        Returns
        -------
        pandas.DataFrame
            One row per (outcome, strategy): ``direction``, ``count``, ``mean``, ``std``,
            ``min``, ``p05``, ``median``, ``p95``, ``max``. Series outcomes are summarised by
            their value in the last year, under the name ``"name[year]"``.
        """
        columns = ["outcome", "strategy", "direction", "count", "mean", "std", "min", "p05", "median", "p95", "max"]
        directions = {o["name"]: o.get("direction", "info") for o in self.manifest["outcomes"]}
        values = self.outcomes()
        strategy = self.experiments["strategy"].to_numpy(dtype=object)
        rows = []
        order = self.strategies or list(dict.fromkeys(strategy))
        for name in self.outcome_names:
            arr = values[name]
            label = name
            if arr.ndim == 2:
                if arr.shape[1] == 0:
                    continue
                arr = arr[:, -1]
                label = f"{name}[{self.years[-1]}]"
            for s in order:
                v = arr[strategy == s]
                if v.size == 0:
                    continue
                q = np.quantile(v, [0.05, 0.5, 0.95])
                rows.append(
                    [label, s, directions[name], int(v.size), float(v.mean()),
                     float(v.std(ddof=1)) if v.size > 1 else float("nan"),
                     float(v.min()), float(q[0]), float(q[1]), float(q[2]), float(v.max())]
                )
        return pd.DataFrame(rows, columns=columns)

    def verify(self) -> None:
        """Check every recorded chunk file against its SHA-256 in the manifest.

        Raises
        ------
        ForewarnError
            Naming the first file that is missing or changed.
        """
        for chunk in self.manifest.get("chunks", []):
            file = self.path / CHUNKS / chunk_name(chunk["index"])
            if not file.is_file():
                raise ForewarnError(f"{file}: chunk file is missing")
            if sha256_file(file) != chunk["sha256"]:
                raise ForewarnError(f"{file}: chunk file changed since it was written (sha256 differs)")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
