"""Charts for notebooks, the HTML brief and the dashboard: see :mod:`forewarn.report.plot`."""

from __future__ import annotations

from .report.plot import *  # noqa: F401,F403
from .report.plot import __all__  # noqa: F401
