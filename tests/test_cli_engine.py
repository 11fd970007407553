"""``forewarn run`` and ``forewarn show``: exit codes, messages, and a run killed and resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import forewarn
from forewarn.engine.results import open_results
from forewarn.engine.runner import run
from models_for_tests import write_case


@pytest.fixture
def case_file(tmp_path):
    return write_case(tmp_path / "case")


def test_run_then_show(cli, case_file, tmp_path):
    out = tmp_path / "run"
    code, stdout, stderr = cli("run", case_file, "--method", "lhs", "-n", 12, "--seed", 3,
                                  "--out", out, "--chunk-size", 5)
    assert code == 0, stderr
    assert f"results in {out}" in stdout and "24 experiments" in stdout and "5 chunks" in stdout
    res = open_results(out)
    ref = run(forewarn.load_case(case_file), n=12, seed=3, out=tmp_path / "ref")
    for name, values in ref.outcomes().items():
        assert np.array_equal(res.outcomes([name])[name], values)

    code, stdout, _ = cli("show", out)
    assert code == 0
    for text in ("walk", "models_for_tests.py:noisy", "lhs", "seed", "5 of 5", "idle", "push", "final",
                 "level[2030]", "2026-2030"):
        assert text in stdout, text

    code, stdout, _ = cli("show", out, "--json")
    assert code == 0
    info = json.loads(stdout)
    assert info["case"]["name"] == "walk" and info["seed"] == 3 and info["complete"] is True
    assert (info["n_experiments"], info["n_futures"], info["chunks_done"], info["n_chunks"]) == (24, 12, 5, 5)
    rows = {(r["outcome"], r["strategy"]): r for r in info["summary"]}
    df = res.to_dataframe()
    assert rows[("final", "push")]["mean"] == pytest.approx(df.loc[df.strategy == "push", "final"].mean())
    assert rows[("final", "push")]["count"] == 12


def test_strategy_option(cli, case_file, tmp_path):
    out = tmp_path / "run"
    code, stdout, stderr = cli("run", case_file, "-n", 4, "--out", out, "--strategy", "push",
                                  "--method", "mc")
    assert code == 0, stderr
    res = open_results(out)
    assert res.strategies == ["push"] and res.n == 4


@pytest.mark.parametrize(
    "args, message",
    [
        (["-n", "0"], "-n: must be at least 1, got 0"),
        (["-n", "3", "--chunk-size", "0"], "--chunk-size: must be at least 1, got 0"),
        (["-n", "3", "--workers", "0"], "--workers: must be at least 1, got 0"),
        (["-n", "3", "--seed", "-2"], "--seed: must be 0 or more"),
        (["-n", "3", "--method", "latin"], "--method: unknown sampling method 'latin'"),
        (["-n", "3", "--design", "latin"], "--method: unknown sampling method 'latin'"),  # the former name
        (["-n", "3", "--strategy", "nope"], "no strategy named 'nope' (known: idle, push)"),
        (["-n", "3", "--ranges", "wide"], "--ranges: unknown set of ranges 'wide' (known: sourced, stress)"),
        pytest.param(["-n", "many"], "valid integer"),
        pytest.param(["--seed", "1"], "Missing option '-n'"),
    ],
)
def test_bad_values_exit_2_and_create_nothing(cli, case_file, tmp_path, args, message):
    out = tmp_path / "run"
    code, stdout, stderr = cli("run", case_file, "--out", out, *args)
    assert code == 2
    assert message in stderr
    assert not out.exists()


def test_ranges_option_runs_the_stress_set(cli, tmp_path):
    # The Kosovo case declares stress ranges: threat_base runs to 20,000 instead of 14,000.
    seen = {}
    for ranges in ("sourced", "stress"):
        out = tmp_path / ranges
        code, _, stderr = cli("run", "kosovo", "-n", 200, "--seed", 4, "--out", out, "--ranges", ranges,
                              "--strategy", "current_plan")
        assert code == 0, stderr
        res = open_results(out)
        seen[ranges] = res.experiments["threat_base"]
        uncertainty = next(p for p in res.case.uncertainties if p.name == "threat_base")
        assert uncertainty.high == {"sourced": 14000.0, "stress": 20000.0}[ranges]
    assert seen["sourced"].max() <= 14000.0 < seen["stress"].max() <= 20000.0


def test_bad_case_exits_2(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nmodel = "m.py:f"\n[[outcomes]]\nname = "y"\nkind = "vector"\n')
    code, _, stderr = cli("run", bad, "-n", 3, "--out", tmp_path / "run")
    assert code == 2 and "bad.toml" in stderr and "outcomes" in stderr
    code, _, stderr = cli("run", tmp_path / "absent.toml", "-n", 3, "--out", tmp_path / "run")
    assert code == 2 and "no such case file" in stderr
    assert not (tmp_path / "run").exists()
    code, _, stderr = cli("show", tmp_path)
    assert code == 2 and "not a forewarn run" in stderr


def test_model_returning_nan_exits_1_naming_the_outcome(cli, tmp_path):
    # A fault of the model, not of the user's input: exit 1 (the chunks done are kept).
    case_file = write_case(tmp_path / "case", model="nan_noisy")
    out = tmp_path / "run"
    code, _, stderr = cli("run", case_file, "-n", 30, "--seed", 8, "--out", out, "--chunk-size", 4)
    assert code == 1
    assert "outcome 'final'" in stderr and "NaN in experiment" in stderr
    m = json.loads((out / "manifest.json").read_text())
    files = sorted(p.name for p in (out / "chunks").iterdir())
    assert files == [f"part-{c['index']:06d}.parquet" for c in m["chunks"]]
    assert not m["complete"] and len(files) < m["n_chunks"]
    code, stdout, _ = cli("show", out)
    assert code == 0 and "INCOMPLETE" in stdout


def test_existing_run_needs_resume_or_overwrite(cli, case_file, tmp_path):
    out = tmp_path / "run"
    assert cli("run", case_file, "-n", 3, "--out", out)[0] == 0
    code, _, stderr = cli("run", case_file, "-n", 3, "--out", out)
    assert code == 2 and "--resume" in stderr and "--overwrite" in stderr
    assert cli("run", case_file, "-n", 3, "--out", out, "--resume")[0] == 0
    assert cli("run", case_file, "-n", 4, "--out", out, "--overwrite")[0] == 0
    assert open_results(out).n == 8


def test_killed_run_resumes_to_the_same_results(cli, tmp_path):
    case_file = write_case(tmp_path / "case", model="slow_noisy")
    out = tmp_path / "run"
    args = ["run", str(case_file), "--method", "lhs", "-n", "24", "--seed", "7", "--out", str(out),
            "--chunk-size", "4"]
    env = dict(os.environ, FOREWARN_TEST_SLEEP="0.3")
    proc = subprocess.Popen(
        [sys.executable, "-m", "forewarn", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    manifest = out / "manifest.json"
    deadline = time.monotonic() + 60
    done = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if manifest.is_file():
                done = len(json.loads(manifest.read_text())["chunks"])
                if done >= 3:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    m = json.loads(manifest.read_text())
    recorded = {c["index"] for c in m["chunks"]}
    assert not m["complete"] and 3 <= len(recorded) < m["n_chunks"] == 12
    pending = min(set(range(12)) - recorded)
    chunks = out / "chunks"
    first = chunks / f"part-{min(recorded):06d}.parquet"
    # What a crash can leave, planted by hand: a half-written temporary file, a complete-looking
    # chunk file that the manifest does not record (holding the wrong rows), and one out of range.
    (chunks / f".part-{pending:06d}.parquet.planted.tmp").write_bytes(first.read_bytes()[:100])
    (chunks / f"part-{pending:06d}.parquet").write_bytes(first.read_bytes())
    (chunks / "part-000500.parquet").write_bytes(first.read_bytes())

    os.environ["FOREWARN_TEST_SLEEP"] = "0"
    try:
        code, stdout, stderr = cli(*args, "--resume")
    finally:
        del os.environ["FOREWARN_TEST_SLEEP"]
    assert code == 0, stderr
    assert "results in" in stdout
    resumed = open_results(out)
    resumed.verify()
    assert sorted(p.name for p in chunks.iterdir()) == [f"part-{i:06d}.parquet" for i in range(12)]
    assert len(resumed.manifest["resumed"]) == 1

    case = forewarn.load_case(case_file)
    os.environ["FOREWARN_TEST_SLEEP"] = "0"
    try:
        straight = run(case, n=24, seed=7, out=tmp_path / "straight", chunk_size=1000)
    finally:
        del os.environ["FOREWARN_TEST_SLEEP"]
    assert resumed.experiments.equals(straight.experiments)
    for name, values in straight.outcomes().items():
        assert np.ascontiguousarray(resumed.outcomes([name])[name]).tobytes() == values.tobytes(), name

    # Resuming with another seed is refused, and changes nothing.
    before = manifest.read_bytes()
    code, _, stderr = cli(*[a if a != "7" else "8" for a in args], "--resume")
    assert code == 2 and "cannot resume" in stderr and "seed: 8 now, 7 in the run" in stderr
    assert manifest.read_bytes() == before


def test_show_at_80_columns_keeps_every_name_whole(cli, tmp_path):
    from forewarn.kosovo import load_kosovo_case

    case = load_kosovo_case()
    out = tmp_path / "run"
    run(case, n=10, seed=1, out=out)
    code, stdout, stderr = cli("show", out, env={"COLUMNS": "80"})
    assert code == 0, stderr
    assert max(len(line) for line in stdout.splitlines()) <= 80
    import re

    lines = [line.strip() for line in stdout.splitlines()]
    for o in case.outcomes:  # a series outcome shows its last year: "deterrence[2035] (maximize)"
        title = re.compile(rf"{o.name}(\[\d{{4}}\])? \({o.direction}\)")
        assert any(title.fullmatch(line) for line in lines), o.name
    rows = [line.split()[0] for line in lines if line.split() and line.split()[0] in case.strategy_names]
    assert len(rows) == len(case.outcomes) * len(case.strategy_names)
    assert "…" not in stdout


def test_show_and_run_are_quiet_off_a_terminal(cli, case_file, tmp_path):
    # No progress display when stderr is not a terminal (as here), with or without --quiet.
    out = tmp_path / "run"
    code, _, stderr = cli("run", case_file, "-n", 3, "--out", out)
    assert code == 0 and stderr == ""
    for args in (["show", out], ["show", out, "--quiet"]):
        code, stdout, stderr = cli(*args)
        assert code == 0 and stderr == "" and "complete" in stdout
