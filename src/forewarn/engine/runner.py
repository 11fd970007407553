"""The ensemble runner: evaluate a case's model over a design, chunk by chunk, into a run folder.

A run is a pure function of (model version, case, design, seed). Every experiment carries its
future's seed from the design, so the outcomes are bit-identical whatever the chunk size, the
number of worker processes, the executor, or how many times the run was stopped and resumed.

Each chunk is written atomically (temporary file in the same folder, ``fsync``, ``os.replace``)
and only then recorded in ``manifest.json``, which is itself replaced atomically and written by
the main process alone. A killed run leaves at worst a temporary file or a chunk file that the
manifest does not list; :func:`run` with ``resume=True`` deletes those and computes what is
missing.

Parallelism has one seam: any :class:`concurrent.futures.Executor`. ``workers > 1`` builds a
:class:`~concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start method; each worker
loads the model from the case itself, so nothing relies on state inherited from the parent.
"""

from __future__ import annotations

import datetime as _dt
import errno
import io
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ForewarnError, InputError
from .jsonable import to_jsonable
from .lifeline import exit_with_parent
from .results import (
    CASE_COPY,
    CHUNKS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    Results,
    chunk_name,
    read_manifest,
)

__all__ = ["run", "chunk_table", "ChunkPlan", "PendingChunks", "ChunkWriteError", "write_error"]

Progress = Callable[[int, int], None]


def run(
    case: Any,
    design: Any = None,
    *,
    n: int | None = None,
    method: str = "lhs",
    seed: int = 0,
    strategies: list[str] | None = None,
    out: str | os.PathLike[str],
    chunk_size: int = 10_000,
    workers: int = 1,
    executor: Executor | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    overwrite: bool = False,
    levers: int | None = None,
) -> Results:
    """Run a case's model over a design and store the results in a run folder.

    Parameters
    ----------
    case : forewarn.engine.space.Case or path
        The case (a path is read with :func:`forewarn.engine.space.load_case`).
    design : Design, str or None
        A ready design (``forewarn.engine.design.experiments(...)``); or a method name (``"lhs"``...),
        a shorthand for ``method``; or ``None`` to build one from ``n``, ``method``, ``seed`` and
        ``strategies``.
    n : int, optional
        Number of futures to sample (each is run under every strategy).
    method : {"lhs", "sobol", "mc", "factorial", "saltelli", "morris"}
        Sampling method when the design is built here.
    seed : int
        The run's seed; ignored when a ready design is given (its own seed is used).
    strategies : list of str, optional
        Strategy names to run (default: all the case declares).
    out : path
        The run folder. It must be empty or absent, unless ``resume`` or ``overwrite``.
    chunk_size : int
        Experiments per chunk; bounds memory (at most ``workers + 1`` chunks in flight).
    workers : int
        Worker processes; ``1`` runs in this process. Workers exit when this process dies.
    executor : concurrent.futures.Executor, optional
        Run chunks on this executor instead (``workers`` then only sizes the in-flight window
        when the executor does not say how many workers it has).
    resume : bool
        Continue a stopped run in ``out``: the case, design, seed, chunk size and model version
        must match the manifest; only missing chunks are computed. An empty ``out`` starts a
        new run.
    progress : callable, optional
        Called as ``progress(done_experiments, total_experiments)`` after each chunk (and once
        at the start).
    overwrite : bool
        Replace a run (or write into a non-empty folder) already at ``out``.
    levers : int, optional
        Also run this many strategies sampled from the lever ranges (named ``sampled_0001``...,
        seeded by ``seed``; :func:`forewarn.engine.levers.sample_strategies`), alongside the
        declared (or chosen) ones. The run records the case with them added, and its
        ``case.toml`` ends with them as ``[[strategies]]`` tables.

    Returns
    -------
    forewarn.engine.results.Results

    Raises
    ------
    InputError
        Bad arguments, a design too large to hold, a folder that is not a matching run or
        cannot be created, or a model that breaks the model contract
        (:class:`~forewarn.errors.ModelOutputError`, which leaves no chunk for the failed
        experiments).
    ForewarnError
        A model that raises, a worker that dies, or a run folder that cannot be written (a
        full disk says so); the chunks recorded so far are kept for ``resume``.

    Examples
    --------
    >>> import forewarn
    >>> case = forewarn.load_case("examples/lake/case.toml")          # doctest: +SKIP
    >>> res = forewarn.run(case, n=1000, design="lhs", seed=1, out="runs/lake")  # doctest: +SKIP
    """
    from .model import load_model, model_version

    case = _as_case(case)
    _check_int("chunk_size", chunk_size, 1)
    _check_int("workers", workers, 1)
    if not isinstance(seed, np.random.SeedSequence):
        _check_int("seed", seed, 0)
    sampled: list[str] = []
    if levers is not None:
        ready = None if isinstance(design, str) else design
        case, sampled, strategies = _add_sampled_levers(case, levers, seed, ready, strategies)
    design = _resolve_design(case, design, n=n, method=method, seed=seed, strategies=strategies)
    total = _design_len(design)
    if total < 1:
        raise InputError("the design has no experiments", field="n")
    out = Path(out)
    # Loading the model here checks it before anything is written, and gives its version.
    version = model_version(load_model(case))
    manifest = _new_manifest(case, design, _seed_of(design, seed), total, chunk_size, version)
    try:
        done = _prepare_folder(out, manifest, resume=resume, overwrite=overwrite)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise write_error(exc.errno, exc.strerror, out, "the run's files") from None
        raise InputError(f"cannot make the run folder here ({exc.strerror or exc})", source=out, field="out") from None
    if sampled:
        _append_strategies_to_copy(out, case, sampled)
    plan = ChunkPlan(case, design, PendingChunks(manifest["n_chunks"], frozenset(done)), chunk_size, total, out)
    state = _Manifest(out, manifest, done)
    state.save()
    done_rows = sum(c["rows"] for c in done.values())
    if progress is not None:
        progress(done_rows, total)
    _execute(plan, _Recorder(state, progress, done_rows, plan), state, executor=executor, workers=workers)
    state.complete()
    return Results(out, state.data)


def _as_case(case: Any) -> Any:
    from .space import Case, load_case

    if isinstance(case, Case):
        return case
    if isinstance(case, (str, os.PathLike)):
        return load_case(case)
    raise InputError(f"case must be a forewarn Case or a case file path, got {type(case).__name__}")


def _resolve_design(case: Any, design: Any, *, n: int | None, method: str, seed: Any,
                    strategies: list[str] | None) -> Any:
    """The design to run: the one given, or one built from ``n``, ``method`` and ``seed``."""
    from . import design as design_mod

    if isinstance(design, str):
        method, design = design, None
    if design is None:
        if method not in design_mod.METHODS:
            known = ", ".join(design_mod.METHODS)
            raise InputError(f"unknown sampling method {method!r} (known: {known})", field="method")
        if n is None:
            raise InputError("give a design or the number of futures `n`", field="n")
        _check_int("n", n, 1)
        if strategies is not None:
            for name in strategies:
                case.strategy(name)  # InputError naming the known strategies
        design = design_mod.experiments(case, n, method=method, seed=seed, strategies=strategies)
    made_for = getattr(design, "case", None)
    if made_for is not None and hasattr(made_for, "hash") and made_for.hash() != case.hash():
        raise InputError(f"the design was made for another case ({made_for.name!r}) than the one run ({case.name!r})",
                         field="design")
    return design


def _add_sampled_levers(case: Any, levers: Any, seed: Any, design: Any, strategies: Any) -> tuple[Any, list[str], Any]:
    """The case with ``levers`` sampled strategies, their names, and the strategies to run."""
    from .levers import with_sampled_levers

    if design is not None:
        raise InputError("sampled levers need a design built by the run (give n, not a design)", field="levers")
    _check_int("levers", levers, 1)
    if strategies is not None:
        for name in strategies:
            case.strategy(name)
    bigger, names = with_sampled_levers(case, int(levers), seed)
    chosen = None if strategies is None else [*strategies, *names]
    return bigger, names, chosen


def _append_strategies_to_copy(out: Path, case: Any, names: list[str]) -> None:
    """End the run's copy of the case file with the sampled strategies, when it reads back the same."""
    from .levers import strategies_toml
    from .space import parse_case

    copy = out / CASE_COPY
    if not copy.is_file():
        return
    import tomllib

    text = copy.read_text(encoding="utf-8")
    snippet = strategies_toml([case.strategy(n) for n in names], header="Strategies sampled from the lever ranges (levers=N).")
    combined = text.rstrip("\n") + "\n\n" + snippet
    try:
        same = parse_case(tomllib.loads(combined)).hash() == case.hash()
    except Exception:  # noqa: BLE001 - e.g. strategies given as an inline array: keep the plain copy
        same = False
    if same:
        _write_bytes_atomic(copy, combined.encode("utf-8"))


# -- execution -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingChunks:
    """The chunks not done yet, in order, without listing them (a run may have millions)."""

    n_chunks: int
    done: frozenset[int]

    def __iter__(self) -> Iterator[int]:
        return (i for i in range(self.n_chunks) if i not in self.done)

    def __len__(self) -> int:
        return self.n_chunks - len(self.done)


@dataclass(frozen=True)
class ChunkPlan:
    """What is left to compute: chunks of a design, for a case, into a run folder.

    Chunk ``i`` holds experiments ``i * chunk_size`` up to ``min((i + 1) * chunk_size, total)``.
    """

    case: Any
    design: Any
    pending: PendingChunks
    chunk_size: int
    total: int
    out: Path

    def bounds(self, index: int) -> tuple[int, int]:
        """First and one-past-last experiment of chunk ``index``."""
        start = index * self.chunk_size
        return start, min(start + self.chunk_size, self.total)

    def rows(self, index: int) -> tuple[int, Any]:
        """First experiment and design rows of chunk ``index``."""
        start, stop = self.bounds(index)
        return start, self.design.rows(start, stop)

    def where(self, index: int) -> str:
        """The chunk in words, for messages."""
        start, stop = self.bounds(index)
        return f"chunk {index} (experiments {start}..{stop - 1})"


def _execute(plan: ChunkPlan, record: _Recorder, state: _Manifest, *, executor: Executor | None,
             workers: int) -> None:
    """Compute the plan's chunks in this process, on ``executor``, or on a pool of ``workers``."""
    if not plan.pending:
        return
    own_pool = None
    if executor is None and workers > 1:
        own_pool = executor = _process_pool(min(workers, len(plan.pending)))
    failed = True
    try:
        if executor is None:
            _run_in_process(plan, record)
        else:
            _run_on(executor, int(getattr(executor, "_max_workers", workers) or workers) + 1, plan, record)
        failed = False
    finally:
        if own_pool is not None:
            own_pool.shutdown(wait=True, cancel_futures=True)
        try:
            state.flush()
        except ForewarnError:
            if not failed:  # else the error that stopped the run is the one to report
                raise


def _process_pool(workers: int) -> Executor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: workers start clean (no threads or state inherited from this process), the same on
    # every platform. The initializer makes each worker exit when this process dies.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=exit_with_parent, initargs=(os.getpid(),))


def _run_on(executor: Executor, slots: int, plan: ChunkPlan, record: _Recorder) -> None:
    """Feed chunks to ``executor`` keeping at most ``slots`` in flight; record them as they end."""
    queue = iter(plan.pending)  # never listed whole: a run may have millions of chunks
    index = next(queue, None)
    running: dict[Future, int] = {}
    try:
        while index is not None or running:
            while index is not None and len(running) < slots:
                start, rows = plan.rows(index)
                running[executor.submit(_run_chunk, plan.case, rows, index, start, str(plan.out))] = index
                index = next(queue, None)
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in sorted(finished, key=running.__getitem__):
                record(fut, running.pop(fut))
    finally:
        for fut in running:
            fut.cancel()
        # Let chunks already running finish writing (they are atomic); they stay unrecorded.
        wait(list(running))


class _Recorder:
    """Records finished chunks in the manifest and reports progress; names the chunk on failure."""

    def __init__(self, state: _Manifest, progress: Progress | None, done_rows: int, plan: ChunkPlan) -> None:
        self.state, self.progress, self.done_rows, self.plan = state, progress, done_rows, plan

    def __call__(self, fut: Future, index: int) -> None:
        try:
            rec = fut.result()
        except Exception as exc:  # noqa: BLE001
            raise _chunk_error(exc, index, self.plan) from exc
        self.state.add(rec)
        self.done_rows += rec["rows"]
        if self.progress is not None:
            self.progress(self.done_rows, self.plan.total)


def _run_in_process(plan: ChunkPlan, record: _Recorder) -> None:
    """Evaluate chunks in this process, writing each one while the next is computed.

    Encoding and writing Parquet releases the GIL, so one writer thread overlaps the disk with the
    model; at most two chunks are held in memory. Chunks are recorded in order, after their file
    is in place.
    """
    from concurrent.futures import ThreadPoolExecutor

    writing: tuple[Future, int] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="forewarn-writer") as writer:
        try:
            for index in plan.pending:
                start, rows = plan.rows(index)
                try:
                    table = _compute_chunk(plan.case, rows, start)
                except Exception as exc:  # noqa: BLE001
                    if writing is not None:  # the chunk before it is good: keep it
                        pending_write, writing = writing, None
                        record(*pending_write)
                    raise _chunk_error(exc, index, plan) from exc
                if writing is not None:
                    record(*writing)
                writing = (writer.submit(_write_chunk, table, index, str(plan.out)), index)
            if writing is not None:
                record(*writing)
                writing = None
        finally:
            if writing is not None:
                # A chunk being written when the run stops is left to finish (atomic) but unrecorded.
                wait([writing[0]])


def _compute_chunk(case: Any, rows: Any, start: int):
    """Evaluate the model on one chunk's rows; returns the chunk's Arrow table."""
    from .model import call_model, load_model, model_inputs

    model = load_model(case)
    outputs = call_model(model, model_inputs(case, rows), case, offset=start)
    return chunk_table(rows, outputs, case)


class ChunkWriteError(Exception):
    """A chunk file could not be written (an ``OSError`` at the write, kept apart from model errors).

    It crosses process boundaries by pickling, so it carries plain values only.
    """

    def __init__(self, errno_: int | None, strerror: str | None, path: str) -> None:
        super().__init__(errno_, strerror, path)
        self.errno, self.strerror, self.path = errno_, strerror, path


def _write_chunk(table: Any, index: int, out: str) -> dict[str, Any]:
    path = Path(out) / CHUNKS / chunk_name(index)
    try:
        size, digest = _write_parquet_atomic(table, path)
    except OSError as exc:
        raise ChunkWriteError(exc.errno, exc.strerror or str(exc), str(path)) from None
    return {"index": index, "rows": table.num_rows, "bytes": size, "sha256": digest}


def _run_chunk(case: Any, rows: Any, index: int, start: int, out: str) -> dict[str, Any]:
    """Evaluate one chunk and write it atomically; returns its manifest record.

    Runs in a worker process: it loads the model from the case itself.
    """
    return _write_chunk(_compute_chunk(case, rows, start), index, out)


def _chunk_error(exc: BaseException, index: int, plan: ChunkPlan) -> ForewarnError:
    where = plan.where(index)
    if isinstance(exc, ChunkWriteError):
        return write_error(exc.errno, exc.strerror, plan.out, where)
    if isinstance(exc, InputError):
        try:
            new = type(exc)(f"{exc.message} [{where}]", source=exc.source, line=exc.line, field=exc.field)
        except TypeError:
            return exc
        return new
    if isinstance(exc, ForewarnError):
        return exc
    from concurrent.futures import BrokenExecutor

    if isinstance(exc, BrokenExecutor):
        return ForewarnError(
            f"a worker process died during {where} (out of memory, or killed?); the chunks done are "
            "kept: finish the run with --resume (perhaps with a smaller --chunk-size)"
        )
    return ForewarnError(f"model failed in {where}: {type(exc).__name__}: {exc}")


def write_error(errno_: int | None, strerror: str | None, folder: Path, what: str) -> ForewarnError:
    """The error for a failed write into a run folder; a full disk (or quota) says so.

    Parameters
    ----------
    errno_ : int or None
        The ``OSError``'s ``errno``.
    strerror : str or None
        Its text.
    folder : Path
        The run folder.
    what : str
        What was being written ("chunk 5 (experiments 50..59)", "the manifest").
    """
    if errno_ in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return ForewarnError(
            f"the disk is full: cannot write {what} into the run folder {folder} ({strerror}); the chunks "
            "recorded so far are kept: free some space, then finish the run with --resume"
        )
    return ForewarnError(f"cannot write {what} into the run folder {folder}: {strerror}")


def chunk_table(rows: Any, outputs: Mapping[str, np.ndarray], case: Any):
    """The Arrow table of one chunk: design columns, then one column per outcome.

    Scalar outcomes become ``float64`` columns, series outcomes ``fixed_size_list<float64>[T]``.
    Column types do not depend on the chunk's content, so every chunk has the same schema.
    """
    import pyarrow as pa

    table = pa.Table.from_pandas(rows, preserve_index=False)
    columns, names = [], []
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind = column.type
        if pa.types.is_dictionary(kind):
            column = column.cast(kind.value_type)
            kind = kind.value_type
        if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
            column = column.cast(pa.string())
        if name in ("experiment", "future"):
            column = column.cast(pa.int64())
        elif name == "seed":
            column = column.cast(pa.uint64())
        columns.append(column)
        names.append(name)
    for outcome in case.outcomes:
        values = np.ascontiguousarray(outputs[outcome.name], dtype=np.float64)
        if outcome.kind == "series":
            T = values.shape[1]
            columns.append(pa.FixedSizeListArray.from_arrays(pa.array(values.reshape(-1)), T))
        else:
            columns.append(pa.array(values))
        names.append(outcome.name)
    return pa.table(columns, names=names)


def _write_parquet_atomic(table, path: Path) -> tuple[int, str]:
    """Write ``table`` to ``path`` atomically; return (size in bytes, sha256 hex)."""
    import hashlib

    import pyarrow.parquet as pq

    import pyarrow as pa

    # Dictionary encoding only pays on text (strategy names, categories): on model outputs, which
    # are nearly all distinct floats, it doubles the write time for nothing. Snappy, Parquet's
    # default, is the fastest codec here and what every reader knows.
    text = [f.name for f in table.schema if pa.types.is_string(f.type) or pa.types.is_boolean(f.type)]
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="snappy", use_dictionary=text)
    data = buf.getvalue()
    # No fsync for chunks: a killed process loses nothing the kernel holds, and after a power cut
    # a resumed run re-hashes every recorded chunk and recomputes any that did not reach the disk
    # whole (see _prepare_folder). The manifest itself is written durably.
    _write_bytes_atomic(path, data, durable=False)
    return len(data), hashlib.sha256(data).hexdigest()


def _write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write to a temporary name in the same folder, fsync (when ``durable``), then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private; a run folder is as readable as any other output.
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if durable:
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows).
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- the run folder and its manifest ---------------------------------------------------------


class _Manifest:
    """The manifest being written by the main process.

    Rewriting it after every chunk would cost O(chunks^2) for runs of many small chunks, so it
    is saved at most every ``interval`` seconds, and always when the run stops (even on an
    error). A chunk written but not yet recorded is simply computed again on resume.
    """

    interval = 0.25

    def __init__(self, folder: Path, data: dict[str, Any], done: dict[int, dict[str, Any]]) -> None:
        self.folder = folder
        self.data = data
        self.done = dict(done)
        self.dirty = True
        self.saved_at = 0.0

    def add(self, record: dict[str, Any]) -> None:
        self.done[record["index"]] = record
        self.dirty = True
        if time.monotonic() - self.saved_at >= self.interval:
            self.save()

    def complete(self) -> None:
        if len(self.done) != self.data["n_chunks"]:  # pragma: no cover - guarded by run()
            raise ForewarnError(f"{self.folder}: run ended with chunks missing")
        self.data["complete"] = True
        self.data["finished"] = _now()
        self.save()

    def save(self) -> None:
        self.data["chunks"] = sorted(self.done.values(), key=lambda c: c["index"])
        text = json.dumps(self.data, indent=1, ensure_ascii=False) + "\n"
        try:
            _write_bytes_atomic(self.folder / MANIFEST, text.encode("utf-8"))
        except OSError as exc:
            raise write_error(exc.errno, exc.strerror or str(exc), self.folder, f"the manifest ({MANIFEST})") from None
        self.dirty = False
        self.saved_at = time.monotonic()

    def flush(self) -> None:
        if self.dirty:
            self.save()


def _new_manifest(case, design, seed: Any, total: int, chunk_size: int, version: str) -> dict[str, Any]:
    from .. import __version__

    spec = to_jsonable(design.spec()) if hasattr(design, "spec") else {"type": type(design).__name__}
    strategies = _design_strategies(design, case)
    years = [int(y) for y in case.time.years] if case.time is not None else []
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "forewarn_version": __version__,
        "case": {
            "name": case.name,
            "hash": case.hash(),
            "source": None if case.path is None else str(case.path),
            "content": case.canonical(),
        },
        "model": {"import": case.model, "version": version},
        "design": spec,
        "seed": seed,
        "n_experiments": total,
        "n_futures": _n_futures(design, total, len(strategies)),
        "chunk_size": chunk_size,
        "n_chunks": -(-total // chunk_size),
        "strategies": strategies,
        "columns": {"uncertainties": case.uncertainty_names, "levers": case.lever_names},
        "outcomes": [
            {"name": o.name, "kind": o.kind, "direction": o.direction, "unit": o.unit} for o in case.outcomes
        ],
        "years": years,
        "packages": _package_versions(),
        "created": _now(),
        "complete": False,
        "chunks": [],
    }


#: Manifest entries that must be equal for a run to be resumed, with how to name them.
_MUST_MATCH = (
    (("case", "hash"), "case (hash of its content)"),
    (("design",), "design"),
    (("seed",), "seed"),
    (("chunk_size",), "chunk size"),
    (("n_experiments",), "number of experiments"),
    (("strategies",), "strategies"),
    (("model", "import"), "model"),
    (("model", "version"), "model version"),
    (("outcomes",), "outcomes"),
)


def _get(data: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _describe(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _prepare_folder(
    out: Path, manifest: dict[str, Any], *, resume: bool, overwrite: bool
) -> dict[int, dict[str, Any]]:
    """Make ``out`` ready; return the chunks already done (when resuming)."""
    if out.exists() and not out.is_dir():
        raise InputError("run folder is a file, not a folder", source=out)
    non_empty = out.is_dir() and any(out.iterdir())
    done: dict[int, dict[str, Any]] = {}
    if non_empty and overwrite and not resume:
        # Remove only what a run writes; anything else in the folder is the user's.
        for name in (MANIFEST, CASE_COPY):
            (out / name).unlink(missing_ok=True)
        shutil.rmtree(out / CHUNKS, ignore_errors=True)
    elif non_empty:
        if not (out / MANIFEST).is_file():
            raise InputError(
                "folder is not empty and holds no run; choose another --out or pass --overwrite", source=out
            )
        old = read_manifest(out)
        if not resume:
            state = "complete" if old.get("complete") else f"{len(old.get('chunks', []))} of {old.get('n_chunks')} chunks done"
            raise InputError(
                f"folder already holds a run ({state}); pass --resume to continue it or --overwrite to replace it",
                source=out,
            )
        diffs = [
            f"{label}: {_describe(_get(manifest, keys))} now, {_describe(_get(old, keys))} in the run"
            for keys, label in _MUST_MATCH
            if to_jsonable(_get(manifest, keys)) != to_jsonable(_get(old, keys))
        ]
        if diffs:
            raise InputError("cannot resume, the run differs: " + "; ".join(diffs), source=out / MANIFEST)
        n_chunks = manifest["n_chunks"]
        for record in old.get("chunks", []):
            index = record.get("index")
            if isinstance(index, int) and 0 <= index < n_chunks and _intact(out / CHUNKS / chunk_name(index), record):
                done[index] = record
        manifest["created"] = old.get("created", manifest["created"])
        manifest["resumed"] = [*old.get("resumed", []), _now()]
        _clean_chunks(out / CHUNKS, set(done))
    out.mkdir(parents=True, exist_ok=True)
    (out / CHUNKS).mkdir(exist_ok=True)
    source = manifest["case"]["source"]
    if source and Path(source).is_file():
        _write_bytes_atomic(out / CASE_COPY, Path(source).read_bytes())
    return done


def _intact(path: Path, record: Mapping[str, Any]) -> bool:
    """Whether a recorded chunk file is there whole: its size and SHA-256 match the manifest."""
    import hashlib

    try:
        if path.stat().st_size != record.get("bytes"):
            return False
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                digest.update(block)
    except OSError:
        return False
    return digest.hexdigest() == record.get("sha256")


def _clean_chunks(folder: Path, keep: set[int]) -> None:
    """Delete temporary files and chunk files the manifest does not record."""
    if not folder.is_dir():
        return
    keep_names = {chunk_name(i) for i in keep}
    for entry in folder.iterdir():
        if entry.is_file() and entry.name not in keep_names and (
            entry.name.endswith(".tmp") or (entry.name.startswith("part-") and entry.name.endswith(".parquet"))
        ):
            entry.unlink()


# -- small helpers ---------------------------------------------------------------------------


def _check_int(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"must be a whole number >= {minimum}, got {value!r}", field=name.replace("_", "-"))


def _seed_of(design: Any, default: int) -> Any:
    """The run seed as recorded: the design's own (an int when it was made from one)."""
    value = getattr(design, "seed", None)
    if isinstance(value, np.random.SeedSequence):
        if not value.spawn_key and isinstance(value.entropy, int):
            return int(value.entropy)
        return {"entropy": value.entropy, "spawn_key": list(value.spawn_key)}
    if isinstance(value, (int, np.integer)):
        return int(value)
    return default


def _design_len(design: Any) -> int:
    for attr in ("n", "n_experiments", "n_rows"):
        value = getattr(design, attr, None)
        if isinstance(value, (int, np.integer)):
            return int(value)
    return int(len(design))


def _design_strategies(design: Any, case: Any) -> list[str]:
    names = getattr(design, "strategies", None)
    if names is None:
        return list(case.strategy_names)
    return [s if isinstance(s, str) else s.name for s in names]


def _n_futures(design: Any, total: int, n_strategies: int) -> int:
    value = getattr(design, "n_futures", None)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return total // max(n_strategies, 1)


def _package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in ("numpy", "pandas", "pyarrow", "scipy"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover
            out[name] = "not installed"
    return out


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
