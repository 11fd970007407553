"""Gazetteers for extraction: countries and demonyms, organisations and their aliases, places,
titles and roles, speech verbs, and the spelling of names with diacritics.

Everything here is general knowledge about the domain (states, alliances, armed forces, military
ranks), not text copied from any article. Names with diacritics are also learnt from the fact
base (``data/facts.csv``) so that ``Vucic`` is written ``Vučić`` when the fact base knows it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import InputError
from ..evidence.facts import default_facts_path, read_facts_csv
from .text import fold

__all__ = [
    "COUNTRY_FORMS", "ORG_ALIASES", "ORG_ACTOR", "ORG_MISSION", "LEADERS", "PLACE_ALIASES",
    "TITLE_WORDS", "SPEECH_VERBS", "CAPITALS", "country_of", "org_of", "diacritic_map", "is_gazetteer_word",
    "MONTH_WORDS",
]

# canonical country -> surface forms (names, adjectives, demonyms); the first one is the noun form.
_COUNTRIES: dict[str, list[str]] = {
    "United States": ["United States", "U.S.", "US", "USA", "U.S.A.", "America", "American", "Americans",
                      "United States of America"],
    "Kosovo": ["Kosovo", "Kosovar", "Kosovars", "Kosovan"],
    "Serbia": ["Serbia", "Serbian"],
    "Albania": ["Albania"],
    "North Macedonia": ["North Macedonia", "Macedonia", "Macedonian"],
    "Montenegro": ["Montenegro", "Montenegrin"],
    "Bosnia and Herzegovina": ["Bosnia and Herzegovina", "Bosnia", "Bosnian"],
    "Croatia": ["Croatia", "Croatian"],
    "Slovenia": ["Slovenia", "Slovenian"],
    "Austria": ["Austria", "Austrian", "Austrians"],
    "Switzerland": ["Switzerland", "Swiss"],
    "Germany": ["Germany", "German", "Germans"],
    "Italy": ["Italy", "Italian", "Italians"],
    "France": ["France", "French"],
    "United Kingdom": ["United Kingdom", "Britain", "Great Britain", "UK", "U.K.", "British"],
    "Poland": ["Poland", "Polish", "Poles"],
    "Hungary": ["Hungary", "Hungarian", "Hungarians"],
    "Turkey": ["Turkey", "Türkiye", "Turkish"],
    "Greece": ["Greece", "Greek"],
    "Romania": ["Romania", "Romanian"],
    "Bulgaria": ["Bulgaria", "Bulgarian"],
    "Ukraine": ["Ukraine", "Ukrainian"],
    "Russia": ["Russia", "Russian", "Russians"],
    "Czech Republic": ["Czech Republic", "Czechia", "Czech"],
    "Slovakia": ["Slovakia", "Slovak"],
    "Spain": ["Spain", "Spanish"],
    "Portugal": ["Portugal", "Portuguese"],
    "Netherlands": ["Netherlands", "Dutch"],
    "Belgium": ["Belgium", "Belgian"],
    "Luxembourg": ["Luxembourg"],
    "Denmark": ["Denmark", "Danish"],
    "Norway": ["Norway", "Norwegian"],
    "Sweden": ["Sweden", "Swedish"],
    "Finland": ["Finland", "Finnish"],
    "Ireland": ["Ireland", "Irish"],
    "Iceland": ["Iceland", "Icelandic"],
    "Estonia": ["Estonia", "Estonian"],
    "Latvia": ["Latvia", "Latvian"],
    "Lithuania": ["Lithuania", "Lithuanian"],
    "Moldova": ["Moldova", "Moldovan"],
    "Armenia": ["Armenia", "Armenian"],
    "Morocco": ["Morocco", "Moroccan"],
    "Canada": ["Canada", "Canadian"],
    "China": ["China", "Chinese"],
    "Japan": ["Japan", "Japanese"],
    "South Korea": ["South Korea", "Korea", "Korean"],
    "Israel": ["Israel", "Israeli"],
    "Iran": ["Iran", "Iranian"],
    "Belarus": ["Belarus", "Belarusian"],
}
COUNTRY_FORMS: dict[str, str] = {form: c for c, forms in _COUNTRIES.items() for form in forms}

# organisation aliases -> canonical name (used for speakers)
ORG_ALIASES: dict[str, str] = {
    "NATO": "NATO", "North Atlantic Treaty Organization": "NATO", "North Atlantic Treaty Organisation": "NATO",
    "the Alliance": "NATO", "the alliance": "NATO", "NATO military alliance": "NATO",
    "KFOR": "KFOR", "Kosovo Force": "KFOR", "K-FOR": "KFOR",
    "Pentagon": "United States Department of Defense", "the Pentagon": "United States Department of Defense",
    "Department of Defense": "United States Department of Defense",
    "Defense Department": "United States Department of Defense", "DoD": "United States Department of Defense",
    "Department of Defence": "United States Department of Defense",
    "State Department": "United States Department of State", "Department of State": "United States Department of State",
    "European Command": "United States European Command", "EUCOM": "United States European Command",
    "White House": "White House", "Kremlin": "Kremlin",
    "EU": "European Union", "European Union": "European Union", "European Commission": "European Commission",
    "UN": "United Nations", "U.N.": "United Nations", "United Nations": "United Nations",
    "UN Security Council": "United Nations Security Council", "Security Council": "United Nations Security Council",
    "OSCE": "OSCE", "EULEX": "EULEX", "EUFOR": "EUFOR", "UNMIK": "UNMIK",
    "KSF": "Kosovo Security Force", "Kosovo Security Force": "Kosovo Security Force",
    "Kosovo Security Forces": "Kosovo Security Force",
    "Swisscoy": "Swisscoy", "SWISSCOY": "Swisscoy",
    "Congress": "United States Congress", "House": "United States House of Representatives",
    "Senate": "United States Senate",
}
# organisations whose forces belong to a country or alliance (actor of force claims)
ORG_ACTOR: dict[str, str] = {
    "NATO": "NATO", "KFOR": "NATO", "United States Department of Defense": "United States",
    "United States Department of State": "United States", "United States European Command": "United States",
    "White House": "United States", "United States Congress": "United States",
    "United States House of Representatives": "United States", "United States Senate": "United States",
    "Kosovo Security Force": "Kosovo", "Swisscoy": "Switzerland", "Kremlin": "Russia",
    "European Union": "European Union", "EUFOR": "European Union",
}
# organisations that are (a part of) a mission or force: mission_or_location of their claims
ORG_MISSION: dict[str, str] = {"KFOR": "KFOR", "Swisscoy": "KFOR", "Kosovo Security Force": "Kosovo Security Force"}

# heads of state and government, ministers: person surname -> country (for the actor of claims)
LEADERS: dict[str, str] = {
    "trump": "United States", "biden": "United States", "hegseth": "United States", "vance": "United States",
    "rubio": "United States", "blinken": "United States", "obama": "United States", "austin": "United States",
    "vucic": "Serbia", "vulin": "Serbia", "gasic": "Serbia", "brnabic": "Serbia", "dacic": "Serbia",
    "kurti": "Kosovo", "osmani": "Kosovo", "maqedonci": "Kosovo", "mehaj": "Kosovo", "thaci": "Kosovo",
    "rama": "Albania", "macron": "France", "merz": "Germany", "scholz": "Germany", "merkel": "Germany",
    "putin": "Russia", "zelensky": "Ukraine", "meloni": "Italy", "tusk": "Poland", "orban": "Hungary",
    "erdogan": "Turkey",
}

# capitals standing for their governments ("Belgrade said", "Pristina's army")
CAPITALS: dict[str, str] = {
    "Belgrade": "Serbia", "Pristina": "Kosovo", "Prishtina": "Kosovo", "Washington": "United States",
    "Moscow": "Russia", "Tirana": "Albania", "Skopje": "North Macedonia", "Podgorica": "Montenegro",
    "Sarajevo": "Bosnia and Herzegovina", "Zagreb": "Croatia", "Berlin": "Germany", "Paris": "France",
    "London": "United Kingdom", "Rome": "Italy", "Ankara": "Turkey", "Vienna": "Austria", "Bern": "Switzerland",
    "Budapest": "Hungary", "Warsaw": "Poland", "Athens": "Greece", "Bucharest": "Romania", "Kyiv": "Ukraine",
    "Beijing": "China",
}

# places -> canonical place name (mission_or_location)
PLACE_ALIASES: dict[str, str] = {
    "Europe": "Europe", "Balkans": "Balkans", "Western Balkans": "Western Balkans",
    "Ramstein": "Ramstein Air Base", "Ramstein Air Base": "Ramstein Air Base",
    "Camp Bondsteel": "Camp Bondsteel", "Bondsteel": "Camp Bondsteel", "Camp Novo Selo": "Camp Novo Selo",
    "Baltics": "Baltics", "Middle East": "Middle East", "Asia": "Asia", "Africa": "Africa",
    "Pacific": "Pacific",
}

TITLE_WORDS = {
    "president", "vice", "prime", "minister", "secretary", "secretary-general", "general", "gen.", "gen",
    "lieutenant", "lt.", "lt", "colonel", "col.", "major", "maj.", "captain", "capt.", "sergeant", "sgt.",
    "admiral", "adm.", "commander", "chief", "master", "command", "brigadier", "brig.", "rep.", "sen.",
    "senator", "representative", "congressman", "congresswoman", "chancellor", "ambassador", "spokesman",
    "spokeswoman", "spokesperson", "mayor", "deputy", "defense", "defence", "foreign", "interior",
    "speaker", "former", "the", "then", "mr.", "mrs.", "ms.", "dr.", "prof.", "sir", "lord", "king",
    "queen", "premier", "director", "head", "leader", "officer", "envoy", "emperor", "pope", "marshal",
    "army", "air", "force", "navy", "marine", "corps", "national", "guard", "enlisted", "senior", "top",
    "state", "assistant", "under", "acting", "coordinator", "governor", "of", "and", "for", "high",
    "representative", "special", "chairman", "chairwoman", "chair", "ceo", "private", "pvt.", "cpl.",
    "corporal", "specialist", "spc.", "staff", "first", "second", "i", "ii", "serbian", "kosovo",
    "u.s.", "us", "nato", "kfor", "un", "eu", "lt.-gen.", "maj.-gen.", "lt.-col.", "citizen",
}

SPEECH_VERBS = (
    "said", "says", "say", "told", "tells", "tell", "added", "adds", "stated", "states", "declared",
    "declares", "announced", "announces", "tweeted", "tweets", "wrote", "writes", "posted", "noted",
    "notes", "stressed", "stresses", "emphasized", "emphasised", "emphasizes", "emphasises", "warned",
    "warns", "explained", "explains", "argued", "argues", "insisted", "insists", "confirmed", "confirms",
    "estimated", "estimates", "recalled", "recalls", "reiterated", "reiterates", "pointed", "points",
    "expressed", "expresses", "suggested", "suggests", "reads", "read", "reported", "reports",
    "commented", "comments", "asserted", "asserts", "claimed", "claims", "replied", "replies",
    "responded", "highlighted", "highlights", "underlined", "underlines", "acknowledged", "admitted",
    "continued", "concluded", "believes", "believed", "urged", "urges", "cautioned", "predicted",
    "clarified", "clarifies", "specified", "revealed", "disclosed", "assured", "promised", "pledged", "vowed",
    "affirmed", "observed", "remarked", "quoted", "elaborated", "called", "calls", "described", "describes",
    "dubbed", "labelled", "labeled", "termed", "maintained", "countered", "conceded",
    "underscored", "underscores", "announce", "declare", "state", "write", "tweet",
)

MONTH_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}

_FOLDED_COUNTRY = {fold(k): v for k, v in COUNTRY_FORMS.items()}
_FOLDED_ORG = {fold(k): v for k, v in ORG_ALIASES.items()}


def country_of(form: str) -> str | None:
    """Canonical country for a surface form (``"Austrian"`` -> ``"Austria"``), else None."""
    f = form.strip()
    if f.endswith("'s") or f.endswith("’s"):
        f = f[:-2]
    return COUNTRY_FORMS.get(f) or (_FOLDED_COUNTRY.get(fold(f)) if len(f) > 3 else None)


def org_of(form: str) -> str | None:
    """Canonical organisation for an alias (``"the Pentagon"`` -> the US Department of Defense)."""
    f = form.strip()
    if f.endswith("'s") or f.endswith("’s"):
        f = f[:-2]
    if f in ORG_ALIASES:
        return ORG_ALIASES[f]
    g = re.sub(r"^(?:the|The)\s+", "", f)
    if g in ORG_ALIASES:
        return ORG_ALIASES[g]
    m = re.match(r"^(?:U\.S\.|US|United States|American)\s+(.+)$", g)
    if m and m.group(1) in ORG_ALIASES and ORG_ALIASES[m.group(1)].startswith("United States"):
        return ORG_ALIASES[m.group(1)]
    return _FOLDED_ORG.get(fold(g)) if len(g) > 3 else None


def is_gazetteer_word(tok: str) -> bool:
    """True for tokens that are countries, organisations, places, titles or months (not person names)."""
    t = tok.strip(",.;:'’").removesuffix("'s").removesuffix("’s")
    if not t:
        return True
    low = tok.strip(",;:'’").lower()
    return (
        low in TITLE_WORDS or t in CAPITALS or t in COUNTRY_FORMS or t in ORG_ALIASES or t in PLACE_ALIASES or t.lower() in TITLE_WORDS
        or t.lower().rstrip(".") in MONTH_WORDS or fold(t) in _FOLDED_ORG
    )


@lru_cache(maxsize=1)
def diacritic_map() -> dict[str, str]:
    """Words with diacritics known to the fact base, by their folded form (``vucic`` -> ``Vučić``)."""
    out: dict[str, str] = {}
    try:
        for row in read_facts_csv(default_facts_path()):
            blob = " ".join((row.entity, row.statement, row.quantity))
            for w in re.findall(r"\b[A-ZÀ-Ž][\wÀ-ž]+", blob):
                if not w.isascii():
                    out.setdefault(fold(w), w)
    except InputError:  # the fact base is optional for extraction
        pass
    return out
