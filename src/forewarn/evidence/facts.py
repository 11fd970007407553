"""The fact base: reading and validating fact CSV files, parsing annotations, finding conflicts.

A fact CSV has the columns ``id, topic, entity, quantity, value, unit, as_of, source_url,
statement`` (see the package's ``data/facts.csv``). Every row is checked before anything is stored;
the first bad row raises :class:`~forewarn.errors.InputError` naming the file, the line and the
column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ..dates import PartialDate
from ..errors import InputError

__all__ = [
    "FACT_COLUMNS",
    "REQUIRED_VALUES",
    "FactRow",
    "default_facts_path",
    "read_facts_csv",
    "parse_quantity",
    "parse_as_of",
    "conflicts",
    "format_note",
    "fact_qualifier",
    "check_link",
]

#: Columns a fact CSV must have (extra columns are ignored).
FACT_COLUMNS = ("id", "topic", "entity", "quantity", "value", "unit", "as_of", "source_url", "statement")
#: Columns that may not be blank.
REQUIRED_VALUES = ("id", "entity", "quantity", "value", "source_url")

_ID = re.compile(r"^F\d{4,}$")
_BRACKETS = re.compile(r"\[([^\]]*)\]")
_PARENS = re.compile(r"\(([^)]*)\)")
_RANGE_SUFFIX = re.compile(r"_(min|max)$")
_LINK = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_SIC = re.compile(r"^sic\s+(.+?)\s*=\s*(.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class FactRow:
    """One validated row of a fact CSV (``line`` is where it starts in the file)."""

    id: str
    topic: str
    entity: str
    quantity: str
    base_quantity: str
    annotation: str | None
    note: str | None
    value: float
    unit: str
    as_of: str | None
    source_url: str
    statement: str
    line: int


def default_facts_path():
    """The fact base shipped with the package (an importlib.resources Traversable)."""
    return resources.files("forewarn").joinpath("data", "facts.csv")


def parse_quantity(quantity: str) -> tuple[str, str | None, str | None]:
    """Split a quantity into its snake_case name, its round- and its square-bracket text.

    Parameters
    ----------
    quantity : str
        As written in the fact base, e.g. ``"total_strength (Reuters) [quote in German]"``.

    Returns
    -------
    base, annotation, note : tuple
        ``("total_strength", "Reuters", "quote in German")``; several bracket groups of one
        kind are joined with ``"; "``; ``None`` where there are none.

    Examples
    --------
    >>> parse_quantity("claimed_planned_first_reserve (Vucic claim)")
    ('claimed_planned_first_reserve', 'Vucic claim', None)
    """
    notes = [m.strip() for m in _BRACKETS.findall(quantity)]
    rest = _BRACKETS.sub(" ", quantity)
    annotations = [m.strip() for m in _PARENS.findall(rest)]
    base = _PARENS.sub(" ", rest).strip().split()
    base_name = base[0] if base else quantity.strip()
    return (
        base_name,
        "; ".join(a for a in annotations if a) or None,
        "; ".join(n for n in notes if n) or None,
    )


def check_link(url: str) -> str:
    """Return ``url`` when it is an ``http``/``https`` address with a host; raise ValueError otherwise.

    Only web links are stored or rendered: a ``javascript:`` or ``data:`` address in a fact base
    or an article header would run in a reader's browser when the brief links to it.

    >>> check_link("https://www.nato.int/kfor")
    'https://www.nato.int/kfor'
    """
    text = str(url).strip()
    if not _LINK.match(text) or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ValueError(f"{shown!r} is not an http(s) link")
    return text


def _blank(x: object) -> bool:
    if x is None:
        return True
    if isinstance(x, float):
        return x != x
    return str(x).strip().lower() in ("", "nan", "none")


def format_note(note: str | None) -> str:
    """A fact's square-bracket note as a reader-facing qualifier (empty for none).

    ``note: `` prefixes are dropped, ``quote in German`` reads ``source in German``,
    ``sic 'grew' = fell`` reads ``the source says 'grew', meaning fell`` and ``=>`` reads ``, so``.

    >>> format_note("note: sic 'grew' = fell; RFE/RL")
    "the source says 'grew', meaning fell; RFE/RL"
    >>> format_note("quote in German; date unknown")
    'source in German; date unknown'
    >>> format_note(float("nan"))
    ''
    """
    if _blank(note):
        return ""
    parts = []
    for raw in str(note).split(";"):
        p = raw.strip()
        if p.lower().startswith("note:"):
            p = p[5:].strip()
        if not p:
            continue
        sic = _SIC.match(p)
        if sic:
            p = f"the source says {sic.group(1)}, meaning {sic.group(2)}"
        p = re.sub(r"^quote in ", "source in ", p, flags=re.IGNORECASE)
        p = re.sub(r"\s*=>\s*", ", so ", p)
        parts.append(p)
    return "; ".join(parts)


def fact_qualifier(annotation: str | None, note: str | None) -> str:
    """The qualifiers of a fact in one readable phrase: its attribution, then its notes.

    Parameters
    ----------
    annotation, note : str or None
        The round- and square-bracket text of the fact's quantity (``annotation`` and ``note``
        columns of :meth:`EvidenceStore.facts`); NaN and None are blank.

    Returns
    -------
    str
        E.g. ``"Reuters; source in German"``; empty when there is nothing to say.

    >>> fact_qualifier("Vucic claim", "note: excerpt truncated")
    'Vucic claim; excerpt truncated'
    >>> fact_qualifier(None, float("nan"))
    ''
    """
    parts = []
    if not _blank(annotation):
        parts.append(str(annotation).strip())
    text = format_note(note)
    if text:
        parts.append(text)
    return "; ".join(parts)


def parse_as_of(text: str) -> str | None:
    """Validate an ``as_of`` value (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or blank).

    Raises
    ------
    ValueError
        When the text is not one of these forms or not a real date.
    """
    text = text.strip()
    if not text:
        return None
    return PartialDate.parse(text).iso()


def read_facts_csv(path: str | Path | object) -> list[FactRow]:
    """Read and validate a fact CSV; every row is checked before the list is returned.

    Parameters
    ----------
    path : path-like or Traversable
        The CSV file (UTF-8, an optional byte-order mark is fine).

    Returns
    -------
    list of FactRow

    Raises
    ------
    InputError
        For the first problem found: unreadable file, missing column, blank required value,
        bad id, non-numeric value, bad date, a source that is not an http(s) link, or an id given twice. The message names the file,
        the line and the column.
    """
    name = str(path)
    reader = csv.reader(io.StringIO(_read_text(path, name), newline=""))
    header, col = _read_header(reader, name)
    rows: list[FactRow] = []
    seen: dict[str, int] = {}
    line = 2
    while True:
        start = line
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(f"malformed CSV ({exc})", source=name, line=start) from None
        line = reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue  # blank line
        row = _fact_row(record, header, col, name, start)
        if row.id in seen:
            raise InputError(f"duplicate id {row.id} (first on line {seen[row.id]})", source=name, line=start, field="id")
        seen[row.id] = start
        rows.append(row)
    if not rows:
        raise InputError("no facts in the file", source=name, line=2)
    return rows


def _read_text(path: str | Path | object, name: str) -> str:
    """The file's text (UTF-8, an optional byte-order mark), or one InputError naming it."""
    try:
        raw = path.read_bytes()  # type: ignore[union-attr]  # a Traversable of the package data
    except AttributeError:
        try:
            raw = Path(path).read_bytes()  # type: ignore[arg-type]
        except OSError as exc:
            raise InputError(f"cannot read the file ({exc.strerror or exc})", source=name) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", source=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", source=name, line=line) from None
    if not text.strip():
        raise InputError("the file is empty", source=name)
    return text


def _read_header(reader: Any, name: str) -> tuple[list[str], dict[str, int]]:
    """The header row and the position of every fact column in it."""
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(f"not a CSV file ({exc})", source=name, line=1) from None
    missing = [c for c in FACT_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(a fact CSV needs {', '.join(FACT_COLUMNS)})",
            source=name,
            line=1,
            field=missing[0],
        )
    return header, {c: header.index(c) for c in FACT_COLUMNS}


def _fact_row(record: list[str], header: list[str], col: dict[str, int], name: str, line: int) -> FactRow:
    """One checked row; the first bad cell raises an InputError naming its line and column."""
    if len(record) < len(header):
        raise InputError(f"{len(record)} fields where the header has {len(header)}", source=name, line=line,
                         field=header[len(record)])
    cell = {c: record[i].strip() for c, i in col.items()}
    for c in REQUIRED_VALUES:
        if not cell[c]:
            raise InputError("is blank", source=name, line=line, field=c)
    fid = cell["id"]
    if not _ID.match(fid):
        raise InputError(f"{fid!r} is not a fact id (F followed by 4 or more digits)", source=name, line=line, field="id")
    try:
        value = float(cell["value"])
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):
        raise InputError(f"{cell['value']!r} is not a plain number", source=name, line=line, field="value")
    try:
        check_link(cell["source_url"])
    except ValueError as exc:
        raise InputError(str(exc), source=name, line=line, field="source_url") from None
    try:
        as_of = parse_as_of(cell["as_of"])
    except ValueError as exc:
        raise InputError(str(exc), source=name, line=line, field="as_of") from None
    base, annotation, note = parse_quantity(cell["quantity"])
    return FactRow(id=fid, topic=cell["topic"], entity=cell["entity"], quantity=cell["quantity"], base_quantity=base,
                   annotation=annotation, note=note, value=value, unit=cell["unit"], as_of=as_of,
                   source_url=cell["source_url"], statement=record[col["statement"]], line=line)


def conflicts(df: pd.DataFrame) -> pd.DataFrame:
    """Figures that disagree: same entity, quantity and unit in the same year, different values.

    The quantity is compared without its annotations and without a ``_min``/``_max`` suffix, so
    "about 4,500" (``total_strength``) and "5,000 and more" (``total_strength_min``) for KFOR in
    December 2023 meet. A group counts only when its differing values come from at least two
    sources: the two ends of one source's range are not a conflict.

    Parameters
    ----------
    df : DataFrame
        Facts as returned by :meth:`EvidenceStore.facts` (needs ``entity``, ``base_quantity``,
        ``unit``, ``as_of``, ``value`` and ``source_url``).

    Returns
    -------
    DataFrame
        The facts of every conflicting group, with a ``group`` column (``entity | quantity |
        unit | year``), sorted by group, then ``as_of``, then value.
    """
    cols = list(df.columns) + ["group"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    d = df[df["as_of"].notna() & (df["as_of"].astype(str) != "")].copy()
    d["_year"] = d["as_of"].astype(str).str[:4]
    d["_q"] = d["base_quantity"].str.replace(_RANGE_SUFFIX, "", regex=True)
    keys = ["entity", "_q", "unit", "_year"]
    g = d.groupby(keys, dropna=False)
    n_values = g["value"].transform("nunique")
    n_sources = g["source_url"].transform("nunique")
    d = d[(n_values > 1) & (n_sources > 1)].copy()
    if d.empty:
        return pd.DataFrame(columns=cols)
    d["group"] = d["entity"] + " | " + d["_q"] + " | " + d["unit"].fillna("") + " | " + d["_year"]
    d = d.sort_values(["group", "as_of", "value"], kind="stable")
    return d.drop(columns=["_year", "_q"]).reset_index(drop=True)

