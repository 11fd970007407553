"""CART scenario discovery: leaves as boxes, categorical and integer limits mapped back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forewarn.analysis.cart import Cart
from forewarn.errors import InputError


def data(n=5_000, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "a": rng.uniform(size=n),
            "k": rng.integers(0, 10, n),
            "mode": rng.choice(["p", "q", "r"], n),
            "flag": rng.uniform(size=n) < 0.5,
            "noise": rng.uniform(size=n),
        }
    )
    y = ((X.a > 0.5) & (X.k <= 3) & (X["mode"] != "q")).to_numpy()
    return X, y


def test_planted_box_is_a_pure_leaf():
    X, y = data()
    cart = Cart(max_depth=4).fit(X, y)
    box = cart.box_
    assert box.density == 1.0 and box.coverage > 0.99
    lim = box.limits()
    assert set(lim) == {"a", "k", "mode"}
    assert lim["a"][0] == pytest.approx(0.5, abs=0.01) and lim["a"][1] is None
    assert lim["k"] == (None, 3.0)  # the split at 3.5 keeps the integers up to 3
    assert lim["mode"] == {"p", "r"}
    assert (box.contains(X) == y).mean() > 0.999


def test_leaves_partition_the_data():
    X, y = data(seed=1)
    cart = Cart(max_depth=3, min_samples_leaf=0.02).fit(X, y)
    leaves = cart.leaves_
    assert leaves["n"].sum() == len(X)
    assert leaves["coverage"].sum() == pytest.approx(1.0)
    assert leaves["density"].is_monotonic_decreasing
    covered = np.zeros(len(X), dtype=int)
    for b in cart.boxes_:
        covered += b.contains(X)
    assert (covered == 1).all()


def test_threshold_and_errors():
    X, _ = data()
    score = X.a.to_numpy()
    box = Cart(threshold=0.7, max_depth=1).fit(X, score).box_
    assert box.dims == ["a"] and box.limits()["a"][0] == pytest.approx(0.7, abs=0.01)
    with pytest.raises(InputError, match="threshold"):
        Cart().fit(X, score)


def test_cart_is_a_scikit_learn_estimator():
    from sklearn.base import clone

    est = Cart(max_depth=2, seed=3)
    assert repr(est) == "Cart(max_depth=2, seed=3)"
    assert clone(est).get_params() == est.get_params()
    assert est.set_params(min_samples_leaf=0.1).min_samples_leaf == 0.1
