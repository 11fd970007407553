"""Command: ``forewarn brief``, the main job."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import InputError
from .app import app


@app.command("brief")
def brief_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the run and brief.html.")] = Path("runs/brief"),
    strategy: Annotated[Optional[list[str]], typer.Option("--strategy", "-s", help="A strategy to compare (repeat); default all.")] = None,
    n: Annotated[int, typer.Option("-n", help="Futures to explore (each under every strategy).")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the run: same seed, same brief.")] = 2025,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes for the run.")] = 1,
    db: Annotated[Optional[str], typer.Option("--db", help="Evidence store URL or SQLite path (default FOREWARN_DB or the user data folder).")] = None,
    no_html: Annotated[bool, typer.Option("--no-html", help="Do not write brief.html and brief.json.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole brief as JSON (every figure of the text) instead of text.")] = False,
) -> None:
    """Answer the five questions on Kosovo's security from many futures, with sources; write an HTML brief.

    A model error (outputs that break the model's contract) stops with exit code 1 and leaves any
    earlier run in the output folder as it was.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from ..report.brief import render_terminal
    from ..kosovo.brief import build_kosovo_brief

    if n < 100:
        raise InputError("must be at least 100", field="-n")
    if n > 5_000_000:
        raise InputError("must be at most 5,000,000 for a brief (use `forewarn run` for larger runs)", field="-n")
    if workers < 1:
        raise InputError("must be at least 1", field="--workers")
    from .common import check_out_folder

    check_out_folder(out)
    err = Console(stderr=True)
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("running futures × strategies", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        brief = build_kosovo_brief(n=n, seed=seed, strategies=strategy, out=out, db=db, workers=workers,
                                   progress=progress, html=not no_html)
    if as_json:
        import json

        typer.echo(json.dumps(brief.to_dict(), indent=1, ensure_ascii=False))
        return
    render_terminal(brief, Console(soft_wrap=False))

