"""The adaptation pathways map (the "metro map" of Haasnoot et al. 2013) as inline SVG.

Each action (and the starting plan) is a horizontal line from the first year to its median
tipping point, where it ends with a bar; each pathway's transfers are stations (circles) on the
line of the action it leaves, at the median year its rule fires, joined by a vertical stroke to
the line of the action it takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import numpy as np

from .svg import PALETTE

__all__ = ["pathways_map"]


def pathways_map(tipping: Any, transfers: list[Mapping[str, Any]], years: np.ndarray, *,
                 title: str = "Adaptation pathways", width: int = 720) -> str:
    """Draw the pathways map.

    Parameters
    ----------
    tipping : DataFrame
        :func:`forewarn.analysis.pathways.tipping_points`: ``plan``, ``median`` (year or None).
    transfers : list of dict
        ``pathway``, ``from`` (plan), ``to`` (action), ``year`` (median transfer year).
    years : array
        The time axis.
    """
    plans = list(tipping["plan"])
    left, right, top, row = 150, 30, 40, 34
    height = top + row * len(plans) + 40
    y0, y1 = float(years[0]), float(years[-1])
    pw = width - left - right

    def sx(year: float) -> float:
        return left + (year - y0) / ((y1 - y0) or 1.0) * pw

    def sy(i: int) -> float:
        return top + row * i + row / 2

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}" class="chart" font-family="sans-serif" font-size="11">',
           f"<title>{escape(title)}</title>",
           f'<text x="{left}" y="18" font-weight="bold" class="chart-title">{escape(title)}</text>']
    for year in np.linspace(y0, y1, 6):
        out.append(f'<text x="{sx(year):.1f}" y="{height - 12}" text-anchor="middle" class="tick">{year:.0f}</text>')
    for i, (plan, median) in enumerate(zip(tipping["plan"], tipping["median"])):
        colour = PALETTE[i % len(PALETTE)]
        end = y1 if median is None or not np.isfinite(median) else float(median)
        out.append(f'<text x="{left - 8}" y="{sy(i) + 4:.1f}" text-anchor="end">{escape(str(plan))}</text>')
        out.append(f'<line x1="{left}" x2="{sx(end):.1f}" y1="{sy(i):.1f}" y2="{sy(i):.1f}" stroke="{colour}" '
                   'stroke-width="5"/>')
        if end < y1:  # a tipping point within the horizon
            out.append(f'<line x1="{sx(end):.1f}" x2="{sx(end):.1f}" y1="{sy(i) - 9:.1f}" y2="{sy(i) + 9:.1f}" '
                       'stroke="#000" stroke-width="2"/>')
    index = {p: i for i, p in enumerate(plans)}
    for t in transfers:
        if t.get("year") is None or t["from"] not in index or t["to"] not in index:
            continue
        x, a, b = sx(float(t["year"])), sy(index[t["from"]]), sy(index[t["to"]])
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{a:.1f}" y2="{b:.1f}" stroke="#555" stroke-width="2"/>')
        for y in (a, b):
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#fff" stroke="#000" stroke-width="1.5">'
                       f"<title>{escape(str(t['pathway']))}: {escape(str(t['from']))} to "
                       f"{escape(str(t['to']))} ({float(t['year']):.0f})</title></circle>")
    out.append("</svg>")
    return "\n".join(out)
