"""Experiment designs: shapes, bounds, types, seeds, stratification, streaming, experiments."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.engine.design import (
    ExperimentDesign,
    SampleDesign,
    StreamingDesign,
    experiments,
    future_seeds,
    salib_problem,
    sample,
)
from forewarn.errors import InputError
from forewarn.engine.space import Parameter, parse_case

PARAMS = [
    Parameter(name="r", kind="real", low=-2.0, high=3.0),
    Parameter(name="i", kind="integer", low=5, high=9),
    Parameter(name="c", kind="categorical", choices=["low", "mid", "high"]),
    Parameter(name="b", kind="boolean"),
    Parameter(name="n", kind="categorical", choices=[10, 20]),
]
ROWS = {"lhs": 40, "sobol": 32, "mc": 40, "saltelli": 8 * (2 * 5 + 2), "morris": 6 * (5 + 1)}


def check_columns(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["r", "i", "c", "b", "n"]
    assert df["r"].dtype == np.float64
    assert df["i"].dtype == np.int64
    assert isinstance(df["c"].dtype, pd.CategoricalDtype)
    assert list(df["c"].cat.categories) == ["low", "mid", "high"]
    assert df["b"].dtype == np.bool_
    assert df["n"].dtype == np.int64
    assert df["r"].between(-2.0, 3.0).all()
    assert df["i"].between(5, 9).all()
    assert set(df["c"]) <= {"low", "mid", "high"}
    assert set(df["n"]) <= {10, 20}


@pytest.mark.parametrize("method", ["lhs", "sobol", "mc", "saltelli", "morris"])
def test_shapes_bounds_types(method):
    n = {"saltelli": 8, "morris": 6}.get(method, ROWS[method])
    df = sample(PARAMS, n, method, seed=3)
    assert df.shape == (ROWS[method], 5)
    assert isinstance(df.index, pd.RangeIndex) and df.index[0] == 0
    check_columns(df)


def test_factorial_grid():
    df = sample(PARAMS, 3, "factorial")
    assert len(df) == 3 * 3 * 3 * 2 * 2
    check_columns(df)
    assert sorted(df["r"].unique()) == [-2.0, 0.5, 3.0]
    assert sorted(df["i"].unique()) == [5, 7, 9]
    assert not df.duplicated().any()
    # First parameter varies slowest, like itertools.product.
    assert (df["r"].iloc[:36] == -2.0).all()
    levels = sample(PARAMS[:2], None, "factorial", levels={"r": 2, "i": 5})
    assert len(levels) == 10 and sorted(levels["i"].unique()) == [5, 6, 7, 8, 9]


@pytest.mark.parametrize("method", ["lhs", "sobol", "mc", "saltelli", "morris"])
def test_same_seed_same_bits_other_seed_differs(method):
    a = sample(PARAMS, 16, method, seed=11)
    b = sample(PARAMS, 16, method, seed=np.random.SeedSequence(11))
    pd.testing.assert_frame_equal(a, b)
    assert np.array_equal(a["r"].to_numpy().view(np.uint64), b["r"].to_numpy().view(np.uint64))
    c = sample(PARAMS, 16, method, seed=12)
    assert not np.array_equal(a["r"].to_numpy(), c["r"].to_numpy())


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 200), seed=st.integers(0, 2**32), low=st.floats(-1e3, 1e3), width=st.floats(1e-3, 1e3))
def test_lhs_hits_every_stratum_once(n, seed, low, width):
    params = [Parameter(name="x", kind="real", low=low, high=low + width), PARAMS[0]]
    df = sample(params, n, "lhs", seed=seed)
    for p in params:
        u = (df[p.name].to_numpy() - p.low) / (p.high - p.low)
        strata = np.clip(np.floor(u * n + 1e-9 * n), 0, n - 1).astype(int)
        assert sorted(strata) == list(range(n))


def test_integers_and_choices_are_uniform():
    df = sample(PARAMS, 20_000, "mc", seed=5)
    counts = df["i"].value_counts(normalize=True)
    assert sorted(counts.index) == [5, 6, 7, 8, 9]
    np.testing.assert_allclose(counts.to_numpy(), 0.2, atol=0.02)
    np.testing.assert_allclose(df["c"].value_counts(normalize=True).to_numpy(), 1 / 3, atol=0.02)
    assert abs(df["b"].mean() - 0.5) < 0.02


def test_integer_bounds_are_reached_by_lhs():
    df = sample([Parameter(name="k", kind="integer", low=0, high=3)], 4, "lhs", seed=0)
    assert sorted(df["k"]) == [0, 1, 2, 3]


def test_salib_problem_and_saltelli_analysis():
    from SALib.analyze import sobol

    params = [Parameter(name=f"x{i}", kind="real", low=-np.pi, high=np.pi) for i in range(3)]
    problem = salib_problem(params)
    assert problem["names"] == ["x0", "x1", "x2"] and problem["bounds"][0] == [-np.pi, np.pi]
    X = sample(params, 1024, "saltelli", seed=2).to_numpy()
    # Ishigami: known first-order indices 0.3139, 0.4424, 0.
    Y = np.sin(X[:, 0]) + 7 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])
    S = sobol.analyze(problem, Y, seed=np.random.default_rng(0))
    np.testing.assert_allclose(S["S1"], [0.3139, 0.4424, 0.0], atol=0.06)


def test_bad_arguments():
    with pytest.raises(InputError, match="unknown sampling method 'grid'"):
        sample(PARAMS, 4, "grid", seed=0)
    with pytest.raises(InputError, match="positive integer"):
        sample(PARAMS, 0, "lhs", seed=0)
    with pytest.raises(InputError, match="seed"):
        sample(PARAMS, 4, "lhs", seed=-1)
    with pytest.raises(InputError, match="cannot stream"):
        StreamingDesign(PARAMS, 4, "lhs", seed=0)
    with pytest.raises(InputError, match="takes no option"):
        sample(PARAMS, 4, "factorial", seed=0, level=3)


# -- streaming ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["mc", "sobol"])
def test_sample_equals_streaming_design(method):
    direct = sample(PARAMS, 300, method, seed=9)
    streamed = StreamingDesign(PARAMS, 300, method, seed=9).rows(0, 300)
    pd.testing.assert_frame_equal(direct, streamed)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(["mc", "sobol"]),
    cuts=st.lists(st.integers(0, 100), max_size=6),
    block_size=st.integers(1, 40),
)
def test_streaming_rows_do_not_depend_on_slicing(method, cuts, block_size):
    design = StreamingDesign(PARAMS, 100, method, seed=4, block_size=block_size)
    whole = design.rows(0, 100)
    bounds = [0, *sorted(cuts), 100]
    parts = [design.rows(a, b) for a, b in zip(bounds, bounds[1:])]
    pd.testing.assert_frame_equal(pd.concat(parts), whole)


def test_streaming_far_slice_without_the_rest():
    design = StreamingDesign(PARAMS, 10_000_000, "mc", seed=1)
    tail = design.rows(9_999_990, 10_000_000)
    assert list(tail.index) == list(range(9_999_990, 10_000_000))
    again = StreamingDesign(PARAMS, 10_000_000, "mc", seed=1).rows(9_999_995, 10_000_000)
    pd.testing.assert_frame_equal(tail.iloc[5:], again)
    sobol = StreamingDesign(PARAMS, 10_000_000, "sobol", seed=1)
    pd.testing.assert_frame_equal(sobol.rows(5_000_000, 5_000_004).iloc[2:], sobol.rows(5_000_002, 5_000_004))


def test_mc_block_size_is_part_of_the_design():
    a = StreamingDesign(PARAMS, 50, "mc", seed=1, block_size=10).rows(0, 50)
    b = StreamingDesign(PARAMS, 50, "mc", seed=1, block_size=20).rows(0, 50)
    assert not a.equals(b)
    assert StreamingDesign(PARAMS, 50, "mc", seed=1, block_size=10).spec()["block_size"] == 10


def test_sample_design_rows_and_spec():
    design = SampleDesign(PARAMS, 8, "saltelli", seed=3)
    assert design.n == 96 and design.columns == ["r", "i", "c", "b", "n"]
    pd.testing.assert_frame_equal(pd.concat([design.rows(0, 50), design.rows(50, 96)]), design.rows(0, 96))
    spec = design.spec()
    json.dumps(spec)
    assert spec["method"] == "saltelli" and spec["seed"] == 3 and spec["rows"] == 96
    with pytest.raises(IndexError):
        design.rows(90, 97)


# -- future seeds --------------------------------------------------------------------------------


def test_future_seeds_known_answer():
    # Pinned: changing the derivation changes every run's outcomes, so it must be deliberate.
    np.testing.assert_array_equal(
        future_seeds(0, np.arange(3)),
        np.array([9194088508792036021, 12062507706482559614, 18161371021630548682], dtype=np.uint64),
    )


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**63), cuts=st.lists(st.integers(0, 5000), max_size=5))
def test_future_seeds_do_not_depend_on_chunking(seed, cuts):
    whole = future_seeds(seed, np.arange(5000))
    bounds = [0, *sorted(cuts), 5000]
    parts = [future_seeds(seed, np.arange(a, b)) for a, b in zip(bounds, bounds[1:])]
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    assert whole.dtype == np.uint64


def test_future_seeds_distinct_and_seed_dependent():
    seeds = future_seeds(1, np.arange(200_000))
    assert len(np.unique(seeds)) == len(seeds)
    assert not np.array_equal(seeds[:10], future_seeds(2, np.arange(10)))
    np.testing.assert_array_equal(future_seeds(1, np.array([7, 3])), seeds[[7, 3]])
    with pytest.raises(InputError):
        future_seeds(1, np.array([-1]))


# -- experiments -----------------------------------------------------------------------------------


def test_experiment_layout(toy_case):
    design = experiments(toy_case, 5, "lhs", seed=3)
    assert design.n == 10 and design.strategies == ["cheap", "strong"]
    table = design.rows(0, 10)
    assert list(table.columns) == ["experiment", "future", "strategy", "seed", "a", "k", "mode", "shock", "effort", "units"]
    np.testing.assert_array_equal(table["experiment"], np.arange(10))
    np.testing.assert_array_equal(table["future"], np.arange(10) // 2)
    assert list(table["strategy"]) == ["cheap", "strong"] * 5
    assert table["experiment"].dtype == np.int64 and table["future"].dtype == np.int64
    assert table["seed"].dtype == np.uint64
    np.testing.assert_array_equal(table["seed"], future_seeds(3, np.arange(10) // 2))
    # Common random numbers and common futures: both strategies of a future share everything
    # but the levers.
    futures = sample(toy_case, 5, "lhs", seed=3)
    for name in toy_case.uncertainty_names + ["seed"]:
        pairs = table[name].to_numpy().reshape(5, 2)
        assert (pairs[:, 0] == pairs[:, 1]).all()
    pd.testing.assert_frame_equal(
        table.iloc[::2][toy_case.uncertainty_names].reset_index(drop=True), futures, check_categorical=True
    )
    assert list(table["effort"]) == [1.0, 8.0] * 5
    assert list(table["units"]) == [10, 50] * 5
    assert table["effort"].dtype == np.float64 and table["units"].dtype == np.int64


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["lhs", "mc", "sobol"]), cuts=st.lists(st.integers(0, 42), max_size=5))
def test_experiment_rows_do_not_depend_on_slicing(toy_case, method, cuts):
    design = experiments(toy_case, 14, method, seed=8, strategies=["strong", "default", "cheap"])
    whole = design.rows(0, 42)
    bounds = [0, *sorted(cuts), 42]
    parts = pd.concat([design.rows(a, b) for a, b in zip(bounds, bounds[1:])])
    pd.testing.assert_frame_equal(parts, whole)
    assert list(whole["strategy"][:3]) == ["strong", "default", "cheap"]
    assert list(whole["effort"][:3]) == [8.0, 2.0, 1.0]


def test_case_without_strategies_runs_default():
    case = parse_case(
        {
            "name": "c",
            "model": "m:f",
            "uncertainties": [{"name": "u", "kind": "real", "low": 0, "high": 1}],
            "levers": [{"name": "flag", "kind": "boolean", "default": True}, {"name": "mode", "kind": "categorical", "choices": ["p", "q"]}],
            "outcomes": [{"name": "y"}],
        }
    )
    table = experiments(case, 4, "mc", seed=1).rows(0, 4)
    assert list(table["strategy"]) == ["default"] * 4
    assert table["flag"].dtype == np.bool_ and table["flag"].all()
    assert list(table["mode"]) == ["p"] * 4


def test_experiment_design_errors(toy_case):
    with pytest.raises(InputError, match="no strategy named 'nope'"):
        experiments(toy_case, 4, seed=0, strategies=["nope"])
    other = SampleDesign([PARAMS[0]], 4, "lhs", seed=0)
    with pytest.raises(InputError, match="not the case's uncertainties"):
        ExperimentDesign(toy_case, other, seed=0)


def test_experiment_spec_is_json(toy_case):
    design = experiments(toy_case, 6, "sobol", seed=2)
    spec = json.loads(json.dumps(design.spec()))
    assert spec["futures"]["method"] == "sobol" and spec["strategies"] == ["cheap", "strong"]
    assert spec["seed"] == 2 and spec["rows"] == 12
    assert design.seed == 2


# ---------------------------------------------------------------- sizes checked before allocating

from forewarn.engine.design import check_design_size, design_rows  # noqa: E402


@pytest.mark.parametrize(
    "method, n, options",
    [("lhs", 7, {}), ("mc", 5, {}), ("sobol", 8, {}), ("saltelli", 4, {}), ("saltelli", 4, {"calc_second_order": False}),
     ("morris", 3, {}), ("factorial", 3, {}), ("factorial", 4, {"levels": {"r": 2}}), ("factorial", 1, {})],
)
def test_design_rows_is_the_number_of_rows_sampled(method, n, options):
    assert design_rows(PARAMS, n, method, **options) == len(sample(PARAMS, n, method, seed=1, **options))


@given(st.integers(1, 30), st.integers(0, 12))
def test_integer_levels_of_a_factorial_are_counted_exactly(levels, width):
    p = [Parameter(name="k", kind="integer", low=3, high=3 + width)]
    assert design_rows(p, levels, "factorial") == len(sample(p, levels, "factorial"))


@given(st.sampled_from(["lhs", "saltelli", "morris", "factorial"]), st.integers(1, 10**6), st.integers(1, 10**9))
def test_the_size_limit_is_exact_and_the_suggested_n_is_the_largest_that_fits(method, n, limit):
    params = PARAMS[:3]
    need = design_rows(params, n, method) * len(params) * 8
    if need <= limit:
        assert check_design_size(params, n, method, limit=limit) == design_rows(params, n, method)
        return
    with pytest.raises(InputError) as info:
        check_design_size(params, n, method, limit=limit)
    message = str(info.value)
    assert f"{design_rows(params, n, method):,} rows × 3 parameters × 8 bytes" in message
    import re

    found = re.search(r"at most (?:n|levels) = ([\d,]+) fits", message)
    if found is None:
        assert "no n fits" in message and design_rows(params, 1, method) * 24 > limit
    else:
        fits = int(found.group(1).replace(",", ""))
        assert design_rows(params, fits, method) * 24 <= limit < design_rows(params, fits + 1, method) * 24


def test_a_huge_design_is_refused_before_anything_is_allocated(tmp_path):
    import tracemalloc

    import tomllib

    case = parse_case(tomllib.loads(KOSOVO_LIKE))
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"1,000,000,000,000 rows × 20 parameters × 8 bytes = 145\.5 TiB"):
            experiments(case, 10**12, method="lhs", seed=1)
        with pytest.raises(InputError, match=r"100,000,000,000,000,000,000 rows .* at most levels = \d fits"):
            experiments(case, 10, method="factorial")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024**2
    # streaming designs make their rows a slice at a time: no limit on n
    assert experiments(case, 10**12, method="mc", seed=1).futures.n == 10**12


KOSOVO_LIKE = "name = 'wide'\nmodel = 'm.py:f'\n" + "".join(
    f"[[uncertainties]]\nname = 'u{i}'\nkind = 'real'\nlow = 0.0\nhigh = 1.0\n" for i in range(20)
) + "[[outcomes]]\nname = 'y'\n"


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["run", "{case}", "-n", "1000000000000", "--out", "{out}"], r"1,000,000,000,000 rows × \d+ parameters"),
        (["run", "{case}", "--method", "factorial", "-n", "10", "--out", "{out}"], r"at most levels = \d+ fits"),
        (["sensitivity", "{case}", "--method", "sobol", "-n", "1000000000000"], r"the saltelli design would hold"),
    ],
)
def test_the_cli_says_what_fits_and_exits_2(argv, expected, tmp_path, cli):
    from importlib import resources

    case = resources.files("forewarn") / "kosovo" / "case.toml"
    out = tmp_path / "run"
    code, _, err = cli(*(a.format(case=case, out=out) for a in argv))
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and re.search(expected, lines[0]), err
    assert "fits" in lines[0] and "8 bytes" in lines[0]
    assert not out.exists()
