"""Fact CSV reading and validation, quantity annotations, conflicting figures."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.errors import InputError
from forewarn.evidence.facts import (
    FACT_COLUMNS,
    conflicts,
    default_facts_path,
    parse_as_of,
    parse_quantity,
    read_facts_csv,
)

ROW = {
    "id": "F9001",
    "topic": "kfor",
    "entity": "KFOR",
    "quantity": "total_strength",
    "value": "4500",
    "unit": "troops",
    "as_of": "2023-12",
    "source_url": "https://example.org/a",
    "statement": "KFOR has about 4,500 troops.",
}


def write_csv(path: Path, rows: list[dict], columns=FACT_COLUMNS) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_shipped_fact_base_reads_727_rows_with_quotes():
    rows = read_facts_csv(default_facts_path())
    assert len(rows) == 727
    assert len({r.id for r in rows}) == 727
    assert all(r.statement and r.source_url for r in rows)
    by_id = {r.id: r for r in rows}
    f = by_id["F0086"]
    assert f.base_quantity == "total_strength"
    assert f.note == "quote in Serbian; more than 4,200 troops from 27 countries"
    assert f.value == 4200.0 and f.as_of == "2023-06"
    assert "4,200" in f.statement and "27" in f.statement
    # line numbers count the header, and rows are in file order
    assert rows[0].line == 2 and rows[0].id == "F0001"


@pytest.mark.parametrize(
    "quantity, expected",
    [
        ("total_strength", ("total_strength", None, None)),
        ("total_strength [quote in German]", ("total_strength", None, "quote in German")),
        ("initial_entry_strength (Reuters) [note: Reuters]", ("initial_entry_strength", "Reuters", "note: Reuters")),
        ("claimed_planned_first_reserve (Vucic claim)", ("claimed_planned_first_reserve", "Vucic claim", None)),
        ("x [a] [b]", ("x", None, "a; b")),
    ],
)
def test_parse_quantity_known_answers(quantity, expected):
    assert parse_quantity(quantity) == expected


@given(
    base=st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True),
    ann=st.lists(st.from_regex(r"[A-Za-z ,';.0-9]{1,15}", fullmatch=True), max_size=2),
    notes=st.lists(st.from_regex(r"[A-Za-z ,'.0-9:]{1,15}", fullmatch=True), max_size=2),
)
def test_parse_quantity_recovers_its_parts(base, ann, notes):
    text = base + "".join(f" ({a})" for a in ann) + "".join(f" [{n}]" for n in notes)
    got_base, got_ann, got_note = parse_quantity(text)
    assert got_base == base
    assert got_ann == ("; ".join(a.strip() for a in ann if a.strip()) or None)
    assert got_note == ("; ".join(n.strip() for n in notes if n.strip()) or None)


@pytest.mark.parametrize("good", ["2023", "2023-12", "2024-02-29", "", "  "])
def test_parse_as_of_accepts(good):
    assert parse_as_of(good) == (good.strip() or None)


@pytest.mark.parametrize("bad", ["2023-13", "2023-02-30", "Dec 2023", "23", "2023/12"])
def test_parse_as_of_rejects(bad):
    with pytest.raises(ValueError):
        parse_as_of(bad)


@pytest.mark.parametrize(
    "change, line, field",
    [
        ({"value": "about 4500"}, 3, "value"),
        ({"value": "4,500"}, 3, "value"),
        ({"value": "nan"}, 3, "value"),
        ({"as_of": "December 2023"}, 3, "as_of"),
        ({"as_of": "2023-13"}, 3, "as_of"),
        ({"id": "X1"}, 3, "id"),
        ({"id": "F9001"}, 3, "id"),  # duplicate of the first row
        ({"entity": ""}, 3, "entity"),
        ({"source_url": ""}, 3, "source_url"),
    ],
)
def test_bad_row_names_file_line_and_column(tmp_path, change, line, field):
    second = {**ROW, "id": "F9002", **change}
    path = write_csv(tmp_path / "f.csv", [ROW, second])
    with pytest.raises(InputError) as info:
        read_facts_csv(path)
    err = info.value
    assert err.line == line and err.field == field
    assert str(path) in str(err) and f":{line}" in str(err)


def test_missing_column(tmp_path):
    cols = [c for c in FACT_COLUMNS if c != "unit"]
    path = write_csv(tmp_path / "f.csv", [ROW], columns=cols)
    with pytest.raises(InputError) as info:
        read_facts_csv(path)
    assert info.value.field == "unit" and info.value.line == 1


def test_line_numbers_count_multiline_quotes(tmp_path):
    rows = [dict(ROW, statement="first line\nsecond line"), dict(ROW, id="F9002", value="many")]
    path = write_csv(tmp_path / "f.csv", rows)
    with pytest.raises(InputError) as info:
        read_facts_csv(path)
    assert info.value.line == 4  # header, a two-line record, then the bad one


def test_not_utf8_and_empty(tmp_path):
    p = tmp_path / "latin.csv"
    p.write_bytes(",".join(FACT_COLUMNS).encode() + b"\nF0001,kfor,K\xe9FOR,q,1,t,2020,http://x,q\n")
    with pytest.raises(InputError, match="UTF-8"):
        read_facts_csv(p)
    e = tmp_path / "empty.csv"
    e.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_facts_csv(e)
    with pytest.raises(InputError, match="cannot read"):
        read_facts_csv(tmp_path / "missing.csv")


def test_conflicts_show_kfor_december_2023():
    rows = read_facts_csv(default_facts_path())
    df = pd.DataFrame([r.__dict__ for r in rows])
    conf = conflicts(df)
    dec = conf[(conf.entity == "KFOR") & conf.as_of.eq("2023-12")]
    assert set(dec.id) == {"F0089", "F0090"}
    assert set(dec.value) == {4500.0, 5000.0}
    assert dec.group.nunique() == 1


def test_conflicts_ignore_one_sources_range_and_other_units():
    base = dict(entity="E", base_quantity="q", unit="troops", as_of="2020")
    df = pd.DataFrame(
        [
            dict(base, id="F1", value=1.0, source_url="a"),
            dict(base, id="F2", value=2.0, source_url="a", base_quantity="q_max"),  # same source: a range
            dict(base, id="F3", value=5.0, source_url="b", unit="personnel"),
        ]
    )
    assert conflicts(df).empty
    df.loc[2, "unit"] = "troops"
    assert set(conflicts(df).id) == {"F1", "F2", "F3"}


def test_every_shipped_fact_has_a_readable_qualifier():
    from forewarn.evidence.facts import default_facts_path, fact_qualifier, format_note, read_facts_csv

    for r in read_facts_csv(default_facts_path()):
        q = fact_qualifier(r.annotation, r.note)
        assert not re.search(r"\[|(^|; )note:|\bnan\b|=>", q), (r.id, q)
        if r.annotation or r.note:
            assert q, r.id
    assert format_note("note: Wikipedia mirror infobox") == "Wikipedia mirror infobox"
    assert format_note("quote in German; 15th anniversary of Austrian deployment => 2014") == \
        "source in German; 15th anniversary of Austrian deployment, so 2014"
    assert fact_qualifier("Reuters", None) == "Reuters" and fact_qualifier("nan", "") == ""


@pytest.mark.parametrize("link", ["javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "ftp://a.example/x", "//a.example", "http://", "https://a.example/\x1b[2J"])
def test_check_link_refuses_what_is_not_a_web_link(link):
    from forewarn.evidence.facts import check_link

    with pytest.raises(ValueError, match="not an http"):
        check_link(link)
    assert check_link(" https://a.example/x?y=1 ") == "https://a.example/x?y=1"
