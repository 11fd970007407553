"""Plain JSON values from the engine's specs and manifests.

Run manifests and design specs hold numpy scalars, tuples and the odd set; a manifest must be
written, read back and compared as the same plain value. :func:`to_jsonable` gives that value.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

__all__ = ["to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """The value as JSON would read it back: dicts with str keys (sorted), lists, plain scalars.

    numpy scalars become Python numbers, arrays and tuples lists, sets sorted lists; anything
    else JSON cannot hold becomes its ``str``. Two values that write the same JSON compare equal
    after this.

    Parameters
    ----------
    value : Any

    Returns
    -------
    Any

    Examples
    --------
    >>> to_jsonable({"b": (np.int64(1), 2.5), "a": {3, 1}})
    {'a': [1, 3], 'b': [1, 2.5]}
    """
    return json.loads(json.dumps(value, sort_keys=True, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)
