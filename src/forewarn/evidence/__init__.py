"""The evidence store: sourced facts, and the documents, quotes, force claims and events the news
monitor finds. SQLite by default, PostgreSQL (or any SQLAlchemy database) by URL.

>>> from forewarn.evidence import open_store
>>> store = open_store("sqlite://")               # doctest: +SKIP
>>> store.facts(entity="KFOR", since=2023)         # doctest: +SKIP

Nothing is imported at package import time beyond this module; the names below load on use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "EvidenceStore": "forewarn.evidence.store",
    "DuplicateDocument": "forewarn.evidence.store",
    "open_store": "forewarn.evidence.store",
    "ensure_defaults": "forewarn.evidence.store",
    "resolve_url": "forewarn.evidence.store",
    "parse_item_ref": "forewarn.evidence.store",
    "item_ref": "forewarn.evidence.store",
    "check_claim": "forewarn.evidence.corroborate",
    "format_note": "forewarn.evidence.facts",
    "fact_qualifier": "forewarn.evidence.facts",
    "check_link": "forewarn.evidence.facts",
    "read_facts_csv": "forewarn.evidence.facts",
    "parse_quantity": "forewarn.evidence.facts",
    "conflicts": "forewarn.evidence.facts",
    "default_facts_path": "forewarn.evidence.facts",
    "SCHEMA_VERSION": "forewarn.evidence.schema",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:  # PEP 562: SQLAlchemy and pandas load on first use
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'forewarn.evidence' has no attribute {name!r}")
