"""Quotes and their speakers.

Quotation marks are paired by position (an opening mark follows a space or starts a line, a
closing one is followed by a space or punctuation; straight marks with letters on both sides
toggle). A quote left open at the end of a paragraph continues when the next paragraph opens
with a quotation mark (the convention for quotes over several paragraphs); otherwise, or at the
end of the text, it is cut at its last complete sentence.

A quote is kept only when something attributes it:

1. a speech verb right after it (``"…," he said``; ``"…," said KFOR spokesman X``);
2. a speech verb (or ``according to``) before it in the same sentence (``X said KFOR was "…"``;
   ``X said: "…"``), whose subject is the speaker;
3. a colon ending the previous sentence that has a speech verb, or, for a quote that opens its
   sentence, the speaker of the previous sentence (a quote continuing a statement).

Speakers are normalised: titles are stripped, a surname alone resolves to the full name
mentioned earlier, ``he``/``she`` to the last person who spoke, ``it``/``they`` and ``the
statement`` to the last speaker (else the organisation the article names most), ``the force`` to
KFOR, ``the alliance`` to NATO, "a NATO official" to NATO with role ``official``; spellings that
differ only by diacritics are one speaker, written with the diacritics when the article or the
fact base has them. Names inside quotation marks (``"Bondsteel"``), nicknames and scare quotes
have no attribution and are dropped.
"""

from __future__ import annotations

from typing import Any

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from .gazetteer import WORLD, Gazetteer
from .names import CAP, ORG_HEAD, ROLE_WORD, VERB_RX, NameIndex, chunks, name_of_chunk
from .text import ABBREVIATIONS, Sentence, fold, sentence_at

__all__ = ["QuoteSpan", "find_quote_spans", "extract_quotes", "NameIndex"]

_OPENERS = "“„«"
_CLOSERS = "»"
_AMBIG = "\"”"
_MARK_RX = re.compile("[" + re.escape(_OPENERS + _CLOSERS + _AMBIG) + "]")
_GENERIC_DOC = re.compile(
    r"^(?:the|this|that|its|their|a|an)\s+(?:[\w\-]+\s+){0,3}?(?P<noun>statement|report|release|communiqu[ée]|"
    r"document|declaration|text|resolution|bill|law|response|reply|answer|letter|post|tweet|message|memo|"
    r"memorandum|readout|announcement|press\s+release|decision|order|directive|treaty|charter)\b",
    re.IGNORECASE,
)
_FORMAL_DOC = re.compile(
    r"\b(?:communiqu[ée]|declaration|document|resolution|law|treaty|charter|directive|point\s+\d+|paragraph\s+\d+|"
    r"article\s+\d+|the\s+bill|the\s+text)\b",
    re.IGNORECASE,
)
_ANAPHOR = re.compile(r"^(?:the|this)\s+(?P<noun>force|mission|alliance|ministry|embassy|government|army|command|department|"
                      r"office|agency|committee|council|commission|presidency|cabinet)$", re.IGNORECASE)
# "the minister", "the defence minister", "the leader": a person the text has introduced
_PERSON_ANAPHOR = re.compile(
    r"^(?:the|this|that)\s+(?:[\w-]+\s+){0,3}?(?P<noun>minister|president|leader|commander|general|spokes(?:man|woman|person)|"
    r"chief|secretary|premier|ambassador|envoy|head|chancellor|admiral|colonel)$", re.IGNORECASE)
_UNNAMED = re.compile(
    r"^(?:a|an|one|two|three|four|several|some|the|senior|other)?\s*(?P<org>.+?)\s+(?:senior\s+)?"
    r"(?P<who>officials?|spokes(?:man|woman|person|men|women|people)|sources?|diplomats?|representatives?|aides?|"
    r"staffers?|insiders?|officers?)\b",
    re.IGNORECASE)
# A person described, not named: "a commander from the mission", "the alliance's top diplomat",
# "a regional commander of KFOR". The noun is matched against the roles of the people the article
# names (before or after), so the description becomes that person when the article names them.
_DESCRIBED = re.compile(
    r"^(?:(?:a|an|one|the|its|their)\s+(?:(?P<owner>[\w.\- ]+?)(?:'s|’s)\s+)?|(?P<owner2>[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)?)(?:'s|’s)\s+)"
    r"(?:[\w-]+\s+){0,3}?"
    r"(?P<noun>commander|spokes(?:man|woman|person)|minister|general|ambassador|envoy|chief|head|diplomat|"
    r"officer|colonel|admiral|director|negotiator|representative|adviser|advisor)"
    r"(?:\s+(?:from|of|at|for|with|in)\s+(?P<org>.+))?$",
    re.IGNORECASE)
# what a description's noun may be called in a named person's role
_ROLE_SYNONYMS = {
    "diplomat": r"diplomat|foreign\s+minister|foreign\s+affairs|secretary\s+of\s+state|high\s+representative|ambassador|envoy",
    "spokesman": r"spokes(?:man|woman|person)", "spokeswoman": r"spokes(?:man|woman|person)", "spokesperson": r"spokes(?:man|woman|person)",
    "head": r"head|chief|director", "chief": r"chief|head|commander", "adviser": r"advis[eo]r", "advisor": r"advis[eo]r",
}
# "sources from the US administration", "officials of the mission": the organisation after the noun
_UNNAMED_OF = re.compile(
    r"^(?:a|an|one|two|three|four|several|some|the|senior|other|unnamed|anonymous)?\s*(?:senior\s+|unnamed\s+|anonymous\s+)?"
    r"(?P<who>officials?|sources?|diplomats?|representatives?|aides?|staffers?|insiders?|officers?)\s+"
    r"(?:from|of|in|at|within|close\s+to|inside)\s+(?P<org>.+)$",
    re.IGNORECASE)
_RELATIVE = re.compile(r"^(?:who|which|whose|whom)\b", re.IGNORECASE)
# "one of the officials", "the second diplomat", "the official": unnamed people met before
_UNNAMED_AGAIN = re.compile(
    r"^(?:(?:one|two|some|several|another)\s+of\s+the(?:m|\s+(?:\w+\s+)?(?:officials|diplomats|sources))|"
    r"(?:the|another)\s+(?:first|second|third|other|same|senior\s+)?\s*(?:official|diplomat|source)s?|"
    r"a\s+(?:second|third|fourth|further)\s+(?:official|diplomat|source)|one\s+(?:official|diplomat|source))$", re.IGNORECASE)
# "as she put it, "…"", "in his words, "…"": the words of the one named or last heard
_PUT_IT = re.compile(r"\b(?:as\s+(?P<who>[\w.'’ -]{1,40}?)\s+(?:put|puts)\s+it|in\s+(?P<poss>his|her|their|its)\s+(?:own\s+)?words)\b[\s,]*$",
                     re.IGNORECASE)
_LEADING = re.compile(r"^(?:but|and|however|meanwhile|also|so|yet|still|then|now|while|as|instead|moreover)\b[\s,]*", re.IGNORECASE)
_TRAILING = re.compile(
    r"(?:\s+(?:also|reportedly|then|later|further|again|previously|repeatedly|earlier|has|had|have|was|were|is|"
    r"would|will|once|already|even|just|himself|herself|only|publicly|officially|recently|now|had\s+been|has\s+been))+$",
    re.IGNORECASE,
)
_ADVERBIAL = re.compile(
    r"^(?:in|on|at|during|after|before|speaking|among|even|despite|while|with|following|since|until|when|for|"
    r"from|over|under|asked|last|this|earlier|later|yesterday|today)\b",
    re.IGNORECASE,
)
_NATIONAL_BODY = re.compile(
    r"(?P<c>\b(?-i:(?!(?:The|A|An|This|That)\s)[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?))(?:'s|’s)?\s+(?P<kind>(?:defen[cs]e|foreign|interior|finance)\s+)?"
    r"(?P<head>ministry|government|embassy|army|military|armed\s+forces|police)\b",
    re.IGNORECASE,
)


def _national_body(country: str, kind: str | None, head: str) -> str:
    """A readable name for a country's institution: ``Romania defence ministry``."""
    kind = (kind or "").strip().lower().replace("defense", "defence")
    return " ".join(p for p in (country, kind, head.lower()) if p)


_PASSIVE = re.compile(r"\b(?:was|were|been|be|being|is|are)\s*$")
_IT_WAS = re.compile(r"\bit\s+(?:was|is)\s*$")
_IMPERSONAL = re.compile(r"\bit\s+(?:was|is|has\s+been|had\s+been)\s+(?:also\s+|widely\s+|earlier\s+|further\s+)?$", re.IGNORECASE)
_PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person", "it": "org", "they": "any", "them": "any"}


@dataclass(frozen=True)
class QuoteSpan:
    """A quoted passage: the marks at ``open``/``close`` and the kept text ``text[start:end]``."""

    open: int
    close: int
    start: int
    end: int
    terminated: bool


@dataclass
class _Speaker:
    name: str
    role: str | None
    kind: str  # person | org


#: Returned by a speaker-resolution step that does not recognise the words (the next step tries).
_NOT_MINE = object()


@dataclass
class _State:
    last_unnamed: _Speaker | None = None  # the last unnamed official's organisation ("one of the officials")
    last: _Speaker | None = None
    last_person: _Speaker | None = None
    last_org: _Speaker | None = None
    addressee: _Speaker | None = None
    orgs_seen: Counter = field(default_factory=Counter)


def _mark_kind(text: str, i: int) -> str:
    c = text[i]
    if c in _OPENERS:
        return "open"
    if c in _CLOSERS:
        return "close"
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if (prev.isspace() or prev in "([{—–-/") and not nxt.isspace():
        return "open"
    if (nxt.isspace() or nxt in ",.;:!?)]}—–-") and not prev.isspace():
        return "close"
    return "toggle"


def _trim(text: str, a: int, b: int, terminated: bool) -> tuple[int, int] | None:
    """Trim the inner span ``[a, b)``: spaces, a trailing comma; unterminated quotes end at their last full sentence."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if not terminated:
        last = max((m.end() for m in re.finditer(r"[.!?…](?=\s|$)", text[a:b])), default=None)
        if last is None:
            return None
        b = a + last
    while b > a and text[b - 1] in ",;" :
        b -= 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if b - a >= 2 else None


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Pair the quotation marks of ``text`` into quoted spans (see the module docstring)."""
    marks = [(m.start(), _mark_kind(text, m.start())) for m in _MARK_RX.finditer(text)]
    if not marks and "‘" in text:
        # British style: single curly marks; ’ closes only before a space or punctuation
        marks = []
        for m in re.finditer("[‘’]", text):
            i = m.start()
            nxt = text[i + 1] if i + 1 < len(text) else " "
            prev = text[i - 1] if i > 0 else " "
            if m.group() == "‘":
                marks.append((i, "open"))
            elif (nxt.isspace() or nxt in ",.;:!?)") and not prev.isspace():
                marks.append((i, "close"))
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    cont_from = 0
    idx = 0
    while idx < len(marks):
        i, kind = marks[idx]
        if open_at is not None and text[open_at] == "„" and text[i] == "“":
            kind = "close"  # German style: „…“
        if open_at is not None:
            # a paragraph break inside an open quote: continue if the next paragraph reopens, else cut
            brk = text.find("\n", max(open_at, cont_from), i)
            if brk != -1:
                para_start = brk
                while para_start < len(text) and text[para_start].isspace():
                    para_start += 1
                if para_start == i and kind in ("open", "toggle"):
                    cont_from = i
                    idx += 1
                    continue
                if kind == "close" and text.find("\n", para_start, i) == -1:
                    # the next paragraph does not reopen but closes the quote ("…," X said):
                    # one statement over two paragraphs
                    cont_from = para_start
                    continue
                t = _trim(text, open_at + 1, brk, False)
                if t:
                    spans.append(QuoteSpan(open_at, brk, t[0], t[1], False))
                open_at = None
                continue
            if kind in ("close", "toggle"):
                t = _trim(text, open_at + 1, i, True)
                if t:
                    spans.append(QuoteSpan(open_at, i, t[0], t[1], True))
                open_at = None
            else:  # a second opener: the first one was never closed
                t = _trim(text, open_at + 1, i, False)
                if t:
                    spans.append(QuoteSpan(open_at, i, t[0], t[1], False))
                open_at = i
        elif kind in ("open", "toggle"):
            open_at = i
        idx += 1
    if open_at is not None:
        t = _trim(text, open_at + 1, len(text), False)
        if t:
            spans.append(QuoteSpan(open_at, len(text), t[0], t[1], False))
    return spans


def _mask_quotes(text: str, spans: list[QuoteSpan]) -> str:
    chars = list(text)
    for q in spans:
        for k in range(q.open + 1, min(q.close, len(text))):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


class _Resolver:
    def __init__(self, text: str, names: NameIndex, masked: str | None = None) -> None:
        self.text = text
        self.names = names
        self.gz = gz = names.gazetteer
        # speech verbs outside quotes, found once: (start, end, word), sorted
        self.verbs = [(m.start(), m.end(), m.group()) for m in VERB_RX.finditer(masked if masked is not None else text)]
        self.verb_starts = [v[0] for v in self.verbs]
        self.known_orgs: list[str] = []
        self.org_mentions: list[tuple[int, str]] = []
        for m in gz.alias_rx.finditer(text):
            canon = gz.organisations[m.group()]
            if canon in ("United States House of Representatives",) and not re.search(r"\bHouse\s+(?:of|passed|voted|Armed|Speaker)", text[m.start():m.start() + 30]):
                continue
            self.org_mentions.append((m.start(), canon))
        # the missions the text names: "the force" and "the mission" speak for the first of them
        self.missions = [c for _, c in self.org_mentions if c in gz.missions and gz.missions[c] == c]

    def fallback_org(self, pos: int) -> _Speaker | None:
        counts = Counter(c for p, c in self.org_mentions if p < pos)
        if not counts:
            counts = Counter(c for _, c in self.org_mentions)
        if not counts:
            return None
        return _Speaker(counts.most_common(1)[0][0], None, "org")

    def sentence_org(self, pos: int) -> _Speaker | None:
        """The first organisation named in the sentence before ``pos``, not after a preposition
        ("NATO leaders pledged ..., according to the summit declaration": NATO's declaration)."""
        start = max(self.text.rfind(". ", 0, pos), self.text.rfind("\n", 0, pos)) + 1
        for p, canon in self.org_mentions:
            if start <= p < pos and not re.search(r"(?i)\b(?:in|to|with|from|by|of|for|at|on|against)\s+(?:the\s+)?$",
                                                  self.text[max(0, p - 12):p]):
                return _Speaker(canon, None, "org")
        return None

    def org_name(self, s: str) -> str | None:
        s = re.sub(r"^(?:the|The)\s+", "", s.strip()).strip(" ,.")
        o = self.gz.org_of(s)
        if o:
            return o
        m = re.search(r"((?:" + CAP + r"\s+)*(?:" + ORG_HEAD.pattern + r")(?:\s+(?:in|of|for|on)\s+(?:the\s+)?" + CAP + r"(?:\s+" + CAP + r")*)?)", s)
        if not m:
            b = _NATIONAL_BODY.search(s)
            if b and self.gz.country_of(b.group("c")):
                return _national_body(self.gz.country_of(b.group("c")), b.group("kind"), b.group("head"))
            return None
        name = re.sub(r"^(?:The|A|An)\s+", "", m.group(1)).strip()
        for known in self.known_orgs:
            if fold(known).startswith(fold(name)) or fold(known) == fold(name):
                return known
        if name.split()[0] in ("Authorities", "Officials"):
            return None
        self.known_orgs.append(name)
        return name

    def _role_words(self, s: str) -> set[str]:
        """The words of a role or a description, a country's adjective or possessive made its name
        ("German minister" -> {"germany", "minister"})."""
        out = set()
        for w in re.findall(r"[\w.-]+", s.replace("’s", "").replace("'s", "")):
            country = self.gz.country_of(w)
            out.add(fold(country) if country else fold(w).rstrip("."))
        return out - {"the", "this", "that", "of", "a", "an"}

    def _person_with_role(self, noun: str, pos: int, desc: str | None = None) -> _Speaker | None:
        """The person named last before ``pos`` whose stated role holds ``noun`` (and every word of
        the description ``desc``, when given), else the one named first after it ("the president
        said ... President X")."""
        best: tuple[int, str] | None = None
        later: tuple[int, str] | None = None
        want = self._role_words(desc) if desc else set()
        for person, role in self.names.roles.items():
            if not re.search(r"\b" + re.escape(noun.lower()), role.lower()) or not want <= self._role_words(role):
                continue
            at = self.text.rfind(person.split()[-1], 0, pos)
            at = at if at >= 0 else fold(self.text[:pos]).rfind(fold(person.split()[-1]))
            if at >= 0 and (best is None or at > best[0]):
                best = (at, person)
            nxt = self.text.find(person.split()[-1], pos)
            if at < 0 and nxt >= 0 and (later is None or nxt < later[0]):
                later = (nxt, person)
        best = best or later
        return _Speaker(best[1], self.names.roles.get(best[1]), "person") if best else None

    def _described(self, m: re.Match, pos: int) -> _Speaker | None:
        """The person a description stands for, or the organisation it names (role ``official``).

        A named person whose role holds the description's noun (or a synonym: a top diplomat is a
        foreign minister) and, when the description names an organisation, the same organisation;
        the one mentioned nearest ``pos`` (before or after). Without one, an organisation named in
        the description speaks, with role ``official``.
        """
        noun = m.group("noun").lower()
        want = re.compile(r"\b(?:" + _ROLE_SYNONYMS.get(noun, re.escape(noun)) + r")", re.IGNORECASE)
        org_text = m.group("org") or m.group("owner") or m.group("owner2")
        org = None
        if org_text:
            org_text = re.sub(r"\s+\([^()]*\)|\s*\($", "", org_text)
            org = self._org_or_state(org_text)
        best: tuple[int, str] | None = None
        for person, role in self.names.roles.items():
            if not want.search(role):
                continue
            if org is not None:
                role_org = self._org_or_state(role)
                if role_org is not None and fold(role_org) != fold(org) and fold(self.gz.org_actor.get(role_org, role_org)) != fold(org):
                    continue
            surname = person.split()[-1]
            hits = [h.start() for h in re.finditer(re.escape(fold(surname)), fold(self.text))]
            if not hits:
                continue
            dist = min(abs(h - pos) for h in hits)
            if best is None or dist < best[0]:
                best = (dist, person)
        if best is not None:
            return _Speaker(best[1], self.names.roles.get(best[1]), "person")
        if org is None and org_text and _ANAPHOR.match("the " + org_text.strip()):
            # "the ministry's spokeswoman": the ministry the text named before
            sp = self._by_anaphor("the " + org_text.strip(), pos, _State())
            org = sp.name if isinstance(sp, _Speaker) else None
        if org is not None:
            return _Speaker(org, "official", "org")
        return None

    def _org_or_state(self, s: str) -> str | None:
        """An organisation named in ``s`` (a mission, a ministry, NATO…), else its state."""
        if re.fullmatch(r"(?i)\s*(?:the\s+)?alliance\s*", s):
            return "NATO"
        for om in self.gz.alias_rx.finditer(s):
            return self.gz.organisations[om.group()]
        country = self.gz.country_of(s.strip())
        if country:
            return country
        found = [self.gz.country_forms[cm.group()] for cm in self.gz.country_rx.finditer(s)]
        return found[0] if found else None

    def _unnamed_org(self, phrase: str) -> str | None:
        """The organisation an unnamed official speaks for: a named one, a country's government,
        or a country's ministry ("a senior defense official" in a text about that country)."""
        phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip(), flags=re.IGNORECASE)
        # adjectives that say nothing of whom the official speaks for
        phrase = re.sub(r"^(?:(?:senior|top|high-ranking|high|ranking|unnamed|anonymous|other|two|three|several|some|"
                        r"former|current)\s+)+", "", phrase, flags=re.IGNORECASE)
        if re.fullmatch(r"(?i)alliance", phrase):
            return "NATO"
        if re.fullmatch(r"(?i)congressional", phrase) and self.gz.org_of("Congress"):
            return self.gz.org_of("Congress")
        if phrase in self.gz.capitals:
            return f"{self.gz.capitals[phrase]} government"  # "officials in Belgrade"
        org = self.org_name(phrase)
        if org:
            return org
        # "senior NATO", "NATO's top civilian": the organisation named among the words
        for om in self.gz.alias_rx.finditer(phrase):
            return self.gz.organisations[om.group()]
        for cm in self.gz.country_rx.finditer(phrase):
            # "senior Kosovo government", "a Serbian defence ministry": that state's body
            country = self.gz.country_forms[cm.group()]
            body = re.search(r"(?i)\b(?P<kind>(?:defen[cs]e|foreign|interior|finance)\s+)?(?P<head>ministry|embassy|army|military|police)\b", phrase)
            return _national_body(country, body.group("kind"), body.group("head")) if body else f"{country} government"
        country = self.gz.country_of(phrase)
        if country:
            return f"{country} government"
        for head in ("Department", "Ministry"):
            org = self.gz.org_of(f"{phrase.split()[-1]} {head}") if phrase else None
            actor = self.gz.org_actor.get(org) if org else None
            if actor and any(self.gz.country_forms[m.group()] == actor for m in self.gz.country_rx.finditer(self.text)):
                return org
        return None

    def resolve(self, seg: str, pos: int, st: _State, verb_first: bool = False) -> _Speaker | None:
        """Resolve the subject text of a speech verb to a speaker."""
        seg = re.sub(r"\([^()]*\)", " ", seg.replace("\n", " "))  # asides in brackets
        # "X praised what she called ...": the one who calls is the subject of the sentence
        seg = re.sub(r"\s+\w+\s+what\s+(?:he|she|they|it)\s*$", "", seg)
        seg = _TRAILING.sub("", seg.strip().strip(",;:—–- ")).strip()
        if not seg:
            return None
        parts = [p.strip() for p in re.split(r",|—|–|\s-\s|\(|\)", seg)]
        if not verb_first and len(parts) > 1 and re.fullmatch(r"(?i)(?:but|and|yet)(?:\s+(?:also|then|later))?", parts[-1]):
            parts = parts[:1]  # "X, who ..., but says": the subject opens the sentence
        order = parts if verb_first else list(reversed(parts))
        if not verb_first and len(order) > 1:
            # "Jane Doe, a KFOR spokeswoman, said": the apposition describes the name before it
            head = _LEADING.sub("", order[0].strip(" \"“”„'")).strip()
            other = _LEADING.sub("", order[1].strip(" \"“”„'")).strip()
            # "After a meeting with X, the president said": X is not the one the role describes
            introduced = _ADVERBIAL.match(other) or re.search(r"\b(?:with|by|to|from|for|at|after|before|met)\s+[^,]*$", other)
            role_first = re.match(r"^(?:(?:a|an|the|former|its|his|her)\b|(?:[a-z][\w-]*\s+){0,2}?" + ROLE_WORD.pattern + ")", head,
                                  re.IGNORECASE if head[:1].islower() or re.match(r"(?i)(?:a|an|the|former|its|his|her)\b", head) else 0)
            if role_first and ROLE_WORD.search(head) and not introduced:
                sp = self._resolve_part(_LEADING.sub("", order[1].strip(" \"“”„'")).strip(), pos, st)
                if sp is not None and sp.kind == "person":
                    return _Speaker(sp.name, head, "person")
        if verb_first and len(order) > 1:
            # "said the mission's spokesman, Major Ivan Petrov": the name after the description speaks
            sp = self._named_after_role(order[0], order[1], pos, st)
            if sp is not None:
                return sp
        for k, part in enumerate(order):
            part = _LEADING.sub("", part.strip(" \"“”„'")).strip()
            part = _TRAILING.sub("", part).strip()
            if not part or not verb_first and _RELATIVE.match(part):
                continue  # "X, who asked not to be named, said": the relative clause describes X
            if not verb_first and k < len(order) - 1 and re.match(r"(?i)(?:of|from)\s+(?:the\s+)?[A-Z]", part):
                continue  # "X, of the Civic Alliance, said": the aside names X's party, X speaks
            if verb_first and re.match(r"^(?:on|in|at|during|after|before)\b", part, re.IGNORECASE) and not re.search(r"[A-Z][a-z]+\s+[A-Z]", part):
                continue
            sp = self._resolve_part(part, pos, st)
            if sp is not None:
                return sp
            if not verb_first and not _ADVERBIAL.match(part):
                # the nearest clause names no one we know: do not look further back
                if re.search(r"[A-Za-z]", part):
                    return None
        return None

    def _named_after_role(self, role: str, name: str, pos: int, st: _State) -> _Speaker | None:
        """The person of an apposition that follows a description ("the KFOR spokesman, Ivan
        Petrov"), with the description as role; None unless ``name`` names a person by name."""
        role = _LEADING.sub("", role.strip(" \"“”„'")).strip()
        name = _TRAILING.sub("", _LEADING.sub("", name.strip(" \"“”„'")).strip()).strip()
        if not (re.match(r"(?i)(?:a|an|the|its|his|her)\b|[A-Z][\w.]*(?:'s|’s)\s", role) and ROLE_WORD.search(role)):
            return None
        if not re.search(r"[A-Z][a-z]+\s+[A-Z]", name):
            return None  # a full name, not a place or a bare word
        sp = self._by_name(name, pos, st)
        if isinstance(sp, _Speaker) and sp.kind == "person":
            return _Speaker(sp.name, role, "person")
        return None

    def _resolve_part(self, part: str, pos: int, st: _State) -> _Speaker | None:
        """Who the words at a speech verb name, trying each kind of mention in turn: a pronoun, an
        anaphor ("the ministry"), a state, a person's name, an unnamed official, a description
        ("a commander from the mission"), and last an organisation. A kind that recognises the
        words decides, even when it finds no one (then the quote has no speaker from here)."""
        for step in (self._by_pronoun, self._by_anaphor, self._by_state, self._by_name, self._by_unnamed,
                     self._by_description):
            found = step(part, pos, st)
            if found is not _NOT_MINE:
                return found
        org = self.org_name(part)
        return _Speaker(org, None, "org") if org else None

    def _by_pronoun(self, part: str, pos: int, st: _State) -> Any:
        low = part.lower()
        words = low.split()
        if not (low in _PRONOUNS or (words and words[-1] in ("he", "she", "they", "it") and len(words) <= 2)):
            return _NOT_MINE
        want = _PRONOUNS[words[-1] if words else low]
        if want == "person":
            return st.last_person
        if want == "org":
            return st.last_org or st.last or self.fallback_org(pos)
        return st.last or self.fallback_org(pos)

    def _by_anaphor(self, part: str, pos: int, st: _State) -> Any:
        m = _GENERIC_DOC.match(part)
        if m:
            noun = m.group("noun").lower()
            if noun in ("response", "reply", "answer") and st.addressee is not None:
                return st.addressee
            return st.last or self.sentence_org(pos) or self.fallback_org(pos)
        h = re.fullmatch(r"(?i)(?:the|this)\s+head\s+of\s+(?P<what>state|government)", part)
        if h:
            # "the head of state": the president named; "the head of government": the prime minister
            nouns = ("president",) if h.group("what").lower() == "state" else ("prime minister", "premier", "chancellor")
            found = next((sp for sp in (self._person_with_role(n, pos) for n in nouns) if sp is not None), None)
            return found or st.last_person
        m = _PERSON_ANAPHOR.match(part)
        if m:
            # the whole description first ("the secretary general", "the defence minister"), then its noun
            desc = re.sub(r"^(?:the|this|that)\s+", "", part, flags=re.IGNORECASE)
            found = (self._person_with_role(m.group("noun"), pos, desc) if desc.lower() != m.group("noun").lower() else None) \
                or self._person_with_role(m.group("noun"), pos) or st.last_person
            if found is not None:
                return found
        m = _ANAPHOR.match(part)
        if not m:
            return _NOT_MINE
        noun = m.group("noun").lower()
        if noun in ("force", "mission") and self.missions:
            return _Speaker(self.missions[0], None, "org")
        if noun == "alliance":
            return _Speaker("NATO", None, "org")
        # "the department", "the embassy": the organisation that spoke last, else the last one named
        # before, whose name holds the noun
        spoke = [o for o in self.known_orgs if re.search(r"(?i)\b" + noun, o)]
        named = [c for p, c in self.org_mentions if p < pos and re.search(r"(?i)\b" + noun, c)]
        if spoke or named:
            return _Speaker((spoke or named)[-1], None, "org")
        # "the ministry": the last ministry the text named
        found = None
        for bm in _NATIONAL_BODY.finditer(self.text, 0, pos):
            if bm.group("head").lower().startswith(noun[:5]) and self.gz.country_of(bm.group("c")):
                found = _national_body(self.gz.country_of(bm.group("c")), bm.group("kind"), bm.group("head"))
        if found:
            return _Speaker(found, None, "org")
        return st.last_org or self.fallback_org(pos)

    def _by_state(self, part: str, pos: int, st: _State) -> Any:
        # a state speaking through its capital or its name ("Belgrade said", "Serbia said")
        bare = re.sub(r"^(?:the|The)\s+", "", part).strip(" .")
        if bare in self.gz.capitals:
            return _Speaker(self.gz.capitals[bare], None, "org")
        if self.gz.country_forms.get(bare) == bare:
            return _Speaker(bare, None, "org")
        return _NOT_MINE

    def _by_name(self, part: str, pos: int, st: _State) -> Any:
        # a person's name (titles stripped); roles from the same mention
        for cstart, cm in reversed(list(chunks(part))):
            prefix, name = name_of_chunk(cm, self.gz)
            if not name or ORG_HEAD.search(name):
                continue
            toks = name.split()
            if len(toks) == 1 and (toks[0].isupper() or self.gz.org_of(toks[0]) or self.gz.country_of(toks[0])):
                continue
            canon = self.names.person(name)
            # "Prime Minister Lleshi", "Gen. Harlan", "Mr Harlan": a title makes a surname a person
            titled = bool(ROLE_WORD.search(prefix) or re.search(r"\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Maj|Adm|Capt|Sgt|Brig)\.?\s*$", prefix)) \
                and part.strip(" .").endswith(name)
            if canon is None and len(toks) == 1 and (part.strip(" .") == name or titled):
                # a bare surname right at the verb ("said Rutte"): a person the article did not introduce;
                # a capital stands for its country ("Belgrade said")
                cap = self.gz.capitals.get(name)
                if cap:
                    return _Speaker(cap, None, "org")
                if not self.gz.is_gazetteer_word(name) and name[0].isupper() and name.isalpha():
                    canon = self.gz.spelling(name)
            if canon is None:
                continue
            # the role stated at this mention ("former NATO official Shea says"), else the article's
            here = re.sub(r"^(?:the|The|a|A|an|An)\s+", "", (part[:cstart] + prefix).strip(" ,"))
            role = here if here and ROLE_WORD.search(here) and not _rank_only(here) and len(here.split()) <= 8 else None
            return _Speaker(canon, role or self.names.roles.get(canon), "person")
        return _NOT_MINE

    def _by_unnamed(self, part: str, pos: int, st: _State) -> Any:
        # an unnamed official of an organisation ("a NATO official", "US diplomats")
        m = _UNNAMED.search(part)
        if m:
            org = self._unnamed_org(m.group("org"))
            if org:
                sp = _Speaker(org, "diplomat" if m.group("who").lower().startswith("diplomat") else "official", "org")
                st.last_unnamed = sp
                return sp
        if re.fullmatch(r"(?i)(?:a|an|the|its)\s+(?:(?:senior|deputy|chief|official)\s+)?spokes(?:man|woman|person)", part):
            # a spokesperson of no named organisation speaks for the one the text quoted last
            org = st.last_org or self.fallback_org(pos)
            return _Speaker(org.name, "official", "org") if org is not None else None
        if st.last_unnamed is not None and _UNNAMED_AGAIN.match(part):
            # the unnamed officials the text quoted before ("one of the officials", "the second official")
            role = "diplomat" if re.search(r"(?i)diplomat", part) else st.last_unnamed.role
            return _Speaker(st.last_unnamed.name, role, "org")
        m = _UNNAMED_OF.match(part)
        if m:
            org = self._unnamed_org(re.sub(r"(?i)\s+administration$", "", m.group("org").strip()))
            if org:
                st.last_unnamed = _Speaker(org, "diplomat" if m.group("who").lower().startswith("diplomat") else "official", "org")
                return st.last_unnamed
        return _NOT_MINE

    def _by_description(self, part: str, pos: int, st: _State) -> Any:
        # a person described by role ("a commander from the mission"), named elsewhere or not
        m = _DESCRIBED.match(part)
        if m:
            sp = self._described(m, pos)
            if sp is not None:
                return sp
        return _NOT_MINE

def _speech_events(masked: str, sent: Sentence, res: _Resolver, st: _State, lo: int | None = None, hi: int | None = None):
    """(verb position, speaker) for each speech verb of the sentence region whose subject resolves."""
    a = sent.start if lo is None else lo
    b = sent.end if hi is None else hi
    region = masked[a:b]
    out = []
    verbs = res.verbs
    k = bisect.bisect_left(res.verb_starts, a)
    while k < len(verbs) and verbs[k][0] < b:
        vs, ve, word = verbs[k]
        k += 1
        if ve > b:
            break
        m = _Span(vs - a, ve - a, word)
        vpos = vs
        if m.group().lower().startswith(("according", "quoting", "citing")):
            # the source follows: "according to X", "quoting X", "citing X"
            tail = region[m.end():]
            seg = re.split(r"[,;]|\.\s*$|\s[\"“]", tail, maxsplit=1)[0]
            sp = res.resolve(seg, vpos, st, verb_first=True)
        else:
            before = region[: m.start()]
            tail = before[-24:]
            if _IMPERSONAL.search(tail) and m.group().lower() in ("reported", "claimed", "rumoured", "rumored", "alleged"):
                continue  # "it was also reported that": nobody in particular
            if _PASSIVE.search(tail) and not _IT_WAS.search(tail) and m.group().lower() != "quoted":
                continue  # passive: "as announced by", "it was stated"
            sp = res.resolve(before, vpos, st)
            if sp is None and not before.strip(" ,\"“”"):
                after = region[m.end():]
                seg = re.split(r"[.;]|\s[\"“]", after, maxsplit=1)[0]
                sp = res.resolve(seg, vpos, st, verb_first=True)
        if sp is not None:
            out.append((vpos, sp))
    return out


@dataclass(frozen=True)
class _Span:
    s: int
    e: int
    word: str

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e

    def group(self) -> str:
        return self.word


def _subject_person(masked: str, sent: Sentence, names: NameIndex) -> str | None:
    """The person a sentence is about: a name among its first words, not after a preposition."""
    head = masked[sent.start:sent.end]
    words = head.split()
    limit = len(" ".join(words[:10]))
    for cstart, chunk in chunks(head[:limit]):
        before = head[:cstart]
        # the agent of a passive verb is whom the sentence is about ("was criticised by X")
        agent = re.search(r"\b(?:was|were|been|is|are)\s+(?:\w+ly\s+)?\w+ed\s+by\s+$", before, re.IGNORECASE)
        if not agent and re.search(r"\b(?:by|with|to|of|from|for|at|against|about|on|in|than|and|between|like)\s+(?:the\s+)?$",
                                   before, re.IGNORECASE):
            continue
        _, name = name_of_chunk(chunk, names.gazetteer)
        toks = name.split()
        gz = names.gazetteer
        if not toks or ORG_HEAD.search(name) or (len(toks) == 1 and (toks[0].isupper() or gz.org_of(toks[0]) or gz.country_of(toks[0]))):
            continue
        canon = names.person(name)
        if canon is not None:
            return canon
    return None


def _rank_only(role: str) -> bool:
    return all(t.lower().rstrip(".") in ("gen", "general", "capt", "captain", "col", "colonel", "lt", "lieutenant", "maj",
                                         "major", "sgt", "sergeant", "rep", "sen", "adm", "admiral", "mr", "mrs", "ms", "dr")
               for t in role.split())


def _remember(st: _State, sp: _Speaker) -> None:
    st.last = sp
    if sp.kind == "person":
        st.last_person = sp
    else:
        st.last_org = sp


def _ends_sentence(s: str) -> bool:
    """True when ``s`` holds a sentence end (a stop that does not close an abbreviation or initial)."""
    for m in re.finditer(r"[.!?](?=\s|$)", s):
        if m.group() != ".":
            return True
        w = re.search(r"(\S+)$", s[: m.end()])
        word = w.group(1) if w else ""
        if not (re.fullmatch(r"(?:[A-Z]\.)+|[A-Z]\.", word) or word.lower().rstrip(".") in ABBREVIATIONS):
            return True
    return False


def _is_name_like(q: str) -> bool:
    words = q.split()
    if len(words) > 4 or re.search(r"[.!?]$", q):
        return False
    return all(w[0].isupper() or w[0].isdigit() or not w[0].isalpha() for w in words)


@dataclass
class _Doc:
    """One article as the quote rules see it: text, quotes blanked out, sentences, resolver, state."""

    text: str
    masked: str
    sentences: list[Sentence]
    res: _Resolver
    st: _State
    names: NameIndex


@dataclass
class _Cursor:
    """Where the rules are in a sentence: its quotes, the end of the last one, recent speakers."""

    sent: Sentence
    quotes: list[QuoteSpan]
    prev_close: int
    prev_sent: Sentence | None
    prev_speaker: _Speaker | None
    last_q_speaker: _Speaker | None = None


def extract_quotes(text: str, sentences: list[Sentence], names: NameIndex | None = None) -> list[dict]:
    """Attributed quotes of ``text`` as dicts (speaker, role, text, kind, start, end, sentence).

    ``names`` carries the gazetteer (default: a :class:`NameIndex` of ``text`` with
    :data:`~.gazetteer.WORLD`).
    """
    names = names or NameIndex(text, WORLD)
    spans = find_quote_spans(text)
    masked = _mask_quotes(text, spans)
    doc = _Doc(text, masked, sentences, _Resolver(text, names, masked), _State(), names)
    out: list[dict] = []
    by_sent: dict[int, list[QuoteSpan]] = {}
    for q in spans:
        s = sentence_at(sentences, q.open)
        if s is not None:
            by_sent.setdefault(s.start, []).append(q)
    prev_sent: Sentence | None = None
    prev_speaker: _Speaker | None = None
    for sent in sentences:
        cur = _Cursor(sent, by_sent.get(sent.start, []), sent.start, prev_sent, prev_speaker)
        sent_speaker: _Speaker | None = None
        for qi, q in enumerate(cur.quotes):
            found = _attribute(doc, cur, qi, q)
            if found is not None:
                speaker, attribution = found
                out.append(_quote_item(doc, cur, qi, q, speaker, attribution))
                _remember(doc.st, speaker)
                cur.last_q_speaker = sent_speaker = speaker
            cur.prev_close = q.close + 1
        sent_speaker = _after_sentence(doc, cur, sent_speaker)
        prev_speaker, prev_sent = sent_speaker, sent
    return out


def _attribute(doc: _Doc, cur: _Cursor, qi: int, q: QuoteSpan) -> tuple[_Speaker, str] | None:
    """The speaker of quote ``q`` and the attribution text: a speech verb after it, one before it in
    its sentence, a colon ending the sentence before, or the speaker of the sentence before."""
    text, masked, sentences, res, st = doc.text, doc.masked, doc.sentences, doc.res, doc.st
    sent, quotes, prev_close = cur.sent, cur.quotes, cur.prev_close
    qtext = text[q.start:q.end]
    nxt_open = quotes[qi + 1].open if qi + 1 < len(quotes) else None
    close_sent = sentence_at(sentences, max(q.close - 1, q.open))
    send = close_sent.end if close_sent is not None else sent.end
    # the attribution after the quote stops at the next quote or the end of its sentence
    send_after = sentence_at(sentences, min(q.close + 1, len(text) - 1))
    if send_after is not None and send_after.end > send and send_after.start <= q.close + 2:
        send = send_after.end
    suffix_end = min(send, nxt_open) if nxt_open is not None else send
    suffix = masked[q.close + 1: suffix_end] if q.terminated else ""
    prefix = masked[prev_close:q.open]
    speaker, attribution, said_after, attributed_after = None, "", False, False
    m = VERB_RX.search(suffix[:130])
    if m and not _ends_sentence(suffix[: m.start()]) and (len(suffix[: m.start()].split()) <= 8 or (
            len(suffix[: m.start()].split()) <= 16 and suffix[: m.start()].rstrip().endswith(","))):
        attributed_after = True
        subj = suffix[: m.start()]
        attribution = suffix[: m.end() + 60]
        if m.group().lower().startswith(("according", "quoting", "citing")):
            speaker = res.resolve(re.split(r"[,;]|\.\s*$", suffix[m.end():], maxsplit=1)[0], q.close, st, verb_first=True)
        elif subj.strip(" ,.;:\"”“'"):
            speaker = res.resolve(subj, q.close, st)
        else:
            rest = re.split(r";|\.\s*$", suffix[m.end():], maxsplit=1)[0]
            speaker = res.resolve(rest, q.close, st, verb_first=True)
        said_after = speaker is not None
    if speaker is None:
        events = _speech_events(masked, sent, res, st, lo=prev_close, hi=q.open)
        if events:
            # a named speaker's verb outranks "according to" (a news agency relaying them)
            said = [e for e in events if not masked[e[0]:e[0] + 9].lower().startswith("according")]
            speaker = (said or events)[0][1]
            attribution = prefix
        elif prefix.strip() and cur.last_q_speaker is not None and qi > 0:
            # a later quote of the same sentence, with no speech verb of its own in between:
            # the same speaker goes on ("X said A would "…", especially "…"")
            speaker = cur.last_q_speaker
            attribution = prefix
    if speaker is None and qi == 0:
        put = _PUT_IT.search(prefix)
        if put:
            who = put.group("who") or {"his": "he", "her": "she"}.get(put.group("poss").lower(), "they")
            speaker, attribution = res.resolve(who, q.open, st), prefix
    if speaker is None and not prefix.strip(" \"“”'"):
        prev_sent = cur.prev_sent
        if prev_sent is not None and prev_sent.text.rstrip().endswith(":"):
            ev = _speech_events(masked, prev_sent, res, st)
            if ev:
                speaker = ev[0][1]
                attribution = prev_sent.text
        # a statement goes on: a long quote in the next paragraph, or a short full sentence in the same one
        goes_on = len(qtext.split()) >= 5 or (len(qtext.split()) >= 2 and re.search(r"[.!?…]$", qtext) is not None
                                               and prev_sent is not None and sent.para == prev_sent.para)
        if speaker is None and not attributed_after and cur.prev_speaker is not None and goes_on \
                and prev_sent is not None and sent.para - prev_sent.para <= 1:
            speaker = cur.prev_speaker
    if speaker is None or (_is_name_like(qtext) and not (said_after and text[q.end:q.close].strip() in (",", ".", "!", "?"))):
        return None
    return speaker, attribution


def _quote_item(doc: _Doc, cur: _Cursor, qi: int, q: QuoteSpan, speaker: _Speaker, attribution: str) -> dict:
    """The quote as a dict: kind (direct, partial, other), role, offsets and sentence."""
    text, sentences = doc.text, doc.sentences
    qtext = text[q.start:q.end]
    if _FORMAL_DOC.search(attribution.replace(qtext, "")):
        kind = "other"
    else:
        pre = doc.masked[cur.prev_close if qi else cur.sent.start:q.open].strip(" \"“”'")
        kind = "direct" if (not pre or pre.endswith(":")) else "partial"
    role = speaker.role
    if role is None and speaker.kind == "person":
        role = doc.names.roles.get(speaker.name)
    qs = sentence_at(sentences, q.open)
    qe = sentence_at(sentences, max(q.end - 1, q.open))
    s0 = qs.start if qs else q.open
    s1 = max(qe.end if qe else q.end, q.end)
    return {"speaker": speaker.name, "role": role, "text": qtext, "kind": kind,
            "start": q.start, "end": q.end, "sentence": text[s0:s1]}


def _after_sentence(doc: _Doc, cur: _Cursor, sent_speaker: _Speaker | None) -> _Speaker | None:
    """Speech verbs outside quotes, the person a sentence is about and "asked X" keep track of who
    spoke last (for pronouns and continued quotes); returns the sentence's speaker."""
    masked, sent, st, res = doc.masked, cur.sent, doc.st, doc.res
    events = _speech_events(masked, sent, res, st, lo=cur.prev_close if cur.quotes else None)
    if events:
        _remember(st, events[-1][1])
        sent_speaker = events[-1][1]
    elif sent_speaker is None:
        subj = _subject_person(masked, sent, doc.names)
        if subj is not None and (st.last_person is None or subj != st.last_person.name):
            st.last_person = _Speaker(subj, doc.names.roles.get(subj), "person")
    am = re.search(r"\basked\s+(?P<who>(?:the\s+)?" + CAP + r"(?:\s+" + CAP + r")*)", masked[sent.start:sent.end])
    if am:
        sp = res._resolve_part(am.group("who"), sent.start, st)
        if sp is not None:
            st.addressee = sp
    return sent_speaker
