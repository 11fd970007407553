"""Commands: ``forewarn case check CASE`` and ``forewarn case show CASE``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .app import app, case_app  # noqa: F401

CASE_ARG = typer.Argument(..., help="A case file (TOML).", show_default=False)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _range(p: Any) -> str:
    if p.kind in ("real", "integer"):
        return f"{_fmt(p.low)} … {_fmt(p.high)}"
    if p.kind == "boolean":
        return "false | true"
    return " | ".join(_fmt(c) for c in p.choices)


def _provenance(item: Any) -> str:
    if item.sources:
        return ", ".join(item.sources)
    if item.assumption:
        return f"[italic]assumption:[/] {item.assumption}"
    return "[yellow]none[/]"


def check(case_file: Path = CASE_ARG) -> None:
    """Check a case file and that its model imports; print what it holds."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..engine.model import load_model, model_version
    from ..engine.space import load_case

    case = load_case(case_file)
    model = load_model(case)
    signposts = []
    if case.signposts:
        from ..signposts import check_against_case, parse_signposts

        signposts = parse_signposts(case)
        check_against_case(signposts, case)
    console = Console(highlight=False, soft_wrap=False)
    console.print(f"[bold]{escape(case.name)}[/]  ({escape(str(case_file))})")
    if case.description:
        console.print(escape(case.description))
    console.print(f"model: {escape(case.model)}  (version {escape(model_version(model))})")
    if case.time is not None:
        years = case.time.years
        console.print(f"time: {years[0]}–{years[-1]}, step {case.time.step} ({len(years)} years)")

    for section in ("uncertainties", "levers"):
        params = getattr(case, section)
        if not params:
            continue
        table = Table(title=f"{section} ({len(params)})", title_justify="left", expand=False)
        for column in ("name", "kind", "range", "default", "unit", "sources"):
            table.add_column(column, overflow="fold")
        for p in params:
            default = _fmt(p.default) if p.default is not None else f"[dim]{escape(_fmt(p.default_value))}[/]"
            table.add_row(escape(p.name), p.kind, escape(_range(p)), default, escape(p.unit), _provenance(p))
        console.print(table)

    if case.constants:
        table = Table(title=f"constants ({len(case.constants)})", title_justify="left")
        for column in ("name", "value", "unit", "sources"):
            table.add_column(column, overflow="fold")
        for name, c in case.constants.items():
            value = ", ".join(_fmt(v) for v in c.value) if isinstance(c.value, tuple) else _fmt(c.value)
            table.add_row(escape(name), escape(value), escape(c.unit), _provenance(c))
        console.print(table)

    table = Table(title=f"strategies ({len(case.strategy_names)})", title_justify="left")
    table.add_column("name")
    table.add_column("levers set", overflow="fold")
    table.add_column("description", overflow="fold")
    for name in case.strategy_names:
        s = case.strategy(name)
        levers = ", ".join(f"{k} = {_fmt(v)}" for k, v in s.levers.items()) or "[dim](all defaults)[/]"
        table.add_row(escape(name), levers if not s.levers else escape(levers), escape(s.description))
    console.print(table)

    table = Table(title=f"outcomes ({len(case.outcomes)})", title_justify="left")
    for column in ("name", "kind", "direction", "unit", "description"):
        table.add_column(column, overflow="fold")
    for o in case.outcomes:
        table.add_row(escape(o.name), o.kind, o.direction, escape(o.unit), escape(o.description))
    console.print(table)

    if case.signposts:
        console.print(f"signposts: {len(case.signposts)}")
    unsourced = case.unsourced()
    if unsourced:
        console.print(f"[yellow]without sources or assumption:[/] {escape(', '.join(unsourced))}")
    console.print(f"[green]ok[/]  case hash {case.hash()[:16]}")


case_app.command("check")(check)
case_app.command("show", help="Same as `check`: validate a case file and print what it holds.")(check)
