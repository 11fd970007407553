"""The lake problem, vectorised over experiments.

The shallow lake problem (Carpenter, Ludwig and Brock 1999) as used by the EMA Workbench's
classic example (``ema_workbench/examples/example_lake_model.py``, function ``lake_problem``,
itself adapted from David Hadka's Rhodium example). A town releases phosphorus into a lake each
year; the lake recycles phosphorus from its sediment, and above a critical level it tips into a
eutrophic state that it may never leave. Each experiment runs 100 years for ``nsamples`` Monte
Carlo sequences of random natural inflows.

Two versions compute the same numbers:

* :func:`lake_model` follows forewarn's model contract: every input is a 1-D array with one row
  per experiment, and the model evaluates a whole chunk in blocks of experiments (numpy over
  Monte Carlo samples × experiments; only the 100 time steps are a loop). It draws the legacy
  inflows for a block at once (:class:`_LegacyNormals`), once per distinct stream (a search
  crosses every candidate with the same futures, so each future's inflows recur once per
  candidate: :func:`_group_streams`), and repeats the reference's
  floating-point operations in the reference's order, so its outcomes are the reference's to
  the last bit or two: bit for bit where numpy's ``exp`` and ``log`` are the C library's, within
  a few ulp where numpy uses AVX-512 kernels for them (README.md, the section on what
  matching the reference means).
* :func:`lake_problem_scalar` is one experiment in plain Python, written like the reference, for
  :func:`forewarn.engine.model.scalar_model` and as an independent check of the vectorised version.

Parameters (uncertainties): ``b`` (decay rate of phosphorus in the lake; 0.42 is irreversible),
``q`` (recycling exponent), ``mean`` and ``stdev`` (mean and standard deviation of the lognormal
natural inflows), ``delta`` (discount factor of future utility). The reference's comments swap
``stdev`` ("future utility discount rate") and ``delta`` ("standard deviation of natural
inflows"); its code uses them as described here, and so does this module.

Levers: the releases of the 100 years, each in [0, 0.1]. The EMA example names them ``"0"`` …
``"99"``; forewarn's case files need names that are Python identifiers, so the case names them
``release_0`` … ``release_99``. Both models accept either form (``"7"`` or ``release_7``).
Constants: ``alpha`` (utility per unit of release, 0.4) and ``nsamples`` (100).
Outcomes: ``max_P`` (highest yearly mean phosphorus, minimise), ``utility`` (discounted
benefit of releases, maximise), ``inertia`` (share of years whose release changes by more than
0.02, computed as in the EMA example; Hadka's original counted years without a sharp cut and
maximised it, but with the EMA formula fewer large changes is better, so the case file declares
it ``minimize``), ``reliability``
(share of years × samples below the critical level, maximise).

Random inflows and seeds
------------------------
The reference draws its inflows from numpy's global legacy generator:
``np.random.lognormal(mu, sigma, size=(nsamples, 100))``. Here each experiment draws them from
its own ``numpy.random.RandomState`` seeded with :func:`legacy_seed` of the experiment's
``seed``, with the same arguments and size, so that the reference, called right after
``np.random.seed(legacy_seed(seed))``, sees exactly the same inflows. The legacy Mersenne Twister
takes 32-bit seeds: seeds below 2**32 are used as they are; larger ones (forewarn's future seeds
are 64-bit) are passed as their two 32-bit words ``[low, high]``, which keeps all 64 bits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

__all__ = [
    "NVARS",
    "LEVERS",
    "EMA_LEVERS",
    "OUTCOMES",
    "legacy_seed",
    "critical_p",
    "lake_model",
    "simulate_block",
    "lake_problem_scalar",
    "lake_model_scalar",
]

NVARS = 100
"""Number of years, hence of release levers."""

LEVERS = tuple(f"release_{i}" for i in range(NVARS))
"""Lever names in the case file."""

EMA_LEVERS = tuple(str(i) for i in range(NVARS))
"""Lever names in the EMA Workbench example; the models accept them too."""

OUTCOMES = ("max_P", "utility", "inertia", "reliability")

# Bracket of the critical phosphorus level, as in the reference's brentq call.
_PCRIT_LOW, _PCRIT_HIGH = 0.01, 1.5

# Experiments simulated together: (nsamples × block) arrays, one year at a time, over inflows
# of (99 years × nsamples × block) float64 (10 MB at the defaults), reused from block to block.
_BLOCK = 128
# Experiments whose inflows are drawn together: ~13,400 uniforms each (105 kB).
_DRAW_BLOCK = 16

# Share of the polar method's uniform pairs that it accepts (the unit disc in its square).
_ACCEPT = math.pi / 4


def legacy_seed(seed: int | np.integer) -> int | np.ndarray:
    """The seed of the legacy ``RandomState`` that draws one experiment's inflows.

    Parameters
    ----------
    seed : int
        The experiment's seed (forewarn's ``seed`` column, uint64).

    Returns
    -------
    int or numpy.ndarray
        ``seed`` itself below 2**32 (what ``np.random.seed(seed)`` accepts), otherwise its two
        32-bit words ``[low, high]`` as a uint32 array, which ``np.random.seed`` also accepts.
    """
    s = int(seed)
    if s < 0 or s >= 2**64:
        raise ValueError(f"seed must be in [0, 2**64), got {s}")
    if s < 2**32:
        return s
    return np.array([s & 0xFFFFFFFF, s >> 32], dtype=np.uint32)


def _pairs_to_draw(npairs: int) -> int:
    """Uniform pairs to draw per experiment: ``npairs`` are accepted but for odds ~3e-5."""
    sd = math.sqrt(npairs * (1 - _ACCEPT)) / _ACCEPT
    return int(math.ceil(npairs / _ACCEPT + 4.0 * sd)) + 8


class _LegacyNormals:
    """numpy's legacy standard normal draws, vectorised over a block of experiments.

    ``RandomState.standard_normal`` is Marsaglia's polar method on the Mersenne Twister's
    doubles: it draws pairs ``x1, x2 = 2u - 1`` until ``0 < r2 = x1*x1 + x2*x2 < 1``, then
    returns ``f*x2`` and keeps ``f*x1`` for the next call, with ``f = sqrt(-2 log(r2) / r2)``.
    Here each experiment's doubles come from one call on its reseeded generator (the same
    stream), and the method runs over the whole block with numpy, in operations that round
    as the legacy ones: the draws are the legacy ones bit for bit where numpy's ``log`` is the C
    library's, and within 2 ulp where numpy uses its AVX-512 kernel (the tests check 4). Generating
    the doubles is then the only per-experiment work. An experiment whose doubles run short
    (odds about 3e-5) is redrawn by the legacy generator itself.

    Parameters
    ----------
    npairs : int
        Pairs of normals per experiment (``2 * npairs`` draws).
    block : int
        Most experiments per call.
    pairs : int, optional
        Uniform pairs drawn per experiment (default: enough but for odds ~3e-5); the tests lower
        it to exercise the fallback.
    """

    def __init__(self, npairs: int, block: int, pairs: int | None = None):
        self.npairs = npairs
        k = _pairs_to_draw(npairs) if pairs is None else int(pairs)
        self.k = k
        bitgen = np.random.MT19937(0)
        # Both share one bit generator: the legacy object seeds it as RandomState(seed) would,
        # and the Generator writes the same doubles as its random_sample into a buffer.
        self.legacy = np.random.RandomState(bitgen)
        self.uniform = np.random.Generator(bitgen)
        # Work buffers, reused: fresh large arrays cost page faults on every call.
        self.u = np.empty((block, 2 * k))
        self.sq = np.empty((block, 2 * k))
        self.r2 = np.empty((block, k))
        self.ok = np.empty((block, k), dtype=bool)
        self.nonzero = np.empty((block, k), dtype=bool)
        self.offsets = np.arange(npairs)
        self.h = np.empty((block, npairs), dtype=np.complex128)
        self.idx = np.empty((block, npairs), dtype=np.intp)
        self.f = np.empty((block, npairs))
        self.rr = np.empty((block, npairs))
        self.qg = np.empty((block, npairs))
        self.even = np.empty((block, npairs))
        self.odd = np.empty((block, npairs))

    def draw(self, seeds) -> tuple[np.ndarray, np.ndarray]:
        """Normals of each seed: ``(even, odd)``, draws 0, 2, 4, … and 1, 3, 5, … (one row each).

        The arrays are views of buffers that the next call overwrites.
        """
        m, p = len(seeds), self.npairs
        short = []
        u = self.u[:m]
        for i in range(m):
            self.legacy.seed(legacy_seed(seeds[i]))
            self.uniform.random(out=u[i])
        # The legacy x = 2u - 1 is exact, so x = 2h with h = u - 0.5 (exact too) and every
        # later step scales exactly: r2 = 4 (h1*h1 + h2*h2) and f*x = (2f)*h, bit for bit.
        # That saves a pass over the uniforms.
        np.subtract(u, 0.5, out=u)
        sq = self.sq[:m]
        np.multiply(u, u, out=sq)
        quarter = self.r2[:m]  # r2 / 4
        np.add(sq[:, 0::2], sq[:, 1::2], out=quarter)
        ok, nonzero = self.ok[:m], self.nonzero[:m]
        np.less(quarter, 0.25, out=ok)
        np.not_equal(quarter, 0.0, out=nonzero)
        np.logical_and(ok, nonzero, out=ok)
        # Pair indices (flat over the rows) of the accepted pairs, and where each row starts.
        flat = np.flatnonzero(ok)
        first = np.searchsorted(flat, np.arange(m + 1) * self.k)
        idx = self.idx[:m]
        for i in range(m):
            if first[i + 1] - first[i] >= p:
                idx[i] = flat[first[i] : first[i] + p]
            else:  # placeholders (pairs of the row, accepted or not); redrawn below
                short.append(i)
                idx[i] = self.offsets + i * self.k
        # 2f = 2 sqrt(-2 log(r2) / r2) = sqrt(-2 log(r2) / (r2 / 4)), exactly: the division
        # by r2 / 4 saves the doubling.
        qg, rr, f = self.qg[:m], self.rr[:m], self.f[:m]
        np.take(quarter.reshape(-1), idx, out=qg, mode="clip")
        np.multiply(qg, 4.0, out=rr)
        with np.errstate(divide="ignore", invalid="ignore"):  # placeholder pairs only
            np.log(rr, out=f)
            np.multiply(f, -2.0, out=f)
            np.divide(f, qg, out=f)
            np.sqrt(f, out=f)
        # Each pair (h1, h2) as one complex number: one gather brings both.
        h = self.h[:m]
        np.take(u.view(np.complex128).reshape(-1), idx, out=h, mode="clip")
        even, odd = self.even[:m], self.odd[:m]
        np.multiply(f, h.imag, out=even)
        np.multiply(f, h.real, out=odd)
        for i in short:
            self.legacy.seed(legacy_seed(seeds[i]))
            g = self.legacy.standard_normal(2 * p)
            even[i], odd[i] = g[0::2], g[1::2]
        return even, odd


def _inflow_params(mean, stdev):
    """Location and scale of log inflows, so that inflows have the given mean and stdev."""
    mu = np.log(mean**2 / np.sqrt(stdev**2 + mean**2))
    sigma = np.sqrt(np.log(1.0 + stdev**2 / mean**2))
    return mu, sigma


def critical_p(b: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Critical phosphorus level: the root of ``x**q / (1 + x**q) - b * x`` in [0.01, 1.5].

    Vectorised bisection on the reference's bracket, run until the bracket stops shrinking, so
    the root is exact to the last bit or two (brentq stops within about 2e-12 of it).

    Parameters
    ----------
    b, q : array_like
        Decay rate and recycling exponent, one value per experiment.

    Returns
    -------
    numpy.ndarray
        One critical level per experiment.

    Raises
    ------
    ValueError
        Where the function has the same sign at both ends of the bracket (brentq raises too):
        no single tipping point in [0.01, 1.5] for that ``b`` and ``q``.
    """
    b = np.asarray(b, dtype=float)
    q = np.asarray(q, dtype=float)
    b, q = np.broadcast_arrays(b, q)

    def f(x):
        xq = x**q
        return xq / (1 + xq) - b * x

    lo = np.full(b.shape, _PCRIT_LOW)
    hi = np.full(b.shape, _PCRIT_HIGH)
    f_lo, f_hi = f(lo), f(hi)
    bad = np.sign(f_lo) == np.sign(f_hi)
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise ValueError(
            f"no critical phosphorus level in [{_PCRIT_LOW}, {_PCRIT_HIGH}] for "
            f"b={float(b.ravel()[i])!r}, q={float(q.ravel()[i])!r} (the function has the same sign at both ends)"
        )
    # Orient so that f(lo) < 0 < f(hi); the reference's bracket always has that orientation for
    # positive b, but the bisection should not depend on it.
    flip = f_lo > 0
    lo, hi = np.where(flip, hi, lo), np.where(flip, lo, hi)
    for _ in range(200):  # 1.49 / 2**60 is below one ulp; the loop exits long before 200
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        exact = fm == 0
        lo = np.where((fm < 0) | exact, mid, lo)
        hi = np.where((fm > 0) | exact, mid, hi)
        if np.array_equal(mid, 0.5 * (lo + hi)):
            break
    return 0.5 * (lo + hi)


def _column(inputs: Mapping[str, np.ndarray], name: str, n: int | None = None) -> np.ndarray:
    try:
        col = np.asarray(inputs[name])
    except KeyError:
        raise KeyError(f"lake_model: missing input {name!r}") from None
    if col.ndim != 1 or (n is not None and col.shape[0] != n):
        raise ValueError(f"lake_model: input {name!r} must be a 1-D array of {n} rows, got shape {col.shape}")
    return col


def _lever(inputs: Mapping[str, object], i: int, where: str) -> object:
    for key in (LEVERS[i], EMA_LEVERS[i]):
        if key in inputs:
            return inputs[key]
    raise KeyError(f"{where}: missing lever {LEVERS[i]!r} (or {EMA_LEVERS[i]!r})")


def _group_streams(seeds: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An order of the experiments that puts those with the same inflows next to each other.

    Two experiments with the same ``seed``, ``mu`` and ``sigma`` (to the bit) draw the same
    inflows: a search crosses every candidate strategy with the same futures, so each future's
    stream recurs once per candidate. Returns ``(order, new)``: the experiments in the order to
    simulate them, and whether each position starts a stream that the previous one did not
    have. Without repeats the order is the experiments' own.
    """
    n = len(seeds)
    seeds = np.asarray(seeds)
    if n and seeds.dtype.kind in "ifO" and seeds.min() < 0:
        legacy_seed(seeds.min())  # raises, naming the seed, before it could share a stream
    keys = np.column_stack((seeds.astype(np.uint64),
                            np.ascontiguousarray(mu, dtype=np.float64).view(np.uint64),
                            np.ascontiguousarray(sigma, dtype=np.float64).view(np.uint64)))
    order = np.lexsort(keys.T[::-1])
    new = np.ones(n, dtype=bool)
    new[1:] = np.any(keys[order[1:]] != keys[order[:-1]], axis=1)
    if new.all():
        return np.arange(n), new
    return order, new


def _draw_inflows(inflows: np.ndarray, spare: list[np.ndarray], draws: _LegacyNormals, seeds: np.ndarray,
                  mu: np.ndarray, sigma: np.ndarray, first: np.ndarray) -> None:
    """Fill ``inflows[t, s, i]`` for a block's experiments, drawing each stream once.

    ``first[i]`` says that experiment ``i`` starts a stream (the block is ordered by
    :func:`_group_streams`; ``first[0]`` is true); the others copy the stream before them. The
    copies are the drawn numbers themselves, so the outcomes are those of drawing every
    experiment's stream.
    """
    nyears, nsamples, m = inflows.shape
    half = NVARS // 2  # NVARS is even: a sample's draws are whole pairs (even years, odd years)
    starts = np.flatnonzero(first)
    k = len(starts)
    target = inflows
    if k < m:
        if not spare or spare[0].size < inflows.size:
            spare[:] = [np.empty(inflows.size)]
        target = spare[0][: nyears * nsamples * k].reshape(nyears, nsamples, k)
    for d0 in range(0, k, draws.u.shape[0]):
        d1 = min(d0 + draws.u.shape[0], k)
        rows = starts[d0:d1]
        even, odd = draws.draw(seeds[rows])
        # The legacy lognormal is exp(mu + sigma * gauss): the same operations, done while
        # the draws are in cache, with exp writing straight into the (year, sample,
        # experiment) layout (its cost hides the scattered writes) and skipping the last
        # year, whose inflows are never used.
        view = target[:, :, d0:d1].transpose(2, 1, 0)  # [i, s, t]
        for g, years, used in ((even, view[:, :, 0::2], half), (odd, view[:, :, 1::2], half - 1)):
            np.multiply(g, sigma[rows, None], out=g)
            np.add(g, mu[rows, None], out=g)
            np.exp(g.reshape(d1 - d0, nsamples, half)[:, :, :used], out=years)
    if k < m:
        np.take(target, np.cumsum(first) - 1, axis=2, out=inflows, mode="clip")


def simulate_block(inflows: np.ndarray, decisions: np.ndarray, b: np.ndarray, q: np.ndarray,
                   pcrit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lake's yearly recurrence and its two inflow-dependent outcomes for a block.

    The arithmetic of :func:`lake_model` without its inputs' checks and random draws (the
    ``benchmarks/bench_search.py`` floor times it alone).

    Parameters
    ----------
    inflows : numpy.ndarray
        ``(NVARS - 1, nsamples, m)``: year, sample, experiment; overwritten with the phosphorus.
    decisions : numpy.ndarray
        ``(m, NVARS)`` releases.
    b, q, pcrit : numpy.ndarray
        ``(m,)`` decay rate, recycling exponent and critical level.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``max_P`` and ``reliability``, ``(m,)`` each.
    """
    _, nsamples, m = inflows.shape
    square = bool(np.all(q == 2.0))  # x**2.0 is x*x exactly, and cheaper
    keep = 1 - b
    dec = np.ascontiguousarray(decisions.T)  # dec[t, i]
    # The years overwrite the inflows they have used: x[t - 1] is the phosphorus of year t
    # (year 0 is zero everywhere). Year 1 starts from zero: (1 - b)*0 + 0/(1 + 0) +
    # decision + inflow is decision + inflow, exactly.
    x = inflows
    np.add(dec[0], x[0], out=x[0])
    xq = np.empty((nsamples, m))
    tmp = np.empty_like(xq)
    for t in range(2, NVARS):
        prev = x[t - 2]
        # The reference's operations in its order, so results agree to the ulp:
        # (1 - b) * x + x**q / (1 + x**q) + decision + inflow
        if square:
            np.multiply(prev, prev, out=xq)
        else:
            np.power(prev, q, out=xq)
        np.add(xq, 1.0, out=tmp)
        np.divide(xq, tmp, out=xq)
        np.multiply(keep, prev, out=tmp)
        tmp += xq
        tmp += dec[t - 1]
        np.add(tmp, x[t - 1], out=x[t - 1])
    # Means over the samples, summed one after the other as numpy's mean over axis 0 does;
    # year 0's mean is zero.
    sums = np.add.reduce(x, axis=1)
    sums /= float(nsamples)
    max_p = np.maximum(sums.max(axis=0), 0.0)
    # Years × samples below the critical level, counted in bytes over the (fewer than 256)
    # years first; year 0 (zero) is below any critical level.
    low = np.less(x, pcrit)
    per_sample = np.add.reduce(low.view(np.uint8), axis=0, dtype=np.uint8)
    below = per_sample.sum(axis=0, dtype=np.int64) + nsamples
    return max_p, below / float(nsamples * NVARS)


def lake_model(inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Run the lake problem for a chunk of experiments (forewarn's model contract).

    Parameters
    ----------
    inputs : Mapping[str, numpy.ndarray]
        1-D arrays of one row per experiment: uncertainties ``b``, ``q``, ``mean``, ``stdev``,
        ``delta``; levers ``release_0`` … ``release_99`` (or ``"0"`` … ``"99"``); constants ``alpha`` and ``nsamples`` (the same in
        every row); and ``seed`` (uint64), which seeds each experiment's inflows.

    Returns
    -------
    dict of str to numpy.ndarray
        ``max_P``, ``utility``, ``inertia``, ``reliability``, each of shape ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> n = 2
    >>> inputs = {"b": np.full(n, 0.42), "q": np.full(n, 2.0), "mean": np.full(n, 0.02),
    ...           "stdev": np.full(n, 0.001), "delta": np.full(n, 0.98), "alpha": np.full(n, 0.4),
    ...           "nsamples": np.full(n, 100), "seed": np.array([1, 2], dtype=np.uint64),
    ...           **{lever: np.full(n, 0.01) for lever in LEVERS}}
    >>> sorted(lake_model(inputs))
    ['inertia', 'max_P', 'reliability', 'utility']
    """
    b = _column(inputs, "b").astype(float)
    n = b.shape[0]
    q = _column(inputs, "q", n).astype(float)
    mean = _column(inputs, "mean", n).astype(float)
    stdev = _column(inputs, "stdev", n).astype(float)
    delta = _column(inputs, "delta", n).astype(float)
    alpha = _column(inputs, "alpha", n).astype(float)
    seeds = _column(inputs, "seed", n)
    ns = _column(inputs, "nsamples", n)
    decisions = np.empty((n, NVARS))
    for i in range(NVARS):
        col = np.asarray(_lever(inputs, i, "lake_model"))
        if col.shape != (n,):
            raise ValueError(f"lake_model: lever {LEVERS[i]!r} must be a 1-D array of {n} rows, got shape {col.shape}")
        decisions[:, i] = col

    out = {name: np.empty(n) for name in OUTCOMES}
    if n == 0:
        return out
    if np.any(ns != ns[0]) or ns[0] != int(ns[0]) or int(ns[0]) < 1:
        raise ValueError("lake_model: 'nsamples' must be one positive integer, the same in every row")
    nsamples = int(ns[0])
    if n == 1:  # see the block loop below: simulate the experiment twice
        return {key: value[:1] for key, value in lake_model({k: np.repeat(v, 2) for k, v in inputs.items()}).items()}

    # Outcomes that do not depend on the inflows: whole chunk at once.
    out["utility"] = np.sum(alpha[:, None] * decisions * delta[:, None] ** np.arange(NVARS), axis=1)
    out["inertia"] = np.sum(np.abs(np.diff(decisions, axis=1)) > 0.02, axis=1) / float(NVARS - 1)
    pcrit = critical_p(b, q)
    mu, sigma = _inflow_params(mean, stdev)

    # inflows[t, s, i]: year t, sample s, experiment i, so that each year of the loop works on
    # one contiguous (nsamples × block) array. The last year's inflows are in the random stream
    # but, as in the reference, never used: they are drawn, not kept.
    block = min(_BLOCK, n)
    draws = _LegacyNormals(nsamples * NVARS // 2, min(_DRAW_BLOCK, block))
    buffer = np.empty((NVARS - 1) * nsamples * block)
    spare: list[np.ndarray] = []  # a second buffer, made when a block repeats a stream
    order, new = _group_streams(seeds, mu, sigma)
    for start in range(0, n, block):
        stop = min(start + block, n)
        if stop - start == 1 and n > 1:
            # Never a block of one: numpy sums a single column pairwise, not one sample after
            # the other; recomputing the previous experiment gives the same numbers.
            start -= 1
        m = stop - start
        rows = order[start:stop]  # the experiments of this block
        first = new[start:stop].copy()
        first[0] = True
        inflows = buffer[: (NVARS - 1) * nsamples * m].reshape(NVARS - 1, nsamples, m)
        _draw_inflows(inflows, spare, draws, seeds[rows], mu[rows], sigma[rows], first)

        max_p, reliability = simulate_block(inflows, decisions[rows], b[rows], q[rows], pcrit[rows])
        out["max_P"][rows] = max_p
        out["reliability"][rows] = reliability
    return out


def lake_problem_scalar(
    *,
    b: float = 0.42,
    q: float = 2.0,
    mean: float = 0.02,
    stdev: float = 0.001,
    delta: float = 0.98,
    alpha: float = 0.4,
    nsamples: int = 100,
    seed: int,
    **levers: float,
) -> dict[str, float]:
    """One experiment of the lake problem, in plain Python like the reference.

    Parameters
    ----------
    b, q, mean, stdev, delta : float
        The uncertainties (see the module docstring).
    alpha : float
        Utility per unit of release.
    nsamples : int
        Monte Carlo sequences of natural inflows.
    seed : int
        Seeds the inflows through :func:`legacy_seed`.
    **levers : float
        The releases ``release_0`` … ``release_99`` (or ``"0"`` … ``"99"``); any other keyword (forewarn passes every column of the
        experiment, such as ``experiment`` or ``strategy``) is ignored.

    Returns
    -------
    dict of str to float
        ``max_P``, ``utility``, ``inertia``, ``reliability``.
    """
    from scipy.optimize import brentq

    decisions = np.array([float(_lever(levers, i, "lake_problem_scalar")) for i in range(NVARS)])
    nsamples = int(nsamples)
    nvars = NVARS

    pcrit = brentq(lambda x: x**q / (1 + x**q) - b * x, _PCRIT_LOW, _PCRIT_HIGH)
    rng = np.random.RandomState(legacy_seed(seed))
    natural_inflows = rng.lognormal(
        mean=math.log(mean**2 / math.sqrt(stdev**2 + mean**2)),
        sigma=math.sqrt(math.log(1.0 + stdev**2 / mean**2)),
        size=(nsamples, nvars),
    )
    X = np.zeros((nsamples, nvars))
    for t in range(1, nvars):
        X[:, t] = (
            (1 - b) * X[:, t - 1]
            + X[:, t - 1] ** q / (1 + X[:, t - 1] ** q)
            + decisions[t - 1]
            + natural_inflows[:, t - 1]
        )
    return {
        "max_P": float(np.max(np.mean(X, axis=0))),
        "utility": float(np.sum(alpha * decisions * np.power(delta, np.arange(nvars)))),
        "inertia": float(np.sum(np.abs(np.diff(decisions)) > 0.02) / float(nvars - 1)),
        "reliability": float(np.sum(X < pcrit) / float(nsamples * nvars)),
    }


def lake_model_scalar(inputs: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """:func:`lake_problem_scalar` behind forewarn's scalar adapter: one Python call per row.

    The same contract and the same numbers as :func:`lake_model`, slower; a case file selects it
    with ``model = "model.py:lake_model_scalar"``.
    """
    from forewarn.engine.model import scalar_model

    return scalar_model(lake_problem_scalar)(inputs)
