"""Command: ``forewarn search`` (many-objective robust search over the lever space)."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import app


@app.command("search")
def search_command(
    case: str = typer.Argument(..., metavar="CASE", help="The case file (TOML) with objectives, or a built-in "
                               "case name.", show_default=False),
    futures: int = typer.Option(100, "--futures", help="Futures each candidate strategy is evaluated on."),
    evaluations: int = typer.Option(10_000, "--evaluations", help="Candidate strategies to evaluate in all."),
    population: int = typer.Option(100, "--population", help="Candidates per generation (even, >= 4)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the futures and the search: same seed, same Pareto set."),
    out: Path = typer.Option(..., "--out", help="Search folder to write.", show_default=False),
    test_futures: int | None = typer.Option(
        None, "--test-futures", help="Fresh futures for the out-of-sample check (default 4 x --futures).",
        show_default=False,
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue a stopped search in --out."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a search in --out."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Split each generation over the Dask cluster of this scheduler (tcp://host:port).",
        show_default=False,
    ),
) -> None:
    """Search the lever space for strategies robust on the case's objectives; write the Pareto set."""
    from rich.console import Console

    from ..analysis.search import FILES, search, write_file
    from ..report.search_charts import convergence_chart
    from .common import check_out_folder, load_checked_case

    loaded = load_checked_case(case)
    check_out_folder(out)
    err = Console(stderr=True, highlight=False)
    kwargs = dict(out=out, futures=futures, evaluations=evaluations, population=population, seed=seed,
                  test_futures=test_futures, resume=resume, overwrite=overwrite)
    if scheduler is not None:
        from ..engine.cluster import DaskExecutor

        kwargs["executor"] = DaskExecutor(scheduler)
    try:
        result = _search(search, loaded, kwargs, err, evaluations)
    finally:
        if scheduler is not None:
            kwargs["executor"].shutdown()
    write_file(out / FILES["chart"], convergence_chart(result.convergence,
                                                       title=f"Search convergence: {loaded.name}").encode("utf-8"))
    _report(result)


def _search(search, loaded, kwargs, err, evaluations):
    """Search, with a progress bar on stderr when it is a terminal."""
    if err.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("searching {task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("evaluations {task.fields[hv]}"), TimeRemainingColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(loaded.name, total=evaluations, hv="")

            def progress(row: dict) -> None:
                bar.update(task, completed=min(row["evaluations"], evaluations),
                           hv=f"hypervolume {row['hypervolume']:.4f}, ε-progress {row['epsilon_progress']}")

            return search(loaded, progress=progress, **kwargs)
    return search(loaded, **kwargs)


def _report(result) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    m = result.manifest
    final = m.get("final", {})
    console.print(
        f"{m['pareto_size']} Pareto strategies after {m['evaluations_done']:,} evaluations "
        f"({m['generations']} generations, {m['experiments']:,} model experiments); "
        f"hypervolume {final.get('hypervolume', 0):.4f}, ε-progress {final.get('epsilon_progress', 0)}"
    )
    aside = m.get("futures_set_aside", {})
    if any(aside.values()):
        console.print(f"Futures set aside as contradicting the observed present ([adaptation] holds_today): "
                      f"{aside.get('futures', 0):,} of {m['futures']:,} searched on, {aside.get('test_futures', 0):,} "
                      f"of {m['test_futures']:,} fresh ones.", markup=False)
    fresh = m["test_futures"] - aside.get("test_futures", 0)
    table = Table(title=f"Out of sample: the Pareto set on {fresh:,} fresh futures")
    for col in ("objective", "direction", "in sample (mean)", "out of sample (mean)", "largest change"):
        table.add_column(col, justify="left" if col in ("objective", "direction") else "right")
    for row in m["out_of_sample"]:
        table.add_row(row["objective"], row["direction"], f"{row['in_sample_mean']:.4g}",
                      f"{row['out_of_sample_mean']:.4g}", f"{row['largest_change']:.4g}")
    console.print(table)
    console.print(f"results in {result.path}: pareto.parquet, pareto.toml ([[strategies]] to paste into the "
                  "case), convergence.csv, convergence.svg, search.json", markup=False)
