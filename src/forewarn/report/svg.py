"""Small, dependency-free SVG charts for self-contained HTML reports.

Charts are strings of inline SVG: no JavaScript, no fonts or files to fetch. Every label passes
through :func:`html.escape`, so text from cases or articles never reaches the page unescaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import numpy as np

__all__ = ["PALETTE", "band_chart", "bar_chart", "colour_map"]

# Okabe-Ito: distinguishable for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#000000", "#56B4E9", "#F0E442")


def colour_map(names: Sequence[str]) -> dict[str, str]:
    """One palette colour per name, by position: pass every name once (for example all the strategies
    of a case, in the case's order) so that a name keeps its colour in every chart."""
    return {str(n): PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}


def _nice_ticks(lo: float, hi: float, n: int = 5) -> np.ndarray:
    if not np.isfinite(lo) or not np.isfinite(hi) or hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** np.floor(np.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=10 * mag)
    start = np.floor(lo / step) * step
    stop = np.ceil(hi / step) * step  # the top tick covers the highest value
    return np.arange(start, stop + step * 0.5, step)


def _fmt(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10 or float(v).is_integer():
        return f"{v:.0f}"
    return f"{v:.2g}"


def band_chart(
    x: Sequence[float],
    bands: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    *,
    title: str,
    y_label: str = "",
    reference: float | None = None,
    reference_label: str = "",
    shade: Sequence[str] | None = None,
    subtitle: str = "",
    x_format: str = "{:.0f}",
    colours: Mapping[str, str] | None = None,
    width: int = 480,
    height: int = 250,
) -> str:
    """Median lines with shaded low–high bands, one per series, and a legend under the plot.

    Parameters
    ----------
    x : sequence of float
        The common horizontal axis (for example years).
    bands : mapping of str to (low, median, high)
        One entry per series (for example per strategy); each array has ``len(x)`` values.
    title, y_label : str
        Chart title and vertical-axis label.
    reference : float, optional
        A horizontal reference line (for example a deterrence ratio of 1).
    shade : sequence of str, optional
        The series whose low–high band is drawn (default all); many overlapping bands hide
        each other, so a comparison shades a few and draws every median.
    subtitle : str
        A smaller line under the title (for example what the bands show).
    x_format : str
        Format of the horizontal tick labels (years by default: no thousands separator).
    colours : mapping, optional
        Colour per series (see :func:`colour_map`); default the palette in the order given.
    """
    x = np.asarray(x, dtype=float)
    colours = dict(colours or {}) or colour_map(list(bands))
    ml, mr, mt, mb = 52, 22, 48 if subtitle else 34, 30
    pw, ph = width - ml - mr, height - mt - mb
    total_height = height + 10 + 18 * len(bands)
    lows = [np.asarray(b[0], float) for b in bands.values()]
    highs = [np.asarray(b[2], float) for b in bands.values()]
    ymin = min([float(np.min(v)) for v in lows] + ([reference] if reference is not None else []))
    ymax = max([float(np.max(v)) for v in highs] + ([reference] if reference is not None else []))
    ymin = min(ymin, 0.0)
    yt = _nice_ticks(ymin, ymax)
    y0, y1 = float(yt[0]), float(yt[-1])
    x0, x1 = float(x[0]), float(x[-1]) if len(x) > 1 else float(x[0]) + 1

    def sx(v):
        return ml + (np.asarray(v, float) - x0) / (x1 - x0) * pw

    def sy(v):
        return mt + ph - (np.asarray(v, float) - y0) / (y1 - y0 or 1.0) * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f'<title>{escape(title)}</title>',
        f'<text x="{ml}" y="20" class="chart-title">{escape(title)}</text>',
    ]
    if subtitle:
        out.append(f'<text x="{ml}" y="36" class="tick">{escape(subtitle)}</text>')
    for t in yt:
        y = sy(t)
        out.append(f'<line x1="{ml}" x2="{ml + pw}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{ml - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_fmt(t)}</text>')
    step = max(1, int(np.ceil(len(x) / 8)))
    for v in x[::step]:
        out.append(f'<text x="{sx(v):.1f}" y="{mt + ph + 18}" text-anchor="middle" class="tick">'
                   f"{escape(x_format.format(v))}</text>")
    if y_label:
        out.append(
            f'<text transform="translate(14,{mt + ph / 2:.0f}) rotate(-90)" text-anchor="middle" class="tick">'
            f"{escape(y_label)}</text>"
        )
    if reference is not None:
        y = sy(reference)
        out.append(f'<line x1="{ml}" x2="{ml + pw}" y1="{y:.1f}" y2="{y:.1f}" class="reference"/>')
        if reference_label:
            out.append(f'<text x="{ml + pw - 4}" y="{y - 4:.1f}" text-anchor="end" class="tick">{escape(reference_label)}</text>')
    for i, (name, (lo, med, hi)) in enumerate(bands.items()):
        colour = colours.get(str(name), PALETTE[i % len(PALETTE)])
        shaded = shade is None or name in shade
        out += _series(sx(x), sy(lo), sy(med), sy(hi), colour, shaded)
        out += _legend_item(str(name), colour, shaded, ml, height + 10 + i * 18)
    out.append("</svg>")
    return "\n".join(out)


def _series(xs, lo_y, med_y, hi_y, colour: str, shaded: bool) -> list[str]:
    """One series: its 10–90% band (when shaded) and its median line."""
    out = []
    if shaded:
        poly = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, hi_y)) + " " + " ".join(
            f"{a:.1f},{b:.1f}" for a, b in zip(xs[::-1], lo_y[::-1]))
        # a dashed edge in the series' colour tells overlapping bands apart
        out.append(f'<polygon points="{poly}" fill="{colour}" fill-opacity="0.13" stroke="{colour}" '
                   f'stroke-opacity="0.7" stroke-width="1" stroke-dasharray="3 3"/>')
    line = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, med_y))
    out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.2"/>')
    return out


def _legend_item(name: str, colour: str, shaded: bool, lx: float, ly: float) -> list[str]:
    """A legend row under the plot: a band swatch (when shaded), the line, the name and what is drawn."""
    out = []
    if shaded:
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="22" height="12" fill="{colour}" fill-opacity="0.13" '
                   f'stroke="{colour}" stroke-dasharray="3 3"/>')
    out.append(f'<line x1="{lx}" x2="{lx + 22}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="2.2"/>')
    tag = " (median and 10–90% band)" if shaded else " (median)"
    out.append(f'<text x="{lx + 28}" y="{ly}" class="legend">{escape(name)}{escape(tag)}</text>')
    return out


def bar_chart(
    values: Mapping[str, float],
    *,
    title: str,
    unit: str = "",
    width: int = 480,
    bar_height: int = 22,
    value_format: str = "{:.0%}",
    colours: Mapping[str, str] | None = None,
) -> str:
    """Horizontal bars, one per label, in the given order (colours as in :func:`band_chart`)."""
    labels = list(values)
    colours = dict(colours or {}) or colour_map(labels)
    vals = np.array([float(values[k]) for k in labels])
    ml, mr, mt = 160, 52, 34
    height = mt + bar_height * len(labels) + 12
    pw = width - ml - mr
    vmax = float(np.max(vals)) if len(vals) and np.max(vals) > 0 else 1.0
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f'<title>{escape(title)}</title>',
        f'<text x="10" y="20" class="chart-title">{escape(title)}</text>',
    ]
    for i, (label, v) in enumerate(zip(labels, vals)):
        y = mt + i * bar_height
        w = max(0.0, v) / vmax * pw
        colour = colours.get(str(label), PALETTE[i % len(PALETTE)])
        out.append(f'<text x="{ml - 8}" y="{y + bar_height * 0.65:.1f}" text-anchor="end" class="tick">{escape(str(label))}</text>')
        out.append(f'<rect x="{ml}" y="{y + 3}" width="{w:.1f}" height="{bar_height - 6}" fill="{colour}"/>')
        text = value_format.format(v) + (f" {escape(unit)}" if unit else "")
        out.append(f'<text x="{ml + w + 6:.1f}" y="{y + bar_height * 0.65:.1f}" class="tick">{text}</text>')
    out.append("</svg>")
    return "\n".join(out)
