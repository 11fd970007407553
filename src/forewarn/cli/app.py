"""The Typer application that every command module registers on.

Errors become exit codes here, in the application itself, so that ``forewarn ...`` in a shell,
``python -m forewarn ...`` and ``typer.testing.CliRunner().invoke(app, ...)`` all behave the same:
0 ok, 2 bad input (a :class:`~forewarn.errors.InputError` or a usage error), 1 anything else.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup


def _plain_flags(command: Any, ctx: Any) -> Any:
    """Show on/off options as ``--json``, not ``--json <bool>``: a flag takes no value."""
    for param in command.get_params(ctx):
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return command


class PlainFlagsGroup(TyperGroup):
    """A command group whose help shows flags without a value type."""

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        return command if command is None else _plain_flags(command, ctx)


class ForewarnGroup(PlainFlagsGroup):
    """The root command group: prints a :class:`~forewarn.errors.ForewarnError` as one line on stderr
    and exits with its code, instead of a traceback."""

    def invoke(self, ctx: Any) -> Any:
        from ..errors import ForewarnError

        try:
            return super().invoke(ctx)
        except ForewarnError as exc:
            from rich.console import Console
            from rich.markup import escape

            Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {escape(str(exc))}")
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    name="forewarn",
    cls=ForewarnGroup,
    help="Explore Kosovo's security futures, rank strategies, and watch the news for signposts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help texts are plain text: "[[signposts]]" is a TOML table, not rich markup to swallow.
    rich_markup_mode="markdown",
)
case_app = typer.Typer(cls=PlainFlagsGroup, help="Check and describe case files.", no_args_is_help=True,
                       rich_markup_mode="markdown")
facts_app = typer.Typer(cls=PlainFlagsGroup, help="The sourced fact base.", no_args_is_help=True,
                        rich_markup_mode="markdown")
app.add_typer(case_app, name="case")
app.add_typer(facts_app, name="facts")
