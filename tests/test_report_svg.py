"""Inline SVG charts: axes cover the data, labels are escaped, only chosen bands are shaded."""

from __future__ import annotations

import numpy as np
from hypothesis import given, strategies as st

from forewarn.report.svg import _nice_ticks, band_chart, bar_chart


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6))
def test_ticks_cover_the_range(lo, span):
    ticks = _nice_ticks(lo, lo + span)
    tol = 1e-9 * max(abs(lo), abs(lo + span), span)  # floating-point slack, relative to the scale
    assert ticks[0] <= lo + tol and ticks[-1] >= lo + span - tol
    assert np.all(np.diff(ticks) > 0)


def test_labels_are_escaped_and_years_have_no_separator():
    x = np.arange(2025, 2036)
    svg = band_chart(x, {"<b>a&b</b>": (x * 0.0, x * 0.0 + 1, x * 0.0 + 2)}, title="T <i>", subtitle="s&s")
    assert "<b>" not in svg and "&lt;b&gt;a&amp;b&lt;/b&gt;" in svg
    assert "T &lt;i&gt;" in svg and "s&amp;s" in svg
    assert ">2025<" in svg and "2,025" not in svg
    assert "<script" not in bar_chart({"<script>": 0.5}, title="t")


def test_only_chosen_bands_are_shaded():
    x = np.arange(5.0)
    bands = {name: (x, x + 1, x + 2) for name in ("a", "b", "c")}
    assert band_chart(x, bands, title="t").count("<polygon") == 3
    assert band_chart(x, bands, title="t", shade=["b"]).count("<polygon") == 1
    assert band_chart(x, bands, title="t").count("<polyline") == 3


def test_a_name_keeps_its_colour_in_every_chart_and_the_legend_tells_bands_from_lines():
    from forewarn.report.svg import colour_map

    colours = colour_map(["plan", "alt", "third"])
    x = np.arange(3.0)
    one = band_chart(x, {"alt": (x, x + 1, x + 2), "third": (x, x, x)}, title="t", colours=colours, shade=["alt"])
    two = bar_chart({"third": 0.5, "alt": 0.2}, title="t", colours=colours)
    for svg in (one, two):
        assert colours["alt"] in svg and colours["third"] in svg and colours["plan"] not in svg
    assert "alt (median and 10–90% band)" in one and "third (median)" in one
    assert len(set(colours.values())) == 3
