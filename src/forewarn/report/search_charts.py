"""SVG charts of a lever search: convergence (hypervolume and ε-progress by evaluations).

Like :mod:`forewarn.report.svg`: plain inline SVG strings, every label escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np

from .svg import PALETTE

__all__ = ["convergence_chart", "line_panel"]


def _ticks(lo: float, hi: float, n: int = 5) -> np.ndarray:
    if not np.isfinite(lo) or not np.isfinite(hi) or hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** np.floor(np.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=10 * mag)
    return np.arange(np.floor(lo / step) * step, np.ceil(hi / step) * step + step * 0.5, step)


def _label(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if float(v).is_integer():
        return f"{v:.0f}"
    return f"{v:.3g}"


def line_panel(x: Sequence[float], y: Sequence[float], *, top: float, height: float, width: float,
               title: str, colour: str, left: float = 64, right: float = 24) -> list[str]:
    """SVG elements of one line chart placed at ``top`` (a panel of a larger SVG)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    pw, ph = width - left - right, height - 44
    yt = _ticks(min(0.0, float(y.min())) if len(y) else 0.0, float(y.max()) if len(y) else 1.0)
    xt = _ticks(0.0, float(x.max()) if len(x) else 1.0)
    x1, y0, y1 = float(xt[-1]) or 1.0, float(yt[0]), float(yt[-1])

    def sx(v):
        return left + np.asarray(v, float) / x1 * pw

    def sy(v):
        return top + 24 + ph - (np.asarray(v, float) - y0) / ((y1 - y0) or 1.0) * ph

    out = [f'<text x="{left}" y="{top + 14}" class="chart-title">{escape(title)}</text>']
    for t in yt:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" class="grid" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{sy(t) + 4:.1f}" text-anchor="end" class="tick">{_label(t)}</text>')
    for t in xt:
        out.append(f'<text x="{sx(t):.1f}" y="{top + 24 + ph + 16:.1f}" text-anchor="middle" class="tick">'
                   f"{_label(t)}</text>")
    if len(x):
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(sx(x), sy(y)))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
    return out


def convergence_chart(convergence: Any, *, title: str = "Search convergence", width: int = 640) -> str:
    """Hypervolume and cumulative ε-progress against model evaluations, one panel each.

    Parameters
    ----------
    convergence : DataFrame
        ``convergence.csv`` of a search: columns ``evaluations``, ``hypervolume``,
        ``epsilon_progress``.
    """
    panel = 190
    height = 30 + 2 * panel + 20
    x = convergence["evaluations"].to_numpy(float)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="64" y="18" class="chart-title" font-weight="bold">{escape(title)}</text>',
    ]
    out += line_panel(x, convergence["hypervolume"].to_numpy(float), top=30, height=panel, width=width,
                      title="Hypervolume of the archive (scaled objectives)", colour=PALETTE[0])
    out += line_panel(x, convergence["epsilon_progress"].to_numpy(float), top=30 + panel, height=panel,
                      width=width, title="ε-progress (new ε-boxes in the archive, cumulative)", colour=PALETTE[2])
    out.append(f'<text x="{width / 2:.0f}" y="{height - 4}" text-anchor="middle" class="tick">'
               "model evaluations (candidate strategies)</text>")
    out.append("</svg>")
    return "\n".join(out)
