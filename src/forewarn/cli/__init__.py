"""forewarn's command line. ``main`` maps errors to exit codes: 0 ok, 2 bad input, 1 other."""

from __future__ import annotations

import logging
import sys

from ..errors import ForewarnError
from .app import app

# Each module registers its commands on `app` when imported.
from . import engine, case, facts, analysis, monitor, extract, watch, brief  # noqa: E402,F401
from . import search  # noqa: E402,F401

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with its code: 0 ok, 2 bad input (usage errors too), 1 other failures."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        # Standalone mode: usage errors print their message and exit 2, Ctrl-C exits 1.
        app(args=argv, prog_name="forewarn")
    except ForewarnError as exc:
        from rich.console import Console
        from rich.markup import escape

        Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {escape(str(exc))}")
        sys.exit(exc.exit_code)
