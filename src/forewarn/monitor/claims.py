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
4. **mission_or_location**: the mission (or a country's own force) of the gazetteer that the sentence names,
   ``foreign missions`` for a country's total abroad, else the nearest place (``in Germany``,
   ``in the country`` = the last country named), else the actor's own country for money.
5. **as_of**: a date in the number's clause (``as of 2022``, ``by September``, ``a 2022
   budget``), a date opening the sentence (``In January 2022,``), the date of the statement
   (``said in a statement Friday``), else the publication date; ``None`` when the article is
   undated and the text gives no year.

Which organisations are missions, which force belongs to which country and which place most
texts are about come from the :class:`~.gazetteer.Gazetteer` the caller passes (default: the
general :data:`~.gazetteer.WORLD`, which knows no case).

The steps are small functions over two typed records: :class:`Article` (what is known about the
whole text) and :class:`Numbers` (the numbers of one sentence and their units); each number
becomes a :class:`Candidate` that the steps fill in (unit, value, kind, as_of, actor, place).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from .dates import DateMatch, PubDate, find_dates
from .gazetteer import WORLD, Gazetteer
from .numbers import NumberMatch, find_numbers
from .text import Sentence, fold

__all__ = ["extract_claims", "UNIT_NOUNS", "Mention", "mentions"]

UNIT_NOUNS = {
    "troops": "troops", "soldiers": "troops", "peacekeepers": "troops", "servicemembers": "troops",
    "servicemen": "troops", "marines": "troops", "paratroopers": "troops", "forces": "troops", "troopers": "troops",
    "men": "troops", "infantry": "troops", "strong": "troops",
    "personnel": "personnel", "members": "personnel", "staff": "personnel",
    "reservists": "reservists", "conscripts": "troops", "recruits": "troops",
    "nations": "nations", "countries": "nations",
    "contingents": "contingents",
    "aircraft": "aircraft", "jets": "aircraft", "planes": "aircraft", "fighters": "aircraft",
    "helicopters": "aircraft", "drones": "aircraft", "warplanes": "aircraft", "gunships": "aircraft",
    "choppers": "aircraft", "uavs": "aircraft", "bombers": "aircraft", "interceptors": "aircraft",
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
    "next", "later", "earlier", "early", "annually", "yearly", "altogether", "overall", "then", "already",
    "without", "with", "if", "unless", "while", "because", "although", "when", "where", "whereas", "despite", "amid",
    "among", "against", "through", "via", "plus", "so", "not", "instead", "rather", "only",
}
_MOD_STOP = {
    "of", "in", "from", "to", "with", "by", "for", "at", "on", "into", "out", "across", "within", "over", "under",
    "than", "as", "per", "between", "are", "is", "was", "were", "will", "have", "has", "had", "be", "been", "the",
    "a", "an", "who", "that", "which", "during", "since", "after", "before", "were", "would", "could", "said",
    "says", "than",
}
_CASUALTY = re.compile(r"\b(?:injur\w*|wound\w*|kill\w*|dead|died|death\w*|casualt\w*|hurt|shot|hospitali[sz]\w*|evacuat\w*|missing|arrest\w*|captured|hostage\w*)\b", re.IGNORECASE)
_AUDIENCE = re.compile(r"\b(?:meeting with|met with|town hall|gathering (?:of|with)|addressed|thanked|greeted|spoke to|speaking to)\b[^.;]*$", re.IGNORECASE)
_NOT_COUNT_BEFORE = re.compile(r"\b(?:point|paragraph|article|resolution|no\.|number|page|chapter|section|rule|route|highway|flight|level|code|item|annex|px|vote[sd]?(?:\s+(?:to|against))?|voted)\s*$", re.IGNORECASE)
_FLOOR = re.compile(r"\b(?:below|floor|cap(?:ped)?|ceiling|at\s+least|minimum|maximum|limit\w*|target\w*|goal|no\s+fewer\s+than|no\s+more\s+than|not\s+exceed\w*)\b[^.;]{0,25}$", re.IGNORECASE)
_APPROXW = r"(?:about|around|some|nearly|roughly|approximately|over|more\s+than|up\s+to|almost|only|the|another|a\s+further|at\s+least)"
_REDUCTION = re.compile(r"\b(?:pull\w*(?:\s+out)?|withdraw\w*|remov\w+|cut\w*(?:\s+(?:[\w’']+\s+){0,6}?by)?|reduc\w+(?:\s+(?:\w+\s+){0,6}?by)|reduction\s+(?:\w+\s+){0,6}?by|draw\w*\s+down|bring\w*\s+home|send\w*\s+home|slash\w*)\s+(?:" + _APPROXW + r"\s+)*$", re.IGNORECASE)
_REINF = re.compile(r"\b(?:additional|extra|reinforc\w+|boost\w*|add\w*|bring\w*\s+in|send\w*|sent|dispatch\w*|deploy\w*\s+(?:an?\s+)?(?:additional|extra|further)|increas\w+\s+(?:\w+\s+){0,4}?by|rais\w+\s+(?:\w+\s+){0,4}?by|further)\s+(?:" + _APPROXW + r"\s+)*$", re.IGNORECASE)
_FROM_TO_MID = r"\s+(?:(?:in|at\s+the\s+end\s+of|by)\s+(?:(?:early|late|mid)\s+)?\d{4}\s+)?to\s+(?:" + _APPROXW + r"\s+)*"
_REINF_AFTER = re.compile(r"^\s*(?:more|new|additional|extra|fresh)\b(?!\s+than)", re.IGNORECASE)
_RED_AFTER = re.compile(r"^\s*(?:fewer|less)\b(?!\s+than)", re.IGNORECASE)
_HIST = re.compile(r"\b(?:once|initially|originally|formerly|previously|at\s+(?:its|the)\s+(?:peak|height)|used\s+to|had\s+been|in\s+the\s+past)\b", re.IGNORECASE)
_PAST_STATE = re.compile(r"\b(?:was|were|had|numbered|totall?ed|extended|stood)\b", re.IGNORECASE)
_PRESENT = re.compile(r"\b(?:currently|now|at\s+present|presently|today|are\s+(?:stationed|deployed|serving|based)|is\s+(?:stationed|deployed|serving|based))\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|would|shall|is\s+to|are\s+to|expected|intend\w*|plan\w*|aim\w*|eventually|going\s+to\s+be|to\s+have|to\s+reach|to\s+grow|to\s+be)\b", re.IGNORECASE)
_PAST_CHANGE = re.compile(r"\b(?:was|were|had\s+been)\s+(?:\w+\s+)?(?:reduced|cut|increased|raised|lowered|decreased|expanded|downsized|halved|doubled|boosted)\b|\b(?:fell|dropped|grew|rose|shrank|decreased|declined)\b", re.IGNORECASE)
_PERFECT_CHANGE = re.compile(r"\b(?:has|have)\s+(?:been\s+)?(?:\w+\s+)?(?:grown|fallen|risen|increased|decreased|dropped|shrunk|doubled|halved|reduced|cut|expanded|declined|climbed)\b", re.IGNORECASE)
_FOREIGN = re.compile(r"\b(?:across\s+the\s+(?:globe|world)|around\s+the\s+(?:globe|world)|abroad|overseas|worldwide|foreign\s+missions|international\s+missions|missions\s+abroad)\b", re.IGNORECASE)
_PROCURE = re.compile(r"\b(?:buy\w*|bought|purchas\w+|acqui\w+|contract\w*|deal\w*|agreement|order\w*|procure\w*|weapons?|equipment|arms|jets?|aircraft|drones?|tanks?|missiles?|howitzers?)\b", re.IGNORECASE)
_BUDGET = re.compile(r"\b(?:budget\w*|spending|spend\w*|spent|costs?|expenditure\w*|allocat\w*|funding|funds?|outlays?|invest\w*|earmark\w*)\b", re.IGNORECASE)
_MONEY_CTX = re.compile(r"\b(?:defen[cs]e|military|army|armed\s+forces|security\s+forces?|mission|troops?)\b", re.IGNORECASE)
_NATION_CTX = re.compile(r"\b(?:troops?|soldiers|peacekeepers|mission|contribut\w+|serving|contingents?|forces?|coalition)\b", re.IGNORECASE)
_MEMBER_CTX = re.compile(r"\b(?:active|reserv\w+|military|service|armed|staff|force|personnel|army|mission|contingent)\b", re.IGNORECASE)

# between a country and its figure in a list or table: "Austria: 160", "Italy (715)", "Italy – 715"
_ITEM_GAP = re.compile(r"\s*(?::|\(|–|—|\s-|,)\s*(?:(?:about|around|some|roughly|approximately|nearly|over)\s+)?")
_ROW = re.compile(r"(?P<c>[A-Z][\w.’' -]{1,40}?)\s*(?::|–|—|-)?\s*(?:about\s+|around\s+|some\s+)?\d[\d,.]*\s*(?:troops|soldiers|personnel)?\.?")
_PREP_BEFORE = re.compile(r"\b(?:in|into|from|to|with|across|at|near|throughout|inside|outside|within|towards?|against|of|out\s+of|on|by)\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """An actor named in a text: ``text[start:end]`` names ``actor``.

    ``kind`` is ``country``, ``leader`` or ``org:NAME``; ``prepositional`` is True after "in",
    "from", "with"... (a place or a partner, not the subject).
    """

    start: int
    end: int
    actor: str
    kind: str
    prepositional: bool


def mentions(text: str, a: int, b: int, gz: Gazetteer = WORLD) -> list[Mention]:
    """Actor mentions in ``text[a:b]``, in order: countries, organisations with an actor, leaders."""
    seg = text[a:b]
    out: list[Mention] = []
    for m in gz.country_rx.finditer(seg):
        s = a + m.start()
        nxt = seg[m.end():m.end() + 14]
        if gz.peoples_rx.match(nxt) or re.match(r"-(?:led|based)", nxt):
            continue  # "Kosovo Serbs" are people; "U.S.-led" qualifies something else
        out.append(Mention(s, a + m.end(), gz.country_forms[m.group()], "country", _prep(text, s)))
    orgs = [(a + m.start(), a + m.end()) for m in gz.org_rx.finditer(seg)]
    out = [x for x in out if not any(s <= x.start < e for s, e in orgs)]  # "Kosovo" in "Kosovo Force"
    for m in gz.org_rx.finditer(seg):
        g = m.group()
        if g.lower() in ("administration",):
            continue
        if g == "Trump administration":
            actor = "United States"
        elif g.lower() == "the alliance":
            actor = "NATO"
        else:
            canon = gz.organisations.get(g)
            actor = gz.org_actor.get(canon) if canon else None
            if canon == "United States House of Representatives" and not re.match(r"House\s+(?:of|passed|voted|Armed)", seg[m.start():m.start() + 20]):
                actor = None
        if actor:
            s = a + m.start()
            out.append(Mention(s, a + m.end(), actor, "org:" + (gz.organisations.get(g) or g), _prep(text, s)))
    # a capital as the subject speaks and acts for its state ("Belgrade plans to buy ...")
    for m in _capital_rx(gz).finditer(seg):
        s = a + m.start()
        if not _prep(text, s) and not any(x.start <= s < x.end for x in out):
            out.append(Mention(s, a + m.end(), gz.capitals[m.group()], "capital", False))
    for m in gz.leader_rx.finditer(seg):
        if m.group()[0].isupper():
            out.append(Mention(a + m.start(), a + m.end(), gz.leaders[fold(m.group())], "leader", False))
    out.sort(key=lambda x: (x.start, x.end, x.actor, x.kind))
    return out


_CAPITAL_RX: dict[int, tuple[Gazetteer, re.Pattern]] = {}


def _capital_rx(gz: Gazetteer) -> re.Pattern:
    """One pattern for the gazetteer's capitals, compiled once per gazetteer."""
    got = _CAPITAL_RX.get(id(gz))
    if got is None or got[0] is not gz:
        names = sorted(gz.capitals, key=len, reverse=True)
        rx = re.compile(r"(?<![\w.])(?:" + ("|".join(map(re.escape, names)) or "(?!x)x") + r")(?![\w])")
        got = _CAPITAL_RX[id(gz)] = (gz, rx)
    return got[1]


def _prep(text: str, s: int) -> bool:
    return bool(_PREP_BEFORE.search(text[max(0, s - 12):s]))


def _unit_after(text: str, n: NumberMatch, limit: int) -> tuple[str | None, str | None, int]:
    """The counted noun after a number: (unit, surface noun, end offset) or (None, next word, pos)."""
    pos = n.end
    h = re.match(r"-(strong|member|man|soldier|troop)\b", text[pos:limit])
    if h:
        return ("personnel" if h.group(1) == "member" else "troops"), h.group(), pos + h.end()
    m = re.match(r"\s+of\s+(?:its|their|his|her|our|the)\s+(?=[A-Za-z])(?!(?:about|around|some|nearly|roughly|approximately|over|more\s+than|almost)\s)", text[pos:limit])
    if m:
        pos += m.end()
    # a closing quotation mark between the number and its noun ("recruit "at least a thousand" soldiers")
    q = re.match(r"[\"”’']\s+(?=[A-Za-z])", text[pos:limit])
    if q:
        pos += q.end()
    toks = list(re.finditer(r"[A-Za-z][\w.’'\-\u2010\u2011]*|[^\sA-Za-z]", text[pos:limit]))
    for k, t in enumerate(toks[:6]):
        w = t.group()
        lw = w.lower().rstrip(".")
        if lw in UNIT_NOUNS:
            return UNIT_NOUNS[lw], w, pos + t.end()
        if k == 0 and lw in ("active", "reserve", "reserves") and not _noun_follows(toks[1:14]):
            # "2,500 active and 800 reserve", "5,000 active, 3,000 in reserve": the force's two parts
            return ("troops" if lw == "active" else "reservists"), w, pos + t.end()
        if lw.endswith("-soldiers") or lw.endswith("-troops"):
            return "troops", w, pos + t.end()
        if lw == "service" and k + 1 < len(toks) and toks[k + 1].group().lower() == "members":
            return "troops", "service members", pos + toks[k + 1].end()
        if not re.match(r"[A-Za-z]", w) or lw in _MOD_STOP:
            return None, toks[0].group().lower().rstrip("."), pos
        if lw == "and" and k + 1 < len(toks) and re.match(r"\d", toks[k + 1].group()):
            return None, "and", pos  # "2,500 active and 800 reserve members": the unit comes later
    return None, (toks[0].group().lower().rstrip(".") if toks else None), pos


def _noun_follows(toks: list[re.Match]) -> bool:
    """True when a counted noun follows among ``toks`` before a stop ("active and 800 reserve members")."""
    for t in toks:
        w = t.group().lower().rstrip(".")
        if w in UNIT_NOUNS:
            return True
        if w in (".", ";", ":", ")", "(", ","):
            return False
    return False


def _clause(text: str, sent: Sentence, pos: int) -> tuple[int, int]:
    """The clause of the sentence around ``pos`` (between commas, dashes, semicolons, brackets)."""
    seg = text[sent.start:sent.end]
    rel = pos - sent.start
    cuts = [m.start() for m in re.finditer(r",\s|;|\s[—–-]\s|\(|\)|:", seg)]
    a = max([c for c in cuts if c < rel], default=-1) + 1
    b = min([c for c in cuts if c > rel], default=len(seg))
    return sent.start + a, sent.start + b


@dataclass
class Article:
    """What the claim rules know about the whole text (built once by :func:`extract_claims`)."""

    text: str
    sentences: list[Sentence]
    pub: PubDate | None
    dates: list[DateMatch]
    gz: Gazetteer
    numbers: list[NumberMatch]
    place_counts: Counter = field(default_factory=Counter)
    country_places: list[tuple[int, str]] = field(default_factory=list)
    mission: str | None = None
    prev_claim: dict | None = None
    prev_claim_sent: int = -10
    seen: set = field(default_factory=set)

    @classmethod
    def build(cls, text: str, sentences: list[Sentence], pub: PubDate | None, dates: list[DateMatch],
              gz: Gazetteer) -> Article:
        art = cls(text, sentences, pub, dates, gz, find_numbers(text))
        for m in gz.country_rx.finditer(text):
            c = gz.country_forms[m.group()]
            if m.group() == c:  # noun forms name places; "in X" counts double
                art.place_counts[c] += 2 if _prep(text, m.start()) else 1
                # countries named as places, for "in the country" (the home place counts without "in")
                if m.group() == gz.home or _prep(text, m.start()):
                    art.country_places.append((m.start(), m.group()))
        art.mission = gz.mission_in(text)
        return art


@dataclass
class Numbers:
    """The numbers of one sentence, their units from the noun after each, and the actors named."""

    index: int
    sent: Sentence
    stext: str
    nums: list[NumberMatch]
    units: list[tuple[str | None, int]]
    dates: list[DateMatch]
    mentions: list[Mention]


@dataclass
class Candidate:
    """One number on its way to a claim; ``None`` fields are not decided yet."""

    i: int
    n: NumberMatch
    unit: str
    uend: int
    kind: str | None = None
    value: float = 0.0
    value_max: float | None = None
    from_to: str | None = None


def extract_claims(text: str, sentences: list[Sentence], pub: PubDate | None, *,
                   dates: list[DateMatch] | None = None, gazetteer: Gazetteer = WORLD) -> list[dict]:
    """Force claims of ``text`` as dicts with the annotation fields plus ``start``/``end``.

    ``dates`` are the date expressions of ``text`` (:func:`~.dates.find_dates`), found here when
    not given; ``gazetteer`` names the missions, forces and places the rules know.
    """
    dates = find_dates(text, pub) if dates is None else dates
    art = Article.build(text, sentences, pub, dates, gazetteer)
    out: list[dict] = []
    for si, sent in enumerate(sentences):
        sn = _sentence_numbers(art, si, sent)
        if sn is not None:
            out.extend(_sentence_claims(art, sn))
    return out


def _sentence_numbers(art: Article, si: int, sent: Sentence) -> Numbers | None:
    """Step 1: the numbers of a sentence (not inside dates) and the unit noun after each."""
    if sent.furniture and not _table_row(art, sent):
        return None
    nums = [n for n in art.numbers if sent.start <= n.start < sent.end
            and not any(d.start <= n.start < d.end for d in art.dates)]
    if not nums:
        return None
    units: list[tuple[str | None, int]] = []
    for n in nums:
        if n.currency:
            units.append((f"million {n.currency}", n.end))
        elif n.percent:
            units.append(("percent", n.end))
        else:
            u, word, uend = _unit_after(art.text, n, sent.end)
            u, uend = _demonym_unit(art, sent, n, u, uend)
            u = _list_unit(art, sent, n, u)
            if u is None:
                bare = word is None or word in _NEXT_OK or word in "-–—,.;:)" or bool(re.fullmatch(r"[a-z]{3,}(?:ed|ing)", word or ""))
                u = None if bare else "__noun__"
                if n.multiplier in ("million", "billion", "trillion") and not n.words:
                    u = "__money__"  # "207.8 million": money in a sentence about money, else nothing
            units.append((u, uend))
    sdates = [d for d in art.dates if sent.start <= d.start < sent.end]
    return Numbers(si, sent, art.text[sent.start:sent.end], nums, units, sdates,
                   mentions(art.text, sent.start, sent.end, art.gz))


def _demonym_unit(art: Article, sent: Sentence, n: NumberMatch, u: str | None, uend: int) -> tuple[str | None, int]:
    """ "80 Slovenes" in a sentence about forces: troops of that country."""
    if u is not None:
        return u, uend
    w = re.match(r"\s+([A-Z][a-z]+s)\b", art.text[n.end:sent.end])
    if w and art.gz.country_of(w.group(1)) and re.search(r"\b(?:troops?|soldiers|forces?|battalion|contingent|peacekeep\w+)\b",
                                                           art.text[sent.start:sent.end], re.IGNORECASE):
        return "troops", n.end + w.end()
    return u, uend


def _list_unit(art: Article, sent: Sentence, n: NumberMatch, u: str | None) -> str | None:
    """Items of a list opened by a colon after a counted noun ("20 aircraft: 8 X, five Y")
    count the same thing."""
    head = art.text[sent.start:n.start]
    colon = head.rfind(":")
    if colon < 0 or u not in (None, "__noun__"):
        return u
    items = head[colon + 1:]
    if re.search(r"[.;]|\b(?:is|are|was|were|has|have|said|will)\b", items):
        return u
    m = re.search(r"([A-Za-z][\w-]*)\s*$", head[:colon])
    lw = m.group(1).lower() if m else ""
    return UNIT_NOUNS.get(lw, u)


def _sentence_claims(art: Article, sn: Numbers) -> list[dict]:
    """Steps 2-6 for each number of a sentence: unit, range, kind, as_of, actor, place."""
    cands: list[dict] = []
    for i in range(len(sn.nums)):
        c = _candidate(art, sn, i)
        if c is None or not _money_and_percent(art, sn, c, cands) or not _range(art, sn, c):
            continue
        claim = _finish(art, sn, c)
        _share_date(art, claim, cands)
        key = (claim["actor"], claim["mission_or_location"], claim["value"], claim["value_max"], c.unit, c.kind)
        key2 = (claim["actor"], claim["value"], claim["value_max"], c.unit, c.kind)
        if key in art.seen or key2 in art.seen:
            continue
        art.seen.update((key, key2))
        cands.append(claim)
        art.prev_claim, art.prev_claim_sent = claim, sn.index
    return cands


def _share_date(art: Article, claim: dict, cands: list[dict]) -> None:
    """Figures listed after a dated one of the same unit share its date ("2% of GDP in 2023,
    then X with 1.4% and Y with 1.2%") when their own clause gives none."""
    pub = art.pub.iso() if art.pub else None
    if claim["kind"] not in ("budget", "procurement") or claim["as_of"] not in (None, pub):
        return
    for prev in reversed(cands):
        if prev["unit"] == claim["unit"] and prev["as_of"] not in (None, pub):
            claim["as_of"] = prev["as_of"]
            return


def _is_label(art: Article, sn: Numbers, n: NumberMatch, unit: str | None) -> bool:
    """Years, ordinals and labels ("point 5", "1999") are not counts."""
    if n.currency or n.percent:
        return False
    if n.value < 2 or n.value != int(n.value) and unit is None:
        return True
    if 1900 <= n.value <= 2100 and "," not in n.raw and not n.words and unit not in UNIT_NOUNS.values():
        return True
    return bool(_NOT_COUNT_BEFORE.search(art.text[max(sn.sent.start, n.start - 20):n.start]))


def _bare_unit(art: Article, sn: Numbers, i: int) -> str | None:
    """The unit of a bare number: its range partner, "N of the M <unit>", or the force noun before it."""
    text, n, nums, units = art.text, sn.nums[i], sn.nums, sn.units
    nxt = nums[i + 1] if i + 1 < len(nums) else None
    if nxt is not None and re.fullmatch(r"\s+(?:[a-z\-]+\s+)?(?:to|and|or|-|–)\s+(?:" + _APPROXW + r"\s+)*|\s*[-–]\s*", text[n.end:nxt.start], re.IGNORECASE) and units[i + 1][0] not in (None, "__noun__", "__money__"):
        return units[i + 1][0]
    if nxt is not None and re.fullmatch(r"\s+of\s+(?:the|its|their)\s+(?:" + _APPROXW + r"\s+)*", text[n.end:nxt.start], re.IGNORECASE) and units[i + 1][0] not in (None, "__noun__"):
        return units[i + 1][0]
    region = text[sn.sent.start:n.start]
    if _list_item_of_forces(art, sn, n):
        return "troops"
    found = None
    for m in re.finditer(r"[A-Za-z][\w\-]*", region):
        lw = m.group().lower()
        if lw in _BEFORE_UNITS and (lw not in ("members", "staff") or _member_ctx(art, region)):
            found = _BEFORE_UNITS[lw]
    if found is None:
        for j in range(i - 1, -1, -1):
            if units[j][0] not in (None, "__noun__"):
                return units[j][0]
    if found is None:
        found = _unit_referred_back(art, sn, n)
    return found


# words that point back to a figure or force of the sentence before ("That number could fall to
# 300", "In 2010 it was cut to 10,000", "Of those, roughly 600 are American")
_BACK_REF = re.compile(
    r"\b(?:(?:that|this|the|its|their)\s+(?:number|figure|total|strength|size|contingent|force|presence|mission|deployment)|"
    r"it|they|of\s+(?:those|them|these|whom))\b", re.IGNORECASE)


def _unit_referred_back(art: Article, sn: Numbers, n: NumberMatch) -> str | None:
    """The unit of the figure of the sentence before (or earlier in this one) when a bare number's
    sentence points back to it and the number is a count of the same order of magnitude."""
    prev = art.prev_claim
    if prev is None or sn.index - art.prev_claim_sent > 1 or prev["unit"] not in _FORCE_UNITS:
        return None
    if not _BACK_REF.search(art.text[sn.sent.start:n.start]) or not float(n.value).is_integer():
        return None
    ref = float(prev["value"])
    return prev["unit"] if ref / 50 <= n.value <= ref * 50 else None


def _table_row(art: Article, sent: Sentence) -> bool:
    """A line of a table of figures by country: "Austria 160", "Italy: 715 troops"."""
    m = _ROW.fullmatch(sent.text.strip())
    return bool(m and art.gz.country_of(m.group("c")))


def _list_item_of_forces(art: Article, sn: Numbers, n: NumberMatch) -> bool:
    """ "Italy: 715; Germany: 400", "from Italy (715)" or a table row "Austria 160" in a text about
    troops or a mission (the sentence, the one before, or the heading above the table's rows):
    each item counts a country's soldiers."""
    before = [x for x in sn.mentions if x.kind == "country" and x.end <= n.start]
    row = _table_row(art, sn.sent)
    if not before or not (_ITEM_GAP.fullmatch(art.text[before[-1].end:n.start]) or row and art.text[before[-1].end:n.start].isspace()):
        return False
    if n.currency or n.percent or not float(n.value).is_integer():
        return False
    ctx = sn.stext
    k = sn.index - 1
    while k >= 0 and k >= sn.index - 40 and _table_row(art, art.sentences[k]):
        k -= 1  # the rows above, up to the table's heading
    if k >= 0:
        ctx = art.sentences[k].text + " " + ctx
    return bool(_NATION_CTX.search(ctx) or art.gz.mission_rx.search(ctx) or art.gz.force_rx.search(ctx))


def _member_ctx(art: Article, s: str) -> bool:
    return bool(_MEMBER_CTX.search(s) or art.gz.mission_rx.search(s) or art.gz.force_rx.search(s))


def _candidate(art: Article, sn: Numbers, i: int) -> Candidate | None:
    """Step 2: decide the unit of number ``i``, or drop it (labels, other nouns, casualties...)."""
    text, n = art.text, sn.nums[i]
    unit, uend = sn.units[i]
    if _is_label(art, sn, n, unit) or unit == "__noun__":
        return None
    if unit == "__money__":
        cur = next((x.currency for x in sn.nums if x.currency), None)
        if cur is None and sn.index > 0 and _BUDGET.search(sn.stext):
            # "received over 17 million for investments" after a sentence in euros: the same currency
            prev = art.sentences[sn.index - 1]
            cur = next((x.currency for x in art.numbers if prev.start <= x.start < prev.end and x.currency), None)
        if cur is None:
            return None
        n = replace(n, value=n.value / 1e6, currency=cur, percent=False, words=False)
        unit = f"million {cur}"
    if n.currency:
        # a conversion in brackets after another amount, or a difference ("$8 billion more than")
        if i and sn.nums[i - 1].currency and re.fullmatch(r"\s*\(\s*", text[sn.nums[i - 1].end:n.start]):
            return None
        if re.match(r"\s+(?:more|less|fewer|higher|lower)\s+than\b", text[n.end:min(sn.sent.end, n.end + 80)]):
            return None
    if unit is None and (not n.words or n.value >= 100):
        unit = _bare_unit(art, sn, i)
        if unit is None or unit.startswith("million") or unit == "percent":
            return None
    if unit is None:
        return None
    if unit == "troops" and re.match(r"\s+(?:[\w-]+\s+){0,3}?(?:task|security|armed|special|air|naval|land)\s+forces\b", text[n.end:uend + 1], re.IGNORECASE):
        return None  # "five brigade-sized task forces": formations, not soldiers
    if unit in _FORCE_UNITS and not float(n.value).is_integer():
        if not re.fullmatch(r"\d{1,3}\.\d{3}", n.raw.strip()):
            return None  # "1.5 soldiers" is not a count
        n = NumberMatch(n.start, n.end, float(n.raw.replace(".", "")), n.approx, n.approx_word, None, False, False, None, n.raw)
    if unit == "nations" and not (_NATION_CTX.search(sn.stext) or art.gz.mission_rx.search(sn.stext)):
        return None
    if unit == "personnel" and text[:uend].lower().endswith("members") and not (
            _member_ctx(art, text[n.end:uend + 40]) or n.value >= 100 and _member_ctx(art, sn.stext)):
        return None
    near = text[max(sn.sent.start, n.start - 25):min(sn.sent.end, max(uend, n.end) + 45)]
    if unit in _FORCE_UNITS and (_CASUALTY.search(near) or _AUDIENCE.search(text[max(sn.sent.start, n.start - 60):n.start])):
        return None
    return Candidate(i, n, unit, uend, value=n.value)


def _percent_unit(art: Article, sn: Numbers, c: Candidate, cands: list[dict]) -> bool:
    """Unit and kind of a percent: of GDP, of the defence budget, an increase or a cut."""
    n = c.n
    pre = art.text[sn.sent.start:n.start].lower()
    before = art.text[(sn.nums[c.i - 1].end if c.i else sn.sent.start):n.start]
    after = art.text[n.end:min(sn.sent.end, n.end + 80)]
    gdp = r"(?:gdp|gross\s+domestic\s+product|national\s+income)"
    owner = r"(?:the\s+|its\s+|their\s+|our\s+|[A-Z][\w.]*(?:'s|’s)\s+)?"
    by = r"\bby\s+(?:more\s+than\s+|over\s+|about\s+|around\s+|nearly\s+|roughly\s+|some\s+|up\s+to\s+|almost\s+)?$"
    if re.match(r"\s*of\s+" + owner + gdp, after, re.IGNORECASE):
        c.unit, c.kind = "percent of GDP", "budget"
    elif re.match(r"\s*(?:troop\s+|force\s+|personnel\s+)?(?:reduction|cut|drawdown)\b", after, re.IGNORECASE):
        c.unit, c.kind = "percent cut", "reduction"  # "a 15% troop reduction"
    elif re.search(r"\b(?:rais\w*|increas\w*|boost\w*|grew|grow\w*|rose|rise\w*|up)\b.*" + by, pre) or re.search(
            r"\b(?:up|(?:an\s+)?increase\s+of|(?:a\s+)?rise\s+of|growth\s+of)\s+(?:about\s+|around\s+|nearly\s+|almost\s+|some\s+)?$", before, re.IGNORECASE):
        c.unit = "percent increase"
        c.kind = "budget" if _BUDGET.search(before) or any(x.currency for x in sn.nums) else "reinforcement"
    elif re.search(r"\b(?:cut\w*|reduc\w+|decreas\w+|slash\w*|lower\w*)\b.*" + by, pre):
        annual = re.match(r"\s*(?:a|per|each|every)\s+year|\s*(?:in\s+)?each\s+of\s+the\s+next|\s*annually", after, re.IGNORECASE)
        c.unit = "percent annual cut" if annual else "percent cut"
        c.kind = "budget" if _BUDGET.search(sn.stext) else "reduction"
    elif (any(x["unit"] == "percent of GDP" for x in cands) and (re.search(r"\b(?:from|to|up|down|compared|with)\b", before)
                                                                  and not re.match(r"\s*of\b", after))) or re.match(
            r"\s*(?:to|and|-|–)\s+(?:" + _APPROXW + r"\s+)*[\d.]+\s*(?:%|percent|per\s+cent)\s+of\s+" + owner + r"(?:gdp|gross\s+domestic)", after, re.IGNORECASE):
        c.unit, c.kind = "percent of GDP", "budget"  # "2.2% of GDP, up from 1.6%"; "from 1.35% to 1.76% of GDP"
    elif _BUDGET.search(sn.stext):
        c.unit, c.kind = "percent of defence budget", "budget"
    else:
        return False
    return True


def _money_and_percent(art: Article, sn: Numbers, c: Candidate, cands: list[dict]) -> bool:
    """Step 3: kinds of money, percents and equipment; False drops the number."""
    if c.n.percent:
        return _percent_unit(art, sn, c, cands)
    if c.n.currency:
        c.kind = "procurement" if _PROCURE.search(sn.stext) else "budget"
        # money about forces: the sentence (or the one before) speaks of a budget, arms or the military
        si = sn.index
        ctx = sn.stext + " " + (art.text[art.sentences[si - 1].start:art.sentences[si - 1].end] if si else "")
        return bool(_BUDGET.search(sn.stext) or _PROCURE.search(sn.stext) or _MONEY_CTX.search(ctx)
                    or art.gz.mission_rx.search(ctx) or art.gz.force_rx.search(ctx))
    if c.unit not in _FORCE_UNITS and c.unit not in ("nations", "contingents"):
        c.kind = "procurement"
    return True


def _range(art: Article, sn: Numbers, c: Candidate) -> bool:
    """Step 4: "from A to B" (two claims) and "between A and B" (one range); False drops the upper end."""
    text, n, nums, start = art.text, c.n, sn.nums, sn.sent.start
    nxt = nums[c.i + 1] if c.i + 1 < len(nums) else None
    prv = nums[c.i - 1] if c.i else None
    from_before = r"\bfrom\s+(?:" + _APPROXW + r"\s+)*$"
    if nxt is not None and re.search(from_before, text[max(start, n.start - 30):n.start], re.IGNORECASE) and re.fullmatch(_FROM_TO_MID, text[n.end:nxt.start], re.IGNORECASE):
        c.from_to = "from"
    elif prv is not None and re.search(from_before, text[max(start, prv.start - 30):prv.start], re.IGNORECASE) and re.fullmatch(_FROM_TO_MID, text[prv.end:n.start], re.IGNORECASE):
        c.from_to = "to"
    elif nxt is not None and re.search(r"\bbetween\s+$", text[max(start, n.start - 12):n.start], re.IGNORECASE) and re.fullmatch(r"\s+and\s+", text[n.end:nxt.start]):
        c.value_max = nxt.value
    elif prv is not None and re.search(r"\bbetween\s+$", text[max(start, prv.start - 12):prv.start], re.IGNORECASE) and re.fullmatch(r"\s+and\s+", text[prv.end:n.start]):
        return False  # the upper end of a range already taken
    elif nxt is not None and _plain_range(text, start, n, nxt):
        c.value_max = nxt.value  # "400 to 900 troops", "200-300 soldiers"
    elif prv is not None and _plain_range(text, start, prv, n):
        return False
    return True


def _plain_range(text: str, start: int, a: NumberMatch, b: NumberMatch) -> bool:
    """``a`` to ``b`` as a range of one figure: "400 to 900", "200-300" (not "from A to B", not a
    change "cut ... to B" nor money converted in brackets)."""
    if not re.fullmatch(r"\s*(?:to|-|–)\s*", text[a.end:b.start]) or b.value <= a.value:
        return False
    if bool(a.currency) != bool(b.currency) or a.percent != b.percent and not b.percent:
        return False
    return not re.search(r"\b(?:from|rais\w*|increas\w*|cut\w*|reduc\w*|grow\w*|grew|rose|fell|dropped)\b[^.;,]*$",
                         text[max(start, a.start - 60):a.start], re.IGNORECASE)


def _kind(art: Article, sn: Numbers, c: Candidate, clause_a: int) -> str:
    """Step 5: strength, planned, reduction, reinforcement or historical (money kinds are set)."""
    if c.kind is not None:
        return c.kind
    text, n, stext = art.text, c.n, sn.stext
    sent_before = text[sn.sent.start:n.start]
    before = text[(sn.nums[c.i - 1].end if c.i else sn.sent.start):n.start]
    after_local = text[n.end:min(sn.sent.end, max(c.uend, n.end) + 40)]
    if c.from_to:
        if _FUTURE.search(stext):
            return "strength" if c.from_to == "from" else "planned"
        if _PERFECT_CHANGE.search(stext):  # "has grown from A to B": B is today's size
            return "historical" if c.from_to == "from" else "strength"
        if _PAST_CHANGE.search(stext):
            return "historical"
        return "strength" if c.from_to == "from" else "planned"
    if _FLOOR.search(sent_before):
        return "planned"
    red = _REDUCTION.search(sent_before)
    if red and not _negated(sent_before, red.start()):
        return "reduction"
    rein = _REINF.search(before)
    if (rein and not _negated(before, rein.start())) or _REINF_AFTER.match(text[n.end:]):
        return "reinforcement"
    if _RED_AFTER.match(text[n.end:]):
        return "reduction"
    if _HIST.search(before) or _HIST.search(text[clause_a:n.start]):
        return "historical"
    if _PRESENT.search(after_local[:40]) or _PRESENT.search(before):
        return "strength"
    fut = _FUTURE.search(text[clause_a:n.start])
    if (fut and not _negated(text[clause_a:n.start], fut.start() + 1)) or re.match(r"[^.;,]{0,30}?\b(?:will|would)\b", text[max(c.uend, n.end):sn.sent.end]):
        return "planned"
    return "strength"


def _finish(art: Article, sn: Numbers, c: Candidate) -> dict:
    """Step 6: kind, as_of, actor and place of a candidate; the claim as a dict."""
    n = c.n
    clause_a, clause_b = _clause(art.text, sn.sent, n.start)
    c.kind = _kind(art, sn, c, clause_a)
    next_start = sn.nums[c.i + 1].start if c.i + 1 < len(sn.nums) else sn.sent.end
    as_of = _as_of(art, sn, n, c.kind, clause_a, clause_b, next_start, c.from_to)
    if c.kind == "strength" and as_of and art.pub and int(as_of[:4]) < art.pub.year - 1 and not re.search(r"\bas\s+of\b", art.text[clause_a:clause_b]):
        c.kind = "historical"
    if c.kind == "strength" and art.pub and not sn.dates and _PAST_STATE.search(art.text[sn.sent.start:n.start]):
        # "Its commander then led 900 soldiers" after a dated sentence
        past = _as_of(art, sn, n, "historical", clause_a, clause_b, next_start)
        if past and int(past[:4]) < art.pub.year - 1:
            c.kind, as_of = "historical", past
    recent = sn.index - art.prev_claim_sent
    actor = _actor(art, sn, c, art.prev_claim if recent <= 2 else None)
    location = _location(art, sn, c, actor, art.prev_claim if recent <= 6 else None)
    return {
        "actor": actor, "mission_or_location": location, "value": _num(c.value),
        "value_max": _num(c.value_max) if c.value_max is not None else None, "unit": c.unit, "as_of": as_of,
        "approx": bool(n.approx), "kind": c.kind, "sentence": sn.stext, "start": n.start, "end": n.end,
    }


def _negated(s: str, at: int) -> bool:
    """True when the verb at ``s[at]`` is negated ("no plans to cut", "will not withdraw")."""
    return bool(re.search(r"\b(?:no|not|never|without|against|refus\w+|den(?:y|ies|ied)|rul\w+\s+out)\b|n[’']t\b", s[max(0, at - 30):at], re.IGNORECASE))


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def _as_of(art: Article, sn: Numbers, n: NumberMatch, kind: str, clause_a: int, clause_b: int, next_start: int,
           from_to: str | None = None) -> str | None:
    """The time a figure refers to: its clause's date, a date opening the sentence, the statement's
    date, else the publication date (None for undated articles)."""
    text, sent = art.text, sn.sent
    # the second year of "2022-2023" is the end of a span that starts with the first
    usable = [d for d in sn.dates if d.prep not in ("since", "from") and d.date is not None and d.granularity != "week"
              and not re.search(r"\d{4}\s*[-–]\s*$", text[max(sent.start, d.start - 6):d.start])]
    # 0. the year of the budget a figure belongs to ("its 2024 defence budget")
    if kind in ("budget", "procurement"):
        for d in usable:
            if d.granularity == "year" and re.match(r"\s+(?:[\w-]+\s+){0,2}?(?:budget|spending|expenditure)\b", text[d.end:d.end + 40], re.IGNORECASE):
                return d.date
            # "the budget for next year", "spending planned for 2019"
            if d.granularity == "year" and not any(clause_a <= e.start < clause_b for e in usable) and re.search(
                    r"\b(?:budget|spending|expenditure)\w*\s+(?:\w+\s+)?for\s+(?:the\s+)?(?:(?:fiscal|financial)\s+)?(?:year\s+)?$",
                    text[max(sent.start, d.start - 60):d.start], re.IGNORECASE):
                return d.date
    # 1. a date in the number's clause
    in_clause = [d for d in usable if clause_a <= d.start < clause_b and d.prep != "of"]
    in_clause = _own_dates(sn, n, in_clause, clause_a, clause_b, from_to)
    if in_clause:
        return min(in_clause, key=lambda d: abs(d.start - n.start)).date
    aside = _date_set_off_before(art, sn, usable, clause_a)
    if aside is not None:
        return aside.date
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
            first = art.sentences[max(0, sn.index - 3)].start
            prev = [d for d in art.dates if d.end <= sent.start and not d.relative and d.date and d.start >= first]
            if prev:
                return prev[-1].date[:4]
        # a past figure with no date of its own continues the sentence before, when that one is dated
        # ("In 2005 the battalion led the task force. Its commander had some 900 troops.")
        if sn.index and not sn.dates:
            ps = art.sentences[sn.index - 1]
            prev = [d for d in art.dates if ps.start <= d.start < ps.end and not d.relative and d.date
                    and d.prep not in ("since",)]
            if prev:
                return prev[0].date[:4]
        return None
    return art.pub.iso() if art.pub else None


def _date_set_off_before(art: Article, sn: Numbers, usable: list[DateMatch], clause_a: int) -> DateMatch | None:
    """A date that stands alone between commas just before the figure's clause, inside the
    sentence ("and, two years later, to 6,200"; "then, in 2013, to 5,000"): the clause holds the
    date and at most a conjunction or preposition besides."""
    if clause_a <= sn.sent.start + 1:
        return None
    pa, pb = _clause(art.text, sn.sent, clause_a - 2)
    if pa <= sn.sent.start:
        return None  # a date opening the sentence: see the rule for those (step 2 of _as_of)
    inside = [d for d in usable if pa <= d.start and d.end <= pb]
    if len(inside) != 1:
        return None
    d = inside[0]
    rest = (art.text[pa:d.start] + " " + art.text[d.end:pb]).split()
    return d if len(rest) <= 2 and not any(ch.isdigit() for w in rest for ch in w) else None


def _own_dates(sn: Numbers, n: NumberMatch, dates: list[DateMatch], a: int, b: int, from_to: str | None) -> list[DateMatch]:
    """The dates of a clause that belong to figure ``n``: a date between two figures belongs to the
    nearer one ("from €123 million this year to €150 million in 2025"); a date before or after all
    of them to each, except that the start of "from A to B" does not take a date after B ("cut from
    14,000 to 10,000 by January")."""
    figs = [x for x in sn.nums if a <= x.start < b]
    out = []
    for d in dates:
        between = any(x.end <= d.start for x in figs) and any(x.start >= d.end for x in figs)
        if between and min(figs, key=lambda x: _gap(sn.sent.text, sn.sent.start, x, d)).start != n.start:
            continue
        if not between and from_to == "from" and d.start >= n.end and any(n.end <= x.start < d.start for x in figs):
            continue
        out.append(d)
    return out


def _gap(sent_text: str, offset: int, n: NumberMatch, d: DateMatch) -> int:
    """Characters between a number and a date expression (either before the other). A date after
    the number is counted from the end of the number's noun ("1,400 troops in 2019": the date
    follows its figure, however long the noun)."""
    if d.start < n.end:
        return max(n.start - d.end, 0)
    m = _UNIT_PHRASE.match(sent_text, n.end - offset, d.start - offset)
    return d.start - (offset + m.end() if m else n.end)


# the counted noun right after a figure, with up to two words before it ("1,400 U.S. troops")
_UNIT_PHRASE = re.compile(r"\s*(?:[\w.’'-]+\s+){0,2}?(?:" + "|".join(sorted(map(re.escape, UNIT_NOUNS), key=len, reverse=True))
                          + r")\b", re.IGNORECASE)


def _actor(art: Article, sn: Numbers, c: Candidate, prev_claim: dict | None) -> str:
    """Whose forces: in the number's noun phrase, the mission's actor for contributing nations, the
    demonym of the force noun, the subject for its/their, the nearest actor before, else earlier."""
    text, sent, n, uend, unit, gz = art.text, sn.sent, c.n, c.uend, c.unit, art.gz
    smentions = sn.mentions
    # 1. in the noun phrase of the number ("830 U.S. troops", "600 from the United States")
    for x in smentions:
        if n.end <= x.start < max(uend, n.end):
            return x.actor
    # an item of a list or table: "Austria: 160", "Italy (715)"
    for x in smentions:
        if x.end <= n.start and x.kind == "country" and (_ITEM_GAP.fullmatch(text[x.end:n.start]) or (
                text[x.end:n.start].isspace() and _table_row(art, sent))):
            return x.actor
    m = re.match(r"\s+(?:of\s+them\s+)?from\s+(?:the\s+)?", text[n.end:n.end + 20])
    if m and unit not in ("nations",):
        for x in smentions:
            if x.start == n.end + m.end():
                return x.actor
    # 2. counts of contributing nations belong to the mission's alliance
    stext = sn.stext
    if unit in ("nations",):
        named = gz.mission_in(stext)
        if named is None and art.mission and re.search(r"peacekeeping|mission", stext):
            named = art.mission
        if named and gz.org_actor.get(named):
            return gz.org_actor[named]
    # 3. the demonym of the force noun before a bare number ("number of Austrian soldiers ... 400")
    region = text[sent.start:n.start]
    fn = list(re.finditer(r"\b(?:troops?|soldiers|forces?|personnel|peacekeepers|contingent|members)\b", region))
    if fn and uend <= n.end and not any(fn[-1].end() + sent.start <= x.start < n.start for x in smentions):
        k = fn[-1].start() + sent.start
        for x in reversed(smentions):
            # the demonym qualifies the noun ("Austrian soldiers", "Austrian KFOR soldiers"),
            # not a place before a verb ("in Kosovo numbers ... troops")
            if k - 30 <= x.start < k and re.fullmatch(r"\s+(?:[\w-]+\s+){0,2}", text[x.end:k]) and not x.prepositional:
                return x.actor
    # 4. its/their: the subject of the sentence
    near = text[max(sent.start, n.start - 25):max(uend, n.end)]
    if re.search(r"\b(?:its|their)\b", near):
        subj = [x for x in smentions if not x.prepositional]
        if subj:
            return subj[0].actor
    return _actor_nearby(art, sn, c, prev_claim)


def _actor_nearby(art: Article, sn: Numbers, c: Candidate, prev_claim: dict | None) -> str:
    """Step 5 of the actor: the nearest actor named before the number (not inside "in/with/from X"
    nor a relative clause), after it, the previous claim's, or the subject of earlier sentences."""
    text, sent, n, gz = art.text, sn.sent, c.n, art.gz
    rel = [(sent.start + m.start(), sent.start + m.end()) for m in re.finditer(r",\s+(?:which|who|whose|that)\b[^,]*,", sn.stext)]
    smentions = [x for x in sn.mentions if not any(a <= x.start < b for a, b in rel)]
    before = [x for x in smentions if x.start < n.start and not x.prepositional]

    def contributor(m: Mention) -> str:
        # a mission or alliance named between a contributing state and the number: the state is the actor
        org = m.kind[4:] if m.kind.startswith("org:") else None
        if org and (org in gz.missions or gz.org_actor.get(org) == org):
            states = [x for x in before if x.start < m.start and x.kind == "country"
                      and gz.country_forms.get(text[x.start:x.end]) == text[x.start:x.end]]
            if states:
                return states[-1].actor
        return m.actor

    # "Italy leads KFOR with roughly 800 troops, the United States with about 600"
    for m in reversed(smentions):
        if m.end <= n.start and re.fullmatch(r"\s*,?\s+with\s+(?:" + _APPROXW + r"\s+)*", text[m.end:n.start], re.IGNORECASE):
            return contributor(m) if not m.prepositional else m.actor
    if before:
        return contributor(before[-1])
    after = [x for x in smentions if x.start >= n.end and not x.prepositional]
    if after:
        return after[0].actor
    if prev_claim is not None:
        return prev_claim["actor"]
    # 6. the subject of the previous sentences
    for back in range(1, 4):
        if sn.index - back < 0:
            break
        ps = art.sentences[sn.index - back]
        pm = [x for x in mentions(text, ps.start, ps.end, gz) if not x.prepositional]
        if pm:
            return pm[0].actor
    return smentions[0].actor if smentions else "unknown"


def _own_force(art: Article, sn: Numbers, actor: str) -> str | None:
    """The actor's own force (from the gazetteer) when the sentence speaks of it or of its army."""
    force = art.gz.forces.get(actor)
    if force and (art.gz.force_rx.search(sn.stext) or re.search(r"\b(?:army|armed forces|troop|soldiers|reservists|defen[cs]e)\b", sn.stext, re.IGNORECASE)):
        return force
    return None


def _place_candidates(art: Article, sn: Numbers) -> list[tuple[int, str]]:
    """Places the sentence names: gazetteer places, countries after a preposition, "the country"."""
    text, sent, stext, gz = art.text, sn.sent, sn.stext, art.gz
    cands: list[tuple[int, str]] = [(sent.start + m.start(), gz.places[m.group()]) for m in gz.place_rx.finditer(stext)]
    for m in gz.country_rx.finditer(stext):
        c = gz.country_forms[m.group()]
        s = sent.start + m.start()
        if m.group() == c and _prep(text, s) and not gz.peoples_rx.match(text[s + len(m.group()):s + len(m.group()) + 14]):
            if re.search(r"\b(?:with|against|toward|towards)\s+(?:the\s+)?$", text[max(0, s - 12):s]):
                continue
            cands.append((s, c))
    for m in re.finditer(r"\b(?:in|to)\s+the\s+country\b", stext):
        prevs = [c for p, c in art.country_places if p < sent.start + m.start()]
        if prevs:
            cands.append((sent.start + m.start(), prevs[-1]))
    return cands


def _location(art: Article, sn: Numbers, c: Candidate, actor: str, prev_claim: dict | None) -> str:
    """The mission or place of a claim: a mission the sentence names, the actor's own force, the
    nearest place, the actor's country for money, the previous claim's, the text's main place."""
    stext, gz, kind, n = sn.stext, art.gz, c.kind, c.n
    if _FOREIGN.search(stext):
        return "foreign missions"
    named = gz.mission_in(stext)
    if named:
        return named
    if _table_row(art, sn.sent):
        # a row of a table: the mission or place of the table's heading, else of the row before
        k = sn.index - 1
        while k >= 0 and _table_row(art, art.sentences[k]):
            k -= 1
        heading = art.sentences[k].text if k >= 0 else ""
        named = gz.mission_in(heading)
        if named:
            return named
        if prev_claim is not None and art.prev_claim_sent is not None and art.prev_claim_sent > k:
            return prev_claim["mission_or_location"]
    force = _own_force(art, sn, actor)
    if force:
        return force
    if art.mission and actor == gz.org_actor.get(art.mission) and re.search(r"\bmission\b", stext):
        return art.mission
    cands = _place_candidates(art, sn)
    if len(cands) > 1 or (cands and cands[0][1] == actor and kind not in ("budget", "procurement")):
        others = [x for x in cands if x[1] != actor]
        cands = others or cands
    own = gz.forces.get(actor)
    if cands and kind not in ("budget", "procurement"):
        loc = min(cands, key=lambda x: abs(x[0] - n.start))[1]
        return own if own and loc == actor else loc
    if own:
        return own
    if kind in ("budget", "procurement") and actor != "unknown":
        return actor
    if prev_claim is not None and c.unit in _FORCE_UNITS and prev_claim["actor"] == actor:
        return prev_claim["mission_or_location"]
    if cands:
        return cands[0][1]
    places = [p for p, _ in art.place_counts.most_common() if p != actor]
    return places[0] if places else actor
