"""Distributions of real parameters: how a unit-cube coordinate becomes a value.

A real uncertainty (or lever) spans ``[low, high]``; by default every value in it is equally
likely. A case may give it a shape instead::

    [[uncertainties]]
    name = "threat"
    kind = "real"
    low = 5000.0
    high = 20000.0
    distribution = "triangular"
    mode = 9000.0

Every design draws points in the unit hypercube and maps each coordinate ``u`` through the
inverse of the parameter's cumulative distribution (``scipy.stats``' ``ppf``), so Latin hypercube
strata and Sobol' balance carry over to the shaped distribution (inverse transform sampling).
Every distribution is confined to ``[low, high]``:

``"uniform"`` (the default)
    ``low + u (high - low)``, the same arithmetic as a parameter with no distribution, so runs
    of existing cases are bit-identical.
``"triangular"``, field ``mode``
    The triangle on ``[low, high]`` peaking at ``mode`` (``scipy.stats.triang``).
``"normal"``, fields ``mean`` and ``sd``
    A normal distribution truncated to ``[low, high]`` (``scipy.stats.truncnorm``).
``"lognormal"``, fields ``mu`` and ``sigma``
    ``exp(Y)`` with ``Y`` normal (mean ``mu``, standard deviation ``sigma``, on the log scale),
    truncated to ``[low, high]``; ``low`` must be above 0.
``"beta"``, fields ``a`` and ``b``
    The beta distribution with shapes ``a`` and ``b`` stretched onto ``[low, high]``
    (``scipy.stats.beta``).

This module only knows numbers; :mod:`forewarn.engine.space` validates the case's fields with
:func:`check` and :mod:`forewarn.engine.design` maps samples with :func:`ppf`.
:func:`value_distribution` gives the same distribution as one ``scipy.stats`` frozen
distribution of the value itself, for libraries that sample through ``ppf`` (the EMA Workbench,
through :meth:`forewarn.engine.space.Case.to_ema`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["DISTRIBUTIONS", "FIELDS", "ALL_FIELDS", "check", "ppf", "frozen", "value_distribution", "truncated_lognormal"]

#: Fields each distribution needs, in the order they are documented.
FIELDS: dict[str, tuple[str, ...]] = {
    "uniform": (),
    "triangular": ("mode",),
    "normal": ("mean", "sd"),
    "lognormal": ("mu", "sigma"),
    "beta": ("a", "b"),
}

DISTRIBUTIONS = tuple(FIELDS)

#: Every distribution field a parameter may carry.
ALL_FIELDS = tuple(dict.fromkeys(f for fields in FIELDS.values() for f in fields))

# A truncated distribution keeping less probability than this inside [low, high] is almost
# surely a typing mistake (a mean in the wrong unit), and its ppf loses all precision.
_MIN_MASS = 1e-9


def check(kind: str, low: float, high: float, params: Mapping[str, Any]) -> tuple[str, str] | None:
    """Why a distribution's fields do not fit, as ``(message, field)``; ``None`` when they do.

    Parameters
    ----------
    kind : str
        One of :data:`DISTRIBUTIONS`.
    low, high : float
        The parameter's range.
    params : mapping
        The distribution fields given (``None`` for absent ones).
    """
    if kind not in FIELDS:
        return f"unknown distribution {kind!r} (known: {', '.join(DISTRIBUTIONS)})", "distribution"
    needed = FIELDS[kind]
    for name in ALL_FIELDS:
        value = params.get(name)
        if value is not None and name not in needed:
            users = [d for d, f in FIELDS.items() if name in f]
            return f"`{name}` is only for a {' or '.join(users)} distribution, not {kind}", name
    for name in needed:
        value = params.get(name)
        if value is None:
            return f"a {kind} distribution needs `{name}`", name
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            return f"`{name}` must be a number, got {type(value).__name__} {value!r}", name
        if not math.isfinite(value):
            return f"`{name}` must be finite, got {value}", name
    if kind != "uniform" and not low < high:
        return f"a {kind} distribution needs low below high (both are {low})", "high"
    return _check_values(kind, low, high, {k: float(params[k]) for k in needed})


def _check_values(kind: str, low: float, high: float, p: Mapping[str, float]) -> tuple[str, str] | None:
    if kind == "triangular" and not low <= p["mode"] <= high:
        return f"mode ({p['mode']}) is outside [{low}, {high}]", "mode"
    for name in ("sd", "sigma", "a", "b"):
        if name in p and p[name] <= 0:
            return f"`{name}` must be above 0, got {p[name]}", name
    if kind == "lognormal" and low <= 0:
        return f"a lognormal distribution needs low above 0, got {low}", "low"
    if kind in ("normal", "lognormal"):
        mass = _mass(kind, low, high, p)
        if not mass >= _MIN_MASS:
            where = "mean" if kind == "normal" else "mu"
            return (
                f"the {kind} distribution keeps a share of {mass:.3g} of its probability inside "
                f"[{low}, {high}]; is `{where}` in the unit of the range?",
                where,
            )
    return None


def _standard_bounds(kind: str, low: float, high: float, p: Mapping[str, float]) -> tuple[float, float, float, float]:
    if kind == "normal":
        loc, scale, lo, hi = p["mean"], p["sd"], low, high
    else:
        loc, scale, lo, hi = p["mu"], p["sigma"], math.log(low), math.log(high)
    return (lo - loc) / scale, (hi - loc) / scale, loc, scale


def _mass(kind: str, low: float, high: float, p: Mapping[str, float]) -> float:
    from scipy.special import ndtr

    za, zb, _, _ = _standard_bounds(kind, low, high, p)
    if za > 0:  # the upper tail: difference of survival functions keeps precision
        return float(ndtr(-za) - ndtr(-zb))
    return float(ndtr(zb) - ndtr(za))


def frozen(kind: str, low: float, high: float, params: Mapping[str, Any]) -> Any:
    """The ``scipy.stats`` frozen distribution of a parameter (for lognormal: of ``log X``).

    For ``"lognormal"`` the result is the truncated normal of ``log X`` on
    ``[log low, log high]``; :func:`ppf` exponentiates it.
    """
    from scipy import stats

    p = {k: float(params[k]) for k in FIELDS[kind]}
    width = high - low
    if kind == "uniform":
        return stats.uniform(loc=low, scale=width)
    if kind == "triangular":
        return stats.triang((p["mode"] - low) / width, loc=low, scale=width)
    if kind == "beta":
        return stats.beta(p["a"], p["b"], loc=low, scale=width)
    za, zb, loc, scale = _standard_bounds(kind, low, high, p)
    return stats.truncnorm(za, zb, loc=loc, scale=scale)


def ppf(kind: str, low: float, high: float, params: Mapping[str, Any], u: np.ndarray) -> np.ndarray:
    """Map unit-interval values ``u`` to values in ``[low, high]`` following the distribution.

    The result is clipped to ``[low, high]``: inverse distribution functions may overshoot a
    bound by an ulp, or give up in the far tails.
    """
    u = np.asarray(u, dtype=np.float64)
    if kind == "uniform":
        return low + u * (high - low)
    import warnings

    with warnings.catch_warnings():
        # Boost's beta inverse warns, then gives NaN, for u within ~1e-160 of 0 or 1 (handled below).
        warnings.simplefilter("ignore", RuntimeWarning)
        values = np.asarray(frozen(kind, low, high, params).ppf(u), dtype=np.float64)
    if kind == "lognormal":
        values = np.exp(values)
    # Where the inverse gave up, the value is the bound itself to double precision.
    values = np.where(np.isnan(values), np.where(u < 0.5, low, high), values)
    return np.clip(values, low, high)


def value_distribution(kind: str, low: float, high: float, params: Mapping[str, Any]) -> Any:
    """The parameter's distribution as a ``scipy.stats`` frozen distribution of the value.

    Its ``ppf`` gives the values :func:`ppf` gives, bit for bit, wherever :func:`ppf` needs no
    clipping or NaN repair (that is, away from the far tails). It is :func:`frozen` except for
    ``"lognormal"``, whose :func:`frozen` is the truncated normal of ``log X``: here it is a
    distribution of ``X`` on ``[low, high]`` (:func:`truncated_lognormal`).
    """
    if kind != "lognormal":
        return frozen(kind, low, high, params)
    return truncated_lognormal(low, high, float(params["mu"]), float(params["sigma"]))


def _truncated_lognormal_class() -> Any:
    from scipy import stats

    class TruncatedLogNormal(stats.rv_continuous):
        """``exp(Y)``, ``Y`` normal (``mu``, ``sigma``) truncated to ``[log lo, log hi]``."""

        @staticmethod
        def _log_normal(lo, hi, mu, sigma):
            za, zb = (np.log(lo) - mu) / sigma, (np.log(hi) - mu) / sigma
            return za, zb

        def _argcheck(self, lo, hi, mu, sigma):
            return (lo > 0) & (hi > lo) & (sigma > 0) & np.isfinite(mu)

        def _get_support(self, lo, hi, mu, sigma):
            return lo, hi

        def _pdf(self, x, lo, hi, mu, sigma):
            za, zb = self._log_normal(lo, hi, mu, sigma)
            return stats.truncnorm.pdf(np.log(x), za, zb, loc=mu, scale=sigma) / x

        def _cdf(self, x, lo, hi, mu, sigma):
            za, zb = self._log_normal(lo, hi, mu, sigma)
            return stats.truncnorm.cdf(np.log(x), za, zb, loc=mu, scale=sigma)

        def _ppf(self, q, lo, hi, mu, sigma):
            # The arithmetic of ppf(): the truncated normal's ppf on the log scale, exponentiated.
            za, zb = self._log_normal(lo, hi, mu, sigma)
            return np.clip(np.exp(stats.truncnorm.ppf(q, za, zb, loc=mu, scale=sigma)), lo, hi)

    return TruncatedLogNormal(name="truncated_lognormal", shapes="lo, hi, mu, sigma")


_TRUNCATED_LOGNORMAL: Any = None


def truncated_lognormal(low: float, high: float, mu: float, sigma: float) -> Any:
    """A lognormal (``log X`` normal with mean ``mu`` and sd ``sigma``) truncated to ``[low, high]``,
    frozen (a ``scipy.stats`` continuous distribution; scipy has no such distribution of its own)."""
    global _TRUNCATED_LOGNORMAL
    if _TRUNCATED_LOGNORMAL is None:  # scipy imports on first use only
        _TRUNCATED_LOGNORMAL = _truncated_lognormal_class()
    return _TRUNCATED_LOGNORMAL(low, high, mu, sigma)
