"""Force claims checked against the fact base: known answers on facts and claims built here."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn.evidence import open_store
from forewarn.evidence.corroborate import APPROX_TOLERANCE, TOLERANCE, check_claim

FACTS = pd.DataFrame(
    [
        {"id": "F9001", "entity": "KFOR", "base_quantity": "total_strength", "value": 4500.0, "unit": "troops", "as_of": "2024-06"},
        {"id": "F9002", "entity": "KFOR/United States", "base_quantity": "contribution", "value": 600.0, "unit": "troops", "as_of": "2025-03"},
        {"id": "F9003", "entity": "US forces in Germany", "base_quantity": "troops", "value": 35000.0, "unit": "troops", "as_of": "2024"},
        {"id": "F9004", "entity": "Kosovo Security Force", "base_quantity": "planned_active_strength", "value": 5000.0, "unit": "personnel", "as_of": "2028"},
        {"id": "F9005", "entity": "Serbia", "base_quantity": "defence_budget", "value": 1900.0, "unit": "million EUR", "as_of": "2024"},
        {"id": "F9006", "entity": "KFOR/Switzerland (Swisscoy)", "base_quantity": "contribution", "value": 195.0, "unit": "troops", "as_of": "2024"},
        {"id": "F9007", "entity": "KFOR", "base_quantity": "total_strength", "value": 3800.0, "unit": "troops", "as_of": None},
    ]
)


def claim(**kw):
    base = {"actor": "NATO", "mission_or_location": "KFOR", "value": 4500, "value_max": None, "unit": "troops",
            "as_of": "2024-06-12", "approx": False, "kind": "strength"}
    base.update(kw)
    return base


@pytest.mark.parametrize(
    "kw, status, ids",
    [
        ({}, "corroborates", ("F9001",)),
        ({"value": 4900}, "corroborates", ("F9001",)),            # 400 off: within 10 % of 4,900
        ({"value": 5100}, "conflicts", ("F9001",)),               # 600 off: over 10 % of 5,100
        ({"value": 5400, "approx": True}, "corroborates", ("F9001",)),  # "about 5,400": 20 %
        ({"value": 5700, "approx": True}, "conflicts", ("F9001",)),
        ({"value": 4000, "value_max": 5000}, "corroborates", ("F9001",)),  # a range holding the fact
        ({"value": 2000, "value_max": 3000}, "conflicts", ("F9001",)),
        ({"as_of": "2023"}, "new", ()),                           # another year
        ({"as_of": "2024"}, "corroborates", ("F9001",)),          # year meets month
        ({"as_of": "2024-07"}, "new", ()),                        # two months, both given: not the same time
        ({"as_of": None}, "new", ()),                             # no date, no publication date
        ({"unit": "soldiers"}, "corroborates", ("F9001",)),       # one family of units
        ({"unit": "nations", "value": 28}, "new", ()),
        ({"kind": "planned"}, "new", ()),                         # a plan is not a level
        ({"actor": "Austria"}, "new", ()),                        # no Austrian contingent fact
        ({"actor": "United States", "value": 620, "as_of": "2025-03-04"}, "corroborates", ("F9002",)),
        ({"actor": "United States", "value": 300, "as_of": "2025-03-04"}, "conflicts", ("F9002",)),
        ({"actor": "United States", "mission_or_location": "Germany", "value": 34500, "as_of": "2024-05"}, "corroborates", ("F9003",)),
        ({"actor": "Switzerland", "value": 180, "as_of": "2024-11-29"}, "corroborates", ("F9006",)),
        ({"actor": "Kosovo", "mission_or_location": "Kosovo Security Force", "value": 5000, "unit": "personnel", "kind": "planned",
          "as_of": "2028"}, "corroborates", ("F9004",)),
        ({"actor": "Serbia", "mission_or_location": "Serbia", "value": 2100, "unit": "million EUR", "kind": "budget", "as_of": "2024"},
         "corroborates", ("F9005",)),  # 200 off: within 10 % of 2,100
        ({"actor": "Serbia", "mission_or_location": "Serbia", "value": 2200, "unit": "million EUR", "kind": "budget", "as_of": "2024"},
         "conflicts", ("F9005",)),
        ({"actor": "Serbia", "mission_or_location": "Serbia", "value": 2100, "unit": "million USD", "kind": "budget", "as_of": "2024"},
         "new", ()),
    ],
)
def test_known_answers(kw, status, ids):
    got = check_claim(claim(**kw), FACTS)
    assert got.status == status, got
    assert got.fact_ids == ids


def test_publication_date_stands_in_for_a_missing_as_of():
    assert check_claim(claim(as_of=None), FACTS, pub_date="2024-06-20").status == "corroborates"
    assert check_claim(claim(as_of=float("nan")), FACTS, pub_date="2023-01-02").status == "new"


def test_tolerances_are_the_documented_ones():
    assert (TOLERANCE, APPROX_TOLERANCE) == (0.10, 0.20)
    got = check_claim(claim(value=4950), FACTS)  # |4950-4500| = 450 <= 0.1 * 4950
    assert got.status == "corroborates" and got.fact_value == 4500.0 and got.tolerance == TOLERANCE


@settings(max_examples=60, deadline=None)
@given(value=st.floats(1, 1e6), fact=st.floats(1, 1e6), approx=st.booleans())
def test_corroborates_exactly_within_the_tolerance(value, fact, approx):
    facts = FACTS.assign(value=[fact] + list(FACTS["value"][1:]))
    got = check_claim(claim(value=value, approx=approx), facts)
    tol = APPROX_TOLERANCE if approx else TOLERANCE
    inside = abs(value - fact) <= tol * max(value, fact)
    assert got.status == ("corroborates" if inside else "conflicts")


def test_store_checks_claims_as_it_stores_them_and_again_when_facts_change(tmp_path):
    csv = tmp_path / "facts.csv"
    csv.write_text("id,topic,entity,quantity,value,unit,as_of,source_url,statement\n"
                   "F0001,kfor,KFOR,total_strength,4500,troops,2024-06,https://example.org/a,KFOR had about 4500.\n")
    with open_store(tmp_path / "s.db", defaults=False) as s:
        s.load_facts(csv)
        doc = {"text": "KFOR has 4,600 troops; 9,000 next year.", "sha256": "c" * 64, "url": "https://news.example/k",
               "pub_date": "2024-06-12"}
        items = {"force_claims": [claim(value=4600, as_of=None), claim(value=9000, as_of="2024-06"), claim(value=12, unit="nations")]}
        s.add_document(doc, items)
        checks = list(s.force_claims().sort_values("id")["check"])
        assert checks == ["corroborates", "conflicts", "new"]
        assert set(s.force_claims(check="new")["value"]) == {12.0}
        changes = s.claim_changes("2024-06-01")
        assert list(changes["check"]) == ["conflicts", "new"]
        assert s.claim_changes("2024-07-01").empty
        assert len(s.claim_changes("2000", by="ingested")) == 2
        # the fact base changes: the claims are checked again
        csv.write_text("id,topic,entity,quantity,value,unit,as_of,source_url,statement\n"
                       "F0001,kfor,KFOR,total_strength,9000,troops,2024-06,https://example.org/a,A revised figure.\n")
        s.load_facts(csv)
        assert list(s.force_claims().sort_values("id")["check"]) == ["conflicts", "corroborates", "new"]
        # a rejected claim is no longer among the changes
        first_conflict = s.claim_changes()["id"].iloc[0]
        s.review(f"C{first_conflict}", "rejected", reason="misread", who="t")
        assert first_conflict not in set(s.claim_changes()["id"])
