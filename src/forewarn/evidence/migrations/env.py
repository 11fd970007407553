"""Alembic environment: migrations run on the connection :mod:`forewarn.evidence.migrate` passes."""

from alembic import context

from forewarn.evidence.schema import metadata


def run_migrations() -> None:
    """Run the migrations Alembic was asked for, on the caller's connection and transaction."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "config", None) is not None:  # run by Alembic (not imported by a doc test)
    run_migrations()
