"""Extraction of quotes, force claims and events: known answers, properties, robustness."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forewarn.errors import InputError
from forewarn.kosovo.gazetteer import kosovo_gazetteer
from forewarn.monitor.dates import find_dates, parse_pub_date, resolve_weekday
from forewarn.monitor.extract import CLAIM_FIELDS, EVENT_FIELDS, QUOTE_FIELDS, extract, read_article
from forewarn.monitor.numbers import find_numbers, parse_number, words_to_number
from forewarn.monitor.text import split_sentences

# The rules know missions and forces only from the gazetteer they are given: these texts are
# about Kosovo, so they get the Kosovo case's.
GZ = kosovo_gazetteer()

DEV = Path(__file__).resolve().parent / "fixtures" / "articles" / "dev"


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("s", "value"),
    [("5,000", 5000), ("4.6 thousand", 4600), ("12", 12), ("1,250,000", 1_250_000), ("four thousand", 4000),
     ("twenty-eight", 28), ("a dozen", 12), ("half", 0.5), ("nine", 9), ("two hundred and fifty", 250),
     ("1.5 million", 1_500_000)],
)
def test_parse_number(s, value):
    assert parse_number(s) == pytest.approx(value)


def test_words_to_number_rejects_other_words():
    assert words_to_number("several") is None
    assert parse_number("troops") is None


def test_find_numbers_words_money_percent_approx():
    text = "Some four thousand troops, a €2.7 billion deal, $901 billion, CHF40.9 million and about 2.65% of GDP."
    nums = find_numbers(text)
    got = [(n.value, n.currency, n.percent, n.approx) for n in nums]
    assert got == [
        (4000, None, False, True),
        (2700, "EUR", False, False),
        (901000, "USD", False, False),
        (40.9, "CHF", False, False),
        (2.65, None, True, True),
    ]
    for n in nums:
        assert text[n.start:n.end] == n.raw


def test_find_numbers_skips_compounds_and_ordinals():
    text = "A 3,000-page bill, the 141st brigade, 9/11, G-7 and 26.03.2024."
    assert [n.raw for n in find_numbers(text)] == []


def _claims(text, pub="2024-05-15"):
    return extract(text, pub, gazetteer=GZ)["force_claims"]


def test_claim_range_money_percent_units():
    text = (
        "The number of US troops in Europe has ranged between 75,000 and 105,000 as of 2022. "
        "Serbia signed a €2.7 billion contract to buy 12 fighter jets. "
        "Defence spending reached about 2.65% of gross domestic product."
    )
    c = _claims(text)
    assert [(x["value"], x["value_max"], x["unit"], x["kind"]) for x in c] == [
        (75000, 105000, "troops", "strength"),
        (2700, None, "million EUR", "procurement"),
        (12, None, "aircraft", "procurement"),
        (2.65, None, "percent of GDP", "budget"),
    ]
    assert c[0]["as_of"] == "2022" and c[0]["actor"] == "United States" and c[0]["mission_or_location"] == "Europe"
    assert c[1]["actor"] == "Serbia"
    assert c[3]["approx"] is True


def test_claim_from_to_gives_two_claims_and_words():
    c = _claims("The Austrian contingent in KFOR will grow from 400 to 650 soldiers, some four thousand troops in all.")
    assert [(x["value"], x["kind"]) for x in c] == [(400, "strength"), (650, "planned"), (4000, "strength")]
    assert all(x["actor"] == "Austria" for x in c[:2]) and c[0]["mission_or_location"] == "KFOR"
    assert c[2]["approx"] is True


def test_claims_exclude_casualties_people_durations_years():
    text = (
        "Two NATO soldiers were injured in clashes. Some 50,000 Serbs live in the north. "
        "The mission lasted 60 days in 2008. Police reported 2,000 patrols."
    )
    assert _claims(text) == []


def test_claim_reduction_and_bracketed_conversion():
    c = _claims("The U.S. is withdrawing 570 of its soldiers from Kosovo, with a budget of CHF40.9 million ($43.35 million).")
    assert [(x["value"], x["unit"], x["kind"]) for x in c] == [(570, "troops", "reduction"), (40.9, "million CHF", "budget")]
    assert c[0]["actor"] == "United States" and c[0]["mission_or_location"] == "Kosovo"


def test_claim_as_of_undated_is_none_unless_the_text_gives_a_year():
    c = _claims("About 830 U.S. troops will be left in Kosovo. In January 2022, KFOR had around 3,800 soldiers.", None)
    assert [(x["value"], x["as_of"]) for x in c] == [(830, None), (3800, "2022-01")]


def test_claim_same_figure_twice_annotated_once():
    c = _claims("Serbia spends about 2.65% of GDP on defence. “We have around 2.65% of GDP,” he said.")
    assert len(c) == 1


# --- dates -----------------------------------------------------------------------------------

def test_weekday_resolves_to_the_day_before_or_same_day():
    import datetime as dt

    sat = dt.date(2010, 10, 30)
    assert resolve_weekday(4, sat) == dt.date(2010, 10, 29)  # Friday in a Saturday paper
    assert resolve_weekday(5, sat) == sat  # Saturday: the same day
    assert resolve_weekday(0, sat, future=True) == dt.date(2010, 11, 1)


@pytest.mark.parametrize(
    ("text", "pub", "expected"),
    [
        ("NATO said in a statement Friday that it agreed.", "2010-10-30", ["2010-10-29"]),
        ("The visit was last month.", "2025-03-11", ["2025-02"]),
        ("The visit was last month.", "2025-03", ["2025-02"]),
        ("Troops entered Kosovo in June 1999.", None, ["1999-06"]),
        ("Troops entered Kosovo in June 1999.", "2020-01-01", ["1999-06"]),
        ("It happened on Thursday.", None, [None]),
        ("It happened last year.", None, [None]),
        ("The change of command was on 15th October.", "2021-10-16", ["2021-10-15"]),
        ("They agreed in April.", "2024-08-30", ["2024-04"]),
        ("A transition starting Aug 1.", "2022-07-31", ["2022-08-01"]),
        ("Kosovo became independent in 2008.", "2021-01-01", ["2008"]),
        ("The summit ends tomorrow.", "2023-07-11", ["2023-07-12"]),
        ("Road blocks went up late last year.", "2012-06-02", ["2011"]),
    ],
)
def test_find_dates(text, pub, expected):
    found = find_dates(text, pub)
    assert [d.date for d in found] == expected
    for d in found:
        assert text[d.start:d.end] == d.raw


def test_parse_pub_date():
    assert parse_pub_date("unknown") is None and parse_pub_date(None) is None
    assert parse_pub_date("2025-03").iso() == "2025-03"
    with pytest.raises(ValueError):
        parse_pub_date("2025-13-01")
    with pytest.raises(ValueError):
        parse_pub_date("yesterday")


def test_events_undated_article_keeps_only_absolute_dates():
    ev = extract("Troops entered Kosovo in June 1999. The Army announced Monday a cut.", None, gazetteer=GZ)["events"]
    assert [(e["date"], e["granularity"]) for e in ev] == [("1999-06", "month")]


def test_events_resolved_and_not_for_states():
    text = ("The House passed the bill on Wednesday. Switzerland has been part of KFOR since 1999. "
            "The budget for 2026 is larger.")
    ev = extract(text, "2025-12-11", gazetteer=GZ)["events"]
    assert [e["date"] for e in ev] == ["2025-12-10"]
    assert ev[0]["granularity"] == "day"
    assert text[ev[0]["start"]:ev[0]["end"]] == "Wednesday"


# --- quotes and speakers ------------------------------------------------------------------------

def _quotes(text, pub="2024-01-10"):
    return extract(text, pub, gazetteer=GZ)["quotes"]


def test_speaker_surname_title_and_pronoun():
    text = (
        'Serbian President Aleksandar Vucic spoke on Tuesday. "We will buy more jets," Vucic said. '
        '"The army is ready," he added. Lt. Col. Jane Doe, a KFOR spokeswoman, said the force was "fully prepared".'
    )
    q = _quotes(text)
    assert [(x["speaker"], x["kind"]) for x in q] == [
        ("Aleksandar Vučić", "direct"), ("Aleksandar Vučić", "direct"), ("Jane Doe", "partial"),
    ]
    assert q[0]["role"] == "Serbian President"
    assert q[2]["role"] == "a KFOR spokeswoman"


def test_speaker_diacritics_prefer_the_article_spelling():
    text = 'Agim Çeku spoke. "NATO came to Kosovo," Ceku says.'
    assert _quotes(text)[0]["speaker"] == "Agim Çeku"


def test_speaker_institutional_aliases_and_unnamed_officials():
    text = (
        '"There is no change to announce," the Pentagon said. '
        'A NATO official said that "the US continues to play a role". '
        '"KFOR will act if needed," the alliance said in a statement.'
    )
    q = _quotes(text)
    assert [(x["speaker"], x["role"]) for x in q] == [
        ("United States Department of Defense", None), ("NATO", "official"), ("NATO", None),
    ]


def test_attribution_before_with_colon_and_continuation_paragraph():
    text = ("Asked about the troops, Trump said:\n"
            "“No one asked me for this. I doubt we should do it.”\n"
            "Later, Donald Trump spoke again.")
    q = _quotes(text)
    assert len(q) == 1 and q[0]["speaker"] == "Donald Trump" and q[0]["kind"] == "direct"


def test_quote_over_two_paragraphs_and_cut_quote():
    text = ('“The first paragraph of the statement goes on here.\n'
            '“And the second paragraph ends it,” said Mark Rutte.\n'
            'Rutte added: “This quote is cut. It goes on and on wit')
    q = _quotes(text)
    assert [x["speaker"] for x in q] == ["Mark Rutte", "Mark Rutte"]
    assert q[0]["text"].startswith("The first paragraph") and q[0]["text"].endswith("ends it")
    assert q[1]["text"] == "This quote is cut."


def test_scare_quotes_names_and_nicknames_are_not_quotes():
    text = ('The US base “Bondsteel” is large. Known as "Old Hickory", the brigade left. '
            'Critics call it a “frozen conflict” in the Balkans. As reported by the TV “RTK 2”, he will lead.')
    assert _quotes(text) == []


def test_document_quotes_are_other():
    text = ('The communiqué was published after the summit. "KFOR will continue to ensure a safe environment," '
            "the communiqué states.")
    q = _quotes(text)
    assert len(q) == 1 and q[0]["kind"] == "other"


# --- offsets (property) ------------------------------------------------------------------------

_NAMES = ["Jane Doe", "Ana Kovač", "Petar Petrović", "Mark Rutte", "Luis Ortega"]
_WORDS = st.lists(st.sampled_from(["the", "troops", "will", "stay", "peace", "we", "must", "act", "Kosovo", "now", "and"]),
                  min_size=2, max_size=12).map(lambda w: " ".join(w).capitalize())


@st.composite
def _article(draw):
    parts, quotes, numbers = [], [], []
    for _ in range(draw(st.integers(1, 5))):
        form = draw(st.sampled_from(["after", "before", "plain", "number"]))
        name = draw(st.sampled_from(_NAMES))
        words = draw(_WORDS)
        q1, q2 = draw(st.sampled_from([("“", "”"), ('"', '"')]))
        if form == "after":
            s = f"{q1}{words},{q2} said {name}."
            quotes.append(words)
        elif form == "before":
            s = f"{name} said: {q1}{words}.{q2}"
            quotes.append(words + ".")
        elif form == "number":
            n = draw(st.integers(2, 99_000))
            raw = f"{n:,}"
            s = f"About {raw} U.S. troops are in Kosovo, {name} said."
            numbers.append(raw)
        else:
            s = words + "."
        parts.append(s)
    sep = draw(st.sampled_from([" ", "\n", "\n\n"]))
    return sep.join(parts), quotes, numbers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_article())
def test_offsets_point_at_the_text(article):
    text, quotes, numbers = article
    out = extract(text, "2024-01-10", gazetteer=GZ)
    for q in out["quotes"]:
        assert text[q["start"]:q["end"]] == q["text"]
        assert q["text"] in q["sentence"] and q["sentence"] in text
    for c in out["force_claims"]:
        assert c["sentence"] in text
        assert str(text[c["start"]:c["end"]]).replace(",", "") == str(c["value"])
    for e in out["events"]:
        assert e["start"] < e["end"] and e["sentence"] in text
    assert [q["text"] for q in out["quotes"]] == quotes
    # the same figure stated twice is one claim
    assert {text[c["start"]:c["end"]] for c in out["force_claims"]} == set(numbers)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('abcXYZ .,;:"“”„\'’—-\n0123456789$€%()')), max_size=300),
       st.sampled_from([None, "2020-01-01", "2020-01", "2020"]))
def test_extract_never_fails_and_offsets_hold(text, pub):
    out = extract(text, pub, gazetteer=GZ)
    assert set(out) == {"quotes", "force_claims", "events", "intents"}
    for q in out["quotes"]:
        assert text[q["start"]:q["end"]] == q["text"]
    for item in out["force_claims"] + out["events"]:
        assert 0 <= item["start"] < item["end"] <= len(text)


def test_sentences_cover_abbreviations_and_glued_stops():
    text = "Gen. Frank J. Grass met U.S. troops. Austria has 379 soldiers.It rotates.\nHeadline without stop\nLast"
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Gen. Frank J. Grass met U.S. troops.", "Austria has 379 soldiers.", "It rotates.", "Headline without stop", "Last",
    ]
    assert [s.furniture for s in sents] == [False, False, False, True, False]


# --- fields, read_article, speed ---------------------------------------------------------------

def test_field_names_match_the_annotation_format():
    out = extract(read_article(DEV / "17.txt")[0], "2024-08-30", gazetteer=GZ)
    for q in out["quotes"]:
        assert set(QUOTE_FIELDS) | {"start", "end", "sentence"} == set(q)
    for c in out["force_claims"]:
        assert set(CLAIM_FIELDS) | {"start", "end"} == set(c)
    for e in out["events"]:
        assert set(EVENT_FIELDS) | {"start", "end", "sentence", "granularity"} == set(e)


def test_read_article_headers(tmp_path):
    body, date, url = read_article(DEV / "03.txt")
    assert date is None and url.startswith("https://") and body.startswith("Serbian army moves units closer")
    p = tmp_path / "a.txt"
    p.write_text("URL: http://x\nDATE: 2024-01-02\n\nBody text.", encoding="utf-8")
    assert read_article(p) == ("Body text.", "2024-01-02", "http://x")
    p.write_text("No header here.", encoding="utf-8")
    assert read_article(p) == ("No header here.", None, None)


@pytest.mark.parametrize("content", [b"", b"URL: http://x\nDATE: 2024-01-02\n\n  \n", b"\x00\x01binary", b"\xff\xfe\xfa"])
def test_read_article_bad_input(tmp_path, content):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError):
        read_article(p)
    with pytest.raises(InputError):
        read_article(tmp_path / "missing.txt")


def test_bad_pub_date_is_an_input_error():
    with pytest.raises(InputError):
        extract("text", "31/12/2024")


def test_pronoun_refers_to_the_person_a_sentence_is_about():
    text = ('Defence Minister Ejup Maqedonci said the plan was ready. Serbian President Aleksandar Vucic dismissed it. '
            '"They can buy whatever they want," he said.')
    assert [q["speaker"] for q in _quotes(text)] == ["Aleksandar Vučić"]


def test_the_ministry_is_the_ministry_named_before():
    text = ("Romania's defense ministry said on Friday it had been informed. "
            '"The American presence remains significant," the ministry said.')
    assert _quotes(text)[0]["speaker"] == "Romania defence ministry"


def test_negated_cuts_casualties_nearby_and_compound_sizes():
    c = _claims(
        "U.S. officials have no plans to cut the roughly 600 American troops serving with KFOR. "
        "Last year NATO sent an extra 1,000 soldiers after a gunfight in which a police officer was killed. "
        "The 4,500-strong force patrols the north. Kosovo spent 150 million euros on drones from Turkey."
    )
    got = [(x["value"], x["unit"], x["kind"], x["mission_or_location"]) for x in c]
    assert got[:3] == [(600, "troops", "strength", "KFOR"), (1000, "troops", "reinforcement", got[1][3]), (4500, "troops", "strength", got[2][3])]
    assert c[1]["as_of"] == "2023"
    assert got[3] == (150, "million EUR", "procurement", "Kosovo Security Force")


def test_british_single_quotation_marks():
    text = ("Defence secretary John Healey said the UK would stay. ‘We are not going anywhere,’ he said. "
            "He added that Britain’s soldiers were ‘vital’ to stability.")
    q = _quotes(text)
    assert [(x["speaker"], x["text"], x["kind"]) for x in q] == [
        ("John Healey", "We are not going anywhere", "direct"), ("John Healey", "vital", "partial"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In comparison, Hungary has provided 365 troops, America 572 and Italy 1,322.",
         [(365, "troops", "Hungary"), (572, "troops", "United States"), (1322, "troops", "Italy")]),
        ("KFOR has split what are now 16,000 troops into five brigade-sized task forces.", [(16000, "troops", "NATO")]),
        ("The KSF is comprised of 2,500 active and 800 reserve members.",
         [(2500, "personnel", "Kosovo"), (800, "personnel", "Kosovo")]),
        ("At present, NATO has approximately 15 000 troops deployed in Kosovo.", [(15000, "troops", "NATO")]),
        ("The reduction of KFOR's size from 55,000 in 1999 to about 3,500 is welcome.",
         [(55000, "troops", "NATO"), (3500, "troops", "NATO")]),
        ("Kosovo's defense budget has grown. In 2021, 69 million euros were invested, and 153 million in 2024.",
         [(69, "million EUR", "Kosovo"), (153, "million EUR", "Kosovo")]),
        ('"We will allocate one billion euros for our army," Kurti said.', [(1000, "million EUR", "Kosovo")]),
    ],
)
def test_claims_in_sentences_of_other_outlets(text, expected):
    got = [(c["value"], c["unit"], c["actor"]) for c in _claims(text)]
    assert got == expected


def test_called_quotes_subjects_and_dates_inside_unattributed_quotes():
    text = ("NATO spokesperson Allison Hart said the alliance had \"no plans\" to change course. "
            "Serbia's defence minister, Bratislav Gasic, called the comments \"provocative\". "
            "\"Serbia will protect its people,\" he said. A village called \"Banjska\" was calm. "
            "\"Nobody is leaving tomorrow,\" a diplomat said. The EULEX mission, which has about 400 staff, is calm.")
    out = extract(text, "2025-04-14", gazetteer=GZ)
    assert [(q["speaker"], q["text"]) for q in out["quotes"]] == [
        ("Allison Hart", "no plans"), ("Bratislav Gasic", "provocative"), ("Bratislav Gasic", "Serbia will protect its people"),
    ]
    assert out["events"] == []  # "tomorrow" is inside a quote
    assert [(c["value"], c["mission_or_location"]) for c in out["force_claims"]] == [(400, "EULEX")]


def test_force_figures_of_the_fact_base_sentences_are_found():
    """Recall on unseen text: the fact base records, for each figure, the English sentence it came from."""
    import csv
    import re
    from importlib import resources

    units = {"troops", "personnel", "nations", "soldiers", "reservists", "aircraft", "contingents", "million EUR",
             "million USD", "percent of GDP"}
    found = total = 0
    with resources.files("forewarn").joinpath("data", "facts.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            q = row.get("statement") or ""
            if row.get("unit") not in units or not re.search(r"\b(?:the|and|of|in)\b", q):
                continue
            if re.search(r"\b(?:der|die|und|të|je|na|ili|della)\b", q):
                continue  # not English
            try:
                value = float(row["value"])
            except (TypeError, ValueError):
                continue
            total += 1
            as_of = (row.get("as_of") or "")[:10]
            pub = as_of if re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", as_of) else None
            claims = extract(q, pub, gazetteer=GZ)["force_claims"]
            found += any(abs(c["value"] - value) < 1e-6 for c in claims)
    assert total >= 100
    assert found / total >= 0.80, f"{found}/{total}"


def test_speakers_not_introduced_capitals_asides_and_unresolved_attribution():
    text = ('"I think," said Rutte, "that KFOR is strong." '
            'US envoy Richard Grenell (who has visited Belgrade) said: "We want a deal." '
            '"We will not accept this," Belgrade said in a statement. '
            '"Some unknown thing happened here today," the source said.')
    q = _quotes(text)
    assert [(x["speaker"], x["kind"]) for x in q] == [
        ("Rutte", "direct"), ("Rutte", "partial"), ("Richard Grenell", "direct"), ("Serbia", "direct"),
    ]


def test_contributors_tense_of_changes_and_percent_pairs():
    text = ("Germany's parliament approved the Bundeswehr's KFOR mandate, allowing up to 400 soldiers until June 2026. "
            "Italy leads KFOR with roughly 800 troops, followed by the United States with about 600. "
            "Kosovo's security force has grown from 2,500 in 2019 to nearly 5,000 this year. "
            "NATO members spent 2.2% of GDP on defence in 2024, up from 1.6% in 2014.")
    got = [(c["value"], c["unit"], c["actor"], c["kind"], c["as_of"]) for c in _claims(text, "2025-06-12")]
    assert got == [
        (400, "troops", "Germany", "strength", "2026-06"),
        (800, "troops", "Italy", "strength", "2025-06-12"),
        (600, "troops", "United States", "strength", "2025-06-12"),
        (2500, "troops", "Kosovo", "historical", "2019"),
        (5000, "troops", "Kosovo", "strength", "2025"),
        (2.2, "percent of GDP", "NATO", "budget", "2024"),
        (1.6, "percent of GDP", "NATO", "budget", "2014"),
    ]


def test_docstring_examples_run():
    import doctest

    from forewarn.monitor import dates, extract as extract_mod, numbers, text

    for mod in (extract_mod, text, numbers, dates):
        assert doctest.testmod(mod, verbose=False).failed == 0, mod.__name__


def test_long_lines_without_a_stop_are_prose_and_stamps_are_furniture():
    prose = ("NATO has about 4,600 troops in Kosovo and the United States contributes roughly 600 of them "
             "according to the alliance figures published this spring")
    text = prose + "\nSource: Tanjug Tuesday, July 11, 2023 | 21:15 Tweet Share\nEnd of the article."
    sents = split_sentences(text)
    assert [s.furniture for s in sents] == [False, True, False]
    assert [c["value"] for c in _claims(text)] == [4600, 600]
