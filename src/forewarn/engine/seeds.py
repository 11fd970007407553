"""SplitMix64: counter-based 64-bit hashing for per-experiment seeds and draws.

SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
OOPSLA 2014; the reference C code is Vigna's ``splitmix64.c``) advances a 64-bit state by the
golden gamma ``0x9E3779B97F4A7C15`` and returns a bijective mix of the new state with full
avalanche. Used as a hash of a counter it gives random numbers that are a pure function of
that counter: the seed of future ``i`` depends only on ``(run seed, i)``, and a draw depends only
on its experiment's seed, so results never depend on chunking, worker count or order.

Every function comes in a vectorised numpy form (uint64 arrays, wrapping arithmetic) and a
scalar form on Python ints (for plain-Python reference models); both give the same bits.

Examples
--------
The first three outputs of SplitMix64 seeded with 0 (Vigna's reference code):

>>> [hex(splitmix64_scalar(k * GOLDEN_GAMMA)) for k in range(3)]
['0xe220a8397b1dcdaf', '0x6e789e6aa1b965f4', '0x6c45d188009454f']
>>> int(splitmix64(np.array([0, GOLDEN_GAMMA], dtype=np.uint64))[1]) == splitmix64_scalar(GOLDEN_GAMMA)
True
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "GOLDEN_GAMMA",
    "mix64",
    "splitmix64",
    "to_unit",
    "seed_uniform",
    "mix64_scalar",
    "splitmix64_scalar",
    "seed_uniform_scalar",
]

#: The increment of SplitMix64's state: 2**64 divided by the golden ratio, made odd.
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_MASK = (1 << 64) - 1
_TWO_TO_MINUS_53 = 1.0 / 9007199254740992.0

_GAMMA_U = np.uint64(GOLDEN_GAMMA)
_M1_U = np.uint64(_M1)
_M2_U = np.uint64(_M2)


def _as_uint64(x: np.ndarray | int) -> np.ndarray:
    # Any integer dtype is reinterpreted modulo 2**64 (int64 -1 becomes 2**64 - 1).
    arr = np.asarray(x)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"SplitMix64 hashes integers, got dtype {arr.dtype}")
    return arr.astype(np.uint64)


def mix64(x: np.ndarray | int) -> np.ndarray:
    """SplitMix64's output function: a bijection of uint64 with full avalanche.

    Parameters
    ----------
    x : array of int
        Any integer dtype; values are taken modulo 2**64.

    Returns
    -------
    ndarray of uint64
        A new array of the same shape.
    """
    z = _as_uint64(x)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _M1_U
        z = (z ^ (z >> np.uint64(27))) * _M2_U
        return z ^ (z >> np.uint64(31))


def splitmix64(x: np.ndarray | int) -> np.ndarray:
    """The next output of SplitMix64 whose state is ``x``: ``mix64(x + GOLDEN_GAMMA)``.

    Parameters
    ----------
    x : array of int
        States (any integer dtype, taken modulo 2**64).

    Returns
    -------
    ndarray of uint64
    """
    with np.errstate(over="ignore"):
        return mix64(_as_uint64(x) + _GAMMA_U)


def to_unit(z: np.ndarray) -> np.ndarray:
    """Uniform floats in [0, 1) from uint64 hashes: the top 53 bits times 2**-53.

    Parameters
    ----------
    z : ndarray of uint64

    Returns
    -------
    ndarray of float64
    """
    return (np.asarray(z, dtype=np.uint64) >> np.uint64(11)).astype(np.float64) * _TWO_TO_MINUS_53


def seed_uniform(seed: np.ndarray | int) -> np.ndarray:
    """A uniform number in [0, 1) per seed: ``to_unit(splitmix64(seed))``.

    Every strategy run on one future gets that future's seed and so the same draw (common
    random numbers), whatever the chunking.

    Parameters
    ----------
    seed : array of int
        64-bit seeds (any integer dtype is reinterpreted as uint64).

    Returns
    -------
    ndarray of float64
    """
    return to_unit(splitmix64(seed))


def mix64_scalar(x: int) -> int:
    """Scalar form of :func:`mix64` on a Python int."""
    z = int(x) & _MASK
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


def splitmix64_scalar(x: int) -> int:
    """Scalar form of :func:`splitmix64` on a Python int."""
    return mix64_scalar((int(x) + GOLDEN_GAMMA) & _MASK)


def seed_uniform_scalar(seed: int) -> float:
    """Scalar form of :func:`seed_uniform`: the same draw for one seed."""
    return (splitmix64_scalar(seed) >> 11) * _TWO_TO_MINUS_53
