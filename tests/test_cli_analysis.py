"""End-to-end: `forewarn discover`, `robust` and `sensitivity` on a real run folder of the toy case."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


TOY = Path(__file__).parent / "fixtures" / "cases" / "toy.toml"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from forewarn.engine.runner import run

    out = tmp_path_factory.mktemp("runs") / "toy"
    run(TOY, n=400, method="lhs", seed=3, out=out, chunk_size=300)
    return out


def test_discover_prim_prints_boxes_and_writes_them(run_dir, tmp_path, cli):
    out = tmp_path / "boxes.csv"
    code, text, err = cli("discover", run_dir, "--where", "total > 30", "--strategy", "cheap",
                          "--out", out)
    assert code == 0, err
    assert "Peeling trajectory" in text and "Box 1" in text
    assert "this box holds" in text and "of the futures where total > 30" in text
    boxes = pd.read_csv(out)
    assert {"box", "name", "low", "high", "coverage", "density", "mass"} <= set(boxes.columns)
    assert set(boxes["name"]) <= {"a", "k", "mode", "shock"}


def test_discover_covering_finds_boxes_in_order(run_dir, tmp_path, cli):
    out = tmp_path / "boxes.csv"
    code, text, err = cli("discover", run_dir, "--where", "peak > 9", "--strategy", "cheap",
                          "--n-boxes", "3", "--peel-alpha", "0.1", "--out", out)
    assert code == 0, err
    boxes = pd.read_csv(out)
    assert boxes["box"].min() == 1
    per_box = boxes.groupby("box")[["coverage", "density"]].first()
    assert per_box["coverage"].sum() <= 1 + 1e-9
    assert (per_box["density"] > 0).all()


def test_discover_all_strategies_and_cart(run_dir, tmp_path, cli):
    code, text, err = cli("discover", run_dir, "--where", "peak > 9", "--method", "cart",
                          "--out", tmp_path / "b.parquet")
    assert code == 0, err
    assert "Tree leaves" in text and "inputs: a, k, mode, shock, strategy" in text
    assert len(pd.read_parquet(tmp_path / "b.parquet")) >= 1


def test_robust_ranks_strategies(run_dir, tmp_path, cli):
    out = tmp_path / "rank.csv"
    code, text, err = cli("robust", run_dir, "--satisfice", "total<=40", "--satisfice", "peak < 10",
                          "--out", out)
    assert code == 0, err
    assert "Strategy ranking" in text and "ranked by satisficing" in text
    table = pd.read_csv(out)
    assert table["rank"].tolist() == [1, 2]
    assert set(table["strategy"]) == {"cheap", "strong"}
    assert table["satisficing"].between(0, 1).all()
    # the toy's strong strategy lowers both outcomes in every future
    assert table["strategy"].iloc[0] == "strong"
    code, text, _ = cli("robust", run_dir, "--criterion", "worst", "--outcome", "peak")
    assert code == 0 and "worst:peak" in text


@pytest.mark.parametrize("method, column", [("sobol", "ST"), ("morris", "mu_star"), ("delta", "delta")])
def test_sensitivity(method, column, tmp_path, cli):
    out = tmp_path / "idx.csv"
    n = {"sobol": 64, "morris": 8, "delta": 300}[method]
    code, text, err = cli("sensitivity", TOY, "--method", method, "-n", n, "--outcome", "total",
                          "--seed", 2, "--out", out)
    assert code == 0, err
    assert f"{method} indices from" in text
    table = pd.read_csv(out)
    assert set(table["parameter"]) == {"a", "k", "mode", "shock"} and column in table.columns


def test_sensitivity_on_the_stress_ranges(tmp_path, cli):
    # On the sourced ranges threat_quality is fixed (1 - 1) and explains nothing; on the stress set
    # (1 - 2.5) it varies and gets an index.
    tables = {}
    for ranges in ("sourced", "stress"):
        out = tmp_path / f"{ranges}.csv"
        code, text, err = cli("sensitivity", "kosovo", "--method", "delta", "-n", 400, "--outcome", "min_margin",
                              "--strategy", "current_plan", "--seed", 1, "--ranges", ranges, "--out", out)
        assert code == 0, err
        assert f"{ranges} ranges" in text
        tables[ranges] = pd.read_csv(out).set_index("parameter")
    assert "ksf_plan_pace" in tables["stress"].index
    fixed = tables["sourced"].loc["threat_quality", "delta"]
    assert not fixed > 0.01  # NaN or about 0: a fixed input
    assert tables["stress"].loc["threat_quality", "delta"] > 0.05


@pytest.mark.parametrize(
    "args, message",
    [
        (["discover", "{run}", "--where", "totl > 30"], "unknown name 'totl'"),
        (["discover", "{run}", "--where", "total >"], "not a valid expression"),
        (["discover", "{run}", "--where", "total > 1e9"], "no row of the"),
        (["discover", "{run}", "--where", "total > 0"], "every one of the"),
        (["discover", "{run}", "--where", "total > 30", "--strategy", "bold"], "unknown strategy 'bold'"),
        (["discover", "{run}", "--where", "total > 30", "--out", "boxes.xlsx"], "use a .csv or .parquet file"),
        (["discover", "{run}", "--where", "total > 30", "--method", "svm"], "unknown method 'svm'"),
        (["discover", "{missing}", "--where", "total > 30"], ""),
        (["robust", "{run}", "--satisfice", "totl<=40"], "unknown outcome 'totl'"),
        (["robust", "{run}", "--satisfice", "total=<40"], "cannot read the threshold"),
        (["robust", "{run}", "--criterion", "luck"], "unknown criterion 'luck'"),
        (["robust", "{run}", "--out", "rank.txt"], "use a .csv or .parquet file"),
        (["sensitivity", "{case}", "--method", "sobol", "-n", "8", "--outcome", "nope"], "unknown outcome 'nope'"),
        (["sensitivity", "{case}", "--method", "fast", "-n", "8"], "unknown method 'fast'"),
        (["sensitivity", "{case}", "-n", "8", "--strategy", "bold"], "unknown strategy 'bold'"),
        (["sensitivity", "{case}", "-n", "0"], "must be at least 1"),
        (["sensitivity", "{case}", "-n", "8", "--ranges", "wide"], "--ranges: unknown set of ranges 'wide'"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(run_dir, tmp_path, cli, args, message):
    fill = {"{run}": str(run_dir), "{missing}": str(tmp_path / "nothing"), "{case}": str(TOY)}
    args = [fill.get(a, a) for a in args]
    code, text, err = cli(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) <= 3


def test_pooled_discover_speaks_of_experiments_and_boxes_show_no_empty_unit(tmp_path, cli):
    # The lake case's q and b have the unit "-": a box must not read "q < 3.91 -: ...".
    from forewarn.engine.runner import run

    lake = Path(__file__).resolve().parents[1] / "examples" / "lake" / "case.toml"
    out = tmp_path / "lake"
    run(lake, n=150, method="lhs", seed=4, out=out)
    code, text, err = cli("discover", out, "--where", "reliability < 0.9", env={"COLUMNS": "200"})
    assert code == 0, err
    sentences = [line for line in text.splitlines() if "this box holds" in line]
    assert sentences, text
    assert all(" -:" not in s and " - and " not in s for s in sentences), sentences
    # Pooled over the strategies, a row is an experiment (a future under one strategy).
    assert "of the experiments where reliability < 0.9" in text
    assert "futures where" not in text
    code, text, err = cli("discover", out, "--where", "reliability < 0.9", "--strategy", "constant_0_02",
                          env={"COLUMNS": "200"})
    assert code == 0, err
    assert "of the futures where reliability < 0.9" in text
    sentence = next(line for line in text.splitlines() if "this box holds" in line)
    assert "q < " in sentence and " -" not in sentence, sentence  # q (unit "-") is in this box


def test_readable_units():
    from types import SimpleNamespace as P

    from forewarn.analysis.discovery import readable_units

    units = readable_units([P(name="a", unit="-"), P(name="b", unit=""), P(name="c", unit="share of GDP"),
                            P(name="d", unit="troops"), P(name="e", unit="a unit far too long for a sentence")])
    assert units == {"c": "share of GDP", "d": "troops"}
