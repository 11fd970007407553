"""Extraction on kinds of text the rules were not written on.

Every sentence here is written for these tests, with fictional people and outlets: speakers
introduced only by a description or a title, descriptions that refer back to a named person,
unnamed officials, short quotes that continue a statement; figures in other currencies, split
into active and reserve, or pointing back to the figure before; dates counted back from the
publication date. Each case is one kind, not one article.
"""

from __future__ import annotations

import pytest

from forewarn.kosovo.gazetteer import kosovo_gazetteer
from forewarn.monitor.extract import extract

GZ = kosovo_gazetteer()


def _quotes(text: str, pub: str = "2024-05-15") -> list[tuple[str, str]]:
    return [(q["speaker"], q["text"]) for q in extract(text, pub, gazetteer=GZ)["quotes"]]


def _speakers(text: str, pub: str = "2024-05-15") -> list[str]:
    return [s for s, _ in _quotes(text, pub)]


def _claims(text: str, pub: str | None = "2018-11-20") -> list[tuple]:
    return [(c["value"], c["value_max"], c["unit"]) for c in extract(text, pub, gazetteer=GZ)["force_claims"]]


def _events(text: str, pub: str | None = "2024-05-15") -> list[str]:
    return [e["date"] for e in extract(text, pub, gazetteer=GZ)["events"]]


# --- speakers ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        # a title and a surname the article never spelled out in full
        ('In a post on X, Prime Minister Lleshi wrote: "Kosovo will never be alone."', ["Lleshi"]),
        ('"Nothing has been decided," Defence Minister Harlan told reporters.', ["Harlan"]),
        # a short second quote of the same statement, in the next sentence
        ('"It is a clear signal," Marta Novak, the Slovenian defence minister, told reporters. "We stand firm."',
         ["Marta Novak", "Marta Novak"]),
        # a compound title that ends in a rank word, met again as "the secretary general"
        ('NATO Secretary General Mark Holloway met Prime Minister Ardit Lleshi in Pristina on Monday.\n\n'
         '"KFOR remains committed," Holloway said.\n\nLleshi thanked the allies. "We are grateful," he said.\n\n'
         'The secretary general also said the alliance would "not tolerate violence."',
         ["Mark Holloway", "Ardit Lleshi", "Mark Holloway"]),
        # "X, of the Y, said": the person, not the organisation in the aside
        ('Opposition lawmaker Dita Morina, of the Civic Alliance, said the plan was "vague on money."', ["Dita Morina"]),
        ('Dita Morina, from the Civic Alliance, called the plan "vague on money."', ["Dita Morina"]),
        # an institution's name before the person's ends the title, not the name
        ('Speaker of Parliament Glauk Berisa said the vote was "historic."', ["Glauk Berisa"]),
        # "in his words", "as she put it"
        ('Defence Minister Ejup Halili spoke at the academy. In his words, "the army is our insurance."', ["Ejup Halili"]),
        ('Defence Minister Ejup Halili spoke at the academy. As Halili put it, "the army is our insurance."', ["Ejup Halili"]),
        # "what she called": the speaker of the quoted words is the subject
        ('Admiral Rosa Vidal praised what she called his "calm and steady leadership."', ["Rosa Vidal"]),
        # lower-case particles inside a name, and the surname alone with its particles later
        ('Commission President Greta van der Berg said the EU was "ready to help." "We will not abandon the region," '
         'van der Berg said.', ["Greta van der Berg", "Greta van der Berg"]),
        # the end of a full name with its particles, capitalised at the start of a sentence
        ('NATO Secretary General Pieter de Vries Hallen said the cut was "a sign of progress."\n\n"We are not leaving," '
         'De Vries Hallen said.', ["Pieter de Vries Hallen", "Pieter de Vries Hallen"]),
        # a characterisation carried by "accused", "praised", "condemned"
        ('Prime Minister Ardit Lleshi accused the neighbours of "destabilisation."', ["Ardit Lleshi"]),
        # "State" in "a State Department spokesperson" is not the verb "state"
        ('The State Department echoed that. "We urge restraint," a State Department spokesperson said.',
         ["United States Department of State"]),
        # "the embassy" is the embassy that spoke before, under the same name
        ('The U.S. Embassy in Pristina said in a statement that it was "deeply concerned."\n\n'
         '"Unilateral actions undermine stability," the embassy said.', ["U.S. Embassy in Pristina", "U.S. Embassy in Pristina"]),
    ],
)
def test_speakers_named_by_title_apposition_or_continuation(text, speakers):
    assert _speakers(text) == speakers


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        # a description after the verb, then the name it describes
        ('"It is not the end of the mission," said the mission\'s spokesman, Major Ivo Penev.', ["Ivo Penev"]),
        ('"We stay in the north," said NATO\'s deputy spokesman, Piet Dunmore.', ["Piet Dunmore"]),
        # an occupation written as a title before the name is not part of the name
        ('Analyst Drita Hoxhaj of the Prishtina Policy Lab said the cut "would weaken deterrence."', ["Drita Hoxhaj"]),
        ('Professor Lena Moravec said the plan was "late but sound."', ["Lena Moravec"]),
        # the agent of a passive verb is the one who then speaks
        ('The plan was criticised by Jovan Lalic, the mayor of Zvecan. "It is a provocation," he said.', ["Jovan Lalic"]),
    ],
)
def test_a_name_after_its_description_occupations_and_passive_agents(text, speakers):
    assert _speakers(text) == speakers


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        ('Serbian President Aleksandar Vukov met Kosovo President Vera Osmanaj in Brussels.\n\n"We made progress," the '
         'Serbian president said.\n\n"Nothing has changed," the Kosovo president told reporters.', ["Aleksandar Vukov", "Vera Osmanaj"]),
        ('German Defence Minister Boris Pistor visited Prizren. Kosovo\'s defence minister, Ejup Halili, joined him.\n\n'
         '"Germany stands by KFOR," the German minister said.', ["Boris Pistor"]),
        ('President Vera Osmanaj met Prime Minister Ardit Lleshi. "We need NATO," Lleshi said. The head of state added '
         'that Kosovo was "ready."', ["Ardit Lleshi", "Vera Osmanaj"]),
    ],
)
def test_a_description_refers_back_to_the_person_whose_role_it_names(text, speakers):
    assert _speakers(text) == speakers


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # unnamed officials go to their organisation (role "official")
        ('"The decision has not been taken," a senior alliance official told a news agency.', "NATO"),
        ('A congressional aide said the measure "still has a long way to go."', "United States Congress"),
        ('"We are ready," said a spokeswoman for the alliance.', "NATO"),
        ('Officials in Belgrade said the move was "a provocation."', "Serbia government"),
        ('According to a NATO diplomat, the plan is "still under discussion."', "NATO"),
        ('U.S. officials said Washington had "no plans" to withdraw. "Our troops are staying," one official said.',
         "United States government"),
        # a spokesperson of no named organisation speaks for the one quoted last
        ('The alliance said in a statement: "Our commitment is unchanged." A spokesperson added that "KFOR is ready."',
         "NATO"),
        # a defence official in a text about a ministry named by its nickname
        ('The Pentagon said in a statement: "No decision has been made."\n\nA defense official added that the review '
         'was "ongoing."', "United States Department of Defense"),
    ],
)
def test_unnamed_officials_speak_for_their_organisation(text, speaker):
    got = _speakers(text)
    assert got and got[-1] == speaker


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        # "the ministry's spokeswoman": the ministry named before, when she is not named
        ('The Serbian defence ministry denied the report. The ministry\'s spokeswoman told reporters: '
         '"The soldiers are in their barracks."', ["Serbia defence ministry"]),
        # "the department said": the department named before
        ('The State Department confirmed the move on Monday. In a written statement, the department said the '
         'decision reflected "the progress made by our partners."', ["United States Department of State"]),
        # "according to the summit declaration", with nobody quoted before: the subject of the sentence
        ('NATO leaders on Wednesday pledged to keep KFOR "at the level required by the situation," according to '
         'the summit declaration.', ["NATO"]),
    ],
)
def test_organisations_referred_to_by_a_common_noun(text, speakers):
    assert _speakers(text) == speakers


# --- force claims ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("The defence budget for next year is set at RSD 120.5 billion, up from RSD 98.2 billion this year.",
         [(120500, None, "million RSD"), (98200, None, "million RSD")]),
        ("Serbia will spend 110 billion dinars on defence in 2019.", [(110000, None, "million RSD")]),
        ("Hungary's defence spending reached HUF 1,200 billion, while Poland plans PLN 140 billion.",
         [(1200000, None, "million HUF"), (140000, None, "million PLN")]),
        ("The force (2,500 active, 800 reserve) is to become an army.",
         [(2500, None, "troops"), (800, None, "reservists")]),
        ("Belgrade ordered 11 H145M helicopters and four Mi-35 gunships.", [(11, None, "aircraft"), (4, None, "aircraft")]),
        ('The army would recruit "at least a thousand" professional soldiers, the minister said.', [(1000, None, "troops")]),
        ("Budapest plans to raise the contingent to 450 next year, the ministry said.", [(450, None, "troops")]),
        ("A measure would bar cuts of the number of troops in Europe below 70,000 without a report to Congress.",
         [(70000, None, "troops")]),
        ("The chamber approved the extension of the mission by 132 votes to 48.", []),
        # an enumeration with commas between the country and its figure
        ("Troop contributions: Italy, 715; Germany, 400; Austria, 160.",
         [(715, None, "troops"), (400, None, "troops"), (160, None, "troops")]),
        # "several thousand" is no figure; "nearly seven hundred" is one
        ("The United States has nearly seven hundred soldiers there, down from several thousand in 1999.",
         [(700, None, "troops")]),
        ("The army will take in 4,000 conscripts a year.", [(4000, None, "troops")]),
        # a decimal comma before "billion"; a conversion in brackets is not another claim
        ("The budget of the Ministry of Defence is 1,2 billion euros.", [(1200, None, "million EUR")]),
        ("The army will receive 85.6 billion dinars ($800 million) next year.", [(85600, None, "million RSD")]),
        ("Serbia's defence budget will reach RSD 85.6bn in 2018, up 4.8% from 2017.",
         [(85600, None, "million RSD"), (4.8, None, "percent increase")]),
    ],
)
def test_claims_in_other_currencies_units_and_wordings(text, want):
    assert _claims(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Washington keeps about 600 troops at Camp Bondsteel. That number could fall to 300 by next year.",
         [(600, None, "troops"), (300, None, "troops")]),
        ("KFOR had 16,000 troops in 2008. In 2010 it was cut to 10,000, and three years later to about 5,000.",
         [(16000, None, "troops"), (10000, None, "troops"), (5000, None, "troops")]),
        ("NATO has deployed around 4,500 peacekeepers in Kosovo. Of those, roughly 600 are American.",
         [(4500, None, "troops"), (600, None, "troops")]),
        # a bare number far from any figure is not a claim
        ("NATO has deployed around 4,500 peacekeepers in Kosovo. It opened 3 new offices.\n\nIt has 45 partners.",
         [(4500, None, "troops")]),
    ],
)
def test_a_bare_number_that_points_back_to_the_figure_before(text, want):
    assert _claims(text) == want


def test_a_date_belongs_to_the_figure_nearest_it():
    out = extract("Kosovo raises defence spending from €123 million this year to €150 million in 2025.", "2024-09-17",
                  gazetteer=GZ)["force_claims"]
    assert [(c["value"], c["as_of"]) for c in out] == [(123, "2024"), (150, "2025")]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("The mission shrank to 9,000 troops in 2011 and, two years later, to 6,200.", [(9000, "2011"), (6200, "2013")]),
        ("In 2003 the brigade had 3,100 soldiers; a decade later it had 900.", [(3100, "2003"), (900, "2013")]),
        ("The contingent counted 1,400 troops in 2019 and 1,100 the following year.", [(1400, "2019"), (1100, "2020")]),
        ("The battalion left in 2014. Two years later the base held 300 soldiers.", [(300, "2016")]),
    ],
)
def test_years_counted_from_the_year_named_before(text, want):
    out = extract(text, "2024-06-01", gazetteer=GZ)["force_claims"]
    assert [(c["value"], c["as_of"]) for c in out] == want


def test_the_budget_for_next_year_is_that_year():
    out = extract("The defence budget for next year is set at 1.2 billion euros.", "2018-11-20", gazetteer=GZ)
    assert [c["as_of"] for c in out["force_claims"]] == ["2019"]
    assert out["events"] == []


# --- events --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "pub", "dates"),
    [
        ("Two days ago, masked men attacked a police station in the north.", "2024-05-15", ["2024-05-13"]),
        ("Three weeks ago, the alliance sent a reserve battalion to the north.", "2024-05-15", ["2024-04"]),
        ("Earlier this month, Polish soldiers completed their rotation.", "2024-05-15", ["2024-05"]),
        ("Earlier this year, the army received its first drones.", "2024-05-15", ["2024"]),
        # the saying is past even when what is said is future
        ("The United States will withdraw 300 soldiers, the State Department said on Wednesday.", "2026-01-15",
         ["2026-01-14"]),
        # a day counted from the day named before, and a month with "mid-"
        ("On 1 June, protesters blocked the road. KFOR removed the barricade the next day.", "2012-06-02",
         ["2012-06-01", "2012-06-02"]),
        ("In mid-March, the alliance reinforced the force with a reserve battalion.", "2023-07-16", ["2023-03"]),
        # a delivery in a year is an event, though the year is also the figure's date
        ("Kosovo received the first five drones in 2023.", "2024-01-13", ["2023"]),
        # relative dates stay unresolved in an undated article
        ("Two days ago, masked men attacked a police station in the north.", None, []),
    ],
)
def test_events_dated_by_counting_back_from_the_publication(text, pub, dates):
    assert _events(text, pub) == dates


def test_the_year_of_a_budget_or_a_plan_is_not_an_event_but_a_deployment_is():
    assert _events("Serbia will spend €1.9 billion on defence, up from €1.4 billion in 2023.", "2024-02-08") == []
    assert _events("Budapest plans to raise the contingent to 450 next year.", "2022-10-14") == []
    assert _events("About 20,000 troops were deployed to Europe in 2022 after the war began.", "2025-07-28") == ["2022"]
