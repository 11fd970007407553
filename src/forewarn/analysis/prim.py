"""PRIM: the patient rule induction method for scenario discovery.

PRIM (Friedman and Fisher, 1999) looks for a box (a conjunction of limits on the inputs) in which
cases of interest are dense. Scenario discovery (Bryant and Lempert, 2010) uses it on the futures
of an exploratory run: the cases of interest are the futures where a strategy fails, the inputs
are the uncertainties, and the box is a scenario a decision maker can read ("US withdrawal year
before 2029 and European backfill below 45%").

The peeling and pasting rules follow the EMA Workbench's ``prim`` module (Kwakkel, 2017), itself
modelled on RAND's sdtoolkit, so that a reader who knows either finds the same trajectory:

* the objective is the "lenient" one: gain in mean divided by the number of cases removed
  (peeling) or added (pasting);
* a real input is peeled at the ``peel_alpha`` quantile of the cases in the box (sdtoolkit's
  quantile: the midpoint between two distinct neighbouring values); an integer input with the
  Workbench's discrete rule (at least one value is removed, limits stay on data values); a
  categorical (or boolean) input by removing one category at a time;
* candidates are ranked by the objective, then by the number of unrestricted dimensions, then by
  order (real inputs, then integer, then categorical; upper side before lower), and peeling stops
  as soon as the best candidate would go below ``mass_min``, would not shrink the box, or does
  not raise the mean;
* pasting grows the last box again by the ``paste_alpha`` quantile of the cases just outside one
  of its limits, while that raises the mean.

Two things differ from the Workbench on purpose: pasting considers every restricted input (the
Workbench only pastes when a real input is restricted, and fails on integer limits with pandas 3),
and an integer limit found by pasting is rounded inwards (``ceil`` below, ``floor`` above), which
keeps exactly the cases the real-valued paste would keep.

The implementation is vectorised: every input is sorted once; each peeling step reads quantiles
and counts from the sorted columns of the cases still in the box and compacts them; nothing loops
over rows in Python.

References
----------
Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional data. Statistics and
Computing 9, 123-143.

Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a participatory,
computer-assisted approach to scenario discovery. Technological Forecasting and Social Change 77,
34-49.

Kwakkel, J. H. (2017). The Exploratory Modeling Workbench: an open source toolkit for exploratory
modeling, scenario discovery, and (multi-objective) robust decision making. Environmental
Modelling & Software 96, 239-250.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ..errors import InputError
from .encoding import CATEGORICAL, INTEGER, encode_xy

__all__ = ["Prim", "Box", "Restriction"]



# --------------------------------------------------------------------------------------------
# Boxes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restriction:
    """One restricted input of a box.

    ``low``/``high`` are ``None`` on a side that is not restricted; categorical (and boolean)
    inputs carry the ``categories`` kept instead. ``qp_low``/``qp_high`` are the quasi-p-values of
    the limit on that side (one-sided binomial test of Bryant and Lempert, 2010); a categorical
    restriction has one value, in ``qp_low``.
    """

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    categories: tuple[Any, ...] | None = None
    qp_low: float | None = None
    qp_high: float | None = None

    def contains(self, values: Any) -> np.ndarray:
        """Boolean mask of the ``values`` that satisfy this restriction."""
        v = np.asarray(values)
        if self.kind == CATEGORICAL:
            return np.isin(v, np.asarray(self.categories, dtype=v.dtype if v.dtype != object else object))
        ok = np.ones(v.shape[0], dtype=bool)
        if self.low is not None:
            ok &= v >= self.low
        if self.high is not None:
            ok &= v <= self.high
        return ok


@dataclass(frozen=True)
class Box:
    """A box found by scenario discovery: restrictions and how well they catch the cases.

    Attributes
    ----------
    restrictions : tuple of Restriction
        Only the restricted inputs, in the order of the data's columns.
    coverage : float
        Share of all cases of interest that fall in the box.
    density : float
        Share of the cases in the box that are of interest.
    mass : float
        Share of all cases that fall in the box.
    n, k : int
        Cases in the box, and cases of interest among them.
    """

    restrictions: tuple[Restriction, ...]
    coverage: float
    density: float
    mass: float
    n: int
    k: int
    trajectory_id: int | None = None
    stats: Mapping[str, Any] = field(default_factory=dict)

    @property
    def res_dim(self) -> int:
        """Number of restricted inputs."""
        return len(self.restrictions)

    @property
    def dims(self) -> list[str]:
        """Names of the restricted inputs."""
        return [r.name for r in self.restrictions]

    def limits(self) -> dict[str, tuple[float | None, float | None] | set[Any]]:
        """``{name: (low, high)}`` for numeric inputs, ``{name: set(categories)}`` otherwise."""
        out: dict[str, Any] = {}
        for r in self.restrictions:
            out[r.name] = set(r.categories) if r.kind == CATEGORICAL else (r.low, r.high)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per restriction: name, kind, low, high, categories, qp_low, qp_high."""
        rows = [
            {
                "name": r.name,
                "kind": r.kind,
                "low": r.low,
                "high": r.high,
                "categories": None if r.categories is None else ", ".join(map(str, r.categories)),
                "qp_low": r.qp_low,
                "qp_high": r.qp_high,
            }
            for r in self.restrictions
        ]
        cols = ["name", "kind", "low", "high", "categories", "qp_low", "qp_high"]
        return pd.DataFrame(rows, columns=cols)

    def contains(self, X: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the rows of ``X`` inside the box."""
        mask = np.ones(len(X), dtype=bool)
        for r in self.restrictions:
            if r.name not in X.columns:
                raise InputError(f"the box restricts {r.name!r}, which is not a column", field=r.name)
            mask &= r.contains(X[r.name].to_numpy())
        return mask

    def to_dict(self) -> dict[str, Any]:
        """The box as plain data: its statistics and one dict per restriction.

        The words for a reader are the report layer's job
        (:func:`forewarn.report.describe.describe_box`).

        Examples
        --------
        >>> box = Box((Restriction("x", "real", high=0.4),), 0.8, 0.9, 0.2, 200, 180)
        >>> box.to_dict()["restrictions"][0]["high"], box.to_dict()["density"]
        (0.4, 0.9)
        """
        return {
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "n": self.n,
            "k": self.k,
            "res_dim": self.res_dim,
            "trajectory_id": self.trajectory_id,
            "restrictions": [
                {
                    "name": r.name,
                    "kind": r.kind,
                    "low": r.low,
                    "high": r.high,
                    "categories": None if r.categories is None else list(r.categories),
                    "qp_low": r.qp_low,
                    "qp_high": r.qp_high,
                }
                for r in self.restrictions
            ],
        }


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _quantile_sorted(v: np.ndarray, q: float) -> float:
    """sdtoolkit's quantile of sorted data, as the EMA Workbench's ``get_quantile``.

    The value is the midpoint between the data at the quantile's position and the nearest
    *distinct* neighbour (below for ``q > 0.5``, above otherwise), so a peel never stops in the
    middle of a run of ties.
    """
    m = v.shape[0]
    i = (m - 1) * q
    lo, hi = int(math.floor(i)), int(math.ceil(i))
    if q > 0.5:
        if v[lo] == v[hi] and lo > 0:
            lo = max(int(np.searchsorted(v, v[hi], side="left")) - 1, 0)
    else:
        if v[lo] == v[hi] and hi < m - 1:
            hi = min(int(np.searchsorted(v, v[lo], side="right")), m - 1)
    return (v[lo] + v[hi]) / 2


def _lenient1(n_old: int, k_old: int, n_new: int, k_new: int) -> float:
    """Gain in mean per case removed or added (the Workbench's LENIENT1 objective)."""
    mean_old = k_old / n_old
    mean_new = k_new / n_new if n_new > 0 else 0
    if mean_old == mean_new:
        return 0.0
    return (mean_new - mean_old) / abs(n_old - n_new)


def _lenient2(n_old: int, k_old: int, n_new: int, k_new: int) -> float:
    """Friedman and Fisher's (14.6): mass of the new box times gain in mean per case moved."""
    mean_old = k_old / n_old
    mean_new = k_new / n_new if n_new > 0 else 0
    if mean_old == mean_new:
        return 0.0
    return n_new * (mean_new - mean_old) / abs(n_old - n_new)


def _original(n_old: int, k_old: int, n_new: int, k_new: int) -> float:
    """The mean of the new box (Friedman and Fisher's original criterion)."""
    return k_new / n_new if n_new > 0 else -1.0


_OBJECTIVES = {"lenient1": _lenient1, "lenient2": _lenient2, "original": _original}


@dataclass
class _Limits:
    lo: np.ndarray
    hi: np.ndarray
    allowed: list[np.ndarray]

    def copy(self) -> _Limits:
        return _Limits(self.lo.copy(), self.hi.copy(), [a.copy() for a in self.allowed])


class _SortedColumn:
    """One numeric input of the cases in the box, in sorted order.

    Cases peeled away on *other* inputs stay in the arrays (dead, per the shared ``alive`` mask)
    until more than half of the slice is dead; peels on this input move the slice's ends. A peel
    candidate therefore reads only the few per cent of the column at one end, and a step costs
    about ``peel_alpha`` of the box per input instead of the whole box.
    """

    def __init__(self, values: np.ndarray, ids: np.ndarray | None) -> None:
        order = np.argsort(values)  # the order within ties never matters: limits cut between values
        self.v = values[order]
        self.ids = order if ids is None else ids[order]  # ids None: the rows are 0..n-1
        self.lo, self.hi = 0, self.v.shape[0]

    #: dead entries tolerated beyond half of the slice (small columns are never worth compacting)
    SLACK = 4096

    def compact(self, alive: np.ndarray, m: int) -> None:
        if self.hi - self.lo > 2 * m + self.SLACK:
            keep = alive[self.ids[self.lo : self.hi]]
            self.v = self.v[self.lo : self.hi][keep]
            self.ids = self.ids[self.lo : self.hi][keep]
            self.lo, self.hi = 0, self.v.shape[0]

    def _size(self, need: int, m: int) -> int:
        return int(need * (self.hi - self.lo) / max(m, 1) * 1.1) + 64

    def head(self, alive: np.ndarray, need: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """Values, ids and slice positions of the first ``need`` (or more) live cases."""
        size = self._size(need, m)
        while True:
            end = min(self.lo + size, self.hi)
            live = np.flatnonzero(alive[self.ids[self.lo : end]])
            if live.shape[0] >= need or end == self.hi:
                pos = live + self.lo
                return self.v[pos], self.ids[pos], pos, end == self.hi
            size *= 2

    def tail(self, alive: np.ndarray, need: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """Values, ids and slice positions of the last ``need`` (or more) live cases."""
        size = self._size(need, m)
        while True:
            start = max(self.hi - size, self.lo)
            live = np.flatnonzero(alive[self.ids[start : self.hi]])
            if live.shape[0] >= need or start == self.lo:
                pos = live + start
                return self.v[pos], self.ids[pos], pos, start == self.lo
            size *= 2

    def peel_lower(self, alive, m, q, is_int, limit, y):
        """Cases cut by peeling the lower end: (count, cases of interest, new limit, cut)."""
        i = (m - 1) * q
        lo, hi = int(math.floor(i)), int(math.ceil(i))
        need = hi + 2
        while True:
            v, ids, pos, complete = self.head(alive, need, m)
            n_v = v.shape[0]
            h = hi
            if v[lo] == v[h] and h < m - 1:
                h = int(np.searchsorted(v, v[lo], side="right"))
                if h == n_v and not complete:
                    need = 2 * n_v
                    continue
                h = min(h, m - 1)
            value = (v[lo] + v[h]) / 2
            if is_int:
                peel = math.trunc(value)
                if peel == limit:
                    p = int(np.searchsorted(v, limit, side="right"))
                else:
                    p = int(np.searchsorted(v, peel, side="left"))
            else:
                p = int(np.searchsorted(v, value, side="left"))
            if p == n_v and not complete:
                need = 2 * n_v
                continue
            break
        if is_int:
            value = float(v[p]) if p < m else float(v[0])
        k = int(np.count_nonzero(y[ids[:p]]))
        cut = (ids[:p], int(pos[p]) if p < n_v else self.hi)
        return p, k, float(value), cut

    def peel_upper(self, alive, m, q, is_int, limit, y):
        """Cases cut by peeling the upper end: (count, cases of interest, new limit, cut)."""
        i = (m - 1) * q
        lo, hi = int(math.floor(i)), int(math.ceil(i))
        need = m - lo + 2
        while True:
            v, ids, pos, complete = self.tail(alive, need, m)
            n_v = v.shape[0]
            off = m - n_v  # index among the live cases of v[0]
            a = lo
            if v[a - off] == v[hi - off] and a > 0:
                s = int(np.searchsorted(v, v[hi - off], side="left"))
                if s == 0 and not complete:
                    need = 2 * n_v
                    continue
                a = max(s - 1 + off, 0)
            value = (v[a - off] + v[hi - off]) / 2
            if is_int:
                peel = math.trunc(value)
                if peel == limit:
                    s = int(np.searchsorted(v, limit, side="left"))
                else:
                    s = int(np.searchsorted(v, peel, side="right"))
            else:
                s = int(np.searchsorted(v, value, side="right"))
            if s == 0 and not complete:
                need = 2 * n_v
                continue
            break
        kept = off + s
        if is_int:
            value = float(v[s - 1]) if kept > 0 else float(v[-1])
        k = int(np.count_nonzero(y[ids[s:]]))
        cut = (ids[s:], int(pos[s - 1]) + 1 if s > 0 else self.lo)
        return n_v - s, k, float(value), cut

    def apply(self, side: str, cut: tuple[np.ndarray, int]) -> np.ndarray:
        """Move this column's end past the peeled cases; returns their ids."""
        removed, edge = cut
        if side == "lo":
            self.lo = edge
        else:
            self.hi = edge
        return removed


# --------------------------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------------------------


class Prim(BaseEstimator):
    """Patient rule induction (PRIM) for scenario discovery, a scikit-learn estimator.

    The parameters are stored unchanged by the constructor (so ``get_params``, ``set_params``,
    ``clone`` and the repr work as for any scikit-learn estimator) and checked by :meth:`fit`;
    what ``fit`` learns ends in ``_``. Methods that need a fitted estimator raise
    :class:`sklearn.exceptions.NotFittedError` before ``fit``.

    Parameters
    ----------
    peel_alpha : float
        Share of the cases in the box that one peel removes (quantile of each input).
    paste_alpha : float
        Share of the cases just outside a limit that one paste adds back.
    mass_min : float
        Smallest mass (share of all cases) a box may have.
    threshold : float, optional
        For a non-boolean ``y``: cases of interest are ``y >= threshold`` (``threshold_type``
        "above") or ``y <= threshold`` ("below").
    threshold_type : {"above", "below"}
    objective : {"lenient1", "lenient2", "original"}
        Peeling and pasting criterion; "lenient1" (gain in mean per case moved) is the EMA
        Workbench's default.
    paste : bool
        Whether to paste after peeling.
    n_boxes : int
        Most boxes to find by covering: after a box is chosen its cases are removed and the search
        starts again on the rest. Covering stops early when a new box is no denser than the cases
        as a whole, covers less than ``min_coverage``, or restricts nothing.
    min_coverage : float
        Smallest coverage of a box found by covering (after the first).
    density_tol : float
        The default box is the box of the trajectory with the fewest restricted inputs among those
        whose density is within ``density_tol`` of the densest (ties: highest coverage).
    drop_tol : float
        Then each restriction whose removal lowers the density by less than ``drop_tol`` is
        dropped, the cheapest first, one at a time.

    Attributes
    ----------
    peeling_trajectory_ : DataFrame
        The first box's peeling and pasting trajectory: id, phase (start, peel, paste), coverage,
        density, mean, mass, res_dim, n, k.
    trajectories_ : list of DataFrame
        The trajectory of every box found by covering.
    box_ : Box
        The default box of the first search.
    boxes_ : list of Box
        The boxes found by covering (the first is ``box_``).
    n_, k_ : int
        Cases, and cases of interest, in the data.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.uniform(size=(5000, 3)), columns=["a", "b", "c"])
    >>> y = (X.a > 0.6) & (X.b < 0.5)
    >>> box = Prim().fit(X, y.to_numpy()).box_
    >>> box.dims
    ['a', 'b']
    """

    def __init__(
        self,
        peel_alpha: float = 0.05,
        paste_alpha: float = 0.05,
        mass_min: float = 0.05,
        threshold: float | None = None,
        threshold_type: str = "above",
        objective: str = "lenient1",
        paste: bool = True,
        n_boxes: int = 1,
        min_coverage: float = 0.05,
        density_tol: float = 0.05,
        drop_tol: float = 0.01,
    ) -> None:
        self.peel_alpha = peel_alpha
        self.paste_alpha = paste_alpha
        self.mass_min = mass_min
        self.threshold = threshold
        self.threshold_type = threshold_type
        self.objective = objective
        self.paste = paste
        self.n_boxes = n_boxes
        self.min_coverage = min_coverage
        self.density_tol = density_tol
        self.drop_tol = drop_tol

    # ---------------------------------------------------------------- public API

    def fit(self, X: pd.DataFrame, y: Any) -> Prim:
        """Find the boxes.

        Parameters
        ----------
        X : DataFrame
            Inputs: float columns are real, integer columns integer, bool/object/category columns
            categorical.
        y : array of bool, or of numbers with ``threshold``
            Which cases are of interest.

        Returns
        -------
        self
        """
        self._check_params()
        data = encode_xy(X, y, self.threshold, self.threshold_type)
        self._data = data
        self.n_ = int(data.y.shape[0])
        self.k_ = int(data.y.sum())
        remaining = np.ones(self.n_, dtype=bool)
        self.trajectories_: list[pd.DataFrame] = []
        self._traj_limits: list[list[_Limits]] = []
        self._remaining: list[np.ndarray] = []
        self.boxes_: list[Box] = []
        base_density = self.k_ / self.n_
        for b in range(self.n_boxes):
            if not data.y[remaining].any():
                break
            traj, lims = self._search(remaining)
            limits, tid = self._default_limits(traj, lims, remaining)
            box = self._make_box(limits, remaining, tid)
            if b > 0 and (box.res_dim == 0 or box.density <= base_density or box.coverage < self.min_coverage):
                break
            self.trajectories_.append(traj)
            self._traj_limits.append(lims)
            self._remaining.append(remaining.copy())
            self.boxes_.append(box)
            remaining &= ~self._members(limits, remaining)
            if box.res_dim == 0:
                break
        self.peeling_trajectory_ = self.trajectories_[0]
        self.box_ = self.boxes_[0]
        return self

    def box_at(self, i: int, *, box: int = 0) -> Box:
        """The box of trajectory entry ``i`` (``id`` column) of covering box ``box``, unpruned."""
        self._check_fitted()
        lims = self._traj_limits[box]
        if not 0 <= i < len(lims):
            raise InputError(f"trajectory entry {i} does not exist (0..{len(lims) - 1})")
        return self._make_box(lims[i], self._remaining[box], i)

    def resample(self, n: int = 10, fraction: float = 0.5, seed: int | None = None) -> pd.DataFrame:
        """How often each restricted input of ``box_`` reappears when PRIM is run on subsamples.

        Runs PRIM with the same parameters (one box) on ``n`` random subsets of ``fraction`` of
        the cases and records which inputs the default box of each restricts.

        Returns
        -------
        DataFrame
            One row per input restricted at least once, sorted by ``reproducibility`` (share of
            the resamples whose box restricts it), with ``in_box`` (restricted by ``box_``).
        """
        self._check_fitted()
        if not 0 < fraction <= 1:
            raise InputError(f"fraction must be in (0, 1], not {fraction}")
        data = self._data
        rng = np.random.default_rng(np.random.SeedSequence(seed))
        size = max(int(round(self.n_ * fraction)), 1)
        counts: dict[str, int] = {}
        frame = self._frame()
        for _ in range(n):
            idx = np.sort(rng.choice(self.n_, size=size, replace=False))
            sub = clone(self).set_params(n_boxes=1)
            try:
                sub.fit(frame.iloc[idx].reset_index(drop=True), data.y[idx])
            except InputError:
                continue
            for d in sub.box_.dims:
                counts[d] = counts.get(d, 0) + 1
        in_box = set(self.box_.dims)
        names = sorted(set(counts) | in_box, key=lambda d: (-counts.get(d, 0), data.columns.index(d)))
        return pd.DataFrame(
            {
                "dimension": names,
                "reproducibility": [counts.get(d, 0) / n for d in names],
                "in_box": [d in in_box for d in names],
            }
        )

    # ---------------------------------------------------------------- internals

    def _check_params(self) -> None:
        for name in ("peel_alpha", "paste_alpha"):
            v = getattr(self, name)
            if not 0 < v < 0.5:
                raise InputError(f"{name} must be in (0, 0.5), not {v}", field=name)
        if not 0 <= self.mass_min < 1:
            raise InputError(f"mass_min must be in [0, 1), not {self.mass_min}", field="mass_min")
        if self.objective not in _OBJECTIVES:
            raise InputError(
                f"unknown objective {self.objective!r}; use one of {', '.join(_OBJECTIVES)}", field="objective"
            )
        if int(self.n_boxes) < 1:
            raise InputError(f"n_boxes must be at least 1, not {self.n_boxes}", field="n_boxes")

    def _check_fitted(self) -> None:
        check_is_fitted(self, "box_")

    def _frame(self) -> pd.DataFrame:
        d = self._data
        cols: dict[str, Any] = {}
        for j, name in enumerate(d.names):
            if j < d.p_num:
                cols[name] = d.num[:, j]
            else:
                c = j - d.p_num
                cols[name] = pd.Categorical.from_codes(d.codes[:, c], categories=list(d.categories[c]))
        return pd.DataFrame(cols)[d.columns]

    def _init_limits(self) -> _Limits:
        d = self._data
        return _Limits(d.init_lo.copy(), d.init_hi.copy(), [np.ones(len(c), dtype=bool) for c in d.categories])

    def _restricted(self, lim: _Limits) -> np.ndarray:
        d = self._data
        num = (lim.lo != d.init_lo) | (lim.hi != d.init_hi)
        cat = np.array([not a.all() for a in lim.allowed], dtype=bool)
        return np.concatenate([num, cat])

    def _members(self, lim: _Limits, remaining: np.ndarray, skip: int | None = None) -> np.ndarray:
        """Rows of ``remaining`` inside ``lim`` (ignoring input ``skip``), on restricted inputs only."""
        d = self._data
        mask = remaining.copy()
        res = self._restricted(lim)
        for j in np.flatnonzero(res):
            if j == skip:
                continue
            if j < d.p_num:
                col = d.num[:, j]
                mask &= (col >= lim.lo[j]) & (col <= lim.hi[j])
            else:
                c = j - d.p_num
                mask &= lim.allowed[c][d.codes[:, c]]
        return mask

    # The search for one box: peeling then pasting, on the rows in ``remaining``.
    def _search(self, remaining: np.ndarray) -> tuple[pd.DataFrame, list[_Limits]]:
        traj = _Trajectory(self._restricted, self.n_, self.k_)
        peeler = _Peeler(self, remaining)
        lim = self._init_limits()
        traj.record("start", peeler.m, peeler.K, lim)
        while True:
            best = peeler.best(lim)
            if best.cand is None or not self._peel_accepted(best, peeler.m):
                break
            peeler.apply(best.cand, lim)
            traj.record("peel", peeler.m, peeler.K, lim)
        if self.paste:
            self._paste(lim, remaining, peeler.m, peeler.K, traj.record)
        return traj.frame(), traj.lims

    def _peel_accepted(self, best: _Best, m: int) -> bool:
        # a peel must keep mass_min, shrink the box, and raise the objective
        n_new, N = best.cand[2], self.n_
        return n_new / N >= self.mass_min and n_new / N < m / N and best.key[0] > 0

    def _paste(self, lim: _Limits, remaining: np.ndarray, m: int, K: int, record: Any) -> tuple[int, int, _Limits]:
        paster = _Paster(self, lim, remaining)
        while True:
            best = paster.best(m, K)
            if best.cand is None:
                break
            j, new_lo, new_hi, new_allowed, n_new, k_new = best.cand
            mass_new, mass_old = n_new / self.n_, m / self.n_
            mean_new = k_new / n_new if n_new else 0.0
            if not (mass_new >= self.mass_min and mass_new > mass_old and best.key[0] > 0 and mean_new > K / m):
                break
            paster.apply(best.cand)
            m, K = n_new, k_new
            record("paste", m, K, lim)
        return m, K, lim

    # The default box: few restrictions, nearly the best density; then drop cheap restrictions.
    def _default_limits(self, traj: pd.DataFrame, lims: list[_Limits], remaining: np.ndarray) -> tuple[_Limits, int]:
        dens = traj["density"].to_numpy()
        best = dens.max()
        cand = traj[dens >= best - self.density_tol].assign(score=lambda t: t["coverage"] * t["density"])
        cand = cand.sort_values(["res_dim", "score", "id"], ascending=[True, False, True], kind="stable")
        tid = int(cand["id"].iloc[0])
        lim = lims[tid].copy()
        d = self._data
        rows = np.flatnonzero(remaining)
        y = d.y[rows]
        while True:
            res = np.flatnonzero(self._restricted(lim))
            if res.size == 0:
                break
            # how many limits each case breaks; without limit j, the box is the cases that break
            # no other limit
            outside = []
            for j in res:
                if j < d.p_num:
                    col = d.num[rows, j]
                    outside.append((col < lim.lo[j]) | (col > lim.hi[j]))
                else:
                    c = j - d.p_num
                    outside.append(~lim.allowed[c][d.codes[rows, c]])
            viol = np.sum(outside, axis=0, dtype=np.int16)
            inside = viol == 0
            n_box = int(inside.sum())
            density = y[inside].sum() / n_box if n_box else 0.0
            losses = []
            for o in outside:
                wider = (viol - o) == 0
                nw = int(wider.sum())
                losses.append(density - (y[wider].sum() / nw if nw else 0.0))
            i = int(np.argmin(losses))
            if losses[i] >= self.drop_tol:
                break
            j = int(res[i])
            if j < d.p_num:
                lim.lo[j], lim.hi[j] = d.init_lo[j], d.init_hi[j]
            else:
                lim.allowed[j - d.p_num][:] = True
        return lim, tid

    def _make_box(self, lim: _Limits, remaining: np.ndarray, tid: int | None) -> Box:
        from scipy.stats import binomtest

        d = self._data
        y = d.y
        inside = self._members(lim, remaining)
        n_box = int(inside.sum())
        k_box = int(y[inside].sum())
        res = np.flatnonzero(self._restricted(lim))

        def qp(mask: np.ndarray) -> float:
            # Bryant and Lempert's quasi-p-value: could the box's density arise by chance from the
            # box without this limit?
            tj = int(mask.sum())
            hj = int(y[mask].sum())
            if tj == 0 or n_box == 0:
                return float("nan")
            # one-sided binomial test, P(X >= k_box) for X ~ Binomial(n_box, hj / tj), as the
            # EMA Workbench computes it
            return float(binomtest(k_box, n_box, hj / tj, alternative="greater").pvalue)

        restrictions = []
        by_col = {name: j for j, name in enumerate(d.names)}
        for name in d.columns:
            j = by_col[name]
            if j not in res:
                continue
            if j < d.p_num:
                low = None if lim.lo[j] == d.init_lo[j] else float(lim.lo[j])
                high = None if lim.hi[j] == d.init_hi[j] else float(lim.hi[j])
                qlo = qhi = None
                if low is not None:
                    t = lim.copy()
                    t.lo[j] = d.init_lo[j]
                    qlo = qp(self._members(t, remaining))
                if high is not None:
                    t = lim.copy()
                    t.hi[j] = d.init_hi[j]
                    qhi = qp(self._members(t, remaining))
                restrictions.append(Restriction(name, d.kinds[j], low, high, None, qlo, qhi))
            else:
                c = j - d.p_num
                cats = tuple(_py(v) for v in d.categories[c][lim.allowed[c]])
                restrictions.append(
                    Restriction(name, CATEGORICAL, None, None, cats, qp(self._members(lim, remaining, skip=j)), None)
                )
        return Box(
            restrictions=tuple(restrictions),
            coverage=k_box / self.k_,
            density=k_box / n_box if n_box else 0.0,
            mass=n_box / self.n_,
            n=n_box,
            k=k_box,
            trajectory_id=tid,
        )


# --------------------------------------------------------------------------------------------
# The steps of one search: the trajectory, peeling, pasting
# --------------------------------------------------------------------------------------------


class _Best:
    """The best candidate so far: highest (objective, unrestricted inputs); the first on a tie."""

    def __init__(self) -> None:
        self.key: tuple[float, int] | None = None
        self.cand: tuple | None = None

    def consider(self, score: float, nonres: int, cand: tuple) -> None:
        key = (score, nonres)
        if self.key is None or key > self.key:
            self.cand, self.key = cand, key


class _Trajectory:
    """The boxes of one search as they are found: a table row and the limits of each."""

    def __init__(self, restricted: Any, n_all: int, k_all: int) -> None:
        self.restricted, self.N, self.T = restricted, n_all, k_all
        self.rows: list[dict[str, Any]] = []
        self.lims: list[_Limits] = []

    def record(self, phase: str, n_box: int, k_box: int, limits: _Limits) -> None:
        self.rows.append(
            {
                "id": len(self.rows),
                "phase": phase,
                "coverage": k_box / self.T,
                "density": k_box / n_box if n_box else 0.0,
                "mean": k_box / n_box if n_box else 0.0,
                "mass": n_box / self.N,
                "res_dim": int(self.restricted(limits).sum()),
                "n": n_box,
                "k": k_box,
            }
        )
        self.lims.append(limits.copy())

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)


class _Peeler:
    """Peeling state of one search: the cases still in the box and each input sorted once.

    ``m`` and ``K`` are the cases in the box and the cases of interest among them.
    """

    def __init__(self, prim: Prim, remaining: np.ndarray) -> None:
        d = self.d = prim._data
        self.prim, self.N, self.y = prim, prim.n_, d.y
        self.obj = _OBJECTIVES[prim.objective]
        self.alpha = prim.peel_alpha
        self.n_cols = d.p_num + d.p_cat
        self.members = np.flatnonzero(remaining).astype(np.int64 if self.N > 2**31 - 1 else np.int32)
        self.alive = np.zeros(self.N, dtype=bool)
        self.alive[self.members] = True
        self.cols = self._sorted_columns()
        self.is_int = np.array([k == INTEGER for k in d.kinds[: d.p_num]], dtype=bool)
        self.m = self.members.shape[0]
        self.K = int(self.y[self.members].sum())

    def _sorted_columns(self) -> list[_SortedColumn]:
        # Each numeric input sorted once; cases peeled away on other inputs are dropped lazily.
        d, members = self.d, self.members
        everything = members.shape[0] == self.N

        def sort_column(j: int) -> _SortedColumn:
            if everything:
                return _SortedColumn(d.num[:, j], None)
            return _SortedColumn(d.num[members, j], members)

        # numpy's sort releases the GIL: two threads halve the one step that reads every row
        if d.p_num > 1 and self.N >= 100_000:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=2) as pool:
                return list(pool.map(sort_column, range(d.p_num)))
        return [sort_column(j) for j in range(d.p_num)]

    def best(self, lim: _Limits) -> _Best:
        """The best peel of the box ``lim``: (side, input, n, k, new limit or category, cut)."""
        res = self.prim._restricted(lim)
        best = _Best()
        for j in range(self.d.p_num):
            self._numeric(j, lim, res, best)
        if self.d.p_cat:
            self._categorical(lim, res, best)
        return best

    def _numeric(self, j: int, lim: _Limits, res: np.ndarray, best: _Best) -> None:
        d, m, K, obj = self.d, self.m, self.K, self.obj
        n_res = int(res.sum())
        col = self.cols[j]
        col.compact(self.alive, m)
        # upper side first, as the Workbench lists it
        n_cut, k_cut, new_hi, cut = col.peel_upper(self.alive, m, 1 - self.alpha, self.is_int[j], lim.hi[j], self.y)
        new_res = (lim.lo[j] != d.init_lo[j]) or (new_hi != d.init_hi[j])
        best.consider(obj(m, K, m - n_cut, K - k_cut), self.n_cols - (n_res - int(res[j]) + int(new_res)),
                      ("hi", j, m - n_cut, K - k_cut, new_hi, cut))
        n_cut, k_cut, new_lo, cut = col.peel_lower(self.alive, m, self.alpha, self.is_int[j], lim.lo[j], self.y)
        new_res = (new_lo != d.init_lo[j]) or (lim.hi[j] != d.init_hi[j])
        best.consider(obj(m, K, m - n_cut, K - k_cut), self.n_cols - (n_res - int(res[j]) + int(new_res)),
                      ("lo", j, m - n_cut, K - k_cut, new_lo, cut))

    def _categorical(self, lim: _Limits, res: np.ndarray, best: _Best) -> None:
        d, m, K, obj = self.d, self.m, self.K, self.obj
        n_res = int(res.sum())
        self.members = members = self.members[self.alive[self.members]]
        ybox = self.y[members]
        for c in range(d.p_cat):
            allowed = lim.allowed[c]
            if allowed.sum() <= 1:
                continue
            codes = d.codes[members, c]
            size = len(allowed)
            n_c = np.bincount(codes, minlength=size)
            k_c = np.bincount(codes, weights=ybox, minlength=size).astype(np.int64)
            jj = d.p_num + c
            for cat in np.flatnonzero(allowed):
                # removing a category always leaves the input restricted
                best.consider(obj(m, K, m - int(n_c[cat]), K - int(k_c[cat])),
                              self.n_cols - (n_res - int(res[jj]) + 1),
                              ("cat", c, m - int(n_c[cat]), K - int(k_c[cat]), int(cat), None))

    def apply(self, cand: tuple, lim: _Limits) -> None:
        """Peel: narrow ``lim`` and drop the cases cut from the box."""
        kind, j, n_new, k_new, value, cut = cand
        if kind == "cat":
            lim.allowed[j][value] = False
            self.alive[self.members[self.d.codes[self.members, j] == value]] = False
        else:
            self.alive[self.cols[j].apply(kind, cut)] = False
            if kind == "hi":
                lim.hi[j] = value
            else:
                lim.lo[j] = value
        self.m, self.K = n_new, k_new


class _Paster:
    """Pasting state of one search: which limits each remaining case breaks.

    ``outside[j]`` marks the cases that break the limit on input ``j`` and ``viol`` counts the
    limits each case breaks (0: in the box). A paste changes one input's limits, so only that
    one is recomputed. ``lim`` is widened in place.
    """

    def __init__(self, prim: Prim, lim: _Limits, remaining: np.ndarray) -> None:
        d = self.d = prim._data
        self.prim, self.lim = prim, lim
        self.obj = _OBJECTIVES[prim.objective]
        self.a = prim.paste_alpha
        self.n_cols = d.p_num + d.p_cat
        if remaining.all():
            self.num, self.codes, self.yr = d.num, d.codes, d.y
        else:
            rem_idx = np.flatnonzero(remaining)
            self.num, self.codes, self.yr = np.asfortranarray(d.num[rem_idx]), d.codes[rem_idx], d.y[rem_idx]
        self.outside = {int(j): self._outside_of(int(j)) for j in np.flatnonzero(prim._restricted(lim))}
        self.viol = np.zeros(self.num.shape[0], dtype=np.int16)
        for o in self.outside.values():
            self.viol += o

    def _outside_of(self, j: int) -> np.ndarray:
        # the cases that break the limit on input j
        lim, p_num = self.lim, self.d.p_num
        if j < p_num:
            col = self.num[:, j]
            return (col < lim.lo[j]) | (col > lim.hi[j])
        c = j - p_num
        return ~lim.allowed[c][self.codes[:, c]]

    def best(self, m: int, K: int) -> _Best:
        """The best paste of the box of ``m`` cases (``K`` of interest)."""
        best = _Best()
        res = self.prim._restricted(self.lim)
        res_idx = np.flatnonzero(res)
        if res_idx.size == 0:
            return best
        # Only cases in the box or outside it on exactly one input can enter by one paste (or
        # count towards one): the rest is set aside for this step.
        near = np.flatnonzero(self.viol <= 1)
        viol = self.viol[near]
        n_res = int(res.sum())
        for j in res_idx:
            others_ok = (viol - self.outside[j][near]) == 0
            if j < self.d.p_num:
                col, yr = self.num[:, j][near][others_ok], self.yr[near][others_ok]
                for side in ("lo", "hi"):
                    self._numeric(int(j), side, col, yr, m, K, n_res, best)
            else:
                self._categorical(int(j), others_ok, self.codes[near], self.yr[near], m, K, n_res, best)
        return best

    def _numeric(self, j: int, side: str, col: np.ndarray, yr: np.ndarray, m: int, K: int, n_res: int,
                 best: _Best) -> None:
        # A paste on j adds the cases of the slab beyond one of its limits (cases inside every
        # other limit); the box's own m and K need no recount.
        d, lim, a = self.d, self.lim, self.a
        is_int = d.kinds[j] == INTEGER
        slab = (col <= lim.lo[j]) if side == "lo" else (col >= lim.hi[j])
        sv = col[slab]
        order = np.argsort(sv)
        sv, sy = sv[order], yr[slab][order]
        if side == "lo":
            # the slab includes cases on the limit (already in the box), as the Workbench's
            # quantile does
            value = _quantile_sorted(sv, 1 - a) if sv.size else d.init_lo[j]
            if is_int:
                value = math.ceil(value)
            new_lo, new_hi = float(value), lim.hi[j]
            first = int(np.searchsorted(sv, new_lo, "left"))
            last = int(np.searchsorted(sv, lim.lo[j], "left"))
        else:
            value = _quantile_sorted(sv, a) if sv.size else d.init_hi[j]
            if is_int:
                value = math.floor(value)
            new_lo, new_hi = lim.lo[j], float(value)
            first = int(np.searchsorted(sv, lim.hi[j], "right"))
            last = int(np.searchsorted(sv, new_hi, "right"))
        added = max(last - first, 0)
        n_new = m + added
        k_new = K + (int(np.count_nonzero(sy[first:last])) if added else 0)
        new_res = (new_lo != d.init_lo[j]) or (new_hi != d.init_hi[j])
        best.consider(self.obj(m, K, n_new, k_new), self.n_cols - (n_res - 1 + int(new_res)),
                      (j, new_lo, new_hi, None, n_new, k_new))

    def _categorical(self, j: int, others_ok: np.ndarray, codes: np.ndarray, yr: np.ndarray, m: int, K: int,
                     n_res: int, best: _Best) -> None:
        c = j - self.d.p_num
        allowed = self.lim.allowed[c]
        for cat in np.flatnonzero(~allowed):
            new_allowed = allowed.copy()
            new_allowed[cat] = True
            inside = others_ok & new_allowed[codes[:, c]]
            n_new = int(inside.sum())
            k_new = int(np.count_nonzero(yr[inside]))
            new_res = not new_allowed.all()
            best.consider(self.obj(m, K, n_new, k_new), self.n_cols - (n_res - 1 + int(new_res)),
                          (j, None, None, new_allowed, n_new, k_new))

    def apply(self, cand: tuple) -> None:
        """Paste: widen the box's limits on one input and update who breaks them."""
        j, new_lo, new_hi, new_allowed, _, _ = cand
        if new_allowed is None:
            self.lim.lo[j], self.lim.hi[j] = new_lo, new_hi
        else:
            self.lim.allowed[j - self.d.p_num] = new_allowed
        fresh = self._outside_of(j)
        self.viol = self.viol - self.outside[j] + fresh
        self.outside[j] = fresh


def _py(v: Any) -> Any:
    """numpy scalar to Python scalar (for readable categories)."""
    return v.item() if isinstance(v, np.generic) else v
