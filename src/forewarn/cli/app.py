"""The Typer application that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="forewarn",
    help="Explore Kosovo's security futures, rank strategies, and watch the news for signposts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
case_app = typer.Typer(help="Check and describe case files.", no_args_is_help=True)
facts_app = typer.Typer(help="The sourced fact base.", no_args_is_help=True)
app.add_typer(case_app, name="case")
app.add_typer(facts_app, name="facts")
