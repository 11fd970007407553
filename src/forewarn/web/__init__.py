"""The local dashboard (``forewarn serve``): explore a run's futures, failure boxes, trade-offs,
pathways and evidence in a browser. Needs the ``web`` extra (Starlette, uvicorn).

>>> from forewarn.web import create_app            # doctest: +SKIP
>>> app = create_app("runs/brief/run")             # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """Build the dashboard application; see :func:`forewarn.web.app.create_app`."""
    from .app import create_app as make

    return make(*args, **kwargs)
