"""Text helpers for extraction: paragraphs, sentences with offsets, folding of diacritics.

Sentences are found by rules (no model): a full stop, question or exclamation mark (and any
closing quotation mark after it) ends a sentence when the next word starts with a capital, a
digit or an opening quotation mark, unless the word before the stop is a known abbreviation
("Gen.", "U.S.", "Nov.") or an initial. A line break always ends a sentence. Lines that do not
end like a sentence (headlines, menus, captions, bylines) are marked as ``furniture``, except the
last one of a text, which is usually cut mid-sentence by the collector.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Sentence", "split_sentences", "fold", "normalise_space", "sentence_at", "ABBREVIATIONS"]

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "capt", "cpt", "maj", "sgt", "adm", "brig",
    "rep", "sen", "gov", "st", "mt", "ft", "no", "nos", "vs", "etc", "inc", "co", "corp", "ltd", "jr",
    "sr", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s",
    "u.k", "u.n", "e.u", "d.c", "a.m", "p.m", "approx", "cmdr", "cdr", "pvt", "spc", "cpl", "fig",
}

_END = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s+[\"“„'‘«(\[]?[A-Z0-9À-Ž])|[.!?…]+[\"”’'»)\]]*\s*$")
_GLUED = re.compile(r"(?<=[a-z]{2})[.!?](?=[\"“]?[A-Z][a-z])")
_STAMP = re.compile(r"\s\|\s|^(?:Source|Photo|Photos|Text|Posted|Updated|Published|Read more|Related)\b:?", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:…][\"”’'»)\]]*\s*$")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a text: ``text[start:end]``, its paragraph index and whether it is page furniture."""

    start: int
    end: int
    text: str
    para: int
    furniture: bool = False


@lru_cache(maxsize=8192)
def fold(s: str) -> str:
    """Lower-case ``s`` and strip diacritics (``Vučić`` -> ``vucic``)."""
    if s.isascii():
        return s.lower()
    nfkd = unicodedata.normalize("NFKD", s)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).replace("ı", "i").lower()


def normalise_space(s: str) -> str:
    """Collapse runs of whitespace to one space and strip."""
    return " ".join(s.split())


def _is_abbrev(para: str, stop: int) -> bool:
    """True when the full stop at ``stop`` ends an abbreviation or an initial, not a sentence."""
    if para[stop] != ".":
        return False
    m = re.search(r"([A-Za-z.]+)$", para[:stop])
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isupper():  # an initial: "Frank J. Grass"
        return True
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):  # U.S, U.N
        return True
    return word.lower().strip(".") in ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with character offsets into ``text``.

    Examples
    --------
    >>> [s.text for s in split_sentences("Gen. Smith said so. It rained.\\nNew line")]
    ['Gen. Smith said so.', 'It rained.', 'New line']
    """
    out: list[Sentence] = []
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    content = [(off, ln) for off, ln in lines if ln.strip()]
    for pi, (off, line) in enumerate(content):
        last = pi == len(content) - 1
        cuts: set[int] = set()
        for m in _END.finditer(line):
            first_stop = m.start()
            if _is_abbrev(line, first_stop) and m.end() < len(line.rstrip()):
                continue
            cuts.add(m.end())
        for m in _GLUED.finditer(line):
            cuts.add(m.end())
        bounds = sorted(c for c in cuts if 0 < c < len(line))
        pieces = []
        prev = 0
        for c in bounds + [len(line)]:
            pieces.append((prev, c))
            prev = c
        # a line of prose that lost its final stop is still prose: furniture lines are short
        furniture = not last and not _TERMINAL.search(line) and len(line.split()) < 20
        for a, b in pieces:
            seg = line[a:b]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg.rstrip())
            if trail <= lead:
                continue
            s, e = off + a + lead, off + a + trail
            # bylines and time stamps inside a long line ("Source: Tanjug | 21:15 Tweet Share")
            stamp = bool(_STAMP.search(text[s:e]))
            out.append(Sentence(s, e, text[s:e], pi, furniture or stamp))
    return out


def sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    """The sentence holding character ``pos`` (or the nearest one before it)."""
    best = None
    for s in sentences:
        if s.start <= pos:
            best = s
            if pos < s.end:
                return s
        else:
            break
    return best
