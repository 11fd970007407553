"""Every command a user can type is documented in the README, and the CLI reference
(docs/cli.md, generated from --help with cog) is up to date."""

from __future__ import annotations

from pathlib import Path

import typer

from forewarn.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: typer.Typer, prefix: str = "forewarn") -> list[str]:
    names = [f"{prefix} {c.name or c.callback.__name__.replace('_', '-')}" for c in group.registered_commands]
    for sub in group.registered_groups:
        names += _commands(sub.typer_instance, f"{prefix} {sub.name}")
    return names


def test_every_command_is_in_the_readme():
    commands = _commands(app)
    assert len(commands) >= 14
    missing = [c for c in commands if f"`{c}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_the_cli_reference_is_up_to_date(capsys):
    from cogapp import Cog

    path = ROOT / "docs" / "cli.md"
    status = Cog().main(["cog", "--check", "--diff", str(path)])
    assert status == 0, f"docs/cli.md is stale: run `cog -r docs/cli.md`\n{capsys.readouterr().out}"


def test_the_cli_reference_holds_every_command():
    from forewarn.cli.reference import command_paths

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    paths = command_paths()
    assert ["run"] in paths and ["case", "check"] in paths
    for path in paths:
        assert f"## `{' '.join(['forewarn', *path])}`" in text


def test_help_texts_are_shown_as_written(cli):
    # Help is Markdown, not rich markup: a TOML table name in brackets is not swallowed.
    code, out, err = cli("watch", "--help", env={"COLUMNS": "200"})
    assert code == 0, err
    assert "[[signposts]]" in out
    code, out, _ = cli("run", "--help", env={"COLUMNS": "200"})
    assert "--resume " in out and "<bool>" not in out  # flags take no value
