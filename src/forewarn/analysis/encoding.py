"""Inputs of scenario discovery, checked and encoded once for PRIM and CART.

Real and integer inputs become float64 columns, categorical (and boolean) inputs integer codes
into their sorted categories; the cases of interest become a boolean mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["REAL", "INTEGER", "CATEGORICAL", "EncodedData", "encode_xy", "cases_of_interest"]

#: The kinds of input, in the order PRIM searches them.
REAL, INTEGER, CATEGORICAL = "real", "integer", "categorical"


@dataclass
class EncodedData:
    """Inputs encoded once: numeric columns as float64, categoricals as integer codes."""

    names: list[str]  # all inputs, in search order (real, integer, categorical)
    kinds: list[str]
    num: np.ndarray  # (n, p_num) float64, Fortran order so a column is contiguous
    codes: np.ndarray  # (n, p_cat) int32
    categories: list[np.ndarray]
    y: np.ndarray  # bool
    columns: list[str]  # original column order
    init_lo: np.ndarray
    init_hi: np.ndarray

    @property
    def p_num(self) -> int:
        return self.num.shape[1]

    @property
    def p_cat(self) -> int:
        return self.codes.shape[1]


def encode_xy(X: pd.DataFrame, y: Any, threshold: float | None = None, threshold_type: str = "above") -> EncodedData:
    """Check and encode the inputs and the cases of interest of a scenario discovery.

    Parameters
    ----------
    X : DataFrame
        One row per case; float columns are real inputs, integer columns integer inputs, and
        bool, category, string or object columns categorical inputs.
    y : array-like, shape (n,)
        Boolean (or 0/1) marks of the cases of interest, or values compared with ``threshold``.
    threshold : float, optional
        Cases of interest are ``y >= threshold`` (``"above"``) or ``y <= threshold``
        (``"below"``).
    threshold_type : {"above", "below"}

    Returns
    -------
    EncodedData

    Raises
    ------
    InputError
        For empty or mismatched inputs, missing values, a ``y`` that is not boolean without a
        threshold, or no case of interest at all.
    """
    if not isinstance(X, pd.DataFrame):
        raise InputError(f"X must be a pandas DataFrame, not {type(X).__name__}")
    if X.shape[1] == 0:
        raise InputError("X has no columns")
    yb = cases_of_interest(y, len(X), threshold, threshold_type)
    reals, ints, cats = [], [], []
    for name in X.columns:
        dt = X[name].dtype
        if pd.api.types.is_bool_dtype(dt):
            cats.append(name)
        elif pd.api.types.is_float_dtype(dt):
            reals.append(name)
        elif pd.api.types.is_integer_dtype(dt):
            ints.append(name)
        else:
            cats.append(name)
    names = [str(c) for c in reals + ints + cats]
    kinds = [REAL] * len(reals) + [INTEGER] * len(ints) + [CATEGORICAL] * len(cats)
    num = _numeric(X, reals + ints)
    codes, categories = _categorical(X, cats)
    init_lo = num.min(axis=0) if num.shape[1] else np.empty(0)
    init_hi = num.max(axis=0) if num.shape[1] else np.empty(0)
    return EncodedData(names, kinds, num, codes, categories, yb, [str(c) for c in X.columns], init_lo, init_hi)


def cases_of_interest(y: Any, n: int, threshold: float | None = None, threshold_type: str = "above") -> np.ndarray:
    """The boolean marks of the cases of interest among ``n`` cases (see :func:`encode_xy`).

    Raises
    ------
    InputError
        When ``y`` does not have ``n`` values, is not boolean (or 0/1) without a threshold, holds
        NaN with one, or marks no case at all.
    """
    y_arr = np.asarray(y)
    if y_arr.ndim != 1:
        raise InputError(f"y must be one-dimensional, not of shape {y_arr.shape}")
    if y_arr.shape[0] != n:
        raise InputError(f"y has {y_arr.shape[0]} values but X has {n} rows")
    if n == 0:
        raise InputError("X has no rows")
    if y_arr.dtype == bool:
        yb = y_arr
    elif threshold is None:
        if np.issubdtype(y_arr.dtype, np.number) and np.isin(y_arr, (0, 1)).all():
            yb = y_arr.astype(bool)
        else:
            raise InputError("y is not boolean (or 0/1): give a threshold to mark the cases of interest")
    else:
        yf = y_arr.astype(float)
        if not np.isfinite(yf).all():
            raise InputError("y holds NaN or infinite values")
        if threshold_type == "above":
            yb = yf >= threshold
        elif threshold_type == "below":
            yb = yf <= threshold
        else:
            raise InputError(f"threshold_type must be 'above' or 'below', not {threshold_type!r}")
    if not yb.any():
        raise InputError("no case of interest: nothing to discover")
    return yb


def _numeric(X: pd.DataFrame, columns: list[Any]) -> np.ndarray:
    # Fortran order: PRIM reads one input at a time
    num = np.empty((len(X), len(columns)), dtype=np.float64, order="F")
    for j, name in enumerate(columns):
        col = X[name].to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isnan(col).any():
            raise InputError(f"column {name!r} holds missing values", field=str(name))
        num[:, j] = col
    return num


def _categorical(X: pd.DataFrame, columns: list[Any]) -> tuple[np.ndarray, list[np.ndarray]]:
    codes = np.empty((len(X), len(columns)), dtype=np.int32)
    categories = []
    for j, name in enumerate(columns):
        s = X[name]
        if s.isna().any():
            raise InputError(f"column {name!r} holds missing values", field=str(name))
        values = s.to_numpy(dtype=object) if not pd.api.types.is_bool_dtype(s.dtype) else s.to_numpy()
        try:
            uniq, inv = np.unique(values, return_inverse=True)
        except TypeError:  # mixed types cannot be ordered: order their text instead
            uniq, inv = np.unique(values.astype(str), return_inverse=True)
        categories.append(uniq)
        codes[:, j] = inv
    return codes, categories
