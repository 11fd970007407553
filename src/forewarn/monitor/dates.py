"""Date expressions in news text, resolved against the publication date.

:func:`find_dates` finds absolute dates (``June 25, 1999``, ``15th October``, ``in June 1999``,
``in 2008``) and relative ones (``on Thursday``, ``last month``, ``late last year``,
``tomorrow``) and resolves them to ISO strings at their granularity (``YYYY``, ``YYYY-MM``,
``YYYY-MM-DD``). Rules:

- a weekday is the last such day on or before the publication date (``said Friday`` in a Saturday
  paper is the day before; ``on Sunday`` in a Sunday paper is the same day), or the next one when
  the clause speaks of the future (``will``, ``next``);
- a month or day without a year takes the year that puts it closest to the publication date
  (``in April`` in an August paper is the same year; ``Aug 1`` in a 31 July paper is the next day);
- relative expressions need a publication date precise enough (a weekday needs the day); in an
  undated article they stay unresolved (``date`` is None), so no year is ever invented.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..dates import PartialDate

__all__ = ["DateMatch", "PubDate", "parse_pub_date", "find_dates", "resolve_weekday", "resolve_month"]

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_MON_ALT = r"January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
_MON = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
_WD = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_PREP_WORDS = (r"in|on|by|since|until|till|from|to|of|as\s+of|for|during|before|after|through|starting|early|late|mid|"
               r"the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of|last|next|this|"
               r"as\s+early\s+as|as\s+soon\s+as|no\s+later\s+than|around|at")
# the preposition(s) in front of a date expression, found by looking back from its start
_PREP_BACK = re.compile(r"(?i)(?:\b(?:" + _PREP_WORDS + r")\s+|\b(?:mid|early|late)-)+$")

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("mdy", re.compile(r"\b(?:" + _WD + r",?\s+)?" + _MON + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b")),
    ("dmy", re.compile(r"\b(?:" + _WD + r",?\s+)?" + _DAY + r"\s+(?:of\s+)?" + _MON + r",?\s+" + _YEAR + r"\b")),
    ("md", re.compile(r"\b(?:" + _WD + r",?\s+)?" + _MON + r"\s+" + _DAY + r"\b(?![,.]?\d|:)")),
    ("dm", re.compile(r"\b(?:" + _WD + r",?\s+)?" + _DAY + r"\s+(?:of\s+)?" + _MON + r"\b")),
    ("my", re.compile(r"\b" + _MON + r"\s+(?:of\s+)?" + _YEAR + r"\b")),
    ("rel", re.compile(r"\b(?P<rel>(?:last|next|this|past|previous|coming)\s+(?:year|month|week)|yesterday|tomorrow|today|tonight|this\s+(?:morning|afternoon|evening)|earlier\s+today|(?:earlier|later)\s+this\s+(?:year|month|week)|(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|\d+)\s+(?:years?|months?|weeks?|days?)\s+ago)\b", re.IGNORECASE)),
    ("endyear", re.compile(r"\bthe\s+(?P<edge>end|start|beginning|middle)\s+of\s+(?P<which>the|this|next|last)\s+year\b", re.IGNORECASE)),
    ("relmon", re.compile(r"\b(?P<rel>last|next|this)\s+" + _MON + r"\b")),
    ("anchor", re.compile(r"\b(?P<anchor>the\s+(?:next|following|previous)\s+day|the\s+day\s+(?:before|after)|"
                          r"(?:a|one|two|three|four|five|\d+)\s+days?\s+(?:later|earlier))\b", re.IGNORECASE)),
    ("yanchor", re.compile(r"\b(?P<yanchor>(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+years?\s+"
                           r"(?:later|earlier|afterwards)|a\s+decade\s+(?:later|earlier)|the\s+following\s+year)\b",
                           re.IGNORECASE)),
    ("wd", re.compile(r"\b" + _WD + r"\b(?!,?\s+(?:" + _MON_ALT + r"))")),
    ("m", re.compile(r"\b" + _MON + r"\b(?!\s+\d)")),
    ("y", re.compile(r"\b" + _YEAR + r"\b(?![,.]\d|-\w|%)")),
]


#: A publication date at the precision the page gives (day, month or year).
PubDate = PartialDate


@dataclass(frozen=True)
class DateMatch:
    """A date expression: ``text[start:end]`` (the expression without its preposition).

    ``date`` is the ISO string at ``granularity`` (year, month, day), or None when it cannot be
    resolved (a relative date in an undated article). ``prep`` is the preposition in front
    (``in``, ``on``, ``by``, ``since``, ``as of``...), lower-case.
    """

    start: int
    end: int
    date: str | None
    granularity: str
    relative: bool
    prep: str
    raw: str


def parse_pub_date(s: "str | dt.date | None") -> PubDate | None:
    """Parse ``YYYY-MM-DD`` (or an ISO time stamp), ``YYYY-MM``, ``YYYY`` or a :class:`datetime.date`.

    None, ``""`` and ``unknown`` give None; anything else raises ValueError.
    """
    if s is None:
        return None
    if isinstance(s, (dt.date, dt.datetime)):
        return PartialDate.from_date(s)
    s = str(s).strip()
    if not s or s.lower() in ("unknown", "none", "null", "n/a"):
        return None
    return PartialDate.parse(s, loose=True)


def resolve_weekday(weekday: int, pub: dt.date, future: bool = False) -> dt.date:
    """The last ``weekday`` (Monday = 0) on or before ``pub``, or the next on or after it if ``future``."""
    if future:
        return pub + dt.timedelta(days=(weekday - pub.weekday()) % 7)
    return pub - dt.timedelta(days=(pub.weekday() - weekday) % 7)


def resolve_month(month: int, pub: PubDate, day: int | None = None) -> int:
    """The year that puts ``month`` (and ``day``) closest to the publication date."""
    pm = pub.month or 7
    pday = pub.day or 15
    ref = pub.year * 372 + pm * 31 + pday
    best = min((pub.year - 1, pub.year, pub.year + 1), key=lambda y: abs(y * 372 + month * 31 + (day or 15) - ref))
    return best


def _iso(y: int, m: int | None = None, d: int | None = None) -> str:
    if d and m:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if m:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}"


def _month_num(s: str) -> int:
    return _MONTHS[s.lower().rstrip(".")]


def _future(context: str) -> bool:
    return bool(re.search(r"\b(?:will|would|shall|is\s+to|are\s+to|expected|scheduled|plans?|planned|next|upcoming|coming|due)\b", context, re.IGNORECASE))


def _valid_day(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class _Found:
    """One match of a date pattern, with what its resolver needs."""

    text: str
    m: re.Match
    start: int
    pub: PubDate | None
    prep: str

    @property
    def gd(self) -> dict:
        return self.m.groupdict()


# Each resolver returns (ISO date or None, granularity, relative), or None to drop the match.
_Resolved = "tuple[str | None, str, bool] | None"


def _full(f: _Found) -> _Resolved:
    y, mo, d = int(f.gd["year"]), _month_num(f.gd["month"]), int(f.gd["day"])
    return (_iso(y, mo, d), "day", False) if _valid_day(y, mo, d) else None


def _month_day(f: _Found) -> _Resolved:
    mo, d = _month_num(f.gd["month"]), int(f.gd["day"])
    if not 1 <= d <= 31:
        return None
    date = None
    if f.pub is not None:
        y = resolve_month(mo, f.pub, d)
        if _valid_day(y, mo, d):
            date = _iso(y, mo, d)
    return date, "day", True


def _month_year(f: _Found) -> _Resolved:
    return _iso(int(f.gd["year"]), _month_num(f.gd["month"])), "month", False


def _year(f: _Found) -> _Resolved:
    return f.gd["year"], "year", False


def _month(f: _Found) -> _Resolved:
    word = f.gd["month"]
    # "May" and "March" are also a verb and a noun: only after a preposition
    if not f.prep or word.endswith("."):
        return None
    mo, date = _month_num(word), None
    if f.pub is not None:
        y = resolve_month(mo, f.pub)
        # "another cut is due in October": a month in a future clause is the next one
        if _future(f.text[max(0, f.start - 40):f.start]) and f.pub.month and (y, mo) < (f.pub.year, f.pub.month):
            y += 1
        date = _iso(y, mo)
    return date, "month", True


def _edge_of_year(f: _Found) -> _Resolved:
    if f.pub is None:
        return None, "month", True
    shift = {"the": 0, "this": 0, "next": 1, "last": -1}[f.gd["which"].lower()]
    month = {"end": 12, "start": 1, "beginning": 1, "middle": 6}[f.gd["edge"].lower()]
    return _iso(f.pub.year + shift, month), "month", True


def _relative_month(f: _Found) -> _Resolved:
    mo = _month_num(f.gd["month"])
    if f.pub is None:
        return None, "month", True
    which, pm = f.gd["rel"].lower(), f.pub.month or 12
    if which == "last":
        y = f.pub.year if mo < pm else f.pub.year - 1
    elif which == "next":
        y = f.pub.year if mo > pm else f.pub.year + 1
    else:
        y = f.pub.year
    return _iso(y, mo), "month", True


def _weekday(f: _Found) -> _Resolved:
    date = None
    if f.pub is not None and f.pub.date is not None:
        before = f.text[max(0, f.start - 60):f.start]
        # "X will withdraw ..., the ministry said on Wednesday": the saying is past, whatever it says
        said = re.search(r"\b(?:said|announced|reported|confirmed|stated|declared|added|told\s+[\w ]{1,25}?)\s+(?:on\s+|late\s+|early\s+)?$", before)
        fut = "next" in f.prep or (_future(before) and not said)
        date = resolve_weekday(_WEEKDAYS[f.gd["weekday"].lower()], f.pub.date, future=fut).isoformat()
    return date, "day", True


_AGO_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
              "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}


def _count(word: str) -> int:
    """A small count written in words or digits ("a", "three", "12")."""
    return _AGO_WORDS.get(word) or int(word)


def _relative(f: _Found) -> _Resolved:
    text, pub, m = f.text, f.pub, f.m
    if re.search(r"\b(?:the|over|in|during)\s+$", text[max(0, f.start - 8):f.start]) and re.match(r"(?i)(?:past|previous|next|coming)\b", f.gd["rel"]) \
            and not re.match(r"\s*,?\s+(?:it|they|the\s+\w+)?\s*(?:was|were|had|stood|amounted|totall?ed)\b", text[m.end():m.end() + 30]):
        return None  # "the past year", "over the next year": durations; "the previous year it was": a date
    rel = " ".join(f.gd["rel"].lower().split())
    if rel in ("this morning", "this afternoon", "this evening", "earlier today"):
        rel = "today"
    if rel in ("today", "tonight", "yesterday", "tomorrow"):
        date = None
        if pub is not None and pub.date is not None:
            shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[rel]
            date = (pub.date + dt.timedelta(days=shift)).isoformat()
        return date, "day", True
    if rel.startswith(("earlier this", "later this")):
        # "earlier this month": this month, as a happening; "earlier this week": the month of the week
        if rel.endswith("week"):
            return (_iso(pub.year, pub.month), "month", True) if pub is not None and pub.month else (None, "month", True)
        rel = "this " + rel.split()[-1]
    if re.fullmatch(r"\S+\s+(?:days?|weeks?)\s+ago", rel):
        # "two days ago" is a day; "three weeks ago" the month of that day (a week is finer than the text says)
        k = _count(rel.split()[0])
        if pub is None or pub.date is None:
            return None, "day", True
        day = pub.date - dt.timedelta(days=k * (7 if "week" in rel else 1))
        return (day.isoformat(), "day", True) if "day" in rel else (_iso(day.year, day.month), "month", True)
    if rel.endswith("ago"):
        gran = "year" if "year" in rel else "month"
        n = rel.split()[0]
        k = _count(n)
        if pub is None or gran == "month" and not pub.month:
            return None, gran, True
        if gran == "year":
            return _iso(pub.year - k), gran, True
        tot = pub.year * 12 + pub.month - 1 - k
        return _iso(tot // 12, tot % 12 + 1), gran, True
    which, unit = rel.split()
    shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "this": 0}[which]
    date = None
    if pub is not None and unit == "year":
        date = _iso(pub.year + shift)
    elif pub is not None and unit == "month" and pub.month:
        tot = pub.year * 12 + pub.month - 1 + shift
        date = _iso(tot // 12, tot % 12 + 1)
    elif unit == "week" and which != "this":
        # "last week", "next week": the month of the day a week away (a week is finer than the text says)
        if pub is None or pub.date is None:
            return None, "month", True
        day = pub.date + dt.timedelta(days=7 * shift)
        return _iso(day.year, day.month), "month", True
    return date, unit, True


def _anchor(f: _Found) -> _Resolved:
    return None, "anchor", True  # resolved from the day named before (see _resolve_anchors)


def _year_anchor(f: _Found) -> _Resolved:
    return None, "yanchor", True  # resolved from the year named before (see _resolve_anchors)


_RESOLVERS = {"anchor": _anchor, "yanchor": _year_anchor, "mdy": _full, "dmy": _full, "md": _month_day,
              "dm": _month_day, "my": _month_year, "y": _year, "m": _month, "endyear": _edge_of_year,
              "relmon": _relative_month, "wd": _weekday, "rel": _relative}


def find_dates(text: str, pub: PubDate | str | None) -> list[DateMatch]:
    """Every date expression in ``text`` (offsets into ``text``), resolved against ``pub``.

    Examples
    --------
    >>> [d.date for d in find_dates("It said Friday that troops came in June 1999.", "2010-10-30")]
    ['2010-10-29', '1999-06']
    """
    if isinstance(pub, str) or pub is None:
        pub = parse_pub_date(pub)
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            core_start = m.start()
            pm = _PREP_BACK.search(text, max(0, core_start - 40), core_start)
            prep = " ".join(pm.group().split()).lower() if pm else ""
            if kind in ("rel", "relmon"):
                prep = re.sub(r"\s*\b(?:last|next|this)$", "", prep).strip()
            if any(a < m.end() and core_start < b for a, b in taken):
                continue
            got = _RESOLVERS[kind](_Found(text, m, core_start, pub, prep))
            if got is None:
                continue
            date, gran, relative = got
            raw = text[core_start:m.end()]
            found.append(DateMatch(core_start, m.end(), date, gran, relative, prep, raw))
            taken.append((core_start, m.end()))
    found.sort(key=lambda d: d.start)
    return _resolve_anchors(found)


def _resolve_anchors(found: list[DateMatch]) -> list[DateMatch]:
    """ "The next day", "two days later": days counted from the last day the text named before;
    "three years later", "the following year": years counted from the last year it named."""
    out: list[DateMatch] = []
    last_day: dt.date | None = None
    last_year: int | None = None
    for d in found:
        if d.granularity == "yanchor":
            d = _year_from(d, last_year)
        if d.date is not None:
            last_year = int(d.date[:4])
        if d.granularity == "anchor":
            words = d.raw.lower().split()
            if last_day is None:
                out.append(DateMatch(d.start, d.end, None, "day", True, d.prep, d.raw))
                continue
            k = 1 if words[0] == "the" else _count(words[0])
            back = words[-1] in ("earlier", "before") or "previous" in words
            day = last_day + dt.timedelta(days=-k if back else k)
            d = DateMatch(d.start, d.end, day.isoformat(), "day", True, d.prep, d.raw)
        if d.granularity == "day" and d.date is not None:
            last_day = dt.date.fromisoformat(d.date)
        out.append(d)
    return out


def _year_from(d: DateMatch, last_year: int | None) -> DateMatch:
    """A year counted from ``last_year`` ("three years later", "a decade earlier", "the following
    year"). "A year after the vote" counts from the vote, not from the last year named, so
    "after" with an object is not such an expression."""
    if last_year is None:
        return DateMatch(d.start, d.end, None, "year", True, d.prep, d.raw)
    words = d.raw.lower().split()
    if words[0] == "the":
        k = 1
    elif words[1] == "decade":
        k = 10
    else:
        k = _count(words[0])
    back = words[-1] == "earlier"
    return DateMatch(d.start, d.end, f"{last_year - k if back else last_year + k:04d}", "year", True, d.prep, d.raw)
