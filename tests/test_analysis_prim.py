"""PRIM: known answers (a planted box), invariants, and agreement with the EMA Workbench."""

from __future__ import annotations

import math
from dataclasses import replace as dataclass_replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.analysis.prim import Box, Prim, Restriction, _quantile_sorted
from forewarn.errors import InputError
from forewarn.report.describe import describe_box
from optional import requires_ema


def planted(n: int, seed: int, noise: float = 0.05) -> tuple[pd.DataFrame, np.ndarray]:
    """10 uniform inputs; cases of interest in 0.2 <= x0 <= 0.6 and x3 < 0.4, labels flipped at random."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.uniform(size=(n, 10)), columns=[f"x{i}" for i in range(10)])
    y = ((X.x0 >= 0.2) & (X.x0 <= 0.6) & (X.x3 < 0.4)).to_numpy()
    return X, y ^ (rng.uniform(size=n) < noise)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_box_is_recovered_without_spurious_dimensions(seed):
    X, y = planted(20_000, seed)
    box = Prim().fit(X, y).box_
    assert box.dims == ["x0", "x3"]
    lim = box.limits()
    assert lim["x0"][0] == pytest.approx(0.2, abs=0.02)
    assert lim["x0"][1] == pytest.approx(0.6, abs=0.02)
    assert lim["x3"][0] is None  # x3 has no lower limit: the box starts at the data's minimum
    assert lim["x3"][1] == pytest.approx(0.4, abs=0.02)
    assert box.density > 0.9
    assert box.coverage > 0.7
    # quasi-p-values of real restrictions are tiny
    for r in box.restrictions:
        for qp in (r.qp_low, r.qp_high):
            assert qp is None or qp < 1e-6


def test_trajectory_is_consistent():
    X, y = planted(5_000, 3)
    prim = Prim().fit(X, y)
    t = prim.peeling_trajectory_
    assert list(t.columns[:2]) == ["id", "phase"]
    assert t["id"].tolist() == list(range(len(t)))
    assert t.loc[0, "coverage"] == 1.0 and t.loc[0, "mass"] == 1.0 and t.loc[0, "res_dim"] == 0
    peel = t[t.phase != "paste"]
    assert (np.diff(peel["mass"]) < 0).all()
    assert ((t[["coverage", "density", "mass"]] >= 0) & (t[["coverage", "density", "mass"]] <= 1)).all().all()
    assert (t["mass"] >= prim.mass_min).all()
    np.testing.assert_allclose(t["coverage"], t["k"] / y.sum())
    np.testing.assert_allclose(t["density"], t["k"] / t["n"])
    # the box at a trajectory entry has the entry's statistics
    b = prim.box_at(len(t) - 1)
    assert (b.n, b.k, b.res_dim) == (t["n"].iloc[-1], t["k"].iloc[-1], t["res_dim"].iloc[-1])
    assert b.contains(X).sum() == b.n


def test_box_contains_matches_its_counts():
    X, y = planted(5_000, 4)
    box = Prim().fit(X, y).box_
    inside = box.contains(X)
    assert inside.sum() == box.n
    assert y[inside].sum() == box.k


def test_integer_and_categorical_inputs():
    rng = np.random.default_rng(5)
    n = 6_000
    X = pd.DataFrame(
        {
            "year": rng.integers(2025, 2036, n),
            "mode": rng.choice(["calm", "tense", "crisis"], n),
            "deal": rng.uniform(size=n) < 0.5,
            "u": rng.uniform(size=n),
        }
    )
    y = ((X.year <= 2028) & (X["mode"] != "calm") & ~X.deal).to_numpy()
    box = Prim().fit(X, y).box_
    lim = box.limits()
    assert set(box.dims) == {"year", "mode", "deal"}
    assert lim["year"] == (None, 2028.0)
    assert lim["mode"] == {"tense", "crisis"}
    assert lim["deal"] == {False}
    assert box.density == 1.0
    text = describe_box(box)
    assert "year <= 2028" in text and "mode is crisis or tense" in text and "deal is false" in text


def test_float_outcome_with_threshold():
    X, _ = planted(3_000, 6, noise=0.0)
    score = -np.abs(X.x1.to_numpy() - 0.8)
    a = Prim(threshold=-0.1).fit(X, score).box_
    b = Prim().fit(X, score >= -0.1).box_
    assert a == b
    c = Prim(threshold=0.1, threshold_type="below").fit(X, np.abs(X.x1.to_numpy() - 0.8)).box_
    assert c.dims == a.dims


def test_covering_finds_two_boxes():
    rng = np.random.default_rng(7)
    n = 20_000
    X = pd.DataFrame(rng.uniform(size=(n, 4)), columns=list("abcd"))
    y = ((X.a < 0.3) & (X.b < 0.3)) | ((X.c > 0.7) & (X.d > 0.7))
    prim = Prim(n_boxes=4).fit(X, y.to_numpy())
    assert len(prim.boxes_) >= 2
    assert {tuple(sorted(b.dims)) for b in prim.boxes_[:2]} == {("a", "b"), ("c", "d")}
    total = sum(b.coverage for b in prim.boxes_)
    assert total <= 1 + 1e-12
    assert len(prim.trajectories_) == len(prim.boxes_)


def test_resample_reports_the_planted_dimensions():
    X, y = planted(6_000, 8)
    prim = Prim().fit(X, y)
    rep = prim.resample(n=4, fraction=0.5, seed=1)
    top = rep.set_index("dimension")["reproducibility"]
    assert top["x0"] == 1.0 and top["x3"] == 1.0
    assert rep["in_box"].sum() == 2
    again = prim.resample(n=4, fraction=0.5, seed=1)
    pd.testing.assert_frame_equal(rep, again)


@pytest.mark.parametrize(
    "kwargs, y, match",
    [
        ({}, np.linspace(0, 2, 100), "threshold"),
        ({}, np.zeros(100, dtype=bool), "no case of interest"),
        ({"peel_alpha": 0.7}, np.ones(100, dtype=bool), "peel_alpha"),
        ({"objective": "nope"}, np.ones(100, dtype=bool), "objective"),
        ({}, np.ones(99, dtype=bool), "99 values"),
    ],
)
def test_bad_input(kwargs, y, match):
    X = pd.DataFrame({"a": np.linspace(0, 1, 100)})
    with pytest.raises(InputError, match=match):
        Prim(**kwargs).fit(X, y)


def test_missing_values_are_refused():
    X = pd.DataFrame({"a": [0.1, np.nan, 0.3]})
    with pytest.raises(InputError, match="'a' holds missing values"):
        Prim().fit(X, np.array([True, False, True]))


def _reference_quantile(data, q):
    # the EMA Workbench's get_quantile, written with its loops
    data = np.sort(data)
    i = (len(data) - 1) * q
    lo, hi = int(math.floor(i)), int(math.ceil(i))
    if q > 0.5:
        while data[lo] == data[hi] and lo > 0:
            lo -= 1
    else:
        while data[lo] == data[hi] and hi < len(data) - 1:
            hi += 1
    return (data[lo] + data[hi]) / 2


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-5, 5), min_size=1, max_size=60),
    st.sampled_from([0.05, 0.1, 0.5, 0.9, 0.95]),
)
def test_quantile_matches_the_loop_version(values, q):
    data = np.array(values, dtype=float)
    assert _quantile_sorted(np.sort(data), q) == _reference_quantile(data, q)


def test_describe_with_labels_and_units():
    box = Box(
        (Restriction("us_year", "integer", high=2028.0), Restriction("backfill", "real", low=0.1, high=0.45)),
        coverage=0.81, density=0.88, mass=0.2, n=100, k=88,
    )
    text = describe_box(box, {"us_year": "US withdrawal year"}, {"backfill": "share"},
                        cases="failures", verb="fail")
    assert text == ("US withdrawal year <= 2028 and backfill between 10% and 45%: this box holds 81% of the "
                    "failures, and 88% of the futures in it fail.")


# ---------------------------------------------------------------- the EMA Workbench as reference


def _ema_prim():
    import ema_workbench as ema
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim as eprim
    return ema, eprim


COLS = ["coverage", "density", "mass", "res_dim"]


@requires_ema
@pytest.mark.parametrize("seed", [0, 1])
def test_same_trajectory_as_ema_workbench_real_inputs(seed):
    _, eprim = _ema_prim()
    rng = np.random.default_rng(seed)
    n = 3_000
    X = pd.DataFrame(rng.uniform(size=(n, 5)), columns=[f"x{i}" for i in range(5)])
    X["x4"] = np.round(X["x4"], 1)  # ties: sdtoolkit's quantile must step over them alike
    y = ((X.x0 > 0.3) & (X.x1 < 0.7) & (X.x4 >= 0.3)).to_numpy()
    y = y ^ (rng.uniform(size=n) < 0.1)
    ref = eprim.Prim(X, y, threshold=0.5).find_box().peeling_trajectory
    ours = Prim().fit(X, y).peeling_trajectory_
    assert len(ours) == len(ref)
    np.testing.assert_allclose(ours[COLS].to_numpy(float), ref[COLS].to_numpy(float), rtol=0, atol=1e-12)


@requires_ema
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_peeling_as_ema_workbench_mixed_inputs(seed):
    # The Workbench's pasting fails on integer limits with pandas 3, so compare its peeling.
    _, eprim = _ema_prim()
    rng = np.random.default_rng(seed)
    n = 3_000
    X = pd.DataFrame({f"x{i}": rng.uniform(size=n) for i in range(3)})
    X["k"] = rng.integers(-5, 10, size=n)
    X["j"] = rng.integers(0, 4, size=n)
    X["c"] = pd.Series(rng.choice(["a", "b", "c", "d"], size=n), dtype=object)
    y = ((X.x0 > 0.3) & (X.k < 5) & (X.c != "b") & (X.j > 0)).to_numpy()
    y = y ^ (rng.uniform(size=n) < 0.1)
    p = eprim.Prim(X, y, threshold=0.5)
    p._update_yi_remaining(p)
    box = p._peel(eprim.PrimBox(p, p.box_init, p.yi_remaining[:]))
    ref = box.peeling_trajectory
    ours = Prim(paste=False).fit(X, y).peeling_trajectory_
    assert len(ours) == len(ref)
    np.testing.assert_allclose(ours[COLS].to_numpy(float), ref[COLS].to_numpy(float), rtol=0, atol=1e-12)
    # and the same limits at the end of peeling
    last = Prim(paste=False).fit(X, y)
    ours_box = last.box_at(len(ours) - 1).limits()
    lims = box.box_lims[-1]
    for name, value in ours_box.items():
        if isinstance(value, set):
            assert value == set(lims.loc[0, name])
        else:
            lo, hi = value
            assert (lo if lo is not None else X[name].min()) == lims.loc[0, name]
            assert (hi if hi is not None else X[name].max()) == lims.loc[1, name]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(60, 400), st.booleans())
def test_trajectory_counts_match_brute_force(seed, n, compact_often):
    """Every trajectory entry's n and k equal a direct count of the cases inside its limits,
    whatever the mix of inputs, ties, and however often the sorted columns are compacted."""
    from forewarn.analysis import prim as prim_module

    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "r": rng.uniform(size=n),
            "t": np.round(rng.uniform(size=n), 1),  # many ties
            "k": rng.integers(-3, 4, size=n),
            "c": rng.choice(["a", "b", "c"], size=n),
        }
    )
    y = ((X.r > 0.3) & (X.k <= 1)).to_numpy() ^ (rng.uniform(size=n) < 0.15)
    if not y.any():
        return
    old = prim_module._SortedColumn.SLACK
    prim_module._SortedColumn.SLACK = 0 if compact_often else old
    try:
        prim = Prim(peel_alpha=0.1, mass_min=0.02).fit(X, y)
    finally:
        prim_module._SortedColumn.SLACK = old
    t = prim.peeling_trajectory_
    for i in range(len(t)):
        box = prim.box_at(i)
        inside = box.contains(X)
        assert inside.sum() == t["n"].iloc[i]
        assert y[inside].sum() == t["k"].iloc[i]


# ---------------------------------------------------------------- the scikit-learn estimator API


def test_prim_is_a_scikit_learn_estimator():
    from sklearn.base import clone

    est = Prim(peel_alpha=0.1, n_boxes=2)
    assert est.get_params()["peel_alpha"] == 0.1 and est.get_params()["n_boxes"] == 2
    assert repr(est) == "Prim(n_boxes=2, peel_alpha=0.1)"
    twin = clone(est)
    assert twin is not est and twin.get_params() == est.get_params()
    assert est.set_params(mass_min=0.1) is est and est.mass_min == 0.1
    # parameters are stored unchanged; fit checks them
    bad = Prim(peel_alpha=0.7)
    assert bad.peel_alpha == 0.7
    X, y = planted(500, 3)
    with pytest.raises(InputError, match="peel_alpha"):
        bad.fit(X, y)


def test_prim_methods_need_a_fitted_estimator():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        Prim().box_at(0)
    with pytest.raises(NotFittedError):
        Prim().resample(n=2)


def test_fitting_a_clone_gives_the_same_box():
    from sklearn.base import clone

    X, y = planted(3_000, 4)
    est = Prim(n_boxes=2).fit(X, y)
    again = clone(est).fit(X, y)
    assert again.boxes_ == est.boxes_
    assert not hasattr(clone(est), "box_")


def test_quasi_p_value_is_the_one_sided_binomial_test():
    # the p-value written out from the binomial distribution's definition, not scipy's
    X, y = planted(2_000, 5)
    est = Prim().fit(X, y)
    box = est.box_
    r = next(r for r in box.restrictions if r.qp_high is not None)
    without = Box(tuple(dataclass_replace(r, high=None) if q is r else q for q in box.restrictions), 0, 0, 0, 0, 0)
    inside = without.contains(X)
    from fractions import Fraction

    p = Fraction(int(y[inside].sum()), int(inside.sum()))
    n, k = box.n, box.k
    expected = float(sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1)))
    assert 0 < expected < 1
    assert r.qp_high == pytest.approx(expected, rel=1e-9)


def test_box_to_dict_is_plain_data():
    import json

    box = Prim().fit(*planted(2_000, 6)).box_
    d = box.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert [r["name"] for r in d["restrictions"]] == box.dims
    assert (d["coverage"], d["density"], d["n"], d["k"]) == (box.coverage, box.density, box.n, box.k)
