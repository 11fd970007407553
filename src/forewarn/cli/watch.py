"""Command: ``forewarn watch`` (registered on the shared app).

Shows every signpost of a case, whether the evidence store holds evidence that fired it, that
evidence (title, outlet, publication date, link, sentence; for statements of intent their level,
size and timing), and the constraint it puts on the futures. Actor names and missions come from
the case's gazetteer: ``--gazetteer``, else a ``gazetteer.toml`` beside the case file (the
built-in Kosovo case has one), else the monitor's general one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from .app import app

__all__ = ["watch", "default_case_path", "case_gazetteer"]


def default_case_path() -> Path:
    """The built-in Kosovo case file shipped in the package (:func:`forewarn.kosovo.case_path`)."""
    from ..kosovo import case_path

    return case_path()


def case_gazetteer(case_file: Path | str | None, given: Path | None = None) -> Any:
    """The gazetteer for a case: ``given``, else ``gazetteer.toml`` beside the case file, else None
    (the monitor's general one)."""
    from ..monitor.gazetteer import Gazetteer

    if given is not None:
        return Gazetteer.from_toml(given)
    if case_file is not None:
        beside = Path(case_file).parent / "gazetteer.toml"
        if beside.is_file():
            return Gazetteer.from_toml(beside)
    return None


def _open_store(db: str | None) -> Any:
    from ..errors import ForewarnError, InputError
    from ..evidence import ensure_defaults, open_store

    try:
        store = open_store(db, defaults=False)
        ensure_defaults(store)
    except ForewarnError:
        raise
    except Exception as exc:  # a driver or SQL error: the database given cannot be used
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(f"cannot use the evidence store ({first})", source=db or "FOREWARN_DB",
                         field="--db") from None
    return store


def _read_evidence(store: Any) -> dict[str, Any]:
    from ..errors import InputError

    try:
        # rejected items too: the matching sets them aside, and the statements of their sentences
        out = {name: getattr(store, name)(include_rejected=True) for name in ("force_claims", "quotes", "events")}
        # the texts too: statements of intent are extracted from them when the signposts are matched
        out["documents"] = store.documents(with_text=True)
        return out
    except Exception as exc:
        raise InputError(f"cannot read the evidence store ({type(exc).__name__}: {exc})",
                         source=getattr(store, "where", None), field="--db") from None


@app.command("watch")
def watch(
    case: Optional[str] = typer.Option(
        None, "--case", help="Case file whose \\[\\[signposts]] to check, or `kosovo` (default: the built-in Kosovo case)."
    ),
    gazetteer: Optional[Path] = typer.Option(
        None, "--gazetteer", help="Gazetteer file (TOML) with the case's actor names and missions "
        "(default: gazetteer.toml beside the case file)."
    ),
    db: Optional[str] = typer.Option(
        None, "--db", help="Evidence store: SQLAlchemy URL or SQLite file (default: $FOREWARN_DB, else the user data folder)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    max_evidence: int = typer.Option(3, "--max-evidence", min=0, help="Evidence items shown per signpost (tables only)."),
    run: Optional[Path] = typer.Option(
        None, "--run", help="A run folder: also say how many of its futures the fired signposts leave "
        "(the case defaults to the run's own)."
    ),
) -> None:
    """Check the case's signposts against the evidence store: which fired, on what evidence."""
    from ..signposts import match_signposts, narrowing_summary, parse_signposts

    path, loaded, results = _resolve_case(case, run)
    signposts = parse_signposts(loaded)
    store = _open_store(db)
    try:
        evidence = _read_evidence(store)
        where = getattr(store, "url", None) or str(db)
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()
    gz = case_gazetteer(path if path is not None and str(path).endswith(".toml") else None, gazetteer)
    statuses = match_signposts(signposts, evidence, gazetteer=gz)
    n_docs = len(evidence["documents"])
    summary = narrowing_summary(results.experiments, statuses, loaded) if results is not None else None
    if as_json:
        payload = {"case": loaded.name, "case_path": str(path), "store": where, "documents": n_docs,
                   "fired": sum(s.fired for s in statuses), "signposts": [s.to_dict() for s in statuses]}
        if summary is not None:
            payload["run"] = str(run)
            payload["narrowing"] = summary.to_dict()
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return
    _print_tables(loaded.name, where, n_docs, statuses, max_evidence)
    if summary is not None:
        from rich.console import Console
        from rich.markup import escape

        console = Console(highlight=False, soft_wrap=True)
        console.print()
        text = escape(str(summary))
        console.print(f"[bold]Futures of {escape(str(run))}[/]")
        console.print(f"[bold red]{text}[/]" if summary.empty else text)


def _resolve_case(case: str | None, run: Path | None) -> tuple[Any, Any, Any]:
    """(case path, loaded case, run results or None): ``--case`` (a file or a built-in name, the
    same resolution as every command), else the run's own case, else the built-in Kosovo case."""
    from ..engine.space import load_case
    from ..errors import InputError
    from .common import case_path

    results = None
    if run is not None:
        from ..engine.results import open_results

        results = open_results(run)
    if case is not None:
        path = case_path(case)
        return path, load_case(path), results
    if results is not None:
        loaded = results.case
        if loaded is None:
            raise InputError("the run's case cannot be read; give it with --case", source=run, field="--run")
        return getattr(loaded, "path", None) or run, loaded, results
    path = default_case_path()
    return path, load_case(path), results


def _print_tables(case_name: str, where: str, n_docs: int, statuses: list[Any], max_evidence: int) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    fired = [s for s in statuses if s.fired]
    console.print(
        f"[bold]Signposts[/] of case [bold]{escape(case_name)}[/]: {len(fired)} of {len(statuses)} fired, "
        f"on {n_docs} document{'s' if n_docs != 1 else ''} in {escape(where)}"
    )
    if not statuses:
        console.print("The case declares no signposts.")
        return
    table = Table(show_lines=False)
    table.add_column("signpost", no_wrap=True)
    table.add_column("state", no_wrap=True)
    table.add_column("first seen", no_wrap=True)
    table.add_column("evidence", justify="right")
    table.add_column("narrows", overflow="fold")
    for s in statuses:
        if s.fired:
            state = "[bold red]FIRED[/]"
            narrows = "; ".join(str(c) for c in s.constraints) or "-"
            if s.unresolved:
                narrows += " (unresolved: " + "; ".join(s.unresolved) + ")"
        else:
            state = "[dim]not fired[/]"
            narrows = "[dim]" + escape("; ".join(_declared(n) for n in s.narrows) or "-") + "[/]"
        if s.fired and s.level:
            state += f" ({s.level.replace('_', ' ')})"
        table.add_row(escape(s.name), state, s.first_seen or "-", str(len(s.evidence)), narrows)
    console.print(table)
    for s in fired:
        console.print()
        console.print(f"[bold]{escape(s.name)}[/]" + (f": {escape(s.description)}" if s.description else ""))
        for item in s.evidence[:max_evidence]:
            _print_item(console, item)
        if len(s.evidence) > max_evidence:
            console.print(f"  ... and {len(s.evidence) - max_evidence} more (--max-evidence, or --json for all)")


def _print_item(console: Any, item: dict) -> None:
    """One piece of evidence: publication date, title, outlet, link, then what matched and its sentence."""
    from rich.markup import escape

    doc = item.get("title") or item.get("url") or item.get("path") or f"document {item.get('document_id')}"
    address = item.get("url") or item.get("path") or ""
    outlet = f" ({item['outlet']})" if item.get("outlet") else ""
    console.print(f"  {item.get('pub_date') or item.get('date') or 'undated'}  {escape(str(doc))}{escape(outlet)}"
                  + (f"  <{escape(str(address))}>" if address and address != doc else ""))
    detail = item["source"].replace("_", " ")
    if item["source"] == "force_claim" and item.get("value") is not None:
        detail += f" ({item.get('kind')}: {item.get('value')} {item.get('unit') or ''})".rstrip()
    elif item["source"] == "quote" and item.get("speaker"):
        detail += f" ({item['speaker']})"
    elif item["source"] == "intent":
        size = "all" if item.get("whole") else (f"{item['size']} {item.get('unit') or ''}".strip() if item.get("size") is not None else "no size")
        when = f", by {item['timing']}" if item.get("timing") else ""
        detail = f"{str(item.get('level') or '').replace('_', ' ')} to {item.get('action')} ({size}{when})"
    console.print(f"    {escape(detail)}: \u201c{escape(str(item.get('sentence') or ''))}\u201d")


def _declared(n: Any) -> str:
    level = f" (at level {n.level})" if n.level else ""
    if n.offset_years is not None:
        sign = "+" if n.offset_years >= 0 else "-"
        return f"{n.uncertainty} {n.op} year of evidence {sign} {abs(n.offset_years)}{level}"
    if n.timing:
        return f"{n.uncertainty} {n.op} year of the stated timing{level}"
    if n.share_of is not None:
        return f"{n.uncertainty} {n.op} stated size / {n.share_of:g}{level}"
    if n.op == "in":
        return f"{n.uncertainty} in {list(n.value)}"
    return f"{n.uncertainty} {n.op} {n.value}"
