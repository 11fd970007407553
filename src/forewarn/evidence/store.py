"""The evidence store: open it, write facts and documents, query them as pandas DataFrames.

SQLite is the default (a file in the user's data folder); any SQLAlchemy URL works, and the
schema is tested on PostgreSQL (``postgresql+psycopg://user@host/db``). Every write is one
transaction: a fact file is loaded whole or not at all, and a document is stored together with
everything extracted from it or not at all.
"""

from __future__ import annotations

import getpass
import os
import re
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
from .facts import FactRow, check_link, default_facts_path, read_facts_csv

__all__ = [
    "EvidenceStore",
    "DuplicateDocument",
    "open_store",
    "resolve_url",
    "ensure_defaults",
    "outlet_of",
    "utcnow",
    "parse_item_ref",
    "item_ref",
    "current_user",
]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_IN_CHUNK = 500  # keeps IN (...) lists well under every backend's parameter limit
#: Prefixes of item ids as users see them: ``C12`` is force claim 12, ``Q3`` quote 3, ``E7`` event 7,
#: ``I5`` statement of intent 5.
ITEM_PREFIX = {"claim": "C", "quote": "Q", "event": "E", "intent": "I"}
_REF = re.compile(r"^\s*([CQEI])\s*(\d{1,12})\s*$", re.IGNORECASE)
_ID_FORMS = "C12 for a force claim, Q3 for a quote, E7 for an event, I5 for a statement of intent"


def parse_item_ref(ref: str) -> tuple[str, int]:
    """``"C12"`` → ``("claim", 12)``; ``Q`` is a quote, ``E`` an event, ``I`` a statement of intent.

    Raises
    ------
    InputError
        For anything else (the message shows the accepted forms).
    """
    m = _REF.match(str(ref))
    if not m:
        raise InputError(f"{ref!r} is not an evidence id ({_ID_FORMS})", field="ID")
    kind = {v: k for k, v in ITEM_PREFIX.items()}[m.group(1).upper()]
    return kind, int(m.group(2))


def item_ref(kind: str, item_id: int) -> str:
    """The id users see for an item: ``item_ref("claim", 12) == "C12"``."""
    return f"{ITEM_PREFIX[kind]}{int(item_id)}"


def current_user() -> str:
    """The operating-system user name, as recorded for a review when none is given."""
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError, ImportError):  # no passwd entry (containers) or no login name
        return "unknown"


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
        Load the shipped fact base on first use (:func:`ensure_defaults`).

    Returns
    -------
    EvidenceStore

    Raises
    ------
    InputError
        When the database cannot be opened: a file that is not SQLite, a folder, a server that
        does not answer. The message names the file or URL.
    ForewarnError
        When the store was written by a newer forewarn.

    Notes
    -----
    A store written by an older forewarn (0.1 onwards) is upgraded in place by the Alembic
    migrations shipped in the package (:mod:`forewarn.evidence.migrate`); nothing is extracted
    or fetched when a store is opened.
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
    except ForewarnError:
        engine.dispose()
        raise
    if defaults:
        ensure_defaults(store)
    return store


def _short(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


def ensure_defaults(store: "EvidenceStore") -> None:
    """Load the shipped fact base once per store (documents come only from what users ingest)."""
    store.ensure_default_facts()


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
        self._facts_cache: Any = None  # a corroborate.FactIndex while the facts do not change

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
        from .migrate import upgrade

        try:
            upgrade(self.engine, where=self.where)
        except IntegrityError:  # another process created the same new store meanwhile (PostgreSQL)
            upgrade(self.engine, where=self.where)

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
        self.check_claims()
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
        self._facts_cache = None

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
            self.check_claims()
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
            ``quotes``, ``force_claims``, ``events`` and ``intents``: lists of dicts with the
            columns of those tables (other keys are ignored).

        Returns
        -------
        int
            The new document's id.

        Raises
        ------
        DuplicateDocument
            When a document with the same ``sha256`` is already stored (nothing is written).
        """
        if doc.get("url"):
            try:
                check_link(doc["url"])
            except ValueError as exc:
                raise InputError(str(exc), source=doc.get("path") or self.where, field="url") from None
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

    def _insert_items(self, conn: Connection, doc_id: int, items: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        for key, table in (("quotes", S.quotes), ("force_claims", S.force_claims), ("events", S.events), ("intents", S.intents)):
            rows = [_item_row(table, doc_id, it) for it in items.get(key) or ()]
            if rows:
                conn.execute(table.insert(), rows)
        if items.get("force_claims"):
            c, d = S.force_claims, S.documents
            stmt = select(*c.c, d.c.pub_date).select_from(c.join(d, c.c.document_id == d.c.id)).where(c.c.document_id == doc_id)
            result = conn.execute(stmt)
            claims = pd.DataFrame([tuple(r) for r in result.all()], columns=list(result.keys()))
            self._write_checks(conn, claims)

    def delete_document(self, doc_id: int) -> None:
        """Delete a document and what was extracted from it."""
        with self.engine.begin() as conn:
            for t in (S.quotes, S.force_claims, S.events, S.intents):
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

    def _items(self, table: sa.Table, include_rejected: bool):
        """Every column of an extracted-item table beside its document's, rejected items left out
        unless ``include_rejected``."""
        d = S.documents
        stmt = select(*table.c, *self._doc_cols()).select_from(table.join(d, table.c.document_id == d.c.id))
        return stmt if include_rejected else stmt.where(_not_rejected(table))

    def quotes(
        self,
        speaker: str | None = None,
        since: str | None = None,
        document_id: int | None = None,
        text: str | None = None,
        *,
        include_rejected: bool = False,
    ) -> pd.DataFrame:
        """Stored quotes with their document's date and address.

        ``speaker`` and ``text`` match case-insensitively anywhere; ``since`` compares with the
        document's publication date. Quotes a user rejected are left out unless
        ``include_rejected`` (their ``review_status`` is ``rejected``).
        """
        q, d = S.quotes, S.documents
        stmt = self._items(q, include_rejected)
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
        include_rejected: bool = False,
        check: str | Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """Stored force claims with their document's date and address and their check.

        ``actor`` and ``place`` (the mission or location) match case-insensitively anywhere;
        ``since`` compares with the claim's ``as_of``, or the publication date when it has none.
        Claims a user rejected are left out unless ``include_rejected``. ``check`` keeps the
        claims whose comparison with the fact base (column ``check``: ``corroborates``,
        ``conflicts`` or ``new``; :mod:`forewarn.evidence.corroborate`) is one of those given;
        ``fact_ids`` and ``fact_value`` name the facts compared and the nearest value.
        """
        c, d, k = S.force_claims, S.documents, S.claim_checks
        stmt = select(
            *[col for col in c.c], *self._doc_cols(),
            k.c.status.label("check"), k.c.fact_ids, k.c.fact_value,
        ).select_from(c.join(d, c.c.document_id == d.c.id).outerjoin(k, k.c.claim_id == c.c.id))
        if not include_rejected:
            stmt = stmt.where(_not_rejected(c))
        if check is not None:
            wanted = [check] if isinstance(check, str) else list(check)
            stmt = stmt.where(k.c.status.in_(wanted))
        if actor:
            stmt = stmt.where(func.lower(c.c.actor).contains(actor.lower(), autoescape=True))
        if place:
            stmt = stmt.where(func.lower(c.c.mission_or_location).contains(place.lower(), autoescape=True))
        if since:
            stmt = stmt.where(func.coalesce(c.c.as_of, d.c.pub_date) >= str(since))
        if document_id is not None:
            stmt = stmt.where(c.c.document_id == document_id)
        return self._frame(stmt.order_by(c.c.document_id, c.c.start, c.c.id))

    def events(
        self, since: str | None = None, *, document_id: int | None = None, what: str | None = None, include_rejected: bool = False
    ) -> pd.DataFrame:
        """Stored dated events with their document's date and address, by event date.

        Events a user rejected are left out unless ``include_rejected``.
        """
        e = S.events
        stmt = self._items(e, include_rejected)
        if since:
            stmt = stmt.where(e.c.date >= str(since))
        if what:
            stmt = stmt.where(func.lower(e.c.what).contains(what.lower(), autoescape=True))
        if document_id is not None:
            stmt = stmt.where(e.c.document_id == document_id)
        return self._frame(stmt.order_by(e.c.date, e.c.document_id, e.c.start))

    def intents(
        self, actor: str | None = None, *, document_id: int | None = None, level: str | None = None, include_rejected: bool = False
    ) -> pd.DataFrame:
        """Stored statements of intent with their document's date and address, in text order.

        ``actor`` matches case-insensitively anywhere; ``level`` is ``intent``, ``decision`` or
        ``under_way``. Statements a user rejected are left out unless ``include_rejected``.
        Documents stored before statements were stored (see :meth:`documents_without_intents`)
        have none here.
        """
        i = S.intents
        stmt = self._items(i, include_rejected)
        if actor:
            stmt = stmt.where(func.lower(i.c.actor).contains(actor.lower(), autoescape=True))
        if level:
            stmt = stmt.where(i.c.level == level)
        if document_id is not None:
            stmt = stmt.where(i.c.document_id == document_id)
        return self._frame(stmt.order_by(i.c.document_id, i.c.start, i.c.id))

    def documents_without_intents(self) -> list[int]:
        """Ids of documents stored before statements of intent were stored (schema version 3 or
        older), whose statements have not been filled in since (:meth:`fill_intents`)."""
        upto = self.get_meta("intents_upto")
        if upto is None:
            return []
        d = S.documents
        with self.engine.connect() as conn:
            return [int(r[0]) for r in conn.execute(select(d.c.id).where(d.c.id <= int(upto)).order_by(d.c.id))]

    def fill_intents(self, intents: Mapping[int, Sequence[Mapping[str, Any]]]) -> int:
        """Store the statements of intent of the documents :meth:`documents_without_intents`
        lists, all in one transaction, and mark them done; return the number stored.

        Parameters
        ----------
        intents : mapping
            Document id → its statements (dicts with the columns of ``intents``); every listed
            document must be given (an empty list when it has none).

        Raises
        ------
        InputError
            When a listed document is missing from ``intents`` (nothing is written).
        """
        pending = self.documents_without_intents()
        missing = [i for i in pending if i not in intents]
        if missing:
            raise InputError(f"statements of intent missing for documents {missing[:5]}", source=self.where)
        rows = [_item_row(S.intents, doc_id, it) for doc_id in pending for it in intents[doc_id]]
        with self.engine.begin() as conn:
            if rows:
                conn.execute(S.intents.insert(), rows)
            conn.execute(S.meta.delete().where(S.meta.c.key == "intents_upto"))
        return len(rows)

    def counts(self) -> dict[str, int]:
        """Number of rows in each table."""
        out = {}
        with self.engine.connect() as conn:
            for t in (S.sources, S.facts, S.documents, S.quotes, S.force_claims, S.events, S.intents, S.reviews, S.claim_checks):
                out[t.name] = int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
        return out

    # -- corroboration ------------------------------------------------------------------------

    def _write_checks(self, conn: Connection, claims: pd.DataFrame) -> None:
        from .corroborate import FactIndex, write_checks

        if self._facts_cache is None:  # facts change only through this store's own loads
            self._facts_cache = FactIndex(conn)
        write_checks(conn, claims, self._facts_cache, utcnow())

    def check_claims(self) -> dict[str, int]:
        """Compare every stored force claim with the fact base again (after facts change).

        Returns
        -------
        dict
            Number of claims per outcome (``corroborates``, ``conflicts``, ``new``).
        """
        from .corroborate import recheck_all

        self._facts_cache = None
        with self.engine.begin() as conn:
            return recheck_all(conn, utcnow())

    def claim_changes(self, since: str | None = None, *, by: str = "published") -> pd.DataFrame:
        """New and conflicting force claims (not rejected), for a "what changed" summary.

        Parameters
        ----------
        since : str, optional
            ISO date or timestamp; only claims from documents published (``by="published"``) or
            ingested (``by="ingested"``) on or after it.
        by : {"published", "ingested"}

        Returns
        -------
        DataFrame
            As :meth:`force_claims`, conflicts first, then by publication date.
        """
        if by not in ("published", "ingested"):
            raise InputError(f"unknown value {by!r} (published or ingested)", field="by")
        df = self.force_claims(check=("new", "conflicts"))
        if since and not df.empty:
            if by == "published":
                df = df[df["pub_date"].notna() & (df["pub_date"].astype(str) >= str(since))]
            else:
                docs = self.documents()[["id", "ingested_at"]].rename(columns={"id": "document_id"})
                df = df.merge(docs, on="document_id", how="left")
                df = df[df["ingested_at"].astype(str) >= str(since)].drop(columns=["ingested_at"])
        order = df["check"].map({"conflicts": 0, "new": 1})
        return df.assign(_o=order).sort_values(["_o", "pub_date", "id"], kind="stable", na_position="last").drop(columns="_o").reset_index(drop=True)

    # -- reviews -----------------------------------------------------------------------------

    def review(self, ref: str, status: str, *, reason: str | None = None, who: str | None = None) -> dict[str, Any]:
        """Reject or accept an extracted item; the decision is logged with who, when and why.

        Parameters
        ----------
        ref : str
            The item's id as listed: ``C12`` (force claim), ``Q3`` (quote), ``E7`` (event),
            ``I5`` (statement of intent).
        status : {"rejected", "accepted"}
        reason : str, optional
            Why (required to reject).
        who : str, optional
            Default: the operating-system user (:func:`current_user`).

        Returns
        -------
        dict
            The new row of the review log.

        Raises
        ------
        InputError
            For an unknown id, status, or a rejection without a reason.
        """
        if status not in ("rejected", "accepted"):
            raise InputError(f"unknown review status {status!r} (rejected or accepted)", field="status")
        if status == "rejected" and not (reason or "").strip():
            raise InputError("a rejection needs a reason", field="--reason")
        kind, item_id = parse_item_ref(ref)
        return self._set_review(kind, item_id, status, reason=reason, who=who, undoes=None)

    def undo_review(self, ref: str, *, who: str | None = None, reason: str | None = None) -> dict[str, Any]:
        """Undo the latest review of an item: its status goes back to what it was before.

        The undo is itself a new row of the log (``undoes`` names the row it reverts).

        Raises
        ------
        InputError
            When the item has no review left to undo.
        """
        kind, item_id = parse_item_ref(ref)
        r = S.reviews
        with self.engine.connect() as conn:
            rows = conn.execute(select(r).where(r.c.item == kind, r.c.item_id == item_id).order_by(r.c.id)).mappings().all()
        undone = {row["undoes"] for row in rows if row["undoes"] is not None}
        live = [row for row in rows if row["undoes"] is None and row["id"] not in undone]
        if not live:
            raise InputError(f"{item_ref(kind, item_id)} has no review to undo", field="ID")
        last = live[-1]
        return self._set_review(kind, item_id, last["previous"], reason=reason or f"undo of review {last['id']}", who=who, undoes=int(last["id"]))

    def _set_review(self, kind: str, item_id: int, status: str | None, *, reason: str | None, who: str | None, undoes: int | None) -> dict[str, Any]:
        table = S.ITEM_TABLES[kind]
        with self.engine.begin() as conn:
            previous = conn.execute(select(table.c.review_status).where(table.c.id == item_id)).first()
            if previous is None:
                raise InputError(f"no {kind} {item_ref(kind, item_id)} in the evidence store", source=self.where, field="ID")
            row = {"item": kind, "item_id": item_id, "status": status or "none", "previous": previous[0], "reason": (reason or "").strip() or None,
                   "who": (who or "").strip() or current_user(), "at": utcnow(), "undoes": undoes}
            row["id"] = int(conn.execute(S.reviews.insert().values(**row)).inserted_primary_key[0])
            conn.execute(table.update().where(table.c.id == item_id).values(review_status=status))
        row["ref"] = item_ref(kind, item_id)
        return row

    def reviews(self, ref: str | None = None) -> pd.DataFrame:
        """The review log (oldest first), of one item or of all; ``ref`` column gives the item id."""
        r = S.reviews
        stmt = select(r).order_by(r.c.id)
        if ref is not None:
            kind, item_id = parse_item_ref(ref)
            stmt = stmt.where(r.c.item == kind, r.c.item_id == item_id)
        df = self._frame(stmt)
        df.insert(1, "ref", [item_ref(k, i) for k, i in zip(df["item"], df["item_id"])] if not df.empty else [])
        return df

    def set_aside(self) -> dict[str, int]:
        """How many items users rejected (left out of queries and signposts), per kind and in all."""
        out = {}
        with self.engine.connect() as conn:
            for kind, table in S.ITEM_TABLES.items():
                out[kind] = int(conn.execute(select(func.count()).select_from(table).where(table.c.review_status == "rejected")).scalar() or 0)
        out["total"] = sum(out.values())
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
    for key in ("approx", "whole"):
        if key in row and row[key] is not None:
            row[key] = bool(row[key])
    if row.get("size") is not None:
        row["size"] = float(row["size"])
    if table is S.events and not row.get("granularity") and row.get("date"):
        row["granularity"] = _GRANULARITY.get(len(str(row["date"])))
    return row


def _not_rejected(table: sa.Table):
    return sa.or_(table.c.review_status.is_(None), table.c.review_status != "rejected")


def _match(col, pattern: str):
    """Case-insensitive equality, or a LIKE pattern when the value holds ``*``."""
    p = pattern.lower()
    if "*" in p:
        esc = p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
        return func.lower(col).like(esc, escape="\\")
    return func.lower(col) == p
