"""Commands: ``forewarn discover`` (scenario discovery), ``forewarn robust`` (strategy ranking),
``forewarn sensitivity`` (Sobol, Morris, delta indices). Registered on the shared app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .app import app

_TABLE_SUFFIXES = (".csv", ".parquet")


def _check_out(out: Path | None) -> None:
    """Refuse a bad --out before any work is done."""
    from ..errors import InputError
    from .common import check_out_folder

    if out is None:
        return
    if out.suffix.lower() not in _TABLE_SUFFIXES:
        raise InputError(
            f"cannot write {out.name!r}: use a .csv or .parquet file", source=out, field="--out"
        )
    if out.is_dir():
        raise InputError("is a folder; give a file name", source=out, field="--out")
    check_out_folder(out.parent)


def _write(table: Any, out: Path) -> None:
    from ..errors import InputError

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            table.to_csv(out, index=False)
        else:
            table.to_parquet(out, index=False)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", source=out, field="--out") from None


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=120)


def _fmt(v: Any) -> str:
    import math

    if v is None:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def _rich_table(df: Any, title: str | None = None) -> Any:
    import pandas as pd
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_lines=False)
    for col in df.columns:
        if pd.api.types.is_numeric_dtype(df[col].dtype):
            t.add_column(str(col), justify="right")
        else:  # names stay whole; numbers give way
            t.add_column(str(col), justify="left", no_wrap=True, min_width=min(len(str(col)), 12))
    for row in df.itertuples(index=False):
        t.add_row(*[_fmt(v) for v in row])
    return t


def _open(run: Path) -> tuple[Any, Any, Any]:
    from ..engine.results import open_results

    res = open_results(run)
    return res, res.to_dataframe(), res.case


@app.command("discover")
def discover_command(
    run: Path = typer.Argument(..., help="A run folder (written by `forewarn run`).", show_default=False),
    where: str = typer.Option(..., "--where", help="Which futures are of interest, e.g. 'min_margin < 1'.",
                              show_default=False),
    strategy: str | None = typer.Option(None, "--strategy", help="Look at one strategy's futures "
                                        "(default: all, with the strategy as an input).", show_default=False),
    method: str = typer.Option("prim", "--method", help="prim or cart."),
    out: Path | None = typer.Option(None, "--out", help="Write the boxes to this .csv or .parquet file.",
                                    show_default=False),
    peel_alpha: float = typer.Option(0.05, "--peel-alpha", help="PRIM: share peeled per step."),
    paste_alpha: float = typer.Option(0.05, "--paste-alpha", help="PRIM: share pasted per step."),
    mass_min: float = typer.Option(0.05, "--mass-min", help="Smallest box, as a share of the futures."),
    n_boxes: int = typer.Option(1, "--n-boxes", help="PRIM: most boxes to find by covering."),
    max_depth: int = typer.Option(3, "--max-depth", help="CART: deepest split."),
) -> None:
    """Scenario discovery: which uncertainties, in which ranges, lead to the futures of interest."""
    import pandas as pd
    from rich.markup import escape

    from ..analysis.cart import Cart
    from ..analysis.discovery import discovery_inputs, pick_strategy, readable_units
    from ..analysis.prim import Prim
    from ..analysis.where import select
    from ..errors import InputError

    if method not in ("prim", "cart"):
        raise InputError(f"unknown method {method!r}; use prim or cart", field="--method")
    if n_boxes < 1:
        raise InputError(f"must be at least 1, got {n_boxes}", field="--n-boxes")
    if max_depth < 1:
        raise InputError(f"must be at least 1, got {max_depth}", field="--max-depth")
    for name, value, zero in (("--peel-alpha", peel_alpha, False), ("--paste-alpha", paste_alpha, True),
                              ("--mass-min", mass_min, False)):
        if not (0 <= value < 1 if zero else 0 < value < 1):
            interval = "[0, 1)" if zero else "(0, 1)"
            raise InputError(f"must be a share in {interval}, got {value}", field=name)
    _check_out(out)
    res, df, case = _open(run)
    df = pick_strategy(df, strategy, source=run)
    mask = select(where, df, require_not_all=True)
    X, members = discovery_inputs(df, res.uncertainties, strategy)
    inputs = list(X.columns)
    units = readable_units(case.uncertainties) if case is not None else {}
    con = _console()
    con.print(
        f"{int(mask.sum()):,} of {len(df):,} experiments meet [bold]{escape(where)}[/]"
        + (f" (strategy {strategy})" if strategy else "")
        + f"; inputs: {', '.join(inputs)}"
    )
    words = dict(cases=f"{members} where {where}", members=members, verb=f"have {where}")
    if method == "prim":
        est = Prim(peel_alpha=peel_alpha, paste_alpha=paste_alpha, mass_min=mass_min, n_boxes=n_boxes)
        est.fit(X, mask)
        traj = est.peeling_trajectory_
        # a readable digest: about a dozen rows of the trajectory, with the chosen one
        step = max(len(traj) // 12, 1)
        keep = sorted(set(range(0, len(traj), step)) | {len(traj) - 1, est.box_.trajectory_id})
        shown = traj.iloc[keep][["id", "phase", "coverage", "density", "mass", "res_dim"]]
        con.print(_rich_table(shown, title=f"Peeling trajectory ({len(traj)} steps; "
                                           f"box chosen from step {est.box_.trajectory_id})"))
        boxes = est.boxes_
    else:
        est = Cart(max_depth=max_depth, min_samples_leaf=mass_min)
        est.fit(X, mask)
        con.print(_rich_table(est.leaves_, title="Tree leaves (densest first)"))
        base = mask.mean()
        boxes = [b for b in est.boxes_ if b.density > base][: max(n_boxes, 1)] or est.boxes_[:1]
    frames = _print_boxes(con, boxes, members=members, units=units, words=words)
    if out is not None:
        _write(pd.concat(frames, ignore_index=True), out)
        con.print(f"boxes written to {out}")


def _print_boxes(con: Any, boxes: list[Any], *, members: str, units: dict[str, str], words: dict[str, str]) -> list[Any]:
    """Print each box (its table and its sentence); return the tables with the box's figures."""
    from ..report.describe import describe_box

    frames = []
    for i, box in enumerate(boxes, start=1):
        table = box.to_frame()
        con.print(_rich_table(table.drop(columns=["kind"]),
                              title=f"Box {i}: coverage {box.coverage:.0%}, density {box.density:.0%}, "
                                    f"mass {box.mass:.0%}, {box.n:,} {members}"))
        con.print(describe_box(box, units=units, **words), soft_wrap=True, markup=False)
        con.print()
        table.insert(0, "box", i)
        for k in ("coverage", "density", "mass", "n", "k"):
            table[k] = getattr(box, k)
        frames.append(table)
    return frames


@app.command("robust")
def robust_command(
    run: Path = typer.Argument(..., help="A run folder (written by `forewarn run`).", show_default=False),
    satisfice: list[str] | None = typer.Option(
        None, "--satisfice", help="A threshold every future should meet, e.g. 'min_margin>=1' (repeat).",
        show_default=False,
    ),
    criterion: str | None = typer.Option(
        None, "--criterion", help="satisficing, max_regret, percentile_regret, mean_regret, worst, mean, median "
        "(default: satisficing with thresholds, else max_regret).", show_default=False,
    ),
    outcome: str | None = typer.Option(None, "--outcome", help="Outcome the criterion applies to "
                                       "(default: the first ranked outcome).", show_default=False),
    percentile: float = typer.Option(90, "--percentile", help="Percentile of regret to report."),
    out: Path | None = typer.Option(None, "--out", help="Write the ranking to this .csv or .parquet file.",
                                    show_default=False),
) -> None:
    """Rank strategies by robustness across the futures: regret, satisficing, worst case."""
    from ..analysis.robustness import directions_from_case, parse_threshold, ranking
    from ..errors import InputError

    _check_out(out)
    if not 0 <= percentile <= 100:
        raise InputError(f"must be between 0 and 100, got {percentile}", field="--percentile")
    thresholds = dict(parse_threshold(t) for t in (satisfice or []))
    res, df, case = _open(run)
    if case is None:
        raise InputError("the run's case cannot be read: outcome directions are unknown", source=run)
    directions = {k: v for k, v in directions_from_case(case).items() if k in df.columns}
    for name in thresholds:
        if name not in directions:
            raise InputError(f"unknown outcome {name!r}; outcomes: {', '.join(directions)}", source=run,
                             field="--satisfice")
    table = ranking(df, directions, thresholds=thresholds or None, criterion=criterion, outcome=outcome,
                    percentile=percentile)
    con = _console()
    n_fut = df["future"].nunique()
    crit = table["criterion"].iloc[0]
    con.print(f"{n_fut:,} futures x {df['strategy'].nunique()} strategies; ranked by [bold]{crit}[/]"
              + (f"; thresholds: {', '.join(f'{k} {op} {v:g}' for k, (op, v) in thresholds.items())}"
                 if thresholds else ""))
    # On screen: the score, satisficing and each outcome's maximum regret; --out has every column.
    keep = ["rank", "strategy", "score"] + (["satisficing"] if thresholds else [])
    keep += [c for c in table.columns if c.startswith("max_regret:")]
    shown = table[keep].copy()
    shown.columns = [c.replace("max_regret:", "max regret\n").replace("_", " ") for c in shown.columns]
    con.print(_rich_table(shown, title=f"Strategy ranking (score: {crit})"))
    if out is None:
        con.print("percentile regret and worst values per outcome: add --out FILE.csv")
    best = table.iloc[0]
    if thresholds:
        con.print(f"{best['strategy']} meets every threshold in {best['satisficing']:.0%} of the futures.")
    if out is not None:
        _write(table, out)
        con.print(f"ranking written to {out}")


@app.command("sensitivity")
def sensitivity_command(
    case: str = typer.Argument(..., metavar="CASE", help="The case file (TOML), or `kosovo` for the built-in case.",
                               show_default=False),
    method: str = typer.Option("sobol", "--method", help="sobol, morris or delta."),
    n: int = typer.Option(..., "-n", help="Base samples (sobol), trajectories (morris) or futures (delta).",
                          show_default=False),
    outcome: str | None = typer.Option(None, "--outcome", help="One scalar outcome (default: all).",
                                       show_default=False),
    seed: int = typer.Option(0, "--seed", help="Seeds the design, the model's draws and the bootstrap."),
    strategy: str | None = typer.Option(None, "--strategy", help="Whose levers to hold fixed "
                                        "(default: every lever at its default).", show_default=False),
    out: Path | None = typer.Option(None, "--out", help="Write the indices to this .csv or .parquet file.",
                                    show_default=False),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display on stderr."),
    ranges: str = typer.Option("sourced", "--ranges", help="Uncertainty ranges: sourced (the case as it is) or "
                               "stress (its declared stress ranges swapped in)."),
) -> None:
    """Global sensitivity of the outcomes to the uncertainties (runs the model in process)."""
    from ..analysis.sensitivity import METHODS, analyze_case
    from ..errors import InputError
    from .common import load_checked_case, working

    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; use one of {', '.join(METHODS)}", field="--method")
    if n < 1:
        raise InputError(f"must be at least 1, got {n}", field="-n")
    if seed < 0:
        raise InputError(f"must be 0 or more, got {seed}", field="--seed")
    _check_out(out)
    loaded = load_checked_case(case, ranges)
    with working(f"{method} indices of {loaded.name}: sampling, running the model, computing", quiet=quiet):
        table = analyze_case(loaded, method, n, outcome=outcome, seed=seed, strategy=strategy)
    con = _console()
    con.print(f"{method} indices from {table.attrs['rows']:,} model runs (seed {seed}, {ranges} ranges)")
    sort = {"sobol": "ST", "morris": "mu_star", "delta": "delta"}[method]
    for name, part in table.groupby("outcome", sort=False):
        part = part.drop(columns=["outcome"]).sort_values(sort, ascending=False, kind="stable")
        con.print(_rich_table(part, title=f"{name}"))
    if out is not None:
        _write(table, out)
        con.print(f"indices written to {out}")
