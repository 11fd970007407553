"""Trade-off ranking, differential vulnerability and drivers: known answers on planted runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from forewarn.analysis.tradeoff import (
    cost_per_point, first_year_below, non_dominated, percentile_regret, tradeoff_table,
)
from forewarn.analysis.vulnerability import drivers, fails_by_future, where_fails
from forewarn.errors import InputError


def planted_run(n=2000, seed=0):
    """Three strategies with a planted trade-off: 'cheap' is robust in 50% of futures at cost 100,
    'dear' in 80% at cost 400, 'waste' in 40% at cost 500 (dominated)."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"a": rng.uniform(size=n), "b": rng.uniform(size=n), "c": rng.uniform(size=n)})
    rows = []
    for s, cut, cost in (("cheap", 0.5, 100.0), ("dear", 0.8, 400.0), ("waste", 0.4, 500.0)):
        holds = x["a"] < cut
        rows.append(pd.DataFrame({"future": np.arange(n), "strategy": s, "holds": holds,
                                  "margin": cut - x["a"], "cost": cost + x["b"]}))
    return x, pd.concat(rows, ignore_index=True)


def test_tradeoff_finds_the_planted_front_and_price():
    _, df = planted_run()
    t = tradeoff_table(df, holds="holds", cost="cost", regret_outcome="margin")
    assert list(t.index) == ["dear", "cheap", "waste"]
    assert t.loc["dear", "robustness"] == pytest.approx(0.8, abs=0.03)
    assert t.loc["cheap", "robustness"] == pytest.approx(0.5, abs=0.03)
    front = non_dominated(t, {"robustness": "max", "cost": "min"})
    assert front.to_dict() == {"dear": True, "cheap": True, "waste": False}
    price = cost_per_point(t, "cheap")
    # 300 more for about 30 points: about 10 per point
    assert price["dear"] == pytest.approx(300 / (100 * (t.loc["dear", "robustness"] - t.loc["cheap", "robustness"])))
    assert np.isnan(price["cheap"]) and np.isnan(price["waste"])
    # margins differ by a constant: dear is best in every future, regret of cheap is 0.3 everywhere
    assert t.loc["dear", "regret"] == pytest.approx(0.0)
    assert t.loc["cheap", "regret"] == pytest.approx(0.3)


def test_percentile_regret_settles_while_the_maximum_grows():
    # Regret with a heavy tail: the maximum keeps growing with n, the 90th percentile does not.
    def run(n):
        rng = np.random.default_rng(1)
        r = rng.pareto(3.0, size=n)
        return pd.DataFrame({"future": np.repeat(np.arange(n), 2), "strategy": ["a", "b"] * n,
                             "v": np.column_stack([np.zeros(n), -r]).ravel()})
    small, large = run(1_000), run(100_000)
    p_small = percentile_regret(small, "v", "maximize")["b"]
    p_large = percentile_regret(large, "v", "maximize")["b"]
    assert p_large == pytest.approx(p_small, rel=0.1)
    max_small = (-small[small.strategy == "b"]["v"]).max()
    max_large = (-large[large.strategy == "b"]["v"]).max()
    assert max_large > 2 * max_small


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1000)), min_size=1, max_size=8))
def test_front_is_never_empty_and_no_member_is_dominated(points):
    t = pd.DataFrame(points, columns=["r", "c"], index=[f"s{i}" for i in range(len(points))])
    front = non_dominated(t, {"r": "max", "c": "min"})
    assert front.any()
    for i in t.index[front]:
        for j in t.index:
            assert not (t.loc[j, "r"] >= t.loc[i, "r"] and t.loc[j, "c"] <= t.loc[i, "c"]
                        and (t.loc[j, "r"] > t.loc[i, "r"] or t.loc[j, "c"] < t.loc[i, "c"]))


def test_first_year_below_counts_only_the_years_levers_act():
    s = np.array([[0.5, 2.0, 0.9], [0.5, 2.0, 2.0]])
    assert np.array_equal(first_year_below(s, [2025, 2026, 2027], 1.0, from_year=2026), [2027.0, np.nan],
                          equal_nan=True)


def test_where_fails_gives_each_strategy_its_own_vulnerability():
    # Both strategies fail when a > .8 (shared); 'x' also fails when b > .8, 'y' also when c > .8.
    rng = np.random.default_rng(2)
    n = 3000
    X = pd.DataFrame(rng.uniform(size=(n, 3)), columns=["a", "b", "c"])
    df = pd.concat([
        pd.DataFrame({"future": np.arange(n), "strategy": "x", "fails": (X.a > .8) | (X.b > .8)}),
        pd.DataFrame({"future": np.arange(n), "strategy": "y", "fails": (X.a > .8) | (X.c > .8)}),
    ])
    v = where_fails(X, fails_by_future(df, "fails"))
    assert v["x"].alternative == "y" and v["y"].alternative == "x"
    # x is the wrong choice exactly where b > .8 while a and c stay below .8 (y holds there)
    lim_x, lim_y = v["x"].box.limits(), v["y"].box.limits()
    assert lim_x["b"][0] == pytest.approx(0.8, abs=0.03) and lim_y.get("b", (None, None))[0] is None
    assert lim_y["c"][0] == pytest.approx(0.8, abs=0.03) and lim_x.get("c", (None, None))[0] is None
    assert v["x"].coverage > 0.8 and v["x"].density > 0.7


def test_drivers_find_the_planted_input_and_its_sign():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.uniform(size=(5000, 4)), columns=["p", "q", "r", "s"])
    y = -3 * X.q + 0.3 * X.s + 0.05 * rng.normal(size=5000)
    d = drivers(X, y.to_numpy(), seed=1)
    assert d.loc[0, "feature"] == "q" and d.loc[0, "rho"] < -0.8
    again = drivers(X, y.to_numpy(), seed=1)
    pd.testing.assert_frame_equal(d, again)


def test_bad_inputs_are_named():
    _, df = planted_run(50)
    with pytest.raises(InputError, match="no column 'nope'"):
        tradeoff_table(df, holds="nope", cost="cost")
    with pytest.raises(InputError, match="baseline"):
        cost_per_point(tradeoff_table(df, holds="holds", cost="cost"), "zzz")
