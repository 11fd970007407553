"""The --where parser: what it accepts, and the clear errors for what it refuses."""

from __future__ import annotations

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
