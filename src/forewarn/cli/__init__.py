"""forewarn's command line. Exit codes: 0 ok, 2 bad input (usage errors too), 1 other failures."""

from __future__ import annotations

import logging

from .app import app

# Each module registers its commands on `app` when imported.
from . import engine, case, facts, analysis, monitor, extract, watch, brief  # noqa: E402,F401
from . import search  # noqa: E402,F401
from . import pathways  # noqa: E402,F401

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with its code: 0 ok, 2 bad input (usage errors too), 1 other failures.

    Errors are mapped to exit codes by :class:`forewarn.cli.app.ForewarnGroup`; Ctrl-C exits 1.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    app(args=argv, prog_name="forewarn")
