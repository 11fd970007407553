"""Optional dependencies of the test suite, declared once (``has_X`` and ``requires_X``).

The EMA Workbench comes with the ``bench`` extra (``pip install -e '.[bench]'``); the tests that
compare forewarn with it carry :data:`requires_ema` and are skipped without it.
"""

from __future__ import annotations

import importlib.util

import pytest

__all__ = ["has_ema", "requires_ema"]

has_ema = importlib.util.find_spec("ema_workbench") is not None


def requires_ema(test):
    """Mark a test that needs the EMA Workbench: the ``bench`` marker, skipped when it is missing,
    and the warnings its import raises under our ``filterwarnings = error`` let through."""
    test = pytest.mark.skipif(not has_ema, reason="needs the EMA Workbench (the bench extra)")(test)
    # Importing the Workbench 2.5 uses deprecated pandas and numpy names and says that optional
    # packages of its own (ipyparallel; altair, on the first import of its prim module, whichever
    # test comes first) are missing; none of it is ours.
    test = pytest.mark.filterwarnings(
        "ignore::DeprecationWarning", "ignore::FutureWarning", "ignore:ipyparallel not installed:UserWarning",
        "ignore:altair based interactive inspection not available:ImportWarning",
    )(test)
    return pytest.mark.bench(test)
