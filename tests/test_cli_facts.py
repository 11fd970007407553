"""``forewarn facts load`` and ``forewarn facts show``, end to end through the CLI's main()."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forewarn.evidence import open_store
from forewarn.evidence.facts import default_facts_path

HEADER = "id,topic,entity,quantity,value,unit,as_of,source_url,statement\n"
GOOD = "F9001,kfor,KFOR,total_strength,4500,troops,2023-12,https://example.org/a,About 4500.\n"


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables to the terminal width


@pytest.fixture
def db(store_file):
    return store_file


def count_facts(db: Path) -> int:
    with open_store(db, defaults=False) as s:
        return s.counts()["facts"]


def test_load_the_shipped_csv_gives_727_facts_with_quotes(tmp_path, cli):
    db = tmp_path / "empty.db"
    open_store(db, defaults=False).close()
    csv = tmp_path / "facts.csv"
    csv.write_bytes(default_facts_path().read_bytes())
    code, out, err = cli("facts", "load", str(csv), "--db", str(db))
    assert code == 0, err
    assert "loaded 727 facts" in out and "; 727 in" in out
    with open_store(db, defaults=False) as s:
        df = s.facts()
    assert len(df) == 727 and df["statement"].str.len().gt(0).all()
    # loading again updates in place
    code, out, _ = cli("facts", "load", str(csv), "--db", str(db))
    assert code == 0 and "0 new, 727 updated" in out and count_facts(db) == 727


BAD = {
    "missing_column": (HEADER.replace(",unit", "") + GOOD.replace(",troops", ""), 1, "unit"),
    "bad_value": (HEADER + GOOD + GOOD.replace("F9001", "F9002").replace("4500", "lots"), 3, "value"),
    "duplicate_id": (HEADER + GOOD + GOOD, 3, "id"),
    "bad_date": (HEADER + GOOD + GOOD.replace("F9001", "F9002").replace("2023-12", "12/2023"), 3, "as_of"),
    "bad_id": (HEADER + GOOD + GOOD.replace("F9001", "fact-2"), 3, "id"),
    "javascript_link": (HEADER + GOOD + GOOD.replace("F9001", "F9002").replace("https://example.org/a", "javascript:alert(1)"), 3,
                        "source_url: 'javascript:alert(1)' is not an http(s) link"),
    "data_link": (HEADER + GOOD + GOOD.replace("F9001", "F9002").replace("https://example.org/a", "data:text/html;base64,PHNjcmlwdD4="), 3,
                  "source_url"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_csv_exits_2_names_row_and_column_and_changes_nothing(name, db, tmp_path, cli):
    text, line, column = BAD[name]
    csv = tmp_path / f"{name}.csv"
    csv.write_text(text, encoding="utf-8")
    before = count_facts(db)
    code, out, err = cli("facts", "load", str(csv), "--db", str(db))
    assert code == 2
    assert f"{csv}:{line}" in err and column in err
    assert count_facts(db) == before
    with open_store(db, defaults=False) as s:
        assert s.facts(ids=["F9001"]).empty  # the good first row was not loaded either


def test_existing_ids_are_updated(db, tmp_path, cli):
    csv = tmp_path / "upd.csv"
    csv.write_text(HEADER + "F0089,kfor,KFOR,total_strength [corrected],4600,troops,2023-12,https://example.org/new,Corrected.\n")
    code, out, _ = cli("facts", "load", str(csv), "--db", str(db))
    assert code == 0 and "1 updated" in out
    with open_store(db) as s:
        f = s.fact("F0089")
        assert f["value"] == 4600 and f["note"] == "corrected" and f["source_url"] == "https://example.org/new"
        assert s.counts()["facts"] == 727


def test_show_lists_figures_over_time_and_conflicts(db, cli):
    code, out, err = cli("facts", "show", "--entity", "KFOR", "--since", "2023", "--db", str(db))
    assert code == 0, err
    assert "Figures over time" in out and "Conflicting figures" in out
    over_time = out.split("Conflicting figures")[0]
    assert over_time.index("2023-05-29") < over_time.index("2023-12") < over_time.index("2025-11-08")
    conflicts = out.split("Conflicting figures")[1]
    # KFOR in December 2023: about 4,500 (Kleine Zeitung) and 5,000 and more (Der Standard)
    assert "4,500 troops  2023-12  F0089  kleinezeitung.at" in conflicts
    assert "5,000 troops  2023-12  F0090  derstandard.at" in conflicts


def test_show_filters_and_empty_result(db, cli):
    code, out, _ = cli("facts", "show", "--topic", "ksf", "--quantity", "active_*", "--conflicts", "--db", str(db))
    assert code == 0 and "Figures over time" not in out
    code, out, _ = cli("facts", "show", "--entity", "Nobody", "--db", str(db))
    assert code == 0 and "no facts match" in out
    code, _, err = cli("facts", "show", "--since", "last year", "--db", str(db))
    assert code == 2 and "--since" in err


def test_corrupt_database_exits_2(tmp_path, cli):
    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"\x00\x01 definitely not sqlite" * 10)
    code, _, err = cli("facts", "show", "--db", str(bad))
    assert code == 2 and "corrupt.db" in err


def test_db_from_environment(db, cli, monkeypatch):
    monkeypatch.setenv("FOREWARN_DB", str(db))
    code, out, _ = cli("facts", "show", "--entity", "KFOR", "--quantity", "total_strength", "--since", "2025-11")
    assert code == 0 and "F0110" in out


def test_show_prints_notes_as_readable_qualifiers(db, cli):
    code, out, err = cli("facts", "show", "--db", str(db))
    assert code == 0, err
    flat = " ".join(out.split())
    assert "[note:" not in out and "(nan)" not in out and " nan " not in flat
    assert not re.search(r"(?<![a-z])note:", out)
    # F0336's note reads "sic 'grew' = fell; RFE/RL" in the fact base
    assert "the source says 'grew', meaning fell" in flat
    assert "source in German" in flat
