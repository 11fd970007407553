"""Article ingestion: read inputs, recognise copies, extract evidence, store it.

:func:`ingest` takes files, folders, feeds and URLs (see :mod:`forewarn.monitor.sources`) and, for
every article in them:

1. normalises the text (Unicode NFKC, white space collapsed) and hashes it (SHA-256): an
   article whose normalised text is already stored is reported as a *duplicate* and not stored
   again;
2. compares its word 5-gram shingles with every stored article by MinHash (128 permutations):
   when the estimated Jaccard similarity is at least :data:`SAME_STORY_JACCARD` (0.5), or the
   estimated share of the shorter article's shingles found in the other is at least
   :data:`SAME_STORY_CONTAINMENT` (0.8, for a copy cut shorter or wrapped in another outlet's
   page), it joins that article's story (``story_id``); republications by other outlets are so
   stored once each but counted as one story;
3. runs the extractor (:func:`forewarn.monitor.extract.extract`) on the text;
4. stores the document and its quotes, force claims and events in one transaction (the store
   compares each force claim with the fact base as it stores it).

Control characters and terminal escape sequences are removed from every text before anything
else (:func:`forewarn.monitor.sources.clean_text`), so nothing stored can drive a terminal.

A bad input gives one message for that input and the batch goes on; nothing of that input is
stored. The returned :class:`IngestReport` lists what happened to each article.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from ..engine.seeds import splitmix64
from ..errors import ForewarnError, InputError
from .sources import MAX_BYTES, URL_TIMEOUT, RawDocument, clean_text, expand_inputs, read_input

__all__ = [
    "SAME_STORY_JACCARD",
    "SAME_STORY_CONTAINMENT",
    "NUM_PERM",
    "SHINGLE",
    "IngestResult",
    "IngestReport",
    "ingest",
    "ingest_documents",
    "normalize_text",
    "text_sha256",
    "minhash",
    "similarity",
    "extractor_available",
]

#: Estimated Jaccard similarity of shingle sets at or above which two articles are one story.
SAME_STORY_JACCARD = 0.5
#: Estimated containment (shared shingles / shingles of the shorter article) for one story.
SAME_STORY_CONTAINMENT = 0.8
#: Containment is only trusted when the shorter article has at least this many shingles.
MIN_SHINGLES_FOR_CONTAINMENT = 40
#: Number of MinHash permutations (signature length).
NUM_PERM = 128
#: Words per shingle.
SHINGLE = 5

# Fixed seeds: signatures must compare across processes and versions of the store.
_MASKS = np.random.default_rng(np.random.SeedSequence(20250311)).integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"\w+", re.UNICODE)
_WS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Text as compared for exact copies: NFKC, white space collapsed to single spaces, trimmed."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def text_sha256(text: str) -> str:
    """SHA-256 (hex) of the normalised text."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def _shingle_hashes(text: str) -> np.ndarray:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < SHINGLE:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    # crc32 is stable across processes (str hash is salted) and fast enough for articles.
    return np.unique(np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams)))


def minhash(text: str) -> np.ndarray:
    """MinHash signature of a text's word shingles.

    Returns
    -------
    ndarray of uint32, shape (NUM_PERM + 1,)
        Element 0 is the number of distinct shingles (for containment estimates), the rest the
        minimum of each of the NUM_PERM hash permutations.
    """
    h = _shingle_hashes(text)
    sig = np.empty(NUM_PERM + 1, dtype=np.uint32)
    sig[0] = min(len(h), 0xFFFFFFFF)
    if len(h) == 0:
        sig[1:] = 0xFFFFFFFF
        return sig
    # XOR with one random mask per permutation, then a bijective mix: NUM_PERM hash functions
    # that behave as independent random permutations.
    perm = splitmix64(h[None, :] ^ _MASKS[:, None])
    sig[1:] = (perm.min(axis=1) >> np.uint64(32)).astype(np.uint32)
    return sig


def similarity(sig: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Estimated Jaccard similarity and containment of one signature against many.

    Parameters
    ----------
    sig : ndarray, shape (NUM_PERM + 1,)
    others : ndarray, shape (n, NUM_PERM + 1)

    Returns
    -------
    jaccard, containment : ndarray, shape (n,)
        Containment is the estimated share of the shorter text's shingles present in the
        other (0 where the shorter text has fewer than MIN_SHINGLES_FOR_CONTAINMENT shingles).
    """
    others = np.atleast_2d(others)
    if others.shape[0] == 0:
        return np.zeros(0), np.zeros(0)
    j = (others[:, 1:] == sig[1:]).mean(axis=1)
    na = float(sig[0])
    nb = others[:, 0].astype(float)
    inter = j * (na + nb) / (1.0 + j)
    smaller = np.minimum(na, nb)
    with np.errstate(divide="ignore", invalid="ignore"):
        cont = np.where(smaller >= MIN_SHINGLES_FOR_CONTAINMENT, inter / np.maximum(smaller, 1.0), 0.0)
    return j, np.clip(cont, 0.0, 1.0)


@dataclass
class IngestResult:
    """What happened to one article (or to one input that could not be read).

    ``status`` is ``stored``, ``same story`` (stored, and joined to an earlier story),
    ``duplicate`` (already stored; nothing written) or ``error`` (nothing written).
    """

    origin: str
    status: str
    message: str = ""
    document_id: int | None = None
    story_id: int | None = None
    pub_date: str | None = None
    title: str | None = None
    quotes: int = 0
    force_claims: int = 0
    events: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """False only for errors."""
        return self.status != "error"


@dataclass
class IngestReport:
    """Per-article results of one :func:`ingest` call, in input order."""

    results: list[IngestResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every input was read (duplicates are fine)."""
        return all(r.ok for r in self.results)

    @property
    def errors(self) -> list[IngestResult]:
        return [r for r in self.results if not r.ok]

    def counts(self) -> dict[str, int]:
        """Number of results per status."""
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def to_frame(self) -> pd.DataFrame:
        """The results as a DataFrame (one row per article or failed input)."""
        cols = ["origin", "status", "message", "document_id", "story_id", "pub_date", "title", "quotes", "force_claims", "events", "notes"]
        return pd.DataFrame([{c: getattr(r, c) for c in cols} for r in self.results], columns=cols)

    def __iter__(self):
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


def extractor_available() -> bool:
    """True when :mod:`forewarn.monitor.extract` can be imported and has ``extract``."""
    return _extractor() is not None


def _extractor(gazetteer=None) -> Callable[..., Mapping[str, Any]] | None:
    try:
        from . import extract as mod
    except ImportError:
        return None
    fn = getattr(mod, "extract", None)
    if fn is None or gazetteer is None:
        return fn
    return functools.partial(fn, gazetteer=gazetteer)


class _Matcher:
    """Stored signatures, kept in memory for one batch and extended as documents are stored."""

    def __init__(self, store) -> None:
        ids, stories, blobs = store.signatures()
        keep = [k for k, b in enumerate(blobs) if len(b) == 4 * (NUM_PERM + 1)]  # other layouts: ignored
        self.ids = [ids[k] for k in keep]
        self.stories = [stories[k] for k in keep]
        self._sigs = np.zeros((max(16, 2 * len(keep)), NUM_PERM + 1), dtype=np.uint32)
        for row, k in enumerate(keep):
            self._sigs[row] = np.frombuffer(blobs[k], dtype=np.uint32)

    def match(self, sig: np.ndarray) -> tuple[int, int, float] | None:
        if not self.ids:
            return None
        j, c = similarity(sig, self._sigs[: len(self.ids)])
        hit = (j >= SAME_STORY_JACCARD) | (c >= SAME_STORY_CONTAINMENT)
        if not hit.any():
            return None
        score = np.where(hit, np.maximum(j, c), -1.0)
        k = int(np.argmax(score))
        return self.ids[k], self.stories[k], float(score[k])

    def add(self, doc_id: int, story_id: int, sig: np.ndarray) -> None:
        n = len(self.ids)
        if n == self._sigs.shape[0]:  # grow by doubling: amortised O(1) per document
            self._sigs = np.concatenate([self._sigs, np.zeros_like(self._sigs)])
        self._sigs[n] = sig
        self.ids.append(doc_id)
        self.stories.append(story_id)


def _check_items(raw: Any, text: str) -> dict[str, list[dict]]:
    if not isinstance(raw, Mapping):
        raise TypeError(f"extract() returned {type(raw).__name__}, not a dict")
    out: dict[str, list[dict]] = {}
    for key in ("quotes", "force_claims", "events"):
        items = raw.get(key) or []
        good = []
        for it in items:
            if not isinstance(it, Mapping):
                raise TypeError(f"extract() gave a {type(it).__name__} in {key}, not a dict")
            it = dict(it)
            s, e = it.get("start"), it.get("end")
            if s is not None and e is not None and not (0 <= int(s) <= int(e) <= len(text)):
                raise ValueError(f"{key} item with offsets {s}:{e} outside the text (length {len(text)})")
            good.append(it)
        out[key] = good
    return out


def ingest_documents(
    docs: Iterable[RawDocument],
    store,
    *,
    extract: bool = True,
    gazetteer=None,
    matcher: _Matcher | None = None,
    on_document: Callable[[IngestResult], None] | None = None,
) -> list[IngestResult]:
    """Store already-read documents (dedupe, same-story check, extraction, one transaction each).

    ``gazetteer`` (a :class:`forewarn.monitor.gazetteer.Gazetteer`) names the case's missions,
    forces, places and leaders for the extractor; ``on_document`` is called with each document's
    result as soon as it is known (progress).
    """
    matcher = matcher or _Matcher(store)
    fn = _extractor(gazetteer) if extract else None
    results = []
    for doc in docs:
        res = _ingest_one(doc, store, fn, extract, matcher)
        results.append(res)
        if on_document is not None:
            on_document(res)
    return results


def _ingest_one(doc: RawDocument, store, fn, extract: bool, matcher: _Matcher) -> IngestResult:
    from ..evidence.store import DuplicateDocument, outlet_of

    doc.text, doc.title, doc.outlet = clean_text(doc.text), clean_text(doc.title), clean_text(doc.outlet)
    res = IngestResult(origin=doc.origin, status="error", pub_date=doc.pub_date, title=doc.title, notes=list(doc.notes))
    sha = text_sha256(doc.text)
    existing = store.document_by_sha(sha)
    if existing is not None:
        res.status, res.document_id, res.message = "duplicate", existing, f"already stored as document {existing}"
        return res
    sig = minhash(doc.text)
    found = matcher.match(sig)
    items = None
    if fn is not None:
        try:
            items = _check_items(fn(doc.text, doc.pub_date, url=doc.url), doc.text)
        except Exception as exc:  # an extractor bug must not stop the batch nor half-store
            res.message = f"extraction failed ({type(exc).__name__}: {exc})"
            return res
    elif extract:
        res.notes.append("extractor not available: document stored without quotes, claims or events")
    row = {
        "url": doc.url,
        "path": doc.path,
        "title": doc.title,
        "outlet": doc.outlet or outlet_of(doc.url),
        "pub_date": doc.pub_date,
        "text": doc.text,
        "sha256": sha,
        "story_id": found[1] if found else None,
        "minhash": sig.tobytes(),
    }
    try:
        doc_id = store.add_document(row, items)
    except DuplicateDocument as dup:  # stored meanwhile by another process
        res.status, res.document_id, res.message = "duplicate", dup.existing, str(dup)
        return res
    except ForewarnError as exc:
        res.message = str(exc)
        return res
    story = found[1] if found else doc_id
    matcher.add(doc_id, story, sig)
    res.document_id, res.story_id = doc_id, story
    if items:
        res.quotes, res.force_claims, res.events = (len(items[k]) for k in ("quotes", "force_claims", "events"))
    if found:
        res.status = "same story"
        res.message = f"same story as document {found[0]} (similarity {found[2]:.2f})"
    else:
        res.status = "stored"
    return res


def ingest(
    inputs: Iterable[str | os.PathLike] | str | os.PathLike,
    store=None,
    *,
    extract: bool = True,
    gazetteer=None,
    max_bytes: int = MAX_BYTES,
    timeout: float = URL_TIMEOUT,
    on_input: Callable[[str, list[IngestResult]], None] | None = None,
    on_document: Callable[[IngestResult], None] | None = None,
) -> IngestReport:
    """Ingest files, folders, feeds and URLs into the evidence store.

    Parameters
    ----------
    inputs : path, URL, or iterable of them
        Text files (optionally headed by ``URL:``/``DATE:`` lines), HTML files, RSS/Atom feeds,
        folders (walked recursively) and http(s) URLs (fetched now).
    store : EvidenceStore, optional
        Default: :func:`forewarn.evidence.open_store` with its defaults.
    extract : bool
        Run the extractor and store its quotes, force claims and events.
    gazetteer : Gazetteer, optional
        The case's gazetteer (missions, forces, places, leaders) given to the extractor; without
        it only general rules apply (``forewarn ingest`` passes the built-in case's).
    max_bytes, timeout
        Size cap per input and network timeout (seconds).
    on_input : callable, optional
        Called after each input with its name and its results (for progress bars).
    on_document : callable, optional
        Called after each article (a feed holds many) with its result.

    Returns
    -------
    IngestReport

    Examples
    --------
    >>> from forewarn.evidence import open_store
    >>> report = ingest("tests/fixtures/articles/dev", open_store("sqlite://"))  # doctest: +SKIP
    >>> report.counts()  # doctest: +SKIP
    {'stored': 18}
    """
    if store is None:
        from ..evidence import open_store

        store = open_store()
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    items = expand_inputs(inputs)
    report = IngestReport()
    matcher = _Matcher(store)
    for item in items:
        try:
            docs = read_input(item, max_bytes=max_bytes, timeout=timeout)
        except InputError as exc:
            # The input is named in ``origin``; the message keeps the line and field.
            where = [p for p in (f"line {exc.line}" if exc.line else None, exc.field) if p]
            results = [IngestResult(origin=str(item), status="error", message=": ".join([*where, exc.message]))]
        else:
            results = ingest_documents(docs, store, extract=extract, gazetteer=gazetteer, matcher=matcher,
                                       on_document=on_document)
        report.results.extend(results)
        if on_input is not None:
            on_input(str(item), results)
    return report
