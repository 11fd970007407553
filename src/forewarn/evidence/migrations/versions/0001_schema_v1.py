"""Schema version 1, as created by forewarn 0.1 (facts keep a verbatim ``quote`` column).

A frozen copy: this revision must keep creating exactly the tables forewarn 0.1 created, so
that an empty database upgraded from here ends at the current schema like an old store does.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_FK_DOC = {"ondelete": "CASCADE"}


def v1_tables(metadata: sa.MetaData) -> None:
    """Define the version 1 tables on ``metadata`` (also used by tests to build a 0.1 store)."""
    sa.Table("meta", metadata, sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text, nullable=False))
    sa.Table(
        "sources", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text), sa.Column("file", sa.Text), sa.Column("outlet", sa.Text), sa.Column("title", sa.Text),
        sa.Column("published", sa.String(32)), sa.Column("retrieved", sa.String(32)),
        sa.Index("ix_sources_url", "url"),
    )
    sa.Table(
        "facts", metadata,
        sa.Column("id", sa.String(16), primary_key=True), sa.Column("topic", sa.String(64)),
        sa.Column("entity", sa.Text, nullable=False), sa.Column("quantity", sa.Text, nullable=False),
        sa.Column("base_quantity", sa.Text, nullable=False), sa.Column("annotation", sa.Text), sa.Column("note", sa.Text),
        sa.Column("value", sa.Float, nullable=False), sa.Column("unit", sa.Text), sa.Column("as_of", sa.String(10)),
        sa.Column("quote", sa.Text), sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id")),
        sa.Column("loaded_at", sa.String(32)),
        sa.Index("ix_facts_entity", "entity"), sa.Index("ix_facts_base_quantity", "base_quantity"),
    )
    sa.Table(
        "documents", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id")),
        sa.Column("url", sa.Text), sa.Column("path", sa.Text), sa.Column("title", sa.Text), sa.Column("outlet", sa.Text),
        sa.Column("pub_date", sa.String(10)), sa.Column("text", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True), sa.Column("story_id", sa.Integer),
        sa.Column("minhash", sa.LargeBinary), sa.Column("ingested_at", sa.String(32)),
        sa.Index("ix_documents_story", "story_id"),
    )
    sa.Table(
        "quotes", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", **_FK_DOC), nullable=False),
        sa.Column("speaker", sa.Text), sa.Column("role", sa.Text), sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16)), sa.Column("start", sa.Integer), sa.Column("end", sa.Integer), sa.Column("sentence", sa.Text),
        sa.Index("ix_quotes_document", "document_id"),
    )
    sa.Table(
        "force_claims", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", **_FK_DOC), nullable=False),
        sa.Column("actor", sa.Text), sa.Column("mission_or_location", sa.Text), sa.Column("value", sa.Float),
        sa.Column("value_max", sa.Float), sa.Column("unit", sa.Text), sa.Column("as_of", sa.String(10)),
        sa.Column("approx", sa.Boolean), sa.Column("kind", sa.String(32)), sa.Column("sentence", sa.Text),
        sa.Column("start", sa.Integer), sa.Column("end", sa.Integer),
        sa.Index("ix_force_claims_document", "document_id"), sa.Index("ix_force_claims_actor", "actor"),
    )
    sa.Table(
        "events", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", **_FK_DOC), nullable=False),
        sa.Column("date", sa.String(10)), sa.Column("granularity", sa.String(8)), sa.Column("what", sa.Text),
        sa.Column("sentence", sa.Text), sa.Column("start", sa.Integer), sa.Column("end", sa.Integer),
        sa.Index("ix_events_document", "document_id"), sa.Index("ix_events_date", "date"),
    )


def upgrade() -> None:
    md = sa.MetaData()
    v1_tables(md)
    bind = op.get_bind()
    md.create_all(bind, checkfirst=True)
    if bind.execute(sa.text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar() is None:
        bind.execute(sa.text("INSERT INTO meta (key, value) VALUES ('schema_version', '1')"))


def downgrade() -> None:
    md = sa.MetaData()
    v1_tables(md)
    md.drop_all(op.get_bind())
