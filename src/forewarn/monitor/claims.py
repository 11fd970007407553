"""Numeric force claims: the size, planned size, change, cost or equipment of armed forces.

For each number of a sentence (:mod:`.numbers`) the rules decide, in order:

1. **unit**: money (``million EUR``...), a percent (of GDP, of the defence budget, an increase,
   an annual cut), or a counted noun right after the number (``830 U.S. troops``, ``nine
   contingents``, ``12 fighter jets``); a bare number (``reaching around 4,600``) takes the unit
   of its range partner, of the number it is a part of (``9,500 of the 34,500 troops``) or of the
   nearest force noun before it (``the number of troops ... below 76,000``). Numbers that count
   anything else (people, patrols, days, years, pages) are not claims, nor troops in a sentence
   about casualties, nor an audience (``a meeting with 200 soldiers``), nor a bracketed currency
   conversion or a difference (``$8 billion more than``).
2. **kind**: money and percents are ``budget`` or ``procurement``; equipment counts are
   ``procurement``; "from A to B" gives A (``strength``, or ``historical`` in the past tense) and
   B (``planned``); a floor or cap is ``planned``; a verb of cutting or adding right before the
   number gives ``reduction``/``reinforcement``; "once", "initially" or a year well before
   publication give ``historical``; a future verb gives ``planned``; the rest is ``strength``.
3. **actor**: a country, demonym or organisation next to the number or its noun, ``its``/``their``
   (the subject), the mission's alliance for counts of contributing nations, else the nearest
   actor named before the number (not inside "in/with/from X"), else the previous claim's actor.
4. **mission_or_location**: ``KFOR`` (or the Kosovo Security Force) when the sentence names it,
   ``foreign missions`` for a country's total abroad, else the nearest place (``in Germany``,
   ``in the country`` = the last country named), else the actor's own country for money.
5. **as_of**: a date in the number's clause (``as of 2022``, ``by September``, ``a 2022
   budget``), a date opening the sentence (``In January 2022,``), the date of the statement
   (``said in a statement Friday``), else the publication date; ``None`` when the article is
   undated and the text gives no year.
"""

from __future__ import annotations

import re
from collections import Counter

from .dates import DateMatch, PubDate, find_dates
from .gazetteer import COUNTRY_FORMS, LEADERS, ORG_ACTOR, ORG_ALIASES, PLACE_ALIASES
from .numbers import NumberMatch, find_numbers
from .text import Sentence, fold

__all__ = ["extract_claims", "UNIT_NOUNS"]

UNIT_NOUNS = {
    "troops": "troops", "soldiers": "troops", "peacekeepers": "troops", "servicemembers": "troops",
    "servicemen": "troops", "marines": "troops", "paratroopers": "troops", "forces": "troops", "troopers": "troops",
    "men": "troops", "infantry": "troops", "strong": "troops",
    "personnel": "personnel", "members": "personnel", "staff": "personnel",
    "reservists": "reservists",
    "nations": "nations", "countries": "nations",
    "contingents": "contingents",
    "aircraft": "aircraft", "jets": "aircraft", "planes": "aircraft", "fighters": "aircraft",
    "helicopters": "aircraft", "drones": "aircraft", "warplanes": "aircraft",
    "tanks": "tanks", "howitzers": "howitzers", "vehicles": "vehicles", "missiles": "missiles",
    "ships": "ships", "warships": "ships", "frigates": "ships", "submarines": "submarines", "launchers": "launchers",
    "battalions": "battalions", "brigades": "brigades",
}
_BEFORE_UNITS = dict(UNIT_NOUNS, troop="troops", force="troops", soldier="troops", contingent="troops", size="troops", strength="troops")
_EQUIPMENT = {"aircraft", "tanks", "howitzers", "vehicles", "missiles", "ships", "submarines", "launchers"}
_FORCE_UNITS = {"troops", "personnel", "reservists"}
_NEXT_OK = {
    "in", "to", "and", "from", "within", "over", "currently", "as", "at", "by", "compared", "since", "this", "last",
    "is", "are", "was", "were", "will", "under", "each", "per", "or", "but", "the", "a", "before", "after",
    "during", "until", "across", "on", "for", "including", "now", "more", "today", "permanently", "who", "that",
    "stationed", "deployed", "serving", "based", "of", "around", "about", "serve", "remain", "remained", "strong",
}
_MOD_STOP = {
    "of", "in", "from", "to", "with", "by", "for", "at", "on", "into", "out", "across", "within", "over", "under",
    "than", "as", "per", "between", "are", "is", "was", "were", "will", "have", "has", "had", "be", "been", "the",
    "a", "an", "who", "that", "which", "during", "since", "after", "before", "were", "would", "could", "said",
    "says", "than",
}
_CASUALTY = re.compile(r"\b(?:injur\w*|wound\w*|kill\w*|dead|died|death\w*|casualt\w*|hurt|shot|hospitali[sz]\w*|evacuat\w*|missing|arrest\w*|captured|hostage\w*)\b", re.IGNORECASE)
_AUDIENCE = re.compile(r"\b(?:meeting with|met with|town hall|gathering (?:of|with)|addressed|thanked|greeted|spoke to|speaking to)\b[^.;]*$", re.IGNORECASE)
_NOT_COUNT_BEFORE = re.compile(r"\b(?:point|paragraph|article|resolution|no\.|number|page|chapter|section|rule|route|highway|flight|level|code|item|annex|px|vote[sd]?|voted)\s*$", re.IGNORECASE)
_FLOOR = re.compile(r"\b(?:below|floor|cap(?:ped)?|ceiling|at\s+least|minimum|maximum|limit\w*|target\w*|goal|no\s+fewer\s+than|no\s+more\s+than|not\s+exceed\w*)\b[^.;]{0,25}$", re.IGNORECASE)
_APPROXW = r"(?:about|around|some|nearly|roughly|approximately|over|more\s+than|up\s+to|almost|only|the|another|a\s+further|at\s+least)"
_REDUCTION = re.compile(r"\b(?:pull\w*(?:\s+out)?|withdraw\w*|remov\w+|cut\w*(?:\s+(?:[\w’']+\s+){0,6}?by)?|reduc\w+(?:\s+(?:\w+\s+){0,6}?by)|reduction\s+(?:\w+\s+){0,6}?by|draw\w*\s+down|bring\w*\s+home|send\w*\s+home|slash\w*)\s+(?:" + _APPROXW + r"\s+)*$", re.IGNORECASE)
_REINF = re.compile(r"\b(?:additional|extra|reinforc\w+|boost\w*|add\w*|bring\w*\s+in|send\w*|sent|dispatch\w*|deploy\w*\s+(?:an?\s+)?(?:additional|extra|further)|increas\w+\s+(?:\w+\s+){0,4}?by|rais\w+\s+(?:\w+\s+){0,4}?by|further)\s+(?:" + _APPROXW + r"\s+)*$", re.IGNORECASE)
_FROM_TO_MID = r"\s+(?:(?:in|at\s+the\s+end\s+of|by)\s+(?:(?:early|late|mid)\s+)?\d{4}\s+)?to\s+(?:" + _APPROXW + r"\s+)*"
_REINF_AFTER = re.compile(r"^\s*(?:more|new|additional|extra|fresh)\b(?!\s+than)", re.IGNORECASE)
_RED_AFTER = re.compile(r"^\s*(?:fewer|less)\b(?!\s+than)", re.IGNORECASE)
_HIST = re.compile(r"\b(?:once|initially|originally|formerly|previously|at\s+(?:its|the)\s+(?:peak|height)|used\s+to|had\s+been|in\s+the\s+past)\b", re.IGNORECASE)
_PRESENT = re.compile(r"\b(?:currently|now|at\s+present|presently|today|are\s+(?:stationed|deployed|serving|based)|is\s+(?:stationed|deployed|serving|based))\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|would|shall|is\s+to|are\s+to|expected|intend\w*|plan\w*|aim\w*|eventually|going\s+to\s+be|to\s+have|to\s+reach|to\s+grow|to\s+be)\b", re.IGNORECASE)
_PAST_CHANGE = re.compile(r"\b(?:was|were|had\s+been)\s+(?:\w+\s+)?(?:reduced|cut|increased|raised|lowered|decreased|expanded|downsized|halved|doubled|boosted)\b|\b(?:fell|dropped|grew|rose|shrank|decreased|declined)\b", re.IGNORECASE)
_PERFECT_CHANGE = re.compile(r"\b(?:has|have)\s+(?:been\s+)?(?:\w+\s+)?(?:grown|fallen|risen|increased|decreased|dropped|shrunk|doubled|halved|reduced|cut|expanded|declined|climbed)\b", re.IGNORECASE)
_MISSIONS = {"KFOR", "Swisscoy", "EUFOR", "EULEX", "NATO"}
_FOREIGN = re.compile(r"\b(?:across\s+the\s+(?:globe|world)|around\s+the\s+(?:globe|world)|abroad|overseas|worldwide|foreign\s+missions|international\s+missions|missions\s+abroad)\b", re.IGNORECASE)
_PROCURE = re.compile(r"\b(?:buy\w*|bought|purchas\w+|acqui\w+|contract\w*|deal\w*|agreement|order\w*|procure\w*|weapons?|equipment|arms|jets?|aircraft|drones?|tanks?|missiles?|howitzers?)\b", re.IGNORECASE)
_BUDGET = re.compile(r"\b(?:budget\w*|spending|spend|spent|expenditure\w*|allocat\w*|funding|funds?|outlays?|invest\w*|earmark\w*)\b", re.IGNORECASE)
_MONEY_CTX = re.compile(r"\b(?:defen[cs]e|military|army|armed\s+forces|security\s+forces?|mission|troops?|KSF|KFOR)\b", re.IGNORECASE)
_NATION_CTX = re.compile(r"\b(?:troops?|soldiers|peacekeepers|KFOR|mission|contribut\w+|serving|contingents?|forces?|coalition)\b", re.IGNORECASE)
_MEMBER_CTX = re.compile(r"\b(?:active|reserv\w+|military|service|armed|staff|KSF|KFOR|force|personnel|army|mission|contingent)\b", re.IGNORECASE)

_COUNTRY_RX = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in sorted(COUNTRY_FORMS, key=len, reverse=True)) + r")(?![\w])"
)
_ORG_RX = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in sorted(ORG_ALIASES, key=len, reverse=True) if not a.startswith("the ")) + r"|the\s+alliance|the\s+Alliance|Trump\s+administration|administration)(?![\w])")
_LEADER_RX = re.compile(r"\b(?:" + "|".join(sorted({k for k in LEADERS}, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_PLACE_RX = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in sorted(PLACE_ALIASES, key=len, reverse=True)) + r")(?![\w])")
_PREP_BEFORE = re.compile(r"\b(?:in|into|from|to|with|across|at|near|throughout|inside|outside|within|towards?|against|of|out\s+of|on|by)\s+(?:the\s+)?$", re.IGNORECASE)


def _mentions(text: str, a: int, b: int) -> list[tuple[int, int, str, str, bool]]:
    """Actor mentions in ``text[a:b]``: (start, end, actor, kind, prepositional)."""
    seg = text[a:b]
    out = []
    for m in _COUNTRY_RX.finditer(seg):
        s = a + m.start()
        nxt = seg[m.end():m.end() + 12]
        if re.match(r"\s+(?:Serbs?|Albanians?)\b", nxt) or re.match(r"-(?:led|based)", nxt):
            continue  # "Kosovo Serbs" are people; "U.S.-led" qualifies something else
        out.append((s, a + m.end(), COUNTRY_FORMS[m.group()], "country", bool(_PREP_BEFORE.search(text[max(0, s - 12):s]))))
    orgs = [(a + m.start(), a + m.end()) for m in _ORG_RX.finditer(seg)]
    out = [x for x in out if not any(s <= x[0] < e for s, e in orgs)]  # "Kosovo" in "Kosovo Force"
    for m in _ORG_RX.finditer(seg):
        g = m.group()
        if g.lower() in ("administration",):
            continue
        if g == "Trump administration":
            actor = "United States"
        elif g.lower() == "the alliance":
            actor = "NATO"
        else:
            canon = ORG_ALIASES.get(g)
            actor = ORG_ACTOR.get(canon) if canon else None
            if canon == "United States House of Representatives" and not re.match(r"House\s+(?:of|passed|voted|Armed)", seg[m.start():m.start() + 20]):
                actor = None
        if actor:
            s = a + m.start()
            out.append((s, a + m.end(), actor, "org:" + (ORG_ALIASES.get(g) or g), bool(_PREP_BEFORE.search(text[max(0, s - 12):s]))))
    for m in _LEADER_RX.finditer(seg):
        if not m.group()[0].isupper():
            continue
        s = a + m.start()
        out.append((s, a + m.end(), LEADERS[fold(m.group())], "leader", False))
    out.sort()
    return out


def _unit_after(text: str, n: NumberMatch, limit: int) -> tuple[str | None, str | None, int]:
    """The counted noun after a number: (unit, surface noun, end offset) or (None, next word, pos)."""
    pos = n.end
    h = re.match(r"-(strong|member|man|soldier|troop)\b", text[pos:limit])
    if h:
        return ("personnel" if h.group(1) == "member" else "troops"), h.group(), pos + h.end()
    m = re.match(r"\s+of\s+(?:its|their|his|her|our|the)\s+(?=[A-Za-z])(?!(?:about|around|some|nearly|roughly|approximately|over|more\s+than|almost)\s)", text[pos:limit])
    if m:
        pos += m.end()
    toks = list(re.finditer(r"[A-Za-z][\w.’'\-\u2010\u2011]*|[^\sA-Za-z]", text[pos:limit]))
    for k, t in enumerate(toks[:6]):
        w = t.group()
        lw = w.lower().rstrip(".")
        if lw in UNIT_NOUNS:
            return UNIT_NOUNS[lw], w, pos + t.end()
        if lw.endswith("-soldiers") or lw.endswith("-troops"):
            return "troops", w, pos + t.end()
        if lw == "service" and k + 1 < len(toks) and toks[k + 1].group().lower() == "members":
            return "troops", "service members", pos + toks[k + 1].end()
        if not re.match(r"[A-Za-z]", w) or lw in _MOD_STOP:
            return None, toks[0].group().lower().rstrip("."), pos
        if lw == "and" and k + 1 < len(toks) and re.match(r"\d", toks[k + 1].group()):
            return None, "and", pos  # "2,500 active and 800 reserve members": the unit comes later
    return None, (toks[0].group().lower().rstrip(".") if toks else None), pos


def _clause(text: str, sent: Sentence, pos: int) -> tuple[int, int]:
    """The clause of the sentence around ``pos`` (between commas, dashes, semicolons, brackets)."""
    seg = text[sent.start:sent.end]
    rel = pos - sent.start
    cuts = [m.start() for m in re.finditer(r",\s|;|\s[—–-]\s|\(|\)|:", seg)]
    a = max([c for c in cuts if c < rel], default=-1) + 1
    b = min([c for c in cuts if c > rel], default=len(seg))
    return sent.start + a, sent.start + b


def extract_claims(text: str, sentences: list[Sentence], pub: PubDate | None, *,
                   dates: list[DateMatch] | None = None) -> list[dict]:
    """Force claims of ``text`` as dicts with the annotation fields plus ``start``/``end``.

    ``dates`` are the date expressions of ``text`` (:func:`~.dates.find_dates`), found here when
    not given.
    """
    numbers = find_numbers(text)
    dates = find_dates(text, pub) if dates is None else dates
    out: list[dict] = []
    seen: set[tuple] = set()
    place_counts: Counter = Counter()
    for m in _COUNTRY_RX.finditer(text):
        c = COUNTRY_FORMS[m.group()]
        if m.group() == c:  # noun forms name places; "in X" counts double
            place_counts[c] += 2 if _PREP_BEFORE.search(text[max(0, m.start() - 12):m.start()]) else 1
    # countries named as places, for "in the country" (Kosovo is the place of most of these texts)
    last_country_place = [
        (m.start(), m.group()) for m in _COUNTRY_RX.finditer(text)
        if COUNTRY_FORMS[m.group()] == m.group()
        and (m.group() == "Kosovo" or _PREP_BEFORE.search(text[max(0, m.start() - 12):m.start()]))
    ]
    mentions_kfor = bool(re.search(r"\bKFOR\b|Kosovo Force", text))
    prev_claim: dict | None = None
    prev_claim_sent = -10
    for si, sent in enumerate(sentences):
        if sent.furniture:
            continue
        nums = [n for n in numbers if sent.start <= n.start < sent.end
                and not any(d.start <= n.start < d.end for d in dates)]
        if not nums:
            continue
        stext = text[sent.start:sent.end]
        sdates = [d for d in dates if sent.start <= d.start < sent.end]
        smentions = _mentions(text, sent.start, sent.end)
        cands: list[dict] = []
        units: dict[int, tuple[str | None, int]] = {}
        # pass 1: units by the noun after each number
        for i, n in enumerate(nums):
            if n.currency:
                units[i] = (f"million {n.currency}", n.end)
            elif n.percent:
                units[i] = ("percent", n.end)
            else:
                u, word, uend = _unit_after(text, n, sent.end)
                units[i] = (u, uend)
                if u is None:
                    bare = word is None or word in _NEXT_OK or word in "-–—,.;:)" or bool(re.fullmatch(r"[a-z]{3,}(?:ed|ing)", word or ""))
                    units[i] = (None if bare else "__noun__", uend)
                    if n.multiplier in ("million", "billion", "trillion") and not n.words:
                        units[i] = ("__money__", uend)  # "207.8 million": money in a sentence about money, else nothing
        for i, n in enumerate(nums):
            unit, uend = units[i]
            prev_end = nums[i - 1].end if i else sent.start
            before = text[prev_end:n.start]
            sent_before = text[sent.start:n.start]
            after = text[n.end:min(sent.end, n.end + 80)]
            # years, ordinals and labels are not counts
            if not n.currency and not n.percent:
                if n.value < 2 or n.value != int(n.value) and unit is None:
                    continue
                if 1900 <= n.value <= 2100 and "," not in n.raw and not n.words and unit not in UNIT_NOUNS.values():
                    continue
                if _NOT_COUNT_BEFORE.search(text[max(sent.start, n.start - 20):n.start]):
                    continue
            if unit == "__noun__":
                continue
            if unit == "__money__":
                cur = next((x.currency for x in nums if x.currency), None)
                if cur is None:
                    continue
                n = NumberMatch(n.start, n.end, n.value / 1e6, n.approx, n.approx_word, cur, False, False, n.multiplier, n.raw)
                unit = f"million {cur}"
            if n.currency:
                # a conversion in brackets after another amount, or a difference ("$8 billion more than")
                if i and nums[i - 1].currency and re.fullmatch(r"\s*\(\s*", text[nums[i - 1].end:n.start]):
                    continue
                if re.match(r"\s+(?:more|less|fewer|higher|lower)\s+than\b", after):
                    continue
            if unit is None and not n.words:
                # a bare number: range partner, "N of the M <unit>", or the force noun before it
                nxt = nums[i + 1] if i + 1 < len(nums) else None
                if nxt is not None and re.fullmatch(r"\s+(?:[a-z\-]+\s+)?(?:to|and|or|-|–)\s+(?:" + _APPROXW + r"\s+)*", text[n.end:nxt.start], re.IGNORECASE) and units[i + 1][0] not in (None, "__noun__", "__money__"):
                    unit = units[i + 1][0]
                elif nxt is not None and re.fullmatch(r"\s+of\s+(?:the|its|their)\s+(?:" + _APPROXW + r"\s+)*", text[n.end:nxt.start], re.IGNORECASE) and units[i + 1][0] not in (None, "__noun__"):
                    unit = units[i + 1][0]
                else:
                    region = text[sent.start:n.start]
                    found = None
                    for m in re.finditer(r"[A-Za-z][\w\-]*", region):
                        lw = m.group().lower()
                        if lw in _BEFORE_UNITS and (lw not in ("members", "staff") or _MEMBER_CTX.search(region)):
                            found = _BEFORE_UNITS[lw]
                    if found is None:
                        for j in range(i - 1, -1, -1):
                            if units[j][0] not in (None, "__noun__"):
                                found = units[j][0]
                                break
                    unit = found
                if unit is None or unit.startswith("million") or unit == "percent":
                    continue
            if unit is None:
                continue
            if unit == "troops" and re.match(r"\s+(?:[\w-]+\s+){0,3}?(?:task|security|armed|special|air|naval|land)\s+forces\b", text[n.end:uend + 1], re.IGNORECASE):
                continue  # "five brigade-sized task forces": formations, not soldiers
            if unit in _FORCE_UNITS and not float(n.value).is_integer():
                if re.fullmatch(r"\d{1,3}\.\d{3}", n.raw.strip()):
                    n = NumberMatch(n.start, n.end, float(n.raw.replace(".", "")), n.approx, n.approx_word, None, False, False, None, n.raw)
                else:
                    continue  # "1.5 soldiers" is not a count
            if unit == "nations" and not _NATION_CTX.search(stext):
                continue
            if unit == "personnel" and text[:uend].lower().endswith("members") and not (_MEMBER_CTX.search(text[n.end:uend]) or n.value >= 100 and _MEMBER_CTX.search(stext)):
                continue
            near = text[max(sent.start, n.start - 25):min(sent.end, max(uend, n.end) + 45)]
            if unit in _FORCE_UNITS and (_CASUALTY.search(near) or _AUDIENCE.search(text[max(sent.start, n.start - 60):n.start])):
                continue
            # -- unit and kind of money and percents
            kind = None
            if n.percent:
                pre = sent_before.lower()
                if re.match(r"\s*of\s+(?:the\s+|its\s+|their\s+|[A-Z][\w.]*(?:'s|’s)\s+)?(?:gdp|gross\s+domestic\s+product|national\s+income)", after, re.IGNORECASE):
                    unit, kind = "percent of GDP", "budget"
                elif re.search(r"\b(?:rais\w*|increas\w*|boost\w*|grew|grow\w*|rose|rise\w*|up)\b.*\bby\s+(?:more\s+than\s+|over\s+|about\s+|around\s+|nearly\s+)?$", pre):
                    unit = "percent increase"
                    kind = "budget" if _BUDGET.search(before) else "reinforcement"
                elif re.search(r"\b(?:cut\w*|reduc\w+|decreas\w+|slash\w*|lower\w*)\b.*\bby\s+(?:more\s+than\s+|over\s+|about\s+|around\s+|nearly\s+)?$", pre):
                    annual = re.match(r"\s*(?:a|per|each|every)\s+year|\s*(?:in\s+)?each\s+of\s+the\s+next|\s*annually", after, re.IGNORECASE)
                    unit = "percent annual cut" if annual else "percent cut"
                    kind = "budget" if _BUDGET.search(stext) else "reduction"
                elif (any(c["unit"] == "percent of GDP" for c in cands) and re.search(r"\b(?:from|to|up|down|compared)\b", before)) or re.match(
                        r"\s*(?:to|and|-|–)\s+(?:" + _APPROXW + r"\s+)*[\d.]+\s*(?:%|percent|per\s+cent)\s+of\s+(?:the\s+|its\s+|their\s+|our\s+|[A-Z][\w.]*(?:'s|’s)\s+)?(?:gdp|gross\s+domestic)", after, re.IGNORECASE):
                    unit, kind = "percent of GDP", "budget"  # "2.2% of GDP, up from 1.6%"; "from 1.35% to 1.76% of GDP"
                elif _BUDGET.search(stext):
                    unit, kind = "percent of defence budget", "budget"
                else:
                    continue
            elif n.currency:
                kind = "procurement" if _PROCURE.search(stext) else "budget"
                # money about forces: the sentence (or the one before) speaks of a budget, arms or the military
                ctx = stext + " " + (text[sentences[si - 1].start:sentences[si - 1].end] if si else "")
                if not (_BUDGET.search(stext) or _PROCURE.search(stext) or _MONEY_CTX.search(ctx)):
                    continue
            elif unit not in _FORCE_UNITS and unit not in ("nations", "contingents"):
                kind = "procurement"
            # -- ranges
            value, value_max = n.value, None
            nxt = nums[i + 1] if i + 1 < len(nums) else None
            prv = nums[i - 1] if i else None
            from_to = None
            if nxt is not None and re.search(r"\bfrom\s+(?:" + _APPROXW + r"\s+)*$", text[max(sent.start, n.start - 30):n.start], re.IGNORECASE) and re.fullmatch(_FROM_TO_MID, text[n.end:nxt.start], re.IGNORECASE):
                from_to = "from"
            elif prv is not None and re.search(r"\bfrom\s+(?:" + _APPROXW + r"\s+)*$", text[max(sent.start, prv.start - 30):prv.start], re.IGNORECASE) and re.fullmatch(_FROM_TO_MID, text[prv.end:n.start], re.IGNORECASE):
                from_to = "to"
            elif nxt is not None and re.search(r"\bbetween\s+$", text[max(sent.start, n.start - 12):n.start], re.IGNORECASE) and re.fullmatch(r"\s+and\s+", text[n.end:nxt.start]):
                value_max = nxt.value
            elif prv is not None and re.search(r"\bbetween\s+$", text[max(sent.start, prv.start - 12):prv.start], re.IGNORECASE) and re.fullmatch(r"\s+and\s+", text[prv.end:n.start]):
                continue  # the upper end of a range already taken
            # -- kind
            clause_a, clause_b = _clause(text, sent, n.start)
            after_local = text[n.end:min(sent.end, max(uend, n.end) + 40)]
            if kind is None:
                if from_to:
                    if _FUTURE.search(stext):
                        kind = "strength" if from_to == "from" else "planned"
                    elif _PERFECT_CHANGE.search(stext):  # "has grown from A to B": B is today's size
                        kind = "historical" if from_to == "from" else "strength"
                    elif _PAST_CHANGE.search(stext):
                        kind = "historical"
                    else:
                        kind = "strength" if from_to == "from" else "planned"
                elif _FLOOR.search(sent_before):
                    kind = "planned"
                elif _REDUCTION.search(sent_before) and not _negated(sent_before, _REDUCTION.search(sent_before).start()):
                    kind = "reduction"
                elif (_REINF.search(before) and not _negated(before, _REINF.search(before).start())) or _REINF_AFTER.match(text[n.end:]):
                    kind = "reinforcement"
                elif _RED_AFTER.match(text[n.end:]):
                    kind = "reduction"
                elif _HIST.search(before) or _HIST.search(text[clause_a:n.start]):
                    kind = "historical"
                elif _PRESENT.search(after_local[:40]) or _PRESENT.search(before):
                    kind = "strength"
                elif (_FUTURE.search(text[clause_a:n.start]) and not _negated(text[clause_a:n.start], _FUTURE.search(text[clause_a:n.start]).start() + 1)) or re.match(r"[^.;,]{0,30}?\b(?:will|would)\b", text[max(uend, n.end):sent.end]):
                    kind = "planned"
                else:
                    kind = "strength"
            # -- as_of
            next_start = nums[i + 1].start if i + 1 < len(nums) else sent.end
            as_of = _as_of(text, sent, si, sentences, n, sdates, dates, pub, kind, clause_a, clause_b, next_start)
            if kind == "strength" and as_of and pub and int(as_of[:4]) < pub.year - 1 and not re.search(r"\bas\s+of\b", text[clause_a:clause_b]):
                kind = "historical"
            # -- actor
            actor = _actor(text, sent, n, uend, smentions, sentences, si, prev_claim if si - prev_claim_sent <= 2 else None, unit)
            location = _location(text, sent, n, uend, actor, kind, unit, mentions_kfor, last_country_place,
                                 prev_claim if si - prev_claim_sent <= 6 else None, place_counts)
            claim = {
                "actor": actor, "mission_or_location": location, "value": _num(value),
                "value_max": _num(value_max) if value_max is not None else None, "unit": unit, "as_of": as_of,
                "approx": bool(n.approx), "kind": kind, "sentence": stext, "start": n.start, "end": n.end,
            }
            key = (actor, location, claim["value"], claim["value_max"], unit, kind)
            key2 = (actor, claim["value"], claim["value_max"], unit, kind)
            if key in seen or key2 in seen:
                continue
            seen.add(key)
            seen.add(key2)
            cands.append(claim)
            prev_claim, prev_claim_sent = claim, si
        out.extend(cands)
    return out


def _negated(s: str, at: int) -> bool:
    """True when the verb at ``s[at]`` is negated ("no plans to cut", "will not withdraw")."""
    return bool(re.search(r"\b(?:no|not|never|without|against|refus\w+|den(?:y|ies|ied)|rul\w+\s+out)\b|n[’']t\b", s[max(0, at - 30):at], re.IGNORECASE))


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def _as_of(text, sent, si, sentences, n, sdates, dates, pub, kind, clause_a, clause_b, next_start) -> str | None:
    usable = [d for d in sdates if d.prep not in ("since", "from") and d.date is not None and d.granularity != "week"]
    pub_iso = pub.iso() if pub else None
    # 1. a date in the number's clause
    in_clause = [d for d in usable if clause_a <= d.start < clause_b and d.prep != "of"]
    if in_clause:
        return min(in_clause, key=lambda d: abs(d.start - n.start)).date
    present = bool(_PRESENT.search(text[n.end:min(next_start, n.end + 60)]))
    # 2. a date opening the sentence ("In January 2022, ..."; "Last year, ...")
    first_cut = re.search(r",\s", text[sent.start:sent.end])
    if first_cut and not present:
        head = text[sent.start:sent.start + first_cut.start()]
        hd = [d for d in usable if sent.start <= d.start < sent.start + first_cut.start()]
        if hd and len(head.split()) <= 5:
            return hd[0].date
    # 3. the date of the statement that carries the figure
    if kind != "historical":
        for d in usable:
            pre = text[max(sent.start, d.start - 45):d.start]
            if re.search(r"\b(?:said|says|told|announced|reported|stated|declared|added|tweeted|wrote)\b[^.;]{0,35}$", pre):
                return d.date
    # 4. "initially" refers to the start of what the previous sentences dated
    if kind == "historical":
        if re.search(r"\b(?:initially|originally|at\s+first)\b", text[sent.start:n.start], re.IGNORECASE):
            prev = [d for d in dates if d.end <= sent.start and not d.relative and d.date and d.start >= sentences[max(0, si - 3)].start]
            if prev:
                return prev[-1].date[:4]
        return None
    return pub_iso


def _actor(text, sent, n, uend, smentions, sentences, si, prev_claim, unit) -> str:
    # 1. in the noun phrase of the number ("830 U.S. troops", "600 from the United States")
    for s, e, actor, kind, prep in smentions:
        if n.end <= s < max(uend, n.end):
            return actor
    m = re.match(r"\s+(?:of\s+them\s+)?from\s+(?:the\s+)?", text[n.end:n.end + 20])
    if m and unit not in ("nations",):
        for s, e, actor, kind, prep in smentions:
            if s == n.end + m.end():
                return actor
    # 2. counts of contributing nations belong to the mission's alliance
    stext = text[sent.start:sent.end]
    if unit in ("nations",) and re.search(r"\bKFOR\b|Kosovo Force|peacekeeping|mission", stext):
        return "NATO"
    # 3. the demonym of the force noun before a bare number ("number of Austrian soldiers ... 400")
    region = text[sent.start:n.start]
    fn = list(re.finditer(r"\b(?:troops?|soldiers|forces?|personnel|peacekeepers|contingent|members)\b", region))
    if fn and uend <= n.end and not any(fn[-1].end() + sent.start <= x[0] < n.start for x in smentions):
        k = fn[-1].start() + sent.start
        for s, e, actor, kind, prep in reversed(smentions):
            if k - 30 <= s < k and not re.search(r"[,.;]", text[e:k]):
                return actor
    # 4. its/their: the subject of the sentence
    near = text[max(sent.start, n.start - 25):max(uend, n.end)]
    if re.search(r"\b(?:its|their)\b", near):
        subj = [x for x in smentions if not x[4]]
        if subj:
            return subj[0][2]
    # 5. the nearest actor named before the number, not inside "in/with/from X" nor a relative clause
    rel = [(sent.start + m.start(), sent.start + m.end()) for m in re.finditer(r",\s+(?:which|who|whose|that)\b[^,]*,", stext)]
    smentions = [x for x in smentions if not any(a <= x[0] < b for a, b in rel)]
    before = [x for x in smentions if x[0] < n.start and not x[4]]

    def contributor(m):
        # a mission named between a contributing state and the number: the state is the actor
        if m[3].startswith("org:") and m[3][4:] in _MISSIONS:
            states = [x for x in before if x[0] < m[0] and x[3] == "country" and COUNTRY_FORMS.get(text[x[0]:x[1]]) == text[x[0]:x[1]]]
            if states:
                return states[-1][2]
        return m[2]

    # "Italy leads KFOR with roughly 800 troops, the United States with about 600"
    for m in reversed(smentions):
        if m[1] <= n.start and re.fullmatch(r"\s*,?\s+with\s+(?:" + _APPROXW + r"\s+)*", text[m[1]:n.start], re.IGNORECASE):
            return contributor(m) if not m[4] else m[2]
    if before:
        return contributor(before[-1])
    after = [x for x in smentions if x[0] >= n.end and not x[4]]
    if after:
        return after[0][2]
    if prev_claim is not None:
        return prev_claim["actor"]
    # 6. the subject of the previous sentences
    for back in range(1, 4):
        if si - back < 0:
            break
        ps = sentences[si - back]
        pm = [x for x in _mentions(text, ps.start, ps.end) if not x[4]]
        if pm:
            return pm[0][2]
    allm = [x for x in smentions]
    return allm[0][2] if allm else "unknown"


def _location(text, sent, n, uend, actor, kind, unit, mentions_kfor, last_country_place, prev_claim, place_counts) -> str:
    stext = text[sent.start:sent.end]
    if _FOREIGN.search(stext):
        return "foreign missions"
    if re.search(r"\bKFOR\b|Kosovo Force|Swisscoy|SWISSCOY", stext):
        return "KFOR"
    other = re.search(r"\b(EULEX|EUFOR|UNMIK|OSCE)\b", stext)
    if other:
        return other.group(1)
    if re.search(r"\bKSF\b|Kosovo Security Force", stext) or (actor == "Kosovo" and re.search(r"\b(?:army|armed forces|troop|soldiers|reservists|defen[cs]e)\b", stext, re.IGNORECASE)):
        if actor == "Kosovo":
            return "Kosovo Security Force"
    if actor == "NATO" and mentions_kfor and re.search(r"\bmission\b", stext):
        return "KFOR"
    cands: list[tuple[int, str]] = []
    for m in _PLACE_RX.finditer(stext):
        cands.append((sent.start + m.start(), PLACE_ALIASES[m.group()]))
    for m in _COUNTRY_RX.finditer(stext):
        c = COUNTRY_FORMS[m.group()]
        s = sent.start + m.start()
        if m.group() == c and _PREP_BEFORE.search(text[max(0, s - 12):s]) and not re.match(r"\s+Serbs?\b", text[s + len(m.group()):s + len(m.group()) + 7]):
            if re.search(r"\b(?:with|against|toward|towards)\s+(?:the\s+)?$", text[max(0, s - 12):s]):
                continue
            cands.append((s, c))
    for m in re.finditer(r"\b(?:in|to)\s+the\s+country\b", stext):
        prevs = [c for p, c in last_country_place if p < sent.start + m.start()]
        if prevs:
            cands.append((sent.start + m.start(), prevs[-1]))
    if len(cands) > 1 or (cands and cands[0][1] == actor and kind not in ("budget", "procurement")):
        others = [c for c in cands if c[1] != actor]
        cands = others or cands
    if cands and kind not in ("budget", "procurement"):
        loc = min(cands, key=lambda c: abs(c[0] - n.start))[1]
        if actor == "Kosovo" and loc == "Kosovo":
            return "Kosovo Security Force"
        return loc
    if actor == "Kosovo":
        return "Kosovo Security Force"
    if kind in ("budget", "procurement") and actor != "unknown":
        return actor
    if prev_claim is not None and unit in _FORCE_UNITS and prev_claim["actor"] == actor:
        return prev_claim["mission_or_location"]
    if cands:
        return cands[0][1]
    places = [p for p, _ in place_counts.most_common() if p != actor]
    if places:
        return places[0]
    return actor
