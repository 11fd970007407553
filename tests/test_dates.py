"""The ISO partial-date type: parsing, printing, precision, span and order."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.dates import PartialDate


@st.composite
def partial_dates(draw) -> PartialDate:
    day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    return PartialDate(day.year, None if precision == "year" else day.month, day.day if precision == "day" else None)


@given(partial_dates())
def test_iso_round_trips(d: PartialDate) -> None:
    assert PartialDate.parse(d.iso()) == d
    assert PartialDate.parse(f"  {d.iso()}\n") == d


@given(partial_dates())
def test_span_contains_exactly_the_days_of_its_precision(d: PartialDate) -> None:
    first, last = d.first_day(), d.last_day()
    assert first <= last
    assert first.year == last.year == d.year
    # the day before the span and the day after it have another prefix
    if first > dt.date.min:
        assert (first - dt.timedelta(days=1)).isoformat()[: len(d.iso())] != d.iso()
    if last < dt.date.max:
        assert (last + dt.timedelta(days=1)).isoformat()[: len(d.iso())] != d.iso()
    assert first.isoformat().startswith(d.iso()) and last.isoformat().startswith(d.iso())


@given(st.lists(partial_dates(), max_size=20))
def test_order_is_the_order_of_iso_strings(ds: list[PartialDate]) -> None:
    # ISO text sorts by first day, coarser first on a tie: the type must sort the same way
    assert [d.iso() for d in sorted(ds)] == sorted(d.iso() for d in ds)


def test_known_spans_and_precisions() -> None:
    assert PartialDate.parse("2024-02").last_day() == dt.date(2024, 2, 29)  # leap year
    assert PartialDate.parse("2025-02").last_day() == dt.date(2025, 2, 28)
    assert PartialDate.parse("2025").last_day() == dt.date(2025, 12, 31)
    assert [PartialDate.parse(t).precision for t in ("2025", "2025-03", "2025-03-14")] == ["year", "month", "day"]
    assert PartialDate.parse("2025-03").date is None
    assert PartialDate.parse("2025-03-14").date == dt.date(2025, 3, 14)


@pytest.mark.parametrize("bad", ["", "25", "2025-3", "2025-13", "2025-02-30", "2025-00", "2025/03", "March 2025", "2025-03-14T10:00"])
def test_strict_parse_refuses_other_forms_and_names_the_text(bad: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        PartialDate.parse(bad)


def test_loose_parse_takes_one_digit_parts_and_time_stamps() -> None:
    assert PartialDate.parse("2025-3-4", loose=True) == PartialDate(2025, 3, 4)
    assert PartialDate.parse("2025-03-14T10:00:00Z", loose=True) == PartialDate(2025, 3, 14)
    assert PartialDate.parse("2025-03-14 10:00+01:00", loose=True) == PartialDate(2025, 3, 14)
    with pytest.raises(ValueError):
        PartialDate.parse("2025-3-32", loose=True)


def test_a_day_needs_a_month() -> None:
    with pytest.raises(ValueError, match="needs a month"):
        PartialDate(2025, None, 3)
