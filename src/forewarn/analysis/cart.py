"""CART scenario discovery: the leaves of a classification tree as boxes.

A decision tree (Breiman et al., 1984; scikit-learn's ``DecisionTreeClassifier``) splits the
futures into leaves; each leaf is a box whose limits are the splits on the path to it. Leaves
are reported with the same statistics as PRIM's boxes (coverage, density, mass), which is how
Lempert et al. (2008) compared the two methods.

Categorical (and boolean) inputs are one-hot encoded; a split on ``name=value`` maps back to the
set of categories the leaf keeps. Integer limits are rounded to the integers they keep.

References
----------
Breiman, L., Friedman, J., Olshen, R. and Stone, C. (1984). Classification and Regression Trees.

Lempert, R. J., Bryant, B. P. and Bankes, S. C. (2008). Comparing algorithms for scenario
discovery. RAND WR-557-NSF.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .encoding import CATEGORICAL, INTEGER, encode_xy
from .prim import Box, Restriction

__all__ = ["Cart"]


class Cart(BaseEstimator):
    """Scenario discovery with a classification tree, a scikit-learn estimator.

    Parameters
    ----------
    max_depth : int, optional
        Deepest split (keeps boxes readable: each level adds at most one restriction).
    min_samples_leaf : int or float
        Smallest leaf, as a count or a share of the cases (``0.05``: the PRIM ``mass_min``).
    threshold, threshold_type :
        For a non-boolean ``y``, as in :class:`~forewarn.analysis.prim.Prim`.
    class_weight : optional
        Passed to scikit-learn.
    seed : int, optional
        Seeds scikit-learn's tie breaking between equally good splits.

    Attributes
    ----------
    boxes_ : list of Box
        One box per leaf, densest first (ties: higher coverage first).
    box_ : Box
        The densest leaf.
    leaves_ : DataFrame
        leaf, coverage, density, mass, n, k, res_dim, in the order of ``boxes_``.
    tree_ : sklearn.tree.DecisionTreeClassifier
    """

    def __init__(
        self,
        max_depth: int | None = 4,
        min_samples_leaf: int | float = 0.05,
        threshold: float | None = None,
        threshold_type: str = "above",
        class_weight: Any = None,
        seed: int | None = 0,
    ) -> None:
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.threshold = threshold
        self.threshold_type = threshold_type
        self.class_weight = class_weight
        self.seed = seed

    def fit(self, X: pd.DataFrame, y: Any) -> Cart:
        """Grow the tree and read its leaves as boxes."""
        from sklearn.tree import DecisionTreeClassifier

        data = encode_xy(X, y, self.threshold, self.threshold_type)
        yb = data.y
        features: list[tuple[str, str, Any]] = []  # (input, kind, category or None)
        cols = []
        for j, name in enumerate(data.names):
            if j < data.p_num:
                cols.append(data.num[:, j])
                features.append((name, data.kinds[j], None))
            else:
                c = j - data.p_num
                for i, cat in enumerate(data.categories[c]):
                    cols.append((data.codes[:, c] == i).astype(float))
                    features.append((name, CATEGORICAL, cat))
        x = np.column_stack(cols)
        tree = DecisionTreeClassifier(
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            class_weight=self.class_weight,
            random_state=self.seed,
        )
        tree.fit(x, yb)
        self.tree_ = tree
        t = tree.tree_
        leaf_of = tree.apply(x)
        n_all, k_all = len(yb), int(yb.sum())
        cats_all = {data.names[data.p_num + c]: list(data.categories[c]) for c in range(data.p_cat)}
        kinds = dict(zip(data.names, data.kinds))
        boxes = []
        # walk the tree once, carrying the limits of the path
        stack: list[tuple[int, dict[str, list[float]], dict[str, set[Any]]]] = [(0, {}, {})]
        while stack:
            node, num, cat = stack.pop()
            left, right = t.children_left[node], t.children_right[node]
            if left == right:  # a leaf
                inside = leaf_of == node
                n, k = int(inside.sum()), int(yb[inside].sum())
                boxes.append((node, self._box(data.columns, kinds, num, cat, cats_all, n, k, n_all, k_all)))
                continue
            name, kind, category = features[t.feature[node]]
            thr = float(t.threshold[node])
            if category is None:
                lo, hi = num.get(name, [-math.inf, math.inf])
                if kind == INTEGER:
                    # x <= 3.5 keeps 3 and below; x > 3.5 keeps 4 and above
                    l_hi, r_lo = float(math.floor(thr)), float(math.floor(thr) + 1)
                else:
                    l_hi, r_lo = thr, thr
                stack.append((right, {**num, name: [max(lo, r_lo), hi]}, cat))
                stack.append((left, {**num, name: [lo, min(hi, l_hi)]}, cat))
            else:
                keep = cat.get(name, set(cats_all[name]))
                # one-hot: <= 0.5 is "not this category", > 0.5 is "this category"
                stack.append((right, num, {**cat, name: keep & {category}}))
                stack.append((left, num, {**cat, name: keep - {category}}))
        boxes.sort(key=lambda nb: (-nb[1].density, -nb[1].coverage, nb[0]))
        self.boxes_ = [b for _, b in boxes]
        self.box_ = self.boxes_[0]
        self.leaves_ = pd.DataFrame(
            {
                "leaf": [node for node, _ in boxes],
                "coverage": [b.coverage for b in self.boxes_],
                "density": [b.density for b in self.boxes_],
                "mass": [b.mass for b in self.boxes_],
                "n": [b.n for b in self.boxes_],
                "k": [b.k for b in self.boxes_],
                "res_dim": [b.res_dim for b in self.boxes_],
            }
        )
        return self

    @staticmethod
    def _box(columns, kinds, num, cat, cats_all, n, k, n_all, k_all) -> Box:
        restrictions = []
        for name in columns:
            if name in num:
                lo, hi = num[name]
                restrictions.append(
                    Restriction(name, kinds[name], None if lo == -math.inf else lo, None if hi == math.inf else hi)
                )
            elif name in cat and len(cat[name]) < len(cats_all[name]):
                keep = tuple(c.item() if isinstance(c, np.generic) else c for c in cats_all[name] if c in cat[name])
                restrictions.append(Restriction(name, CATEGORICAL, categories=keep))
        return Box(
            restrictions=tuple(restrictions),
            coverage=k / k_all,
            density=k / n if n else 0.0,
            mass=n / n_all,
            n=n,
            k=k,
        )



