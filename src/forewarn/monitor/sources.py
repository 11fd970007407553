"""Reading articles: plain text, HTML pages, RSS/Atom feeds, folders and URLs.

Each input becomes one or more :class:`RawDocument` (a feed gives one per entry). Anything wrong
with one input (missing, binary, too large, undecodable, malformed, empty) raises
:class:`~forewarn.errors.InputError` naming it; the ingest pipeline records that message and
goes on with the next input.

Limits: an input may hold at most :data:`MAX_BYTES` (5 MB) and a feed at most
:data:`MAX_FEED_ENTRIES` (1,000) entries; a URL is fetched only when a user gives one, over http
or https, with a timeout (:data:`URL_TIMEOUT`). Only http(s) links are kept as an article's
address: a ``URL:`` header with another scheme (``javascript:``) is refused.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

from ..errors import InputError

__all__ = [
    "MAX_BYTES",
    "MAX_FEED_ENTRIES",
    "clean_text",
    "check_size",
    "URL_TIMEOUT",
    "SUFFIXES",
    "RawDocument",
    "expand_inputs",
    "is_url",
    "read_input",
    "read_text_article",
    "read_html",
    "read_feed",
    "fetch_url",
    "decode_bytes",
    "normalize_date",
]

#: The largest input read (file or download), in bytes.
MAX_BYTES = 5 * 1024 * 1024
#: The most entries a feed may have; a larger one is refused before it is parsed (at about 20
#: articles a second, 1,000 entries take under a minute).
MAX_FEED_ENTRIES = 1000
#: Seconds to wait for a web server.
URL_TIMEOUT = 20.0
#: File suffixes picked up when a folder is given (a file named explicitly is read whatever its name).
SUFFIXES = (".txt", ".html", ".htm", ".xml", ".rss", ".atom")

_HEADER = re.compile(r"^(URL|DATE|TITLE|OUTLET|SOURCE):[ \t]*(.*?)\s*$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"\x7fELF", b"BZh", b"\xfd7zXZ")
_FEED_SNIFF = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_SNIFF = re.compile(rb"<(!doctype html|html|head|body|article|p|div)[\s>]", re.IGNORECASE)
_FEED_ENTRY = re.compile(rb"<(item|entry)[\s>/]", re.IGNORECASE)
# Terminal escape sequences (CSI, OSC, other ESC sequences), C0/C1 controls but tab and newline,
# and the bidirectional overrides that make text display differently from what it is.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|\x9b[0-?]*[ -/]*[@-~]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNKNOWN_DATES = {"", "unknown", "n/a", "none", "null", "-"}
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
# The languages of the region's and the wires' press; trying all of dateparser's locales on a
# string that is no date takes seconds.
_DATE_LANGUAGES = ("en", "de", "fr", "it", "es", "sr", "sq", "hr", "bs", "sl", "mk", "bg", "tr", "pl", "hu", "ro", "ru", "uk", "el", "cs", "nl")
# Absolute dates only: "2 days ago" on an archived page would resolve against today.
_DATEPARSER_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
}


@dataclass
class RawDocument:
    """An article read from an input, before extraction and storage.

    ``origin`` names where it came from in messages: a path, a URL, or ``feed.xml [entry 3]``.
    ``notes`` holds warnings that did not stop reading it (an encoding fallback, a date that
    could not be understood).
    """

    text: str
    origin: str
    url: str | None = None
    path: str | None = None
    title: str | None = None
    outlet: str | None = None
    pub_date: str | None = None
    notes: list[str] = field(default_factory=list)


def clean_text(text: str | None) -> str | None:
    """Text without terminal escape sequences and control characters (tab and newline kept).

    Carriage returns become newlines. Applied to everything read from articles before it is
    stored or printed, so an article cannot move the cursor, recolour or retitle a terminal.

    >>> clean_text("KFOR\\x1b[31m said\\x07\\r\\nok")
    'KFOR said\\nok'
    """
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def check_size(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a file over ``max_bytes`` (the limit every article reader applies).

    Raises
    ------
    InputError
        Naming the file, its size and the limit.
    """
    try:
        size = Path(path).stat().st_size
    except OSError:
        return  # missing or unreadable: the reader reports it
    if size > max_bytes:
        raise InputError(f"too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB)", source=path)


def _web_link(link: str | None) -> str | None:
    from ..evidence.facts import check_link

    if not link:
        return None
    try:
        return check_link(link)
    except ValueError:
        return None


def is_url(item: str | os.PathLike) -> bool:
    """True for ``http://`` and ``https://`` addresses."""
    return isinstance(item, str) and re.match(r"^https?://", item, re.IGNORECASE) is not None


def expand_inputs(inputs: Iterable[str | os.PathLike]) -> list[str]:
    """Turn the paths and URLs a user gave into a list of files and URLs to read.

    Folders are walked recursively (sorted, hidden files skipped) for files ending in one of
    :data:`SUFFIXES`. Files named explicitly and URLs are kept as given, missing paths too, so
    that reading them reports the problem for that input.
    """
    out: list[str] = []
    for item in inputs:
        text = os.fspath(item)
        if is_url(text):
            out.append(text)
            continue
        p = Path(text)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            out.extend(str(f) for f in found)
        else:
            out.append(text)
    return list(dict.fromkeys(out))


def read_input(item: str | os.PathLike, *, max_bytes: int = MAX_BYTES, timeout: float = URL_TIMEOUT) -> list[RawDocument]:
    """Read one file or URL into documents (a feed gives one per entry).

    Raises
    ------
    InputError
        With the file or URL as ``source``, for anything that stops it being read.
    """
    text = os.fspath(item)
    if is_url(text):
        _check_address(text)
        data, final_url, charset, ctype = fetch_url(text, max_bytes=max_bytes, timeout=timeout)
        return _parse_bytes(data, origin=text, url=final_url, path=None, suffix="", charset=charset, ctype=ctype)
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        raise InputError("only http:// and https:// addresses can be fetched", source=text)
    path = Path(text)
    if not path.exists():
        raise InputError("no such file or folder", source=text)
    if path.is_dir():
        raise InputError("is a folder (give it to ingest, which walks folders)", source=text)
    check_size(path, max_bytes=max_bytes)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", source=text) from None
    return _parse_bytes(data, origin=text, url=None, path=str(path), suffix=path.suffix.lower(), charset=None, ctype="")


def _check_address(url: str) -> None:
    """Refuse a malformed web address (``http://[::1``) with a message, before fetching."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise InputError(f"not a valid web address ({exc})", source=url) from None
    if not host:
        raise InputError("not a valid web address (no host name)", source=url)


def _parse_bytes(
    data: bytes, *, origin: str, url: str | None, path: str | None, suffix: str, charset: str | None, ctype: str
) -> list[RawDocument]:
    if not data.strip():
        raise InputError("empty file: no article text", source=origin)
    if _looks_binary(data):
        raise InputError("binary file: not text, HTML or a feed", source=origin)
    head = data[:4096].lstrip()
    kind = _kind(suffix, ctype, head)
    if kind == "feed":
        return read_feed(data, origin=origin, url=url, path=path)
    text, notes = decode_bytes(data, origin=origin, declared=charset or _declared_charset(head))
    if kind == "html":
        doc = read_html(text, origin=origin, url=url, path=path)
    else:
        doc = read_text_article(text, origin=origin, url=url, path=path)
    doc.notes[:0] = notes
    return [doc]


def _kind(suffix: str, ctype: str, head: bytes) -> str:
    ctype = ctype.lower()
    if suffix in (".rss", ".atom") or "rss" in ctype or "atom" in ctype:
        return "feed"
    if suffix in (".html", ".htm") or "html" in ctype:
        return "html"
    if suffix == ".txt" or ctype.startswith("text/plain"):
        return "text"
    # .xml, unknown suffixes and URLs without a telling content type: look at the bytes.
    if _FEED_SNIFF.search(head):
        return "feed"
    if _HTML_SNIFF.search(head) and head.startswith(b"<"):
        return "html"
    if suffix == ".xml" or "xml" in ctype:
        return "feed"  # an XML file that is not a feed gets the feed parser's message
    return "text"


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_BINARY_MAGIC):
        return True
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs but is text
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([c])) for c in range(1, 32) if c not in (9, 10, 12, 13))
    return controls > 0.05 * len(sample)


def _declared_charset(head: bytes) -> str | None:
    m = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", head, re.IGNORECASE)
    if m is None:
        m = re.search(rb"""<\?xml[^>]+encoding=["']([A-Za-z0-9_.:-]+)""", head, re.IGNORECASE)
    return m.group(1).decode("ascii") if m else None


def decode_bytes(data: bytes, *, origin: str, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode text: UTF-8 (with or without BOM) first, then the declared charset, then a guess.

    Returns
    -------
    text, notes : tuple
        ``notes`` says which encoding was used when it was not UTF-8.

    Raises
    ------
    InputError
        When no encoding fits.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if declared and declared.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            return data.decode(declared), [f"decoded as {declared} (declared by the document)"]
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(data).best()
    except Exception:  # the guesser is optional; fall through to the error below
        best = None
    if best is not None and best.encoding and best.chaos < 0.3:
        line = data[:first_bad].count(b"\n") + 1
        return str(best), [f"not valid UTF-8 (first bad byte on line {line}); decoded as {best.encoding}"]
    line = data[:first_bad].count(b"\n") + 1
    raise InputError(f"not UTF-8 and no other text encoding fits (first bad byte on line {line})", source=origin)


def normalize_date(text: str | None) -> str | None:
    """An ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) from a date as pages write it.

    ISO forms (and ISO timestamps) are kept at their granularity; anything else goes through
    ``dateparser`` (``"11 March 2025"``, ``"Tue, 11 Mar 2025 08:00:00 GMT"``, ``"07/16/2023"``).

    Raises
    ------
    ValueError
        When the text is not a date; ``"unknown"`` and blanks give None.

    Examples
    --------
    >>> normalize_date("2025-03")
    '2025-03'
    >>> normalize_date("Sunday, July 16, 2023")
    '2023-07-16'
    """
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.date().isoformat()
    if isinstance(text, date):
        return text.isoformat()
    t = str(text).strip()
    if t.lower() in _UNKNOWN_DATES:
        return None
    m = _ISO.match(t)
    if m:
        y, mo, d = m.groups()
        try:
            if d:
                return date(int(y), int(mo), int(d)).isoformat()
            if mo:
                date(int(y), int(mo), 1)
                return f"{y}-{int(mo):02d}"
            return y
        except ValueError:
            raise ValueError(f"{t!r} is not a valid date") from None
    # Without a year, dateparser fills in the current one: a wrong date is worse than none.
    if not _YEAR.search(t):
        raise ValueError(f"{t!r} is not a date with a year")
    import dateparser

    parsed = dateparser.parse(t, languages=list(_DATE_LANGUAGES), settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        raise ValueError(f"{t!r} is not a date forewarn understands")
    return parsed.date().isoformat()


def _date_or_note(raw: str | None, notes: list[str], what: str = "date") -> str | None:
    try:
        return normalize_date(raw)
    except ValueError as exc:
        notes.append(f"{what} ignored: {exc}")
        return None


def read_text_article(text: str, *, origin: str, url: str | None = None, path: str | None = None) -> RawDocument:
    """A plain-text article, optionally headed by ``URL:``, ``DATE:``, ``TITLE:``, ``OUTLET:`` lines.

    The header ends at the first blank line or at the first line that is not a header; the
    rest is the article. ``DATE: unknown`` leaves the date empty.

    Raises
    ------
    InputError
        When nothing but headers (or white space) is left.
    """
    lines = text.splitlines(keepends=True)
    header: dict[str, str] = {}
    i = 0
    while i < len(lines):
        m = _HEADER.match(lines[i].rstrip("\r\n"))
        if not m:
            break
        header[m.group(1).upper()] = m.group(2)
        if m.group(1).upper() == "URL" and m.group(2):
            _check_header_url(m.group(2), origin=origin, line=i + 1)
        i += 1
    if header and i < len(lines) and not lines[i].strip():
        i += 1
    body = "".join(lines[i:]).strip()
    if not body:
        raise InputError("empty article: no text after the header lines" if header else "empty file: no article text", source=origin)
    notes: list[str] = []
    return RawDocument(
        text=body,
        origin=origin,
        url=header.get("URL") or url,
        path=path,
        title=header.get("TITLE") or None,
        outlet=header.get("OUTLET") or header.get("SOURCE") or None,
        pub_date=_date_or_note(header.get("DATE"), notes, "DATE header"),
        notes=notes,
    )


def _check_header_url(url: str, *, origin: str, line: int) -> None:
    from ..evidence.facts import check_link

    try:
        check_link(url)
    except ValueError as exc:
        raise InputError(f"{exc}: only http and https links are kept", source=origin, line=line, field="URL") from None


def read_html(html: str, *, origin: str, url: str | None = None, path: str | None = None) -> RawDocument:
    """An HTML page: main text and metadata (title, date, URL, site name) by trafilatura.

    Raises
    ------
    InputError
        When the HTML cannot be parsed or holds no article text.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, include_tables=False)
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise InputError(f"malformed HTML ({type(exc).__name__}: {exc})", source=origin) from None
    if doc is None:
        raise InputError("malformed or empty HTML: no article text found", source=origin)
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (data.get("text") or "").strip()
    if not text:
        raise InputError("no article text found in the HTML", source=origin)
    notes: list[str] = []
    page_url = data.get("url") or url
    return RawDocument(
        text=text,
        origin=origin,
        url=_web_link(page_url) or _web_link(url),
        path=path,
        title=data.get("title") or None,
        outlet=data.get("sitename") or None,
        pub_date=_date_or_note(data.get("date"), notes),
        notes=notes,
    )


def _fragment_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed entry's content), paragraphs on their own lines."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html

    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except Exception:
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
        el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n\s*\n\s*", "\n\n", text).strip()


def read_feed(data: bytes, *, origin: str, url: str | None = None, path: str | None = None) -> list[RawDocument]:
    """An RSS or Atom feed: one document per entry (its content, else its summary).

    Entries without text are skipped with a note on the next entry; a feed without any usable
    entry is an error.

    Raises
    ------
    InputError
        When the feed is malformed or has no entries with text.
    """
    import feedparser

    n_entries = len(_FEED_ENTRY.findall(data))
    if n_entries > MAX_FEED_ENTRIES:
        raise InputError(
            f"feed has {n_entries:,} entries; the limit is {MAX_FEED_ENTRIES:,} (split it, or ingest its articles as files)",
            source=origin,
        )
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        why = parsed.get("bozo_exception")
        detail = f" ({type(why).__name__}: {why})" if why else ""
        raise InputError(f"malformed or empty feed: no entries{detail}", source=origin)
    outlet = (parsed.get("feed") or {}).get("title") or None
    docs: list[RawDocument] = []
    skipped = 0
    for n, entry in enumerate(entries, start=1):
        content = entry.get("content") or []
        raw = content[0].get("value") if content else None
        raw = raw or entry.get("summary") or entry.get("description") or ""
        text = unicodedata.normalize("NFC", _fragment_text(raw))
        if not text:
            skipped += 1
            continue
        notes: list[str] = []
        if parsed.get("bozo"):
            notes.append(f"feed not well-formed ({parsed.get('bozo_exception')}); read leniently")
        when = None
        for key in ("published_parsed", "updated_parsed", "created_parsed"):
            st = entry.get(key)
            if st:
                when = date(st.tm_year, st.tm_mon, st.tm_mday).isoformat()
                break
        if when is None:
            when = _date_or_note(entry.get("published") or entry.get("updated"), notes)
        link = entry.get("link")
        title = entry.get("title") or None
        if title and not text.startswith(title):
            text = f"{title}\n\n{text}"
        docs.append(
            RawDocument(
                text=text,
                origin=f"{origin} [entry {n}]",
                url=_web_link(link),
                path=path,
                title=title,
                outlet=outlet,
                pub_date=when,
                notes=notes,
            )
        )
    if not docs:
        raise InputError(f"feed has {len(entries)} entries but none with text", source=origin)
    if skipped:
        docs[0].notes.append(f"{skipped} feed entries without text skipped")
    return docs


def fetch_url(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = URL_TIMEOUT) -> tuple[bytes, str, str | None, str]:
    """Download a page (http/https only) with a timeout and a size cap.

    Returns
    -------
    data, final_url, charset, content_type : tuple

    Raises
    ------
    InputError
        For a refused scheme, a network or HTTP error, a timeout, or a page over ``max_bytes``.
    """
    import socket
    import urllib.error
    import urllib.request

    if not is_url(url):
        raise InputError("only http:// and https:// addresses can be fetched", source=url)
    from .. import __version__

    class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
        # urllib follows redirects to ftp:// too; a page may only lead to another web page.
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            if not is_url(newurl):
                raise InputError(f"redirected to a refused address {newurl}", source=url)
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    req = urllib.request.Request(url, headers={"User-Agent": f"forewarn/{__version__} (+news monitor)", "Accept": "*/*"})
    try:
        with opener.open(req, timeout=timeout) as resp:
            final = resp.geturl() or url
            if not is_url(final):
                raise InputError(f"redirected to a refused address {final}", source=url)
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(f"too large ({int(length) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB)", source=url)
            data = resp.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise InputError(f"too large (over {max_bytes / 1e6:.0f} MB)", source=url)
            charset = resp.headers.get_content_charset()
            ctype = resp.headers.get_content_type() or ""
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        raise InputError(f"HTTP error {exc.code} {exc.reason}", source=url) from None
    except urllib.error.URLError as exc:
        raise InputError(f"cannot fetch ({exc.reason})", source=url) from None
    except (socket.timeout, TimeoutError):
        raise InputError(f"no answer within {timeout:g} s", source=url) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot fetch ({exc})", source=url) from None
    return data, final, charset, ctype

