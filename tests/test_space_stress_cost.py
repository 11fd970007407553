"""Case format: stress ranges of uncertainties, the cost of levers, cases that require provenance."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forewarn.engine.design import sample
from forewarn.engine.space import load_case, parse_case
from forewarn.errors import CaseError, InputError

BASE = {
    "name": "mini",
    "model": "pkg.mod:fn",
    "uncertainties": [
        {"name": "a", "kind": "real", "low": 0.0, "high": 1.0, "stress": {"low": -1.0, "high": 2.0},
         "assumption": "An assumed range, widened under stress."},
        {"name": "b", "kind": "integer", "low": 1, "high": 3, "sources": ["F0001"]},
        {"name": "q", "kind": "real", "low": 1.0, "high": 1.0, "stress": {"low": 1.0, "high": 2.5},
         "assumption": "Neutral on the sourced ranges."},
    ],
    "levers": [
        {"name": "x", "kind": "integer", "low": 0, "high": 10, "default": 3, "sources": ["F0002"],
         "cost": {"priced_by": ["price"], "note": "Paid per unit."}},
        {"name": "flag", "kind": "boolean", "assumption": "A choice.", "cost": {"free": "Talks only."}},
    ],
    "constants": {"price": {"value": 2.0, "assumption": "A stated price."}},
    "outcomes": [{"name": "y", "direction": "minimize"}],
}


def case(**changes):
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def test_stress_ranges_swap_in_by_name():
    c = parse_case(case())
    assert c.stress_names == ["a", "q"]
    assert c.with_ranges("sourced") is c
    s = c.with_ranges("stress")
    assert (s.parameter("a").low, s.parameter("a").high) == (-1.0, 2.0)
    assert (s.parameter("q").low, s.parameter("q").high) == (1.0, 2.5)
    assert s.parameter("b") == c.parameter("b")
    assert s.parameter("a").default_value == c.parameter("a").default_value
    assert s.hash() != c.hash()
    design = sample(s, 200, "lhs", 1)
    assert design["a"].min() < 0.0 and design["a"].max() > 1.0
    assert design["q"].max() > 1.0
    assert sample(c, 50, "lhs", 1)["q"].eq(1.0).all()  # a range of width zero is a fixed value
    with pytest.raises(InputError, match="unknown set of ranges 'stres'"):
        c.with_ranges("stres")


def test_a_case_without_the_new_fields_keeps_its_hash():
    plain = {"name": "m", "model": "p.m:f", "uncertainties": [{"name": "a", "kind": "real", "low": 0.0, "high": 1.0}],
             "outcomes": [{"name": "y"}]}
    data = parse_case(plain).canonical()
    assert "provenance" not in data and "stress" not in data["uncertainties"][0]
    assert "cost" not in data["uncertainties"][0]


@pytest.mark.parametrize(
    "where, bad, words",
    [
        ("uncertainties", {"stress": {"low": 0.5, "high": 2.0}}, "must contain the sourced range"),
        ("uncertainties", {"stress": {"low": 2.0, "high": -1.0}}, "stress low (2.0) is above stress high"),
        ("uncertainties", {"stress": {"low": "x", "high": 2.0}}, "finite number"),
        ("uncertainties", {"cost": {"free": "why"}}, "only for levers"),
        ("levers", {"stress": {"low": 0, "high": 20}}, "only for uncertainties"),
        ("levers", {"cost": {"priced_by": ["nothing_here"]}}, "no uncertainty, lever or constant named 'nothing_here'"),
        ("levers", {"cost": {"free": "  "}}, "needs a stated reason"),
        ("levers", {"cost": {}}, "needs a stated reason"),
        ("levers", {"cost": {"priced_by": ["price"], "free": "both"}}, "not both"),
    ],
)
def test_bad_stress_or_cost_is_one_located_error(where, bad, words):
    data = case()
    data[where][0].update(bad)
    with pytest.raises(CaseError) as info:
        parse_case(data)
    assert words in str(info.value)
    assert f"{where}." in str(info.value)


def test_required_provenance_refuses_a_lever_without_a_cost():
    data = case(provenance="required")
    parse_case(data)  # every lever states its cost
    del data["levers"][1]["cost"]
    with pytest.raises(CaseError, match=r"levers\.flag.*state its cost"):
        parse_case(data)
    parse_case({**data, "provenance": "optional"})  # an optional-provenance case only reports gaps


def test_required_provenance_refuses_an_unsourced_parameter():
    data = case(provenance="required")
    del data["uncertainties"][1]["sources"]
    with pytest.raises(CaseError, match=r"uncertainties\.b.*requires provenance"):
        parse_case(data)
    data = case(provenance="required", constants={"price": 2.0})
    with pytest.raises(CaseError, match=r"constants\.price.*requires provenance"):
        parse_case(data)


def test_case_check_fails_on_a_free_lever_without_a_reason(tmp_path: Path):
    """The command users type: exit 2, one line naming the file, the line and the field."""
    text = """name = "mini"
model = "model.py:fn"
provenance = "required"

[[levers]]
name = "deal"
kind = "boolean"
assumption = "A choice."
cost = { free = "" }

[[outcomes]]
name = "y"
"""
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "model.py").write_text("def fn(inputs):\n    return {'y': inputs['seed'] * 0.0}\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", "from forewarn.cli import main; main()", "case", "check", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "case.toml:9" in done.stderr and "levers.deal.cost" in done.stderr and "reason" in done.stderr
    path.write_text(text.replace('free = ""', 'free = "Assumed to cost nothing: talks only."'), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "from forewarn.cli import main; main()", "case", "check", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert load_case(path).parameter("deal").cost.free
