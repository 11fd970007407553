"""``forewarn case check|show``: exit 0 with a summary, exit 2 with one line, nothing written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


CASES = Path(__file__).resolve().parent / "fixtures" / "cases"
BAD = sorted(p.stem for p in CASES.glob("bad_*.toml"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def cases_copy(tmp_path: Path) -> Path:
    target = tmp_path / "cases"
    shutil.copytree(CASES, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.parametrize("command", [["check", "--full"], ["show"]])
def test_check_good_case_in_full(cases_copy, cli, command):
    before = snapshot(cases_copy)
    code, out, err = cli("case", *command, str(cases_copy / "toy.toml"))
    assert code == 0, err
    for word in ("toy", "uncertainties (4)", "levers (2)", "strategies (2)", "outcomes (3)", "F0001", "calm", "cheap", "ok"):
        assert word in out
    assert "assumption:" in out
    assert snapshot(cases_copy) == before


def test_check_prints_a_summary_by_default(cases_copy, cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    code, out, err = cli("case", "check", cases_copy / "toy.toml")
    assert code == 0, err
    assert "uncertainties (4): a, k, mode, shock" in out and "strategies (2): cheap" in out
    assert "F0001" not in out  # the sources are in the full tables only
    assert "--full" in out
    full = cli("case", "check", "--full", cases_copy / "toy.toml").stdout
    assert len(out.splitlines()) < len(full.splitlines()) / 2


def test_check_accepts_the_built_in_case_name(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no file called "kosovo" here
    code, out, err = cli("case", "check", "kosovo")
    assert code == 0, err
    assert out.startswith("kosovo") and "case.toml" in out and "ok  case hash" in out
    assert len(out.splitlines()) < 40


def test_full_check_shows_stress_ranges_and_lever_costs(cli):
    code, out, err = cli("case", "check", "--full", "kosovo", env={"COLUMNS": "400"})
    assert code == 0, err
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 3}
    assert "stress range" in out and "cost" in out
    assert "4,500 … 20,000" in rows["threat_base"] and "0.25 … 3" in rows["ksf_plan_pace"]
    assert "priced by us_deal_price" in rows["us_deal"]
    assert "free: A split of the defence budget" in rows["equipment_share"]


def test_years_have_no_thousands_separator(cli):
    code, out, err = cli("case", "check", "--full", "kosovo", env={"COLUMNS": "250"})
    assert code == 0, err
    assert "2026 … 2040" in out  # us_withdrawal_year, unit "year"
    # Years of the time axis and year-valued constants and uncertainties (2025 to 2040).
    assert not re.search(r"\b2,0[234]\d\b", out), re.search(r".*\b2,0[234]\d\b.*", out).group(0)
    assert "2025" in out and "2035" in out


@pytest.mark.parametrize("stem", BAD)
def test_check_bad_case_exits_2_with_one_line(cases_copy, cli, stem):
    path = cases_copy / f"{stem}.toml"
    before = snapshot(cases_copy)
    code, out, err = cli("case", "check", str(path))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {path}:")
    marked = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "# error here" in t)
    assert f"{path.name}:{marked}:" in lines[0]
    if stem.startswith("bad_model"):
        assert ": model: " in lines[0]
    assert snapshot(cases_copy) == before  # nothing written, not even bytecode


def test_missing_file_exits_2(tmp_path, cli):
    code, _, err = cli("case", "check", str(tmp_path / "none.toml"))
    assert code == 2 and "no such case file" in err


def test_command_line_in_its_own_process(tmp_path):
    # `python -m forewarn` runs what the installed `forewarn` script runs (forewarn.cli:main).
    exe = [sys.executable, "-m", "forewarn"]
    ok = subprocess.run([*exe, "case", "check", str(CASES / "toy.toml")], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([*exe, "case", "check", str(CASES / "bad_kind.toml")], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "bad_kind.toml:13: uncertainties.b.kind:" in bad.stderr


def test_check_reports_a_bad_signpost_with_its_line(tmp_path, cli):
    toy = (CASES / "toy.toml").read_text()
    for extra in CASES.glob("*.py"):
        shutil.copy(extra, tmp_path / extra.name)
    bad = tmp_path / "toy.toml"
    bad.write_text(toy.replace('uncertainty = "shock"', 'uncertainty = "no_such_thing"'))
    code, _, err = cli("case", "check", str(bad))
    assert code == 2
    assert "toy.toml" in err and "no_such_thing" in err and "shock_seen" in err


def test_run_accepts_the_built_in_case_name(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("run", "kosovo", "-n", 4, "--out", tmp_path / "run")
    assert code == 0, err
    assert "24 experiments: 4 futures x 6 strategies" in out


def test_a_file_named_like_the_built_in_case_wins(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kosovo").write_text("not toml [", encoding="utf-8")
    code, _, err = cli("case", "check", "kosovo")
    assert code == 2 and "kosovo:1: invalid TOML" in err
