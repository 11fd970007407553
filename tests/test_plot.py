"""forewarn.plot: charts are well-formed SVG, draw the numbers they are given, escape their labels,
and show in Jupyter; Results, Prim and Box have HTML forms."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forewarn import plot
from forewarn.analysis.prim import Prim
from forewarn.errors import InputError

EVIL = "<script>alert(1)</script>&\"'"
NS = "{http://www.w3.org/2000/svg}"


def svg_tree(chart):
    root = ET.fromstring(chart.svg)  # raises on malformed markup
    assert root.tag == f"{NS}svg"
    tags = {el.tag.replace(NS, "") for el in root.iter()}
    assert "script" not in tags and "foreignObject" not in tags
    for el in root.iter():
        assert not any(k.lower().startswith("on") or k == "style" for k in el.attrib), el.attrib
    return root


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.uniform(size=(2000, 3)), columns=["a", "b", EVIL])
    y = ((X.a > 0.6) & (X.b < 0.5)).to_numpy()
    return X, y, Prim().fit(X, y)


def test_prim_tradeoff_draws_every_trajectory_point(fitted):
    _, _, prim = fitted
    chart = plot.prim_tradeoff(prim, point_attrs=lambda i: {"data-x": f"{i}{EVIL}"})
    root = svg_tree(chart)
    points = [g for g in root.iter(f"{NS}g") if "pt" in g.get("class", "").split()]
    assert len(points) == len(prim.peeling_trajectory_)
    assert chart.data["marked"] == prim.box_.trajectory_id
    marked = [g for g in points if "marked" in g.get("class")]
    assert [int(g.get("data-id")) for g in marked] == [prim.box_.trajectory_id]
    assert points[0].get("data-x") == "0" + EVIL  # the attribute survives as text
    np.testing.assert_allclose([p["density"] for p in chart.data["points"]], prim.peeling_trajectory_["density"])


def test_box_limits_show_each_restriction_and_its_qp(fitted):
    X, _, prim = fitted
    box = prim.box_
    chart = plot.box_limits(box, {c: (0.0, 1.0) for c in X.columns})
    svg_tree(chart)
    assert [r["name"] for r in chart.data["restrictions"]] == box.dims
    assert chart.data["restrictions"][0]["qp_low"] == box.restrictions[0].qp_low or \
        chart.data["restrictions"][0]["qp_high"] == box.restrictions[0].qp_high


def test_scatter_pairs_parallel_count_what_they_draw(fitted):
    X, y, _ = fitted
    s = plot.scatter(X, "a", EVIL, y, max_points=500)
    root = svg_tree(s)
    assert s.data == {"x": "a", "y": EVIL, "points": 500, "holds": int(y[:500].sum())}
    assert len([c for c in root.iter(f"{NS}circle") if c.get("r") == "2.2"]) == 500
    assert EVIL in "".join(root.itertext())
    p = plot.pairs(X, ["a", "b", EVIL], y, max_points=300)
    svg_tree(p)
    assert p.data["points"] == 300
    par = plot.parallel(X, ["a", "b", EVIL], y, max_lines=50)
    assert len(list(svg_tree(par).iter(f"{NS}polyline"))) == 50


def test_bands_from_a_mapping_keep_colours_by_strategy():
    years = np.arange(2025, 2031)
    b = {s: (np.zeros(6), np.full(6, i + 1.0), np.full(6, 2.0 * (i + 1))) for i, s in enumerate(["x", "y", EVIL])}
    colours = plot.strategy_colours(["y", "x", EVIL])
    chart = plot.bands(b, years=years, colours=colours)
    root = svg_tree(chart)
    lines = [el.get("stroke") for el in root.iter(f"{NS}polyline")]
    assert lines == [colours["x"], colours["y"], colours[EVIL]]
    assert chart.data["bands"]["y"]["median"] == [2.0] * 6


def test_bands_from_a_run_match_numpy_quantiles(tmp_path):
    from forewarn.engine.runner import run
    from forewarn.kosovo import load_kosovo_case

    res = run(load_kosovo_case(), n=120, method="lhs", seed=5, out=tmp_path / "run")
    chart = plot.bands(res, "margin")
    det = res.outcomes(["margin"])["margin"]
    strat = res.experiments["strategy"].to_numpy()
    for s in res.strategies:
        rows = det[strat == s]
        np.testing.assert_allclose(chart.data["bands"][s]["high"], np.quantile(rows, 0.9, axis=0), rtol=1e-9)
    assert chart.data["years"] == [float(y) for y in res.years]
    assert "<table>" in res._repr_html_()


def test_non_dominated_known_answer():
    r = [0.9, 0.8, 0.8, 0.5, 0.95]
    c = [10, 5, 6, 1, 20]
    assert plot.non_dominated(r, c).tolist() == [True, True, False, True, True]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 100)), min_size=1, max_size=15))
def test_non_dominated_property(points):
    r, c = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    keep = plot.non_dominated(r, c)
    assert keep.any()
    for i in range(len(r)):
        dominated = ((r >= r[i]) & (c <= c[i]) & ((r > r[i]) | (c < c[i]))).any()
        assert keep[i] == (not dominated)


def test_tradeoff_marks_the_front():
    t = pd.DataFrame({"strategy": ["a", "b", EVIL], "robustness": [0.5, 0.7, 0.6], "cost": [1.0, 3.0, 4.0]})
    chart = plot.tradeoff(t)
    root = svg_tree(chart)
    assert [d["non_dominated"] for d in chart.data["strategies"]] == [True, True, False]
    assert sum(1 for c in root.iter(f"{NS}circle") if c.get("class") == "nd") == 2


def test_pathways_map_and_timeline_and_fact_series():
    m = plot.pathways_map({"years": [2025, 2035], "actions": [{"name": EVIL, "tipping_point": 2030}],
                           "pathways": [{"name": "p", "steps": [{"action": EVIL, "from": 2025, "to": 2030},
                                                                {"action": "b", "from": 2030, "trigger": EVIL}]}]})
    svg_tree(m)
    assert m.data["actions"] == [EVIL, "b"]
    svg_tree(plot.timeline([2024.5, 2025.1], [3, 1], labels=[EVIL, "x"]))
    f = plot.fact_series([("2023", 10.0), ("2023", 12.0), ("2024-06", 11.0)], title=EVIL)
    assert f.data["points"] == 3
    svg_tree(f)


def test_chart_shows_in_jupyter_and_saves(tmp_path, fitted):
    chart = plot.prim_tradeoff(fitted[2])
    assert chart._repr_svg_() == chart.svg == str(chart) == chart._repr_html_()
    path = chart.save(tmp_path / "t.svg")
    assert path.read_text(encoding="utf-8") == chart.svg
    with pytest.raises(InputError):
        chart.save(tmp_path / "t.pdf")


def test_chart_saves_as_png_of_its_own_size(tmp_path, fitted):
    pytest.importorskip("cairosvg")
    import struct

    chart = plot.prim_tradeoff(fitted[2])
    data = chart.save(tmp_path / "t.png", scale=1.0).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    root = svg_tree(chart)
    _, _, w, h = (float(v) for v in root.get("viewBox").split())
    assert (width, height) == (round(w), round(h))


def test_prim_and_box_html_are_escaped(fitted):
    from forewarn.analysis.prim import Box, Restriction

    _, _, prim = fitted
    html = prim._repr_html_()
    assert "<table" in html and "coverage" in html
    box = Box((Restriction(EVIL, "real", 0.1, 0.4),), 0.5, 0.6, 0.2, 10, 6)
    assert EVIL not in box._repr_html_() and "&lt;script&gt;" in box._repr_html_()
    assert Prim()._repr_html_().startswith("<p>Prim")
