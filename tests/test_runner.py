"""The ensemble runner: determinism, atomic chunks, resume, refusals, bounded memory."""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forewarn
from forewarn.engine.design import experiments
from forewarn.errors import InputError, ModelOutputError
from forewarn.engine.results import open_results
from forewarn.engine.runner import run
from models_for_tests import write_case

N_FUTURES = 30  # x 2 strategies = 60 experiments


@pytest.fixture
def case(tmp_path):
    return forewarn.load_case(write_case(tmp_path / "case"))


def _bytes(results):
    """Every outcome column (series included) and the design, as raw bytes."""
    out = {name: np.ascontiguousarray(a).tobytes() for name, a in results.outcomes().items()}
    out["seed"] = results.experiments["seed"].to_numpy().tobytes()
    return out


def test_bit_identical_whatever_chunking_and_workers(case, tmp_path):
    reference = run(case, n=N_FUTURES, seed=11, out=tmp_path / "ref", chunk_size=10_000)
    assert reference.n == 2 * N_FUTURES
    assert len(reference.manifest["chunks"]) == 1
    want = _bytes(reference)
    ref_outcomes = reference.outcomes()
    assert ref_outcomes["level"].shape == (2 * N_FUTURES, 5)
    for label, kwargs in {
        "chunk 1": dict(chunk_size=1),
        "chunk 7": dict(chunk_size=7),
        "chunk 7, 2 processes": dict(chunk_size=7, workers=2),
        "chunk 4, thread executor": dict(chunk_size=4, executor=ThreadPoolExecutor(3)),
    }.items():
        res = run(case, n=N_FUTURES, seed=11, out=tmp_path / label.replace(" ", "_").replace(",", ""), **kwargs)
        got = _bytes(res)
        assert got.keys() == want.keys()
        for name in want:
            assert got[name] == want[name], f"{name} differs with {label}"
            if name != "seed":
                assert np.array_equal(res.outcomes([name])[name], ref_outcomes[name])
        assert res.experiments.equals(reference.experiments), label
    # Another seed really changes the outcomes (the test above could not pass by accident).
    other = run(case, n=N_FUTURES, seed=12, out=tmp_path / "other")
    assert _bytes(other)["final"] != want["final"]


def test_common_random_numbers_across_strategies(case, tmp_path):
    res = run(case, n=8, seed=5, out=tmp_path / "run")
    ex = res.experiments
    assert list(ex["strategy"][:4]) == ["idle", "push", "idle", "push"]
    by_future = ex.groupby("future")["seed"].nunique()
    assert (by_future == 1).all()
    assert ex.groupby("future")["drift"].nunique().eq(1).all()
    # Only `effort` differs between strategies (0 and 3), shifting each year by 0.1 * 3.
    level = res.outcomes(["level"])["level"]
    np.testing.assert_allclose(level[0::2] - level[1::2], np.cumsum(np.full((8, 5), 0.3), axis=1), atol=1e-12)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk_size=st.integers(1, 25), n=st.integers(1, 12))
def test_any_chunk_size_gives_the_same_rows(case, tmp_path_factory, chunk_size, n):
    folder = tmp_path_factory.mktemp("prop")
    a = run(case, n=n, seed=2, out=folder / "a", chunk_size=chunk_size)
    b = run(case, n=n, seed=2, out=folder / "b", chunk_size=1000)
    assert _bytes(a) == _bytes(b)
    assert a.manifest["n_chunks"] == -(-2 * n // chunk_size)
    assert sorted(c["index"] for c in a.manifest["chunks"]) == list(range(a.manifest["n_chunks"]))


def test_manifest_records_what_was_run(case, tmp_path):
    res = run(case, n=10, seed=3, out=tmp_path / "run", chunk_size=6, method="mc")
    m = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert m["format"] == "forewarn-run" and m["format_version"] == 1
    assert m["forewarn_version"] == forewarn.__version__
    assert m["case"]["name"] == "walk" and m["case"]["hash"] == case.hash()
    assert m["model"]["import"] == "models_for_tests.py:noisy"
    assert m["model"]["version"].startswith("1.0+sha256.")
    assert m["design"]["futures"]["method"] == "mc"
    assert m["seed"] == 3
    assert (m["n_experiments"], m["n_futures"], m["chunk_size"], m["n_chunks"]) == (20, 10, 6, 4)
    assert m["strategies"] == ["idle", "push"]
    assert m["years"] == [2026, 2027, 2028, 2029, 2030]
    assert {o["name"]: (o["kind"], o["direction"]) for o in m["outcomes"]} == {
        "final": ("scalar", "minimize"), "worst": ("scalar", "minimize"), "level": ("series", "info"),
    }
    assert set(m["packages"]) >= {"numpy", "pandas", "pyarrow", "scipy"}
    assert m["complete"] is True and m["created"]
    assert [c["rows"] for c in m["chunks"]] == [6, 6, 6, 2]
    res.verify()
    assert (tmp_path / "run" / "case.toml").read_text() == (case.path).read_text()
    assert res.case.hash() == case.hash()


def test_ready_design_and_case_path_and_strategies(case, tmp_path):
    design = experiments(case, 5, method="lhs", seed=9, strategies=["push"])
    res = run(case.path, design, out=tmp_path / "a", chunk_size=2)
    assert res.manifest["seed"] == 9 and res.manifest["strategies"] == ["push"]
    same = run(case, n=5, seed=9, strategies=["push"], out=tmp_path / "b")
    assert _bytes(res) == _bytes(same)
    # `design="lhs"` is a shorthand for method, as in forewarn.run(case, n=..., design="lhs").
    short = run(case, "lhs", n=5, seed=9, strategies=["push"], out=tmp_path / "c")
    assert _bytes(short) == _bytes(same)


def test_progress_reports_every_chunk(case, tmp_path):
    calls = []
    run(case, n=10, seed=1, out=tmp_path / "run", chunk_size=3, progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 20) and calls[-1] == (20, 20)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) == 1 + 7


class _CountingExecutor(ThreadPoolExecutor):
    """Counts how many submitted chunks are unfinished at once."""

    def __init__(self, workers):
        super().__init__(workers)
        self.lock = threading.Lock()
        self.live = 0
        self.peak = 0

    def submit(self, fn, /, *args, **kwargs):
        with self.lock:
            self.live += 1
            self.peak = max(self.peak, self.live)
        fut = super().submit(fn, *args, **kwargs)
        fut.add_done_callback(self._done)
        return fut

    def _done(self, _):
        with self.lock:
            self.live -= 1


def test_at_most_workers_plus_one_chunks_in_flight(case, tmp_path):
    pool = _CountingExecutor(2)
    run(case, n=40, seed=1, out=tmp_path / "run", chunk_size=2, executor=pool)
    pool.shutdown()
    assert 1 <= pool.peak <= 3


def test_resume_skips_done_chunks_and_ignores_strays(case, tmp_path):
    out = tmp_path / "run"
    full = run(case, n=20, seed=4, out=out, chunk_size=5)
    want = _bytes(full)
    m = json.loads((out / "manifest.json").read_text())
    kept = [c for c in m["chunks"] if c["index"] in (0, 1, 3)]
    m["chunks"], m["complete"] = kept, False
    (out / "manifest.json").write_text(json.dumps(m))
    chunks = out / "chunks"
    # Stray files a killed run could leave: a half-written temporary file, and chunk files that
    # the manifest does not record (one with wrong numbers in a pending slot, one out of range).
    (chunks / ".part-000002.parquet.x1.tmp").write_bytes(b"PAR1 half written")
    (chunks / "part-000002.parquet").write_bytes((chunks / "part-000000.parquet").read_bytes())
    (chunks / "part-000099.parquet").write_bytes((chunks / "part-000000.parquet").read_bytes())
    (chunks / "part-000005.parquet").unlink()
    mtime = (chunks / "part-000003.parquet").stat().st_mtime_ns

    partial = open_results(out, allow_incomplete=True)
    assert partial.n == 15
    assert partial.query("select count(*) as k from results")["k"][0] == 15  # strays unseen
    with pytest.raises(InputError, match="incomplete"):
        open_results(out)

    calls = []
    res = run(case, n=20, seed=4, out=out, chunk_size=5, resume=True, progress=lambda d, t: calls.append(d))
    assert calls[0] == 15 and calls[-1] == 40
    assert _bytes(res) == want
    assert (chunks / "part-000003.parquet").stat().st_mtime_ns == mtime  # done chunks not redone
    assert sorted(p.name for p in chunks.iterdir()) == [f"part-{i:06d}.parquet" for i in range(8)]
    res.verify()
    assert res.manifest["complete"] and res.manifest.get("resumed")


def test_resume_recomputes_recorded_chunks_that_did_not_reach_the_disk_whole(case, tmp_path):
    # After a power cut a recorded chunk may be truncated or zeroed: its size or hash no longer
    # matches the manifest, so a resume recomputes it instead of reading it.
    out = tmp_path / "run"
    want = _bytes(run(case, n=20, seed=4, out=out, chunk_size=5))
    m = json.loads((out / "manifest.json").read_text())
    m["complete"] = False
    (out / "manifest.json").write_text(json.dumps(m))
    chunks = out / "chunks"
    data = (chunks / "part-000001.parquet").read_bytes()
    (chunks / "part-000001.parquet").write_bytes(data[: len(data) // 2])
    (chunks / "part-000004.parquet").write_bytes(b"\0" * len((chunks / "part-000004.parquet").read_bytes()))
    untouched = (chunks / "part-000002.parquet").stat().st_mtime_ns
    res = run(case, n=20, seed=4, out=out, chunk_size=5, resume=True)
    assert _bytes(res) == want
    assert (chunks / "part-000002.parquet").stat().st_mtime_ns == untouched
    res.verify()


def test_resume_refuses_a_different_run(case, tmp_path):
    out = tmp_path / "run"
    run(case, n=6, seed=4, out=out, chunk_size=5)
    before = (out / "manifest.json").read_bytes()
    with pytest.raises(InputError, match=r"seed: 5 now, 4 in the run"):
        run(case, n=6, seed=5, out=out, chunk_size=5, resume=True)
    with pytest.raises(InputError, match="chunk size"):
        run(case, n=6, seed=4, out=out, chunk_size=4, resume=True)
    with pytest.raises(InputError, match="design"):
        run(case, n=7, seed=4, out=out, chunk_size=5, resume=True)
    other = forewarn.load_case(write_case(tmp_path / "other", model="slow_noisy"))
    with pytest.raises(InputError, match="case"):
        run(other, n=6, seed=4, out=out, chunk_size=5, resume=True)
    assert (out / "manifest.json").read_bytes() == before
    # A complete matching run resumes to itself.
    assert run(case, n=6, seed=4, out=out, chunk_size=5, resume=True).n == 12


def test_refuses_non_empty_folders_unless_overwrite(case, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        run(case, n=3, out=out)
    with pytest.raises(InputError, match="not empty"):
        run(case, n=3, out=out, resume=True)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    run(case, n=3, out=out, overwrite=True)
    with pytest.raises(InputError, match="already holds a run"):
        run(case, n=3, out=out)
    res = run(case, n=4, seed=1, out=out, overwrite=True, chunk_size=3)
    assert res.n == 8 and (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in (out / "chunks").iterdir()) == ["part-000000.parquet", "part-000001.parquet", "part-000002.parquet"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="file"):
        run(case, n=3, out=tmp_path / "file")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n=0), "n"),
        (dict(n=3, chunk_size=0), "chunk-size"),
        (dict(n=3, workers=0), "workers"),
        (dict(n=3, method="latin"), "unknown sampling method"),
        (dict(n=3, strategies=["nope"]), "no strategy named 'nope'"),
        (dict(n=3, seed=-1), "seed"),
        (dict(), "number of futures"),
    ],
)
def test_bad_arguments_create_nothing(case, tmp_path, kwargs, match):
    out = tmp_path / "run"
    with pytest.raises(InputError, match=match):
        run(case, out=out, **kwargs)
    assert not out.exists()


def test_model_returning_nan_fails_and_leaves_no_chunk(tmp_path):
    case = forewarn.load_case(write_case(tmp_path / "case", model="nan_noisy"))
    design = experiments(case, 30, seed=8)
    drift = design.rows(0, design.n)["drift"].to_numpy()
    first_bad = int(np.flatnonzero(drift > 0.9)[0])
    chunk = 4
    bad_chunk = first_bad // chunk
    assert bad_chunk >= 1  # the seed is chosen so that some chunks succeed first
    out = tmp_path / "run"
    with pytest.raises(ModelOutputError, match=rf"outcome 'final'.*NaN in experiment {first_bad}\b"):
        run(case, design, out=out, chunk_size=chunk)
    files = sorted(p.name for p in (out / "chunks").iterdir())
    assert files == [f"part-{i:06d}.parquet" for i in range(bad_chunk)]
    m = json.loads((out / "manifest.json").read_text())
    assert not m["complete"] and [c["index"] for c in m["chunks"]] == list(range(bad_chunk))


@pytest.mark.slow
def test_nan_in_a_worker_process_fails_the_same_way(tmp_path):
    case = forewarn.load_case(write_case(tmp_path / "case", model="nan_noisy"))
    out = tmp_path / "run"
    with pytest.raises(ModelOutputError, match="NaN"):
        run(case, n=30, seed=8, out=out, chunk_size=4, workers=2)
    assert not list((out / "chunks").glob("*.tmp"))
    m = json.loads((out / "manifest.json").read_text())
    assert not m["complete"]


def test_design_made_for_another_case_is_refused(case, tmp_path):
    other = forewarn.load_case(write_case(tmp_path / "other", model="slow_noisy"))
    with pytest.raises(InputError, match="made for another case"):
        run(case, experiments(other, 3, seed=1), out=tmp_path / "run")
    assert not (tmp_path / "run").exists()


def test_model_exceptions_name_the_chunk(tmp_path):
    path = write_case(tmp_path / "case", model="noisy")
    (tmp_path / "case" / "boom.py").write_text("def boom(inputs):\n    raise ZeroDivisionError('boom')\n")
    path.write_text(path.read_text().replace("models_for_tests.py:noisy", "boom.py:boom"))
    with pytest.raises(forewarn.ForewarnError, match=r"model failed in chunk 0 \(experiments 0\.\.3\): ZeroDivisionError: boom"):
        run(forewarn.load_case(path), n=2, out=tmp_path / "run")


# ---------------------------------------------------------------- a full disk, a killed parent


def _fill_disk_from_chunk(monkeypatch, first_full: int):
    """Make writing chunk files from index ``first_full`` on fail as a full disk does."""
    import errno
    import os

    from forewarn.engine import runner as runner_mod

    real = runner_mod._write_bytes_atomic

    def write(path, data, **kwargs):
        if path.name.startswith("part-") and int(path.name[5:11]) >= first_full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, data, **kwargs)

    monkeypatch.setattr(runner_mod, "_write_bytes_atomic", write)


@pytest.mark.parametrize("executor", [None, "threads"])
def test_a_full_disk_says_the_disk_is_full_and_keeps_the_chunks_done(case, tmp_path, monkeypatch, executor):
    out = tmp_path / "run"
    want = _bytes(run(case, n=20, seed=4, out=tmp_path / "clean", chunk_size=5))
    _fill_disk_from_chunk(monkeypatch, 2)
    pool = ThreadPoolExecutor(2) if executor else None
    with pytest.raises(forewarn.ForewarnError) as info:
        run(case, n=20, seed=4, out=out, chunk_size=5, executor=pool)
    if pool:
        pool.shutdown()
    message = str(info.value)
    assert not isinstance(info.value, InputError)  # not the user's input: exit 1, no retry by overwrite
    assert message.startswith("the disk is full") and str(out) in message and "--resume" in message
    assert re.search(r"cannot write chunk [2-7] \(experiments \d+\.\.\d+\)", message)
    assert "model failed" not in message
    recorded = {c["index"] for c in json.loads((out / "manifest.json").read_text())["chunks"]}
    # in this process chunks are recorded in order; on an executor, whichever had finished
    assert recorded == {0, 1} if executor is None else recorded <= {0, 1}
    monkeypatch.undo()
    res = run(case, n=20, seed=4, out=out, chunk_size=5, resume=True)
    assert _bytes(res) == want


def test_a_full_disk_when_saving_the_manifest_says_so(case, tmp_path, monkeypatch):
    import errno
    import os

    from forewarn.engine import runner as runner_mod

    real = runner_mod._write_bytes_atomic

    def write(path, data, **kwargs):
        if path.name == "manifest.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, data, **kwargs)

    monkeypatch.setattr(runner_mod, "_write_bytes_atomic", write)
    out = tmp_path / "run"
    with pytest.raises(forewarn.ForewarnError, match=r"^the disk is full: cannot write the manifest") as info:
        run(case, n=4, out=out)
    assert str(out) in str(info.value)
    assert not (out / "manifest.json").exists()


def test_other_write_failures_name_the_run_folder(case, tmp_path, monkeypatch):
    import errno
    import os

    from forewarn.engine import runner as runner_mod

    def write(path, data, **kwargs):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(runner_mod, "_write_parquet_atomic", lambda table, path: write(path, b""))
    out = tmp_path / "run"
    with pytest.raises(forewarn.ForewarnError) as info:
        run(case, n=4, out=out)
    assert str(info.value) == f"cannot write chunk 0 (experiments 0..7) into the run folder {out}: {os.strerror(errno.EACCES)}"


SLEEPER = """\
import os, pathlib, time

def sleeper(inputs):
    # mark that a worker is in the model, then hold the chunk far longer than any test waits
    pathlib.Path(os.environ["FOREWARN_TEST_MARKS"], str(os.getpid())).touch()
    time.sleep(600)
"""


def test_workers_exit_when_the_run_process_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    path = write_case(tmp_path / "case")
    (tmp_path / "case" / "sleeper.py").write_text(SLEEPER)
    path.write_text(path.read_text().replace("models_for_tests.py:noisy", "sleeper.py:sleeper"))
    marks = tmp_path / "marks"
    marks.mkdir()
    env = {**os.environ, "FOREWARN_TEST_MARKS": str(marks),
           "PYTHONPATH": os.pathsep.join([str(forewarn.__path__[0].rsplit(os.sep, 1)[0]), os.environ.get("PYTHONPATH", "")])}
    code = "import sys, forewarn; forewarn.run(sys.argv[1], n=4, out=sys.argv[2], chunk_size=1, workers=2)"
    parent = subprocess.Popen([sys.executable, "-c", code, str(path), str(tmp_path / "run")], env=env)
    workers: list = []
    try:
        deadline = time.monotonic() + 120  # two spawned interpreters importing numpy on a busy machine
        while time.monotonic() < deadline and parent.poll() is None:
            pids = [int(p.name) for p in marks.iterdir()]
            if len(pids) >= 2:
                workers = [psutil.Process(pid) for pid in pids]
                break
            time.sleep(0.2)
        assert len(workers) == 2, f"the workers did not start (parent exit code {parent.poll()})"
        assert all(w.ppid() == parent.pid for w in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait()

        def alive(p) -> bool:
            try:
                return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                return False

        deadline = time.monotonic() + 30  # the watch acts at once on Linux, within a second elsewhere
        while time.monotonic() < deadline and any(alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(alive(w) for w in workers), "worker processes outlived the killed run"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for w in workers:
            try:
                w.kill()
            except psutil.NoSuchProcess:
                pass


WATCHED_CHILD = """\
import os, sys, time
from forewarn.engine import lifeline
parent = int(sys.argv[1])
if sys.argv[2] == "thread":
    lifeline._thread_watch(parent)  # the portable fallback, used where prctl is missing
else:
    lifeline.exit_with_parent(parent)
print("ready", flush=True)
time.sleep(600)
"""

LAUNCHER = """\
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1], str(os.getpid()), sys.argv[2]], stdout=subprocess.PIPE, text=True)
assert child.stdout.readline().strip() == "ready"
print(child.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("how", ["kernel-or-thread", "thread"])
def test_a_watched_process_exits_when_its_parent_is_killed(how):
    import os
    import signal
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(forewarn.__path__[0].rsplit(os.sep, 1)[0]), os.environ.get("PYTHONPATH", "")])}
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER, WATCHED_CHILD, how], stdout=subprocess.PIPE, text=True, env=env)
    child = None
    try:
        child = psutil.Process(int(launcher.stdout.readline()))
        launcher.send_signal(signal.SIGKILL)
        launcher.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if child.status() == psutil.STATUS_ZOMBIE:
                    break
            except psutil.NoSuchProcess:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the watched process outlived its parent")
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
        launcher.stdout.close()
        if child is not None:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass


def test_pending_chunks_are_never_listed_whole():
    from itertools import islice

    from forewarn.engine.runner import PendingChunks

    # a streaming design of 10^12 futures has 10^8 chunks of 10,000: they must not be listed
    pending = PendingChunks(10**8, frozenset({1, 3}))
    assert len(pending) == 10**8 - 2 and pending
    assert list(islice(pending, 4)) == [0, 2, 4, 5]
    assert not PendingChunks(2, frozenset({0, 1}))
