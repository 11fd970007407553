"""Commands: ``forewarn run`` (run a case over a design) and ``forewarn show`` (describe a run)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer

from ..engine import SAMPLING_METHODS as METHODS
from .app import app
from .common import check_out_folder, load_checked_case


@app.command("run")
def run_command(
    case: str = typer.Argument(..., metavar="CASE", help="The case file (TOML), or `kosovo` for the built-in case.",
                               show_default=False),
    method: str = typer.Option("lhs", "--method", help=f"Sampling method of the futures: {', '.join(METHODS)}."),
    design: str | None = typer.Option(None, "--design", hidden=True, help="Former name of --method."),
    n: int = typer.Option(..., "-n", help="Number of futures (each runs under every strategy).", show_default=False),
    seed: int = typer.Option(0, "--seed", help="The run's seed: same seed, same outcomes."),
    out: Path = typer.Option(..., "--out", help="Run folder to write.", show_default=False),
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", help="Experiments per chunk (default: 10000, or the run's own when resuming).",
        show_default=False,
    ),
    workers: int = typer.Option(1, "--workers", help="Worker processes (1: run in this process)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar on stderr."),
    resume: bool = typer.Option(False, "--resume", help="Continue a stopped run in --out."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace what is in --out."),
    strategy: list[str] | None = typer.Option(
        None, "--strategy", help="Run only this strategy (repeat for several; default: all).", show_default=False
    ),
    levers: int | None = typer.Option(
        None, "--levers", help="Also run N strategies sampled from the lever ranges (sampled_0001...).",
        show_default=False,
    ),
    scenarios: bool = typer.Option(
        False, "--scenarios", help="Also run every strategy under each stress scenario of the case (in OUT/scenarios/)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Run chunks on the Dask cluster of this scheduler (tcp://host:port).",
        show_default=False,
    ),
    ranges: str = typer.Option("sourced", "--ranges", help="Uncertainty ranges: sourced (the case as it is) or "
                               "stress (its declared stress ranges swapped in)."),
) -> None:
    """Run a case's model over sampled futures and strategies; write a resumable run folder."""
    from rich.console import Console

    from ..errors import InputError
    from ..engine.runner import run

    if design is not None:  # the former name, still accepted
        method = design
    if method not in METHODS:
        raise InputError(f"unknown sampling method {method!r} (known: {', '.join(METHODS)})", field="--method")
    for name, value in (("-n", n), ("--workers", workers), ("--chunk-size", chunk_size), ("--levers", levers)):
        if value is not None and value < 1:
            raise InputError(f"must be at least 1, got {value}", field=name)
    if seed < 0:
        raise InputError(f"must be 0 or more, got {seed}", field="--seed")
    if chunk_size is None:
        chunk_size = _resumed_chunk_size(out) if resume else None
    loaded = load_checked_case(case, ranges)
    check_out_folder(out)

    err = Console(stderr=True, highlight=False)
    kwargs: dict[str, Any] = dict(
        n=n, method=method, seed=seed, strategies=strategy or None, out=out, workers=workers,
        resume=resume, overwrite=overwrite, levers=levers,
    )
    if chunk_size is not None:
        kwargs["chunk_size"] = chunk_size
    if scheduler is not None:
        if workers > 1:
            raise InputError("give --workers or --scheduler, not both", field="--scheduler")
        from ..engine.cluster import DaskExecutor

        kwargs["executor"] = DaskExecutor(scheduler)
    try:
        results = _run_with_progress(run, loaded, kwargs, err, quiet)
        if scenarios:
            _run_scenarios(loaded, kwargs)
    finally:
        if scheduler is not None:
            kwargs["executor"].shutdown()
    m = results.manifest
    typer.echo(
        f"results in {results.path} ({m['n_experiments']:,} experiments: {m['n_futures']:,} futures x "
        f"{len(m['strategies'])} strategies, {m['n_chunks']} chunk{'s' if m['n_chunks'] != 1 else ''})"
    )


def _run_with_progress(run, loaded, kwargs: dict[str, Any], err, quiet: bool) -> Any:
    """Run, with a progress bar on stderr when it is a terminal (and not ``quiet``)."""
    if err.is_terminal and not quiet:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("running {task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("experiments"), TimeRemainingColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(loaded.name, total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return run(loaded, progress=progress, **kwargs)
    return run(loaded, **kwargs)


def _run_scenarios(case, kwargs: dict[str, Any]) -> None:
    """Run the case's stress scenarios beside the run and print the median of each outcome."""
    from rich.console import Console
    from rich.table import Table

    from ..engine.scenarios import run_scenarios, stress_table

    results = run_scenarios(case, **kwargs)
    table = stress_table(results)
    view = Table(title="Stress scenarios: median of each outcome over the futures")
    for column in table.columns:
        view.add_column(str(column), justify="left" if column in ("scenario", "strategy") else "right")
    for row in table.itertuples(index=False):
        view.add_row(*(v if isinstance(v, str) else _fmt(v) for v in row))
    Console(highlight=False).print(view)


def _resumed_chunk_size(out: Path) -> int | None:
    """The chunk size recorded in a run being resumed, so ``--resume`` need not repeat it."""
    try:
        from ..engine.results import read_manifest

        value = read_manifest(out).get("chunk_size")
    except Exception:  # noqa: BLE001 - no run there: run() decides what to do
        return None
    return value if isinstance(value, int) and value > 0 else None


@app.command("show")
def show_command(
    run_folder: Path = typer.Argument(..., metavar="RUN", help="A run folder.", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display on stderr."),
) -> None:
    """Describe a run: case, model, design, seed, sizes, chunks, and outcomes by strategy."""
    from ..engine.results import open_results
    from .common import working

    results = open_results(run_folder, allow_incomplete=True)
    with working(f"summarising {results.n:,} experiments of {run_folder}", quiet=quiet):
        info = _describe(results)
    if as_json:
        typer.echo(json.dumps(info, indent=2, ensure_ascii=False, allow_nan=False))
        return
    _print_tables(info)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _describe(results) -> dict[str, Any]:
    m = results.manifest
    summary = results.summary()
    return {
        "path": str(results.path),
        "case": {k: m["case"].get(k) for k in ("name", "hash", "source")},
        "model": m["model"],
        "design": m["design"],
        "seed": m["seed"],
        "n_experiments": m["n_experiments"],
        "n_futures": m["n_futures"],
        "strategies": m["strategies"],
        "outcomes": m["outcomes"],
        "years": m["years"],
        "chunk_size": m["chunk_size"],
        "chunks_done": len(m.get("chunks", [])),
        "n_chunks": m["n_chunks"],
        "experiments_done": results.n,
        "complete": bool(m.get("complete")),
        "created": m.get("created"),
        "finished": m.get("finished"),
        "forewarn_version": m.get("forewarn_version"),
        "packages": m.get("packages", {}),
        "summary": [{k: _clean(v) for k, v in row.items()} for row in summary.to_dict(orient="records")],
    }


def _print_tables(info: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    state = "complete" if info["complete"] else f"INCOMPLETE ({info['chunks_done']} of {info['n_chunks']} chunks)"
    design = info["design"]
    futures = design.get("futures", design) if isinstance(design, dict) else {}
    method = futures.get("method", "?") if isinstance(futures, dict) else "?"
    extras = {k: v for k, v in futures.items() if k in ("n", "options", "block_size") and v not in ({}, None)}
    head = Table(show_header=False, box=None, pad_edge=False)
    head.add_column(style="bold")
    head.add_column()
    years = info["years"]
    rows = [
        ("run", f"{info['path']} ({state})"),
        ("case", f"{info['case']['name']} (hash {info['case']['hash'][:12]}, from {info['case']['source']})"),
        ("model", f"{info['model']['import']} (version {info['model']['version']})"),
        ("design", f"{method} " + " ".join(f"{k}={json.dumps(v, sort_keys=True)}" for k, v in extras.items())),
        ("seed", str(info["seed"])),
        ("experiments", f"{info['experiments_done']:,} of {info['n_experiments']:,} "
                        f"({info['n_futures']:,} futures x {len(info['strategies'])} strategies)"),
        ("strategies", ", ".join(info["strategies"])),
        ("chunks", f"{info['chunks_done']} of {info['n_chunks']} (size {info['chunk_size']:,})"),
        ("years", f"{years[0]}-{years[-1]} ({len(years)})" if years else "none"),
        ("created", f"{info['created']} with forewarn {info['forewarn_version']}"),
    ]
    for key, value in rows:
        head.add_row(key, value)
    console.print(head)
    if not info["summary"]:
        console.print("no outcomes stored yet")
        return
    # One small table per outcome: its name and direction in the title, whole, whatever the
    # terminal's width; the strategies' names are never cut either.
    from rich import box

    console.print("[bold]Outcomes by strategy[/] (mean, and p05, median and p95 over the futures)")
    width = max(len(str(row["strategy"])) for row in info["summary"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in info["summary"]:
        groups.setdefault(row["outcome"], []).append(row)
    for outcome, rows in groups.items():
        table = Table(title=f"{outcome} ({rows[0]['direction']})", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False)
        table.add_column("strategy", no_wrap=True, min_width=width)
        for col in ("mean", "p05", "median", "p95"):
            table.add_column(col, justify="right", no_wrap=True)
        for row in rows:
            table.add_row(row["strategy"], *(_fmt(row[k]) for k in ("mean", "p05", "median", "p95")))
        console.print()
        console.print(table)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"
