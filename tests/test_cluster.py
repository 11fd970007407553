"""Dask as an executor: a LocalCluster of worker processes, and a dask scheduler with two dask
workers started as separate processes; both must give a local run's outcomes and resume."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import forewarn
from models_for_tests import write_case

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow


def same_outcomes(a, b):
    ea, eb = a.to_dataframe(), b.to_dataframe()
    assert ea[["experiment", "future", "strategy", "seed"]].equals(eb[["experiment", "future", "strategy", "seed"]])
    for name in a.outcome_names:
        # The same code on the same rows in another process: the same bits.
        assert np.array_equal(a.outcomes([name])[name], b.outcomes([name])[name]), name


@pytest.fixture(scope="module")
def local_cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster


def test_local_cluster_matches_a_local_run_and_resumes(local_cluster, tmp_path):
    from forewarn.engine.cluster import DaskExecutor

    case = forewarn.load_case(write_case(tmp_path / "c"))
    local = forewarn.run(case, n=25, seed=7, out=tmp_path / "local", chunk_size=9)
    with DaskExecutor(local_cluster.scheduler_address) as executor:
        assert executor._max_workers == 2
        remote = forewarn.run(case, n=25, seed=7, out=tmp_path / "dask", chunk_size=9, executor=executor)
    same_outcomes(local, remote)

    # A run stopped after its first chunks, finished on the cluster.
    class Stop(Exception):
        pass

    def stop(done, total):
        if done >= 18:
            raise Stop

    with pytest.raises(Stop):
        forewarn.run(case, n=25, seed=7, out=tmp_path / "resumed", chunk_size=9, progress=stop)
    with DaskExecutor(local_cluster.scheduler_address) as executor:
        resumed = forewarn.run(case, n=25, seed=7, out=tmp_path / "resumed", chunk_size=9, executor=executor,
                               resume=True)
    same_outcomes(local, resumed)


def test_unreachable_scheduler_is_bad_input():
    from forewarn.engine.cluster import DaskExecutor

    # A port bound here and not listening: connections to it are refused while the test holds it.
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        with pytest.raises(forewarn.InputError, match="--scheduler.*cannot reach a Dask scheduler"):
            DaskExecutor(f"tcp://127.0.0.1:{port}", timeout=1)


def _wait_for(path: Path, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.is_file() and path.stat().st_size:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{path} did not appear")


def test_dask_scheduler_and_two_workers_from_the_command_line(tmp_path, cli):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(forewarn.__file__).parents[1]), env.get("PYTHONPATH", "")])
    file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
         "--no-dashboard", "--scheduler-file", str(file)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        _wait_for(file)
        address = json.loads(file.read_text())["address"]
        for _ in range(2):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(file),
                 "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        path = write_case(tmp_path / "c")
        code, stdout, stderr = cli("run", path, "-n", 20, "--seed", 3, "--chunk-size", 8, "--out", tmp_path / "d",
                                   "--scheduler", address)
        assert code == 0, stderr
        local = forewarn.run(forewarn.load_case(path), n=20, seed=3, chunk_size=8, out=tmp_path / "l")
        same_outcomes(local, forewarn.open_results(tmp_path / "d"))
        code, stdout, stderr = cli("run", str(path), "-n", "20", "--out", str(tmp_path / "x"), "--scheduler", address,
                  "--workers", "2")
        assert code == 2 and "--scheduler" in stderr
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_search_on_a_cluster_finds_the_same_pareto_set(local_cluster, tmp_path):
    import pandas as pd

    from forewarn.analysis.search import search
    from forewarn.engine.cluster import DaskExecutor
    from test_analysis_search import CASE, MODEL

    (tmp_path / "zdt_model.py").write_text(MODEL)
    (tmp_path / "zdt.toml").write_text(CASE)
    kw = dict(futures=6, evaluations=120, population=20, seed=4, test_futures=6)
    local = search(tmp_path / "zdt.toml", out=tmp_path / "a", **kw)
    with DaskExecutor(local_cluster.scheduler_address) as executor:
        remote = search(tmp_path / "zdt.toml", out=tmp_path / "b", executor=executor, **kw)
    pd.testing.assert_frame_equal(local.pareto, remote.pareto)
