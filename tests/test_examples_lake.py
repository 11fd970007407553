"""The lake problem example (examples/lake): the vectorised model against the plain scalar one
and against the EMA Workbench's reference, its case file, and a run end to end."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optional import requires_ema

ROOT = Path(__file__).resolve().parents[1]
LAKE = ROOT / "examples" / "lake"
CASE = LAKE / "case.toml"
OUTCOMES = ("max_P", "utility", "inertia", "reliability")
# numpy evaluates float64 `exp` and `log` with SIMD kernels where the CPU has them (AVX-512) and
# with the C library's scalar functions elsewhere; the two round differently by an ulp or so on
# some values. Where the model's vectorised maths is compared with the legacy generator's scalar
# C maths, agreement means within this many units in the last place (measured: 2 for the
# normals, 1 for the lognormal). Same code on the same machine stays bit for bit (chunks below).
MAX_ULP = 4


def _load_lake():
    spec = importlib.util.spec_from_file_location("lake_example_model", LAKE / "model.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


lake = _load_lake()


def _inputs(n: int, seed: int = 0, *, ema_names: bool = False, nsamples: int = 100) -> dict[str, np.ndarray]:
    """Random experiments over the EMA example's ranges; the first seeds probe both seed forms."""
    rng = np.random.default_rng(seed)
    inputs = {
        "b": rng.uniform(0.1, 0.45, n),
        "q": rng.uniform(2.0, 4.5, n),
        "mean": rng.uniform(0.01, 0.05, n),
        "stdev": rng.uniform(0.001, 0.005, n),
        "delta": rng.uniform(0.93, 0.99, n),
        "alpha": np.full(n, 0.4),
        "nsamples": np.full(n, nsamples),
        "seed": rng.integers(0, 2**64 - 1, n, dtype=np.uint64),
    }
    special = np.array([0, 1, 2**32 - 1, 2**32, 2**64 - 1], dtype=np.uint64)[:n]
    inputs["seed"][: len(special)] = special
    names = lake.EMA_LEVERS if ema_names else lake.LEVERS
    # Mix smooth and jumpy release plans so that inertia is not always 0 or 1.
    smooth = np.clip(rng.uniform(0, 0.1, (n, 1)) + rng.normal(0, 0.005, (n, lake.NVARS)), 0, 0.1)
    jumpy = rng.uniform(0, 0.1, (n, lake.NVARS))
    plans = np.where((np.arange(n) % 2 == 0)[:, None], smooth, jumpy)
    for i, name in enumerate(names):
        inputs[name] = plans[:, i]
    return inputs


def _row(inputs: dict[str, np.ndarray], i: int) -> dict[str, object]:
    return {k: v[i].item() for k, v in inputs.items()}


def _stack(out: dict[str, np.ndarray]) -> np.ndarray:
    return np.column_stack([out[k] for k in OUTCOMES])


# -- the model ---------------------------------------------------------------------------------


def test_scalar_agrees_with_vectorised():
    inputs = _inputs(20, seed=1)
    vec = _stack(lake.lake_model(inputs))
    scalar = np.array([[lake.lake_problem_scalar(**_row(inputs, i))[k] for k in OUTCOMES] for i in range(20)])
    np.testing.assert_allclose(vec, scalar, rtol=1e-12, atol=0)
    # Not a trivial agreement: the outcomes vary across experiments.
    assert np.all(np.ptp(vec, axis=0) > 0)


@requires_ema
def test_vectorised_agrees_with_ema_reference():
    from ema_workbench.examples.example_lake_model import lake_problem

    inputs = _inputs(20, seed=2, ema_names=True)
    vec = _stack(lake.lake_model(inputs))
    ref = np.empty_like(vec)
    for i in range(20):
        row = _row(inputs, i)
        # The reference draws from numpy's global generator: seed it as the model seeds its own.
        np.random.seed(lake.legacy_seed(row.pop("seed")))
        ref[i] = lake_problem(**row)
    np.testing.assert_allclose(vec, ref, rtol=1e-12, atol=0)


def _legacy_normals(seed: int, count: int) -> np.ndarray:
    return np.random.RandomState(lake.legacy_seed(seed)).standard_normal(count)


@pytest.mark.parametrize("pairs", [None, 5_000, 6_000])
def test_vectorised_normals_are_the_legacy_ones(pairs):
    # Within MAX_ULP of the legacy draws (bit for bit where numpy's `log` is the C library's),
    # for both seed forms; with 5,000 or 6,000 uniform pairs for 5,000 normal pairs most or all
    # experiments run short and take the fallback (the legacy generator itself).
    seeds = [0, 1, 2**32 - 1, 2**32, 2**64 - 1, 123456789, 2**40 + 9]
    draws = lake._LegacyNormals(5_000, len(seeds), pairs=pairs)
    even, odd = draws.draw(seeds)
    for i, seed in enumerate(seeds):
        ref = _legacy_normals(seed, 10_000)
        np.testing.assert_array_max_ulp(even[i], ref[0::2], maxulp=MAX_ULP)
        np.testing.assert_array_max_ulp(odd[i], ref[1::2], maxulp=MAX_ULP)
    # A second call on the same buffers gives the same draws (same code: bit for bit).
    even = even.copy()
    even2, _ = draws.draw(seeds[::-1])
    np.testing.assert_array_equal(even2[-1], even[0])


def test_enough_uniforms_are_drawn():
    # 4 standard deviations above the mean number of pairs the polar method needs: about one
    # experiment in 30,000 takes the fallback.
    k = lake._pairs_to_draw(5_000)
    assert 5_000 / (np.pi / 4) + 3.5 * 42 < k < 5_000 / (np.pi / 4) + 4.5 * 42


def test_lognormal_inflows_are_the_legacy_ones():
    # The model builds inflows as exp(mu + sigma * normal): the legacy lognormal, to MAX_ULP
    # (numpy's `exp` against the C library's `exp` that the legacy generator calls).
    rs = np.random.RandomState(42)
    g = rs.standard_normal(10_000)
    rs.seed(42)
    np.testing.assert_array_max_ulp(rs.lognormal(-4.1, 0.3, 10_000), np.exp(-4.1 + 0.3 * g), maxulp=MAX_ULP)


def test_both_lever_names_give_the_same_result():
    a = lake.lake_model(_inputs(4, seed=3))
    b = lake.lake_model(_inputs(4, seed=3, ema_names=True))
    np.testing.assert_array_equal(_stack(a), _stack(b))


def test_results_do_not_depend_on_the_chunk():
    # Rows spanning internal blocks (the last one of a single row); each row must equal the row
    # run on its own, bit for bit.
    n = 2 * lake._BLOCK + 1
    inputs = _inputs(n, seed=4, nsamples=10)
    whole = _stack(lake.lake_model(inputs))
    for i in (0, lake._BLOCK - 1, lake._BLOCK, n - 2, n - 1):
        alone = _stack(lake.lake_model({k: v[i : i + 1] for k, v in inputs.items()}))
        np.testing.assert_array_equal(whole[i], alone[0])


def test_crossed_call_equals_each_experiment_alone():
    # A search's call: P candidates x F futures, strategy-major, so every future's stream recurs
    # P times, F rows apart; the model draws it once. Futures 1 and 2 share a seed but not the
    # inflows' mean, so they must not share draws. Spans several internal blocks.
    P, F = 7, 40
    futures = _inputs(F, seed=6, nsamples=20)
    futures["seed"][2] = futures["seed"][1]
    candidates = _inputs(P, seed=7, nsamples=20)
    crossed = {}
    for name in futures:
        if name in lake.LEVERS:
            crossed[name] = np.repeat(candidates[name], F)
        else:
            crossed[name] = np.tile(futures[name], P)
    whole = _stack(lake.lake_model(crossed))
    assert P * F > 2 * lake._BLOCK
    for i in range(P * F):
        alone = _stack(lake.lake_model({k: v[i : i + 1] for k, v in crossed.items()}))
        np.testing.assert_array_equal(whole[i], alone[0])
    # The shared seed with another mean gives other inflows (phosphorus differs).
    assert whole[1, 0] != whole[2, 0]


def test_same_seed_same_inflows_different_seed_different():
    inputs = _inputs(3, seed=5)
    for k, v in inputs.items():
        inputs[k] = np.repeat(v[:1], 3)
    inputs["seed"] = np.array([7, 7, 8], dtype=np.uint64)
    out = lake.lake_model(inputs)
    assert out["max_P"][0] == out["max_P"][1]
    assert out["max_P"][0] != out["max_P"][2]


def test_known_answers_for_decisions():
    n = 3
    inputs = _inputs(n, seed=6)
    delta = inputs["delta"]
    plans = np.zeros((n, lake.NVARS))
    plans[1] = 0.05
    plans[2, 1::2] = 0.1  # alternate 0 and 0.1: every year changes by more than 0.02
    for i, name in enumerate(lake.LEVERS):
        inputs[name] = plans[:, i]
    out = lake.lake_model(inputs)
    np.testing.assert_allclose(out["utility"][0], 0.0)
    expected = 0.4 * 0.05 * (1 - delta[1] ** 100) / (1 - delta[1])
    np.testing.assert_allclose(out["utility"][1], expected, rtol=1e-12)
    np.testing.assert_array_equal(out["inertia"], [0.0, 0.0, 1.0])
    # More phosphorus released, more phosphorus in the lake (same seed, same lake).
    same = {k: np.repeat(v[:1], 2) for k, v in inputs.items()}
    for i, name in enumerate(lake.LEVERS):
        same[name] = np.array([0.0, 0.05])
    more = lake.lake_model(same)
    assert more["max_P"][1] > more["max_P"][0]
    assert more["reliability"][1] <= more["reliability"][0]
    assert np.all((out["reliability"] >= 0) & (out["reliability"] <= 1))


def test_critical_p_known_answer():
    # For q = 2 the root of x**2/(1+x**2) = b x solves b x**2 - x + b = 0: the smaller root.
    b = np.array([0.42, 0.3, 0.1])
    expected = (1 - np.sqrt(1 - 4 * b**2)) / (2 * b)
    np.testing.assert_allclose(lake.critical_p(b, np.full(3, 2.0)), expected, rtol=1e-14)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.1, 0.45), st.floats(2.0, 4.5))
def test_critical_p_agrees_with_brentq(b, q):
    from scipy.optimize import brentq

    ref = brentq(lambda x: x**q / (1 + x**q) - b * x, 0.01, 1.5)
    got = lake.critical_p(np.array([b]), np.array([q]))[0]
    assert abs(got - ref) <= 1e-10
    # And it is a root to machine precision.
    assert abs(got**q / (1 + got**q) - b * got) <= 1e-15


def test_critical_p_without_a_root_raises():
    # x/(1+x**2) never exceeds 0.5, so b = 0.6 has no tipping point (brentq raises too).
    with pytest.raises(ValueError, match="b=0.6"):
        lake.critical_p(np.array([0.3, 0.6]), np.array([2.0, 2.0]))


def test_legacy_seed():
    assert lake.legacy_seed(5) == 5
    assert lake.legacy_seed(np.uint64(2**32 - 1)) == 2**32 - 1
    words = lake.legacy_seed(2**32 + 3)
    assert words.dtype == np.uint32 and words.tolist() == [3, 1]
    assert lake.legacy_seed(2**64 - 1).tolist() == [2**32 - 1, 2**32 - 1]
    # numpy's global seeding accepts both forms (what the reference comparison relies on).
    np.random.seed(lake.legacy_seed(2**40 + 9))
    with pytest.raises(ValueError):
        lake.legacy_seed(-1)


def test_bad_inputs_are_named():
    inputs = _inputs(2, seed=7)
    del inputs["release_42"]
    with pytest.raises(KeyError, match="release_42"):
        lake.lake_model(inputs)
    inputs = _inputs(2, seed=7)
    inputs["nsamples"] = np.array([100, 50])
    with pytest.raises(ValueError, match="nsamples"):
        lake.lake_model(inputs)
    with pytest.raises(KeyError, match="release_0"):
        lake.lake_problem_scalar(seed=1)
    # A negative seed is refused even where its bits equal a valid seed's (no shared stream).
    inputs = _inputs(2, seed=7)
    inputs["seed"] = np.array([2**64 - 1, -1], dtype=object)
    with pytest.raises(ValueError, match="seed must be in"):
        lake.lake_model(inputs)


def test_empty_chunk():
    out = lake.lake_model({k: v[:0] for k, v in _inputs(1).items()})
    assert all(out[k].shape == (0,) for k in OUTCOMES)


# -- the case ----------------------------------------------------------------------------------


def test_case_file():
    from forewarn.engine.space import load_case

    case = load_case(CASE)
    assert case.uncertainty_names == ["b", "q", "mean", "stdev", "delta"]
    assert case.lever_names == list(lake.LEVERS)
    assert [(p.low, p.high) for p in case.uncertainties] == [
        (0.1, 0.45), (2.0, 4.5), (0.01, 0.05), (0.001, 0.005), (0.93, 0.99)
    ]
    assert all((p.low, p.high) == (0.0, 0.1) for p in case.levers)
    assert {c: case.constants[c].value for c in case.constants} == {"alpha": 0.4, "nsamples": 100}
    assert case.unsourced() == []  # every range says where it comes from
    assert {"no_release", "constant_0_05"} <= set(case.strategy_names)
    assert set(case.strategy_levers("constant_0_05").values()) == {0.05}
    assert {o.name: o.direction for o in case.outcomes} == {
        "max_P": "minimize", "utility": "maximize", "inertia": "minimize", "reliability": "maximize"
    }


def test_case_check_cli(cli):
    code, out, err = cli("case", "check", CASE)
    assert code == 0, err
    assert "lake" in out


def test_runs_end_to_end(tmp_path):
    runner = pytest.importorskip("forewarn.engine.runner")
    from forewarn.engine.space import load_case

    case = load_case(CASE)
    res = runner.run(case, n=6, method="lhs", seed=11, out=tmp_path / "run", chunk_size=8)
    df = res.to_dataframe()
    assert len(df) == 6 * len(case.strategy_names)
    assert set(OUTCOMES) <= set(df.columns)
    assert np.isfinite(df[list(OUTCOMES)].to_numpy()).all()
    assert (df.loc[df["strategy"] == "no_release", "utility"] == 0).all()
    # Every strategy faces the same inflows in one future: with no release the lake stays
    # cleanest, whatever the future.
    by = df.pivot(index="future", columns="strategy", values="max_P")
    assert (by["no_release"] <= by["constant_0_05"]).all()
    # The stored outcomes are the model's outcomes on the stored experiments.
    inputs = {name: df[name].to_numpy() for name in case.uncertainty_names + case.lever_names}
    inputs.update(alpha=np.full(len(df), 0.4), nsamples=np.full(len(df), 100), seed=df["seed"].to_numpy(np.uint64))
    np.testing.assert_array_equal(_stack(lake.lake_model(inputs)), df[list(OUTCOMES)].to_numpy())


def test_scalar_adapter_runs_end_to_end(tmp_path):
    # The plain scalar version through forewarn.engine.model.scalar_model and the runner gives the
    # vectorised model's outcomes, bit for bit.
    runner = pytest.importorskip("forewarn.engine.runner")
    from forewarn.engine.space import load_case

    text = CASE.read_text(encoding="utf-8")
    assert 'model = "model.py:lake_model"' in text
    scalar_case = tmp_path / "case.toml"
    target = (LAKE / "model.py").as_posix()
    scalar_case.write_text(text.replace('model = "model.py:lake_model"', f'model = "{target}:lake_model_scalar"'))
    vec = runner.run(load_case(CASE), n=3, seed=5, out=tmp_path / "vec").to_dataframe()
    sca = runner.run(load_case(scalar_case), n=3, seed=5, out=tmp_path / "sca").to_dataframe()
    assert len(vec) == 12
    np.testing.assert_allclose(sca[list(OUTCOMES)].to_numpy(), vec[list(OUTCOMES)].to_numpy(), rtol=1e-12, atol=0)


def test_run_cli(tmp_path, cli):
    code, out, err = cli("run", CASE, "-n", 4, "--out", tmp_path / "lake")
    assert code == 0, out + err
    from forewarn.engine.results import open_results

    assert open_results(tmp_path / "lake").n == 4 * 4
