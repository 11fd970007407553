"""Hostile input on the command line: every case below exits 2 with one message that names the
file, line, field or option, writes nothing, and shows no traceback. A model that breaks its
contract is not bad input: it exits 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models_for_tests import write_case

CASES = Path(__file__).resolve().parent / "fixtures" / "cases"
ROOT = Path(__file__).resolve().parents[1]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_error(code: int, out: str, err: str, *, exit_code: int = 2) -> str:
    """The single error line, after checking the exit code and that nothing else was said."""
    assert code == exit_code, (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def toy(tmp_path) -> Path:
    """A copy of the toy case and its model in a folder of its own."""
    folder = tmp_path / "case"
    folder.mkdir()
    for f in CASES.glob("toy*"):
        shutil.copy(f, folder / f.name)
    return folder / "toy.toml"


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def both_commands(cli, case: Path, tmp_path: Path) -> list[str]:
    """The error lines of `case check` and of `run` on one case; `run` must write nothing."""
    before = snapshot(case.parent)
    lines = [one_error(*cli("case", "check", case))]
    lines.append(one_error(*cli("run", case, "-n", 3, "--out", tmp_path / "run")))
    assert not (tmp_path / "run").exists()
    assert snapshot(case.parent) == before
    return lines


# -- 1. nesting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["[" * 5_000 + "1" + "]" * 5_000, "{ a = " * 3_000 + "1" + " }" * 3_000],
    ids=["5000-deep-array", "3000-deep-inline-tables"],
)
def test_deeply_nested_toml(cli, toy, tmp_path, value):
    edit(toy, "[constants]\nbase = 1", f"[constants]\nbase = 1\ndeep = {value}")
    for line in both_commands(cli, toy, tmp_path):
        assert str(toy) in line and "nested more than 20 deep" in line


def test_nesting_under_the_parser_limit_is_refused_with_its_field(cli, toy, tmp_path):
    edit(toy, "[constants]\nbase = 1", "[constants]\nbase = 1\ndeep = " + "[" * 30 + "1" + "]" * 30)
    for line in both_commands(cli, toy, tmp_path):
        assert f"{toy}:" in line and "constants: tables or arrays nested more than 20 deep" in line


# -- 2. --where ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from forewarn.engine.runner import run

    out = tmp_path_factory.mktemp("where") / "run"
    run(CASES / "toy.toml", n=60, seed=2, out=out)
    return out


@pytest.mark.parametrize(
    "where, message",
    [
        ("total < -'a'", "a sign (- or +) applies to numbers only, not to 'a'"),
        ("-strategy < 1", "a sign (- or +) applies to numbers only, not to 'strategy'"),
        ("not " * 5_000 + "total > 1", "the expression has 20,009 characters; at most 2,000"),
        ("not " * 20_000 + "total > 1", "the expression has 80,009 characters; at most 2,000"),
        ("not " * 400 + "total > 1", "the expression nests too deeply (at most 50 levels)"),
        ("(" * 300 + "total > 1" + ")" * 300, "too many nested parentheses"),
    ],
    ids=["minus-text", "minus-strategy", "5000-not", "20000-not", "400-not", "300-parentheses"],
)
def test_bad_where(cli, run_dir, tmp_path, where, message):
    out = tmp_path / "boxes.csv"
    line = one_error(*cli("discover", run_dir, "--where", where, "--out", out))
    assert "--where" in line and message in line
    assert not out.exists()


# -- 3. discover options ------------------------------------------------------------------------


@pytest.mark.parametrize("depth", ["0", "-1"])
def test_cart_depth_below_one(cli, run_dir, depth):
    line = one_error(*cli("discover", run_dir, "--where", "total > 1", "--method", "cart", "--max-depth", depth))
    assert f"--max-depth: must be at least 1, got {depth}" in line


@pytest.mark.parametrize("option, value", [("--mass-min", "0"), ("--peel-alpha", "1.5"), ("--paste-alpha", "-0.1")])
def test_prim_shares_out_of_range(cli, run_dir, option, value):
    line = one_error(*cli("discover", run_dir, "--where", "total > 1", option, value))
    assert f"{option}: must be a share in" in line and value in line


# -- 5. output folders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "out, message",
    [
        ("/proc/self/nope", "cannot write in /proc/self"),  # not writable, even by root
        ("README.md", "is a file, not a folder"),
        ("README.md/run", "cannot be made"),
    ],
)
def test_run_to_an_output_that_cannot_be_written(cli, toy, out, message, monkeypatch):
    monkeypatch.chdir(ROOT)
    before = (ROOT / "README.md").read_bytes()
    line = one_error(*cli("run", toy, "-n", 3, "--out", out))
    assert f"{out}: --out: {message}" in line
    assert (ROOT / "README.md").read_bytes() == before


@pytest.mark.parametrize(
    "out, message",
    [("/proc/self/nope", "cannot write in /proc/self"), ("README.md", "is a file, not a folder")],
)
def test_brief_to_an_output_that_cannot_be_written(cli, tmp_path, out, message, monkeypatch):
    monkeypatch.chdir(ROOT)
    before = (ROOT / "README.md").read_bytes()
    line = one_error(*cli("brief", "-n", 100, "--out", out, "--db", tmp_path / "store.sqlite"))
    assert f"{out}: --out: {message}" in line
    assert (ROOT / "README.md").read_bytes() == before
    assert not (tmp_path / "store.sqlite").exists()


def test_analysis_output_file_in_an_unwritable_place(cli, run_dir):
    line = one_error(*cli("discover", run_dir, "--where", "total > 1", "--out", "/proc/self/nope/boxes.csv"))
    assert "/proc/self/nope: --out: cannot write in /proc/self" in line


# -- 7. one validation for `case check` and `run` -----------------------------------------------


def test_a_constant_the_model_cannot_use(cli, toy, tmp_path):
    edit(toy, "base = 1", 'base = "three"')
    line_no = toy.read_text().splitlines().index('base = "three"') + 1
    check, run = both_commands(cli, toy, tmp_path)
    assert check == run
    assert f"{toy}:{line_no}: constants.base: the model fails on the case's own default values" in check
    assert "base = 'three'" in check


def test_a_bad_signpost(cli, toy, tmp_path):
    edit(toy, 'uncertainty = "shock"', 'uncertainty = "no_such_thing"')
    check, run = both_commands(cli, toy, tmp_path)
    assert check == run
    assert "signposts.shock_seen.narrows.uncertainty" in check and "'no_such_thing'" in check


def test_sensitivity_checks_the_case_too(cli, toy):
    edit(toy, 'uncertainty = "shock"', 'uncertainty = "no_such_thing"')
    line = one_error(*cli("sensitivity", toy, "-n", 8))
    assert "signposts.shock_seen.narrows.uncertainty" in line


# -- 8. limits ----------------------------------------------------------------------------------


def test_a_case_file_over_the_size_limit(cli, toy, tmp_path):
    edit(toy, 'description = "A toy case', 'description = "' + "x" * 30_000_000 + ' A toy case')
    for line in both_commands(cli, toy, tmp_path):
        assert f"{toy}: the case file is larger than 1,048,576 bytes" in line


def test_a_text_over_the_length_limit(cli, toy, tmp_path):
    edit(toy, 'description = "A toy case', 'description = "' + "x" * 30_000 + ' A toy case')
    for line in both_commands(cli, toy, tmp_path):
        assert f"{toy}:3: description: text of 30,0" in line and "at most 20,000" in line


def test_too_many_years(cli, toy, tmp_path):
    edit(toy, "stop = 2030", "stop = 100000000")
    for line in both_commands(cli, toy, tmp_path):
        assert f"{toy}:" in line and "time.stop: 99,997,976 years from 2025 to 100000000" in line
        assert "at most 1,000" in line


# -- model faults are not bad input ------------------------------------------------------------


def test_a_model_returning_nan_exits_1_with_one_message(cli, tmp_path):
    case = write_case(tmp_path / "case", model="nan_noisy")
    code, out, err = cli("run", case, "-n", 30, "--seed", 8, "--chunk-size", 4, "--out", tmp_path / "run")
    line = one_error(code, out, err, exit_code=1)
    assert "outcome 'final'" in line and "NaN in experiment" in line
