"""Exceptions and warnings shared by every part of forewarn.

Every error caused by what a user gave (a case file, a CSV, an article, a command-line value) is
an :class:`InputError`: its message names the file, the line where one is known, and the field.
The command line turns it into one line on stderr and exit code 2. A model that breaks its
contract raises :class:`ModelOutputError`: one line too, but exit code 1, as for any other fault.
"""

from __future__ import annotations

__all__ = ["ForewarnError", "InputError", "CaseError", "ModelOutputError", "ForewarnWarning"]


class ForewarnError(Exception):
    """Base class of forewarn's errors; the CLI exits with :attr:`exit_code`."""

    exit_code = 1


def _located(message: str, source: str | None, line: int | None, field: str | None) -> str:
    """``source:line: field: message``, leaving out the parts that are not known."""
    where = ""
    if source:
        where = source + (f":{line}" if line else "")
    elif line:
        where = f"line {line}"
    prefix = ": ".join(p for p in (where, field) if p)
    return f"{prefix}: {message}" if prefix else message


class InputError(ForewarnError):
    """Bad input: names where it is (``source``, ``line``) and what (``field``).

    Examples
    --------
    >>> str(InputError("must be a number", source="case.toml", line=12, field="constants.k"))
    'case.toml:12: constants.k: must be a number'
    >>> InputError("must be at least 1", field="-n").exit_code
    2
    """

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
        super().__init__(_located(message, self.source, line, field))


class CaseError(InputError):
    """A case file that cannot be used."""


class ModelOutputError(ForewarnError):
    """A model returned something that breaks the model contract.

    It is a fault in the model's code, not in what the user typed, so it is not an
    :class:`InputError`: the command line exits 1, and nothing that catches bad input (to ask
    again, or to start over) catches it.

    Examples
    --------
    >>> err = ModelOutputError("NaN in experiment 7", field="outcome 'final'")
    >>> str(err), err.exit_code, isinstance(err, InputError)
    ("outcome 'final': NaN in experiment 7", 1, False)
    """

    exit_code = 1

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(_located(message, None, None, field))


class ForewarnWarning(UserWarning):
    """Warnings raised by forewarn (turned into errors in its own test suite)."""
