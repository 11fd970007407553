"""The model contract: loading, inputs, output checks, the scalar adapter, versions."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from forewarn.engine.design import experiments
from forewarn.errors import CaseError, InputError, ModelOutputError
from forewarn.engine.model import call_model, load_model, model_inputs, model_version, scalar_model
from forewarn.engine.space import load_case, parse_case

CASES = Path(__file__).resolve().parent / "fixtures" / "cases"


def toy_module():
    spec = importlib.util.spec_from_file_location("forewarn_test_toy_model", CASES / "toy_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def toy_inputs(toy_case):
    rows = experiments(toy_case, 7, "lhs", seed=5).rows(0, 14)
    return model_inputs(toy_case, rows)


# -- loading ---------------------------------------------------------------------------------


def test_load_model_from_file_beside_the_case(toy_case):
    model = load_model(toy_case)
    assert model.__name__ == "toy_model"
    assert load_model(toy_case) is model  # imported once


def test_load_model_from_package_and_dotted_attribute():
    case = parse_case({"name": "c", "model": "os.path:join", "outcomes": [{"name": "y"}]})
    import os.path

    assert load_model(case) is os.path.join
    case = parse_case({"name": "c", "model": "pathlib:Path.cwd", "outcomes": [{"name": "y"}]})
    assert load_model(case) == Path.cwd


@pytest.mark.parametrize(
    ("stem", "words"),
    [
        ("bad_model_missing", "model file 'nowhere.py' not found"),
        ("bad_model_attr", "has no attribute 'no_such_function' (callables there: toy_model, toy_row)"),
        ("bad_model_raises", "importing model file 'raising_model.py' failed: RuntimeError"),
        ("bad_model_package", "cannot import module 'forewarn_no_such_package.sub'"),
    ],
)
def test_load_model_errors_name_the_model_field(stem, words):
    path = CASES / f"{stem}.toml"
    case = load_case(path)  # the file itself is valid
    with pytest.raises(CaseError) as info:
        load_model(case)
    assert info.value.field == "model"
    assert info.value.line == 3
    assert str(info.value).startswith(f"{path}:3: model: ")
    assert words in str(info.value)
    assert not (CASES / "__pycache__").exists()


def test_not_callable():
    case = parse_case({"name": "c", "model": "math:pi", "outcomes": [{"name": "y"}]})
    with pytest.raises(CaseError, match="is not callable"):
        load_model(case)


# -- inputs ----------------------------------------------------------------------------------


def test_model_inputs(toy_case, toy_inputs):
    assert set(toy_inputs) == {"a", "k", "mode", "shock", "effort", "units", "scale", "base", "seed"}
    assert all(v.shape == (14,) for v in toy_inputs.values())
    assert toy_inputs["a"].dtype == np.float64
    assert toy_inputs["k"].dtype == np.int64
    assert toy_inputs["mode"].dtype == object and set(toy_inputs["mode"]) <= {"calm", "tense", "crisis"}
    assert toy_inputs["shock"].dtype == np.bool_
    assert toy_inputs["seed"].dtype == np.uint64
    assert (toy_inputs["scale"] == 2.0).all() and (toy_inputs["base"] == 1).all()
    assert toy_inputs["seed"][0] == toy_inputs["seed"][1]  # one future, two strategies


def test_list_constants_broadcast_to_rows():
    case = parse_case(
        {
            "name": "c",
            "model": "m:f",
            "uncertainties": [{"name": "u", "kind": "real", "low": 0, "high": 1}],
            "constants": {"curve": [1.0, 2.0, 3.0], "label": "x"},
            "outcomes": [{"name": "y"}],
        }
    )
    inputs = model_inputs(case, experiments(case, 4, "mc", seed=0).rows(0, 4))
    assert inputs["curve"].shape == (4, 3) and inputs["label"].shape == (4,)


def test_model_inputs_needs_every_column(toy_case):
    rows = experiments(toy_case, 2, "lhs", seed=5).rows(0, 4).drop(columns=["k"])
    with pytest.raises(CaseError, match="lack column"):
        model_inputs(toy_case, rows)


# -- output checks -----------------------------------------------------------------------------


def test_call_model_returns_declared_outcomes(toy_case, toy_inputs):
    out = call_model(load_model(toy_case), toy_inputs, toy_case)
    assert list(out) == ["total", "peak", "path"]  # "extra" is dropped
    assert out["total"].shape == (14,) and out["path"].shape == (14, 6)
    assert all(v.dtype == np.float64 and v.flags.c_contiguous for v in out.values())


def broken(change):
    """A model returning the toy model's outputs, altered by ``change(outputs)``."""
    base = toy_module().toy_model

    def model(inputs):
        out = dict(base(inputs))
        change(out)
        return out

    return model


def _nan(row, value=np.nan, key="total"):
    def change(out):
        out[key] = out[key].copy()
        out[key][row] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda out: out.pop("peak"), "outcome 'peak': missing from the model's outputs (it returned: total, path, extra)"),
        (lambda out: out.update(total=out["total"][:-1]), "outcome 'total': shape (13,), expected (14,)"),
        (lambda out: out.update(total=out["total"][:, None]), "outcome 'total': shape (14, 1), expected (14,)"),
        (lambda out: out.update(total=np.float64(1.0)), "outcome 'total': shape (), expected (14,)"),
        (lambda out: out.update(path=out["path"][:, :5]), "outcome 'path': shape (14, 5), expected (14, 6)"),
        (lambda out: out.update(path=out["total"]), "outcome 'path': shape (14,), expected (14, 6)"),
        (lambda out: out.update(total=np.array(["x"] * 14)), "outcome 'total': values must be numbers"),
        (_nan(3), "outcome 'total': NaN in experiment 1,237"),
        (_nan(0, np.inf), "outcome 'total': inf in experiment 1,234"),
        (_nan(13, -np.inf), "outcome 'total': -inf in experiment 1,247"),
        (_nan((5, 2), np.nan, "path"), "outcome 'path': NaN in experiment 1,239 (year 2027)"),
    ],
)
def test_contract_violations_name_outcome_and_experiment(toy_case, toy_inputs, change, expected):
    with pytest.raises(ModelOutputError) as info:
        call_model(broken(change), toy_inputs, toy_case, offset=1234)
    assert str(info.value).startswith(expected)
    # A model's fault, not the user's input: exit 1, and not caught as bad input.
    assert info.value.exit_code == 1 and not isinstance(info.value, InputError)


def test_non_mapping_output(toy_case, toy_inputs):
    with pytest.raises(ModelOutputError, match="must return a mapping"):
        call_model(lambda inputs: [1, 2], toy_inputs, toy_case)


def test_integer_and_bool_outputs_become_float(toy_case, toy_inputs):
    def model(inputs):
        n = len(inputs["seed"])
        return {"total": np.arange(n), "peak": np.ones(n, bool), "path": np.zeros((n, 6), np.int32)}

    out = call_model(model, toy_inputs, toy_case)
    assert out["total"].dtype == np.float64 and out["peak"].dtype == np.float64


# -- scalar adapter ----------------------------------------------------------------------------


def test_scalar_adapter_matches_vectorised_model(toy_case, toy_inputs):
    module = toy_module()
    vectorised = call_model(module.toy_model, toy_inputs, toy_case)
    scalar = call_model(scalar_model(module.toy_row), toy_inputs, toy_case)
    for name in vectorised:
        np.testing.assert_allclose(scalar[name], vectorised[name], rtol=1e-13, atol=0)


def test_scalar_adapter_passes_python_scalars():
    seen = []

    def fn(**row):
        seen.append({k: type(v) for k, v in row.items()})
        return {"y": row["a"] * 2, "s": [row["a"], row["a"]]}

    out = scalar_model(fn)({"a": np.array([1.5, 2.5]), "k": np.array([1, 2]), "m": np.array(["p", "q"], dtype=object)})
    np.testing.assert_array_equal(out["y"], [3.0, 5.0])
    assert out["s"].shape == (2, 2)
    assert seen[0] == {"a": float, "k": int, "m": str}


def test_scalar_adapter_passes_only_named_arguments():
    model = scalar_model(lambda a: {"y": a + 1})
    out = model({"a": np.array([1.0]), "seed": np.array([7], dtype=np.uint64)})
    np.testing.assert_array_equal(out["y"], [2.0])


def test_scalar_adapter_errors():
    with pytest.raises(ModelOutputError, match="must return a dict"):
        scalar_model(lambda a: a)({"a": np.array([1.0])})
    with pytest.raises(ModelOutputError, match="outcome 'z': missing from row 1"):
        scalar_model(lambda a: {"y": a} if a < 2 else {"y": a, "z": 1})({"a": np.array([3.0, 1.0])})
    with pytest.raises(ModelOutputError, match="cannot be stacked"):
        scalar_model(lambda a: {"s": [0.0] * int(a)})({"a": np.array([1.0, 2.0])})


def test_scalar_model_pickles():
    import pickle

    from forewarn.engine import model as model_mod

    wrapped = scalar_model(model_mod.model_version)
    assert pickle.loads(pickle.dumps(wrapped)).fn is model_mod.model_version


# -- versions ----------------------------------------------------------------------------------


def test_model_version(toy_case, tmp_path):
    version = model_version(load_model(toy_case))
    assert version.startswith("1.0+sha256.") and len(version) == len("1.0+sha256.") + 12
    assert model_version(scalar_model(toy_module().toy_row)) == version  # same file
    source = tmp_path / "m.py"
    source.write_text("def f(inputs):\n    return {}\n")
    case = parse_case({"name": "c", "model": "m.py:f", "outcomes": [{"name": "y"}]}, source=tmp_path / "c.toml")
    first = model_version(load_model(case))
    assert first.startswith("sha256.")
    source.write_text("def f(inputs):\n    return {'y': 1}\n")
    edited = load_model(case)
    assert model_version(edited) != first
    assert edited({}) == {"y": 1}  # the edited file, not a cached module
