"""Robustness: known answers and invariants (regret >= 0, satisficing in [0, 1], order-free ranking)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from forewarn.analysis import robustness as R
from forewarn.errors import InputError

DIRS = {"d": "maximize", "cost": "minimize", "note": "info"}


def table(d, cost, strategies=("a", "b", "c")):
    s = len(strategies)
    f = len(d) // s
    return pd.DataFrame(
        {
            "future": np.repeat(np.arange(f), s),
            "strategy": list(strategies) * f,
            "d": d,
            "cost": cost,
            "note": np.zeros(len(d)),
        }
    )


def test_regret_known_answer():
    df = table([1.0, 2.0, 0.5, 3.0, 1.0, 1.0], [10.0, 20.0, 5.0, 1.0, 4.0, 2.0])
    r = R.regret(df, DIRS)
    d = r[r.outcome == "d"]["regret"].tolist()
    c = r[r.outcome == "cost"]["regret"].tolist()
    assert d == [1.0, 0.0, 1.5, 0.0, 2.0, 2.0]
    assert c == [5.0, 15.0, 0.0, 0.0, 3.0, 1.0]
    rel = r[r.outcome == "cost"]["relative_regret"].tolist()
    assert rel == pytest.approx([1.0, 3.0, 0.0, 0.0, 3.0, 1.0])
    assert set(r.outcome) == {"d", "cost"}  # info outcomes carry no regret
    t = R.regret_table(df, DIRS).set_index(["strategy", "outcome"])
    assert t.loc[("a", "d"), "max_regret"] == 1.0
    assert t.loc[("b", "cost"), "max_regret"] == 15.0
    assert t.loc[("c", "cost"), "mean_regret"] == 0.5


def test_satisficing_and_statistics_known_answer():
    df = table([1.0, 2.0, 0.5, 3.0, 1.0, 1.0], [10.0, 20.0, 5.0, 1.0, 4.0, 2.0])
    s = R.satisficing(df, ["d>=1", "cost <= 10"])
    assert s.to_dict() == {"a": 1.0, "b": 0.5, "c": 0.5}
    assert R.satisficing(df, {"d": (">=", 1.0)}).to_dict() == {"a": 1.0, "b": 1.0, "c": 0.5}
    st_ = R.statistics(df, DIRS).set_index(["strategy", "outcome"])
    assert st_.loc[("c", "d"), "worst"] == 0.5  # maximin
    assert st_.loc[("b", "cost"), "worst"] == 20.0  # minimax
    assert np.isnan(st_.loc[("a", "note"), "worst"])
    assert st_.loc[("a", "cost"), "p50"] == 5.5


def test_ranking_criteria_and_ties():
    df = table([1.0, 2.0, 0.5, 3.0, 1.0, 1.0], [10.0, 20.0, 5.0, 1.0, 4.0, 2.0])
    r = R.ranking(df, DIRS, thresholds=["d>=1", "cost<=10"])
    # b and c tie on satisficing and on max regret of d; c has the smaller relative regret
    assert r["strategy"].tolist() == ["a", "c", "b"]
    assert r["rank"].tolist() == [1, 2, 3]
    r = R.ranking(df, DIRS, criterion="worst", outcome="cost")
    assert r["strategy"].tolist()[0] == "c"  # minimax: smallest worst cost (5)
    # two identical strategies: the tie is broken by name
    twin = table([1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 1.0, 1.0], strategies=("z", "y"))
    assert R.ranking(twin, DIRS)["strategy"].tolist() == ["y", "z"]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda df: R.regret(df, {"nope": "maximize"}), "unknown outcome 'nope'"),
        (lambda df: R.regret(df, {"d": "up"}), "direction"),
        (lambda df: R.satisficing(df, ["d => 1"]), "cannot read the threshold"),
        (lambda df: R.satisficing(df, ["x >= 1"]), "unknown outcome 'x'"),
        (lambda df: R.ranking(df, DIRS, criterion="best"), "unknown criterion"),
        (lambda df: R.ranking(df, DIRS, criterion="satisficing"), "needs thresholds"),
        (lambda df: R.ranking(df, DIRS, outcome="note"), "info"),
    ],
)
def test_bad_input(call, match):
    df = table([1.0, 2.0, 0.5, 3.0, 1.0, 1.0], [10.0, 20.0, 5.0, 1.0, 4.0, 2.0])
    with pytest.raises(InputError, match=match):
        call(df)


values = arrays(np.float64, st.integers(3, 24).map(lambda k: 3 * k),
                elements=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False))


@settings(max_examples=20, deadline=None)
@given(values, st.randoms(use_true_random=False))
def test_invariants(d, rnd):
    cost = np.roll(d, 1) * 0.5 + 3
    df = table(d, cost)
    r = R.regret(df, DIRS)
    assert (r["regret"] >= 0).all()
    # in each future the best strategy has no regret
    assert (r.groupby(["future", "outcome"])["regret"].min() == 0).all()
    s = R.satisficing(df, ["d >= 0", "cost <= 100"])
    assert ((s >= 0) & (s <= 1)).all()
    # a permutation of the futures (their labels and the rows' order) changes nothing
    futures = df["future"].unique()
    relabel = dict(zip(futures, rnd.sample(list(futures), len(futures))))
    perm = df.assign(future=df["future"].map(relabel))
    perm = perm.iloc[rnd.sample(range(len(perm)), len(perm))].reset_index(drop=True)
    for kwargs in ({"thresholds": ["d >= 0"]}, {"criterion": "mean", "outcome": "cost"},
                   {"criterion": "mean_regret"}):
        a = R.ranking(df, DIRS, **kwargs)
        b = R.ranking(perm, DIRS, **kwargs)
        pd.testing.assert_frame_equal(a, b)


def test_a_best_value_near_zero_gives_infinite_relative_regret_without_warning():
    # the smallest normal float as the best of a future: the regret of -4 is finite, the relative
    # regret overflows to infinity (the suite turns any warning into an error)
    tiny = np.finfo(float).tiny
    df = table([tiny, -4.0, -4.0, 1.0, 2.0, 3.0], [1.0] * 6)
    t = R.regret_table(df, DIRS).set_index(["outcome", "strategy"])
    assert t.loc[("d", "b"), "max_regret"] == pytest.approx(4.0)
    assert t.loc[("d", "b"), "max_relative_regret"] == np.inf
