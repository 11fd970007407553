"""Extract quotes, numeric force claims and dated events from a news article.

>>> from forewarn.monitor.extract import extract
>>> out = extract('About 600 U.S. troops serve in KFOR, "a vital mission," said Gen. Jane Doe.', "2025-03-10")
>>> [(c["value"], c["unit"], c["actor"]) for c in out["force_claims"]]
[(600, 'troops', 'United States')]
>>> out["quotes"][0]["speaker"]
'Jane Doe'

Everything is rules and gazetteers (no model, no network): see ``docs/monitor.md`` for the rules
and their limits. :func:`extract` returns three lists of dicts with the field names of the
annotation format (``tests/fixtures/articles/dev/README.md``) plus provenance: ``start``/``end``
character offsets into ``text`` (of the quote's words, the number expression, the date expression)
and the ``sentence``; events also carry their ``granularity`` (year, month, day).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from .claims import extract_claims
from .dates import find_dates, parse_pub_date
from .events import extract_events
from .gazetteer import WORLD, Gazetteer
from .intents import extract_intents
from .names import NameIndex
from .quotes import extract_quotes
from .text import split_sentences

__all__ = ["extract", "read_article", "QUOTE_FIELDS", "CLAIM_FIELDS", "EVENT_FIELDS"]

QUOTE_FIELDS = ("speaker", "role", "text", "kind")
CLAIM_FIELDS = ("actor", "mission_or_location", "value", "value_max", "unit", "as_of", "approx", "kind", "sentence")
EVENT_FIELDS = ("date", "what")


def extract(text: str, pub_date: str | None = None, *, url: str | None = None, gazetteer: Gazetteer | None = None) -> dict:
    """Find quotes, force claims and dated events in an article.

    Parameters
    ----------
    text : str
        The article body (offsets in the result point into it).
    pub_date : str or None
        Publication date, ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; None (or ``"unknown"``) when
        unknown, in which case relative dates stay unresolved and present-tense figures get
        ``as_of`` None.
    url : str or None
        The page's address (kept for the caller's provenance; extraction does not use it).
    gazetteer : Gazetteer, optional
        The missions, forces, places and leaders the rules know (a case's gazetteer, e.g.
        :func:`forewarn.kosovo.gazetteer.kosovo_gazetteer`); default the general
        :data:`~forewarn.monitor.gazetteer.WORLD`.

    Returns
    -------
    dict
        ``{"quotes": [...], "force_claims": [...], "events": [...], "intents": [...]}``; intents
        are statements of intent, decision or execution (:mod:`~forewarn.monitor.intents`).

    Raises
    ------
    InputError
        When ``text`` is not a string or ``pub_date`` is not a date.
    """
    if not isinstance(text, str):
        raise InputError(f"article text must be a string, not {type(text).__name__}", field="text")
    try:
        pub = parse_pub_date(pub_date)
    except ValueError as exc:
        raise InputError(str(exc), field="pub_date") from None
    gz = WORLD if gazetteer is None else gazetteer
    sentences = split_sentences(text)
    names = NameIndex(text, gz)
    quotes = extract_quotes(text, sentences, names)
    dates = find_dates(text, pub)
    claims = extract_claims(text, sentences, pub, dates=dates, gazetteer=gz)
    events = extract_events(text, sentences, pub, claims=claims, quotes=quotes, dates=dates)
    intents = extract_intents(text, sentences, pub, dates=dates, gazetteer=gz)
    return {"quotes": quotes, "force_claims": claims, "events": events, "intents": [i.as_dict() for i in intents]}


def read_article(path: str | Path) -> tuple[str, str | None, str | None]:
    """Read an article file: optional ``URL:`` and ``DATE:`` header lines, then the body.

    Returns ``(body, pub_date, url)``; ``DATE: unknown`` gives None. Offsets of :func:`extract`
    on the returned body are relative to the body. A file without header lines is all body.

    Raises
    ------
    InputError
        When the file is missing, not UTF-8 text (binary) or empty.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", source=p)
    if p.is_dir():
        raise InputError("is a folder, not an article file", source=p)
    raw = p.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputError("binary file, not article text", source=p)
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", source=p) from None
    url: str | None = None
    date: str | None = None
    lines = content.split("\n")
    i = 0
    while i < len(lines) and i < 4:
        m = re.match(r"^(URL|DATE):\s*(.*?)\s*$", lines[i])
        if not m:
            break
        if m.group(1) == "URL":
            url = m.group(2) or None
        else:
            val = m.group(2)
            date = None if val.lower() in ("", "unknown", "none", "null") else val
            try:
                parse_pub_date(date)
            except ValueError:
                raise InputError(f"bad DATE {val!r} (want YYYY-MM-DD, YYYY-MM, YYYY or unknown)", source=p, line=i + 1, field="DATE") from None
        i += 1
    if i and i < len(lines) and not lines[i].strip():
        i += 1
    body = "\n".join(lines[i:]) if i else content
    if not body.strip():
        raise InputError("empty article", source=p)
    return body, date, url
