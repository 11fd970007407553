"""Briefs: plain-language answers with their numbers, assumptions and sources.

A :class:`Brief` is data (sections of answers, tables, charts, evidence, fact ids); it renders to
the terminal (:func:`render_terminal`) and to one self-contained HTML file (:func:`render_html`,
charts inline, nothing fetched). :mod:`forewarn.kosovo.brief` builds the built-in case's brief.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Brief", "Section", "Table", "render_html", "render_terminal"]


@dataclass
class Table:
    """A small table for both renderers: a caption, column names and rows of text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    """One question and its answer."""

    id: str
    number: int
    question: str
    answer: str
    details: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # inline SVG
    evidence: list[dict[str, str]] = field(default_factory=list)  # text, who, where
    assumptions: list[str] = field(default_factory=list)
    fact_ids: list[str] = field(default_factory=list)


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

    @property
    def fact_ids(self) -> list[str]:
        """Every fact id the brief cites, sorted."""
        return sorted({f for s in self.sections for f in s.fact_ids})


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
    for s in brief.sections:
        console.rule(f"[bold]{s.number}. {escape(s.question)}[/]", align="left")
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
        for ev in s.evidence:
            console.print(f'  [italic]"{escape(ev["text"])}"[/] [dim]- {escape(ev["who"])}'
                          f'{", " + escape(ev["where"]) if ev.get("where") else ""}[/]')
        if s.assumptions:
            console.print("[dim]Assumptions: " + escape("; ".join(s.assumptions)) + "[/]")
        if s.fact_ids:
            console.print("[dim]Facts: " + ", ".join(s.fact_ids) + "[/]")
        console.print()
    if brief.html_path:
        console.print(f"HTML brief: {brief.html_path}")
    console.print(f"[dim]{escape(brief.run_info)}[/]")
