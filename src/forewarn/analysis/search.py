"""Many-objective robust search over the lever space (``forewarn search``).

The case declares robustness objectives and constraints (:mod:`forewarn.analysis.objectives`).
The search looks for lever settings whose robustness across a fixed sample of futures is
Pareto-optimal on all objectives at once: Kasprzyk et al. (2013)'s many-objective robust
decision making, as the EMA Workbench's ``robust_optimize`` and Rhodium do it.

Algorithm: NSGA-II (Deb et al. 2002) from pymoo (Blank and Deb 2020), on the levers mapped to
the unit cube (integer, categorical and boolean levers are decoded as every design decodes
them), with an ε-box archive (Laumanns et al. 2002; as in ε-NSGA-II, Kollat and Reed 2006)
kept beside it: the archive is the search's answer, and each new ε-box that enters it counts
as ε-progress (Hadka and Reed 2013). Why pymoo rather than Platypus: ``docs/search.md``.

One generation is one model call: the whole population is crossed with all the futures
(:func:`forewarn.engine.experiments.perform_experiments`), the metrics are reduced over the futures' axis in
numpy, and the algorithm is told the objectives (ask and tell). The algorithm carries its own
``numpy.random.Generator``; after each generation the algorithm, the archive and the
convergence record are pickled to ``checkpoint.pkl`` atomically, so a killed search resumes
from its last generation and ends exactly where an uninterrupted one ends.

Convergence per generation (``convergence.csv``): evaluations, the hypervolume of the archive
(objectives minimised and scaled by the first generation's range; reference point 1.1 past
that generation's worst) and cumulative ε-progress.

When the search ends, the archive is evaluated again on a fresh, larger sample of futures
(``test_futures``, from another stream of the seed): how the robustness figures move out of
sample says how much the search fitted its own futures.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .objectives import direction_of, metrics_table, needs_reference, reference_best
from .pathways import consistent_futures

__all__ = ["SearchResult", "search", "epsilon_archive", "nondominated", "write_file", "FILES"]

#: What a search folder holds.
FILES = {
    "manifest": "search.json",
    "checkpoint": "checkpoint.pkl",
    "convergence": "convergence.csv",
    "chart": "convergence.svg",  # drawn by the command line (forewarn.report.search_charts)
    "pareto": "pareto.parquet",
    "toml": "pareto.toml",
}

FORMAT = "forewarn-search"
FORMAT_VERSION = 1

# Child of the seed that draws the out-of-sample futures (the in-sample ones use the seed itself,
# like `forewarn run --seed`).
_TAG_TEST_FUTURES = 0x7E57

Progress = Callable[[dict[str, Any]], None]


# -- Pareto and ε-box archives -------------------------------------------------------------------


def nondominated(F: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``F`` (all minimised) that no other row dominates."""
    F = np.asarray(F, dtype=np.float64)
    keep = np.ones(len(F), dtype=bool)
    for i in range(len(F)):
        if not keep[i]:
            continue
        le = np.all(F <= F[i], axis=1)
        lt = np.any(F < F[i], axis=1)
        if np.any(le & lt):
            keep[i] = False
    return keep


def epsilon_archive(F: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Indices of the ε-nondominated rows of ``F`` (minimised), one per occupied ε-box.

    Rows are put in boxes ``floor(F / eps)``; a box dominated by another box is dropped, and
    in each box left the row nearest the box's lower corner stays (ties: the lower index), as
    in Laumanns et al. (2002). ``eps`` of 0 means exact Pareto dominance on that objective.
    """
    F = np.asarray(F, dtype=np.float64)
    if len(F) == 0:
        return np.empty(0, dtype=np.int64)
    eps = np.asarray(eps, dtype=np.float64)
    scale = np.where(eps > 0, eps, 1.0)
    boxes = np.where(eps > 0, np.floor(F / scale), F)
    corner_dist = np.where(eps > 0, (F - boxes * scale) / scale, 0.0)
    dist = np.sqrt((corner_dist**2).sum(axis=1))
    order = np.lexsort((np.arange(len(F)), dist))
    seen: dict[bytes, int] = {}
    for i in order:
        seen.setdefault(boxes[i].tobytes(), int(i))
    best = np.array(sorted(seen.values()), dtype=np.int64)
    return best[nondominated(boxes[best])]


# -- the problem -------------------------------------------------------------------------------


@dataclass
class _Problem:
    """What one generation needs: the case, its futures, the metrics, the reference's best."""

    case: Any
    futures: Any
    objectives: tuple
    constraints: tuple
    signs: np.ndarray  # +1 minimise, -1 maximise
    model: Any = None
    best: dict[str, np.ndarray] = field(default_factory=dict)
    executor: Any = None
    # Futures left out because they contradict the observed present, per sample ("futures",
    # "test_futures").
    set_aside: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, case: Any, futures: Any) -> _Problem:
        from ..engine.experiments import perform_experiments, lever_rows
        from ..engine.model import load_model

        signs = np.array([1.0 if direction_of(o, case) == "minimize" else -1.0 for o in case.objectives])
        problem = cls(case, futures, tuple(case.objectives), tuple(case.constraints), signs, load_model(case))
        wanted = needs_reference([*case.objectives, *case.constraints])
        if wanted:
            ref = perform_experiments(case, futures, lever_rows(case, case.strategy_names), model=problem.model)
            problem.best = reference_best(case, ref, wanted)
        return problem

    def levers(self, X: np.ndarray) -> pd.DataFrame:
        from ..engine.design import from_unit

        return from_unit(list(self.case.levers), np.clip(X, 0.0, 1.0))

    def metrics(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Objective and constraint values (as declared, not signed) for unit-cube rows ``X``."""
        from ..engine.experiments import perform_experiments

        outputs = perform_experiments(self.case, self.futures, self.levers(X), model=self.model, executor=self.executor)
        return (metrics_table(self.objectives, self.case, outputs, self.best),
                metrics_table(self.constraints, self.case, outputs, self.best))

    def violations(self, C: np.ndarray) -> np.ndarray:
        """``G <= 0`` where a constraint holds (pymoo's convention), ``(P, n_constraints)``."""
        if not self.constraints:
            return np.empty((len(C), 0))
        cols = []
        for j, c in enumerate(self.constraints):
            over = C[:, j] - c.max if c.max is not None else np.full(len(C), -np.inf)
            under = c.min - C[:, j] if c.min is not None else np.full(len(C), -np.inf)
            cols.append(np.maximum(over, under))
        return np.column_stack(cols)


# -- search state ------------------------------------------------------------------------------


@dataclass
class _State:
    """Everything a checkpoint holds."""

    spec: dict[str, Any]
    algorithm: Any
    generation: int = 0
    evaluations: int = 0
    X: np.ndarray | None = None  # archive, unit cube
    objectives: np.ndarray | None = None  # archive, as declared
    constraints: np.ndarray | None = None
    scale: tuple[np.ndarray, np.ndarray] | None = None  # ideal, range (minimised space)
    epsilon_progress: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)


def _eps(case: Any) -> np.ndarray:
    return np.array([o.epsilon or 0.0 for o in case.objectives], dtype=np.float64)


def _update_archive(state: _State, problem: _Problem, X: np.ndarray, O: np.ndarray, C: np.ndarray) -> int:
    """Merge a generation into the ε-archive; return how many new ε-boxes it gained."""
    feasible = np.all(problem.violations(C) <= 0, axis=1) if problem.constraints else np.ones(len(X), bool)
    X, O, C = X[feasible], O[feasible], C[feasible]
    if state.X is None:
        state.X, state.objectives, state.constraints = X[:0], O[:0], C[:0]
    allX = np.vstack([state.X, X])
    allO = np.vstack([state.objectives, O])
    allC = np.vstack([state.constraints, C])
    eps = _eps(problem.case)
    keep = epsilon_archive(allO * problem.signs, eps)
    old = len(state.X)
    boxes = _boxes(allO * problem.signs, eps)
    before = {boxes[i].tobytes() for i in range(old)}
    gained = sum(1 for i in keep if i >= old and boxes[i].tobytes() not in before)
    state.X, state.objectives, state.constraints = allX[keep], allO[keep], allC[keep]
    return gained


def _boxes(F: np.ndarray, eps: np.ndarray) -> np.ndarray:
    scale = np.where(eps > 0, eps, 1.0)
    return np.where(eps > 0, np.floor(F / scale), F)


def _hypervolume(state: _State, problem: _Problem) -> float:
    from pymoo.indicators.hv import HV

    if state.objectives is None or len(state.objectives) == 0 or state.scale is None:
        return 0.0
    ideal, span = state.scale
    F = (state.objectives * problem.signs - ideal) / span
    return float(HV(ref_point=np.full(F.shape[1], 1.1))(F))


# -- the loop ----------------------------------------------------------------------------------


def _new_algorithm(n_var: int, n_obj: int, n_constr: int, population: int, seed: int) -> Any:
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.operators.sampling.lhs import LHS

    algorithm = NSGA2(pop_size=population, sampling=LHS(), eliminate_duplicates=True)
    shell = Problem(n_var=n_var, n_obj=n_obj, n_ieq_constr=n_constr, xl=0.0, xu=1.0)
    algorithm.setup(shell, termination=("n_gen", 10**9), seed=seed, verbose=False)
    return algorithm


def _generation(state: _State, problem: _Problem) -> dict[str, Any]:
    """Ask for a population, evaluate it in one model call, tell the algorithm, update the archive."""
    from pymoo.core.evaluator import Evaluator
    from pymoo.problems.static import StaticProblem

    algorithm = state.algorithm
    pop = algorithm.ask()
    X = pop.get("X")
    O, C = problem.metrics(X)
    F = O * problem.signs
    G = problem.violations(C)
    static = StaticProblem(algorithm.problem, F=F, G=G) if G.shape[1] else StaticProblem(algorithm.problem, F=F)
    Evaluator().eval(static, pop)
    algorithm.tell(infills=pop)
    if state.scale is None:
        ideal, worst = F.min(axis=0), F.max(axis=0)
        span = np.where(worst > ideal, worst - ideal, 1.0)
        state.scale = (ideal, span)
    gained = _update_archive(state, problem, X, O, C)
    state.generation += 1
    state.evaluations += len(X)
    state.epsilon_progress += gained
    row = {"generation": state.generation, "evaluations": state.evaluations,
           "hypervolume": _hypervolume(state, problem), "epsilon_progress": state.epsilon_progress,
           "archive": int(len(state.X)), "new_boxes": int(gained)}
    state.history.append(row)
    return row


@dataclass(frozen=True)
class SearchResult:
    """What :func:`search` found: the Pareto strategies and how the search converged."""

    path: Path
    pareto: pd.DataFrame
    convergence: pd.DataFrame
    out_of_sample: pd.DataFrame
    manifest: dict[str, Any]
    toml: str


def search(
    case: Any,
    *,
    out: str | os.PathLike[str],
    futures: int = 100,
    evaluations: int = 10_000,
    population: int = 100,
    seed: int = 0,
    test_futures: int | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: Progress | None = None,
    stop_after: int | None = None,
    executor: Any = None,
) -> SearchResult:
    """Search the lever space for strategies robust on the case's objectives.

    Parameters
    ----------
    case : Case or path
    out : path
        The search folder (empty or absent unless ``resume`` or ``overwrite``).
    futures : int
        Futures every candidate is evaluated on (Latin hypercube, as ``forewarn run -n``).
    evaluations : int
        Candidates to evaluate in all (each costs ``futures`` model experiments).
    population : int
        Candidates per generation.
    seed : int
        Seeds the futures, the algorithm and the out-of-sample futures.
    test_futures : int, optional
        Fresh futures for the out-of-sample check (default ``4 * futures``).
    resume : bool
        Continue a stopped search in ``out`` from its last generation.
    progress : callable, optional
        Called with each generation's convergence row.
    stop_after : int, optional
        Stop (as a kill would) after this many generations in this call; for tests.
    executor : concurrent.futures.Executor, optional
        Split each generation's model call over this executor's workers (e.g. a
        :class:`forewarn.engine.cluster.DaskExecutor`); the Pareto set is the same.

    Returns
    -------
    SearchResult
    """
    case = _load(case)
    test_futures = 4 * futures if test_futures is None else test_futures
    for name, value in (("futures", futures), ("evaluations", evaluations), ("population", population),
                        ("test-futures", test_futures)):
        _check_int(name, value, 1)
    _check_int("seed", seed, 0)
    if population < 4 or population % 2:
        raise InputError(f"must be an even number of at least 4, got {population}", field="--population")
    spec = _spec(case, futures, evaluations, population, seed, test_futures)
    out = Path(out)
    state = _prepare(out, spec, resume=resume, overwrite=overwrite)
    from ..engine.experiments import Futures

    sample, aside = consistent_futures(case, Futures.sample(case, futures, seed))
    problem = _Problem.build(case, sample)
    problem.executor = executor
    problem.set_aside["futures"] = aside
    if state is None:
        state = _State(spec, _new_algorithm(len(case.levers), len(case.objectives), len(case.constraints),
                                            population, seed))
    started = time.perf_counter()
    done_here = 0
    while state.evaluations < evaluations:
        row = _generation(state, problem)
        _atomic_write(out / FILES["checkpoint"], pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        if progress is not None:
            progress({**row, "total": evaluations})
        done_here += 1
        if stop_after is not None and done_here >= stop_after and state.evaluations < evaluations:
            raise KeyboardInterrupt("search stopped after a checkpoint")
    return _finish(out, case, state, problem, test_futures, seed, time.perf_counter() - started)


def _load(case: Any) -> Any:
    from ..engine.space import Case, load_case

    if not isinstance(case, Case):
        case = load_case(case)
    if not case.objectives:
        raise InputError("the case declares no [[objectives]] to search on", source=case.path, field="objectives")
    if not case.levers:
        raise InputError("the case declares no levers to search", source=case.path, field="levers")
    return case


def _check_int(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputError(f"must be a whole number >= {minimum}, got {value!r}", field=f"--{name}")


def _spec(case: Any, futures: int, evaluations: int, population: int, seed: int, test_futures: int) -> dict:
    from importlib.metadata import version

    from .. import __version__
    from ..engine.model import load_model, model_version

    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "forewarn_version": __version__,
        "case": {"name": case.name, "hash": case.hash(), "source": None if case.path is None else str(case.path)},
        "model": {"import": case.model, "version": model_version(load_model(case))},
        "algorithm": {"name": "NSGA-II with an epsilon-box archive", "library": f"pymoo {version('pymoo')}"},
        "futures": futures, "population": population, "seed": seed, "test_futures": test_futures,
        "evaluations": evaluations,
    }


def _prepare(out: Path, spec: dict[str, Any], *, resume: bool, overwrite: bool) -> _State | None:
    """Make the folder ready; return the checkpointed state when resuming."""
    if out.exists() and not out.is_dir():
        raise InputError("search folder is a file, not a folder", source=out)
    busy = out.is_dir() and any(out.iterdir())
    if busy and resume and (out / FILES["checkpoint"]).is_file():
        with open(out / FILES["checkpoint"], "rb") as fh:
            state = pickle.load(fh)
        same = {k: v for k, v in state.spec.items() if k != "evaluations"}
        now = {k: v for k, v in spec.items() if k != "evaluations"}
        if same != now:
            diffs = [k for k in now if now[k] != same.get(k)]
            raise InputError(f"cannot resume, the search differs in: {', '.join(diffs)}", source=out)
        state.spec = spec
        return state
    if busy and not overwrite:
        what = "a search" if (out / FILES["manifest"]).is_file() or (out / FILES["checkpoint"]).is_file() else "files"
        raise InputError(f"folder already holds {what}; pass --resume or --overwrite, or choose another --out",
                         source=out)
    if busy:
        for name in FILES.values():
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    return None


def write_file(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename)."""
    _atomic_write(Path(path), data)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- the end: names, out of sample, files ------------------------------------------------------


def _pareto_frame(case: Any, state: _State, problem: _Problem) -> pd.DataFrame:
    order = np.lexsort(tuple((state.objectives * problem.signs)[:, ::-1].T))
    levers = problem.levers(state.X[order]).reset_index(drop=True)
    width = max(3, len(str(len(order))))
    frame = pd.DataFrame({"strategy": [f"pareto_{i + 1:0{width}d}" for i in range(len(order))]})
    frame = pd.concat([frame, levers], axis=1)
    for j, o in enumerate(case.objectives):
        frame[o.name] = state.objectives[order, j]
    for j, c in enumerate(case.constraints):
        frame[c.name] = state.constraints[order, j]
    return frame


def _out_of_sample(case: Any, pareto: pd.DataFrame, problem: _Problem, test_futures: int, seed: int) -> pd.DataFrame:
    """Objectives of the Pareto strategies on fresh futures, and how far they moved."""
    from ..engine.design import to_seed_sequence
    from ..engine.experiments import Futures, perform_experiments, lever_rows

    ss = to_seed_sequence(seed)
    fresh = Futures.sample(case, test_futures, np.random.SeedSequence(ss.entropy, spawn_key=(_TAG_TEST_FUTURES,)))
    fresh, problem.set_aside["test_futures"] = consistent_futures(case, fresh)
    best = {}
    wanted = needs_reference([*case.objectives, *case.constraints])
    if wanted:
        ref = perform_experiments(case, fresh, lever_rows(case, case.strategy_names), model=problem.model)
        best = reference_best(case, ref, wanted)
    outputs = perform_experiments(case, fresh, pareto[case.lever_names], model=problem.model)
    values = metrics_table(case.objectives, case, outputs, best)
    rows = []
    for j, o in enumerate(case.objectives):
        before, after = pareto[o.name].to_numpy(), values[:, j]
        pareto[f"{o.name}_out_of_sample"] = after
        rows.append({"objective": o.name, "direction": direction_of(o, case),
                     "in_sample_mean": float(before.mean()), "out_of_sample_mean": float(after.mean()),
                     "mean_change": float((after - before).mean()),
                     "largest_change": float(np.abs(after - before).max())})
    return pd.DataFrame(rows)


def _describe(row: pd.Series, case: Any) -> str:
    parts = [f"{o.name} {row[o.name]:.4g}" for o in case.objectives]
    return "Found by forewarn search: " + ", ".join(parts) + "."


def _finish(out: Path, case: Any, state: _State, problem: _Problem, test_futures: int, seed: int,
            seconds: float) -> SearchResult:
    from ..engine.levers import strategies_toml
    from ..engine.space import Strategy

    pareto = _pareto_frame(case, state, problem)
    moved = _out_of_sample(case, pareto, problem, test_futures, seed)
    convergence = pd.DataFrame(state.history)
    strategies = [Strategy(name=r["strategy"], description=_describe(r, case),
                           levers={k: _py(r[k]) for k in case.lever_names}) for _, r in pareto.iterrows()]
    toml = strategies_toml(strategies, header=(
        f"Pareto strategies of forewarn search on case {case.name!r} (seed {seed}, "
        f"{state.spec['futures']} futures, {state.evaluations} evaluations). Paste into the case file."))
    _atomic_write(out / FILES["pareto"], _parquet_bytes(pareto))
    _atomic_write(out / FILES["toml"], toml.encode("utf-8"))
    _atomic_write(out / FILES["convergence"], convergence.to_csv(index=False).encode("utf-8"))
    manifest = {**state.spec, "complete": True, "generations": state.generation,
                "evaluations_done": state.evaluations, "experiments": state.evaluations * len(problem.futures),
                "futures_used": len(problem.futures), "futures_set_aside": problem.set_aside,
                "seconds_last_call": round(seconds, 3), "pareto_size": len(pareto),
                "objectives": [o.model_dump(mode="json") for o in case.objectives],
                "constraints": [c.model_dump(mode="json") for c in case.constraints],
                "out_of_sample": moved.to_dict(orient="records"),
                "final": state.history[-1] if state.history else {}}
    _atomic_write(out / FILES["manifest"], (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
    return SearchResult(out, pareto, convergence, moved, manifest, toml)


def _py(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buf)
    return buf.getvalue()
