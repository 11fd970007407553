"""Charts of a run and of its analyses, for notebooks, the HTML brief and the dashboard.

Every function returns a :class:`Chart`: a string of standalone SVG drawn on the server, with no
script, no style attribute and no font or file to fetch, so the same object shows in Jupyter
(``_repr_svg_``), saves to a file (:meth:`Chart.save`) and goes into a page served under a strict
Content-Security-Policy. Every label passes through :func:`html.escape`.

Functions take either plain data (DataFrames, arrays) or forewarn objects: a
:class:`~forewarn.engine.results.Results` run, a fitted :class:`~forewarn.analysis.prim.Prim`,
a :class:`~forewarn.analysis.prim.Box`.

>>> from forewarn import plot                              # doctest: +SKIP
>>> plot.prim_tradeoff(prim)                               # doctest: +SKIP
>>> plot.bands(results, "margin").save("margin.svg")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Chart",
    "PALETTE",
    "HOLDS",
    "FAILS",
    "strategy_colours",
    "prim_tradeoff",
    "box_limits",
    "scatter",
    "pairs",
    "parallel",
    "bands",
    "tradeoff",
    "pathways_map",
    "timeline",
    "fact_series",
    "non_dominated",
]

# Okabe-Ito: distinguishable for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
#: Colours of futures where the objective holds and where it fails.
HOLDS, FAILS = "#0072B2", "#D55E00"


class Chart:
    """An SVG chart: shows in Jupyter, saves to a file, embeds in HTML.

    Attributes
    ----------
    svg : str
        The chart as one ``<svg>`` element.
    data : dict
        The numbers drawn (what the dashboard's JSON twin carries).
    """

    def __init__(self, svg: str, data: Mapping[str, Any] | None = None) -> None:
        self.svg = svg
        self.data = dict(data or {})

    def __str__(self) -> str:
        return self.svg

    def __html__(self) -> str:  # Jinja2 / MarkupSafe: already escaped
        return self.svg

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        return self.svg

    def save(self, path: str | Path, *, scale: float = 2.0) -> Path:
        """Write the chart as SVG or PNG, by the file's suffix (``.svg`` or ``.png``).

        PNG needs the ``png`` extra (CairoSVG and the system's cairo library); ``scale``
        multiplies the pixel size of a PNG.
        """
        from ..errors import InputError

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text(self.svg, encoding="utf-8")
        elif suffix == ".png":
            path.write_bytes(self.to_png(scale=scale))
        else:
            raise InputError("charts save as SVG or PNG (name the file *.svg or *.png)", source=path)
        return path

    def to_png(self, *, scale: float = 2.0) -> bytes:
        """The chart rendered as PNG bytes (the ``png`` extra: CairoSVG)."""
        from ..errors import ForewarnError

        try:
            import cairosvg
        except (ImportError, OSError) as exc:  # OSError: the cairo library itself is missing
            raise ForewarnError(f"PNG output needs the png extra (pip install 'forewarn[png]'): {exc}") from None
        return cairosvg.svg2png(bytestring=self.svg.encode("utf-8"), scale=scale)


def strategy_colours(strategies: Sequence[str]) -> dict[str, str]:
    """One colour per strategy, by its position in the run's strategy order (the same everywhere)."""
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(strategies)}


# -- helpers -----------------------------------------------------------------------------------


def _ticks(lo: float, hi: float, n: int = 5) -> np.ndarray:
    if not np.isfinite(lo) or not np.isfinite(hi):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n - 1, 1)
    mag = 10 ** np.floor(np.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=10 * mag)
    return np.arange(np.floor(lo / step) * step, np.ceil(hi / step) * step + step * 0.5, step)


def _fmt(v: float) -> str:
    if not np.isfinite(v):
        return ""
    if abs(v) >= 10_000:
        return f"{v:,.0f}"
    if abs(v) >= 1000:  # years read better without a separator
        return f"{v:.0f}"
    if abs(v) >= 10 or float(v).is_integer():
        return f"{v:.0f}"
    return f"{v:.2g}"


def _attrs(extra: Mapping[str, Any] | None) -> str:
    if not extra:
        return ""
    return "".join(f' {escape(str(k))}="{escape(str(v))}"' for k, v in extra.items())


class _Frame:
    """A plot area with linear scales and axes."""

    def __init__(self, width, height, x_range, y_range, *, ml=56, mr=16, mt=30, mb=40):
        self.width, self.height = width, height
        self.ml, self.mr, self.mt, self.mb = ml, mr, mt, mb
        self.pw, self.ph = width - ml - mr, height - mt - mb
        self.xt = _ticks(*x_range)
        self.yt = _ticks(*y_range)
        self.x0, self.x1 = float(self.xt[0]), float(self.xt[-1])
        self.y0, self.y1 = float(self.yt[0]), float(self.yt[-1])

    def sx(self, v):
        return self.ml + (np.asarray(v, float) - self.x0) / ((self.x1 - self.x0) or 1.0) * self.pw

    def sy(self, v):
        return self.mt + self.ph - (np.asarray(v, float) - self.y0) / ((self.y1 - self.y0) or 1.0) * self.ph

    def open(self, title: str, cls: str = "") -> list[str]:
        return [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-label="{escape(title)}" class="chart {escape(cls)}">',
            f"<title>{escape(title)}</title>",
            f'<text x="{self.ml}" y="18" class="chart-title">{escape(title)}</text>',
        ]

    def axes(self, x_label: str, y_label: str) -> list[str]:
        out = []
        for t in self.yt:
            y = self.sy(t)
            out.append(f'<line x1="{self.ml}" x2="{self.ml + self.pw}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
            out.append(f'<text x="{self.ml - 5}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_fmt(t)}</text>')
        for t in self.xt:
            x = self.sx(t)
            out.append(f'<text x="{x:.1f}" y="{self.mt + self.ph + 15}" text-anchor="middle" class="tick">'
                       f"{_fmt(t)}</text>")
        out.append(f'<text x="{self.ml + self.pw / 2:.0f}" y="{self.height - 6}" text-anchor="middle" '
                   f'class="label">{escape(x_label)}</text>')
        out.append(f'<text transform="translate(12,{self.mt + self.ph / 2:.0f}) rotate(-90)" '
                   f'text-anchor="middle" class="label">{escape(y_label)}</text>')
        return out


def _holds_legend(x: float, y: float, labels=("objective holds", "fails")) -> list[str]:
    return [
        f'<circle cx="{x}" cy="{y - 4}" r="4" fill="{HOLDS}"/>',
        f'<text x="{x + 8}" y="{y}" class="tick">{escape(labels[0])}</text>',
        f'<circle cx="{x + 110}" cy="{y - 4}" r="4" fill="{FAILS}"/>',
        f'<text x="{x + 118}" y="{y}" class="tick">{escape(labels[1])}</text>',
    ]


# -- scenario discovery ------------------------------------------------------------------------


def prim_tradeoff(
    trajectory: Any,
    *,
    selected: int | None = None,
    marked: int | None = None,
    point_attrs: Callable[[int], Mapping[str, Any]] | None = None,
    title: str = "PRIM peeling trajectory: coverage against density",
    width: int = 560,
    height: int = 360,
) -> Chart:
    """PRIM's coverage–density trade-off, one point per box of the peeling trajectory.

    Parameters
    ----------
    trajectory : Prim or DataFrame
        A fitted :class:`~forewarn.analysis.prim.Prim` (its first trajectory) or a trajectory
        frame with ``id``, ``coverage``, ``density``, ``res_dim``.
    selected : int, optional
        Trajectory id drawn as the chosen box.
    marked : int, optional
        Trajectory id of the box a report uses (drawn with a ring; default: the Prim's ``box_``).
    point_attrs : callable, optional
        ``point_attrs(id)`` gives extra attributes for each point's ``<g>`` (links, ``hx-get``).
    """
    if hasattr(trajectory, "peeling_trajectory_"):
        if marked is None:
            marked = trajectory.box_.trajectory_id
        trajectory = trajectory.peeling_trajectory_
    traj = pd.DataFrame(trajectory)
    cov, dens = traj["coverage"].to_numpy(float), traj["density"].to_numpy(float)
    ids = traj["id"].to_numpy(int) if "id" in traj else np.arange(len(traj))
    dims = traj["res_dim"].to_numpy(int) if "res_dim" in traj else np.zeros(len(traj), int)
    f = _Frame(width, height, (0.0, 1.0), (0.0, max(1.0, float(dens.max(initial=0)))), mr=90)
    out = f.open(title, "prim-tradeoff") + f.axes("coverage", "density")
    line = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(f.sx(cov), f.sy(dens)))
    out.append(f'<polyline points="{line}" fill="none" class="trace"/>')
    top = max(int(dims.max(initial=0)), 1)
    for i, c, d, r in zip(ids, cov, dens, dims):
        shade = PALETTE[0] if r == 0 else _blend(r / top)
        cls = "pt" + (" sel" if selected is not None and i == selected else "") + (
            " marked" if marked is not None and i == marked else "")
        extra = _attrs(point_attrs(int(i)) if point_attrs else None)
        x, y = float(f.sx(c)), float(f.sy(d))
        out.append(f'<g class="{cls}" data-id="{int(i)}"{extra}>'
                   f'<title>box {int(i)}: coverage {c:.2f}, density {d:.2f}, {int(r)} restricted</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" class="hit"/>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{6 if cls != "pt" else 4}" fill="{shade}"/></g>')
    lx = f.ml + f.pw + 10
    out.append(f'<text x="{lx}" y="{f.mt + 10}" class="tick">restricted</text>')
    for j in range(0, top + 1, max(1, top // 4)):
        y = f.mt + 26 + 16 * (j // max(1, top // 4))
        out.append(f'<circle cx="{lx + 4}" cy="{y - 4}" r="4" fill="{_blend(j / top) if j else PALETTE[0]}"/>')
        out.append(f'<text x="{lx + 12}" y="{y}" class="tick">{j}</text>')
    out.append("</svg>")
    data = {"points": [{"id": int(i), "coverage": float(c), "density": float(d), "res_dim": int(r)}
                       for i, c, d, r in zip(ids, cov, dens, dims)], "selected": selected, "marked": marked}
    return Chart("\n".join(out), data)


def _blend(t: float) -> str:
    """A colour from light blue (few restrictions) to dark orange (many)."""
    a, b = np.array([0x56, 0xB4, 0xE9]), np.array([0xA0, 0x40, 0x00])
    c = (a + (b - a) * float(np.clip(t, 0, 1))).round().astype(int)
    return "#%02x%02x%02x" % tuple(c)


def box_limits(
    box: Any,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    *,
    title: str = "Box limits",
    width: int = 560,
) -> Chart:
    """Each restricted input of a box as a bar over its full range, with its quasi-p-values.

    Parameters
    ----------
    box : Box
        A PRIM or CART box.
    ranges : mapping of str to (low, high), optional
        The full range of each input (default: the box's own limits, padded).
    """
    rows = list(box.restrictions)
    row_h, ml, mr, mt = 34, 170, 150, 30
    height = mt + row_h * max(len(rows), 1) + 10
    pw = width - ml - mr
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart box-limits">',
        f"<title>{escape(title)}</title>",
        f'<text x="10" y="18" class="chart-title">{escape(title)}: coverage {box.coverage:.0%}, '
        f"density {box.density:.0%}, {box.n:,} futures</text>",
    ]
    if not rows:
        out.append(f'<text x="10" y="{mt + 18}" class="tick">No input is restricted: the box holds every future.</text>')
    data = []
    for i, r in enumerate(rows):
        y = mt + i * row_h
        out.append(f'<text x="{ml - 8}" y="{y + 16}" text-anchor="end" class="tick">{escape(str(r.name))}</text>')
        if r.categories is not None:
            text = "{" + ", ".join(str(c) for c in r.categories) + "}"
            out.append(f'<text x="{ml}" y="{y + 16}" class="tick">{escape(text)}</text>')
            data.append({"name": r.name, "categories": list(r.categories), "qp": r.qp_low})
            continue
        lo_all, hi_all = (ranges or {}).get(r.name, (r.low if r.low is not None else 0.0,
                                                     r.high if r.high is not None else 1.0))
        span = (hi_all - lo_all) or 1.0
        lo = r.low if r.low is not None else lo_all
        hi = r.high if r.high is not None else hi_all
        x0 = ml + (lo - lo_all) / span * pw
        x1 = ml + (hi - lo_all) / span * pw
        out.append(f'<rect x="{ml}" y="{y + 6}" width="{pw}" height="14" class="range"/>')
        out.append(f'<rect x="{x0:.1f}" y="{y + 6}" width="{max(x1 - x0, 1):.1f}" height="14" fill="{PALETTE[0]}"/>')
        out.append(f'<text x="{ml}" y="{y + 32}" class="tick">{_fmt(lo_all)}</text>')
        out.append(f'<text x="{ml + pw}" y="{y + 32}" text-anchor="end" class="tick">{_fmt(hi_all)}</text>')
        qp = ", ".join(f"{side} p={v:.2g}" for side, v in (("low", r.qp_low), ("high", r.qp_high)) if v is not None)
        out.append(f'<text x="{ml + pw + 6}" y="{y + 12}" class="tick">{_fmt(lo)}–{_fmt(hi)}</text>')
        out.append(f'<text x="{ml + pw + 6}" y="{y + 26}" class="tick">{escape(qp)}</text>')
        data.append({"name": r.name, "low": r.low, "high": r.high, "qp_low": r.qp_low, "qp_high": r.qp_high})
    out.append("</svg>")
    return Chart("\n".join(out), {"restrictions": data, "coverage": box.coverage, "density": box.density})


# -- futures -----------------------------------------------------------------------------------


def _frame_of(data: Any, columns: Sequence[str] | None) -> pd.DataFrame:
    if hasattr(data, "to_dataframe"):
        data = data.to_dataframe()
    return pd.DataFrame(data) if columns is None else pd.DataFrame(data)[list(columns)]


def scatter(
    frame: pd.DataFrame,
    x: str,
    y: str,
    holds: Any,
    *,
    title: str | None = None,
    width: int = 480,
    height: int = 360,
    max_points: int = 4000,
) -> Chart:
    """Futures on two uncertainties, coloured by whether the objective holds.

    ``holds`` is a boolean array (one per row of ``frame``); rows past ``max_points`` are left out
    (pass a sample for large runs).
    """
    xs = np.asarray(frame[x], float)[:max_points]
    ys = np.asarray(frame[y], float)[:max_points]
    ok = np.asarray(holds, bool)[:max_points]
    pad = lambda v: (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)  # noqa: E731
    f = _Frame(width, height, pad(xs), pad(ys), mt=44)
    out = f.open(title or f"{x} against {y}", "scatter") + f.axes(x, y)
    out += _holds_legend(f.ml, 34)
    for flag, colour in ((True, HOLDS), (False, FAILS)):
        sel = ok == flag
        out.append(f'<g fill="{colour}" fill-opacity="0.55" class="dots">')
        out.extend(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.2"/>' for a, b in zip(f.sx(xs[sel]), f.sy(ys[sel])))
        out.append("</g>")
    out.append("</svg>")
    return Chart("\n".join(out), {"x": x, "y": y, "points": int(xs.size), "holds": int(ok.sum())})


def pairs(
    data: Any,
    columns: Sequence[str],
    holds: Any,
    *,
    title: str = "Pairs of uncertainties",
    cell: int = 150,
    max_points: int = 1500,
) -> Chart:
    """A scatter-plot matrix (lower triangle) of ``columns``, coloured by whether the objective holds."""
    frame = _frame_of(data, columns)
    ok = np.asarray(holds, bool)[:max_points]
    k = len(columns)
    pad, top = 8, 24
    size = k * cell + pad
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + top}" role="img" '
        f'aria-label="{escape(title)}" class="chart pairs">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="16" class="chart-title">{escape(title)}</text>',
    ]
    vals = {c: np.asarray(frame[c], float)[:max_points] for c in columns}
    norm = {}
    for c, v in vals.items():
        lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
        norm[c] = (v - lo) / ((hi - lo) or 1.0)
    for i, cy in enumerate(columns):
        for j, cx in enumerate(columns):
            if j > i:
                continue
            x0, y0 = pad + j * cell, top + i * cell
            out.append(f'<rect x="{x0}" y="{y0}" width="{cell - 6}" height="{cell - 6}" class="panel"/>')
            if i == j:
                out.append(f'<text x="{x0 + (cell - 6) / 2:.0f}" y="{y0 + cell / 2:.0f}" text-anchor="middle" '
                           f'class="label">{escape(cx)}</text>')
                continue
            px = x0 + 3 + norm[cx] * (cell - 12)
            py = y0 + cell - 9 - norm[cy] * (cell - 12)
            for flag, colour in ((True, HOLDS), (False, FAILS)):
                sel = ok == flag
                out.append(f'<g fill="{colour}" fill-opacity="0.5">')
                out.extend(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="1.4"/>' for a, b in zip(px[sel], py[sel]))
                out.append("</g>")
    out.append("</svg>")
    return Chart("\n".join(out), {"columns": list(columns), "points": int(ok.size)})


def parallel(
    data: Any,
    columns: Sequence[str],
    holds: Any,
    *,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    title: str = "Parallel coordinates",
    width: int = 900,
    height: int = 320,
    max_lines: int = 400,
) -> Chart:
    """One line per future across the ``columns`` axes (each scaled to its range), coloured by
    whether the objective holds."""
    frame = _frame_of(data, columns).head(max_lines)
    ok = np.asarray(holds, bool)[: len(frame)]
    k = len(columns)
    ml, mr, mt, mb = 20, 20, 44, 60
    pw, ph = width - ml - mr, height - mt - mb
    xs = [ml + (pw * j / max(k - 1, 1)) for j in range(k)]
    ys = []
    for c in columns:
        v = frame[c].to_numpy(float)
        lo, hi = (ranges or {}).get(c, (float(v.min()) if v.size else 0.0, float(v.max()) if v.size else 1.0))
        ys.append(mt + ph - (v - lo) / ((hi - lo) or 1.0) * ph)
    ys = np.array(ys).T if k else np.zeros((0, 0))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart parallel">',
        f"<title>{escape(title)}</title>",
        f'<text x="{ml}" y="18" class="chart-title">{escape(title)}</text>',
    ]
    out += _holds_legend(ml, 34)
    for flag, colour in ((True, HOLDS), (False, FAILS)):
        out.append(f'<g fill="none" stroke="{colour}" stroke-opacity="0.25" stroke-width="1">')
        for row in ys[ok == flag]:
            out.append('<polyline points="' + " ".join(f"{x:.0f},{y:.1f}" for x, y in zip(xs, row)) + '"/>')
        out.append("</g>")
    for x, c in zip(xs, columns):
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{mt}" y2="{mt + ph}" class="axis"/>')
        out.append(f'<text transform="translate({x:.1f},{mt + ph + 8}) rotate(40)" class="tick">{escape(c)}</text>')
    out.append("</svg>")
    return Chart("\n".join(out), {"columns": list(columns), "lines": int(len(frame))})


# -- strategies --------------------------------------------------------------------------------


def _bands_of(results: Any, outcome: str, strategies: Sequence[str] | None, q=(10, 50, 90)) -> tuple:
    years = np.asarray(results.years)
    col = f'"{outcome}"'
    order = list(strategies or results.strategies)
    exprs = ", ".join(
        f"quantile_cont({col}[{j + 1}], [{q[0] / 100}, {q[1] / 100}, {q[2] / 100}])" for j in range(len(years)))
    df = results.query(f"select strategy, {exprs} from results group by strategy")
    out = {}
    for _, r in df.iterrows():
        qs = np.array([list(r.iloc[j + 1]) for j in range(len(years))])
        out[r["strategy"]] = (qs[:, 0], qs[:, 1], qs[:, 2])
    return years, {s: out[s] for s in order if s in out}


def bands(
    data: Any,
    outcome: str | None = None,
    *,
    years: Sequence[float] | None = None,
    strategies: Sequence[str] | None = None,
    colours: Mapping[str, str] | None = None,
    shade: Sequence[str] | None = None,
    reference: float | None = None,
    title: str | None = None,
    y_label: str = "",
    y_range: tuple[float, float] | None = None,
    legend: bool = True,
    width: int = 640,
    height: int = 300,
) -> Chart:
    """Bands of an outcome over time: per strategy, the median line and the 10–90% band.

    Parameters
    ----------
    data : Results or mapping of str to (low, median, high)
        A run (with ``outcome``, a series outcome) or the bands themselves (with ``years``).
    colours : mapping, optional
        Strategy colours (default :func:`strategy_colours` of the run's order).
    shade : sequence of str, optional
        Strategies whose band is shaded (default: all).
    y_range : (low, high), optional
        The vertical axis (small multiples share one).
    legend : bool
        Name the strategies at the right (a single-strategy panel says it in its title).
    """
    if hasattr(data, "years") and outcome is not None:
        x, bandset = _bands_of(data, outcome, strategies)
        colours = colours or strategy_colours(data.strategies)
    else:
        x, bandset = np.asarray(years, float), dict(data)
    colours = colours or strategy_colours(list(bandset))
    x = np.asarray(x, float)
    lows = [float(np.min(b[0])) for b in bandset.values()] or [0.0]
    highs = [float(np.max(b[2])) for b in bandset.values()] or [1.0]
    ylo = min(min(lows), 0.0, reference if reference is not None else 0.0)
    yhi = max(max(highs), reference if reference is not None else -np.inf)
    if y_range is not None:
        ylo, yhi = y_range
    f = _Frame(width, height, (float(x.min()), float(x.max())), (ylo, yhi), mr=150 if legend else 16)
    f.xt = np.unique(np.round(x[:: max(1, int(np.ceil(len(x) / 8)))]))
    f.x0, f.x1 = float(x.min()), float(x.max()) if x.max() > x.min() else float(x.min()) + 1
    name = title or (f"{outcome} over time" if outcome else "Outcome over time")
    out = f.open(name, "bands") + f.axes("year", y_label or (outcome or ""))
    if reference is not None:
        y = float(f.sy(reference))
        out.append(f'<line x1="{f.ml}" x2="{f.ml + f.pw}" y1="{y:.1f}" y2="{y:.1f}" class="reference"/>')
    data_out = {}
    for i, (s, (lo, med, hi)) in enumerate(bandset.items()):
        colour = colours.get(s, PALETTE[i % len(PALETTE)])
        xs = f.sx(x)
        if shade is None or s in shade:
            poly = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, f.sy(hi))) + " " + " ".join(
                f"{a:.1f},{b:.1f}" for a, b in zip(xs[::-1], f.sy(lo)[::-1]))
            out.append(f'<polygon points="{poly}" fill="{colour}" fill-opacity="0.14" stroke="none"/>')
        line = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, f.sy(med)))
        out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        if legend:
            ly = f.mt + 10 + i * 16
            out.append(f'<rect x="{f.ml + f.pw + 10}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
            out.append(f'<text x="{f.ml + f.pw + 24}" y="{ly}" class="tick">{escape(str(s))}</text>')
        data_out[str(s)] = {"low": np.asarray(lo, float).tolist(), "median": np.asarray(med, float).tolist(),
                            "high": np.asarray(hi, float).tolist()}
    out.append("</svg>")
    return Chart("\n".join(out), {"years": x.tolist(), "bands": data_out})


def non_dominated(robustness: Sequence[float], cost: Sequence[float]) -> np.ndarray:
    """Mask of the points no other point beats on both robustness (higher) and cost (lower)."""
    r, c = np.asarray(robustness, float), np.asarray(cost, float)
    keep = np.ones(r.size, bool)
    for i in range(r.size):
        better = (r >= r[i]) & (c <= c[i]) & ((r > r[i]) | (c < c[i]))
        keep[i] = not better.any()
    return keep


def _spread(y: np.ndarray, gap: float) -> np.ndarray:
    """Label positions near ``y`` but at least ``gap`` apart (labels of close points stack)."""
    y = np.asarray(y, float)
    order = np.argsort(y, kind="stable")
    out = y.copy()
    for a, b in zip(order[:-1], order[1:]):
        out[b] = max(out[b], out[a] + gap)
    return out


def tradeoff(
    table: pd.DataFrame,
    *,
    robustness: str = "robustness",
    cost: str = "cost",
    colours: Mapping[str, str] | None = None,
    title: str = "Robustness against cost",
    x_label: str = "median cost",
    y_label: str = "share of futures where the objective holds",
    width: int = 560,
    height: int = 340,
) -> Chart:
    """Strategies on robustness (higher is better) against cost (lower is better); the
    non-dominated ones are drawn large and joined.

    ``table`` has one row per strategy with columns ``strategy``, ``robustness`` and ``cost``.
    """
    t = pd.DataFrame(table).reset_index(drop=True)
    r, c = t[robustness].to_numpy(float), t[cost].to_numpy(float)
    nd = non_dominated(r, c)
    colours = colours or strategy_colours(t["strategy"].tolist())
    ylo, yhi = max(0.0, float(r.min()) - 0.05), min(1.0, float(r.max()) + 0.05)
    f = _Frame(width, height, (float(c.min()), float(c.max())), (ylo, yhi), mr=20)
    out = f.open(title, "tradeoff") + f.axes(x_label, y_label)
    label_y = _spread(f.sy(r), 13.0)
    front = np.argsort(c[nd])
    pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(f.sx(c[nd][front]), f.sy(r[nd][front])))
    out.append(f'<polyline points="{pts}" fill="none" class="front"/>')
    for i, row in t.iterrows():
        x, y = float(f.sx(c[i])), float(f.sy(r[i]))
        colour = colours.get(row["strategy"], PALETTE[i % len(PALETTE)])
        cls = "nd" if nd[i] else "dominated"
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{7 if nd[i] else 4}" fill="{colour}" class="{cls}"/>')
        anchor = "end" if x > f.ml + f.pw * 0.7 else "start"
        dx = -10 if anchor == "end" else 10
        ly = float(label_y[i])
        if abs(ly - y) > 3:
            out.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + dx * 0.8:.1f}" y2="{ly:.1f}" class="grid"/>')
        out.append(f'<text x="{x + dx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" class="tick">'
                   f'{escape(str(row["strategy"]))}</text>')
    out.append("</svg>")
    data = [{"strategy": str(s), "robustness": float(a), "cost": float(b), "non_dominated": bool(d)}
            for s, a, b, d in zip(t["strategy"], r, c, nd)]
    return Chart("\n".join(out), {"strategies": data})


# -- pathways ----------------------------------------------------------------------------------


def pathways_map(
    pathways: Mapping[str, Any],
    *,
    title: str = "Adaptation pathways",
    width: int = 720,
) -> Chart:
    """An adaptation pathways map: one row per action, its period of use, and the switches.

    Parameters
    ----------
    pathways : mapping
        ``{"years": [start, stop], "actions": [{"name", "tipping_point": year or None}],
        "pathways": [{"name", "steps": [{"action", "from": year, "to": year or None,
        "trigger": str}]}]}`` (the shape documented in ``docs/dashboard.md``).
    """
    actions = [a["name"] for a in pathways.get("actions", [])]
    for p in pathways.get("pathways", []):
        for s in p.get("steps", []):
            if s["action"] not in actions:
                actions.append(s["action"])
    y0, y1 = pathways.get("years", [0, 1])
    row_h, ml, mr, mt = 30, 170, 20, 34
    height = mt + row_h * max(len(actions), 1) + 30
    f = _Frame(width, height, (float(y0), float(y1)), (0.0, 1.0), ml=ml, mr=mr, mt=mt, mb=30)
    out = f.open(title, "pathways")
    row = {a: mt + i * row_h + row_h / 2 for i, a in enumerate(actions)}
    for a, y in row.items():
        out.append(f'<text x="{ml - 8}" y="{y + 4:.0f}" text-anchor="end" class="tick">{escape(str(a))}</text>')
        out.append(f'<line x1="{ml}" x2="{ml + f.pw}" y1="{y:.0f}" y2="{y:.0f}" class="grid"/>')
    for a in pathways.get("actions", []):
        if a.get("tipping_point") is not None:
            x = float(f.sx(a["tipping_point"]))
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{row[a["name"]] - 9:.0f}" y2="{row[a["name"]] + 9:.0f}" '
                       f'class="tipping"><title>tipping point {escape(str(a["tipping_point"]))}</title></line>')
    for i, p in enumerate(pathways.get("pathways", [])):
        colour = PALETTE[i % len(PALETTE)]
        prev = None
        for s in p.get("steps", []):
            xa = float(f.sx(s.get("from", y0)))
            xb = float(f.sx(s.get("to") if s.get("to") is not None else y1))
            y = row[s["action"]] + (i % 3 - 1) * 3
            out.append(f'<line x1="{xa:.1f}" x2="{xb:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" '
                       f'stroke-width="4"><title>{escape(str(p.get("name", "")))}: {escape(str(s["action"]))}'
                       f'{" (" + escape(str(s["trigger"])) + ")" if s.get("trigger") else ""}</title></line>')
            if prev is not None:
                out.append(f'<line x1="{xa:.1f}" x2="{xa:.1f}" y1="{prev:.1f}" y2="{y:.1f}" stroke="{colour}" '
                           f'stroke-width="2"/>')
            prev = y
    for t in f.xt:
        out.append(f'<text x="{float(f.sx(t)):.1f}" y="{height - 8}" text-anchor="middle" class="tick">{_fmt(t)}</text>')
    out.append("</svg>")
    return Chart("\n".join(out), {"actions": actions, "pathways": [p.get("name") for p in pathways.get("pathways", [])]})


# -- evidence and facts ------------------------------------------------------------------------


def timeline(
    when: Sequence[float],
    size: Sequence[float],
    *,
    labels: Sequence[str] | None = None,
    title: str = "Timeline",
    width: int = 960,
    height: int = 170,
) -> Chart:
    """Items on a time axis (decimal years): one stem each, as tall as ``size``."""
    t = np.asarray(when, float)
    h = np.asarray(size, float)
    lo, hi = (float(t.min()), float(t.max())) if t.size else (0.0, 1.0)
    if hi - lo < 1:
        lo, hi = np.floor(lo), np.floor(lo) + 1
    f = _Frame(width, height, (lo, hi), (0.0, max(float(h.max(initial=1)), 1.0)), mb=24)
    out = f.open(title, "timeline")
    base = f.mt + f.ph
    out.append(f'<line x1="{f.ml}" x2="{f.ml + f.pw}" y1="{base}" y2="{base}" class="axis"/>')
    for v in f.xt:
        year, month = int(np.floor(v)), int(round((v - np.floor(v)) * 12)) + 1
        label = f"{year}" if month == 1 else f"{year}-{min(month, 12):02d}"
        out.append(f'<text x="{float(f.sx(v)):.1f}" y="{base + 15}" text-anchor="middle" class="tick">{label}</text>')
    for i, (a, b) in enumerate(zip(f.sx(t), f.sy(h))):
        tip = escape(str(labels[i])) if labels is not None else ""
        out.append(f'<g class="item"><title>{tip}</title><line x1="{a:.1f}" x2="{a:.1f}" y1="{base}" y2="{b:.1f}" '
                   f'stroke="{PALETTE[0]}" stroke-width="2"/><circle cx="{a:.1f}" cy="{b:.1f}" r="4" '
                   f'fill="{PALETTE[0]}"/></g>')
    out.append("</svg>")
    return Chart("\n".join(out), {"items": int(t.size)})


def fact_series(
    points: Sequence[tuple[str, float]],
    *,
    title: str = "",
    width: int = 420,
    height: int = 180,
) -> Chart:
    """Figures of one quantity over time (``(as_of, value)`` pairs); figures that disagree on the
    same date are drawn side by side."""
    dates = pd.to_datetime([str(d)[:10] for d, _ in points], errors="coerce", format="mixed")
    keep = ~pd.isna(dates)
    t = np.array([d.year + (d.day_of_year - 1) / 366 for d in dates[keep]], float)
    v = np.array([float(x) for (_, x), k in zip(points, keep) if k], float)
    lo, hi = (float(t.min()), float(t.max())) if t.size else (0.0, 1.0)
    if hi - lo < 1:
        lo, hi = lo - 0.5, hi + 0.5
    f = _Frame(width, height, (lo, hi), (min(0.0, float(v.min(initial=0))), float(v.max(initial=1))), mr=12)
    out = f.open(title, "facts") + f.axes("", "")
    seen: dict[float, int] = {}
    for a, b, x in zip(f.sx(t), f.sy(v), t):
        j = seen.get(round(float(x), 3), 0)
        seen[round(float(x), 3)] = j + 1
        out.append(f'<circle cx="{a + 7 * j:.1f}" cy="{b:.1f}" r="3.5" fill="{FAILS if j else HOLDS}"/>')
    out.append("</svg>")
    return Chart("\n".join(out), {"points": int(t.size)})
