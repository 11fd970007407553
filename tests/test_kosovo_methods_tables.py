"""docs/methods.md's parameter tables are generated from the case and must equal what it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from forewarn.kosovo import load_kosovo_case
from forewarn.kosovo.methods_tables import TABLES, main, methods_tables, update_methods

CASE = load_kosovo_case()
PAGE = Path(__file__).resolve().parents[1] / "docs" / "methods.md"


def test_every_parameter_has_one_row():
    tables = methods_tables(CASE)
    assert set(tables) == set(TABLES)
    for name, params in (("uncertainties", CASE.uncertainty_names), ("levers", CASE.lever_names),
                         ("constants", list(CASE.constants))):
        rows = tables[name].splitlines()[2:]
        assert [r.split(" | ")[0][3:-1] for r in rows] == params, name


def test_a_stress_range_and_a_cost_reach_the_tables():
    tables = methods_tables(CASE)
    pace = next(r for r in tables["uncertainties"].splitlines() if r.startswith("| `ksf_plan_pace`"))
    stress = CASE.parameter("ksf_plan_pace").stress
    assert f"{stress.low:g} – {stress.high:g}" in pace
    deal = next(r for r in tables["levers"].splitlines() if r.startswith("| `us_deal`"))
    assert "priced by `us_deal_price`" in deal


def test_the_methods_page_equals_the_generated_tables():
    if not PAGE.exists():
        pytest.skip("docs/methods.md is not part of this installation")
    text = PAGE.read_text(encoding="utf-8")
    assert update_methods(text, CASE) == text, "run: python -m forewarn.kosovo.methods_tables docs/methods.md"


def test_a_page_without_markers_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no markers"):
        update_methods("# Methods\n\nno tables here\n", CASE)
    page = tmp_path / "m.md"
    page.write_text("<!-- case-table: levers -->\nold\n<!-- /case-table -->\n", encoding="utf-8")
    with pytest.raises(ValueError, match="uncertainties"):
        main([str(page)])
    assert page.read_text(encoding="utf-8").endswith("old\n<!-- /case-table -->\n")  # untouched


def test_the_generator_rewrites_a_stale_table(tmp_path):
    page = tmp_path / "m.md"
    page.write_text("".join(f"<!-- case-table: {t} -->\nstale\n<!-- /case-table -->\n" for t in TABLES),
                    encoding="utf-8")
    assert main([str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "stale" not in text and "`ksf_plan_pace`" in text
