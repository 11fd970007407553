"""``forewarn serve`` end to end: a separate process on a port the system picks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx2")

SRC = Path(__file__).resolve().parents[1] / "src"


def _serve(args, cwd, env_db):
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "FOREWARN_DB": str(env_db), "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "forewarn", "serve", "--port", "0",
                             *args], cwd=cwd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if m:
            return proc, f"http://127.0.0.1:{m.group(1)}", lines
    proc.kill()
    proc.wait(timeout=30)
    proc.stderr.close()
    raise AssertionError("the server did not announce its address:\n" + "".join(lines))


def _stop(proc):
    proc.terminate()
    proc.wait(timeout=30)
    proc.stderr.close()


@pytest.mark.timeout(300)
def test_first_start_creates_the_kosovo_run_and_shows_the_brief(tmp_path, store_file):
    proc, url, lines = _serve(["-n", "120"], tmp_path, store_file)
    try:
        assert any("Preparing the Kosovo case's default run" in line for line in lines)
        body = httpx.get(f"{url}/overview.json", timeout=120).json()
        assert body["run"]["futures"] == 120 and body["run"]["case"] == "kosovo"
        assert [s["number"] for s in body["brief"]["sections"]] == [1, 2, 3, 4, 5]
        assert body["objective"]["text"] == "min_margin >= 1"
        assert (tmp_path / "runs" / "brief" / "run" / "manifest.json").is_file()
        page = httpx.get(f"{url}/", timeout=60).text
        assert "Would American soldiers remain in KFOR" in page
        runs = httpx.get(f"{url}/runs.json", timeout=60).json()["runs"]
        assert "runs/brief/run" in [r["id"] for r in runs]
    finally:
        _stop(proc)


@pytest.mark.timeout(300)
def test_serve_a_run_with_a_token(tmp_path, store_file):
    from web_support import make_run

    run = make_run(tmp_path, n=100)
    token = "a-token-long-enough-to-pass"
    proc, url, _ = _serve(["--run", str(run), "--token", token], tmp_path, store_file)
    try:
        assert httpx.get(f"{url}/runs.json", timeout=60).status_code == 403
        r = httpx.get(f"{url}/futures.json", headers={"authorization": f"Bearer {token}"}, timeout=60)
        assert r.status_code == 200 and r.json()["total"] == 100
    finally:
        _stop(proc)
