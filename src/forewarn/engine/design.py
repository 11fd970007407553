"""Experiment designs: which futures to run, and the experiments table they make with strategies.

Every method first draws points in the unit hypercube, then maps each coordinate ``u`` to a
parameter value: ``low + u (high - low)`` for a real parameter (or the inverse of its
distribution's CDF at ``u`` when it declares one, :mod:`forewarn.engine.distributions`); ``low + floor(u (high - low + 1))``
for an integer one (each whole number equally likely); the ``floor(u k)``-th of ``k`` choices for
a categorical or boolean one.

Designs held in memory are sized first (:func:`check_design_size`): rows × parameters × 8
bytes may take at most :data:`DESIGN_MEMORY_SHARE` of physical memory.

Methods (``sample(..., method=...)``):

``"lhs"``
    Latin hypercube (McKay, Beckman and Conover 1979; ``scipy.stats.qmc.LatinHypercube``):
    each of the ``n`` equal strata of every dimension holds exactly one point.
``"sobol"``
    Scrambled Sobol' sequence (``scipy.stats.qmc.Sobol``); powers of two keep its balance.
``"mc"``
    Independent uniform draws.
``"factorial"``
    Full grid: ``levels`` evenly spaced values per real parameter (integers: the distinct whole
    numbers nearest to them), every choice of categorical and boolean parameters. ``n`` is the
    number of levels unless ``levels`` (an int, or a dict by parameter name) is given.
``"saltelli"``
    Saltelli's extension of Sobol' sequences for Sobol' indices (SALib
    ``SALib.sample.sobol``): ``n (2 D + 2)`` rows, to analyse with :func:`salib_problem`.
``"morris"``
    Morris trajectories (SALib ``SALib.sample.morris``): ``n (D + 1)`` rows; option
    ``num_levels`` (default 4).

Seeds: ``seed`` is an int or a :class:`numpy.random.SeedSequence`. The same seed gives the same
bits on every machine. Design objects keep the seed as given in ``.seed`` (an int, for the
manifest) and its :class:`~numpy.random.SeedSequence` in ``.seed_sequence``. "mc" and "sobol" are computed in fixed blocks so that any slice of a
design of ten million rows can be made without the rest (:class:`StreamingDesign`), and
:func:`sample` gives exactly the same rows.

The experiments table (:class:`ExperimentDesign`): experiment ``i`` is future ``i // S`` under
strategy ``i % S``, with columns ``experiment``, ``future``, ``strategy``, ``seed`` (see
:func:`future_seeds`), every uncertainty and every lever.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from ..errors import InputError
from . import SAMPLING_METHODS
from .jsonable import to_jsonable
from .seeds import GOLDEN_GAMMA, mix64
from .space import Case, Parameter

__all__ = [
    "METHODS",
    "Design",
    "SampleDesign",
    "StreamingDesign",
    "ExperimentDesign",
    "sample",
    "salib_problem",
    "future_seeds",
    "experiments",
    "to_seed_sequence",
    "from_unit",
    "design_rows",
    "check_design_size",
    "design_memory_limit",
]

METHODS = SAMPLING_METHODS
STREAMING_METHODS = ("mc", "sobol")

#: Rows per block of a streaming "mc" design; part of the design's definition (changing it
#: changes the numbers), recorded in :meth:`StreamingDesign.spec`.
BLOCK_SIZE = 65_536

# Tags that separate the random streams derived from one run seed.
_TAG_FUTURE_SEEDS = 0x5EED
_TAG_BLOCKS = 0xB10C

Seed = int | np.integer | np.random.SeedSequence | None


# -- seeds -------------------------------------------------------------------------------------


def to_seed_sequence(seed: Seed) -> np.random.SeedSequence:
    """Normalise a seed: an int (>= 0) or a SeedSequence; ``None`` draws fresh entropy."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise InputError(f"a seed must be a non-negative integer, got {seed!r}", field="seed")
    if seed < 0:
        raise InputError(f"a seed must be a non-negative integer, got {seed}", field="seed")
    return np.random.SeedSequence(int(seed))


def _child(ss: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    # A named child: like spawn(), but chosen by key, so it does not depend on call order.
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, *key))


def _rng(ss: np.random.SeedSequence) -> np.random.Generator:
    # A fresh copy: scipy spawns from the generator it is given, which would advance the
    # caller's SeedSequence and make the next use of the same seed differ.
    return np.random.default_rng(np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key, pool_size=ss.pool_size))


def _plain_seed(ss: np.random.SeedSequence) -> Any:
    # What a user would pass to get this stream again: the int, unless it is a spawned child.
    return ss if ss.spawn_key else ss.entropy


def _seed_spec(ss: np.random.SeedSequence) -> Any:
    if not ss.spawn_key:
        return ss.entropy
    return {"entropy": ss.entropy, "spawn_key": list(ss.spawn_key)}


_GAMMA = np.uint64(GOLDEN_GAMMA)


def future_seeds(seed: Seed, futures: np.ndarray | Sequence[int] | int) -> np.ndarray:
    """The 64-bit seed of each future, from the run's seed and the futures' indices.

    ``splitmix64(key + (i + 1) * golden_gamma)`` where ``key`` comes from the run's
    :class:`~numpy.random.SeedSequence`: a pure function of ``(seed, i)``, so it never depends
    on chunking, and every strategy run on a future sees the same seed.

    Parameters
    ----------
    seed : int or SeedSequence
    futures : array of int
        Future indices (>= 0).

    Returns
    -------
    ndarray of uint64
    """
    index = np.asarray(futures)
    if index.dtype.kind not in "iu":
        raise InputError(f"future indices must be integers, got dtype {index.dtype}", field="futures")
    if index.dtype.kind == "i" and index.size and index.min() < 0:
        raise InputError("future indices must be non-negative", field="futures")
    key = _child(to_seed_sequence(seed), _TAG_FUTURE_SEEDS).generate_state(1, np.uint64)[0]
    with np.errstate(over="ignore"):
        state = key + (index.astype(np.uint64) + np.uint64(1)) * _GAMMA
    return mix64(state)


# -- from the unit cube to parameter values ----------------------------------------------------


def _parameters(parameters: Case | Sequence[Parameter]) -> list[Parameter]:
    if isinstance(parameters, Case):
        return list(parameters.uncertainties)
    params = list(parameters)
    for p in params:
        if not isinstance(p, Parameter):
            raise TypeError(f"expected forewarn.engine.space.Parameter objects, got {type(p).__name__}")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise InputError(f"parameter names repeat: {names}", field="parameters")
    return params


def _column(p: Parameter, u: np.ndarray) -> Any:
    """Map unit-interval values ``u`` to values of ``p`` (vectorised)."""
    if p.kind == "real":
        if p.distribution not in (None, "uniform"):
            return p.unit_to_value(u)  # inverse transform (forewarn.engine.distributions)
        return p.low + u * (p.high - p.low)
    if p.kind == "integer":
        span = p.high - p.low + 1
        step = np.minimum(np.floor(u * span), span - 1).astype(np.int64)
        return p.low + step
    values = p.values
    idx = np.minimum(np.floor(u * len(values)).astype(np.int64), len(values) - 1)
    return _take(p, values, idx)


def _take(p: Parameter, values: Sequence[Any], idx: np.ndarray) -> Any:
    if p.kind == "boolean":
        return np.asarray(values, dtype=bool)[idx]
    dtype = p.dtype
    array = np.empty(len(values), dtype=dtype)
    array[:] = list(values) if dtype != object else values
    taken = array[idx]
    if dtype == object:
        # Categorical keeps the choices as categories, in file order.
        return pd.Categorical(taken, categories=list(values))
    return taken


def _frame(params: Sequence[Parameter], unit: np.ndarray) -> pd.DataFrame:
    n = unit.shape[0]
    data = {p.name: _column(p, unit[:, j]) for j, p in enumerate(params)}
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def from_unit(parameters: Case | Sequence[Parameter], unit: np.ndarray) -> pd.DataFrame:
    """Parameter values for points of the unit hypercube (one row per point, one column per
    parameter), mapped as every design maps them: what a search over the unit cube decodes with.
    """
    params = _parameters(parameters)
    unit = np.asarray(unit, dtype=np.float64)
    if unit.ndim != 2 or unit.shape[1] != len(params):
        raise InputError(f"unit points must have shape (n, {len(params)}), got {unit.shape}", field="unit")
    return _frame(params, unit)


# -- methods -----------------------------------------------------------------------------------


def _check_n(n: Any, what: str = "n") -> int:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"{what} must be a positive integer, got {n!r}", field=what)
    return int(n)


def _unit_lhs(d: int, n: int, ss: np.random.SeedSequence, options: dict[str, Any]) -> np.ndarray:
    from scipy.stats import qmc

    if d == 0:
        return np.empty((n, 0))
    engine = qmc.LatinHypercube(d, rng=_rng(ss), **options)
    return engine.random(n)


def _unit_mc_block(d: int, ss: np.random.SeedSequence, block: int, block_size: int) -> np.ndarray:
    rng = np.random.default_rng(_child(ss, _TAG_BLOCKS, block))
    return rng.random((block_size, d))


def _sobol_engine(d: int, ss: np.random.SeedSequence) -> Any:
    from scipy.stats import qmc

    return qmc.Sobol(d, scramble=True, rng=_rng(ss))


def _unit_sobol(d: int, ss: np.random.SeedSequence, start: int, stop: int) -> np.ndarray:
    if d == 0:
        return np.empty((stop - start, 0))
    engine = _sobol_engine(d, ss)
    if start:
        engine.fast_forward(start)
    with warnings.catch_warnings():
        # scipy warns when n is not a power of two; a slice of a sequence seldom is.
        warnings.simplefilter("ignore", UserWarning)
        return engine.random(stop - start)


def _unit_mc(d: int, ss: np.random.SeedSequence, start: int, stop: int, block_size: int) -> np.ndarray:
    out = np.empty((stop - start, d))
    first, last = start // block_size, (stop - 1) // block_size
    for block in range(first, last + 1):
        b0 = block * block_size
        lo, hi = max(start, b0), min(stop, b0 + block_size)
        # Drawing only up to `hi` keeps the same values: numpy fills rows in order.
        out[lo - start : hi - start] = _unit_mc_block(d, ss, block, hi - b0)[lo - b0 :]
    return out


def salib_problem(parameters: Case | Sequence[Parameter]) -> dict[str, Any]:
    """SALib's ``problem`` dict for ``parameters``.

    Real and integer parameters carry their bounds; categorical and boolean ones ``[0, 1]``
    (SALib samples them in the unit interval; forewarn maps that to a choice). SALib's
    analysers only read ``num_vars``, ``names`` and ``groups``.
    """
    params = _parameters(parameters)
    return {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[float(p.low), float(p.high)] if p.kind in ("real", "integer") else [0.0, 1.0] for p in params],
    }


def _unit_problem(params: Sequence[Parameter]) -> dict[str, Any]:
    return {"num_vars": len(params), "names": [p.name for p in params], "bounds": [[0.0, 1.0]] * len(params)}


def _factorial(params: Sequence[Parameter], n: int | None, levels: Any) -> pd.DataFrame:
    axes: list[np.ndarray | pd.Categorical] = []
    for p in params:
        k = levels.get(p.name, n) if isinstance(levels, Mapping) else (levels if levels is not None else n)
        if p.kind in ("real", "integer"):
            k = _check_n(k, f"levels of {p.name}")
        if p.kind == "real":
            axes.append(np.linspace(p.low, p.high, k) if k > 1 else np.array([(p.low + p.high) / 2.0]))
        elif p.kind == "integer":
            grid = np.linspace(p.low, p.high, k) if k > 1 else np.array([(p.low + p.high) / 2.0])
            axes.append(np.unique(np.floor(grid + 0.5).astype(np.int64)))
        else:
            axes.append(_take(p, p.values, np.arange(len(p.values))))
    if not axes:
        return pd.DataFrame(index=pd.RangeIndex(1))
    sizes = [len(a) for a in axes]
    # First parameter varies slowest, like itertools.product.
    idx = np.indices(sizes).reshape(len(sizes), -1)
    data = {p.name: a[i] for p, a, i in zip(params, axes, idx)}
    return pd.DataFrame(data, index=pd.RangeIndex(idx.shape[1]))


# -- sizes: refuse a design that cannot be held before allocating it ----------------------------

#: Share of the machine's physical memory a design held in memory may take (its unit-cube
#: values, 8 bytes per row and parameter; the table built from them takes about as much again).
DESIGN_MEMORY_SHARE = 0.25
#: The limit used where the physical memory cannot be read.
DESIGN_MEMORY_FALLBACK = 4 * 1024**3


def design_memory_limit() -> int:
    """Bytes a design held in memory may take: :data:`DESIGN_MEMORY_SHARE` of physical memory."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not POSIX
        return DESIGN_MEMORY_FALLBACK
    return int(total * DESIGN_MEMORY_SHARE) if total > 0 else DESIGN_MEMORY_FALLBACK


def design_rows(parameters: Case | Sequence[Parameter], n: int | None, method: str = "lhs", **options: Any) -> int:
    """How many rows :func:`sample` makes for these arguments, computed without sampling.

    Parameters
    ----------
    parameters, n, method, **options
        As for :func:`sample`.

    Returns
    -------
    int
        Exact for every method ("morris": before any selection of optimal trajectories).

    Examples
    --------
    >>> from forewarn.engine.space import Parameter
    >>> p = [Parameter(name=f"x{i}", kind="real", low=0, high=1) for i in range(20)]
    >>> design_rows(p, 10, "factorial")
    100000000000000000000
    >>> design_rows(p, 1000, "saltelli", calc_second_order=False)
    22000
    """
    params = _parameters(parameters)
    d = len(params)
    if method == "factorial":
        levels = options.get("levels")
        rows = 1
        for p in params:
            k = levels.get(p.name, n) if isinstance(levels, Mapping) else (levels if levels is not None else n)
            if p.kind in ("real", "integer"):
                k = _check_n(k, f"levels of {p.name}")
            if p.kind == "integer":
                # rounded, evenly spaced levels are distinct while they are at least 1 apart, and
                # hit every whole number once they are closer
                k = min(k, int(p.high) - int(p.low) + 1)
            elif p.kind not in ("real", "integer"):
                k = len(p.values)
            rows *= k
        return rows
    n = _check_n(n)
    if method == "saltelli":
        return n * (2 * d + 2 if options.get("calc_second_order", True) else d + 2)
    if method == "morris":
        return n * (d + 1)
    return n


def check_design_size(parameters: Case | Sequence[Parameter], n: int | None, method: str = "lhs", *,
                      limit: int | None = None, **options: Any) -> int:
    """Refuse, before anything is allocated, a design larger than memory allows; return its rows.

    The estimate is rows × parameters × 8 bytes (the unit-cube values every method draws),
    against ``limit`` (default :func:`design_memory_limit`).

    Raises
    ------
    InputError
        Naming the rows, the bytes, the limit and the largest ``n`` that fits.
    """
    params = _parameters(parameters)
    limit = design_memory_limit() if limit is None else int(limit)
    width = max(len(params), 1)
    rows = design_rows(params, n, method, **options)
    if rows * width * 8 <= limit:
        return rows
    fits = ""
    if n is not None and (method != "factorial" or options.get("levels") is None):
        lo, hi = 0, int(n)  # the largest n whose design fits: rows grow with n
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if design_rows(params, mid, method, **options) * width * 8 <= limit:
                lo = mid
            else:
                hi = mid - 1
        what = "levels" if method == "factorial" else "n"
        fits = f"; at most {what} = {lo:,} fits" if lo else "; no n fits"
    raise InputError(
        f"the {method} design would hold {rows:,} rows × {width} parameters × 8 bytes = {_bytes_text(rows * width * 8)}, "
        f"is more than the {_bytes_text(limit)} a design may take in memory "
        f"({DESIGN_MEMORY_SHARE:.0%} of this machine's){fits}",
        field="n",
    )


def _bytes_text(b: int) -> str:
    for unit, size in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if b >= size:
            return f"{b / size:,.1f} {unit}"
    return f"{b} bytes"


def sample(
    parameters: Case | Sequence[Parameter],
    n: int | None,
    method: str = "lhs",
    seed: Seed = None,
    **options: Any,
) -> pd.DataFrame:
    """Sample values of ``parameters``.

    Parameters
    ----------
    parameters : Case or sequence of Parameter
        A case stands for its uncertainties.
    n : int
        Rows for "lhs", "sobol" and "mc"; base samples for "saltelli" (``n (2 D + 2)`` rows)
        and trajectories for "morris" (``n (D + 1)`` rows); levels per numeric parameter for
        "factorial" unless ``levels`` is given.
    method : {"lhs", "sobol", "mc", "factorial", "saltelli", "morris"}
    seed : int or SeedSequence, optional
        ``None`` draws fresh entropy (not reproducible).
    **options
        "factorial": ``levels`` (int or dict by name); "saltelli": ``calc_second_order``
        (default True); "morris": ``num_levels``, ``optimal_trajectories``,
        ``local_optimization``; "lhs": scipy's ``strength``, ``optimization``;
        "mc": ``block_size``.

    Returns
    -------
    DataFrame
        One column per parameter, in order: float64 (real), int64 (integer), bool (boolean),
        the choices' dtype or a Categorical of them (categorical).

    Examples
    --------
    >>> from forewarn.engine.space import Parameter
    >>> p = [Parameter(name="x", kind="real", low=0, high=1),
    ...      Parameter(name="k", kind="integer", low=1, high=3)]
    >>> sample(p, 4, "lhs", seed=1).shape
    (4, 2)
    """
    params = _parameters(parameters)
    if method not in METHODS:
        raise InputError(f"unknown sampling method {method!r} (known: {', '.join(METHODS)})", field="method")
    d = len(params)
    check_design_size(params, n, method, **options)
    if method == "factorial":
        levels = options.pop("levels", None)
        _no_options(method, options)
        return _factorial(params, n, levels)
    n = _check_n(n)
    ss = to_seed_sequence(seed)
    if method in STREAMING_METHODS:
        return StreamingDesign(params, n, method, ss, **options).rows(0, n)
    if method == "lhs":
        unit = _unit_lhs(d, n, ss, options)
    elif method == "saltelli":
        from SALib.sample import sobol as salib_sobol

        second = options.pop("calc_second_order", True)
        _no_options(method, options)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # non-power-of-two n: SALib's advice only
            unit = salib_sobol.sample(
                _unit_problem(params), n, calc_second_order=second, scramble=True, seed=_rng(ss)
            )
    else:  # morris
        from SALib.sample import morris as salib_morris

        unit = salib_morris.sample(_unit_problem(params), n, seed=_rng(ss), **options)
    return _frame(params, np.asarray(unit, dtype=np.float64))


def _no_options(method: str, options: Mapping[str, Any]) -> None:
    if options:
        raise InputError(f"method {method!r} takes no option(s) {', '.join(options)}", field="method")


# -- designs: row sources for the runner -------------------------------------------------------


@runtime_checkable
class Design(Protocol):
    """A table of futures the runner reads slice by slice.

    ``rows(start, stop)`` must give the same rows whatever the slicing; ``spec()`` describes the
    design in JSON-able form for the run's manifest.
    """

    @property
    def n(self) -> int: ...

    @property
    def columns(self) -> list[str]: ...

    def rows(self, start: int, stop: int) -> pd.DataFrame: ...

    def spec(self) -> dict[str, Any]: ...


def _check_slice(start: int, stop: int, n: int) -> tuple[int, int]:
    start, stop = int(start), int(stop)
    if not 0 <= start <= stop <= n:
        raise IndexError(f"rows({start}, {stop}) is outside the design's {n} rows")
    return start, stop


class SampleDesign:
    """A design held in memory (any method of :func:`sample`).

    Parameters
    ----------
    parameters : Case or sequence of Parameter
    n, method, seed, **options
        As for :func:`sample`.
    """

    def __init__(
        self,
        parameters: Case | Sequence[Parameter],
        n: int | None,
        method: str = "lhs",
        seed: Seed = None,
        **options: Any,
    ) -> None:
        self.parameters = _parameters(parameters)
        self.method = method
        self.seed_sequence = to_seed_sequence(seed)
        self.seed = _plain_seed(self.seed_sequence)
        self.options = dict(options)
        self.base_n = n
        self.table = sample(self.parameters, n, method, self.seed_sequence, **options)

    @property
    def n(self) -> int:
        return len(self.table)

    @property
    def columns(self) -> list[str]:
        return [p.name for p in self.parameters]

    def rows(self, start: int, stop: int) -> pd.DataFrame:
        start, stop = _check_slice(start, stop, self.n)
        out = self.table.iloc[start:stop].copy()
        out.index = pd.RangeIndex(start, stop)
        return out

    def spec(self) -> dict[str, Any]:
        return {
            "kind": "sample",
            "method": self.method,
            "n": self.base_n,
            "rows": self.n,
            "seed": _seed_spec(self.seed_sequence),
            "options": to_jsonable(self.options),
            "parameters": self.columns,
        }

    def __repr__(self) -> str:
        return f"SampleDesign(method={self.method!r}, rows={self.n}, parameters={self.columns})"


class StreamingDesign:
    """A "mc" or "sobol" design whose rows are made on demand, never all at once.

    "mc" draws block ``b`` (``block_size`` rows) from its own stream, a child of the seed keyed
    by ``b``; "sobol" fast-forwards a scrambled Sobol' sequence to the first row asked for.
    Either way row ``i`` is the same whatever slice contains it.

    Parameters
    ----------
    parameters : Case or sequence of Parameter
    n : int
        Rows.
    method : {"mc", "sobol"}
    seed : int or SeedSequence
    block_size : int
        Rows per "mc" block (part of the design: changing it changes the rows).
    """

    def __init__(
        self,
        parameters: Case | Sequence[Parameter],
        n: int,
        method: str = "mc",
        seed: Seed = None,
        *,
        block_size: int = BLOCK_SIZE,
    ) -> None:
        if method not in STREAMING_METHODS:
            raise InputError(
                f"method {method!r} cannot stream (streaming methods: {', '.join(STREAMING_METHODS)})",
                field="method",
            )
        self.parameters = _parameters(parameters)
        self._n = _check_n(n)
        self.method = method
        self.seed_sequence = to_seed_sequence(seed)
        self.seed = _plain_seed(self.seed_sequence)
        self.block_size = _check_n(block_size, "block_size")
        if method == "sobol" and self._n > 2**30:
            raise InputError("a Sobol' design holds at most 2**30 rows", field="n")

    @property
    def n(self) -> int:
        return self._n

    @property
    def columns(self) -> list[str]:
        return [p.name for p in self.parameters]

    def unit_rows(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` in the unit hypercube, before mapping to parameter values."""
        start, stop = _check_slice(start, stop, self._n)
        d = len(self.parameters)
        if stop == start:
            return np.empty((0, d))
        if self.method == "mc":
            return _unit_mc(d, self.seed_sequence, start, stop, self.block_size)
        return _unit_sobol(d, self.seed_sequence, start, stop)

    def rows(self, start: int, stop: int) -> pd.DataFrame:
        out = _frame(self.parameters, self.unit_rows(start, stop))
        out.index = pd.RangeIndex(int(start), int(stop))
        return out

    def spec(self) -> dict[str, Any]:
        spec = {
            "kind": "streaming",
            "method": self.method,
            "n": self._n,
            "rows": self._n,
            "seed": _seed_spec(self.seed_sequence),
            "parameters": self.columns,
        }
        if self.method == "mc":
            spec["block_size"] = self.block_size
        return spec

    def __repr__(self) -> str:
        return f"StreamingDesign(method={self.method!r}, rows={self._n}, parameters={self.columns})"


class ExperimentDesign:
    """Futures crossed with strategies: the experiments table, slice by slice.

    Experiment ``i`` is future ``i // S`` under strategy ``i % S`` (``S`` strategies), so a
    slice that starts and stops on multiples of ``S`` holds whole futures.

    Parameters
    ----------
    case : Case
    futures : Design
        Its columns must be the case's uncertainties.
    strategies : list of str, optional
        Strategy names; all the case's strategies by default (``["default"]``, every lever at
        its default, when it declares none).
    seed : int or SeedSequence
        The run's seed, from which each future's ``seed`` column comes (:func:`future_seeds`).
    """

    def __init__(
        self,
        case: Case,
        futures: Design,
        strategies: Sequence[str] | None = None,
        seed: Seed = 0,
    ) -> None:
        if sorted(futures.columns) != sorted(case.uncertainty_names):
            raise InputError(
                f"the futures' columns ({', '.join(futures.columns)}) are not the case's uncertainties "
                f"({', '.join(case.uncertainty_names)})",
                field="futures",
            )
        names = list(case.strategy_names if strategies is None else strategies)
        if not names:
            raise InputError("at least one strategy is needed", field="strategies")
        if len(set(names)) != len(names):
            raise InputError(f"strategies repeat: {names}", field="strategies")
        self.case = case
        self.futures = futures
        self.strategies = names
        self.seed_sequence = to_seed_sequence(seed)
        self.seed = _plain_seed(self.seed_sequence)
        levers = [case.strategy_levers(name) for name in names]  # raises on unknown names
        self._lever_values = {
            p.name: _take(p, [lv[p.name] for lv in levers], np.arange(len(names)))
            if p.kind in ("categorical", "boolean")
            else np.asarray([lv[p.name] for lv in levers], dtype=p.dtype)
            for p in case.levers
        }

    @property
    def n(self) -> int:
        return self.futures.n * len(self.strategies)

    @property
    def n_futures(self) -> int:
        return self.futures.n

    @property
    def columns(self) -> list[str]:
        return ["experiment", "future", "strategy", "seed", *self.case.uncertainty_names, *self.case.lever_names]

    def rows(self, start: int, stop: int) -> pd.DataFrame:
        """Experiments ``start:stop`` (global indices), in the column order of :attr:`columns`."""
        start, stop = _check_slice(start, stop, self.n)
        S = len(self.strategies)
        experiment = np.arange(start, stop, dtype=np.int64)
        future = experiment // S
        strategy = experiment % S
        if stop > start:
            f0, f1 = int(future[0]), int(future[-1]) + 1
            futures = self.futures.rows(f0, f1)
        else:
            f0, futures = 0, self.futures.rows(0, 0)
        local = future - f0
        data: dict[str, Any] = {
            "experiment": experiment,
            "future": future,
            "strategy": np.asarray(self.strategies, dtype=object)[strategy],
            "seed": future_seeds(self.seed_sequence, future),
        }
        for name in self.case.uncertainty_names:
            column = futures[name]
            data[name] = column.array.take(local) if isinstance(column.dtype, pd.CategoricalDtype) else column.to_numpy()[local]
        for name, values in self._lever_values.items():
            data[name] = values.take(strategy) if isinstance(values, pd.Categorical) else values[strategy]
        out = pd.DataFrame(data, index=pd.RangeIndex(start, stop))
        out["strategy"] = out["strategy"].astype(str)
        return out

    def spec(self) -> dict[str, Any]:
        return {
            "kind": "experiments",
            "futures": self.futures.spec(),
            "strategies": list(self.strategies),
            "seed": _seed_spec(self.seed_sequence),
            "rows": self.n,
        }

    def __repr__(self) -> str:
        return f"ExperimentDesign(futures={self.futures.n}, strategies={self.strategies})"


def experiments(
    case: Case,
    n: int,
    method: str = "lhs",
    seed: Seed = 0,
    strategies: Sequence[str] | None = None,
    **options: Any,
) -> ExperimentDesign:
    """``n`` futures of ``case`` (by ``method``) under each of ``strategies``.

    "mc" and "sobol" futures stream (:class:`StreamingDesign`); other methods are held in
    memory (:class:`SampleDesign`). The run's ``seed`` seeds both the design and the futures'
    seeds.
    """
    ss = to_seed_sequence(seed)
    if method in STREAMING_METHODS:
        futures: Design = StreamingDesign(case, n, method, ss, **options)
    else:
        futures = SampleDesign(case, n, method, ss, **options)
    return ExperimentDesign(case, futures, strategies, ss)
