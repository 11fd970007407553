"""The command-line reference (``docs/cli.md``), generated from the commands' own ``--help``.

``docs/cli.md`` holds a cog block that calls :func:`generate`; ``cog -r docs/cli.md`` (the
``cogapp`` package) rewrites it, and the test suite fails when it is stale.
"""

from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["WIDTH", "command_paths", "markdown", "generate"]

#: Columns of the help texts in the reference.
WIDTH = 100

# Variables that change how the help is drawn (colours, width); cleared so the text is the same
# on every machine.
_STYLE_VARIABLES = ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "TERMINAL_WIDTH", "NO_COLOR", "COLUMNS", "LINES")


def command_paths() -> list[list[str]]:
    """Every command and group, as the words typed after ``forewarn`` (``[]`` is the top)."""
    from typer.main import get_command

    from . import app

    paths: list[list[str]] = []

    def walk(command, path: list[str]) -> None:
        paths.append(path)
        for name in sorted(getattr(command, "commands", {}) or {}):
            sub = command.commands[name]
            if not getattr(sub, "hidden", False):
                walk(sub, [*path, name])

    walk(get_command(app), [])
    return paths


def markdown(width: int = WIDTH) -> str:
    """The help of every command as Markdown sections (in this process, as it is set up)."""
    from typer.testing import CliRunner

    from . import app

    runner = CliRunner()
    parts = []
    for path in command_paths():
        result = runner.invoke(app, [*path, "--help"], prog_name="forewarn", env={"COLUMNS": str(width)})
        if result.exit_code != 0:
            raise RuntimeError(f"forewarn {' '.join(path)} --help failed: {result.output}")
        text = "\n".join(line.rstrip() for line in result.stdout.splitlines()).strip("\n")
        title = " ".join(["forewarn", *path])
        parts.append(f"## `{title}`\n\n```text\n{text}\n```\n")
    return "\n".join(parts)


def generate(width: int = WIDTH) -> str:
    """:func:`markdown` in a fresh interpreter with a plain environment: no colours, fixed width."""
    env = {k: v for k, v in os.environ.items() if k not in _STYLE_VARIABLES}
    env["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "forewarn.cli.reference", str(width)],
        env=env, capture_output=True, text=True, encoding="utf-8", check=True, timeout=300,
    )
    return proc.stdout


if __name__ == "__main__":
    sys.stdout.write(markdown(int(sys.argv[1]) if len(sys.argv) > 1 else WIDTH))
