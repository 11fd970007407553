"""The package layout is the data flow: each stage imports only earlier stages, and no modules
import each other in a circle (docs/architecture.md, "Packages and their imports").

Imports are read with :mod:`ast` from the source, including those inside functions (the lazy
imports that keep ``import forewarn`` cheap are imports all the same).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "forewarn"

#: The stages in data-flow order; a module may import its own stage and earlier ones.
STAGES = ("errors", "engine", "analysis", "evidence", "monitor", "signposts", "report", "web", "kosovo", "cli")

#: Top-level modules that every stage may use, and the stage they count as.
FOUNDATIONS = {"errors": "errors", "dates": "errors"}

#: Known exceptions, each to be removed by the change that fixes it (none left).
KNOWN: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """Every forewarn module that ``name`` imports, anywhere in its code."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "forewarn")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "forewarn":
                continue
            found.add(target)
            # `from . import engine` and `from .engine import runner` name modules too.
            found.update(f"{target}.{a.name}" for a in node.names)
    modules = _modules()
    return {m for m in found if m in modules and m != name}


def _stage(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) == 1:
        return None  # the package itself: its public names are resolved lazily
    top = parts[1]
    if top == "__main__":
        return STAGES.index("cli")
    top = FOUNDATIONS.get(top, top)
    return STAGES.index(top) if top in STAGES else None


GRAPH = {name: _imports(name, path) for name, path in _modules().items()}


def test_every_module_belongs_to_a_stage():
    unknown = sorted(m for m in GRAPH if m != "forewarn" and _stage(m) is None)
    assert unknown == [], f"add these to a stage (and to docs/architecture.md): {unknown}"


def test_the_parser_sees_imports_inside_functions():
    # forewarn.cli.engine imports the runner only inside its command.
    assert "forewarn.engine.runner" in GRAPH["forewarn.cli.engine"]
    assert "forewarn.errors" in GRAPH["forewarn.engine.space"]


def test_no_stage_imports_a_later_stage():
    wrong = []
    for module, targets in GRAPH.items():
        here = _stage(module)
        if here is None:
            continue
        for target in sorted(targets):
            there = _stage(target)
            if there is not None and there > here and (module, target) not in KNOWN:
                wrong.append(f"{module} -> {target} ({STAGES[here]} imports {STAGES[there]})")
    assert wrong == [], "\n".join(wrong)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports, or None (depth-first search without recursion)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if state.get(start):
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def test_no_circle_of_imports_between_packages():
    packages: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        if _stage(module) is None:
            continue
        src = STAGES[_stage(module)]
        for target in targets:
            if (module, target) in KNOWN or _stage(target) is None:
                continue
            dst = STAGES[_stage(target)]
            if dst != src:
                packages.setdefault(src, set()).add(dst)
        packages.setdefault(src, set())
    assert _cycle(packages) is None, _cycle(packages)


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_known_exceptions_still_exist():
    # An exception that is gone must leave the list, so that it cannot come back unnoticed.
    gone = [f"{m} -> {t}" for m, t in sorted(KNOWN) if t not in GRAPH.get(m, set())]
    assert gone == [], f"no longer imported, remove from KNOWN: {gone}"


def test_no_circle_of_imports_between_modules():
    graph = {m: {t for t in targets if (m, t) not in KNOWN} for m, targets in GRAPH.items()}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_tests_run_the_command_line_through_one_fixture():
    # One way to run a command in a test: the `cli` fixture of tests/conftest.py (a
    # typer.testing.CliRunner), or `python -m forewarn` in a subprocess; no wrappers of their own.
    tests = Path(__file__).resolve().parent
    offenders = []
    for path in sorted(tests.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("forewarn.cli", "typer.testing"):
                names = {a.name for a in node.names}
                if names & {"main", "CliRunner"}:
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == [], f"use the cli fixture instead: {offenders}"
