"""People and organisations named in an article: name chunks, canonical full names, roles.

A *chunk* is a run of capitalised words (``U.S. Army Gen. Frank J. Grass``); a word that ends a
sentence ends its chunk. Titles, ranks, countries, organisations and function words are stripped
from its front to leave the name (``Frank J. Grass``). :class:`NameIndex` collects the full names
of an article in order (two or more name words), maps a surname alone or a spelling that differs
only by diacritics to the full name (written with the diacritics when the article or the fact base
has them), and remembers the role stated next to each name (a title in front, an apposition after
or before it).
"""

from __future__ import annotations

import re

from .gazetteer import SPEECH_VERBS, TITLE_WORDS, WORLD, Gazetteer
from .text import ABBREVIATIONS, fold

__all__ = ["NameIndex", "chunks", "name_of_chunk", "CAP", "CHUNK_RX", "ORG_HEAD", "ROLE_WORD", "VERB_RX"]

# speech verbs in lower case: capitalised, most of them are nouns ("a State Department official",
# "Reports say"); "According to" may open a sentence
VERB_RX = re.compile(r"\b(?:" + "|".join(SPEECH_VERBS) + r")\b|\b(?i:according\s+to)\b")
CAP = r"(?:(?:[A-Z]\.){2,}|[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*\.?|[A-Z]\.)"
# lower-case particles inside a name ("Ursula von der Leyen", "Jaap de Hoop Scheffer")
_PARTICLES = ("de", "van", "von", "der", "den", "ter", "bin", "al", "da", "di", "del", "della", "la", "le", "dos", "das", "du")
CHUNK_RX = re.compile(CAP + r"(?:\s+(?:(?:" + "|".join(_PARTICLES) + r")\s+){0,2}" + CAP + r")*")
ORG_HEAD = re.compile(
    r"\b(?:Embassy|Ministry|Department|Command|Council|Committee|Government|Office|Agency|Army|Police|Force|Forces|"
    r"Journal|Post|Times|News|Radio|Press|Bureau|Brigade|Battalion|Group|Union|Organi[sz]ation|Alliance|Parliament|"
    r"Assembly|Administration|Court|Commission|House|Senate|Congress|Base|Camp|Mission|Service|Institute|Center|"
    r"Centre|Agreement|Summit|Republic|Navy|Corps|Guard|Regiment|Division|Headquarters|Secretariat|Cabinet|Presidency|"
    r"Lab|Laboratory|Foundation|Fund|Forum|University|Academy|Party|Movement|Coalition|Network|Initiative)\b"
)
ROLE_WORD = re.compile(
    r"\b(?:president|minister|secretary|secretary-general|official|commander|spokes(?:man|woman|person)|chief|"
    r"chancellor|ambassador|adviser|advisor|leader|head|general|director|officer|member|envoy|mayor|premier|"
    r"representative|democrat|republican|senator|congress(?:man|woman)|chair(?:man|woman)?|governor|coordinator|"
    r"deputy|admiral|colonel|captain|sergeant|major|lieutenant|king|queen|prime|analyst|expert|researcher|professor|"
    r"lawmaker|legislator)\b",
    re.IGNORECASE,
)
_RANKS = {"gen.", "gen", "general", "capt.", "captain", "col.", "colonel", "lt.", "lieutenant", "maj.", "major",
          "sgt.", "sergeant", "rep.", "sen.", "adm.", "admiral", "mr.", "mrs.", "ms.", "dr.", "brig.", "cpl.", "pvt."}
# titles of the form "<head> General": the rank word belongs to the title
_TITLE_HEADS = {"secretary", "attorney", "surgeon", "inspector", "director", "consul", "solicitor", "governor",
                "adjutant", "procurator", "auditor", "comptroller", "controller"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam"}
_FUNCTION = {
    "but", "if", "and", "or", "so", "when", "while", "as", "after", "before", "although", "though", "because",
    "however", "then", "yet", "now", "asked", "speaking", "since", "until", "unless", "moreover", "meanwhile",
    "also", "in", "on", "at", "for", "with", "from", "by", "to", "of", "a", "an", "this", "that", "these", "those",
    "his", "her", "its", "their", "our", "my", "we", "i", "you", "he", "she", "it", "they", "according", "despite",
    "during", "following", "under", "over", "why", "what", "how", "who", "where", "which", "nor", "not", "no",
    "photo", "source", "text", "check", "read", "more", "related", "editing", "reporting",
}

def _strip_possessive(tok: str) -> str:
    for suf in ("'s", "’s"):
        if tok.endswith(suf):
            return tok[: -len(suf)]
    return tok.rstrip(",;:")


def chunks(s: str):
    """Capitalised chunks of ``s`` as (start, text); a word ending a sentence ends its chunk."""
    for m in CHUNK_RX.finditer(s):
        pos = m.start()
        toks = list(re.finditer(r"\S+", m.group()))
        a = 0
        for k, t in enumerate(toks):
            w = t.group()
            if w.endswith(".") and k < len(toks) - 1 and not _abbrev(w):
                yield pos + toks[a].start(), m.group()[toks[a].start():t.end()].rstrip(".")
                a = k + 1
        if a < len(toks):
            piece = m.group()[toks[a].start():]
            if piece.endswith(".") and not _abbrev(piece.split()[-1]):
                piece = piece[:-1]
            yield pos + toks[a].start(), piece


def _abbrev(w: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-Z]\.)+", w)) or w.lower().rstrip(".") in ABBREVIATIONS or w.lower() in TITLE_WORDS


def name_of_chunk(chunk: str, gazetteer: Gazetteer = WORLD) -> tuple[str, str]:
    """Split a capitalised chunk into (role prefix, name): ``"Serbian President Aleksandar Vucic"``."""
    toks = chunk.split()
    name: list[str] = []
    i = len(toks) - 1
    while i >= 0:
        t = toks[i]
        if gazetteer.is_gazetteer_word(t) or t.lower() in _FUNCTION or (name and (t.endswith("'s") or t.endswith("’s"))):
            break
        if name and ORG_HEAD.fullmatch(t):
            break  # "Speaker of Parliament Glauk Konjufca": an institution before the name
        name.insert(0, _strip_possessive(t) if not name else t)
        i -= 1
    return " ".join(toks[: i + 1]), " ".join(name)


class NameIndex:
    """The people and organisations an article names, for canonical speakers.

    Full names (two or more name tokens after titles are stripped) are collected in order of
    appearance; a surname alone, or a name that differs only by diacritics, maps to the full
    name, written with diacritics when any mention or the gazetteer has them.
    """

    def __init__(self, text: str, gazetteer: Gazetteer = WORLD) -> None:
        self.text = text
        self.gazetteer = gazetteer
        self.full: list[str] = []
        self._by_fold: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        for cstart, chunk in chunks(text):
            prefix, name = name_of_chunk(chunk, gazetteer)
            toks = name.split()
            if len(toks) < 2 or ORG_HEAD.search(name) or any(t.isupper() and len(t) > 2 for t in toks):
                continue
            if not all(t[0].isupper() or t in _PARTICLES for t in toks if t[0].isalpha()):
                continue
            fixed = gazetteer.person(" ".join(gazetteer.spelling(t) for t in toks))
            key = fold(fixed)
            longer = self._ending_of(key)
            if longer is not None:  # "De Hoop Scheffer" after "Jaap de Hoop Scheffer": the same person
                self._by_fold[key] = longer
            prev = self._by_fold.get(key)
            if prev is None:
                self.full.append(fixed)
                self._by_fold[key] = fixed
            elif fold(prev) == key and sum(not c.isascii() for c in fixed) > sum(not c.isascii() for c in prev):
                self.full[self.full.index(prev)] = fixed
                self._by_fold[key] = fixed
            canon = self._by_fold[key]
            name_start = cstart + chunk.rfind(name) if name in chunk else cstart
            role = _role_around(text, name_start, name_start + len(name), prefix)
            if role and (canon not in self.roles or _is_rank(self.roles[canon])):
                self.roles[canon] = role

    def _ending_of(self, key: str) -> str | None:
        """A longer full name seen before that ends with the folded name ``key``."""
        for full in self.full:
            fk = fold(full)
            if fk != key and fk.endswith(" " + key):
                return full
        return None

    def person(self, name: str) -> str | None:
        """Canonical full name for a mention (full name, surname alone or a variant spelling)."""
        name = _strip_possessive(name.strip())
        toks = name.split()
        while len(toks) > 1 and toks[0].lower().rstrip(".") in _HONORIFICS:
            toks = toks[1:]  # "Mr Stoltenberg" is the Stoltenberg the article introduced
        name = " ".join(toks)
        if not toks:
            return None
        key = fold(name)
        if key in self._by_fold:
            return self._by_fold[key]
        last = fold(toks[-1])
        folded = [fold(t) for t in toks]
        for full in reversed(self.full):
            ft = full.split()
            if fold(ft[-1]) == last and (len(toks) == 1 or fold(ft[0]) == folded[0]
                                         or [fold(t) for t in ft[-len(toks):]] == folded):
                return full  # "De Hoop Scheffer", "Von der Leyen": the end of a full name
        if len(toks) >= 2:
            return " ".join(self.gazetteer.spelling(t) for t in toks)
        if last in self.gazetteer.leaders:
            return self.gazetteer.spelling(toks[-1])
        return None


def _is_rank(role: str) -> bool:
    return all(t.lower() in _RANKS or t.lower() in TITLE_WORDS for t in role.split())


def _role_around(text: str, s: int, e: int, prefix: str) -> str | None:
    """The role stated next to a name: a title in front, or an apposition after or before it."""
    # words in front of the name in the same clause ("former senior NATO official Jamie Shea")
    line_start = max(text.rfind("\n", 0, s), 0)
    k = s
    while True:
        k = text.rfind(". ", line_start, k)
        if k < 0:
            break
        w = re.search(r"(\S+)$", text[line_start:k + 1])
        if not (w and (re.fullmatch(r"(?:[A-Z]\.)+", w.group(1)) or w.group(1).lower().rstrip(".") in ABBREVIATIONS)):
            line_start = k + 1
            break
    before = text[line_start:s]
    cut = max(before.rfind(","), before.rfind("("), before.rfind("—"), before.rfind(":"))
    front = before[cut + 1:] if cut >= 0 else before
    m = re.search(r"\b(?:said|says|told|tells|that|by|with|and|to|according to|added|adds|declared|announced)\s+(?P<r>[^,]*)$", front)
    if m:
        front = m.group("r")
    # the role is the run of words right before the name, not the clause it sits in
    b = list(re.finditer(r"\b(?:until|when|after|that|if|because|while|as|since|before|than|which|who|where|would|will|"
                         r"could|should|be|been|is|are|was|were|has|have|had|does|do|did|by|with|to|and|but|or|"
                         r"about|led|met|meeting|visit|visited|between|against)\s+|\b(?:in|on|at)\s+(?![A-Z])", front))
    if b:
        front = front[b[-1].end():]
    front = re.sub(r"^\s*(?:the|The|But|but|And|and|A|a|An|an)\s+", "", front.strip(" \"“”„'‘’")).strip()
    front = re.sub(r"^(?:U\.S\.|US)\s+(?:Army|Air Force|Navy|Marine Corps)\s+", "", front)
    # "Lt. Gen." before a name is a rank; "Secretary General" is a title that ends in a rank word
    while front and front.split()[-1].lower() in _RANKS and not (
            len(front.split()) > 1 and front.split()[-2].lower() in _TITLE_HEADS):
        front = " ".join(front.split()[:-1])
    front_role = front if front and ROLE_WORD.search(front) and len(front.split()) <= 8 else None
    after = text[e:e + 140]
    # "X, a regional commander of the force (KFOR), said": a short bracketed aside may close it
    m = re.match(r"(?:\s+of\s+[A-Z][\w]+)?,\s*(?P<r>(?:the\s+|a\s+|an\s+)?[^,.;:()\"“”]{3,90}?)\s*(?:\([^()]{1,24}\)\s*)?(?:,|\.(?:\s|$)|;|$)", after)
    after_role = m.group("r").strip() if m and ROLE_WORD.search(m.group("r")) and not VERB_RX.match(m.group("r")) else None
    if after_role and re.match(r"^(?:who|which|whose|said|says|told)\b", after_role):
        after_role = None
    m = re.search(r"(?:^|[.;:]\s|\n|,\s)(?P<r>(?:[Tt]he\s+|[Ff]ormer\s+)?[^,.;:\"“”\n]{3,90}),\s*$", text[max(0, s - 120):s])
    before_role = m.group("r").strip() if m and ROLE_WORD.search(m.group("r")) else None
    if before_role:
        before_role = re.sub(r"^(?:But|And|but|and)\s+", "", before_role)
    for cand in (front_role if front_role and not _is_rank(front_role) else None, after_role, before_role, front_role):
        if cand:
            return cand
    return None
