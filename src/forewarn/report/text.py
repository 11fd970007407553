"""Plain-text helpers for briefs: whole sentences, readable numbers.

Text is shortened only at sentence ends, never inside a word or a sentence: a brief shows the first
sentences that fit and keeps the whole text for the HTML page.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "shorten_at_sentence", "pct", "num", "humanise"]

# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {"c", "ca", "e.g", "i.e", "etc", "vs", "cf", "no", "nos", "approx", "est", "fig", "mr", "mrs", "ms",
           "dr", "gen", "lt", "col", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
           "oct", "nov", "dec", "u.s", "u.k", "km", "bn", "m"}
_END = re.compile(r"[.!?]['\")\]]*(?=\s+(?:[\"'(\[]?[A-Z0-9]))")


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences at ``.``, ``!`` or ``?`` followed by a capital or a digit.

    A full stop after a known abbreviation ("c.", "e.g.", "Feb.") or a single letter does not end a
    sentence.

    Examples
    --------
    >>> split_sentences("About 1,240 c. 2022 (F0478). Net of departures, 400 is assumed.")
    ['About 1,240 c. 2022 (F0478).', 'Net of departures, 400 is assumed.']
    """
    text = " ".join((text or "").split())
    out, start = [], 0
    for m in _END.finditer(text):
        word = re.search(r"([A-Za-z.]+)\.?['\")\]]*$", text[start : m.end()])
        token = word.group(1).rstrip(".").lower() if word else ""
        if text[m.start()] == "." and (token in _ABBREV or len(token) == 1):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def shorten_at_sentence(text: str, limit: int = 220) -> str:
    """The leading whole sentences of ``text`` that fit in ``limit`` characters (at least one).

    Examples
    --------
    >>> shorten_at_sentence("First one. Second one is longer.", 15)
    'First one.'
    """
    sentences = split_sentences(text)
    if not sentences:
        return ""
    kept = [sentences[0]]
    for s in sentences[1:]:
        if len(" ".join([*kept, s])) > limit:
            break
        kept.append(s)
    return " ".join(kept)


def pct(x: float) -> str:
    """A share as a whole percentage ("42%"); a dash for a missing value."""
    if x is None or x != x:
        return "–"
    return f"{100 * x:.0f}%"


def num(x: float) -> str:
    """A number with thousands separators and no decimals; a dash for a missing value."""
    if x is None or x != x:
        return "–"
    return f"{x:,.0f}"


def humanise(name: str) -> str:
    """``"threat_base"`` -> ``"threat base"``."""
    return str(name).replace("_", " ")
