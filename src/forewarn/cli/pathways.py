"""Command: ``forewarn pathways`` (tipping points, pathways, scorecard, triggers, value of information)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from .app import app


@app.command("pathways")
def pathways_command(
    target: str = typer.Argument(..., metavar="CASE|RUN", help="A case file (or built-in name), or a run folder.",
                                 show_default=False),
    n: int | None = typer.Option(None, "-n", help="Futures (default 1000; a run's own number for a RUN).",
                                 show_default=False),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the futures (default 0; a run's own for a RUN).",
                                    show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    svg: Path | None = typer.Option(None, "--svg", help="Write the pathways map (SVG) to this file.",
                                    show_default=False),
) -> None:
    """Evaluate the case's adaptive pathways over its futures: when each plan tips, what each pathway
    achieves, when to start each action, and which signposts are worth watching."""
    from ..analysis.pathways import analyse, consistent_futures, pathway_transfers, to_json
    from ..engine.experiments import Futures
    from ..errors import InputError

    case, n, seed = _case_and_size(target, n, seed)
    if n < 1:
        raise InputError(f"must be at least 1, got {n}", field="-n")
    if seed < 0:
        raise InputError(f"must be 0 or more, got {seed}", field="--seed")
    futures, aside = consistent_futures(case, Futures.sample(case, n, seed))
    masks, unresolved = _signpost_masks(case, futures)
    result = analyse(case, futures, signposts=masks)
    transfers = pathway_transfers(case, result)
    if svg is not None:
        from ..analysis.search import write_file
        from ..report.pathway_charts import pathways_map

        write_file(svg, pathways_map(result["tipping_points"], transfers, case.time.years,
                                     title=f"Adaptation pathways: {case.name}").encode("utf-8"))
    if as_json:
        typer.echo(json.dumps({"case": case.name, "futures": len(futures), "futures_set_aside": aside, "seed": seed,
                               **to_json(result),
                               "transfers": transfers, "signposts_without_fixed_bound": unresolved},
                              indent=2, allow_nan=False))
        return
    _print(case, (len(futures), aside), result, transfers)
    if unresolved:
        typer.echo("signposts whose bound depends on when they fire (no value of information here): "
                   + ", ".join(unresolved))


def _case_and_size(target: str, n: int | None, seed: int | None) -> tuple[Any, int, int]:
    path = Path(target)
    if path.is_dir():
        from ..engine.results import open_results

        results = open_results(path, allow_incomplete=True)
        m = results.manifest
        run_seed = m.get("seed") if isinstance(m.get("seed"), int) else 0
        return _run_case(results), n or int(m["n_futures"]), run_seed if seed is None else seed
    from .common import load_checked_case

    return load_checked_case(target), n or 1000, 0 if seed is None else seed


def _signpost_masks(case: Any, futures: Any) -> tuple[dict[str, Any], list[str]]:
    """For each case signpost whose narrowings have fixed bounds: the futures it is consistent with."""
    import numpy as np

    if not case.signposts:
        return {}, []
    from ..signposts import Constraint, parse_signposts

    masks, unresolved = {}, []
    for sp in parse_signposts(case):
        fixed = [nw for nw in sp.narrows if nw.value is not None and nw.uncertainty in futures.table]
        if not fixed:
            unresolved.append(sp.name)
            continue
        mask = np.ones(len(futures), dtype=bool)
        for nw in fixed:
            mask &= Constraint(sp.name, nw.uncertainty, nw.op, nw.value).holds(futures.table[nw.uncertainty])
        masks[sp.name] = mask
    return masks, unresolved


def _run_case(results: Any) -> Any:
    """The case of a run, from the file it was run from when that is still the same case (its
    model file lies beside it), else from the run's copy."""
    from ..engine.space import load_case

    source = results.manifest.get("case", {}).get("source")
    if source and Path(source).is_file():
        case = load_case(source)
        if case.hash() == results.manifest["case"]["hash"]:
            return case
    return results.case


def _print(case: Any, sizes: tuple[int, int], result: dict[str, Any], transfers: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    a = case.adaptation
    bound = " and ".join(x for x in (f">= {a.at_least}" if a.at_least is not None else "",
                                     f"<= {a.at_most}" if a.at_most is not None else "") if x)
    n, aside = sizes
    years = f"every year from {a.from_year}" if a.from_year is not None else "every year"
    console.print(f"Objective: {a.outcome} {bound} {years}; {n:,} futures.", markup=False)
    if aside:
        console.print(f"{aside:,} more futures were set aside: the objective fails there before {a.from_year} "
                      "under the default levers, which contradicts the observed present (holds_today).",
                      markup=False)
    tips = result["tipping_points"]
    card = result["scorecard"]
    trig = result["triggers"].assign(rule=lambda f: f["rule"] + ": " + f["signal"] + " " + f["op"] + " "
                                     + f["declared"].map(_cell))
    for title, frame in (("Tipping points (year the plan first fails the objective)", tips.drop(columns="conditions")),
                         ("Pathways scorecard (when each rule fires: the lines at the end)",
                          card[[c for c in card.columns if not c.endswith(("_share", "_median_year"))]]),
                         (f"Triggers: signal value at which to start, in time in {a.share:.0%} of the futures "
                          "that tip", trig[["pathway", "rule", "trigger", "declared_in_time", "futures_tipping",
                                            "lead_years"]])):
        console.print(_table(Table(title=title), frame))
    voi = Table(title="Value of information for the choice of pathway (fall in mean regret)")
    for col in ("signpost", "value", "share of perfect information", "watched by the news monitor"):
        voi.add_column(col, justify="left" if col == "signpost" else "right")
    for row in result["voi"]:
        voi.add_row(row["signpost"], f"{row['voi']:.4g}", f"{row['share_of_perfect_information']:.0%}",
                    "yes" if row["watched"] else "no (no matching rule)")
    console.print(voi)
    for row in tips.itertuples(index=False):
        if row.conditions:
            console.print(f"Where {row.plan} tips: {row.conditions}", markup=False)
    for t in transfers:
        when = "never" if t["year"] is None else f"in force by {t['year']:.0f} (median)"
        console.print(f"{t['pathway']}: from {t['from']} to {t['to']} when {t['rule']} fires "
                      f"({t['share']:.0%} of futures), {when}", markup=False)


def _table(table: Any, frame: Any) -> Any:
    for col in frame.columns:
        table.add_column(str(col), justify="left" if frame[col].dtype == object else "right")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "-" if value != value else f"{value:.4g}"
    return str(value)
