"""What several commands share: finding a case, checking it the same way everywhere, and
refusing an output folder that cannot be written before any work is done."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CaseError, ForewarnError, InputError

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.space import Case

__all__ = ["BUILTIN_CASES", "RANGES", "case_path", "check_case", "load_checked_case", "check_out_folder", "working"]

#: Case names that stand for a case shipped in the package (``forewarn run kosovo ...``).
BUILTIN_CASES = ("kosovo",)


def case_path(case: str | Path) -> Path:
    """The case file a command-line argument names: a path, or a built-in name (``kosovo``).

    A file of that name in the working folder wins over the built-in case.

    Examples
    --------
    >>> case_path("kosovo").name
    'case.toml'
    >>> case_path("examples/lake/case.toml").as_posix()
    'examples/lake/case.toml'
    """
    path = Path(case)
    if str(case) in BUILTIN_CASES and not path.exists():
        from ..kosovo import case_path as kosovo_case_path

        return kosovo_case_path()
    return path


def check_case(case: Case) -> list[Any]:
    """Everything ``case check`` checks beyond the file itself; ``run`` and ``sensitivity`` too.

    The signposts must be valid and narrow the case's own uncertainties; the model must import;
    and it must run on the case's own values (every uncertainty at its default, under each
    strategy), which catches a constant the model cannot use (``value = "three"``) before a run
    writes anything.

    Returns
    -------
    list of forewarn.signposts.Signpost
        The case's signposts, parsed.

    Raises
    ------
    CaseError
        Naming the case file and the field.
    ModelOutputError
        The model ran but broke its contract (a fault of the model: exit code 1).
    """
    from ..engine.model import load_model

    signposts: list[Any] = []
    if case.signposts:
        from ..signposts import check_against_case, parse_signposts

        signposts = parse_signposts(case)
        check_against_case(signposts, case)
    _trial_run(case, load_model(case))
    return signposts


def _trial_run(case: Case, model: Any) -> None:
    """Call the model once per strategy on the case's defaults (seed 0)."""
    import numpy as np
    import pandas as pd

    from ..engine.model import call_model, model_inputs

    rows = []
    for name in case.strategy_names:
        row = {p.name: p.default_value for p in case.uncertainties}
        row.update(case.strategy_levers(name))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=case.uncertainty_names + case.lever_names)
    frame["seed"] = np.zeros(len(frame), dtype=np.uint64)
    try:
        call_model(model, model_inputs(case, frame), case)
    except ForewarnError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of user code becomes one message
        odd = [k for k, c in case.constants.items() if isinstance(c.value, str)]
        message = f"the model fails on the case's own default values: {type(exc).__name__}: {exc}"
        field, line = "model", None
        if odd:
            # Text constants are allowed (a model may want a label), but a model doing sums
            # with one is the usual cause: name it.
            message += "; check the text constant" + ("s " if len(odd) > 1 else " ") + ", ".join(
                f"{k} = {case.constants[k].value!r}" for k in odd)
            if len(odd) == 1:
                field, line = f"constants.{odd[0]}", _line_of(case, ("constants", odd[0]))
        raise CaseError(message, source=case.path, line=line, field=field) from None


def _line_of(case: Case, loc: tuple[Any, ...]) -> int | None:
    from ..engine.space import find_line

    try:
        text = case.path.read_text(encoding="utf-8") if case.path is not None else None
    except (OSError, UnicodeDecodeError):
        return None
    return find_line(text, loc)


#: The named sets of uncertainty ranges (``--ranges``): the case as sourced, or with its stress ranges.
RANGES = ("sourced", "stress")


def load_checked_case(case: str | Path, ranges: str = "sourced") -> Case:
    """Find (:func:`case_path`), read, validate and check (:func:`check_case`) a case.

    ``ranges`` (``--ranges``) picks the set of uncertainty ranges: ``"sourced"`` (the case as it is) or
    ``"stress"`` (every declared ``stress = {low, high}`` range swapped in, see ``Case.with_ranges``).
    """
    from ..engine.space import load_case

    if ranges not in RANGES:
        raise InputError(f"unknown set of ranges {ranges!r} (known: {', '.join(RANGES)})", field="--ranges")
    loaded = load_case(case_path(case))
    check_case(loaded)
    return loaded.with_ranges(ranges)


def check_out_folder(folder: Path, option: str = "--out") -> None:
    """Refuse an output folder that cannot be made or written, before any work is done.

    Nothing is left behind: the deepest folder that exists is probed with a temporary folder
    that is removed at once (root may write where permissions say no, so permissions alone
    cannot tell).

    Raises
    ------
    InputError
        Naming ``option`` and the path, e.g. ``README.md: --out: is a file, not a folder``.
    """
    folder = Path(folder)
    probe = folder
    while not probe.exists():
        if probe.is_symlink():
            raise InputError("is a broken symbolic link", source=probe, field=option)
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        what = "is a file, not a folder" if probe == folder else f"cannot be made: {probe} is a file"
        raise InputError(what, source=folder, field=option)
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".forewarn-probe-", dir=probe))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError(f"cannot write in {probe}: {reason}", source=folder, field=option) from None


@contextmanager
def working(description: str, *, quiet: bool = False) -> Iterator[None]:
    """Show that long work is going on: a spinner, what is being done and the time taken, on
    stderr, gone when it ends. Silent with ``quiet`` or when stderr is not a terminal (a pipe,
    a log file, a test)."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    err = Console(stderr=True, highlight=False)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=quiet or not err.is_terminal) as bar:
        bar.add_task(description, total=None)
        yield
