"""Global sensitivity analysis through SALib: Sobol, Morris and delta indices.

Each ``*_indices`` function takes SALib's ``problem`` dict (``num_vars``, ``names``, ``bounds``),
the design and one scalar outcome, and returns a tidy DataFrame with one row per parameter:

* :func:`sobol_indices` (Sobol, 2001; Saltelli et al., 2010): parameter, S1, S1_conf, ST, ST_conf
  (the design must be SALib's Saltelli/Sobol' sample, rows in its order);
* :func:`morris_indices` (Morris, 1991; Campolongo et al., 2007): parameter, mu, mu_star,
  mu_star_conf, sigma;
* :func:`delta_indices` (Borgonovo, 2007; Plischke et al., 2013): parameter, delta, delta_conf,
  S1, S1_conf (any design).

:func:`analyze_case` samples a case's uncertainties with :func:`forewarn.engine.design.sample`, runs its
model once, vectorised, in process, with one strategy's levers, and returns the indices of every
scalar outcome (or one).

References
----------
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index. Computer Physics Communications 181, 259-270.

Morris, M. D. (1991). Factorial sampling plans for preliminary computational experiments.
Technometrics 33, 161-174.

Borgonovo, E. (2007). A new uncertainty importance measure. Reliability Engineering & System
Safety 92, 771-784.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["sobol_indices", "morris_indices", "delta_indices", "analyze_case", "METHODS", "numeric_design"]

METHODS = ("sobol", "morris", "delta")


def _seed_int(seed: Any) -> int | None:
    """SALib takes an int seed; derive one from any forewarn seed without global state."""
    if seed is None:
        return None
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
    return int(ss.generate_state(1, np.uint32)[0])


def _y(Y: Any, name: str = "Y") -> np.ndarray:
    y = np.asarray(Y, dtype=float)
    if y.ndim != 1:
        raise InputError(f"{name} must be one-dimensional (one scalar outcome), not of shape {y.shape}")
    if not np.isfinite(y).all():
        raise InputError(f"{name} holds NaN or infinite values")
    return y


def sobol_indices(
    problem: Mapping[str, Any],
    Y: Any,
    *,
    calc_second_order: bool = False,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: Any = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices (SALib ``sobol.analyze``).

    Parameters
    ----------
    problem : dict
        SALib problem.
    Y : array
        The outcome on SALib's Saltelli/Sobol' sample, ``N (D + 2)`` rows (``N (2 D + 2)`` with
        ``calc_second_order``), in the sampler's order.

    Returns
    -------
    DataFrame
        parameter, S1, S1_conf, ST, ST_conf.
    """
    from SALib.analyze import sobol

    y = _y(Y)
    d = int(problem["num_vars"])
    step = 2 * d + 2 if calc_second_order else d + 2
    if y.shape[0] % step:
        raise InputError(
            f"{y.shape[0]} outcome values do not fit a Saltelli design of {d} parameters "
            f"(a multiple of {step} is needed)"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a constant outcome: 0/0, reported as NaN
        res = sobol.analyze(dict(problem), y, calc_second_order=calc_second_order,
                            num_resamples=num_resamples, conf_level=conf_level, seed=_seed_int(seed))
    return pd.DataFrame(
        {
            "parameter": list(problem["names"]),
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )


def morris_indices(
    problem: Mapping[str, Any],
    X: Any,
    Y: Any,
    *,
    num_levels: int = 4,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: Any = None,
) -> pd.DataFrame:
    """Morris elementary-effect statistics (SALib ``morris.analyze``).

    ``X`` is the numeric Morris design (``N (D + 1)`` rows, trajectories in order); a
    categorical input may be given as its choice's index (only the direction of a step is read).

    Returns
    -------
    DataFrame
        parameter, mu, mu_star, mu_star_conf, sigma.
    """
    from SALib.analyze import morris

    y = _y(Y)
    x = np.asarray(X, dtype=float)
    if x.shape != (y.shape[0], int(problem["num_vars"])):
        raise InputError(f"X has shape {x.shape}; expected ({y.shape[0]}, {problem['num_vars']})")
    res = morris.analyze(dict(problem), x, y, num_resamples=num_resamples, conf_level=conf_level,
                         num_levels=num_levels, seed=_seed_int(seed))
    return pd.DataFrame(
        {
            "parameter": list(problem["names"]),
            "mu": np.asarray(res["mu"], dtype=float),
            "mu_star": np.asarray(res["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float),
            "sigma": np.asarray(res["sigma"], dtype=float),
        }
    )


def delta_indices(
    problem: Mapping[str, Any],
    X: Any,
    Y: Any,
    *,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: Any = None,
) -> pd.DataFrame:
    """Borgonovo's moment-independent delta and first-order indices (SALib ``delta.analyze``).

    Returns
    -------
    DataFrame
        parameter, delta, delta_conf, S1, S1_conf.
    """
    from importlib import import_module

    from SALib.analyze import delta
    from threadpoolctl import threadpool_limits

    y = _y(Y)
    x = np.asarray(X, dtype=float)
    if x.shape != (y.shape[0], int(problem["num_vars"])):
        raise InputError(f"X has shape {x.shape}; expected ({y.shape[0]}, {problem['num_vars']})")
    # SALib's delta seeds numpy's global generator and rewrites the warning filters and format;
    # put all three back so that calling it leaves no trace. Its notices about merged bins for
    # discrete inputs are not problems.
    state = np.random.get_state()
    formatwarning = warnings.formatwarning
    # SALib's kernel density estimates make thousands of tiny triangular solves; waking a BLAS
    # thread pool for each costs far more than the solve (minutes instead of seconds on a busy
    # machine), and one thread gives the same numbers. scipy's BLAS must be loaded to be limited.
    import_module("scipy.linalg")
    try:
        # record=True collects the warnings instead of printing them, whatever filter SALib sets
        with warnings.catch_warnings(record=True), contextlib.redirect_stdout(io.StringIO()), \
                threadpool_limits(limits=1, user_api="blas"):
            res = delta.analyze(dict(problem), x, y, num_resamples=num_resamples, conf_level=conf_level,
                                seed=_seed_int(seed))
    except (ValueError, np.linalg.LinAlgError) as exc:
        # a singular kernel density estimate: too few rows for an input's classes
        raise InputError(f"delta indices need more rows than {y.shape[0]} here ({exc})", field="n") from None
    finally:
        np.random.set_state(state)
        warnings.formatwarning = formatwarning
    # SALib >= 1.5 reports several estimators; the bias-reduced "balanced" one is the default here
    # (a dummy input scores near 0), older versions a single "delta".
    key = next(k for k in ("delta", "delta_balanced", "delta_raw") if k in res)
    return pd.DataFrame(
        {
            "parameter": list(problem["names"]),
            "delta": np.asarray(res[key], dtype=float),
            "delta_conf": np.asarray(res[key + "_conf"], dtype=float),
            "S1": np.asarray(res["S1"], dtype=float),
            "S1_conf": np.asarray(res["S1_conf"], dtype=float),
        }
    )


def numeric_design(design: pd.DataFrame) -> np.ndarray:
    """The design as a float matrix: numbers as they are, booleans 0/1, choices by their index."""
    cols = []
    for name in design.columns:
        s = design[name]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cols.append(s.cat.codes.to_numpy(dtype=float))
        elif pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            cols.append(s.to_numpy(dtype=float))
        else:
            codes, _ = pd.factorize(s, sort=True)
            cols.append(codes.astype(float))
    return np.column_stack(cols) if cols else np.empty((len(design), 0))


def analyze_case(
    case: Any,
    method: str,
    n: int,
    *,
    outcome: str | None = None,
    seed: Any = None,
    strategy: str | None = None,
) -> pd.DataFrame:
    """Sample a case's uncertainties, run its model once and compute sensitivity indices.

    Parameters
    ----------
    case : forewarn.engine.space.Case
    method : {"sobol", "morris", "delta"}
        "sobol" runs a Saltelli design of ``n (D + 2)`` rows; "morris" ``n`` trajectories
        (``n (D + 1)`` rows); "delta" a Latin hypercube of ``n`` rows.
    n : int
    outcome : str, optional
        One scalar outcome; default every scalar outcome.
    seed : int, optional
        Seeds the design, the futures' random streams and the bootstrap.
    strategy : str, optional
        Whose levers are fixed during the analysis; default the case's default levers.

    Returns
    -------
    DataFrame
        outcome, then the method's columns; ``attrs["rows"]`` holds the number of model runs.
    """
    from ..engine import design as fdesign
    from ..engine import model as fmodel

    scalar, params = _check_analysis(case, method, outcome, strategy)
    ss = np.random.SeedSequence(None if seed is None else int(seed))
    design_seed, run_seed, boot_seed = ss.spawn(3)
    sampling = {"sobol": ("saltelli", {"calc_second_order": False}), "morris": ("morris", {}), "delta": ("lhs", {})}
    how, options = sampling[method]
    futures = fdesign.sample(params, n, how, seed=design_seed, **options)
    rows = _model_rows(case, futures, strategy, fdesign.future_seeds(run_seed, np.arange(len(futures))))
    outputs = fmodel.call_model(fmodel.load_model(case), fmodel.model_inputs(case, rows), case)
    problem = fdesign.salib_problem(params)
    X = numeric_design(futures[[p.name for p in params]])
    frames = []
    for name in [outcome] if outcome else scalar:
        y = outputs[name]
        if method == "sobol":
            t = sobol_indices(problem, y, seed=boot_seed)
        elif method == "morris":
            t = morris_indices(problem, X, y, seed=boot_seed)
        else:
            t = delta_indices(problem, X, y, seed=boot_seed)
        t.insert(0, "outcome", name)
        frames.append(t)
    out = pd.concat(frames, ignore_index=True)
    out.attrs["rows"] = len(rows)
    return out


def _check_analysis(case: Any, method: str, outcome: str | None, strategy: str | None) -> tuple[list[str], list[Any]]:
    """The case's scalar outcomes and uncertainties, once the arguments are checked."""
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; use one of {', '.join(METHODS)}", field="--method")
    scalar = [o.name for o in case.outcomes if o.kind == "scalar"]
    if outcome is not None and outcome not in scalar:
        raise InputError(
            f"unknown outcome {outcome!r}; scalar outcomes of the case: {', '.join(scalar)}", field="--outcome"
        )
    if not scalar:
        raise InputError("the case has no scalar outcome to analyse", field="outcomes")
    if strategy is not None and strategy not in case.strategy_names:
        raise InputError(
            f"unknown strategy {strategy!r}; strategies: {', '.join(case.strategy_names)}", field="--strategy"
        )
    params = list(case.uncertainties)
    if not params:
        raise InputError("the case has no uncertainty to analyse", field="uncertainties")
    return scalar, params


def _model_rows(case: Any, futures: pd.DataFrame, strategy: str | None, seeds: np.ndarray) -> pd.DataFrame:
    """The futures with the strategy's levers (default levers without one) and each row's seed."""
    levers = case.strategy_levers(strategy) if strategy is not None else {p.name: p.default_value for p in case.levers}
    # all columns at once: inserting them one by one fragments the frame (a case may have 100 levers)
    extra = {
        p.name: pd.Series([levers[p.name]] * len(futures), index=futures.index).astype(
            p.dtype if p.dtype != object else object)
        for p in case.levers
    }
    extra["seed"] = pd.Series(seeds, index=futures.index)
    return pd.concat([futures, pd.DataFrame(extra, index=futures.index)], axis=1)
