"""Bringing a store's schema up to date with Alembic, in place, when it is opened.

Three kinds of database are met:

- an empty one: the current tables are created (:data:`~forewarn.evidence.schema.metadata`)
  and stamped with the newest revision;
- one written before the store used Alembic (forewarn 0.1, schema version 1, and version 2):
  its ``meta.schema_version`` says which revision it is at; it is stamped so and upgraded;
- one with an ``alembic_version`` table: upgraded when behind.

Revision ``000N`` is schema version N (``evidence/migrations/versions``). A store newer than
this forewarn is refused, never changed. Every upgrade runs in one transaction (PostgreSQL
and SQLite both roll back DDL), so a failed upgrade leaves the store as it was.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ForewarnError
from . import schema as S

__all__ = ["HEAD", "MIGRATIONS", "alembic_config", "revision_of", "upgrade"]

#: The newest revision: the one for :data:`~forewarn.evidence.schema.SCHEMA_VERSION`.
HEAD = f"{S.SCHEMA_VERSION:04d}"
#: The folder of the migration scripts (shipped as package data).
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection):
    """An Alembic ``Config`` that runs the shipped migrations on ``connection``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def revision_of(conn: Connection) -> str | None:
    """The store's revision: from ``alembic_version``, else from ``meta.schema_version``; None when empty."""
    tables = set(sa.inspect(conn).get_table_names())
    if "alembic_version" in tables:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    if "meta" in tables:
        found = conn.execute(sa.select(S.meta.c.value).where(S.meta.c.key == "schema_version")).scalar()
        if found is not None:
            return f"{int(found):04d}"
    return None


def upgrade(engine: Engine, *, where: str) -> int | None:
    """Create or upgrade the store's schema; return the schema version it had (None: new store).

    A store already at the newest revision is only read. Otherwise the work runs in one
    transaction; on SQLite it takes the write lock first (``BEGIN IMMEDIATE``), so two processes
    opening the same old store upgrade it once, and DDL rolls back with everything else.

    Raises
    ------
    ForewarnError
        When the store was written by a newer forewarn (a schema version above this one's), or
        when the upgrade fails (the store is then left as it was).
    """
    with engine.connect() as conn:
        rev = revision_of(conn)
    _refuse_newer(rev, where)
    if rev == HEAD:
        return S.SCHEMA_VERSION
    db = engine.url.database or ""
    # An in-memory database lives in its one connection: no second engine can see it.
    on_file = engine.dialect.name == "sqlite" and db not in ("", ":memory:") and "mode=memory" not in db
    writer = _sqlite_writer(engine) if on_file else engine
    try:
        with writer.begin() as conn:
            return _create_or_upgrade(conn, where)
    finally:
        if writer is not engine:
            writer.dispose()


def _refuse_newer(rev: str | None, where: str) -> None:
    if rev is not None and (not rev.isdigit() or int(rev) > S.SCHEMA_VERSION):
        raise ForewarnError(
            f"{where}: evidence store schema version {rev.lstrip('0')} is newer than this forewarn "
            f"understands ({S.SCHEMA_VERSION}); upgrade forewarn"
        )


def _sqlite_writer(engine: Engine) -> Engine:
    """An engine on the same SQLite file whose transactions take the write lock and include DDL.

    The sqlite3 driver begins its own transactions only before data changes and commits around
    DDL; with ``isolation_level = None`` the driver leaves that to us (SQLAlchemy's recipe).
    """
    from sqlalchemy import event
    from sqlalchemy.pool import NullPool

    writer = sa.create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(writer, "connect")
    def _connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA busy_timeout=10000")

    @event.listens_for(writer, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return writer


def _create_or_upgrade(conn: Connection, where: str) -> int | None:
    from alembic import command

    rev = revision_of(conn)  # again, under the lock: another process may have done it meanwhile
    _refuse_newer(rev, where)
    if rev == HEAD:
        return S.SCHEMA_VERSION
    cfg = alembic_config(conn)
    if rev is None:
        S.metadata.create_all(conn, checkfirst=True)
        conn.execute(S.meta.insert().values(key="schema_version", value=str(S.SCHEMA_VERSION)))
        command.stamp(cfg, HEAD)
        return None
    try:
        if not sa.inspect(conn).has_table("alembic_version"):
            command.stamp(cfg, rev)
        command.upgrade(cfg, HEAD)
        if int(rev) < 3:  # claims stored before they were checked: checked in the same transaction
            from datetime import datetime, timezone

            from .corroborate import recheck_all

            recheck_all(conn, datetime.now(timezone.utc).replace(microsecond=0).isoformat())
    except SQLAlchemyError as exc:
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ForewarnError(
            f"{where}: cannot upgrade the evidence store from schema version {int(rev)} to "
            f"{S.SCHEMA_VERSION} ({first}); the store was left as it was"
        ) from None
    return int(rev)
