"""The model contract: how a case's model is found, fed and checked.

A model is a callable ``model(inputs) -> outputs``. ``inputs`` maps every uncertainty, lever and
constant (broadcast to the rows) and ``seed`` to a 1-D numpy array with one row per experiment;
``outputs`` maps every declared outcome to a float array of shape ``(n,)`` (scalar outcome) or
``(n, T)`` (series outcome, ``T`` years on the case's time axis). :func:`call_model` checks that
contract and names the outcome and the experiment that break it::

    outcome 'max_P': NaN in experiment 1,234

:func:`scalar_model` turns a plain function of one experiment (``fn(**row) -> dict``) into a
model, so any Python function can be explored, more slowly.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CaseError, ModelOutputError
from .space import Case, find_line

__all__ = ["Model", "load_model", "model_inputs", "call_model", "scalar_model", "ScalarModel", "model_version"]

#: What a model is: a function from input columns to outcome columns.
Model = Callable[[Mapping[str, np.ndarray]], Mapping[str, Any]]


def _model_error(case: Case, message: str) -> CaseError:
    line = None
    if case.path is not None:
        try:
            line = find_line(Path(case.path).read_text(encoding="utf-8"), ("model",))
        except OSError:
            line = None
    return CaseError(message, source=case.path, line=line, field="model")


def load_model(case: Case) -> Model:
    """Import the case's model.

    ``case.model`` is ``"file.py:function"`` (the file relative to the case file's folder, or
    to the working directory for a case without a file) or ``"package.module:function"``. The
    function may be a dotted attribute path (``"pkg.mod:Class.method"``).

    Raises
    ------
    CaseError
        Naming the ``model`` field when the module cannot be found or imported, or has no such
        callable.
    """
    target, _, attribute = case.model.partition(":")
    target, attribute = target.strip(), attribute.strip()
    if target.endswith(".py"):
        base = Path(case.path).parent if case.path is not None else Path.cwd()
        file = (base / target).resolve()
        if not file.is_file():
            raise _model_error(case, f"model file {target!r} not found (looked for {file.name} in {base})")
        # A unique name per file and content: two cases may both call their model "model.py",
        # and an edited file is imported afresh rather than served from the cache.
        source = file.read_bytes()
        digest = hashlib.sha256(str(file).encode() + b"\0" + source).hexdigest()[:16]
        name = f"forewarn_model_{file.stem}_{digest}"
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, file)
            if spec is None or spec.loader is None:
                raise _model_error(case, f"cannot import model file {target!r}")
            module = importlib.util.module_from_spec(spec)
            # Registered before executing so that dataclasses and pickling inside it work.
            sys.modules[name] = module
            try:
                # Compiled by hand rather than by the loader: checking a case writes nothing,
                # not even a __pycache__ folder beside the user's model.
                code = compile(source, str(file), "exec", dont_inherit=True)
                exec(code, module.__dict__)
            except Exception as exc:
                sys.modules.pop(name, None)
                raise _model_error(
                    case, f"importing model file {target!r} failed: {type(exc).__name__}: {exc}"
                ) from exc
    else:
        try:
            module = importlib.import_module(target)
        except ModuleNotFoundError as exc:
            raise _model_error(case, f"cannot import module {target!r}: {exc}") from exc
        except Exception as exc:
            raise _model_error(case, f"importing module {target!r} failed: {type(exc).__name__}: {exc}") from exc
    obj: Any = module
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            public = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_"))
            hint = f" (callables there: {', '.join(public[:12])})" if public else ""
            raise _model_error(case, f"{target!r} has no attribute {attribute!r}{hint}") from None
    if not callable(obj):
        raise _model_error(case, f"{case.model!r} is not callable")
    return obj


def model_inputs(case: Case, rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """The model's inputs for some rows of the experiments table.

    Parameters
    ----------
    case : Case
    rows : DataFrame
        Rows of an experiments table (see :class:`forewarn.engine.design.ExperimentDesign`): a column
        per uncertainty and lever, and ``seed``.

    Returns
    -------
    dict of str to ndarray
        Every uncertainty and lever (in its dtype: float64, int64, bool, or the choices' type),
        every constant broadcast to the rows (a list constant becomes ``(n, len)``), and
        ``seed`` (uint64).
    """
    n = len(rows)
    names = case.uncertainty_names + case.lever_names + ["seed"]
    missing = [name for name in names if name not in rows.columns]
    if missing:
        raise CaseError(f"the experiments lack column(s) {', '.join(missing)}", source=case.path)
    out: dict[str, np.ndarray] = {}
    for p in (*case.uncertainties, *case.levers):
        column = rows[p.name]
        dtype = p.dtype
        if dtype == object:
            out[p.name] = np.asarray(column.astype(object).to_numpy(), dtype=object)
        else:
            out[p.name] = np.ascontiguousarray(column.to_numpy(dtype=dtype))
    for name, constant in case.constants.items():
        value = constant.value
        if isinstance(value, tuple):
            out[name] = np.tile(np.asarray(value), (n, 1))
        elif isinstance(value, str):
            out[name] = np.full(n, value, dtype=object)
        else:
            out[name] = np.full(n, value)
    out["seed"] = np.ascontiguousarray(rows["seed"].to_numpy(dtype=np.uint64))
    return out


def call_model(
    model: Model, inputs: Mapping[str, np.ndarray], case: Case, *, offset: int = 0
) -> dict[str, np.ndarray]:
    """Call ``model`` on ``inputs`` and check what it returns.

    Parameters
    ----------
    model : callable
    inputs : mapping of str to ndarray
        As made by :func:`model_inputs`; its ``seed`` array gives the number of rows.
    case : Case
    offset : int
        Global index of the first row, so errors name the experiment of the whole run.

    Returns
    -------
    dict of str to ndarray
        The declared outcomes, in the case's order, as C-contiguous float64 arrays; other
        outputs are dropped.

    Raises
    ------
    ModelOutputError
        When an outcome is missing, not numeric, of the wrong shape, or not finite, e.g.
        ``outcome 'max_P': NaN in experiment 1,234``.
    """
    n = len(inputs["seed"]) if "seed" in inputs else len(next(iter(inputs.values())))
    outputs = model(inputs)
    if not isinstance(outputs, Mapping):
        raise ModelOutputError(
            f"the model returned {type(outputs).__name__}; it must return a mapping from outcome name to array"
        )
    T = len(case.time) if case.time is not None else None
    result: dict[str, np.ndarray] = {}
    for outcome in case.outcomes:
        field = f"outcome {outcome.name!r}"
        if outcome.name not in outputs:
            given = ", ".join(map(str, outputs)) or "nothing"
            raise ModelOutputError(f"missing from the model's outputs (it returned: {given})", field=field)
        try:
            array = np.asarray(outputs[outcome.name])
        except Exception as exc:  # ragged lists and the like
            raise ModelOutputError(f"cannot be read as an array: {exc}", field=field) from None
        if array.dtype.kind not in "biuf":
            raise ModelOutputError(f"values must be numbers, got dtype {array.dtype}", field=field)
        expected = (n,) if outcome.kind == "scalar" else (n, T)
        if array.shape != expected:
            what = "one value per experiment" if outcome.kind == "scalar" else f"one row of {T} years per experiment"
            raise ModelOutputError(f"shape {array.shape}, expected {expected} ({what})", field=field)
        array = np.ascontiguousarray(array, dtype=np.float64)
        finite = np.isfinite(array)
        if not finite.all():
            bad = ~finite if array.ndim == 1 else ~finite.all(axis=1)
            row = int(np.flatnonzero(bad)[0])
            value = array[row] if array.ndim == 1 else array[row][~finite[row]][0]
            label = "NaN" if np.isnan(value) else ("inf" if value > 0 else "-inf")
            where = ""
            if array.ndim == 2:
                year = int(case.time.years[int(np.flatnonzero(~finite[row])[0])])
                where = f" (year {year})"
            raise ModelOutputError(f"{label} in experiment {offset + row:,}{where}", field=field)
        result[outcome.name] = array
    return result


class ScalarModel:
    """A model made of a function of one experiment; see :func:`scalar_model`."""

    def __init__(self, fn: Callable[..., Mapping[str, Any]]) -> None:
        self.fn = fn
        functools.update_wrapper(self, fn)
        try:
            parameters = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            parameters = ()
        takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters) or not parameters
        # A function that names its arguments gets only those (it need not accept `seed`).
        self._names = None if takes_all else {p.name for p in parameters}

    def __call__(self, inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        names = [k for k in inputs if self._names is None or k in self._names]
        n = len(inputs["seed"]) if "seed" in inputs else len(next(iter(inputs.values())))
        columns = {k: np.asarray(inputs[k]) for k in names}
        rows: list[Mapping[str, Any]] = []
        for i in range(n):
            # .item() gives Python scalars: plain functions compare and branch on them safely.
            kwargs = {k: (v[i].item() if isinstance(v[i], np.generic) else v[i]) for k, v in columns.items()}
            out = self.fn(**kwargs)
            if not isinstance(out, Mapping):
                raise ModelOutputError(
                    f"{getattr(self.fn, '__name__', 'the function')} returned {type(out).__name__} for row {i}; "
                    "it must return a dict"
                )
            rows.append(out)
        keys: list[str] = []
        for out in rows:
            keys.extend(k for k in out if k not in keys)
        result: dict[str, np.ndarray] = {}
        for key in keys:
            missing = [i for i, out in enumerate(rows) if key not in out]
            if missing:
                raise ModelOutputError(f"missing from row {missing[0]}'s output", field=f"outcome {key!r}")
            try:
                result[key] = np.asarray([np.asarray(out[key], dtype=np.float64) for out in rows])
            except (TypeError, ValueError) as exc:
                raise ModelOutputError(f"rows cannot be stacked: {exc}", field=f"outcome {key!r}") from None
        return result

    def __repr__(self) -> str:
        return f"scalar_model({getattr(self.fn, '__qualname__', self.fn)!r})"


def scalar_model(fn: Callable[..., Mapping[str, Any]]) -> ScalarModel:
    """Wrap a function of one experiment into a model.

    ``fn`` is called once per experiment with Python scalars as keyword arguments (every input
    it names; everything when it takes ``**kwargs``) and returns a dict of outcome values: a
    number for a scalar outcome, a sequence of ``T`` numbers for a series outcome. The wrapper
    stacks them into arrays. It loops in Python, so prefer a vectorised model for big runs.

    Examples
    --------
    >>> import numpy as np
    >>> m = scalar_model(lambda a, b: {"y": a * b})
    >>> m({"a": np.array([1.0, 2.0]), "b": np.array([3.0, 4.0])})["y"]
    array([3., 8.])
    """
    return ScalarModel(fn)


def model_version(model: Any) -> str:
    """A version string for a run's manifest: the module's ``__version__`` (if any) and a short
    SHA-256 of the model's source file, e.g. ``"1.0+sha256.3f2a9c1d0b7e"``."""
    fn = inspect.unwrap(model.fn if isinstance(model, ScalarModel) else model)
    module = inspect.getmodule(fn)
    if module is not None:
        version = getattr(module, "__version__", None)
    else:  # a function from a module that is not in sys.modules: its globals are its module's
        version = getattr(fn, "__globals__", {}).get("__version__")
    digest = None
    try:
        source = inspect.getsourcefile(fn) or (getattr(module, "__file__", None) if module else None)
    except TypeError:
        source = getattr(module, "__file__", None) if module else None
    if source and Path(source).is_file():
        digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()[:12]
    parts = [str(version)] if version is not None else []
    if digest:
        parts.append(f"sha256.{digest}")
    return "+".join(parts) if parts else "unknown"
