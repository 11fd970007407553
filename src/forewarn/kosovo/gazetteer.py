"""The Kosovo case's gazetteer: ``gazetteer.toml`` merged over the monitor's general one.

>>> g = kosovo_gazetteer()
>>> g.org_actor["KFOR"], g.mission_in("a KFOR patrol"), g.forces["Kosovo"]
('NATO', 'KFOR', 'Kosovo Security Force')
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

from ..monitor.gazetteer import Gazetteer

__all__ = ["gazetteer_path", "kosovo_gazetteer"]


def gazetteer_path() -> Path:
    """Path of the shipped ``forewarn/kosovo/gazetteer.toml``."""
    return Path(str(resources.files("forewarn.kosovo").joinpath("gazetteer.toml")))


@functools.cache
def kosovo_gazetteer() -> Gazetteer:
    """The Kosovo gazetteer, with the spellings of names with diacritics known to the fact base."""
    from .facts import facts

    g = Gazetteer.from_toml(gazetteer_path())
    learnt: dict[str, str] = {}
    for f in facts().values():
        for w in re.findall(r"\b[A-ZÀ-Ž][\wÀ-ž]+", f"{f.entity} {f.statement} {f.quantity}"):
            if not w.isascii():
                learnt.setdefault(w.casefold(), w)
    return g.merged({"spellings": {k: v for k, v in learnt.items() if k not in g.spellings}})
