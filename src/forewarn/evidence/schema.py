"""The evidence store's tables (SQLAlchemy Core, one :class:`~sqlalchemy.MetaData`).

The same schema runs on SQLite (the default) and PostgreSQL. Dates are ISO text at the
granularity the source supports (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), so comparing them as
strings orders them correctly and ``as_of >= '2023'`` means "in 2023 or later" on both engines.
Timestamps written by forewarn (``retrieved``, ``ingested_at``) are ISO 8601 UTC text.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = [
    "SCHEMA_VERSION",
    "metadata",
    "meta",
    "sources",
    "facts",
    "documents",
    "quotes",
    "force_claims",
    "events",
    "intents",
    "reviews",
    "claim_checks",
    "ITEM_TABLES",
]

#: Bumped whenever a table changes; stored in ``meta`` under ``schema_version``. Each version is
#: one Alembic revision in ``evidence/migrations/versions`` (version N is revision ``000N``).
SCHEMA_VERSION = 4

metadata = MetaData()

#: Key/value settings of the store itself (schema version, which defaults were loaded).
meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Where a fact or a document came from: a web page (``url``) or a local file (``file``).
sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text),
    Column("file", Text),
    Column("outlet", Text),
    Column("title", Text),
    Column("published", String(32)),
    Column("retrieved", String(32)),
    Index("ix_sources_url", "url"),
)

#: Sourced figures: one row per number, with a statement (in the fact base's own words) of what the source reports.
facts = Table(
    "facts",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("topic", String(64)),
    Column("entity", Text, nullable=False),
    # As written in the fact base, annotations included, so a CSV round-trips unchanged.
    Column("quantity", Text, nullable=False),
    # The snake_case name without its annotations: what queries and conflict checks compare.
    Column("base_quantity", Text, nullable=False),
    # Text in round brackets: an attribution or qualifier ("Reuters", "Vucic claim").
    Column("annotation", Text),
    # Text in square brackets: notes on language, reliability or dating ("quote in German").
    Column("note", Text),
    Column("value", Float, nullable=False),
    Column("unit", Text),
    Column("as_of", String(10)),
    Column("statement", Text),
    Column("source_id", Integer, ForeignKey("sources.id")),
    Column("loaded_at", String(32)),
    Index("ix_facts_entity", "entity"),
    Index("ix_facts_base_quantity", "base_quantity"),
)

#: Ingested articles. ``sha256`` is of the normalised text (exact copies are stored once);
#: ``story_id`` is the id of the first stored document of the same story (itself for the first).
documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", Integer, ForeignKey("sources.id")),
    Column("url", Text),
    Column("path", Text),
    Column("title", Text),
    Column("outlet", Text),
    Column("pub_date", String(10)),
    Column("text", Text, nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("story_id", Integer),
    # MinHash signature of the word shingles (uint32 array), for near-duplicate detection.
    Column("minhash", LargeBinary),
    Column("ingested_at", String(32)),
    Index("ix_documents_story", "story_id"),
)

_cascade = {"ondelete": "CASCADE"}

#: Quoted words found in a document, with their character offsets in ``documents.text``.
quotes = Table(
    "quotes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", **_cascade), nullable=False),
    Column("speaker", Text),
    Column("role", Text),
    Column("text", Text, nullable=False),
    Column("kind", String(16)),
    Column("start", Integer),
    Column("end", Integer),
    Column("sentence", Text),
    Column("review_status", String(16)),
    Index("ix_quotes_document", "document_id"),
)

#: Numeric claims about forces (size, plans, cuts, budgets, procurement).
force_claims = Table(
    "force_claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", **_cascade), nullable=False),
    Column("actor", Text),
    Column("mission_or_location", Text),
    Column("value", Float),
    Column("value_max", Float),
    Column("unit", Text),
    Column("as_of", String(10)),
    Column("approx", Boolean),
    Column("kind", String(32)),
    Column("sentence", Text),
    Column("start", Integer),
    Column("end", Integer),
    Column("review_status", String(16)),
    Index("ix_force_claims_document", "document_id"),
    Index("ix_force_claims_actor", "actor"),
)

#: Dated happenings; ``granularity`` is ``year``, ``month`` or ``day`` (from the date's form).
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", **_cascade), nullable=False),
    Column("date", String(10)),
    Column("granularity", String(8)),
    Column("what", Text),
    Column("sentence", Text),
    Column("start", Integer),
    Column("end", Integer),
    Column("review_status", String(16)),
    Index("ix_events_document", "document_id"),
    Index("ix_events_date", "date"),
)

#: Statements of intent, decision or execution about forces (:mod:`forewarn.monitor.intents`):
#: ``action`` is ``reduce`` or ``reinforce``, ``level`` ``intent``, ``decision`` or ``under_way``;
#: ``size`` the stated number (``unit`` troops or percent), ``whole`` True for all of them,
#: ``timing`` an ISO date; ``start``/``end`` the offsets of the action word.
intents = Table(
    "intents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", **_cascade), nullable=False),
    Column("actor", Text),
    Column("action", String(16), nullable=False),
    Column("level", String(16), nullable=False),
    Column("target", Text),
    Column("size", Float),
    Column("unit", Text),
    Column("whole", Boolean),
    Column("timing", String(10)),
    Column("sentence", Text),
    Column("start", Integer),
    Column("end", Integer),
    Column("review_status", String(16)),
    Index("ix_intents_document", "document_id"),
)

#: Every review decision on an extracted item, never deleted: the item's current
#: ``review_status`` is that of its latest row. ``item`` is ``claim``, ``quote``, ``event`` or ``intent``;
#: ``status`` is ``rejected`` or ``accepted``; ``undoes`` is the id of the row an undo reverted.
reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item", String(8), nullable=False),
    Column("item_id", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("previous", String(16)),
    Column("reason", Text),
    Column("who", Text, nullable=False),
    Column("at", String(32), nullable=False),
    Column("undoes", Integer),
    Index("ix_reviews_item", "item", "item_id"),
)

#: A force claim compared with the fact base: ``status`` is ``corroborates``, ``conflicts`` or
#: ``new``; ``fact_ids`` lists the facts compared (comma-separated), ``fact_value`` the nearest.
claim_checks = Table(
    "claim_checks",
    metadata,
    Column("claim_id", Integer, ForeignKey("force_claims.id", **_cascade), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("fact_ids", Text),
    Column("fact_value", Float),
    Column("tolerance", Float),
    Column("checked_at", String(32)),
    Index("ix_claim_checks_status", "status"),
)

#: Review kinds and the tables they refer to.
ITEM_TABLES = {"claim": force_claims, "quote": quotes, "event": events, "intent": intents}
