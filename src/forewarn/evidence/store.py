"""The evidence store: open it, write facts and documents, query them as pandas DataFrames.

SQLite is the default (a file in the user's data folder); any SQLAlchemy URL works, and the
schema is tested on PostgreSQL (``postgresql+psycopg://user@host/db``). Every write is one
transaction: a fact file is loaded whole or not at all, and a document is stored together with
everything extracted from it or not at all.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from ..errors import ForewarnError, InputError
from . import schema as S
from .facts import FactRow, default_facts_path, read_facts_csv

__all__ = ["EvidenceStore", "open_store", "resolve_url", "ensure_defaults", "outlet_of", "utcnow"]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_IN_CHUNK = 500  # keeps IN (...) lists well under every backend's parameter limit
DEFAULT_ARTICLE = "rfe-kfor-us-troops"


def utcnow() -> str:
    """The current time as ISO 8601 UTC text (seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def outlet_of(url: str | None) -> str | None:
    """The host name of a URL without ``www.``: a short label for the outlet."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


def resolve_url(url: str | os.PathLike | None = None) -> str:
    """The SQLAlchemy URL of the store.

    Order: the argument, then the environment variable ``FOREWARN_DB``, then
    ``forewarn.db`` in ``platformdirs.user_data_dir("forewarn")``. A value without ``://`` is a
    file path for SQLite. ``postgresql://`` and ``postgres://`` use the psycopg (3) driver.
    """
    if url is None or str(url) == "":
        url = os.environ.get("FOREWARN_DB") or None
    if url is None:
        import platformdirs

        url = Path(platformdirs.user_data_dir("forewarn")) / "forewarn.db"
    text = os.fspath(url)
    if "://" not in text:
        return "sqlite:///" + str(Path(text).expanduser().resolve())
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix):]
    return text


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the database; it only skips an fsync per commit
        # (a power cut may lose the last transactions, never half of one).
        cur.execute("PRAGMA synchronous=NORMAL")
    finally:
        cur.close()


def _check_sqlite_file(url: sa.URL) -> Path | None:
    """Refuse a database path that is a folder or a file that is not SQLite, before connecting."""
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    path = Path(db)
    if path.is_dir():
        raise InputError("is a folder, not a database file", source=path)
    if path.exists():
        try:
            with open(path, "rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise InputError(f"cannot read the database ({exc.strerror})", source=path) from None
        if head and head != _SQLITE_MAGIC:
            raise InputError("is not an SQLite database (corrupt, or another kind of file)", source=path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the database folder ({exc.strerror})", source=path) from None
    return path


def open_store(url: str | os.PathLike | None = None, *, defaults: bool = True) -> "EvidenceStore":
    """Open (and create if needed) the evidence store.

    Parameters
    ----------
    url : str or path-like, optional
        An SQLAlchemy URL or an SQLite file path; see :func:`resolve_url` for the defaults.
    defaults : bool
        Load the shipped fact base and the framing article on first use (:func:`ensure_defaults`).

    Returns
    -------
    EvidenceStore

    Raises
    ------
    InputError
        When the database cannot be opened: a file that is not SQLite, a folder, a server that
        does not answer. The message names the file or URL.
    """
    resolved = resolve_url(url)
    try:
        sa_url = sa.make_url(resolved)
    except sa.exc.ArgumentError as exc:
        raise InputError(f"not a database URL or path ({exc})", source=resolved) from None
    shown = sa_url.render_as_string(hide_password=True)
    where: object = shown
    if sa_url.get_backend_name() == "sqlite":
        path = _check_sqlite_file(sa_url)
        where = path or shown
    try:
        engine = sa.create_engine(sa_url)
    except (ImportError, sa.exc.NoSuchModuleError) as exc:
        raise InputError(f"no database driver for this URL ({exc})", source=shown) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = EvidenceStore(engine, where=str(where))
    try:
        store._create()
    except DBAPIError as exc:
        engine.dispose()
        raise InputError(f"cannot open the evidence store ({_short(exc)})", source=where) from None
    if defaults:
        ensure_defaults(store)
    return store


def _short(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def ensure_defaults(store: "EvidenceStore") -> None:
    """Load the shipped fact base and ingest the framing article, once per store.

    The framing article (``data/articles/rfe-kfor-us-troops.txt``) is stored with its
    publication date and URL from its annotation, so the brief and the signposts show its
    evidence out of the box. When the extractor was not available the first time, the article is
    extracted again as soon as it is; and again when forewarn's version changes, so a store
    never keeps what an older extractor found in it.
    """
    from .. import __version__

    store.ensure_default_facts()
    state = store.get_meta("default_article")
    done = f"extracted {__version__}"
    if state == done:
        return
    from ..monitor.ingest import extractor_available, ingest_default_article

    if state == "stored" and not extractor_available():
        return
    result = ingest_default_article(store, replace=state is not None)
    if result.ok:
        store.set_meta("default_article", done if extractor_available() else "stored")


class EvidenceStore:
    """Facts and documents with their provenance, in one SQL database.

    Use :func:`open_store` to get one. Queries return pandas DataFrames.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
    where : str
        How to name the database in messages (a file path or a URL without password).
    """

    def __init__(self, engine: Engine, *, where: str) -> None:
        self.engine = engine
        self.where = where

    # -- lifetime -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The database URL (password hidden)."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql`` (or another SQLAlchemy dialect name)."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> "EvidenceStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EvidenceStore({self.url!r})"

    def _create(self) -> None:
        with self.engine.begin() as conn:
            S.metadata.create_all(conn, checkfirst=True)
            found = conn.execute(select(S.meta.c.value).where(S.meta.c.key == "schema_version")).scalar()
            if found is None:
                conn.execute(S.meta.insert().values(key="schema_version", value=str(S.SCHEMA_VERSION)))
            elif int(found) > S.SCHEMA_VERSION:
                raise ForewarnError(
                    f"{self.where}: evidence store schema version {found} is newer than this "
                    f"forewarn understands ({S.SCHEMA_VERSION}); upgrade forewarn"
                )

    def get_meta(self, key: str) -> str | None:
        """A value of the store's ``meta`` table, or None."""
        with self.engine.connect() as conn:
            return conn.execute(select(S.meta.c.value).where(S.meta.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the store's ``meta`` table."""
        try:
            with self.engine.begin() as conn:
                self._set_meta(conn, key, value)
        except IntegrityError:  # another process inserted the key meanwhile: update it
            with self.engine.begin() as conn:
                self._set_meta(conn, key, value)

    @staticmethod
    def _set_meta(conn: Connection, key: str, value: str) -> None:
        done = conn.execute(S.meta.update().where(S.meta.c.key == key).values(value=value)).rowcount
        if not done:
            conn.execute(S.meta.insert().values(key=key, value=value))

    # -- sources ----------------------------------------------------------------------------

    def _source_ids(self, conn: Connection, urls: Iterable[str], *, retrieved: str) -> dict[str, int]:
        """Ids of the sources with these URLs, creating the missing ones."""
        wanted = list(dict.fromkeys(u for u in urls if u))
        found: dict[str, int] = {}
        for i in range(0, len(wanted), _IN_CHUNK):
            part = wanted[i : i + _IN_CHUNK]
            rows = conn.execute(select(S.sources.c.url, func.min(S.sources.c.id)).where(S.sources.c.url.in_(part)).group_by(S.sources.c.url))
            found.update({u: int(i_) for u, i_ in rows})
        missing = [u for u in wanted if u not in found]
        if missing:
            conn.execute(
                S.sources.insert(),
                [{"url": u, "outlet": outlet_of(u), "retrieved": retrieved} for u in missing],
            )
            for i in range(0, len(missing), _IN_CHUNK):
                part = missing[i : i + _IN_CHUNK]
                rows = conn.execute(select(S.sources.c.url, func.min(S.sources.c.id)).where(S.sources.c.url.in_(part)).group_by(S.sources.c.url))
                found.update({u: int(i_) for u, i_ in rows})
        return found

    # -- facts -------------------------------------------------------------------------------

    def load_facts(self, path: str | os.PathLike | Any) -> int:
        """Load a fact CSV in one transaction; facts with an existing id are replaced.

        Every row is validated first (see :func:`forewarn.evidence.facts.read_facts_csv`); on
        any problem nothing is stored.

        Returns
        -------
        int
            The number of facts loaded.
        """
        rows = read_facts_csv(path)
        self._store_facts(rows)
        return len(rows)

    def _store_facts(self, rows: Sequence[FactRow]) -> None:
        now = utcnow()
        try:
            with self.engine.begin() as conn:
                src = self._source_ids(conn, (r.source_url for r in rows), retrieved=now)
                ids = [r.id for r in rows]
                for i in range(0, len(ids), _IN_CHUNK):
                    conn.execute(S.facts.delete().where(S.facts.c.id.in_(ids[i : i + _IN_CHUNK])))
                conn.execute(
                    S.facts.insert(),
                    [
                        {
                            "id": r.id,
                            "topic": r.topic or None,
                            "entity": r.entity,
                            "quantity": r.quantity,
                            "base_quantity": r.base_quantity,
                            "annotation": r.annotation,
                            "note": r.note,
                            "value": r.value,
                            "unit": r.unit or None,
                            "as_of": r.as_of,
                            "statement": r.statement or None,
                            "source_id": src.get(r.source_url),
                            "loaded_at": now,
                        }
                        for r in rows
                    ],
                )
        except SQLAlchemyError as exc:
            raise ForewarnError(f"{self.where}: could not store the facts ({_short(exc)})") from None

    def ensure_default_facts(self) -> bool:
        """Load the shipped fact base (``data/facts.csv``) unless it was loaded before.

        Returns
        -------
        bool
            True when it was loaded now.
        """
        if self.get_meta("default_facts") is not None:
            return False
        path = default_facts_path()
        rows = read_facts_csv(path)
        with self.engine.connect() as conn:
            have = conn.execute(select(func.count()).select_from(S.facts)).scalar() or 0
        if have == 0:
            self._store_facts(rows)
        # Recorded even when the table already held facts: a user's own fact base is never
        # overwritten by the shipped one.
        self.set_meta("default_facts", str(len(rows)))
        return have == 0

    def facts(
        self,
        entity: str | None = None,
        quantity: str | None = None,
        since: str | int | None = None,
        topic: str | None = None,
        ids: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Facts with their source, sorted by ``as_of`` (undated last), then id.

        Parameters
        ----------
        entity : str, optional
            Case-insensitive; ``*`` is a wildcard (``"KFOR/*"`` for the national contingents).
        quantity : str, optional
            The quantity's name without annotations (``total_strength``); ``*`` is a wildcard.
        since : int or str, optional
            A year or ISO date: facts whose ``as_of`` is at or after it (undated facts excluded).
        topic : str, optional
            ``kfor``, ``us_kfor``, ``ksf``, ...
        ids : iterable of str, optional
            Only these fact ids.

        Returns
        -------
        DataFrame
            Columns: id, topic, entity, quantity, base_quantity, annotation, note, value, unit,
            as_of, statement, source_id, source_url, outlet, loaded_at.
        """
        f, s = S.facts, S.sources
        stmt = select(
            *[c for c in f.c if c.name != "loaded_at"],
            s.c.url.label("source_url"),
            s.c.outlet,
            f.c.loaded_at,
        ).select_from(f.outerjoin(s, f.c.source_id == s.c.id))
        if entity:
            stmt = stmt.where(_match(f.c.entity, entity))
        if quantity:
            stmt = stmt.where(_match(f.c.base_quantity, quantity))
        if topic:
            stmt = stmt.where(func.lower(f.c.topic) == topic.lower())
        if since is not None and str(since) != "":
            stmt = stmt.where(f.c.as_of >= str(since))
        if ids is not None:
            ids = list(ids)
            stmt = stmt.where(f.c.id.in_(ids))
        stmt = stmt.order_by(f.c.as_of.is_(None), f.c.as_of, f.c.id)
        return self._frame(stmt)

    def fact(self, id: str) -> dict[str, Any]:
        """One fact as a dict (with ``source_url`` and ``outlet``).

        Raises
        ------
        InputError
            When there is no fact with this id.
        """
        df = self.facts(ids=[id])
        if df.empty:
            raise InputError(f"no fact with id {id!r} in the evidence store", source=self.where, field="id")
        return df.iloc[0].to_dict()

    def sources(self) -> pd.DataFrame:
        """All sources (web pages and files) facts and documents were read from."""
        return self._frame(select(S.sources).order_by(S.sources.c.id))

    # -- documents -----------------------------------------------------------------------------

    def document_by_sha(self, sha256: str) -> int | None:
        """The id of the document with this text hash, or None."""
        with self.engine.connect() as conn:
            return conn.execute(select(S.documents.c.id).where(S.documents.c.sha256 == sha256)).scalar()

    def signatures(self) -> tuple[list[int], list[int], list[bytes]]:
        """Ids, story ids and MinHash signatures of every stored document that has one."""
        d = S.documents
        with self.engine.connect() as conn:
            rows = conn.execute(select(d.c.id, d.c.story_id, d.c.minhash).where(d.c.minhash.is_not(None)).order_by(d.c.id)).all()
        return [r[0] for r in rows], [r[1] if r[1] is not None else r[0] for r in rows], [bytes(r[2]) for r in rows]

    def add_document(self, doc: Mapping[str, Any], items: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> int:
        """Store one document and everything extracted from it, in one transaction.

        Parameters
        ----------
        doc : mapping
            ``text`` and ``sha256`` (required); ``url``, ``path``, ``title``, ``outlet``,
            ``pub_date``, ``story_id`` (None: a new story), ``minhash`` (bytes).
        items : mapping, optional
            ``quotes``, ``force_claims`` and ``events``: lists of dicts with the columns of those
            tables (other keys are ignored).

        Returns
        -------
        int
            The new document's id.

        Raises
        ------
        DuplicateDocument
            When a document with the same ``sha256`` is already stored (nothing is written).
        """
        now = utcnow()
        d = S.documents
        try:
            with self.engine.begin() as conn:
                source_id = None
                if doc.get("url"):
                    source_id = self._source_ids(conn, [doc["url"]], retrieved=now)[doc["url"]]
                    conn.execute(
                        S.sources.update()
                        .where(S.sources.c.id == source_id, S.sources.c.title.is_(None))
                        .values(title=doc.get("title"), published=doc.get("pub_date"), outlet=doc.get("outlet") or outlet_of(doc["url"]))
                    )
                elif doc.get("path"):
                    source_id = conn.execute(
                        S.sources.insert().values(file=str(doc["path"]), outlet=doc.get("outlet"), title=doc.get("title"), published=doc.get("pub_date"), retrieved=now)
                    ).inserted_primary_key[0]
                values = {c: doc.get(c) for c in ("url", "path", "title", "outlet", "pub_date", "text", "sha256", "story_id", "minhash")}
                values.update(source_id=source_id, ingested_at=now)
                if values["path"] is not None:
                    values["path"] = str(values["path"])
                doc_id = int(conn.execute(d.insert().values(**values)).inserted_primary_key[0])
                if values["story_id"] is None:
                    conn.execute(d.update().where(d.c.id == doc_id).values(story_id=doc_id))
                if items:
                    self._insert_items(conn, doc_id, items)
        except IntegrityError as exc:
            existing = self.document_by_sha(str(doc.get("sha256")))
            if existing is not None:
                raise DuplicateDocument(existing) from None
            raise ForewarnError(f"{self.where}: could not store the document ({_short(exc)})") from None
        except SQLAlchemyError as exc:
            raise ForewarnError(f"{self.where}: could not store the document ({_short(exc)})") from None
        return doc_id

    @staticmethod
    def _insert_items(conn: Connection, doc_id: int, items: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        for key, table in (("quotes", S.quotes), ("force_claims", S.force_claims), ("events", S.events)):
            rows = [_item_row(table, doc_id, it) for it in items.get(key) or ()]
            if rows:
                conn.execute(table.insert(), rows)

    def delete_document(self, doc_id: int) -> None:
        """Delete a document and what was extracted from it."""
        with self.engine.begin() as conn:
            for t in (S.quotes, S.force_claims, S.events):
                conn.execute(t.delete().where(t.c.document_id == doc_id))
            conn.execute(S.documents.delete().where(S.documents.c.id == doc_id))

    def documents(self, *, with_text: bool = False) -> pd.DataFrame:
        """Stored documents, in ingestion order.

        Columns: id, source_id, url, path, title, outlet, pub_date, sha256, story_id,
        ingested_at, n_quotes, n_force_claims, n_events (and ``text`` when ``with_text``).
        """
        d = S.documents
        counts = []
        for name, t in (("n_quotes", S.quotes), ("n_force_claims", S.force_claims), ("n_events", S.events)):
            counts.append(select(func.count()).where(t.c.document_id == d.c.id).scalar_subquery().label(name))
        cols = [c for c in d.c if c.name != "minhash" and (with_text or c.name != "text")]
        return self._frame(select(*cols, *counts).order_by(d.c.id))

    def _doc_cols(self):
        d = S.documents
        return (d.c.pub_date, d.c.url, d.c.path, d.c.title, d.c.outlet, d.c.story_id)

    def quotes(
        self,
        speaker: str | None = None,
        since: str | None = None,
        document_id: int | None = None,
        text: str | None = None,
    ) -> pd.DataFrame:
        """Stored quotes with their document's date and address.

        ``speaker`` and ``text`` match case-insensitively anywhere; ``since`` compares with the
        document's publication date.
        """
        q, d = S.quotes, S.documents
        stmt = select(*[c for c in q.c], *self._doc_cols()).select_from(q.join(d, q.c.document_id == d.c.id))
        if speaker:
            stmt = stmt.where(func.lower(q.c.speaker).contains(speaker.lower(), autoescape=True))
        if text:
            stmt = stmt.where(func.lower(q.c.text).contains(text.lower(), autoescape=True))
        if since:
            stmt = stmt.where(d.c.pub_date >= str(since))
        if document_id is not None:
            stmt = stmt.where(q.c.document_id == document_id)
        return self._frame(stmt.order_by(q.c.document_id, q.c.start, q.c.id))

    def force_claims(
        self,
        actor: str | None = None,
        place: str | None = None,
        since: str | None = None,
        *,
        document_id: int | None = None,
    ) -> pd.DataFrame:
        """Stored force claims with their document's date and address.

        ``actor`` and ``place`` (the mission or location) match case-insensitively anywhere;
        ``since`` compares with the claim's ``as_of``, or the publication date when it has none.
        """
        c, d = S.force_claims, S.documents
        stmt = select(*[col for col in c.c], *self._doc_cols()).select_from(c.join(d, c.c.document_id == d.c.id))
        if actor:
            stmt = stmt.where(func.lower(c.c.actor).contains(actor.lower(), autoescape=True))
        if place:
            stmt = stmt.where(func.lower(c.c.mission_or_location).contains(place.lower(), autoescape=True))
        if since:
            stmt = stmt.where(func.coalesce(c.c.as_of, d.c.pub_date) >= str(since))
        if document_id is not None:
            stmt = stmt.where(c.c.document_id == document_id)
        return self._frame(stmt.order_by(c.c.document_id, c.c.start, c.c.id))

    def events(self, since: str | None = None, *, document_id: int | None = None, what: str | None = None) -> pd.DataFrame:
        """Stored dated events with their document's date and address, by event date."""
        e, d = S.events, S.documents
        stmt = select(*[col for col in e.c], *self._doc_cols()).select_from(e.join(d, e.c.document_id == d.c.id))
        if since:
            stmt = stmt.where(e.c.date >= str(since))
        if what:
            stmt = stmt.where(func.lower(e.c.what).contains(what.lower(), autoescape=True))
        if document_id is not None:
            stmt = stmt.where(e.c.document_id == document_id)
        return self._frame(stmt.order_by(e.c.date, e.c.document_id, e.c.start))

    def counts(self) -> dict[str, int]:
        """Number of rows in each table."""
        out = {}
        with self.engine.connect() as conn:
            for t in (S.sources, S.facts, S.documents, S.quotes, S.force_claims, S.events):
                out[t.name] = int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
        return out

    def _frame(self, stmt) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            cols = list(result.keys())
            rows = result.all()
        return pd.DataFrame([tuple(r) for r in rows], columns=cols)


class DuplicateDocument(ForewarnError):
    """A document with the same normalised text is already stored (``existing`` is its id)."""

    def __init__(self, existing: int) -> None:
        self.existing = int(existing)
        super().__init__(f"already stored as document {existing}")


_GRANULARITY = {4: "year", 7: "month", 10: "day"}


def _item_row(table: sa.Table, doc_id: int, item: Mapping[str, Any]) -> dict[str, Any]:
    row = {c.name: item.get(c.name) for c in table.c if c.name not in ("id", "document_id")}
    row["document_id"] = doc_id
    for key in ("value", "value_max"):
        if key in row and row[key] is not None:
            row[key] = float(row[key])
    for key in ("start", "end"):
        if row.get(key) is not None:
            row[key] = int(row[key])
    if "approx" in row and row["approx"] is not None:
        row["approx"] = bool(row["approx"])
    if table is S.events and not row.get("granularity") and row.get("date"):
        row["granularity"] = _GRANULARITY.get(len(str(row["date"])))
    return row


def _match(col, pattern: str):
    """Case-insensitive equality, or a LIKE pattern when the value holds ``*``."""
    p = pattern.lower()
    if "*" in p:
        esc = p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
        return func.lower(col).like(esc, escape="\\")
    return func.lower(col) == p
