"""Exceptions and warnings shared by every part of forewarn.

Every error caused by what a user gave (a case file, a CSV, an article, a command-line value, a
model's outputs) is an :class:`InputError`: its message names the file, the line where one is
known, and the field. The command line turns it into one line on stderr and exit code 2.
"""

from __future__ import annotations

__all__ = ["ForewarnError", "InputError", "CaseError", "ModelOutputError", "ForewarnWarning"]


class ForewarnError(Exception):
    """Base class of forewarn's errors; the CLI exits with :attr:`exit_code`."""

    exit_code = 1


class InputError(ForewarnError):
    """Bad input: names where it is (``source``, ``line``) and what (``field``)."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        source: object | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = None if source is None else str(source)
        self.line = line
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.source:
            where = self.source + (f":{self.line}" if self.line else "")
        elif self.line:
            where = f"line {self.line}"
        parts = [p for p in (where, self.field) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class CaseError(InputError):
    """A case file that cannot be used."""


class ModelOutputError(InputError):
    """A model returned something that breaks the model contract."""


class ForewarnWarning(UserWarning):
    """Warnings raised by forewarn (turned into errors in its own test suite)."""
