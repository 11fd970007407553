"""Dated events: things that happened or are scheduled, dated by the text.

Every date expression of a body sentence (:mod:`.dates`) that resolves is an event, except:
dates of page furniture (bylines, time stamps), dates in brackets (datelines), states and
durations (``since 1999``, ``as of 2022``, ``for 2026``, ``by September``, ``of 1999``),
``today``/``this year``/weeks, dates inside quotes, year adjectives that do not name an event
(``a 2022 budget``), and the date a force figure is given at (``In January 2022, KFOR was made
up of ...``). Relative dates in an undated article do not resolve, so they give no event. An
article's events are one per date (the first sentence that gives it). ``what`` is the clause
around the date.
"""

from __future__ import annotations

import re

from .dates import DateMatch, PubDate, find_dates
from .quotes import find_quote_spans
from .text import Sentence

__all__ = ["extract_events"]

# states and durations: "since 1999", "by September", "until the end of 2029", "of 1999"; but
# "at the end of October" is when something happened
_SKIP_PREP = re.compile(r"\b(?:since|as\s+of|by|until|till|from|through)\b|(?<!end\s)(?<!beginning\s)(?<!start\s)(?<!middle\s)\bof$")
_EVENT_NOUN = re.compile(r"^\s*(?:independence|elections?|war|attack|summit|agreement|deal|referendum|declaration|invasion|bombing|crisis|clashes|uprising|offensive|intervention)\b", re.IGNORECASE)


def _what(text: str, sent: Sentence, start: int, end: int) -> str:
    """The sentence of the date without its dateline; a long one is cut to the clauses around the date."""
    s = text[sent.start:sent.end]
    lead = re.match(r"^[A-Z][A-Z ,.()/-]{2,}(?:\([^)]*\))?\s*[—–-]{1,2}\s*", s)  # "PRISTINA (AP) --"
    off = sent.start + (lead.end() if lead else 0)
    s = text[off:sent.end]
    if len(s) > 160:
        cuts = [0] + [m.end() for m in re.finditer(r"[,;:]\s|\s[—–]\s", s)] + [len(s)]
        rel = start - off
        a = max(c for c in cuts if c <= max(rel, 0))
        b = min(c for c in cuts if c > rel)
        # widen to about 120 characters around the date
        while b - a < 120 and (a > 0 or b < len(s)):
            lower = [c for c in cuts if c < a]
            upper = [c for c in cuts if c > b]
            if lower and (not upper or a - lower[-1] <= upper[0] - b):
                a = lower[-1]
            elif upper:
                b = upper[0]
            else:
                break
        s = s[a:b].strip(" ,;:—–")
    s = re.sub(r"^[^()]{0,40}\)\s*", "", s)  # the tail of a bracket opened before the cut
    return " ".join(s.split())


def _figure_year(text: str, d: DateMatch, figures: list[dict]) -> bool:
    """True when the year ``d`` is next to a figure of a plan or a budget in its clause ("spending of
    €1.4 billion in 2023", "raise the contingent to 450 next year", "the budget in 2019 is €58
    million"): the figure's date, not an event; a size, a cut, an addition or a purchase ("sent
    250 soldiers in 2011") stays one."""
    for c in figures:
        if c.get("as_of") != d.date:
            continue
        gap = text[c["end"]:d.start] if c["end"] <= d.start else text[d.end:c["start"]]
        if len(gap) <= 40 and not re.search(r"[.;,:()]|\b(?:and|but|when|after|before|while)\b", gap):
            return True
    return False


def extract_events(text: str, sentences: list[Sentence], pub: PubDate | None, *, claims: list[dict] | None = None,
                   quotes: list[dict] | None = None, dates: list[DateMatch] | None = None) -> list[dict]:
    """Dated events of ``text``: dicts with date, what, granularity, start, end, sentence."""
    out: list[dict] = []
    seen: set[str] = set()
    claim_sents = {c["sentence"]: c for c in (claims or []) if c["kind"] == "strength"}
    figures = [c for c in (claims or []) if c["kind"] in ("budget", "planned")]
    # dates inside any quotation marks (attributed or not) belong to what someone said
    qspans = [(q.start, q.end) for q in find_quote_spans(text)]
    for d in (find_dates(text, pub) if dates is None else dates):
        if d.date is None or d.granularity == "week":
            continue
        sent = next((s for s in sentences if s.start <= d.start < s.end), None)
        if sent is None or sent.furniture:
            continue
        raw = d.raw.lower()
        if raw in ("today", "tonight") or raw.startswith("this ") and not re.match(
                r"this\s+(?:morning|afternoon|evening|january|february|march|april|may|june|july|august|september|october|november|december)\b", raw):
            continue  # "this year": a state; "this March", "this afternoon": when something happens
        if _SKIP_PREP.search(d.prep) or any(a <= d.start < b for a, b in qspans):
            continue
        if re.search(r"\bfor$", d.prep) and d.granularity == "year" and (not d.relative or re.search(
                r"\b(?:budget|spending|expenditure|allocat\w+|planned|earmarked)\w*\s+(?:\w+\s+)?for\s+$", text[max(0, d.start - 40):d.start], re.IGNORECASE)):
            continue  # "spending for 2026", "the budget for next year": a budget year, not a happening
        before = text[sent.start:d.start]
        if before.count("(") > before.count(")"):
            continue  # inside brackets: a dateline or an aside
        if re.fullmatch(r"[A-Z][A-Z .'’-]{2,},?\s*(?:\w+\s*)?", before) and re.match(r"\s*(?:\(|[—–-]{1,2})", text[d.end:d.end + 4]):
            continue  # the dateline "PRISTINA, Nov. 28 (Xinhua) --"
        if d.granularity == "year" and not d.prep and not d.relative:
            # a bare year: an event only when it qualifies an event noun ("its 2008 independence")
            if not _EVENT_NOUN.match(text[d.end:d.end + 20]):
                continue
        if re.match(r"\s*(?:budget|spending|level|figures?)\b", text[d.end:d.end + 12], re.IGNORECASE):
            continue
        c = claim_sents.get(text[sent.start:sent.end])
        if c is not None and c.get("as_of") == d.date and not d.relative:
            continue  # the date a figure is given at, not a happening
        if d.granularity == "year" and _figure_year(text, d, figures):
            continue  # "€1.4 billion in 2023", "to 450 next year": the year of a size or a budget
        if d.date in seen:
            continue
        seen.add(d.date)
        out.append({
            "date": d.date, "what": _what(text, sent, d.start, d.end), "granularity": d.granularity,
            "start": d.start, "end": d.end, "sentence": text[sent.start:sent.end],
        })
    return out
