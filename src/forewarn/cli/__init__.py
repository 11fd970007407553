"""forewarn's command line. ``main`` maps errors to exit codes: 0 ok, 2 bad input, 1 other."""

from __future__ import annotations

import logging
import sys

from ..errors import ForewarnError
from .app import app

# Each module registers its commands on `app` when imported.
from . import engine, case, facts, analysis, monitor, extract, brief  # noqa: E402,F401

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and exits with) the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        app(args=argv, prog_name="forewarn", standalone_mode=False)
    except ForewarnError as exc:
        from rich.console import Console

        Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {exc}", markup=True)
        sys.exit(exc.exit_code)
    except SystemExit as exc:
        raise
    except Exception as exc:  # click's own usage errors arrive here in standalone_mode=False
        import click

        if isinstance(exc, click.exceptions.UsageError):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        raise
    sys.exit(0)
