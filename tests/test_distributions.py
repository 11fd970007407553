"""Distributions of real parameters (inverse transform in every design) and sampled lever strategies."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import forewarn
from forewarn.engine.design import experiments, sample
from forewarn.engine.levers import sample_strategies, strategies_toml, with_strategies
from forewarn.engine.space import load_case, parse_case
from forewarn.errors import CaseError, InputError
from models_for_tests import write_case
from optional import requires_ema


def case_with(*uncertainties, levers=()):
    return parse_case({
        "name": "dist", "model": "pkg.mod:fn", "uncertainties": list(uncertainties), "levers": list(levers),
        "outcomes": [{"name": "y"}],
    })


def real(name, low, high, **kw):
    return {"name": name, "kind": "real", "low": low, "high": high, **kw}


TRI = real("t", 0.0, 10.0, distribution="triangular", mode=2.0)
NORM = real("n", 0.0, 10.0, distribution="normal", mean=7.0, sd=2.0)
LOGN = real("l", 1.0, 100.0, distribution="lognormal", mu=2.0, sigma=1.0)
BETA = real("be", 0.0, 2.0, distribution="beta", a=2.0, b=5.0)


def truncated_normal_mean(mean, sd, low, high):
    # The closed form (phi(alpha) - phi(beta)) / Z, derived here, not taken from scipy.
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    a, b = (low - mean) / sd, (high - mean) / sd
    return mean + sd * (pdf(a) - pdf(b)) / (cdf(b) - cdf(a))


@pytest.mark.parametrize("method", ["lhs", "sobol", "mc", "saltelli"])
def test_known_means_in_every_design(method):
    case = case_with(TRI, NORM, LOGN, BETA)
    df = sample(case, 4096, method, seed=3)
    # Triangle: (low + mode + high) / 3; beta on [0, 2]: 2 a / (a + b).
    tol = 0.02 if method == "mc" else 0.003
    assert df["t"].mean() == pytest.approx(12.0 / 3, rel=tol)
    assert df["be"].mean() == pytest.approx(2 * 2 / 7, rel=tol)
    assert df["n"].mean() == pytest.approx(truncated_normal_mean(7.0, 2.0, 0.0, 10.0), rel=tol)
    # log X is a normal truncated to [log 1, log 100].
    assert np.log(df["l"]).mean() == pytest.approx(truncated_normal_mean(2.0, 1.0, 0.0, math.log(100)), rel=tol)
    for col, (lo, hi) in {"t": (0, 10), "n": (0, 10), "l": (1, 100), "be": (0, 2)}.items():
        assert df[col].between(lo, hi).all()


def test_lhs_strata_are_quantiles_of_the_distribution():
    # Inverse transform keeps the Latin hypercube property: one point per probability stratum.
    from scipy import stats

    case = case_with(TRI)
    n = 50
    x = sample(case, n, "lhs", seed=9)["t"].to_numpy()
    cdf = stats.triang(0.2, loc=0.0, scale=10.0).cdf(x)
    assert sorted(np.floor(cdf * n).astype(int)) == list(range(n))


def test_triangular_median_known_answer():
    # Triangle on [0, 10] with mode 2: F(m) = m^2 / 20 for m <= 2, so the median solves
    # 1 - (10 - m)^2 / 80 = 1/2: m = 10 - sqrt(40).
    df = sample(case_with(TRI), 20001, "lhs", seed=1)
    assert np.median(df["t"]) == pytest.approx(10 - math.sqrt(40), abs=2e-3)


def test_uniform_is_the_default_and_bit_identical():
    plain = sample(case_with(real("x", 0.5, 2.0)), 257, "lhs", seed=4)
    shaped = sample(case_with(real("x", 0.5, 2.0, distribution="uniform")), 257, "lhs", seed=4)
    assert np.array_equal(plain["x"].to_numpy(), shaped["x"].to_numpy())


def test_hash_of_a_case_without_distributions_is_unchanged():
    # Parameters without a distribution serialise without the new keys.
    case = case_with(real("x", 0.0, 1.0))
    assert "distribution" not in case.canonical()["uncertainties"][0]
    assert case_with(real("x", 0.0, 1.0, distribution="uniform")).hash() != case.hash()


@given(
    mode=st.floats(0.0, 1.0),
    a=st.floats(0.5, 8.0),
    b=st.floats(0.5, 8.0),
    u=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20),
)
@settings(max_examples=40, deadline=None)
def test_values_stay_in_range_and_are_monotone_in_u(mode, a, b, u):
    u = np.sort(np.asarray(u))
    case = case_with(real("t", -1.0, 3.0, distribution="triangular", mode=-1.0 + 4 * mode),
                     real("be", -1.0, 3.0, distribution="beta", a=a, b=b))
    for p in case.uncertainties:
        x = p.unit_to_value(u)
        assert np.all((x >= -1.0) & (x <= 3.0))
        # Monotone up to rounding: scipy's inverse functions may step back by an ulp or so.
        assert np.all(np.diff(x) >= -1e-12 * (3.0 - -1.0))


BAD = [
    (real("x", 0.0, 1.0, distribution="triangular", mode=2.0), "mode", "outside [0.0, 1.0]"),
    (real("x", 0.0, 1.0, distribution="triangular"), "mode", "needs `mode`"),
    (real("x", 0.0, 1.0, distribution="normal", mean=0.5, sd=-1.0), "sd", "above 0"),
    (real("x", 0.0, 1.0, distribution="normal", mean=500.0, sd=1.0), "mean", "share"),
    (real("x", 0.0, 1.0, distribution="lognormal", mu=0.0, sigma=1.0), "low", "low above 0"),
    (real("x", 0.0, 1.0, distribution="beta", a=0.0, b=1.0), "a", "above 0"),
    (real("x", 0.0, 1.0, distribution="beta", a=1.0, b=1.0, mode=0.5), "mode", "only for a triangular"),
    (real("x", 0.0, 1.0, distribution="gamma"), "distribution", "unknown distribution"),
    (real("x", 0.0, 1.0, mode=0.5), "mode", "needs a `distribution`"),
    (real("x", 0.0, 1.0, distribution="normal", mean="a", sd=1.0), "mean", "must be a number"),
    ({"name": "x", "kind": "integer", "low": 0, "high": 3, "distribution": "uniform"}, "distribution",
     "only for real"),
]


@pytest.mark.parametrize("spec, field, words", BAD)
def test_bad_distribution_parameters(spec, field, words):
    with pytest.raises(CaseError) as info:
        case_with(spec)
    assert f"uncertainties.x.{field}" in str(info.value) and words in str(info.value)


def test_bad_distribution_in_a_file_names_file_line_and_field(tmp_path, cli):
    path = write_case(tmp_path / "c")
    text = path.read_text()
    marker = '[[uncertainties]]\nname = "drift"'
    assert marker in text
    text = text.replace(marker, marker + '\ndistribution = "normal"\nmean = 0.0\nsd = 0.0')
    path.write_text(text)
    line = text.splitlines().index("sd = 0.0") + 1
    code, stdout, stderr = cli("case", "check", str(path))
    err = stderr
    assert code == 2
    assert f"case.toml:{line}" in err and "uncertainties.drift.sd" in err


# -- sampled lever strategies ------------------------------------------------------------------


def lever_case():
    return case_with(real("u", 0.0, 1.0), levers=[
        real("x", 0.0, 10.0),
        {"name": "k", "kind": "integer", "low": 1, "high": 4},
        {"name": "c", "kind": "categorical", "choices": ["a", "b", "c"]},
        {"name": "f", "kind": "boolean"},
    ])


def test_sampled_strategies_are_valid_seeded_and_cover_the_ranges():
    case = lever_case()
    first = sample_strategies(case, 40, seed=5)
    assert [s.name for s in first[:2]] == ["sampled_0001", "sampled_0002"]
    assert first == sample_strategies(case, 40, seed=5)
    assert first != sample_strategies(case, 40, seed=6)
    xs = sorted(s.levers["x"] for s in first)
    # Latin hypercube: one value in each tenth of a fortieth-wide stratum.
    assert sorted(int(x / 10 * 40) for x in xs) == list(range(40))
    assert {s.levers["k"] for s in first} == {1, 2, 3, 4}
    assert {s.levers["c"] for s in first} == {"a", "b", "c"}
    assert {s.levers["f"] for s in first} == {False, True}
    bigger = with_strategies(case, first)
    assert bigger.strategy_names[:1] == ["default"] and len(bigger.strategy_names) == 41


def test_strategies_toml_reads_back_bit_for_bit():
    import tomllib

    case = lever_case()
    sampled = sample_strategies(case, 5, seed=2)
    data = tomllib.loads(strategies_toml(sampled, header="sampled"))
    back = with_strategies(case, [])  # default only
    again = parse_case({**back.canonical(), "strategies": data["strategies"]})
    assert tuple(again.strategies) == sampled


def test_run_with_levers_keeps_declared_strategies_identical(tmp_path):
    path = write_case(tmp_path / "c")
    case = load_case(path)
    plain = forewarn.run(case, n=9, seed=4, out=tmp_path / "plain")
    more = forewarn.run(case, n=9, seed=4, out=tmp_path / "more", levers=3)
    names = more.manifest["strategies"]
    assert names == [*plain.manifest["strategies"], "sampled_0001", "sampled_0002", "sampled_0003"]
    a, b = plain.to_dataframe(), more.to_dataframe()
    b = b[b["strategy"].isin(plain.manifest["strategies"])].reset_index(drop=True)
    for name in plain.outcome_names:
        if name in a:
            assert np.array_equal(a[name].to_numpy(), b[name].to_numpy())
    # The run's case copy carries the sampled strategies and reads back as the case run.
    assert more.case.hash() == more.manifest["case"]["hash"]
    assert more.case.strategy("sampled_0002").levers == case_strategy(more, "sampled_0002")


def case_strategy(results, name):
    row = results.experiments[results.experiments["strategy"] == name].iloc[0]
    return {lever: row[lever].item() if hasattr(row[lever], "item") else row[lever]
            for lever in results.case.lever_names}


def test_cli_levers_and_resume(tmp_path, cli):
    path = write_case(tmp_path / "c")
    out = tmp_path / "run"
    code, stdout, stderr = cli("run", str(path), "-n", "6", "--levers", "2", "--out", str(out), "--chunk-size", "4")
    assert code == 0, stderr
    first = forewarn.open_results(out).to_dataframe()
    assert "sampled_0002" in set(first["strategy"])
    code, stdout, stderr = cli("run", str(path), "-n", "6", "--levers", "2", "--out", str(out), "--resume")
    assert code == 0
    code, stdout, stderr = cli("run", str(path), "-n", "6", "--levers", "0", "--out", str(tmp_path / "bad"))
    assert code == 2 and "--levers" in stderr
    assert not (tmp_path / "bad").exists()


def test_levers_need_levers_and_a_built_design(tmp_path):
    case = case_with(real("u", 0.0, 1.0))
    with pytest.raises(InputError, match="no levers"):
        sample_strategies(case, 2)
    lc = lever_case()
    with pytest.raises(InputError, match="design built by the run"):
        forewarn.run(lc, experiments(lc, 4), out=tmp_path / "x", levers=2)


def test_far_tail_of_a_beta_is_its_bound_without_a_warning():
    # scipy's beta inverse gives up (with a RuntimeWarning, an error in this suite) this close to 0.
    p = case_with(real("be", -1.0, 3.0, distribution="beta", a=2.0, b=4.0)).uncertainties[0]
    x = p.unit_to_value(np.array([2.225073858507203e-309, 0.5, 1.0]))
    assert x[0] == -1.0 and x[2] == 3.0 and -1.0 < x[1] < 3.0


QUANTILES = np.array([0.0, 1e-9, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-9, 1.0])


@requires_ema
def test_to_ema_carries_each_distribution():
    from ema_workbench import RealParameter

    case = case_with(TRI, BETA, NORM, LOGN, real("w", 3.0, 4.0, distribution="uniform"), real("v", 0.0, 1.0))
    params = dict(zip(case.uncertainty_names, case.to_ema()[0]))
    for p in case.uncertainties:
        ema = params[p.name]
        assert isinstance(ema, RealParameter)
        assert (ema.lower_bound, ema.upper_bound) == (p.low, p.high)
        ours, theirs = p.unit_to_value(QUANTILES), ema.dist.ppf(QUANTILES)
        if p.distribution == "lognormal":  # log of the bounds: numpy's log here, math.log in ppf()
            np.testing.assert_allclose(theirs, ours, rtol=1e-14)
        else:  # the same scipy distribution, evaluated alike
            np.testing.assert_array_equal(theirs, ours)
    assert params["t"].dist.dist.name == "triang" and params["be"].dist.dist.name == "beta"
    assert params["v"].dist.dist.name == "uniform" and params["w"].dist.dist.name == "uniform"


@requires_ema
def test_ema_samples_the_distributions_forewarn_samples():
    from ema_workbench.em_framework.samplers import LHSSampler, MonteCarloSampler
    from scipy import stats

    case = case_with(TRI, BETA)
    ours = sample(case, 2000, "lhs", seed=11)
    np.random.seed(11)  # the Workbench's samplers draw from numpy's global generator
    for sampler in (LHSSampler(), MonteCarloSampler()):
        theirs = sampler.generate_samples(case.to_ema()[0], 2000)
        for name in ("t", "be"):
            assert stats.ks_2samp(ours[name], theirs[name], method="asymp").pvalue > 0.01, (type(sampler).__name__, name)
            # A uniform draw on the range is told apart (the mapping before distributions were carried).
            uniform = case.uncertainties[case.uncertainty_names.index(name)]
            flat = uniform.low + (uniform.high - uniform.low) * np.random.default_rng(11).random(2000)
            assert stats.ks_2samp(flat, theirs[name], method="asymp").pvalue < 1e-6
