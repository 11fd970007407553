"""Case files: loading, validation errors (file, line, field), lookups, hashing."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from forewarn.errors import CaseError, InputError
from forewarn.engine.space import Case, Constant, Parameter, TimeAxis, load_case, parse_case
from optional import requires_ema

CASES = Path(__file__).resolve().parent / "fixtures" / "cases"

MINIMAL = {
    "name": "mini",
    "model": "pkg.mod:fn",
    "uncertainties": [{"name": "a", "kind": "real", "low": 0.0, "high": 1.0}],
    "levers": [{"name": "x", "kind": "integer", "low": 0, "high": 10, "default": 3}],
    "outcomes": [{"name": "y", "direction": "minimize"}],
}


def marked_line(path: Path) -> int:
    """The line carrying the `# error here` marker in a bad fixture."""
    lines = [i for i, text in enumerate(path.read_text().splitlines(), 1) if "# error here" in text]
    assert len(lines) == 1, path
    return lines[0]


# (file, field named in the message, words of the message)
BAD_CASES = [
    ("bad_syntax", None, "invalid TOML"),
    ("bad_kind", "uncertainties.b.kind", "'real', 'integer', 'categorical' or 'boolean'"),
    ("bad_low_high", "uncertainties.b.low", "low (0.5) is above high (0.45)"),
    ("bad_missing_name", "uncertainties[1].name", "required key 'name' is missing"),
    ("bad_duplicate", "levers.a.name", "name 'a' is already used by uncertainties.a"),
    ("bad_type", "uncertainties.b.low", "must be a number, got str 'zero'"),
    ("bad_unknown_key", "uncertainties.b.hihg", "unknown key 'hihg'"),
    ("bad_categorical", "uncertainties.regime.choices", "needs a non-empty list of `choices`"),
    ("bad_default", "levers.effort.default", "default 12 is outside [0, 10]"),
    ("bad_strategy_lever", "strategies.plan.levers.efort", "no lever named 'efort' (levers: effort)"),
    ("bad_strategy_value", "strategies.plan.levers.effort", "value 30 is outside [0, 10]"),
    ("bad_series", "outcomes.path.kind", "needs a [time] table"),
    ("bad_no_outcomes", "outcomes", "at least one outcome"),
]


@pytest.mark.parametrize(("stem", "field", "words"), BAD_CASES, ids=[b[0] for b in BAD_CASES])
def test_bad_case_gives_one_located_error(stem, field, words):
    path = CASES / f"{stem}.toml"
    with pytest.raises(CaseError) as info:
        load_case(path)
    err = info.value
    message = str(err)
    assert "\n" not in message
    assert message.startswith(f"{path}:{marked_line(path)}: ")
    assert err.line == marked_line(path)
    assert err.source == str(path)
    assert err.field == field
    if field:
        assert f": {field}: " in message
    assert words in message


def test_error_is_an_input_error_with_exit_code_2():
    with pytest.raises(InputError) as info:
        load_case(CASES / "bad_kind.toml")
    assert info.value.exit_code == 2


def test_missing_file():
    with pytest.raises(CaseError, match="no such case file"):
        load_case(CASES / "does_not_exist.toml")


def test_toy_case_loads(toy_case):
    assert toy_case.name == "toy"
    assert toy_case.uncertainty_names == ["a", "k", "mode", "shock"]
    assert toy_case.lever_names == ["effort", "units"]
    assert toy_case.outcome_names == ["total", "peak", "path"]
    assert toy_case.strategy_names == ["cheap", "strong"]
    assert toy_case.path == CASES / "toy.toml"
    assert toy_case.constants["base"].value == 1  # a bare value
    assert toy_case.constants["scale"].sources == ("F0002",)
    np.testing.assert_array_equal(toy_case.time.years, np.arange(2025, 2031))
    assert len(toy_case.time) == 6
    assert toy_case.signposts[0]["name"] == "shock_seen"


def test_lookups(toy_case):
    assert toy_case.parameter("k").kind == "integer"
    assert toy_case.parameter("units").high == 100
    assert toy_case.strategy_levers("cheap") == {"effort": 1.0, "units": 10}
    assert toy_case.strategy_levers("strong") == {"effort": 8.0, "units": 50}
    assert toy_case.strategy_levers("default") == {"effort": 2.0, "units": 10}
    assert toy_case.defaults() == {
        "a": 0.5, "k": 3, "mode": "calm", "shock": False, "effort": 2.0, "units": 10, "scale": 2.0, "base": 1,
    }
    with pytest.raises(InputError, match=r"no strategy named 'bold' \(known: cheap, strong\)"):
        toy_case.strategy("bold")
    with pytest.raises(InputError, match="no uncertainty or lever named 'zz'"):
        toy_case.parameter("zz")
    assert toy_case.unsourced() == [
        "uncertainties.mode", "uncertainties.shock", "levers.effort", "levers.units", "constants.base",
    ]


def test_case_without_strategies_has_default():
    case = parse_case(MINIMAL)
    assert case.strategy_names == ["default"]
    assert case.strategy_levers("default") == {"x": 3}
    assert case.path is None


def test_hash_ignores_path_order_and_layout(tmp_path, toy_case):
    copy_path = tmp_path / "elsewhere.toml"
    text = (CASES / "toy.toml").read_text()
    copy_path.write_text("# another comment\n" + text.replace("low = 0.0\n", "low = 0\n", 1))
    shutil.copy(CASES / "toy_model.py", tmp_path)
    assert load_case(copy_path).hash() == toy_case.hash()
    data = copy.deepcopy(MINIMAL)
    reordered = dict(reversed(list(data.items())))
    assert parse_case(data).hash() == parse_case(reordered).hash()
    assert re.fullmatch(r"[0-9a-f]{64}", toy_case.hash())


def test_hash_changes_with_content():
    base = parse_case(MINIMAL).hash()
    changed = copy.deepcopy(MINIMAL)
    changed["uncertainties"][0]["high"] = 2.0
    assert parse_case(changed).hash() != base
    described = copy.deepcopy(MINIMAL)
    described["levers"][0]["sources"] = ["F0001"]
    assert parse_case(described).hash() != base


def test_case_is_frozen(toy_case):
    with pytest.raises(Exception):
        toy_case.name = "other"


def test_errors_without_file_use_positions():
    data = copy.deepcopy(MINIMAL)
    data["uncertainties"][0] = {"kind": "real", "low": 2.0, "high": 1.0}
    with pytest.raises(CaseError) as info:
        parse_case(data)
    assert info.value.field == "uncertainties[0].name"
    assert info.value.line is None


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"model": "no_colon"}, "model", "must be 'file.py:function'"),
        ({"name": 3}, "name", "string"),
        ({"extra": 1}, "extra", "unknown key 'extra'"),
        ({"time": {"start": 2030, "stop": 2025}}, "time.stop", "before start"),
        ({"constants": {"seed": 1}}, "constants.seed", "reserved"),
        ({"constants": {"a": 1}}, "constants.a", "already used by uncertainties.a"),
        ({"outcomes": [{"name": "y"}, {"name": "y"}]}, "outcomes.y.name", "already used by outcomes.y"),
        ({"outcomes": [{"name": "y", "direction": "up"}]}, "outcomes.y.direction", "'maximize', 'minimize' or 'info'"),
        ({"strategies": [{"name": "s"}, {"name": "s"}]}, "strategies.s.name", "used twice"),
        ({"uncertainties": [{"name": "a", "kind": "integer", "low": 0.5, "high": 2}]}, "uncertainties.a.low", "whole number"),
        ({"uncertainties": [{"name": "a", "kind": "boolean", "low": 0}]}, "uncertainties.a.low", "only for real and integer"),
        ({"uncertainties": [{"name": "a", "kind": "real", "low": 0, "high": 1, "choices": [1]}]}, "uncertainties.a.choices", "only for categorical"),
        ({"uncertainties": [{"name": "a", "kind": "categorical", "choices": ["p", "p"]}]}, "uncertainties.a.choices[1]", "listed twice"),
        ({"uncertainties": [{"name": "a", "kind": "categorical", "choices": ["p"], "default": "q"}]}, "uncertainties.a.default", "not one of the choices"),
        ({"uncertainties": [{"name": "a", "kind": "boolean", "default": 1}]}, "uncertainties.a.default", "true or false"),
        ({"uncertainties": [{"name": "bad name", "kind": "boolean"}]}, "uncertainties[0].name", "Python identifier"),
        ({"uncertainties": [{"name": "seed", "kind": "boolean"}]}, "uncertainties.seed.name", "reserved"),
        ({"uncertainties": [{"name": "a", "kind": "real", "low": 0, "high": float("inf")}]}, "uncertainties.a.high", "finite"),
        ({"strategies": [{"name": "s", "levers": {"x": 2.5}}]}, "strategies.s.levers.x", "whole number"),
    ],
)
def test_validation_errors(change, field, words):
    data = copy.deepcopy(MINIMAL)
    data.update(change)
    with pytest.raises(CaseError) as info:
        parse_case(data, source="case.toml")
    assert info.value.field == field, str(info.value)
    assert words in str(info.value)
    assert str(info.value).startswith(f"case.toml: {field}: ")


def test_several_problems_are_counted():
    data = copy.deepcopy(MINIMAL)
    data["uncertainties"] = [{"name": "a", "kind": "nope"}, {"name": "b", "kind": "nope"}]
    with pytest.raises(CaseError, match=r"\(and 1 more problem\)"):
        parse_case(data)


def test_line_of_constant_and_top_level_key(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        'name = "c"\nmodel = "m:f"\nbogus = 1\n\n[constants.k]\nvalue = 1\n\n[[outcomes]]\nname = "y"\n'
    )
    with pytest.raises(CaseError) as info:
        load_case(path)
    assert info.value.line == 3 and info.value.field == "bogus"
    path.write_text('name = "c"\nmodel = "m:f"\n\n[constants.k]\nvalue = 1\nunits = "x"\n\n[[outcomes]]\nname = "y"\n')
    with pytest.raises(CaseError) as info:
        load_case(path)
    assert (info.value.line, info.value.field) == (6, "constants.k.units")


def test_parameter_values_and_dtypes():
    real = Parameter(name="r", kind="real", low=1, high=2)
    assert isinstance(real.low, float) and real.default_value == 1.5 and real.dtype == np.float64
    integer = Parameter(name="i", kind="integer", low=1, high=4)
    assert integer.default_value == 2 and integer.dtype == np.int64
    assert integer.check_value(5) == "5 is outside [1, 4]"
    assert integer.check_value(np.int64(3)) is None
    cat = Parameter(name="c", kind="categorical", choices=["x", "y"])
    assert cat.values == ("x", "y") and cat.default_value == "x" and cat.dtype == object
    assert Parameter(name="c", kind="categorical", choices=[1, 2]).dtype == np.int64
    boolean = Parameter(name="b", kind="boolean")
    assert boolean.values == (False, True) and boolean.dtype == np.bool_
    assert boolean.check_value(True) is None and boolean.check_value(1) is not None


def test_constants_accept_bare_values_and_lists():
    assert Constant.model_validate(3).value == 3
    assert Constant.model_validate([1, 2.5]).value == (1, 2.5)
    with pytest.raises(Exception):
        Constant.model_validate(["a", "b"])


def test_time_axis_step():
    axis = TimeAxis(start=2025, stop=2035, step=5)
    np.testing.assert_array_equal(axis.years, [2025, 2030, 2035])
    assert len(axis) == 3


def test_case_model_validate_directly():
    case = Case.model_validate({**MINIMAL})
    assert case.lever_names == ["x"]


@requires_ema
def test_to_ema(toy_case):
    uncertainties, levers, outcomes = toy_case.to_ema()
    assert [u.name for u in uncertainties] == toy_case.uncertainty_names
    assert [type(u).__name__ for u in uncertainties] == [
        "RealParameter", "IntegerParameter", "CategoricalParameter", "BooleanParameter",
    ]
    assert [lv.name for lv in levers] == toy_case.lever_names
    assert [type(o).__name__ for o in outcomes] == ["ScalarOutcome", "ScalarOutcome", "ArrayOutcome"]
