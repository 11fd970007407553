"""Schema version 2: the facts' ``quote`` column becomes ``statement`` (the source's report in the
fact base's own words).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # RENAME COLUMN is understood by PostgreSQL and by SQLite since 3.25 (2018): no table copy.
    op.execute("ALTER TABLE facts RENAME COLUMN quote TO statement")
    op.get_bind().execute(sa.text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))


def downgrade() -> None:
    op.execute("ALTER TABLE facts RENAME COLUMN statement TO quote")
    op.get_bind().execute(sa.text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
