"""Commands: ``forewarn case check CASE`` (a summary; ``--full`` for every table) and
``forewarn case show CASE`` (every table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .app import app, case_app  # noqa: F401

CASE_ARG = typer.Argument(..., metavar="CASE", help="A case file (TOML), or `kosovo` for the built-in case.",
                          show_default=False)


def _fmt(value: Any, unit: str = "") -> str:
    """A value for people: thousands separated, except years (``2026``, not ``2,026``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    sep = "" if unit.strip().lower() == "year" else ","
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return format(int(value), sep)
        return format(value, f"{sep}.6g")
    if isinstance(value, int):
        return format(value, sep)
    return str(value)


def _range(p: Any) -> str:
    if p.kind in ("real", "integer"):
        return f"{_fmt(p.low, p.unit)} … {_fmt(p.high, p.unit)}"
    if p.kind == "boolean":
        return "false | true"
    return " | ".join(_fmt(c) for c in p.choices)


def _stress(p: Any) -> str:
    """An uncertainty's stress range (``Case.with_ranges("stress")``), or empty when it has none."""
    return "" if p.stress is None else f"{_fmt(p.stress.low, p.unit)} … {_fmt(p.stress.high, p.unit)}"


def _cost(p: Any) -> str:
    """What a lever costs: the inputs that price it, or why it is free."""
    if p.cost is None:
        return ""
    if p.cost.free is not None:
        return f"free: {p.cost.free}"
    priced = f"priced by {', '.join(p.cost.priced_by)}"
    return f"{priced}: {p.cost.note}" if p.cost.note else priced


def _provenance(item: Any) -> str:
    if item.sources:
        return ", ".join(item.sources)
    if item.assumption:
        return f"[italic]assumption:[/] {item.assumption}"
    return "[yellow]none[/]"


def check(
    case_file: str = CASE_ARG,
    full: bool = typer.Option(False, "--full", help="Print every uncertainty (with its stress range), lever (with "
                              "its cost), constant, strategy and outcome."),
) -> None:
    """Check a case file, its signposts, and that its model imports and runs; print a summary."""
    from rich.console import Console

    from .common import case_path, load_checked_case

    path = case_path(case_file)
    case = load_checked_case(path)
    console = Console(highlight=False, soft_wrap=False)
    _print_head(console, case, path)
    if full:
        _print_tables(console, case)
    else:
        _print_summary(console, case)
    unsourced = case.unsourced()
    if unsourced:
        from rich.markup import escape

        console.print(f"[yellow]without sources or assumption:[/] {escape(', '.join(unsourced))}")
    console.print(f"[green]ok[/]  case hash {case.hash()[:16]}")


def show(case_file: str = CASE_ARG) -> None:
    """Check a case file as `case check` does and print every table it holds."""
    check(case_file, full=True)


def _print_head(console: Any, case: Any, path: Path) -> None:
    from rich.markup import escape

    from ..engine.model import load_model, model_version

    console.print(f"[bold]{escape(case.name)}[/]  ({escape(str(path))})")
    if case.description:
        console.print(escape(case.description))
    console.print(f"model: {escape(case.model)}  (version {escape(model_version(load_model(case)))})")
    if case.time is not None:
        years = case.time.years
        console.print(f"time: {years[0]}–{years[-1]}, step {case.time.step} ({len(years)} years)")


def _print_summary(console: Any, case: Any) -> None:
    from rich.markup import escape

    def names(items: list[str], most: int = 8) -> str:
        shown = ", ".join(items[:most])
        return shown + (f", … ({len(items) - most} more)" if len(items) > most else "")

    rows = [
        ("uncertainties", case.uncertainty_names),
        ("levers", case.lever_names),
        ("constants", list(case.constants)),
        ("strategies", case.strategy_names),
        ("outcomes", case.outcome_names),
        ("signposts", [str(s.get("name", "?")) for s in case.signposts]),
    ]
    for label, items in rows:
        if items:
            console.print(f"{label} ({len(items)}): {escape(names(items))}")
    console.print("[dim]every table: forewarn case check --full (or forewarn case show)[/]")


def _print_tables(console: Any, case: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    for section in ("uncertainties", "levers"):
        params = getattr(case, section)
        if not params:
            continue
        # The stress range (uncertainties) and the cost (levers) get a column when the case declares any.
        extra = ("stress range" if any(p.stress is not None for p in params) else None if section == "uncertainties"
                 else "cost" if any(p.cost is not None for p in params) else None)
        table = Table(title=f"{section} ({len(params)})", title_justify="left", expand=False)
        for column in ("name", "kind", "range", "default", "unit", extra, "sources"):
            if column is not None:
                table.add_column(column, overflow="fold")
        for p in params:
            default = (_fmt(p.default, p.unit) if p.default is not None
                       else f"[dim]{escape(_fmt(p.default_value, p.unit))}[/]")
            cells = [escape(p.name), p.kind, escape(_range(p)), default, escape(p.unit)]
            if extra is not None:
                cells.append(escape(_stress(p) if section == "uncertainties" else _cost(p)))
            table.add_row(*cells, _provenance(p))
        console.print(table)

    if case.constants:
        table = Table(title=f"constants ({len(case.constants)})", title_justify="left")
        for column in ("name", "value", "unit", "sources"):
            table.add_column(column, overflow="fold")
        for name, c in case.constants.items():
            value = (", ".join(_fmt(v, c.unit) for v in c.value) if isinstance(c.value, tuple)
                     else _fmt(c.value, c.unit))
            table.add_row(escape(name), escape(value), escape(c.unit), _provenance(c))
        console.print(table)

    table = Table(title=f"strategies ({len(case.strategy_names)})", title_justify="left")
    table.add_column("name")
    table.add_column("levers set", overflow="fold")
    table.add_column("description", overflow="fold")
    for name in case.strategy_names:
        s = case.strategy(name)
        levers = ", ".join(f"{k} = {_fmt(v, case.parameter(k).unit)}" for k, v in s.levers.items()) or "[dim](all defaults)[/]"
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


case_app.command("check")(check)
case_app.command("show")(show)
