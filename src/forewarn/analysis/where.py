"""Safe ``--where`` expressions: comparisons of columns with numbers, joined by and/or/not.

``"min_deterrence < 1"``, ``"years_below_1 >= 2 and total_cost > 300"``, ``"not (x < 1)"``,
``"0.5 < x <= 2"``, ``"mode == 'regional'"``. The expression is parsed with :mod:`ast` and only a
whitelist of nodes is accepted (comparisons, and/or/not, names, constants, unary minus); nothing is
ever evaluated by Python, so an expression can do nothing but select rows.

An expression may have at most :data:`MAX_LENGTH` characters and nest at most :data:`MAX_DEPTH`
operators deep (``not not x`` is two), so that no text can exhaust the parser's stack or memory.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["parse_where", "evaluate_where", "select", "MAX_LENGTH", "MAX_DEPTH"]

#: Longest expression accepted, in characters.
MAX_LENGTH = 2_000

#: Deepest nesting of and/or/not, comparisons and signs accepted.
MAX_DEPTH = 50

_CMP = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_FIELD = "--where"


def _fail(expr: str, why: str) -> InputError:
    return InputError(f"cannot use the expression {expr!r}: {why}", field=_FIELD)


def parse_where(expr: str, columns: Iterable[str]) -> ast.Expression:
    """Parse and check ``expr``; every name must be one of ``columns``.

    Raises
    ------
    InputError
        Unparseable text, a construct outside the whitelist, or an unknown name (the message
        lists the available columns).
    """
    if not isinstance(expr, str) or not expr.strip():
        raise InputError("the expression is empty", field=_FIELD)
    # "and"/"or"/"not" are the documented words; accept & | ~ as their common spellings too.
    text = expr.strip()
    if len(text) > MAX_LENGTH:
        raise InputError(f"the expression has {len(text):,} characters; at most {MAX_LENGTH:,} are accepted",
                         field=_FIELD)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise _fail(expr, f"not a valid expression ({exc.msg})") from None
    except (RecursionError, MemoryError):
        raise InputError(f"the expression nests too deeply (at most {MAX_DEPTH} levels)", field=_FIELD) from None
    if _depth(tree) > MAX_DEPTH:
        raise InputError(f"the expression nests too deeply (at most {MAX_DEPTH} levels)", field=_FIELD)
    cols = list(columns)
    known = set(cols)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in known:
                raise InputError(
                    f"unknown name {node.id!r} in {expr!r}; available columns: {', '.join(cols)}",
                    field=_FIELD,
                )
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float, str, bool)):
                raise _fail(expr, f"constant {node.value!r} is not a number, text or boolean")
        elif not isinstance(
            node,
            (ast.Expression, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.And, ast.Or, ast.Not, ast.USub,
             ast.UAdd, ast.Load, *_CMP),
        ):
            raise _fail(expr, f"{type(node).__name__} is not allowed (use comparisons joined by and, or, not)")
    _check_shape(tree.body, expr, top=True)
    return tree


def _depth(tree: ast.AST) -> int:
    """Nesting depth of a syntax tree, counted without recursion."""
    deepest = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _check_shape(node: ast.AST, expr: str, top: bool = False) -> None:
    """The whole expression (and every operand of and/or/not) must be a condition."""
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            _check_shape(v, expr)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        _check_shape(node.operand, expr)
    elif isinstance(node, ast.Compare):
        for v in [node.left, *node.comparators]:
            if not _is_value(v):
                raise _fail(expr, "compare names and numbers only")
    elif isinstance(node, ast.Name) or (isinstance(node, ast.Constant) and isinstance(node.value, bool)):
        return  # a boolean column, or True/False
    else:
        raise _fail(expr, "it is not a condition (write e.g. 'total_cost > 300')")


def _is_value(node: ast.AST) -> bool:
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) and _is_value(node.operand)


def _value(node: ast.AST, df: pd.DataFrame, expr: str) -> Any:
    if isinstance(node, ast.Name):
        return df[node.id].to_numpy()
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp):
        v = _value(node.operand, df, expr)
        numeric = (isinstance(v, (int, float)) and not isinstance(v, bool)) or (
            isinstance(v, np.ndarray) and v.dtype.kind in "iuf"
        )
        if not numeric:
            what = repr(node.operand.id) if isinstance(node.operand, ast.Name) else ast.unparse(node.operand)
            raise _fail(expr, f"a sign (- or +) applies to numbers only, not to {what}")
        return -v if isinstance(node.op, ast.USub) else v
    raise AssertionError(node)  # excluded by parse_where


def _eval(node: ast.AST, df: pd.DataFrame, expr: str) -> np.ndarray:
    n = len(df)
    if isinstance(node, ast.BoolOp):
        parts = [_eval(v, df, expr) for v in node.values]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if isinstance(node.op, ast.And) else (out | p)
        return out
    if isinstance(node, ast.UnaryOp):
        return ~_eval(node.operand, df, expr)
    if isinstance(node, ast.Name):
        col = df[node.id]
        if not pd.api.types.is_bool_dtype(col.dtype):
            raise _fail(expr, f"{node.id!r} is not a boolean column; compare it with a value")
        return col.to_numpy(dtype=bool)
    if isinstance(node, ast.Constant):
        return np.full(n, bool(node.value))
    assert isinstance(node, ast.Compare)
    out = np.ones(n, dtype=bool)
    left = _value(node.left, df, expr)
    for op, comp in zip(node.ops, node.comparators):
        right = _value(comp, df, expr)
        try:
            res = _CMP[type(op)](left, right)
        except TypeError as exc:
            raise _fail(expr, f"cannot compare these values ({exc})") from None
        out &= np.broadcast_to(np.asarray(res, dtype=bool), (n,))
        left = right
    return out


def evaluate_where(expr: str, df: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the rows of ``df`` that satisfy ``expr``.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [0.5, 1.5, 3.0], "c": [100, 400, 500]})
    >>> evaluate_where("x < 1 or c > 450", df).tolist()
    [True, False, True]
    >>> evaluate_where("not (x < 1)", df).tolist()
    [False, True, True]
    """
    tree = parse_where(expr, [str(c) for c in df.columns])
    return _eval(tree.body, df, expr)


def select(expr: str, df: pd.DataFrame, *, require_some: bool = True, require_not_all: bool = False) -> np.ndarray:
    """:func:`evaluate_where`, raising :class:`InputError` when no row (or every row) is selected."""
    mask = evaluate_where(expr, df)
    if require_some and not mask.any():
        raise InputError(f"no row of the {len(df)} meets {expr!r}; nothing to discover", field=_FIELD)
    if require_not_all and mask.all():
        raise InputError(f"every one of the {len(df)} rows meets {expr!r}; nothing to tell apart", field=_FIELD)
    return mask
