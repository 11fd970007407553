"""Stress scenarios: fixed uncertainties, the same futures otherwise, every strategy, CLI and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import forewarn
from forewarn.engine.experiments import Futures, perform_experiments, lever_rows
from forewarn.engine.scenarios import run_scenarios, scenario_design, stress_table
from forewarn.engine.space import load_case

MODEL = '''
import numpy as np
def model(inputs):
    a, b, k = inputs["a"], inputs["b"], inputs["k"]
    bonus = np.where(inputs["mode"] == "high", 10.0, 0.0)
    noise = (inputs["seed"] % 1000).astype(float) / 1e6
    return {"y": a + b * k + bonus + noise}
'''

CASE = '''
name = "stress"
model = "m.py:model"

[[uncertainties]]
name = "a"
kind = "real"
low = 0.0
high = 1.0

[[uncertainties]]
name = "b"
kind = "real"
low = 1.0
high = 2.0

[[uncertainties]]
name = "mode"
kind = "categorical"
choices = ["low", "high"]

[[levers]]
name = "k"
kind = "integer"
low = 0
high = 3

[[outcomes]]
name = "y"
direction = "maximize"

[[strategies]]
name = "none"
levers = { k = 0 }

[[strategies]]
name = "some"
levers = { k = 2 }

[[scenarios]]
name = "a_high"
values = { a = 5.0 }

[[scenarios]]
name = "worst"
description = "everything low"
values = { b = 1.0, mode = "low" }
'''


@pytest.fixture
def case_file(tmp_path) -> Path:
    (tmp_path / "m.py").write_text(MODEL)
    path = tmp_path / "case.toml"
    path.write_text(CASE)
    return path


def test_scenario_runs_fix_values_and_keep_everything_else(case_file, tmp_path):
    case = load_case(case_file)
    base = forewarn.run(case, n=30, seed=4, out=tmp_path / "run").to_dataframe()
    runs = run_scenarios(case, n=30, seed=4, out=tmp_path / "run", chunk_size=7)
    assert list(runs) == ["a_high", "worst"]
    high = runs["a_high"].to_dataframe()
    assert (high["a"] == 5.0).all()
    for col in ("experiment", "future", "strategy", "seed", "b", "mode", "k"):
        assert high[col].astype(str).tolist() == base[col].astype(str).tolist(), col
    # Known answer: y moves by exactly (5 - a) in every experiment (5 is beyond the range: a
    # stress scenario may go there).
    np.testing.assert_allclose(high["y"] - base["y"], 5.0 - base["a"], rtol=0, atol=1e-12)
    worst = runs["worst"].to_dataframe()
    assert (worst["b"] == 1.0).all() and (worst["mode"].astype(str) == "low").all()
    # In-memory evaluation on the same futures with the values fixed gives the same outcomes.
    fut = Futures.sample(case, 30, seed=4).with_values({"b": 1.0, "mode": "low"})
    y = perform_experiments(case, fut, lever_rows(case, ["none", "some"]))["y"]
    for s, name in enumerate(["none", "some"]):
        mine = worst[worst["strategy"] == name].sort_values("future")["y"].to_numpy()
        np.testing.assert_array_equal(mine, y[s])


def test_stress_table_and_resume(case_file, tmp_path):
    case = load_case(case_file)
    runs = run_scenarios(case, n=10, seed=1, out=tmp_path / "r")
    table = stress_table(runs)
    assert table[["scenario", "strategy"]].values.tolist() == [
        ["a_high", "none"], ["a_high", "some"], ["worst", "none"], ["worst", "some"]]
    # With k = 0 and a = 5: y = 5 + bonus + noise; "worst" has no bonus, so b k only.
    again = run_scenarios(case, n=10, seed=1, out=tmp_path / "r", resume=True)
    assert stress_table(again).equals(table)
    assert runs["a_high"].manifest["design"]["futures"]["kind"] == "scenario"


def test_cli_run_with_scenarios(case_file, tmp_path, cli):
    out = tmp_path / "cli"
    code, stdout, stderr = cli("run", str(case_file), "-n", "8", "--out", str(out), "--scenarios")
    assert code == 0, stderr
    text = stdout
    assert "Stress scenarios" in text and "a_high" in text and "worst" in text
    assert (out / "scenarios" / "worst" / "manifest.json").is_file()


@pytest.mark.parametrize("old, new, field, words", [
    ("values = { a = 5.0 }", "values = { z = 5.0 }", "scenarios.a_high.values.z", "no uncertainty named 'z'"),
    ("values = { a = 5.0 }", 'values = { a = "x" }', "scenarios.a_high.values.a", "must be a finite number"),
    ('values = { b = 1.0, mode = "low" }', 'values = { b = 1.0, mode = "mid" }', "scenarios.worst.values.mode",
     "not one of the choices"),
])
def test_bad_scenarios_exit_2_with_file_line_field(case_file, tmp_path, cli, old, new, field, words):
    text = case_file.read_text().replace(old, new)
    case_file.write_text(text)
    line = text.splitlines().index(new) + 1
    out = tmp_path / "bad"
    code, stdout, stderr = cli("run", str(case_file), "-n", "4", "--out", str(out), "--scenarios")
    err = stderr
    assert code == 2
    assert f"case.toml:{line}" in err and field in err and words in err
    assert not out.exists()


def test_unknown_scenario_name(case_file):
    with pytest.raises(forewarn.InputError, match="no scenario named 'x'"):
        scenario_design(load_case(case_file), "x", 4)
