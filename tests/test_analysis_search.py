"""Many-objective robust search: known Pareto front, determinism, resume, files, bad input."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.analysis.objectives import metric_values
from forewarn.analysis.search import epsilon_archive, nondominated, search
from forewarn.engine.space import load_case, parse_case
from forewarn.errors import InputError

# A ZDT1-like toy: f1 = x + u, f2 = g (1 - sqrt(x / g)) + u with g = 1 + 9 y, u uncertain.
# The means over the futures shift both objectives by the same constant c = mean(u), so the
# Pareto set is y = 0, x in [0, 1], and the front is f2 = 1 + c - sqrt(f1 - c).
MODEL = '''
import numpy as np
def model(inputs):
    x, y, u = inputs["x"], inputs["y"], inputs["u"]
    g = 1.0 + 9.0 * y
    return {"f1": x + u, "f2": g * (1.0 - np.sqrt(x / g)) + u, "spend": x * 0 + y}
'''

CASE = '''
name = "zdt"
model = "zdt_model.py:model"

[[uncertainties]]
name = "u"
kind = "real"
low = 0.0
high = 1.0

[[levers]]
name = "x"
kind = "real"
low = 0.0
high = 1.0

[[levers]]
name = "y"
kind = "real"
low = 0.0
high = 1.0

[[outcomes]]
name = "f1"
direction = "minimize"

[[outcomes]]
name = "f2"
direction = "minimize"

[[outcomes]]
name = "spend"
direction = "minimize"

[[objectives]]
name = "mean_f1"
kind = "mean"
outcome = "f1"
epsilon = 0.005

[[objectives]]
name = "mean_f2"
kind = "mean"
outcome = "f2"
epsilon = 0.005
'''


@pytest.fixture
def zdt(tmp_path) -> Path:
    (tmp_path / "zdt_model.py").write_text(MODEL)
    path = tmp_path / "zdt.toml"
    path.write_text(CASE)
    return path


def test_known_pareto_front_is_found(zdt, tmp_path):
    result = search(zdt, out=tmp_path / "s", futures=16, evaluations=4000, population=40, seed=2,
                    test_futures=32)
    from forewarn.engine.experiments import Futures

    c = float(Futures.sample(load_case(zdt), 16, seed=2).table["u"].mean())
    f1, f2 = result.pareto["mean_f1"].to_numpy(), result.pareto["mean_f2"].to_numpy()
    # Stated tolerance: within 0.02 of the analytic front, y within 0.01 of 0, and the front
    # spanned from x < 0.05 to x > 0.95 with no gap wider than 0.1 in f1.
    assert np.max(np.abs(f2 - (1 + c - np.sqrt(np.clip(f1 - c, 0, None))))) < 0.02
    assert result.pareto["y"].max() < 0.01
    x = np.sort(result.pareto["x"].to_numpy())
    assert x[0] < 0.05 and x[-1] > 0.95 and np.max(np.diff(np.sort(f1))) < 0.1
    hv = result.convergence["hypervolume"].to_numpy()
    assert hv[-1] >= hv[0] and result.convergence["evaluations"].iloc[-1] >= 4000


def test_same_seed_same_pareto_set_and_resume_is_identical(zdt, tmp_path):
    kw = dict(futures=8, evaluations=300, population=20, seed=5, test_futures=16)
    a = search(zdt, out=tmp_path / "a", **kw)
    b = search(zdt, out=tmp_path / "b", **kw)
    pd.testing.assert_frame_equal(a.pareto, b.pareto)
    with pytest.raises(KeyboardInterrupt):
        search(zdt, out=tmp_path / "c", stop_after=4, **kw)
    assert (tmp_path / "c" / "checkpoint.pkl").is_file() and not (tmp_path / "c" / "pareto.parquet").exists()
    c = search(zdt, out=tmp_path / "c", resume=True, **kw)
    pd.testing.assert_frame_equal(a.pareto, c.pareto)
    pd.testing.assert_frame_equal(a.convergence, c.convergence)
    other = search(zdt, out=tmp_path / "d", **{**kw, "seed": 6})
    assert not other.pareto[["x", "y"]].equals(a.pareto[["x", "y"]])


def test_resume_of_a_different_search_is_refused(zdt, tmp_path):
    kw = dict(futures=8, evaluations=100, population=20, seed=5, test_futures=16)
    with pytest.raises(KeyboardInterrupt):
        search(zdt, out=tmp_path / "c", stop_after=1, **kw)
    with pytest.raises(InputError, match="seed"):
        search(zdt, out=tmp_path / "c", resume=True, **{**kw, "seed": 9})


def test_files_toml_parquet_and_out_of_sample(zdt, tmp_path, cli):
    out = tmp_path / "s"
    code, stdout, stderr = cli("search", zdt, "--futures", 8, "--evaluations", 200, "--population", 20,
                               "--seed", 1, "--out", out)
    assert code == 0, stderr
    assert "Pareto strategies" in stdout and "Out of sample" in stdout
    for name in ("search.json", "convergence.csv", "convergence.svg", "pareto.parquet", "pareto.toml"):
        assert (out / name).is_file(), name
    pareto = pd.read_parquet(out / "pareto.parquet")
    snippet = tomllib.loads((out / "pareto.toml").read_text())
    # The snippet pasted into the case gives exactly the Pareto levers.
    case = load_case(zdt)
    pasted = parse_case({**case.canonical(), "strategies": snippet["strategies"]})
    assert pasted.strategy_names == list(pareto["strategy"])
    for _, row in pareto.iterrows():
        assert pasted.strategy_levers(row["strategy"]) == {"x": row["x"], "y": row["y"]}
    manifest = json.loads((out / "search.json").read_text())
    assert manifest["complete"] and manifest["test_futures"] == 32
    assert {r["objective"] for r in manifest["out_of_sample"]} == {"mean_f1", "mean_f2"}
    assert "mean_f1_out_of_sample" in pareto
    assert (out / "convergence.svg").read_text().startswith("<svg")


def test_constraint_is_respected(zdt, tmp_path):
    text = zdt.read_text().replace("epsilon = 0.005\n", "epsilon = 0.005\n", 1)
    text += '\n[[constraints]]\nname = "cheap"\nkind = "mean"\noutcome = "f1"\nmax = 0.8\n'
    zdt.write_text(text)
    result = search(zdt, out=tmp_path / "s", futures=8, evaluations=400, population=20, seed=1, test_futures=8)
    assert (result.pareto["cheap"] <= 0.8).all() and len(result.pareto)


def bad_case(zdt, old, new):
    text = zdt.read_text()
    assert old in text
    zdt.write_text(text.replace(old, new, 1))
    return zdt.read_text().splitlines()


@pytest.mark.parametrize("old, new, field, words", [
    ('outcome = "f2"', 'outcome = "nope"', "objectives.mean_f2.outcome", "no outcome named 'nope'"),
    ('kind = "mean"\noutcome = "f1"', 'kind = "percentile"\noutcome = "f1"', "objectives.mean_f1.percentile",
     "needs `percentile`"),
    ("epsilon = 0.005", "epsilon = -1.0", "objectives.mean_f1.epsilon", "above 0"),
])
def test_bad_objectives_exit_2_naming_file_line_field_and_write_nothing(zdt, tmp_path, cli, old, new, field,
                                                                          words):
    lines = bad_case(zdt, old, new)
    out = tmp_path / "s"
    code, stdout, stderr = cli("search", str(zdt), "--out", str(out))
    err = stderr
    assert code == 2
    key = new.splitlines()[-1].split("=")[0].strip() if field.endswith(("outcome", "epsilon")) else None
    line = next(i for i, t in enumerate(lines, 1) if t.strip() == new.splitlines()[-1].strip()) if key else None
    assert field in err and words in err and "zdt.toml" in err
    if line:
        assert f"zdt.toml:{line}:" in err
    assert not out.exists()


def test_bad_options_exit_2(zdt, tmp_path, cli):
    for option in (["--population", "3"], ["--futures", "0"], ["--evaluations", "-1"]):
        code, stdout, stderr = cli("search", str(zdt), "--out", str(tmp_path / "s"), *option)
        assert code == 2, option
        assert option[0] in stderr
    assert not (tmp_path / "s").exists()


# -- metrics and archives ----------------------------------------------------------------------


def test_metrics_known_answers():
    case = parse_case({
        "name": "m", "model": "a:b", "outcomes": [{"name": "y", "direction": "maximize"}],
        "objectives": [
            {"name": "share", "kind": "satisficing", "outcome": "y", "at_least": 2.0},
            {"name": "p10", "kind": "percentile", "outcome": "y", "percentile": 50},
            {"name": "reg", "kind": "regret", "outcome": "y", "percentile": 100},
        ],
    })
    values = np.array([[1.0, 2.0, 3.0, 4.0], [4.0, 4.0, 0.0, 1.0]])
    share, p50, reg = case.objectives
    assert metric_values(share, case, values).tolist() == [0.75, 0.5]
    assert metric_values(p50, case, values).tolist() == [2.5, 2.5]
    best = {"y": np.array([2.0, 2.0, 2.0, 2.0])}
    assert metric_values(reg, case, values, best).tolist() == [1.0, 2.0]


@given(st.lists(st.tuples(st.floats(0, 10), st.floats(0, 10)), min_size=1, max_size=40),
       st.floats(0.1, 3.0))
@settings(max_examples=60, deadline=None)
def test_epsilon_archive_properties(points, eps):
    F = np.array(points)
    kept = epsilon_archive(F, np.array([eps, eps]))
    boxes = np.floor(F / eps)
    # One point per box, no kept box dominated by any point's box, every point's box covered.
    assert len({tuple(b) for b in boxes[kept]}) == len(kept)
    for b in boxes:
        assert any(np.all(boxes[k] <= b) for k in kept)
    assert np.all(nondominated(boxes[kept]))
    exact = epsilon_archive(F, np.zeros(2))
    assert set(map(tuple, F[exact])) == set(map(tuple, F[nondominated(F)]))


def test_search_leaves_out_futures_that_contradict_the_present(tmp_path):
    """The Kosovo case holds today ([adaptation] holds_today): the search and its out-of-sample
    check run only on the futures whose 2025 state agrees with that."""
    from forewarn.analysis.pathways import consistent_futures
    from forewarn.engine.experiments import Futures
    from forewarn.kosovo import load_kosovo_case

    case = load_kosovo_case()
    result = search(case, out=tmp_path / "s", futures=60, evaluations=20, population=10, seed=3, test_futures=80)
    m = result.manifest
    kept, aside = consistent_futures(case, Futures.sample(case, 60, 3))
    assert m["futures_set_aside"]["futures"] == aside > 0
    assert m["futures_used"] == len(kept) == 60 - aside
    assert m["experiments"] == m["evaluations_done"] * len(kept)
    assert 0 < m["futures_set_aside"]["test_futures"] < 80
