"""Schema version 4: statements of intent are stored items (``intents``), reviewable like quotes,
force claims and events.

Documents stored before this version have no statements in the table: the migration records the
last such document's id in ``meta`` (``intents_upto``), and readers extract their statements
from the stored text until they are filled in (:func:`forewarn.monitor.ingest.store_intents`).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("actor", sa.Text),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("target", sa.Text),
        sa.Column("size", sa.Float),
        sa.Column("unit", sa.Text),
        sa.Column("whole", sa.Boolean),
        sa.Column("timing", sa.String(10)),
        sa.Column("sentence", sa.Text),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
        sa.Column("review_status", sa.String(16)),
    )
    op.create_index("ix_intents_document", "intents", ["document_id"])
    bind = op.get_bind()
    last = bind.execute(sa.text("SELECT MAX(id) FROM documents")).scalar()
    if last is not None:
        bind.execute(sa.text("INSERT INTO meta (key, value) VALUES ('intents_upto', :v)"), {"v": str(int(last))})
    bind.execute(sa.text("UPDATE meta SET value = '4' WHERE key = 'schema_version'"))


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM meta WHERE key = 'intents_upto'"))
    bind.execute(sa.text("DELETE FROM reviews WHERE item = 'intent'"))
    op.drop_index("ix_intents_document", "intents")
    op.drop_table("intents")
    bind.execute(sa.text("UPDATE meta SET value = '3' WHERE key = 'schema_version'"))
