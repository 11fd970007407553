"""Gazetteers for extraction: who and where a text can name, as data the monitor is given.

A :class:`Gazetteer` holds countries and their forms (names, adjectives, demonyms), capitals,
organisations and their aliases, the actor whose forces an organisation's figures are, missions
and national forces, places, leaders, and spellings of names with diacritics. :data:`WORLD` is
general knowledge about states and alliances and is what extraction uses when it is given
nothing else; a case adds its own missions, forces, places, leaders and spellings from a TOML
file (:meth:`Gazetteer.from_toml`, format in ``docs/monitor.md``), merged over :data:`WORLD`.
The monitor knows no case: callers pass the case's gazetteer in.

>>> g = Gazetteer.from_mapping({"missions": [{"name": "UNFICYP", "actor": "United Nations"}]})
>>> g.org_of("UNFICYP"), g.org_actor["UNFICYP"], g.mission_of_org("UNFICYP")
('UNFICYP', 'United Nations', 'UNFICYP')
>>> WORLD.country_of("Austrian")
'Austria'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from .text import fold

__all__ = ["Gazetteer", "WORLD", "TITLE_WORDS", "SPEECH_VERBS", "MONTH_WORDS"]

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


# organisation aliases -> canonical name (general: alliances, international bodies, US institutions)
_ORG_ALIASES: dict[str, str] = {
    "NATO": "NATO", "Nato": "NATO", "North Atlantic Treaty Organization": "NATO", "North Atlantic Treaty Organisation": "NATO",
    "the Alliance": "NATO", "the alliance": "NATO", "NATO military alliance": "NATO",
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
    "OSCE": "OSCE",
    "Congress": "United States Congress", "House": "United States House of Representatives",
    "Senate": "United States Senate",
}
_ORG_ACTOR: dict[str, str] = {
    "NATO": "NATO", "United States Department of Defense": "United States",
    "United States Department of State": "United States", "United States European Command": "United States",
    "White House": "United States", "United States Congress": "United States",
    "United States House of Representatives": "United States", "United States Senate": "United States",
    "Kremlin": "Russia", "European Union": "European Union",
}
_LEADERS: dict[str, str] = {
    "trump": "United States", "biden": "United States", "obama": "United States", "putin": "Russia",
    "macron": "France", "merz": "Germany", "scholz": "Germany", "merkel": "Germany", "zelensky": "Ukraine",
    "meloni": "Italy", "tusk": "Poland", "orban": "Hungary", "erdogan": "Turkey",
}
# capitals standing for their governments ("Belgrade said", "Pristina's army")
_CAPITALS: dict[str, str] = {
    "Belgrade": "Serbia", "Pristina": "Kosovo", "Prishtina": "Kosovo", "Washington": "United States",
    "Moscow": "Russia", "Tirana": "Albania", "Skopje": "North Macedonia", "Podgorica": "Montenegro",
    "Sarajevo": "Bosnia and Herzegovina", "Zagreb": "Croatia", "Berlin": "Germany", "Paris": "France",
    "London": "United Kingdom", "Rome": "Italy", "Ankara": "Turkey", "Vienna": "Austria", "Bern": "Switzerland",
    "Budapest": "Hungary", "Warsaw": "Poland", "Athens": "Greece", "Bucharest": "Romania", "Kyiv": "Ukraine",
    "Beijing": "China",
}
_PLACES: dict[str, str] = {
    "Europe": "Europe", "Balkans": "Balkans", "Western Balkans": "Western Balkans",
    "Baltics": "Baltics", "Middle East": "Middle East", "Asia": "Asia", "Africa": "Africa", "Pacific": "Pacific",
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
    "corporal", "specialist", "spc.", "staff", "first", "second", "i", "ii",
    "u.s.", "us", "nato", "un", "eu", "lt.-gen.", "maj.-gen.", "lt.-col.", "citizen", "mr", "mrs", "ms", "dr",
    # occupations written as titles before a name ("Analyst Dren Hoti", "Professor Ana Berg")
    "analyst", "expert", "researcher", "professor", "lawmaker", "legislator", "historian", "economist",
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
    "quoting", "citing",
    # verbs that carry a speaker's own characterisation ("accused Belgrade of "destabilisation"")
    "accused", "accuses", "criticised", "criticized", "criticises", "criticizes", "condemned", "condemns",
    "denounced", "denounces", "praised", "praises", "welcomed", "welcomes", "hailed", "hails", "branded",
    "slammed", "characterised", "characterized",
)

MONTH_WORDS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}



def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(eq=False)
class Gazetteer:
    """Names a text can use for actors, organisations, missions, forces and places.

    Parameters
    ----------
    countries : mapping of str to list of str
        Canonical country -> surface forms (the first is the noun form).
    organisations : mapping of str to str
        Alias -> canonical organisation (speakers, actors).
    org_actor : mapping of str to str
        Canonical organisation -> the actor whose forces its figures are (``KFOR`` -> ``NATO``).
    missions : mapping of str to str
        Canonical organisation -> the mission its figures belong to (``mission_or_location``).
    forces : mapping of str to str
        Country -> the name of its own armed force, the place of figures about that force.
    leaders : mapping of str to str
        Folded surname -> country (the actor of claims a leader states).
    capitals, places : mapping of str to str
        Capital -> country; place alias -> canonical place.
    spellings : mapping of str to str
        Folded word -> the spelling with diacritics (``vucic`` -> ``Vučić``).
    home : str, optional
        The place most texts are about: the default for "in the country" and for a force's figures.
    peoples : tuple of str
        Plural names of peoples that follow a place without making it an actor (``Kosovo Serbs``).
    people : tuple of str
        Full names as they should be written (``Aleksandar Vučić`` for ``Alexander Vucic``).
    name : str
        What the gazetteer is for (``world``, a case's name).
    """

    countries: Mapping[str, list[str]]
    organisations: Mapping[str, str]
    org_actor: Mapping[str, str]
    missions: Mapping[str, str] = field(default_factory=dict)
    forces: Mapping[str, str] = field(default_factory=dict)
    leaders: Mapping[str, str] = field(default_factory=dict)
    capitals: Mapping[str, str] = field(default_factory=dict)
    places: Mapping[str, str] = field(default_factory=dict)
    spellings: Mapping[str, str] = field(default_factory=dict)
    home: str | None = None
    name: str = "world"
    peoples: tuple[str, ...] = ()
    people: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.country_forms: dict[str, str] = {f: c for c, forms in self.countries.items() for f in forms}
        self._folded_country = {fold(k): v for k, v in self.country_forms.items()}
        self._folded_org = {fold(k): v for k, v in self.organisations.items()}
        self.country_rx = re.compile(r"(?<![\w.])(?:" + _alternation(self.country_forms) + r")(?![\w])")
        plain = [a for a in self.organisations if not a.startswith("the ")]
        self.org_rx = re.compile(r"(?<![\w.])(?:" + _alternation(plain)
                                 + r"|the\s+alliance|the\s+Alliance|Trump\s+administration|administration)(?![\w])")
        self.alias_rx = re.compile(r"\b(?:" + _alternation(plain) + r")\b")
        self.leader_rx = re.compile(r"\b(?:" + (_alternation(self.leaders) or "(?!x)x") + r")\b", re.IGNORECASE)
        self.place_rx = re.compile(r"(?<![\w])(?:" + (_alternation(self.places) or "(?!x)x") + r")(?![\w])")
        mission_aliases = [a for a, c in self.organisations.items() if c in self.missions and not a.startswith("the ")]
        self.mission_rx = re.compile(r"(?<![\w])(?:" + (_alternation(mission_aliases) or "(?!x)x") + r")(?![\w])")
        force_aliases = [a for a, c in self.organisations.items() if c in self.forces.values()]
        self.force_rx = re.compile(r"(?<![\w])(?:" + (_alternation(force_aliases) or "(?!x)x") + r")(?![\w])")
        self.force_country = {v: k for k, v in self.forces.items()}
        self._people = {fold(p.split()[-1]): p for p in self.people if len(p.split()) >= 2}
        self.peoples_rx = re.compile(r"\s+(?:" + (_alternation(self.peoples) or "(?!x)x") + r")\b")

    # -- lookups -----------------------------------------------------------------------------

    def country_of(self, form: str) -> str | None:
        """Canonical country for a surface form (``"Austrian"`` -> ``"Austria"``), else None."""
        f = form.strip()
        if f.endswith("'s") or f.endswith("’s"):
            f = f[:-2]
        return self.country_forms.get(f) or (self._folded_country.get(fold(f)) if len(f) > 3 else None)

    def org_of(self, form: str) -> str | None:
        """Canonical organisation for an alias (``"the Pentagon"`` -> the US Department of Defense)."""
        f = form.strip()
        if f.endswith("'s") or f.endswith("’s"):
            f = f[:-2]
        if f in self.organisations:
            return self.organisations[f]
        g = re.sub(r"^(?:the|The)\s+", "", f)
        if g in self.organisations:
            return self.organisations[g]
        m = re.match(r"^(?:U\.S\.|US|United States|American)\s+(.+)$", g)
        if m and m.group(1) in self.organisations and self.organisations[m.group(1)].startswith("United States"):
            return self.organisations[m.group(1)]
        return self._folded_org.get(fold(g)) if len(g) > 3 else None

    def mission_of_org(self, org: str) -> str | None:
        """The mission an organisation's figures belong to (``"Swisscoy"`` -> ``"KFOR"``), else None."""
        return self.missions.get(org)

    def mission_in(self, text: str) -> str | None:
        """The mission of the first mission alias named in ``text``, else None."""
        m = self.mission_rx.search(text)
        return self.missions.get(self.organisations.get(m.group(), m.group())) if m else None

    def spelling(self, word: str) -> str:
        """``word`` written with the diacritics the gazetteer knows (``Vucic`` -> ``Vučić``)."""
        return self.spellings.get(fold(word), word)

    def person(self, name: str) -> str:
        """The gazetteer's spelling of a full name whose surname it knows and whose first name is a
        variant of its own (``Alexander Vucic`` -> ``Aleksandar Vučić``); else ``name``."""
        toks = name.split()
        known = self._people.get(fold(toks[-1])) if len(toks) >= 2 else None
        if known and fold(known.split()[0])[:3] == fold(toks[0])[:3]:
            return known
        return name

    def is_gazetteer_word(self, tok: str) -> bool:
        """True for tokens that are countries, organisations, places, titles or months (not person names)."""
        t = tok.strip(",.;:'’").removesuffix("'s").removesuffix("’s")
        if not t:
            return True
        low = tok.strip(",;:'’").lower()
        return (
            low in TITLE_WORDS or t in self.capitals or t in self.country_forms or t in self.organisations
            or t in self.places or t.lower() in TITLE_WORDS or t.lower().rstrip(".") in MONTH_WORDS
            or fold(t) in self._folded_org
        )

    def actor_aliases(self) -> dict[str, tuple[str, ...]]:
        """Names under which each actor appears in a sentence: its forms, capitals and organisations."""
        out: dict[str, list[str]] = {c: list(forms) for c, forms in self.countries.items()}
        for cap, c in self.capitals.items():
            out.setdefault(c, [c]).append(cap)
        for alias, org in self.organisations.items():
            actor = self.org_actor.get(org)
            if actor and not alias.startswith("the "):
                out.setdefault(actor, [actor]).append(alias)
        return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}

    # -- building ----------------------------------------------------------------------------

    def merged(self, other: Mapping[str, Any], name: str | None = None) -> Gazetteer:
        """A new gazetteer: this one with the entries of ``other`` (a parsed TOML table) added."""
        return _merge(self, other, name)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, base: Gazetteer | None = None, name: str | None = None) -> Gazetteer:
        """Merge a parsed gazetteer table over ``base`` (default :data:`WORLD`)."""
        return _merge(WORLD if base is None else base, data, name)

    @classmethod
    def from_toml(cls, path: str | Path, *, base: Gazetteer | None = None) -> Gazetteer:
        """Read a gazetteer file (format in ``docs/monitor.md``), merged over ``base`` (default :data:`WORLD`).

        Raises
        ------
        InputError
            For a missing or unreadable file, bad TOML or a field of the wrong type.
        """
        import tomllib

        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("no such gazetteer file", source=p) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the gazetteer ({exc})", source=p) from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"bad TOML: {exc}", source=p) from None
        try:
            return _merge(WORLD if base is None else base, data, data.get("name") or p.stem, source=p)
        except InputError:
            raise


_TABLES = ("countries", "organisations", "leaders", "capitals", "places", "spellings")


def _strings(value: Any, where: str, source: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError("must be a list of non-empty strings", source=source, field=where)
    return list(value)


def _merge(base: Gazetteer, data: Mapping[str, Any], name: str | None, source: Any = None) -> Gazetteer:
    known = {"name", "home", "missions", "forces", "people", "peoples", *_TABLES}
    for key in data:
        if key not in known:
            raise InputError(f"unknown key {key!r} (keys: {', '.join(sorted(known))})", source=source, field=key)
    countries = {k: list(v) for k, v in base.countries.items()}
    orgs, org_actor, missions = dict(base.organisations), dict(base.org_actor), dict(base.missions)
    forces, leaders, capitals = dict(base.forces), dict(base.leaders), dict(base.capitals)
    places, spellings = dict(base.places), dict(base.spellings)
    for key, target in (("leaders", leaders), ("capitals", capitals), ("organisations", orgs)):
        table = data.get(key, {})
        if not isinstance(table, Mapping) or not all(isinstance(v, str) for v in table.values()):
            raise InputError("must be a table of names to strings", source=source, field=key)
        target.update({(fold(k) if key == "leaders" else k): v for k, v in table.items()})
    for canon, forms in (data.get("countries") or {}).items():
        countries[canon] = list(dict.fromkeys(countries.get(canon, []) + _strings(forms, f"countries.{canon}", source)))
    for canon, aliases in (data.get("places") or {}).items():
        for a in [canon] + _strings(aliases, f"places.{canon}", source):
            places[a] = canon
    for i, entry in enumerate(list(data.get("missions") or []) + list(data.get("forces") or [])):
        where = f"missions[{i}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            raise InputError("each mission or force needs a name", source=source, field=where)
        canon = entry["name"]
        for a in [canon] + _strings(entry.get("aliases", []), where + ".aliases", source):
            orgs[a] = canon
        if entry.get("actor"):
            org_actor[canon] = str(entry["actor"])
        if entry.get("country"):  # a national force: its figures are the country's, placed at the force
            org_actor[canon] = str(entry["country"])
            forces[str(entry["country"])] = canon
        else:
            missions[canon] = str(entry.get("mission") or canon)
    for person in _strings(data.get("people", []), "people", source):
        for w in person.split():
            if not w.isascii():
                spellings.setdefault(fold(w), w)
    spellings.update({fold(k): v for k, v in (data.get("spellings") or {}).items()})
    home = data.get("home", base.home)
    peoples = tuple(dict.fromkeys(base.peoples + tuple(_strings(data.get("peoples", []), "peoples", source))))
    people = tuple(dict.fromkeys(base.people + tuple(_strings(data.get("people", []), "people", source))))
    return Gazetteer(countries, orgs, org_actor, missions, forces, leaders, capitals, places, spellings, home,
                     name or base.name, peoples, people)


#: General knowledge about states, alliances and international bodies; no case's missions or leaders.
WORLD = Gazetteer(_COUNTRIES, _ORG_ALIASES, _ORG_ACTOR, leaders=_LEADERS, capitals=_CAPITALS, places=_PLACES)
