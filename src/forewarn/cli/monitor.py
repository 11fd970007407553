"""Commands: ``forewarn ingest`` (read articles into the evidence store) and ``forewarn evidence``
(list what was found; ``reject``, ``accept``, ``undo`` and ``log`` review it). ``watch`` lives in
its own module."""

from __future__ import annotations

from pathlib import Path

from typing import Any

import typer

from .app import app
from .facts import DB_OPTION, _console, _fmt_value, _txt

_KINDS = ("quotes", "claims", "events", "all")

evidence_app = typer.Typer(help="The stored evidence: list it, and reject or accept items.")
app.add_typer(evidence_app, name="evidence")

_WHO_OPTION = typer.Option(None, "--by", help="Who decides (recorded in the log). Default: the operating-system user.", show_default=False)


@app.command("ingest")
def ingest_command(
    inputs: list[str] = typer.Argument(..., help="Text, HTML or feed files, folders, or http(s) URLs.", show_default=False),
    db: str | None = DB_OPTION,
    no_extract: bool = typer.Option(False, "--no-extract", help="Store the documents without extracting quotes, claims and events."),
    gazetteer: Path | None = typer.Option(None, "--gazetteer", help="Gazetteer file (TOML) of the case: its missions, forces, places and leaders (default: the built-in Kosovo case's).", show_default=False),
) -> None:
    """Ingest articles: store each with its date, recognise copies, extract quotes, claims and events.

    Each force claim is compared with the fact base as it is stored. Exits with 2 when any
    input could not be read (the others are still stored). A feed may hold at most 1,000 entries.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from ..errors import InputError
    from ..evidence import open_store
    from ..monitor.ingest import ingest
    from ..monitor.sources import expand_inputs

    gz = _gazetteer(gazetteer)
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
            done = {"articles": 0}

            def step(name: str, _results: list) -> None:
                progress.update(task, advance=1, description=f"ingesting {name[-40:]}")

            def article(_result) -> None:  # a feed holds many articles: show each
                done["articles"] += 1
                progress.update(task, description=f"ingesting: {done['articles']} articles read")

            report = ingest(items, store, extract=not no_extract, gazetteer=gz, on_input=step, on_document=article)
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
            _txt(r.origin),
            f"[{styles.get(r.status, '')}]{r.status}[/]",
            "" if r.document_id is None else str(r.document_id),
            "" if r.story_id is None else str(r.story_id),
            _txt(r.pub_date),
            str(r.quotes) if r.ok else "",
            str(r.force_claims) if r.ok else "",
            str(r.events) if r.ok else "",
            _txt(message),
        )
    out = _console()
    out.print(table)
    counts = report.counts()
    out.print(", ".join(f"{n} {s}" for s, n in counts.items()) or "nothing to ingest")
    if no_extractor:
        out.print("note: the extractor is not available; documents were stored without quotes, claims or events")
    if not report.ok:
        raise InputError(_failure_message(report))


def _failure_message(report) -> str:
    """Say exactly what happened to the inputs that did not fail (none may have been stored)."""
    n = len(report.errors)
    counts = report.counts()
    kept = counts.get("stored", 0) + counts.get("same story", 0)
    dups = counts.get("duplicate", 0)
    what = f"{n} input{'s' if n > 1 else ''} could not be ingested (see the table)"
    if kept:
        rest = f"{kept} article{'s' if kept > 1 else ''} stored"
    elif dups:
        rest = "nothing new stored"
    else:
        rest = "nothing was stored"
    if dups:
        rest += f", {dups} already stored"
    return f"{what}; {rest}"


def _doc_label(r: Any) -> str:
    where = _txt(r.outlet) or _txt(r.url) or _txt(r.path)
    return f"#{r.document_id} {where}".strip()


@evidence_app.callback(invoke_without_command=True)
def evidence_command(
    ctx: typer.Context,
    actor: str | None = typer.Option(None, "--actor", help="Force claims by this actor, quotes by this speaker (case-insensitive, partial match).", show_default=False),
    place: str | None = typer.Option(None, "--place", help="Force claims about this mission or location (e.g. KFOR, Germany).", show_default=False),
    since: str | None = typer.Option(None, "--since", help="Only evidence dated (or published) on or after YYYY[-MM[-DD]].", show_default=False),
    kind: str = typer.Option("all", "--kind", help="quotes, claims, events or all."),
    new: bool = typer.Option(False, "--new", help="Only force claims the fact base has nothing on (implies --kind claims)."),
    conflicts: bool = typer.Option(False, "--conflicts", help="Only force claims that disagree with the fact base (implies --kind claims)."),
    rejected: bool = typer.Option(False, "--include-rejected", help="Also list the items reviewers rejected (set aside)."),
    limit: int | None = typer.Option(None, "--limit", help="At most this many rows per table.", show_default=False),
    db: str | None = DB_OPTION,
) -> None:
    """List stored evidence (quotes, force claims, events) with its id, review, document, sentence
    and date; force claims with their check against the fact base (corroborates, conflicts, new).

    Rejected items are left out (and so ignored by ``watch`` and the brief); the ids (C12, Q3,
    E7) are what ``forewarn evidence reject``/``accept``/``undo`` take.
    """
    if ctx.invoked_subcommand is not None:
        return
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
    checks = [c for c, on in (("new", new), ("conflicts", conflicts)) if on] or None
    if checks:
        kind = "claims"
    out = _console()
    with open_store(db) as store:
        n_docs = store.counts()["documents"]
        aside = store.set_aside()["total"]
        frames = {}
        if kind in ("claims", "all"):
            frames["claims"] = store.force_claims(actor=actor, place=place, since=since, include_rejected=rejected, check=checks)
        if kind in ("quotes", "all") and not place:
            frames["quotes"] = store.quotes(speaker=actor, since=since, include_rejected=rejected)
        if kind in ("events", "all") and not actor and not place:
            frames["events"] = store.events(since=since, include_rejected=rejected)
    _print_frames(out, frames, limit)
    if all(f.empty for f in frames.values()):
        out.print(f"no evidence matches ({n_docs} documents stored)")
    if aside and not rejected:
        out.print(f"{aside} item{'s' if aside > 1 else ''} set aside by reviewers (--include-rejected lists them)")


def _review_cell(r: Any) -> str:
    status = _txt(getattr(r, "review_status", None))
    return "" if status in ("", "none") else status


def _print_frames(out, frames: dict, limit: int | None) -> None:
    from rich.table import Table

    if "claims" in frames:
        df = frames["claims"].head(limit) if limit else frames["claims"]
        t = Table(title=f"Force claims ({len(frames['claims'])})", show_lines=True)
        for col in ("id", "as of", "actor", "mission or location", "value", "unit", "kind", "fact base", "review", "sentence", "document", "published"):
            t.add_column(col, justify="right" if col == "value" else "left", overflow="fold")
        for r in df.itertuples(index=False):
            value = "" if not _txt(r.value) else _fmt_value(r.value)
            if _txt(r.value_max):
                value += f"–{_fmt_value(r.value_max)}"
            if _txt(r.approx) in ("True", "1", "1.0"):
                value = "~" + value
            check = _txt(r.check)
            if check and _txt(r.fact_ids):
                check += f" ({_fmt_value(r.fact_value)}: {_txt(r.fact_ids).replace(',', ', ')})"
            t.add_row(f"C{r.id}", _txt(r.as_of), _txt(r.actor), _txt(r.mission_or_location), value, _txt(r.unit), _txt(r.kind), check,
                      _review_cell(r), _txt(r.sentence), _doc_label(r), _txt(r.pub_date))
        out.print(t)
    if "quotes" in frames:
        df = frames["quotes"].head(limit) if limit else frames["quotes"]
        t = Table(title=f"Quotes ({len(frames['quotes'])})", show_lines=True)
        for col in ("id", "published", "speaker", "role", "quote", "kind", "review", "sentence", "document"):
            t.add_column(col, overflow="fold")
        for r in df.itertuples(index=False):
            sentence = _txt(r.sentence)
            t.add_row(f"Q{r.id}", _txt(r.pub_date), _txt(r.speaker), _txt(r.role), _txt(r.text), _txt(r.kind), _review_cell(r),
                      "" if sentence.strip() == _txt(r.text).strip() else sentence, _doc_label(r))
        out.print(t)
    if "events" in frames:
        df = frames["events"].head(limit) if limit else frames["events"]
        t = Table(title=f"Events ({len(frames['events'])})", show_lines=True)
        for col in ("id", "date", "what", "review", "sentence", "document", "published"):
            t.add_column(col, overflow="fold")
        for r in df.itertuples(index=False):
            t.add_row(f"E{r.id}", _txt(r.date), _txt(r.what), _review_cell(r), _txt(r.sentence), _doc_label(r), _txt(r.pub_date))
        out.print(t)


@evidence_app.command("reject")
def reject_command(
    item: str = typer.Argument(..., metavar="ID", help="The item's id as listed: C12 (force claim), Q3 (quote), E7 (event).", show_default=False),
    reason: str = typer.Option(..., "--reason", help="Why it is wrong (recorded in the log).", show_default=False),
    who: str | None = _WHO_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Reject an extracted item: it no longer fires signposts or reaches the brief; nothing is deleted."""
    _review(item, "rejected", reason, who, db)


@evidence_app.command("accept")
def accept_command(
    item: str = typer.Argument(..., metavar="ID", help="The item's id as listed: C12, Q3 or E7.", show_default=False),
    reason: str | None = typer.Option(None, "--reason", help="Why (recorded in the log).", show_default=False),
    who: str | None = _WHO_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Accept an item (a rejected one counts again as evidence)."""
    _review(item, "accepted", reason, who, db)


@evidence_app.command("undo")
def undo_command(
    item: str = typer.Argument(..., metavar="ID", help="The item's id as listed: C12, Q3 or E7.", show_default=False),
    who: str | None = _WHO_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Undo the latest review of an item (recorded as a review of its own)."""
    from ..evidence import open_store

    with open_store(db) as store:
        row = store.undo_review(item, who=who)
    shown = "no decision" if row["status"] == "none" else row["status"]
    _console().print(f"{row['ref']}: review {row['undoes']} undone; now {shown} (log entry {row['id']}, by {_txt(row['who'])})")


@evidence_app.command("log")
def log_command(
    item: str | None = typer.Argument(None, metavar="[ID]", help="Only this item's reviews.", show_default=False),
    db: str | None = DB_OPTION,
) -> None:
    """Every review decision, oldest first: who, when, what and why."""
    from rich.table import Table

    from ..evidence import open_store

    with open_store(db) as store:
        df = store.reviews(item)
    out = _console()
    if df.empty:
        out.print("no reviews")
        return
    t = Table(title=f"Reviews ({len(df)})")
    for col in ("#", "item", "status", "was", "who", "when", "why", "undoes"):
        t.add_column(col, overflow="fold")
    for r in df.itertuples(index=False):
        t.add_row(str(r.id), r.ref, _txt(r.status), _txt(r.previous, "none"), _txt(r.who), _txt(r.at), _txt(r.reason),
                  "" if _txt(r.undoes) == "" else f"#{int(r.undoes)}")
    out.print(t)


def _review(item: str, status: str, reason: str | None, who: str | None, db: str | None) -> None:
    from ..evidence import open_store

    with open_store(db) as store:
        row = store.review(item, status, reason=reason, who=who)
        aside = store.set_aside()["total"]
    why = f": {_txt(row['reason'])}" if row["reason"] else ""
    _console().print(f"{row['ref']} {status} by {_txt(row['who'])} at {row['at']}{why} (log entry {row['id']}; "
                     f"{aside} item{'s' if aside != 1 else ''} set aside; undo with: forewarn evidence undo {row['ref']})")


def _gazetteer(path: Path | None):
    """The gazetteer named on the command line, else the built-in Kosovo case's."""
    from ..monitor.gazetteer import Gazetteer

    if path is not None:
        return Gazetteer.from_toml(path)
    from ..kosovo.gazetteer import kosovo_gazetteer

    return kosovo_gazetteer()
