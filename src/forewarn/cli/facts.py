"""Commands: ``forewarn facts load`` and ``forewarn facts show`` (the sourced fact base)."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import facts_app

#: The ``--db`` option shared by every command that touches the evidence store.
DB_OPTION = typer.Option(
    None,
    "--db",
    help="Evidence store: an SQLite file or an SQLAlchemy URL (postgresql+psycopg://...). "
    "Default: $FOREWARN_DB, else forewarn.db in the user data folder.",
    show_default=False,
)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _txt(x: object, default: str = "") -> str:
    """A cell's text, safe to print with rich: blank for NaN/None, no control characters or
    terminal escapes (text from articles), rich markup escaped (``[UAVs]`` stays as written)."""
    from rich.markup import escape

    from ..monitor.sources import clean_text

    if x is None or (isinstance(x, float) and x != x):
        return default
    try:
        import pandas as pd

        if pd.isna(x):
            return default
    except (TypeError, ValueError):
        pass
    return escape(clean_text(str(x)))


def _fmt_value(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.6g}"


@facts_app.command("load")
def load_command(
    csv: Path = typer.Argument(..., help="A fact CSV (id, topic, entity, quantity, value, unit, as_of, source_url, statement).", show_default=False),
    db: str | None = DB_OPTION,
) -> None:
    """Load a fact CSV into the evidence store: all rows or none; existing ids are updated."""
    from ..evidence import open_store

    with open_store(db) as store:
        before = store.counts()["facts"]
        n = store.load_facts(csv)
        after = store.counts()["facts"]
    _console().print(f"loaded {n} facts from {csv} ({after - before} new, {n - (after - before)} updated); {after} in {store.where}")


@facts_app.command("show")
def show_command(
    entity: str | None = typer.Option(None, "--entity", help="Entity, e.g. KFOR or 'KFOR/*' (case-insensitive, * is a wildcard).", show_default=False),
    quantity: str | None = typer.Option(None, "--quantity", help="Quantity name without annotations, e.g. total_strength ('*' wildcard).", show_default=False),
    since: str | None = typer.Option(None, "--since", help="Only figures as of this year or date and later.", show_default=False),
    topic: str | None = typer.Option(None, "--topic", help="kfor, us_kfor, us_europe, us_posture_2025, ksf, kosovo, serbia, neighbours, methods.", show_default=False),
    conflicts_only: bool = typer.Option(False, "--conflicts", help="Show only the conflicting figures."),
    db: str | None = DB_OPTION,
) -> None:
    """List figures over time, then conflicting figures for the same year side by side."""
    from rich.table import Table

    from ..errors import InputError
    from ..evidence import conflicts, open_store
    from ..evidence.facts import fact_qualifier, parse_as_of

    if since is not None:
        try:
            since = parse_as_of(since)
        except ValueError as exc:
            raise InputError(str(exc), field="--since") from None
    with open_store(db) as store:
        df = store.facts(entity=entity, quantity=quantity, since=since, topic=topic)
    out = _console()
    if df.empty:
        out.print("no facts match")
        return
    if not conflicts_only:
        table = Table(title=f"Figures over time ({len(df)})", show_lines=False)
        for col, kw in (("as of", {}), ("entity", {}), ("quantity", {}), ("value", {"justify": "right"}), ("unit", {}), ("id", {}), ("source", {}), ("note", {})):
            table.add_column(col, **kw)
        for r in df.itertuples(index=False):
            note = fact_qualifier(r.annotation, r.note)
            table.add_row(_txt(r.as_of, "—"), _txt(r.entity), _txt(r.base_quantity), _fmt_value(r.value), _txt(r.unit), _txt(r.id), _txt(r.outlet), _txt(note))
        out.print(table)
    conf = conflicts(df)
    if conf.empty:
        out.print("no conflicting figures among these facts")
        return
    table = Table(title=f"Conflicting figures ({conf['group'].nunique()} groups): same entity, quantity and year, different values", show_lines=True)
    table.add_column("entity")
    table.add_column("quantity")
    table.add_column("year")
    table.add_column("figures (value, as of, id, source)")
    for group, g in conf.groupby("group", sort=False):
        ent, q, unit, year = group.split(" | ")
        figs = "\n".join(
            f"{_fmt_value(r.value)} {_txt(unit)}  {_txt(r.as_of)}  {_txt(r.id)}  {_txt(r.outlet) or _txt(r.source_url)}"
            + (f"  ({_txt(qual)})" if (qual := fact_qualifier(r.annotation, r.note)) else "")
            for r in g.itertuples(index=False)
        )
        table.add_row(_txt(ent), _txt(q), year, figs)
    out.print(table)
