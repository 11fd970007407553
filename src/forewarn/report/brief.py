"""Briefs: plain-language answers with their numbers, assumptions and sources.

A :class:`Brief` is data (sections of answers, tables, charts, evidence, fact ids); it renders to
the terminal (:func:`render_terminal`) and to one self-contained HTML file (:func:`render_html`,
charts inline, nothing fetched). :mod:`forewarn.kosovo.brief` builds the built-in case's brief.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Assumption", "Brief", "Section", "Stance", "Table", "render_html", "render_terminal", "to_jsonable"]


@dataclass
class Table:
    """A small table for both renderers: a caption, column names and rows of text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Assumption:
    """An assumption behind an answer: shown shortened at a sentence end, kept whole for HTML."""

    label: str
    short: str
    full: str
    name: str = ""  # the parameter it is about, when it is about one

    def __str__(self) -> str:
        return f"{self.label}: {self.short}"


@dataclass
class Stance:
    """What someone argued on a question, in the brief's own words, attributed and dated."""

    who: str
    role: str
    date: str
    stance: str
    text: str
    source: str = ""
    url: str = ""


@dataclass
class Section:
    """One question and its answer (``number`` None for the bottom line and the evidence box).

    ``figures`` holds every number the text states, by name, so that the text can be checked
    against the run and written as data (``forewarn brief --json``).
    """

    id: str
    number: int | None
    question: str
    answer: str
    details: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # inline SVG
    evidence: list[dict[str, str]] = field(default_factory=list)  # text, who, where
    stances: list[Stance] = field(default_factory=list)
    assumptions: list[Assumption | str] = field(default_factory=list)
    fact_ids: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def heading(self) -> str:
        """The question with its number, or the bare title for unnumbered sections."""
        return f"{self.number}. {self.question}" if self.number is not None else self.question


@dataclass
class Brief:
    """A whole brief: title, the one caveat, the sections, the facts used, and the run behind it."""

    title: str
    subtitle: str
    caveat: str
    sections: list[Section]
    facts: list[dict[str, Any]]
    run_info: str
    run_path: str | None = None
    html_path: str | None = None
    data: dict[str, Any] = field(default_factory=dict)  # tables behind the text, for the API
    bottom_line: Section | None = None
    changes: Section | None = None  # "what changed" since the evidence; None when nothing fired
    record: dict[str, Any] = field(default_factory=dict)  # the brief's figures as plain data

    @property
    def fact_ids(self) -> list[str]:
        """Every fact id the brief cites, sorted."""
        return sorted({f for s in self.sections for f in s.fact_ids})

    @property
    def all_sections(self) -> list[Section]:
        """The bottom line, the evidence box and the questions, in reading order."""
        return [s for s in (self.bottom_line, self.changes) if s is not None] + list(self.sections)

    def to_dict(self) -> dict[str, Any]:
        """The whole brief as JSON-ready data: every section's text and figures, and the run record."""
        def section(s: Section) -> dict[str, Any]:
            return {
                "id": s.id, "number": s.number, "question": s.question, "answer": s.answer, "details": s.details,
                "figures": to_jsonable(s.figures),
                "tables": [{"caption": t.caption, "columns": t.columns, "rows": t.rows} for t in s.tables],
                "stances": [vars(x) for x in s.stances], "evidence": s.evidence,
                "assumptions": [vars(a) if isinstance(a, Assumption) else {"text": a} for a in s.assumptions],
                "fact_ids": s.fact_ids,
            }
        return {
            "title": self.title, "subtitle": self.subtitle, "caveat": self.caveat,
            "bottom_line": section(self.bottom_line) if self.bottom_line else None,
            "what_changed": section(self.changes) if self.changes else None,
            "sections": [section(s) for s in self.sections],
            **to_jsonable(self.record),
            "facts": to_jsonable(self.facts), "run": self.run_info,
        }


def to_jsonable(value: Any) -> Any:
    """Plain JSON types from numpy scalars and arrays, NaN as None, tuples as lists."""
    import math

    import numpy as np

    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def render_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (Jinja2 autoescaping on: article text stays text)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("forewarn", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("brief.html.j2").render(brief=brief)


def render_terminal(brief: Brief, console: Any = None) -> None:
    """Print the brief with rich: each question, its answer, key tables, assumptions and facts."""
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table as RichTable

    console = console or Console()
    console.print(f"[bold]{escape(brief.title)}[/]")
    console.print(escape(brief.subtitle), style="dim")
    console.print(Panel(escape(brief.caveat), style="yellow", expand=True))
    for s in brief.all_sections:
        console.rule(f"[bold]{escape(s.heading)}[/]", align="left")
        console.print(escape(s.answer))
        for d in s.details:
            console.print(escape(d))
        for t in s.tables:
            rt = RichTable(title=escape(t.caption), title_justify="left", show_lines=False)
            for i, c in enumerate(t.columns):
                if i == 0:  # names stay whole; the numbers give way first
                    width = max([len(str(r[0])) for r in t.rows] + [len(c)])
                    rt.add_column(escape(c), justify="left", no_wrap=True, min_width=width)
                else:
                    rt.add_column(escape(c), justify="right")
            for row in t.rows:
                rt.add_row(*(escape(str(c)) for c in row))
            console.print(rt)
        for st in s.stances:
            console.print(f"  [dim]{escape(st.who)} ({escape(st.role)}, {escape(st.date)}) - {escape(st.stance)}:[/] "
                          f"{escape(st.text)}")
        for ev in s.evidence:
            console.print(f'  [italic]"{escape(ev["text"])}"[/] [dim]- {escape(ev["who"])}'
                          f'{", " + escape(ev["where"]) if ev.get("where") else ""}[/]')
        if s.assumptions:
            console.print("[dim]Assumptions: " + escape("; ".join(str(a) for a in s.assumptions)) + "[/]")
        if s.fact_ids:
            console.print("[dim]Facts: " + ", ".join(s.fact_ids) + "[/]")
        console.print()
    if brief.html_path:
        console.print(f"HTML brief: {brief.html_path}")
    console.print(f"[dim]{escape(brief.run_info)}[/]")
