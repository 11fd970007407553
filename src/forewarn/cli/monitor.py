"""Commands: ``forewarn ingest`` (read articles into the evidence store) and ``forewarn evidence``
(list what was found). ``watch`` lives in its own module."""

from __future__ import annotations

from typing import Any

import typer

from .app import app
from .facts import DB_OPTION, _console, _fmt_value, _txt

_KINDS = ("quotes", "claims", "events", "all")


@app.command("ingest")
def ingest_command(
    inputs: list[str] = typer.Argument(..., help="Text, HTML or feed files, folders, or http(s) URLs.", show_default=False),
    db: str | None = DB_OPTION,
    no_extract: bool = typer.Option(False, "--no-extract", help="Store the documents without extracting quotes, claims and events."),
) -> None:
    """Ingest articles: store each with its date, recognise copies, extract quotes, claims and events.

    Exits with 2 when any input could not be read (the others are still stored).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from ..errors import InputError
    from ..evidence import open_store
    from ..monitor.ingest import ingest
    from ..monitor.sources import expand_inputs

    items = expand_inputs(inputs)
    err = _console(stderr=True)
    with open_store(db) as store:
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("ingesting", total=len(items))

            def step(name: str, _results: list) -> None:
                progress.update(task, advance=1, description=f"ingesting {name[-40:]}")

            report = ingest(items, store, extract=not no_extract, on_input=step)
        where = store.where

    styles = {"stored": "green", "same story": "cyan", "duplicate": "yellow", "error": "bold red"}
    table = Table(title=f"Ingested into {where}")
    for col, kw in (("input", {"overflow": "fold"}), ("status", {}), ("doc", {"justify": "right"}), ("story", {"justify": "right"}),
                    ("date", {}), ("quotes", {"justify": "right"}), ("claims", {"justify": "right"}), ("events", {"justify": "right"}),
                    ("message", {"overflow": "fold"})):
        table.add_column(col, **kw)
    no_extractor = False
    for r in report:
        notes = [n for n in r.notes if not n.startswith("extractor not available")]
        no_extractor |= len(notes) < len(r.notes)
        message = "; ".join(x for x in [r.message, *notes] if x)
        table.add_row(
            r.origin,
            f"[{styles.get(r.status, '')}]{r.status}[/]",
            "" if r.document_id is None else str(r.document_id),
            "" if r.story_id is None else str(r.story_id),
            _txt(r.pub_date),
            str(r.quotes) if r.ok else "",
            str(r.force_claims) if r.ok else "",
            str(r.events) if r.ok else "",
            message,
        )
    out = _console()
    out.print(table)
    counts = report.counts()
    out.print(", ".join(f"{n} {s}" for s, n in counts.items()) or "nothing to ingest")
    if no_extractor:
        out.print("note: the extractor is not available; documents were stored without quotes, claims or events")
    if not report.ok:
        n = len(report.errors)
        raise InputError(f"{n} input{'s' if n > 1 else ''} could not be ingested (see the table); the others were stored")


def _doc_label(r: Any) -> str:
    where = _txt(r.outlet) or _txt(r.url) or _txt(r.path)
    return f"#{r.document_id} {where}".strip()


@app.command("evidence")
def evidence_command(
    actor: str | None = typer.Option(None, "--actor", help="Force claims by this actor, quotes by this speaker (case-insensitive, partial match).", show_default=False),
    place: str | None = typer.Option(None, "--place", help="Force claims about this mission or location (e.g. KFOR, Germany).", show_default=False),
    since: str | None = typer.Option(None, "--since", help="Only evidence dated (or published) on or after YYYY[-MM[-DD]].", show_default=False),
    kind: str = typer.Option("all", "--kind", help="quotes, claims, events or all."),
    limit: int | None = typer.Option(None, "--limit", help="At most this many rows per table.", show_default=False),
    db: str | None = DB_OPTION,
) -> None:
    """List stored evidence (quotes, force claims, events) with its document, sentence and date."""
    from rich.table import Table

    from ..errors import InputError
    from ..evidence import open_store
    from ..evidence.facts import parse_as_of

    if kind not in _KINDS:
        raise InputError(f"unknown kind {kind!r} (one of {', '.join(_KINDS)})", field="--kind")
    if since is not None:
        try:
            since = parse_as_of(since)
        except ValueError as exc:
            raise InputError(str(exc), field="--since") from None
    if limit is not None and limit < 1:
        raise InputError(f"must be at least 1, got {limit}", field="--limit")
    out = _console()
    with open_store(db) as store:
        n_docs = store.counts()["documents"]
        frames = {}
        if kind in ("claims", "all"):
            frames["claims"] = store.force_claims(actor=actor, place=place, since=since)
        if kind in ("quotes", "all") and not place:
            frames["quotes"] = store.quotes(speaker=actor, since=since)
        if kind in ("events", "all") and not actor and not place:
            frames["events"] = store.events(since=since)
    if "claims" in frames:
        df = frames["claims"].head(limit) if limit else frames["claims"]
        t = Table(title=f"Force claims ({len(frames['claims'])})", show_lines=True)
        for col in ("as of", "actor", "mission or location", "value", "unit", "kind", "sentence", "document", "published"):
            t.add_column(col, justify="right" if col == "value" else "left", overflow="fold")
        for r in df.itertuples(index=False):
            value = "" if not _txt(r.value) else _fmt_value(r.value)
            if _txt(r.value_max):
                value += f"–{_fmt_value(r.value_max)}"
            if _txt(r.approx) in ("True", "1", "1.0"):
                value = "~" + value
            t.add_row(_txt(r.as_of), _txt(r.actor), _txt(r.mission_or_location), value, _txt(r.unit), _txt(r.kind), _txt(r.sentence), _doc_label(r), _txt(r.pub_date))
        out.print(t)
    if "quotes" in frames:
        df = frames["quotes"].head(limit) if limit else frames["quotes"]
        t = Table(title=f"Quotes ({len(frames['quotes'])})", show_lines=True)
        for col in ("published", "speaker", "role", "quote", "kind", "sentence", "document"):
            t.add_column(col, overflow="fold")
        for r in df.itertuples(index=False):
            sentence = _txt(r.sentence)
            t.add_row(_txt(r.pub_date), _txt(r.speaker), _txt(r.role), _txt(r.text), _txt(r.kind),
                      "" if sentence.strip() == _txt(r.text).strip() else sentence, _doc_label(r))
        out.print(t)
    if "events" in frames:
        df = frames["events"].head(limit) if limit else frames["events"]
        t = Table(title=f"Events ({len(frames['events'])})", show_lines=True)
        for col in ("date", "what", "sentence", "document", "published"):
            t.add_column(col, overflow="fold")
        for r in df.itertuples(index=False):
            t.add_row(_txt(r.date), _txt(r.what), _txt(r.sentence), _doc_label(r), _txt(r.pub_date))
        out.print(t)
    if all(f.empty for f in frames.values()):
        out.print(f"no evidence matches ({n_docs} documents stored)")
