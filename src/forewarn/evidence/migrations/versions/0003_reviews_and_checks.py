"""Schema version 3: users' reviews of extracted items (``reviews`` and a ``review_status`` column
on quotes, force claims and events) and the comparison of force claims with the fact base
(``claim_checks``).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ITEMS = ("quotes", "force_claims", "events")


def upgrade() -> None:
    for table in _ITEMS:
        op.add_column(table, sa.Column("review_status", sa.String(16)))
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item", sa.String(8), nullable=False),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("previous", sa.String(16)),
        sa.Column("reason", sa.Text),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("undoes", sa.Integer),
    )
    op.create_index("ix_reviews_item", "reviews", ["item", "item_id"])
    op.create_table(
        "claim_checks",
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("force_claims.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("fact_ids", sa.Text),
        sa.Column("fact_value", sa.Float),
        sa.Column("tolerance", sa.Float),
        sa.Column("checked_at", sa.String(32)),
    )
    op.create_index("ix_claim_checks_status", "claim_checks", ["status"])
    op.get_bind().execute(sa.text("UPDATE meta SET value = '3' WHERE key = 'schema_version'"))


def downgrade() -> None:
    op.drop_index("ix_claim_checks_status", "claim_checks")
    op.drop_table("claim_checks")
    op.drop_index("ix_reviews_item", "reviews")
    op.drop_table("reviews")
    for table in _ITEMS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("review_status")
    op.get_bind().execute(sa.text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))
