"""The parameter tables of ``docs/methods.md``, generated from the case so the page cannot drift from it.

``docs/methods.md`` holds three tables (uncertainties, levers, constants) between marker comments
``<!-- case-table: NAME -->`` and ``<!-- /case-table -->``. :func:`methods_tables` builds them from a
case; :func:`update_methods` rewrites a page in place; a test checks that the shipped page equals
what the shipped case gives. To regenerate after editing ``case.toml``::

    python -m forewarn.kosovo.methods_tables docs/methods.md
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from forewarn.engine.space import Case

__all__ = ["methods_tables", "update_methods", "TABLES"]

#: The tables, in page order.
TABLES = ("uncertainties", "levers", "constants")

_BLOCK = re.compile(r"(<!-- case-table: (\w+) -->\n)(.*?)(<!-- /case-table -->)", re.S)


def _num(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _provenance(sources: tuple[str, ...], assumption: str | None) -> str:
    if not sources:
        return f"Assumption: {assumption}" if assumption else ""
    text = ", ".join(sources) + "."
    return f"{text} {assumption}" if assumption else text


def _range(p: Any) -> str:
    if p.kind == "boolean":
        return f"false / true ({_num(bool(p.default))})"
    if p.kind == "categorical":
        return " / ".join(map(str, p.choices or ())) + f" ({p.default})"
    return f"{_num(p.low)} – {_num(p.high)} ({_num(p.default)})"


def _cost(p: Any) -> str:
    if p.cost is None:
        return ""
    if p.cost.free is not None:
        return f"free: {p.cost.free}"
    names = ", ".join(f"`{n}`" for n in p.cost.priced_by)
    return f"priced by {names}: {p.cost.note}" if p.cost.note else f"priced by {names}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def methods_tables(case: Case | None = None) -> dict[str, str]:
    """The Markdown tables of the case's parameters, by name (see :data:`TABLES`).

    Parameters
    ----------
    case : Case, optional
        The case (the built-in Kosovo case when omitted).

    Returns
    -------
    dict of str to str
        ``uncertainties``, ``levers`` and ``constants``: each a Markdown table with a trailing newline.
    """
    from . import load_kosovo_case

    case = case if case is not None else load_kosovo_case()
    rows = {
        "uncertainties": [["name", "range (default)", "stress range", "unit", "meaning", "sources / assumption"]]
        + [[f"`{p.name}`", _range(p), f"{_num(p.stress.low)} – {_num(p.stress.high)}" if p.stress else "",
            p.unit, p.description, _provenance(p.sources, p.assumption)] for p in case.uncertainties],
        "levers": [["name", "range (default)", "unit", "meaning", "cost", "sources / assumption"]]
        + [[f"`{p.name}`", _range(p), p.unit, p.description, _cost(p), _provenance(p.sources, p.assumption)]
           for p in case.levers],
        "constants": [["name", "value", "unit", "meaning", "sources / assumption"]]
        + [[f"`{name}`", _num(c.value), c.unit, c.description, _provenance(c.sources, c.assumption)]
           for name, c in case.constants.items()],
    }
    out = {}
    for name, table in rows.items():
        lines = [_row(table[0]), _row(["---"] * len(table[0]))] + [_row(r) for r in table[1:]]
        out[name] = "\n".join(lines) + "\n"
    return out


def update_methods(text: str, case: Case | None = None) -> str:
    """``text`` (a methods page) with every marked table replaced by the one the case gives.

    Raises
    ------
    ValueError
        When a table of :data:`TABLES` has no markers in ``text``, or a marker names an unknown table.
    """
    tables = methods_tables(case)
    found: set[str] = set()

    def swap(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in tables:
            raise ValueError(f"methods page: unknown case table {name!r}")
        found.add(name)
        return match.group(1) + tables[name] + match.group(4)

    new = _BLOCK.sub(swap, text)
    missing = [t for t in TABLES if t not in found]
    if missing:
        raise ValueError(f"methods page: no markers for the case table(s) {', '.join(missing)}")
    return new


def main(argv: list[str] | None = None) -> int:
    """Rewrite the methods page named on the command line in place."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m forewarn.kosovo.methods_tables docs/methods.md", file=sys.stderr)
        return 2
    path = Path(args[0])
    path.write_text(update_methods(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
