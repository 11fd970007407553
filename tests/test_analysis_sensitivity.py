"""Sensitivity: Sobol indices of the Ishigami function against its analytic values; Morris and
delta on an additive function; feature scoring; a case analysed end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forewarn.analysis.scoring import feature_scores
from forewarn.analysis.sensitivity import (
    analyze_case,
    delta_indices,
    morris_indices,
    numeric_design,
    sobol_indices,
)
from forewarn.engine.design import salib_problem, sample
from forewarn.errors import InputError
from forewarn.engine.space import Parameter, load_case

TOY = Path(__file__).parent / "fixtures" / "cases" / "toy.toml"


def ishigami_indices(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Analytic first-order and total indices of f = sin x1 + a sin^2 x2 + b x3^4 sin x1 on [-pi, pi]^3.

    Ishigami and Homma (1990); Sobol' and Levitan (1999): with U(-pi, pi) inputs,
    V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0, and the only interaction
    V13 = b^2 pi^8 (1/18 - 1/50) = 8 b^2 pi^8 / 225; V = V1 + V2 + V13.
    """
    pi = np.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    # the textbook total variance, as a check on the algebra above
    assert v == pytest.approx(a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5)
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_sobol_ishigami_known_answer():
    a, b = 7.0, 0.1
    params = [Parameter(name=f"x{i}", kind="real", low=-np.pi, high=np.pi) for i in range(3)]
    X = sample(params, 8192, "saltelli", seed=12, calc_second_order=False).to_numpy()
    Y = np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])
    got = sobol_indices(salib_problem(params), Y, seed=3)
    s1, st = ishigami_indices(a, b)
    assert got["parameter"].tolist() == ["x0", "x1", "x2"]
    np.testing.assert_allclose(got["S1"], s1, atol=0.02)
    np.testing.assert_allclose(got["ST"], st, atol=0.02)
    assert (got["S1_conf"] > 0).all() and (got["ST_conf"] > 0).all()


def test_sobol_refuses_a_design_of_the_wrong_size():
    params = [Parameter(name=f"x{i}", kind="real", low=0, high=1) for i in range(3)]
    with pytest.raises(InputError, match="multiple of 5"):
        sobol_indices(salib_problem(params), np.zeros(11))


def test_morris_ranks_an_additive_function():
    params = [Parameter(name=f"x{i}", kind="real", low=0, high=1) for i in range(5)]
    X = sample(params, 40, "morris", seed=5)
    x = X.to_numpy()
    Y = 5 * x[:, 0] - 3 * x[:, 1] + 1 * x[:, 2] + 0.2 * x[:, 3]
    got = morris_indices(salib_problem(params), numeric_design(X), Y, seed=1)
    # for a linear function every elementary effect is the coefficient times the range
    np.testing.assert_allclose(got["mu_star"], [5, 3, 1, 0.2, 0], atol=1e-9)
    np.testing.assert_allclose(got["mu"], [5, -3, 1, 0.2, 0], atol=1e-9)
    np.testing.assert_allclose(got["sigma"], 0, atol=1e-9)
    assert got.sort_values("mu_star", ascending=False)["parameter"].tolist() == ["x0", "x1", "x2", "x3", "x4"]


def test_delta_is_sane():
    params = [Parameter(name=f"x{i}", kind="real", low=0, high=1) for i in range(4)]
    X = sample(params, 2000, "lhs", seed=5)
    x = X.to_numpy()
    Y = 4 * x[:, 0] + 2 * x[:, 1] + x[:, 2]
    state = np.random.get_state()
    got = delta_indices(salib_problem(params), numeric_design(X), Y, seed=2, num_resamples=10)
    # SALib seeds numpy's global generator; delta_indices puts it back
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), state))
    assert got["delta"].between(0, 1).all()
    d = got.set_index("parameter")["delta"]
    assert d["x0"] > d["x1"] > max(d["x2"], d["x3"])
    # first-order indices of a linear function with uniform inputs: coef^2 / sum(coef^2)
    np.testing.assert_allclose(got["S1"], np.array([16, 4, 1, 0]) / 21, atol=0.06)


def test_feature_scores_rank_and_are_seeded():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(size=(600, 4)), columns=list("abcd"))
    X["mode"] = rng.choice(["x", "y"], 600)
    y = 4 * X.a + 2 * (X["mode"] == "y") + 0.1 * X.c
    s1 = feature_scores(X, y, seed=3, n_estimators=60)
    s2 = feature_scores(X, y, seed=3, n_estimators=60)
    pd.testing.assert_frame_equal(s1, s2)
    assert s1["feature"].tolist()[:2] == ["a", "mode"]
    assert s1["score"].sum() == pytest.approx(1)
    cls = feature_scores(X, (X.a > 0.5).to_numpy(), seed=3, n_estimators=60)
    assert cls["feature"].iloc[0] == "a"


def test_analyze_case_runs_the_model():
    case = load_case(TOY)
    t = analyze_case(case, "sobol", 64, outcome="total", seed=1)
    assert t.attrs["rows"] == 64 * (4 + 2)
    assert t["parameter"].tolist() == ["a", "k", "mode", "shock"]
    assert set(t.columns) == {"outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"}
    again = analyze_case(case, "sobol", 64, outcome="total", seed=1)
    pd.testing.assert_frame_equal(t, again)
    m = analyze_case(case, "morris", 10, seed=1, strategy="strong")
    assert set(m["outcome"]) == {"total", "peak"}
    assert (m["mu_star"] > 0).all()  # every uncertainty moves the toy outcomes


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"outcome": "nope"}, "unknown outcome 'nope'"),
        ({"outcome": "path"}, "unknown outcome 'path'"),  # a series outcome
        ({"strategy": "nope"}, "unknown strategy 'nope'"),
        ({"method": "fast"}, "unknown method"),
    ],
)
def test_analyze_case_bad_input(kwargs, match):
    case = load_case(TOY)
    method = kwargs.pop("method", "sobol")
    with pytest.raises(InputError, match=match):
        analyze_case(case, method, 8, **kwargs)


def test_a_case_with_a_hundred_levers_analyses_without_warnings():
    import warnings

    case = load_case(Path(__file__).parents[1] / "examples" / "lake" / "case.toml")
    assert len(case.levers) >= 100  # enough to fragment a frame built one column at a time
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.PerformanceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        t = analyze_case(case, "morris", 2, seed=1, outcome="max_P")
    assert t.attrs["rows"] == 2 * (len(case.uncertainties) + 1) and len(t) == len(case.uncertainties)


def test_a_singular_delta_estimate_is_an_input_error():
    # Among the futures with the lowest x the outcome varies only at the scale of 1e-200: the
    # variance of that class underflows and its kernel density estimate is singular, as happens
    # with too few futures for an input's classes.
    params = [Parameter(name="x", kind="real", low=0, high=1), Parameter(name="z", kind="real", low=0, high=1)]
    X = sample(params, 200, "lhs", seed=1)
    x = X["x"].to_numpy()
    Y = np.where(x < 0.3, 1e-200 * (1 + X["z"].to_numpy()), x)
    with pytest.raises(InputError, match=r"^n: delta indices need more rows than 200 here .*Singular matrix"):
        delta_indices(salib_problem(params), numeric_design(X), Y, seed=1, num_resamples=2)
