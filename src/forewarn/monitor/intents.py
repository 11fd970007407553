"""Statements of what an actor intends, has decided or has begun to do with its forces.

News often reports a drawdown or a build-up before any figure exists: "the US wants to cut its
contingent", "Washington will withdraw 300 soldiers by next spring", "the first units have left".
:func:`extract_intents` finds such statements and gives each an :class:`Intent`:

- **action**: ``reduce`` (cut, withdraw, pull out, draw down, scale back, shrink, leave) or
  ``reinforce`` (deploy, send, reinforce, boost, mass, concentrate, build up);
- **level**: ``intent`` (wants, seeks, plans, considers, proposes, presses for, could) <
  ``decision`` (will, is to, decided, announced, ordered, approved) < ``under_way`` (has begun,
  have left, are withdrawing, withdrew); a statement with no cue is an ``intent``;
- **actor**: the state or organisation that acts (the subject named before the verb);
- **target**: the mission or place acted on: the first one named after the action word in its
  clause, else the nearest before it, else the mission the whole text is about;
- **size** and **unit**: the number of troops (or the percent) the sentence states, ``whole``
  when it says all of them; **timing**: a date in the sentence (``by next spring``), ISO;
- the ``sentence`` and the ``start``/``end`` offsets of the action word.

A statement needs a word about forces (troops, soldiers, units, contingent, presence, forces, a
mission of the gazetteer); denials ("denied", "no plans to", "will not") are not intents.

>>> [i.as_dict()["level"] for i in extract_intents("The US wants to cut its troops in Europe.")]
['intent']
>>> it = extract_intents("Washington will withdraw 300 soldiers from the mission by 2027.")[0]
>>> (it.actor, it.action, it.level, int(it.size), it.timing)
('United States', 'reduce', 'decision', 300, '2027')
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .dates import DateMatch, PubDate, find_dates, parse_pub_date
from .gazetteer import WORLD, Gazetteer
from .numbers import find_numbers
from .text import Sentence, split_sentences

__all__ = ["Intent", "LEVELS", "ACTIONS", "extract_intents", "level_rank"]

#: Levels of a statement, weakest first.
LEVELS = ("intent", "decision", "under_way")
#: What an actor does with its forces.
ACTIONS = ("reduce", "reinforce")

_REDUCE = (r"sen(?:d|ds|ding|t)\s+(?:\w+\s+)?home|cut(?:s|ting)?|reduc\w+|withdr[ae]w\w*|pull\w*\s+(?:out|back)|pulled\s+(?:out|back)|draw\w*\s+down|drew\s+down|"
           r"drawdown|scal\w+\s+(?:down|back)|downsiz\w+|shrink\w*|shrank|smaller|slash\w*|"
           r"bring\w*\s+home|brought\s+home|leav(?:e|es|ing)|left|depart\w*|exit\w*")
_REINFORCE = (r"deploy\w*|send(?:s|ing)?|sent|dispatch\w*|reinforc\w+|boost\w*|bolster\w*|mass(?:es|ed|ing)?|amass\w*|"
              r"concentrat\w+|build\w*\s+up|built\s+up|build-up|buildup|mov(?:e|es|ed|ing)\s+(?:\w+\s+){0,3}?(?:to|towards|near|closer)")
_ACTION_RX = re.compile(r"\b(?:(?P<reduce>" + _REDUCE + r")|(?P<reinforce>" + _REINFORCE + r"))\b", re.IGNORECASE)
# words that tie a statement to armed forces
_FORCE_RX = re.compile(r"\b(?:troops?|soldiers?|servicemen|service\s+members|units?|contingents?|presence|forces?|"
                       r"battalions?|brigades?|peacekeep\w+|personnel|military|deployment|garrisons?)\b", re.IGNORECASE)
# verbs of leaving need forces as their subject ("the first units have left"), not "left the meeting"
_LEAVING = re.compile(r"^(?:leav(?:e|es|ing)|left|depart\w*|exit\w*)$", re.IGNORECASE)
_INTENT_CUE = re.compile(
    r"\b(?:wants?|wanted|wanting|wish\w*|seeks?|sought|seeking|aims?|aimed|intends?|intended|plans?|planned|planning|"
    r"consider\w*|mull\w*|weigh\w*|propos\w+|push\w*\s+(?:for|to)|press\w*|urg\w+|asks?|asked|call\w*\s+for|"
    r"could|may|might|would\s+like|is\s+expected|are\s+expected|reportedly|possible|prospect|idea|option)\b",
    re.IGNORECASE)
_DECISION_CUE = re.compile(
    r"\b(?:will|shall|is\s+to|are\s+to|set\s+to|going\s+to|decid\w+|decision|announc\w+|order\w*|approv\w+|"
    r"agreed|confirm\w*|commit\w*|sign\w*)\b", re.IGNORECASE)
_UNDER_WAY_CUE = re.compile(
    r"\b(?:ha(?:s|ve)\s+(?:already\s+)?(?:begun|started|been)|began|begin(?:s|ning)?|start\w*|under\s*way|"
    r"(?:is|are)\s+(?:now\s+)?\w+ing|first|already|complet\w+|finished)\b", re.IGNORECASE)
_PAST_ACTION = re.compile(r"^(?:withdrew|withdrawn|pulled\s+\w+|drew\s+down|left|departed|exited|sent|deployed|"
                          r"reduced|shrank|brought\s+home|moved.*|massed|amassed|concentrated|reinforced|built\s+up)$",
                          re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:no|not|never|without|den(?:y|ies|ied|ial)|reject\w*|rul\w+\s+out|dismiss\w*|"
                       r"refus\w+|against|stop\w*|halt\w*|freez\w+|froze|block\w*|restrict\w*|limit\w*|prevent\w*|"
                       r"postpon\w+|delay\w*|suspend\w*|bar\w*|prohibit\w*|reversed?)\b|n[’']t\b", re.IGNORECASE)
_NOT_FORCES_BEFORE = re.compile(r"\b(?:budget|spending|tax|price|cost|tariff|interest[- ]rate|funding)\s+$", re.IGNORECASE)
# a participle after a force noun or a state verb describes where forces are, not a move
_STATE_BEFORE = re.compile(r"\b(?:troops|soldiers|peacekeepers|forces|contingents?|personnel|units|currently|usually|"
                           r"also|already|now|still|are|is|were|was|be|been|being|remain\w*)\s+(?:\w+\s+)?$", re.IGNORECASE)
# money or ties raised, not forces ("boost defence spending")
_NOT_FORCES_AFTER = re.compile(r"^\s+(?:\w+\s+){0,2}?(?:spending|budgets?|funding|investments?|cooperation|ties|"
                               r"relations|trade|prices?|taxes|costs?|tariffs?)\b", re.IGNORECASE)
_WHOLE = re.compile(r"\ball\s+(?:of\s+)?(?:its|their|the|US|U\.S\.)?\s*(?:\w+\s+)?(?:troops|soldiers|forces|units|personnel)\b"
                    r"|\bcomplete(?:ly)?\b|\bentire(?:ly)?\b|\bfull\s+withdrawal\b", re.IGNORECASE)
# a figure that states how large a force is now ("4,500 troops strong", "600 soldiers currently")
_CURRENT_SIZE = re.compile(r"^\s*(?:[\w-]+\s+){0,2}?(?:troops|soldiers|personnel|peacekeepers)?\s*(?:-?strong|currently|now|today|at\s+present)\b",
                           re.IGNORECASE)
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON_RX = re.compile(r"\b(?:(?P<rel>next|this|coming)\s+)?(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(?P<year>(?:19|20)\d\d))?\b",
                        re.IGNORECASE)
_TROOP_UNIT = re.compile(r"^\s*(?:[A-Z][\w.]*\s+){0,2}(?:\w+\s+)?(?:troops|soldiers|servicemen|service\s+members|personnel|"
                         r"peacekeepers|marines|paratroopers)\b")


@dataclass(frozen=True)
class Intent:
    """A statement that an actor intends, has decided or has begun to change its forces.

    ``start``/``end`` are offsets of the action word in the text; ``size`` is the stated number
    (troops, or percent when ``unit`` is ``percent``), ``whole`` True when the text says all of
    them; ``timing`` an ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) or None.
    """

    actor: str | None
    action: str
    level: str
    target: str | None
    size: float | None
    unit: str | None
    whole: bool
    timing: str | None
    sentence: str
    start: int
    end: int

    def as_dict(self) -> dict:
        """The fields as a dict (``size`` an int when whole)."""
        d = asdict(self)
        if isinstance(self.size, float) and self.size.is_integer():
            d["size"] = int(self.size)
        return d


def level_rank(level: str | None) -> int:
    """Position of a level in :data:`LEVELS` (-1 for None or an unknown level)."""
    return LEVELS.index(level) if level in LEVELS else -1


def extract_intents(text: str, sentences: list[Sentence] | None = None, pub: PubDate | str | None = None, *,
                    dates: list[DateMatch] | None = None, gazetteer: Gazetteer = WORLD) -> list[Intent]:
    """Statements of intent, decision or execution about forces, one per sentence and action.

    Parameters
    ----------
    text : str
        The article body.
    sentences : list of Sentence, optional
        Its sentences (split here when not given).
    pub : PubDate or str, optional
        The publication date, for relative timings ("next spring").
    dates : list of DateMatch, optional
        The text's date expressions (found here when not given).
    gazetteer : Gazetteer
        Actors, missions and places the rules know.
    """
    pub = parse_pub_date(pub) if isinstance(pub, str) else pub
    sentences = split_sentences(text) if sentences is None else sentences
    dates = find_dates(text, pub) if dates is None else dates
    out: list[Intent] = []
    for sent in sentences:
        if sent.furniture:
            continue
        seen: set[str] = set()
        for m in _ACTION_RX.finditer(text, sent.start, sent.end):
            action = "reduce" if m.group("reduce") else "reinforce"
            if action in seen:
                continue
            intent = _intent_at(text, sent, m, action, pub, dates, gazetteer)
            if intent is not None:
                seen.add(action)
                out.append(intent)
    return out


def _intent_at(text: str, sent: Sentence, m: re.Match, action: str, pub: PubDate | None,
               dates: list[DateMatch], gz: Gazetteer) -> Intent | None:
    """The statement around the action word ``m``, or None when it is not about forces or is denied."""
    stext = text[sent.start:sent.end]
    word = m.group()
    clause_start = _clause_start(text, sent.start, m.start())
    before = text[clause_start:m.start()]
    if not (_FORCE_RX.search(stext) or gz.mission_rx.search(stext) or gz.force_rx.search(stext)):
        return None
    if _LEAVING.match(word) and not (_FORCE_RX.search(before[-60:]) and re.search(r"\b(?:have|has|had|already|to|will|would|could|may)\s+(?:\w+\s+)?$", before)
                                     and not re.search(r"\bbe(?:en)?\s+$", before)):
        return None  # "left the meeting", "troops left in the country": leaving needs forces that go
    if word.lower().endswith("ed") and action == "reinforce" and _STATE_BEFORE.search(before[-40:]):
        return None  # "troops deployed in", "are deployed": where forces are, not a move
    if _NOT_FORCES_AFTER.match(text[m.end():m.end() + 40]) or _NOT_FORCES_BEFORE.search(before[-30:]):
        return None
    if word.lower() == "smaller" and not (re.search(r"\b(?:made|make|become|be|get)\s+(?:\w+\s+)?$", before[-25:])
                                          or _FORCE_RX.match(text[m.end():m.end() + 30].strip())):
        return None
    if _NEGATION.search(text[max(sent.start, m.start() - 60):m.start()]):
        return None
    if re.search(r"\bdeny|denied|denies|dismiss\w*|reject\w*\b", stext, re.IGNORECASE) and action == "reduce":
        return None
    level, cue = _level(before[-70:], word)
    cue_pos = m.start() - len(before[-70:]) + cue if cue is not None else None
    actor, target = _actor_target(text, sent, clause_start, m, gz, cue_pos)
    size, unit, whole = _size(text, sent, m)
    timing = _timing(text, sent, pub, dates)
    return Intent(actor, action, level, target, size, unit, whole, timing, stext, m.start(), m.end())


def _clause_start(text: str, sent_start: int, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last semicolon or "but"/"while" before it."""
    seg = text[sent_start:pos]
    cut = max([x.end() for x in re.finditer(r";|\bbut\b|\bwhile\b|\bwhereas\b", seg)], default=0)
    return sent_start + cut


def _level(before: str, word: str) -> tuple[str, int | None]:
    """The cue nearest the action word decides (its level and start in ``before``); past forms of
    the action are under way; no cue is an intent."""
    cues = []
    for level, rx in (("intent", _INTENT_CUE), ("decision", _DECISION_CUE), ("under_way", _UNDER_WAY_CUE)):
        for c in rx.finditer(before):
            cues.append((c.end(), c.start(), level))
    if cues:
        _, start, level = max(cues)
        return level, start
    if _PAST_ACTION.match(word) or word.lower().endswith("ing") and re.search(r"\b(?:is|are)\s+$", before):
        return "under_way", None
    return "intent", None


def _actor_target(text: str, sent: Sentence, clause_start: int, m: re.Match, gz: Gazetteer,
                  cue_pos: int | None = None) -> tuple[str | None, str | None]:
    """The acting state or organisation (the subject of the cue verb, else of the action), and the
    mission or place acted on."""
    from .claims import Mention, mentions

    ms = [x for x in mentions(text, sent.start, sent.end, gz) if not text.startswith("-led", x.end)]
    # a capital speaks for its government ("Washington wants")
    for cap, country in gz.capitals.items():
        for c in re.finditer(r"(?<![\w])" + re.escape(cap) + r"(?![\w])", text[sent.start:sent.end]):
            s = sent.start + c.start()
            prep = bool(re.search(r"\b(?:in|to|from|at|of|near|with)\s+$", text[max(0, s - 8):s]))
            ms.append(Mention(s, s + len(cap), country, "capital", prep))
    ms.sort(key=lambda x: (x.start, x.end))

    def is_mission(x) -> bool:
        return x.kind.startswith("org:") and x.kind[4:] in gz.missions

    limit = cue_pos if cue_pos is not None and any(x.end <= cue_pos for x in ms if not x.prepositional) else m.start()
    before = [x for x in ms if x.end <= limit and not x.prepositional and not is_mission(x)]
    after = [x for x in ms if x.start >= m.end() and not is_mission(x) and not x.prepositional]
    missions = [x for x in ms if is_mission(x)]
    actor = before[-1].actor if before else (after[0].actor if after else (missions[0].actor if missions else None))
    return actor, _target(text, sent, clause_start, m, gz)


def _places(text: str, a: int, b: int, gz: Gazetteer) -> list[tuple[int, str]]:
    """Missions, places and countries after a preposition in ``text[a:b]``: (start, name)."""
    seg = text[a:b]
    out = [(a + x.start(), gz.missions.get(gz.organisations.get(x.group(), x.group()), x.group()))
           for x in gz.mission_rx.finditer(seg)]
    out += [(a + x.start(), gz.places[x.group()]) for x in gz.place_rx.finditer(seg)]
    for x in gz.country_rx.finditer(seg):
        s = a + x.start()
        if re.search(r"\b(?:in|from|to|into|out\s+of|near|with|along|on)\s+(?:the\s+)?$", text[max(0, s - 14):s]):
            if not gz.peoples_rx.match(text[s + len(x.group()):s + len(x.group()) + 14]):
                out.append((s, gz.country_forms[x.group()]))
    return sorted(out)


def _target(text: str, sent: Sentence, clause_start: int, m: re.Match, gz: Gazetteer) -> str | None:
    """What is acted on: the first mission or place after the action word in its clause, else the
    nearest one before it in the clause, else the mission the whole text is about."""
    stop = re.search(r"[;]|,\s+(?:but|while|which|who)\b|\.\s", text[m.end():sent.end])
    end = m.end() + stop.start() if stop else sent.end
    after = _places(text, m.end(), min(end, m.end() + 90), gz)
    if after:
        return after[0][1]
    before = _places(text, clause_start, m.start(), gz)
    missions = [p for p in before if p[1] in gz.missions.values()]
    if missions or before:
        return (missions or before)[-1][1]  # "the KFOR force in Kosovo ... made smaller": the mission
    return gz.mission_in(text)


def _size(text: str, sent: Sentence, m: re.Match) -> tuple[float | None, str | None, bool]:
    """The stated number of troops (or percent) nearest the action word, and whether it is all of them."""
    best = None
    numbers = find_numbers(text[sent.start:sent.end])
    # "250 of its 700 troops": 250 is the size, 600 the whole it is part of
    part_of = {k + 1 for k in range(len(numbers) - 1)
               if re.fullmatch(r"\s+of\s+(?:its|their|the|our)\s+(?:\w+\s+)?",
                               text[sent.start + numbers[k].end:sent.start + numbers[k + 1].start])}
    for k, n in enumerate(numbers):
        start, end = sent.start + n.start, sent.start + n.end
        if k in part_of or _CURRENT_SIZE.match(text[end:end + 50]):
            continue  # "roughly 4,500 troops strong today": the force's size, not the size of the move
        if n.percent:
            unit = "percent"
        elif not n.currency and n.value >= 1 and float(n.value).is_integer() and (
                _TROOP_UNIT.match(text[end:end + 40]) or k + 1 in part_of and _TROOP_UNIT.match(
                    text[sent.start + numbers[k + 1].end:sent.start + numbers[k + 1].end + 40])):
            unit = "troops"
        else:
            continue
        dist = abs(start - m.end()) if start >= m.start() else abs(m.start() - end) + 5
        if best is None or dist < best[0]:
            best = (dist, n.value, unit)
    whole = bool(_WHOLE.search(text[sent.start:sent.end]))
    if best is None:
        return None, None, whole
    return best[1], best[2], whole


def _timing(text: str, sent: Sentence, pub: PubDate | None, dates: list[DateMatch]) -> str | None:
    """When it is to happen: a date in the sentence introduced by by/in/until/next, or a season."""
    for d in dates:
        if not (sent.start <= d.start < sent.end and d.date):
            continue
        ahead = pub is None or d.date > pub.iso()
        if d.prep in ("by", "until", "till", "before", "starting", "as of") or d.prep in ("in", "next", "during", "from", "") and ahead:
            if pub is not None and d.date[:len(pub.iso())] <= pub.iso() and d.prep not in ("by", "until", "till", "before"):
                continue  # the day it was said (a dateline, "on Monday"), not when it is to happen
            return d.date
    for s in _SEASON_RX.finditer(text, sent.start, sent.end):
        month = _SEASONS[s.group("season").lower()]
        if s.group("year"):
            return f"{s.group('year')}-{month:02d}"
        if pub is None:
            return None
        year = pub.year + 1 if (s.group("rel") or "").lower() == "next" or (pub.month or 1) > month else pub.year
        return f"{year}-{month:02d}"
    return None
