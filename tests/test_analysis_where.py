"""The --where parser: what it accepts, and the clear errors for what it refuses."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from forewarn.analysis.where import evaluate_where, select
from forewarn.errors import InputError

DF = pd.DataFrame(
    {
        "min_deterrence": [0.5, 1.5, 0.9, 2.0],
        "years_below_1": [3, 0, 2, 0],
        "total_cost": [400.0, 200.0, 350.0, 500.0],
        "shock": [True, False, False, True],
        "mode": ["calm", "tense", "calm", "crisis"],
    }
)


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("min_deterrence < 1", [1, 0, 1, 0]),
        ("years_below_1 >= 2 and total_cost > 300", [1, 0, 1, 0]),
        ("not (min_deterrence < 1)", [0, 1, 0, 1]),
        ("min_deterrence < 1 or shock", [1, 0, 1, 1]),
        ("1 <= min_deterrence < 2", [0, 1, 0, 0]),
        ("mode == 'calm' and not shock", [0, 0, 1, 0]),
        ("total_cost > -1e3", [1, 1, 1, 1]),
    ],
)
def test_accepted(expr, expected):
    assert evaluate_where(expr, DF).astype(int).tolist() == expected


@pytest.mark.parametrize(
    "expr, match",
    [
        ("min_deterence < 1", r"unknown name 'min_deterence'.*available columns: min_deterrence, years_below_1"),
        ("min_deterrence <", "not a valid expression"),
        ("__import__('os').system('true')", "not allowed"),
        ("min_deterrence + 1 > 2", "not allowed"),
        ("min_deterrence", "not a boolean column"),
        ("(lambda: 1)()", "not allowed"),
        ("", "empty"),
        ("3", "not a condition"),
    ],
)
def test_refused(expr, match):
    with pytest.raises(InputError, match=match) as info:
        evaluate_where(expr, DF)
    assert info.value.field == "--where"


def test_select_requires_some_rows():
    assert select("total_cost > 300", DF).sum() == 3
    with pytest.raises(InputError, match="no row of the 4 meets"):
        select("total_cost > 1e6", DF)
    with pytest.raises(InputError, match="every one of the 4 rows"):
        select("total_cost > 0", DF, require_not_all=True)
    assert np.array_equal(select("total_cost > 0", DF), np.ones(4, dtype=bool))


@pytest.mark.parametrize(
    "expr, message",
    [
        ("x < -'a'", "a sign (- or +) applies to numbers only"),
        ("-c < 1", "a sign (- or +) applies to numbers only, not to 'c'"),
        ("not " * 600 + "x < 1", "characters; at most 2,000"),
        ("not " * 60 + "x < 1", "nests too deeply (at most 50 levels)"),
    ],
)
def test_bounded_and_typed_expressions(expr, message):
    df = pd.DataFrame({"x": [0.5, 1.5], "c": ["a", "b"]})
    with pytest.raises(InputError, match=re.escape(message)):
        evaluate_where(expr, df)


def test_signs_and_nesting_within_the_limits_work():
    df = pd.DataFrame({"x": [0.5, 1.5, -2.0]})
    assert evaluate_where("-x > -1", df).tolist() == [True, False, True]
    assert evaluate_where("not " * 40 + "x < 1", df).tolist() == [True, False, True]
