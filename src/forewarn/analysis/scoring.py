"""Feature scoring with extremely randomised trees, for runs not designed for Sobol analysis.

Any design (Latin hypercube, Monte Carlo, a run's futures) can be scored: an ExtraTrees model
(Geurts et al., 2006) is fitted to the outcome and each input's impurity-based importance is
its score; the scores sum to 1. A boolean outcome (a case of interest or not) uses the
classifier, a numeric one the regressor. Categorical and boolean inputs are encoded by their
category's index (a tree splits on it as it would on a number; one score per input). This is
the EMA Workbench's ``feature_scoring`` (Kwakkel, 2017), seeded explicitly.

References
----------
Geurts, P., Ernst, D. and Wehenkel, L. (2006). Extremely randomized trees. Machine Learning 63,
3-42.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["feature_scores", "encode_inputs"]


def encode_inputs(X: pd.DataFrame) -> np.ndarray:
    """Numbers as floats, booleans 0/1, any other column by the index of its sorted category."""
    if not isinstance(X, pd.DataFrame):
        raise InputError(f"X must be a pandas DataFrame, not {type(X).__name__}")
    cols = []
    for name in X.columns:
        s = X[name]
        if s.isna().any():
            raise InputError(f"column {name!r} holds missing values", field=str(name))
        if isinstance(s.dtype, pd.CategoricalDtype):
            cols.append(s.cat.codes.to_numpy(dtype=float))
        elif pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            cols.append(s.to_numpy(dtype=float))
        else:
            codes, _ = pd.factorize(s.astype(str), sort=True)
            cols.append(codes.astype(float))
    return np.column_stack(cols) if cols else np.empty((len(X), 0))


def feature_scores(
    X: pd.DataFrame,
    y: Any,
    *,
    seed: Any = None,
    n_estimators: int = 250,
    max_features: float | str | None = 0.6,
    min_samples_leaf: int = 1,
    mode: str = "auto",
) -> pd.DataFrame:
    """Score each input by its importance for predicting ``y``.

    Parameters
    ----------
    X : DataFrame
        Inputs (uncertainties, and levers if they vary).
    y : array
        The outcome: boolean (classifier) or numeric (regressor).
    seed : int or SeedSequence, optional
        Seeds the trees (``None``: not reproducible).
    mode : {"auto", "classification", "regression"}

    Returns
    -------
    DataFrame
        feature, score (sums to 1), rank (1 = most important); sorted by score, ties by name.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.uniform(size=(500, 3)), columns=["a", "b", "c"])
    >>> feature_scores(X, 5 * X.a + X.b, seed=1)["feature"].tolist()[0]
    'a'
    """
    from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor

    x = encode_inputs(X)
    y_arr = np.asarray(y)
    if y_arr.ndim != 1 or y_arr.shape[0] != x.shape[0]:
        raise InputError(f"y must be one value per row of X ({x.shape[0]}), got shape {y_arr.shape}")
    if mode == "auto":
        mode = "classification" if y_arr.dtype == bool else "regression"
    if mode not in ("classification", "regression"):
        raise InputError(f"mode must be auto, classification or regression, not {mode!r}", field="mode")
    if mode == "regression":
        y_arr = y_arr.astype(float)
        if not np.isfinite(y_arr).all():
            raise InputError("y holds NaN or infinite values")
    state = None
    if seed is not None:
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
        state = int(ss.generate_state(1, np.uint32)[0])
    cls = ExtraTreesClassifier if mode == "classification" else ExtraTreesRegressor
    est = cls(n_estimators=n_estimators, max_features=max_features, min_samples_leaf=min_samples_leaf,
              random_state=state, n_jobs=1)
    est.fit(x, y_arr)
    out = pd.DataFrame({"feature": [str(c) for c in X.columns], "score": est.feature_importances_})
    out = out.sort_values(["score", "feature"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out
