"""The results store: layout, reading, and the views of a run agreeing with each other."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import forewarn
from forewarn.errors import ForewarnError, InputError
from forewarn.engine.results import Results, open_results
from forewarn.engine.runner import run
from models_for_tests import write_case
from optional import requires_ema


@pytest.fixture(scope="module")
def res(tmp_path_factory):
    folder = tmp_path_factory.mktemp("results")
    case = forewarn.load_case(write_case(folder / "case"))
    return run(case, n=25, seed=21, out=folder / "run", chunk_size=8)


def test_chunk_layout_and_types(res):
    files = sorted((res.path / "chunks").iterdir())
    assert [f.name for f in files] == [f"part-{i:06d}.parquet" for i in range(7)]
    schema = pq.read_schema(files[0])
    assert schema.names == ["experiment", "future", "strategy", "seed", "drift", "regime", "effort",
                            "final", "worst", "level"]
    assert schema.field("experiment").type == pa.int64()
    assert schema.field("seed").type == pa.uint64()
    assert schema.field("strategy").type == pa.string()
    assert schema.field("final").type == pa.float64()
    assert schema.field("level").type == pa.list_(pa.float64(), 5)
    assert all(pq.read_schema(f) == schema for f in files)
    assert res.manifest["years"] == [2026, 2027, 2028, 2029, 2030]
    np.testing.assert_array_equal(res.years, np.arange(2026, 2031))


def test_basic_attributes(res):
    assert res.n == 50 and res.complete
    assert res.outcome_names == ["final", "worst", "level"]
    assert res.scalar_outcomes == ["final", "worst"] and res.series_outcomes == ["level"]
    assert res.strategies == ["idle", "push"]
    ex = res.experiments
    assert list(ex.columns) == ["experiment", "future", "strategy", "seed", "drift", "regime", "effort"]
    np.testing.assert_array_equal(ex["experiment"], np.arange(50))
    np.testing.assert_array_equal(ex["future"], np.arange(50) // 2)
    out = res.outcomes()
    assert out["final"].shape == (50,) and out["level"].shape == (50, 5)
    assert out["final"].dtype == np.float64
    np.testing.assert_array_equal(out["final"], out["level"][:, -1])
    assert set(res.outcomes(["worst"])) == {"worst"}
    assert res.case is not None and res.case.name == "walk"
    assert "50 experiments" in repr(res)


def test_views_agree(res):
    df = res.to_dataframe()
    out = res.outcomes()
    assert list(df.columns)[-2:] == ["final", "worst"]
    np.testing.assert_array_equal(df["final"].to_numpy(), out["final"])
    wide = res.to_dataframe(series=True)
    for j, year in enumerate(range(2026, 2031)):
        np.testing.assert_array_equal(wide[f"level[{year}]"].to_numpy(), out["level"][:, j])
    only = res.to_dataframe(["level"])
    assert "final" not in only and "level[2030]" in only

    long = res.series("level")
    assert list(long.columns) == ["experiment", "future", "strategy", "year", "value"]
    assert len(long) == 50 * 5
    back = long.pivot(index="experiment", columns="year", values="value").to_numpy()
    np.testing.assert_array_equal(back, out["level"])
    assert (long.groupby("experiment")["strategy"].first().to_numpy() == df["strategy"].to_numpy()).all()

    x, y = res.to_ema()
    assert list(x.columns) == ["drift", "regime", "effort", "scenario", "policy", "model"]
    assert isinstance(x["policy"].dtype, pd.CategoricalDtype)
    assert list(x["policy"].astype(str)) == list(df["strategy"])
    np.testing.assert_array_equal(x["scenario"].to_numpy(), df["future"].to_numpy())
    assert set(x["model"]) == {"walk"}
    np.testing.assert_array_equal(x["drift"].to_numpy(), df["drift"].to_numpy())
    assert y.keys() == out.keys()
    for name in out:
        np.testing.assert_array_equal(y[name], out[name])

    q = res.query("select experiment, final, level from results order by experiment")
    np.testing.assert_array_equal(q["final"].to_numpy(), out["final"])
    np.testing.assert_array_equal(np.stack(q["level"].to_numpy()), out["level"])


def test_duckdb_matches_pandas(res):
    df = res.to_dataframe()
    sql = res.query(
        "select strategy, count(*) as n, avg(final) as mean, max(worst) as top, "
        "avg(level[5]) as last from results group by strategy order by strategy"
    )
    pd_ = df.groupby("strategy").agg(n=("final", "size"), mean=("final", "mean"), top=("worst", "max"))
    np.testing.assert_array_equal(sql["n"].to_numpy(), pd_["n"].to_numpy())
    np.testing.assert_allclose(sql["mean"].to_numpy(), pd_["mean"].to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(sql["top"].to_numpy(), pd_["top"].to_numpy())
    np.testing.assert_allclose(sql["last"].to_numpy(), sql["mean"].to_numpy(), rtol=1e-12)
    assert list(sql["strategy"]) == ["idle", "push"]


def test_summary(res):
    s = res.summary()
    assert list(s.columns) == ["outcome", "strategy", "direction", "count", "mean", "std", "min",
                               "p05", "median", "p95", "max"]
    assert list(s["outcome"]) == ["final", "final", "worst", "worst", "level[2030]", "level[2030]"]
    df = res.to_dataframe()
    row = s[(s.outcome == "final") & (s.strategy == "push")].iloc[0]
    push = df.loc[df.strategy == "push", "final"]
    assert row["count"] == 25 and row["direction"] == "minimize"
    assert row["mean"] == pytest.approx(push.mean()) and row["median"] == pytest.approx(push.median())
    assert row["min"] == push.min() and row["max"] == push.max()


def test_unknown_names_and_bad_sql(res):
    with pytest.raises(InputError, match="unknown outcome 'nope'"):
        res.outcomes(["nope"])
    with pytest.raises(InputError, match="scalar, not a series"):
        res.series("final")
    with pytest.raises(InputError, match="query failed"):
        res.query("select no_such_column from results")


def test_open_results_refuses_what_is_not_a_run(tmp_path, res):
    with pytest.raises(InputError, match="no such run folder"):
        open_results(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="not a forewarn run"):
        open_results(tmp_path / "empty")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "manifest.json").write_text("{ not json")
    with pytest.raises(InputError, match="unreadable manifest"):
        open_results(bad)
    (bad / "manifest.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(InputError, match="not a forewarn run manifest"):
        open_results(bad)
    again = open_results(res.path)
    assert isinstance(again, Results) and again.n == res.n


def test_incomplete_runs_read_only_recorded_chunks(tmp_path):
    case = forewarn.load_case(write_case(tmp_path / "case"))
    out = tmp_path / "run"
    run(case, n=10, seed=1, out=out, chunk_size=6)
    m = json.loads((out / "manifest.json").read_text())
    m["chunks"] = [c for c in m["chunks"] if c["index"] != 1]
    m["complete"] = False
    (out / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(InputError, match=r"incomplete \(3 of 4 chunks done\)"):
        open_results(out)
    part = open_results(out, allow_incomplete=True)
    assert part.n == 14
    ex = part.experiments
    assert list(ex["experiment"]) == [*range(0, 6), *range(12, 20)]
    assert len(part.to_dataframe()) == 14
    assert part.query("select count(*) as k from results")["k"][0] == 14


def test_verify_detects_changed_files(tmp_path):
    case = forewarn.load_case(write_case(tmp_path / "case"))
    res = run(case, n=3, seed=1, out=tmp_path / "run", chunk_size=4)
    res.verify()
    file = tmp_path / "run" / "chunks" / "part-000001.parquet"
    table = pq.read_table(file)
    pq.write_table(table.set_column(7, "final", pa.array(np.zeros(table.num_rows))), file)
    with pytest.raises(ForewarnError, match="changed"):
        res.verify()
    file.unlink()
    with pytest.raises(ForewarnError, match="missing"):
        res.verify()


@pytest.mark.slow
@requires_ema
def test_to_ema_feeds_the_ema_workbench(res):
    from ema_workbench.analysis import prim

    x, y = res.to_ema()
    box = prim.Prim(x, y["final"] > np.quantile(y["final"], 0.8),
                    threshold=0.5)
    found = box.find_box()
    assert found.coverage > 0


def test_case_comes_back_from_the_manifest_without_case_toml(tmp_path):
    case = forewarn.load_case(write_case(tmp_path / "case"))
    run(case, n=2, out=tmp_path / "run")
    (tmp_path / "run" / "case.toml").unlink()
    again = open_results(tmp_path / "run").case
    assert again is not None and again.hash() == case.hash()
