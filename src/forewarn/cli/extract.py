"""Command: ``forewarn extract PATH...`` (quotes, force claims and dated events of article files)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from .app import app


@app.command("extract")
def extract_command(
    paths: list[Path] = typer.Argument(..., help="Article files (or folders of .txt files): plain text, optionally opening with 'URL: ...' and 'DATE: YYYY-MM-DD|unknown' lines.", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array, one object per file (the annotation field names plus offsets)."),
    pub_date: str | None = typer.Option(None, "--date", help="Publication date (YYYY-MM-DD) for files without a DATE line.", show_default=False),
    gazetteer: Path | None = typer.Option(None, "--gazetteer", help="Gazetteer file (TOML) of the case: its missions, forces, places and leaders (default: the built-in Kosovo case's).", show_default=False),
) -> None:
    """Extract quotes, numeric force claims, dated events and statements of intent from article files.

    Files that cannot be read (missing, binary, empty, over the 5 MB that ``ingest`` also
    allows) are reported on stderr and the command exits with 2; the others are still extracted
    and printed.
    """
    from ..errors import InputError
    from ..monitor.extract import extract, read_article
    from ..monitor.gazetteer import Gazetteer
    from ..monitor.sources import check_size, clean_text

    if gazetteer is not None:
        gz = Gazetteer.from_toml(gazetteer)
    else:
        from ..kosovo.gazetteer import kosovo_gazetteer

        gz = kosovo_gazetteer()

    results: list[dict] = []
    errors: list[str] = []
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(p.glob("*.txt"))
            if not found:
                errors.append(str(InputError("folder holds no .txt article files", source=p)))
            files.extend(found)
        else:
            files.append(p)
    for p in files:
        try:
            check_size(p)
            text, date, url = read_article(p)
            text = clean_text(text)  # no terminal escapes from an article reach the screen
            date = date if date is not None else pub_date
            out = extract(text, date, url=url, gazetteer=gz)
        except InputError as exc:
            errors.append(str(exc))
            continue
        results.append({"path": str(p), "url": url, "pub_date": date, **out})
    if as_json:
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        _show(results)
    if errors:
        from rich.console import Console
        from rich.markup import escape

        err = Console(stderr=True, highlight=False, soft_wrap=True)
        for e in errors:
            err.print(f"[bold red]error:[/] {escape(e)}")
        raise typer.Exit(2)


def _show(results: list[dict]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    con = Console(highlight=False)
    for r in results:
        con.rule(f"[bold]{escape(r['path'])}[/]  {r['pub_date'] or 'undated'}")
        if r["quotes"]:
            t = Table(title="quotes", show_lines=False, expand=True)
            t.add_column("speaker", ratio=1)
            t.add_column("role", ratio=1)
            t.add_column("kind")
            t.add_column("words", ratio=3)
            for q in r["quotes"]:
                t.add_row(escape(q["speaker"]), escape(q["role"] or ""), q["kind"], escape(q["text"]))
            con.print(t)
        if r["force_claims"]:
            t = Table(title="force claims", expand=True)
            for col in ("actor", "mission or location", "value", "unit", "kind", "as of", "approx"):
                t.add_column(col, justify="right" if col == "value" else "left")
            for c in r["force_claims"]:
                v = f"{c['value']:,}" + (f"–{c['value_max']:,}" if c["value_max"] is not None else "")
                t.add_row(escape(c["actor"]), escape(c["mission_or_location"]), v, c["unit"], c["kind"], c["as_of"] or "", "~" if c["approx"] else "")
            con.print(t)
        if r["events"]:
            t = Table(title="events", expand=True)
            t.add_column("date")
            t.add_column("what", ratio=1)
            for e in r["events"]:
                t.add_row(e["date"], escape(e["what"]))
            con.print(t)
        if r.get("intents"):
            t = Table(title="statements of intent", expand=True)
            for col in ("actor", "action", "level", "size", "timing", "sentence"):
                t.add_column(col, ratio=3 if col == "sentence" else None)
            for i in r["intents"]:
                size = "all" if i["whole"] else (f"{i['size']:,} {i['unit']}" if i["size"] is not None else "")
                t.add_row(escape(i["actor"] or "?"), i["action"], i["level"].replace("_", " "), size, i["timing"] or "",
                          escape(i["sentence"]))
            con.print(t)
        if not (r["quotes"] or r["force_claims"] or r["events"] or r.get("intents")):
            con.print("nothing found")
