"""Numbers in news text: digits with separators, numbers in words, money, percents, approximations.

:func:`find_numbers` returns every number expression of a text with its offsets, its value, the
currency and multiplier of money, a percent flag and the approximation marker in front of it.
Money values are given in millions (``€2.7 billion`` -> 2700, currency ``EUR``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NumberMatch", "find_numbers", "parse_number", "words_to_number"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SPECIAL = {"dozen": 12, "half": 0.5, "a dozen": 12, "a half": 0.5, "a hundred": 100, "a thousand": 1000}

_WORD = r"(?:" + "|".join(sorted(list(_UNITS) + list(_TENS) + ["hundred", "thousand", "million", "billion", "dozen", "half"], key=len, reverse=True)) + r")"
_WORD_NUM = re.compile(
    r"(?<![\w-])(?:(?:a|an)\s+(?=(?:dozen|half|hundred|thousand)\b))?" + _WORD
    + r"(?:(?:\s+and\s+|[\s-]+)" + _WORD + r")*(?![\w-])",
    re.IGNORECASE,
)
# ISO codes of currencies defence figures are given in (the region, its neighbours and partners);
# "ALL" (the lek) and "TRY" (the lira) are left out: they are also words of headlines in capitals
_ISO = r"EUR|USD|CHF|GBP|RSD|HUF|PLN|MKD|BAM|CZK|RON|BGN|RUB|UAH|SEK|NOK|DKK"
_CUR_BEFORE = r"(?P<cur>[$€£]\s?|US\$|(?:" + _ISO + r")\s?)"
# a decimal comma before a multiplier ("1,2 billion euros") is a decimal point
_DIGITS = r"(?P<num>\d{1,3},\d{1,2}(?=\s*(?:thousand|million|billion|bn|mn)\b)|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.]\d)|\d+(?:\.\d+)?)"
_MULT = r"(?:\s*(?P<mult>thousand|million|billion|trillion|bn|mn|m)\b)?"
_CUR_WORDS = r"euros?|dollars?|(?:swiss\s+)?francs?|pounds?|dinars?|forints?|zlot(?:y|ys|ies)|leks?|lek[eë]|denars?|lir(?:a|as)|roubles?|rubles?"
_CUR_AFTER = r"(?:\s*(?P<cur2>(?i:" + _CUR_WORDS + r")|" + _ISO + r")\b)?"
_PCT = r"(?:\s*(?P<pct>%|percent\b|per\s+cent\b|pct\b))?"
# a currency sign may stick to the word before it ("the€800 billion", a lost space in a page)
_NUM = re.compile(r"(?:(?<![\w.,/$€£-])|(?<=[A-Za-z])(?=[$€£]))" + _CUR_BEFORE + r"?" + _DIGITS + _MULT + _CUR_AFTER + _PCT)
_APPROX = re.compile(
    r"(?:\b(?:about|around|roughly|some|nearly|approximately|almost|over|more\s+than|close\s+to|at\s+least|"
    r"upwards\s+of|an\s+estimated|estimated|just\s+over|just\s+under|fewer\s+than|less\s+than|under|topped|"
    r"exceeding|exceeded|in\s+excess\s+of|up\s+to|approx\.?|~)\s+(?:only\s+)?)$",
    re.IGNORECASE,
)
_CURRENCY = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "euro": "EUR", "euros": "EUR", "dollar": "USD",
             "dollars": "USD", "franc": "CHF", "francs": "CHF", "swiss franc": "CHF", "swiss francs": "CHF",
             "pound": "GBP", "pounds": "GBP", "dinar": "RSD", "dinars": "RSD", "forint": "HUF", "forints": "HUF",
             "zloty": "PLN", "zlotys": "PLN", "zlotych": "PLN", "zloties": "PLN", "lek": "ALL", "leks": "ALL",
             "leke": "ALL", "lekë": "ALL", "denar": "MKD", "denars": "MKD", "lira": "TRY", "liras": "TRY",
             "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB"}
_CURRENCY.update({c.lower(): c for c in _ISO.split("|")})
def _currency(raw: str) -> str | None:
    """ISO code of a currency sign, code or word ("dinars" -> RSD); None when it names none."""
    key = " ".join(raw.split()).lower()
    return _CURRENCY.get(key)


_MULT_MILLIONS = {"thousand": 1e-3, "million": 1.0, "mn": 1.0, "m": 1.0, "billion": 1e3, "bn": 1e3, "trillion": 1e6}


@dataclass(frozen=True)
class NumberMatch:
    """A number expression: ``text[start:end]``; money ``value`` is in millions of ``currency``."""

    start: int
    end: int
    value: float
    approx: bool = False
    approx_word: str | None = None
    currency: str | None = None
    percent: bool = False
    words: bool = False
    multiplier: str | None = None
    raw: str = ""


def words_to_number(s: str) -> float | None:
    """Convert a number written in words (``"twenty-eight"``, ``"four thousand"``, ``"a dozen"``)."""
    t = re.sub(r"[\s-]+", " ", s.lower()).strip()
    if t in _SPECIAL:
        return float(_SPECIAL[t])
    total, current, seen = 0, 0, False
    for w in t.split():
        if w in ("and", "a", "an"):
            continue
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in ("thousand", "million", "billion"):
            total += max(current, 1) * _SCALES[w]
            current = 0
        elif w == "dozen":
            current = max(current, 1) * 12
        elif w == "half":
            current += 0.5
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def parse_number(s: str) -> float | None:
    """Parse a number written in digits (``"5,000"``, ``"4.6 thousand"``) or words; None if not one."""
    t = s.strip()
    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(thousand|million|billion)?", t, re.IGNORECASE)
    if m:
        v = float(m.group(1).replace(",", ""))
        if m.group(2):
            v *= _SCALES[m.group(2).lower()]
        return v
    return words_to_number(t)


def _approx(text: str, start: int) -> tuple[int, str | None]:
    """Start of an approximation marker right before ``start`` and the marker, if any."""
    window = text[max(0, start - 40):start]
    m = _APPROX.search(window)
    if not m:
        return start, None
    word = " ".join(m.group(0).split()).lower()
    return start - len(m.group(0)), word


_RANGE_END = re.compile(r"-(\d{1,3}(?:,\d{3})+|\d+)(?![\w\-/]|[.,]\d)")


def _hyphen_range(text: str, m: re.Match) -> tuple[int, int, float] | None:
    """The upper end of ``A-B`` written with a hyphen ("200-300", "3,500-4,000"): its offsets and
    value, when B is a plain count above A (not a date "2024-03-10", a label "F-16" or a score)."""
    if m.group("cur") or m.group("cur2") or m.group("mult") or m.group("pct"):
        return None
    r = _RANGE_END.match(text, m.end())
    if r is None:
        return None
    lo, hi = float(re.sub(r"[,\s\u00a0\u202f]", "", m.group("num"))), float(r.group(1).replace(",", ""))
    if hi <= lo or (1900 <= lo <= 2100 and "," not in m.group("num")):
        return None  # "2022-2023" is a span of years (see dates)
    return r.start(1), r.end(1), hi


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number expression in ``text``, in order of appearance.

    Examples
    --------
    >>> [(n.value, n.currency) for n in find_numbers("a €2.7 billion deal for 12 jets")]
    [(2700.0, 'EUR'), (12.0, None)]
    """
    out: list[NumberMatch] = []
    taken: list[tuple[int, int]] = []
    for m in _NUM.finditer(text):
        after = text[m.end():m.end() + 2]
        upper = _hyphen_range(text, m)
        if re.match(r"-(?:strong|member|man|soldier|troop)\b", text[m.end():m.end() + 9]):
            pass  # "a 5,000-strong force": a size, kept
        elif upper is not None:
            pass  # "3,500-4,000 soldiers": a range; its upper end is added below
        elif re.match(r"[.,]\d|[-/]\d|-[A-Za-z]|st\b|nd\b|rd\b|th\b", after) or re.match(r"(?:st|nd|rd|th)\b", text[m.end("num"):m.end("num") + 2]):
            continue
        num = m.group("num")
        if re.fullmatch(r"\d{1,3},\d{1,2}", num):
            num = num.replace(",", ".")
        v = float(re.sub(r"[,\s\u00a0\u202f]", "", num))
        currency = _currency(m.group("cur") or m.group("cur2") or "")
        mult = (m.group("mult") or "").lower() or None
        if mult in ("m",) and not currency:
            mult = None  # "5 m" is a distance, not a multiplier
        end = m.end()
        if mult is None and m.group("mult"):
            end = m.end("num")
        if currency:
            v = v * _MULT_MILLIONS.get(mult, 1e-6) if mult else v * 1e-6
        elif mult:
            v = v * _SCALES.get(mult, 1)
        if m.group("pct") and not currency:
            end = m.end("pct")
        raw_end = end
        # trim trailing spaces caught by the optional groups
        while raw_end > m.start() and text[raw_end - 1].isspace():
            raw_end -= 1
        ap_start, ap_word = _approx(text, m.start())
        out.append(NumberMatch(m.start(), raw_end, round(v, 6), ap_word is not None and ap_word != "up to",
                               ap_word, currency, bool(m.group("pct")) and not currency, False, mult,
                               text[m.start():raw_end]))
        taken.append((m.start(), raw_end))
        if upper is not None:
            us, ue, uv = upper
            out.append(NumberMatch(us, ue, uv, False, None, None, False, False, None, text[us:ue]))
            taken.append((us, ue))
    for m in _WORD_NUM.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        v = words_to_number(m.group())
        if v is None:
            continue
        if m.group().lower() in ("hundred", "thousand", "million", "billion") and re.search(
                r"(?i)\b(?:several|few|many|tens|hundreds|thousands|of)\s+$", text[max(0, m.start() - 12):m.start()]):
            continue  # "several thousand", "tens of thousands": no figure
        pct = re.match(r"\s*(?:percent\b|per\s+cent\b|%)", text[m.end():])
        cur = re.match(r"\s*(" + _CUR_WORDS + r")\b", text[m.end():], re.IGNORECASE)
        end = m.end() + (pct.end() if pct else cur.end() if cur else 0)
        currency = _currency(cur.group(1)) if cur else None
        if currency:
            v = v * 1e-6  # "one billion euros": money in millions
        ap_start, ap_word = _approx(text, m.start())
        out.append(NumberMatch(m.start(), end, round(v, 6), ap_word is not None and ap_word != "up to", ap_word, currency,
                               bool(pct), True, None, text[m.start():end]))
    out.sort(key=lambda n: n.start)
    return out
