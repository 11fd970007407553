"""The stance classifier behind the brief's choice of quotes: known answers, negation, and its
accuracy on hand-labelled sentences written for this test (none taken from articles)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forewarn.report.stance import NEUTRAL, OFF_TOPIC, Question, classify, questions_from


@pytest.fixture(scope="module")
def questions():
    from forewarn.kosovo.brief import load_framing

    return questions_from(load_framing()["stance"])


# (question, sentence, expected stance): written for this test.
LABELLED = [
    ("q1", "Washington has told Pristina that its soldiers will stay at Bondsteel for years.", "US stays"),
    ("q1", "The Pentagon plans to withdraw half of the American contingent next spring.", "US leaves"),
    ("q1", "US troops are not going anywhere, a senior officer insisted.", "US stays"),
    ("q1", "American forces will not remain in the Balkans once the review ends.", "US leaves"),
    ("q1", "The United States committed to keep its KFOR contribution unchanged.", "US stays"),
    ("q1", "Officials expect Washington to cut the garrison by a third.", "US leaves"),
    ("q1", "The US ambassador visited the base on Tuesday.", NEUTRAL),
    ("q2", "European allies could take over the posts the Americans leave behind.", "Europe can fill the gap"),
    ("q2", "KFOR would lack the helicopters and intelligence that only Washington provides.", "Europe cannot fill the gap"),
    ("q2", "NATO's European members are ready to step up in Kosovo.", "Europe can fill the gap"),
    ("q2", "The mission depends on American logistics and is already overstretched.", "Europe cannot fill the gap"),
    ("q2", "Italy and Turkey are unable to send more peacekeepers this year.", "Europe cannot fill the gap"),
    ("q3", "The KSF still lacks air defence and modern armour.", "KSF falls short"),
    ("q3", "Kosovo's army is now a professional and well equipped force.", "KSF can defend"),
    ("q3", "Its weapons are outdated and its budget is insufficient.", "KSF falls short"),
    ("q3", "The Security Force is not ready to defend the north alone.", "KSF falls short"),
    ("q3", "With its new drones the KSF is capable of holding the border crossings.", "KSF can defend"),
    ("q5", "Analysts say the situation must be watched closely because the risk is rising.", "watch closely"),
    ("q5", "Diplomats warn that talk of a crisis is exaggerated and the north is calm.", "no cause for alarm"),
    ("q1", "Farmers in the Drenica valley expect a good harvest.", OFF_TOPIC),
]


def test_accuracy_on_hand_labelled_sentences(questions):
    right = [classify(text, questions[q]).stance == want for q, text, want in LABELLED]
    # The figure documented in docs/brief.md: 19 of 20 (the miss: "lacks air defence and modern armour"
    # names a cue of each side, and the negation window of three words does not reach "modern").
    assert sum(right) >= len(LABELLED) - 1, [LABELLED[i] for i, ok in enumerate(right) if not ok]


def test_known_answers_and_negation():
    q = Question("q", topic=r"\btroops\b", for_=[r"\bstay\w*"], against=[r"\bleav\w+"], labels=("stay", "go"))
    assert classify("The troops will stay.", q).stance == "stay"
    assert classify("The troops will never stay.", q).stance == "go"
    assert classify("The troops won't leave.", q).stance == "stay"
    assert classify("The troops stay, then leave.", q).stance == NEUTRAL
    assert classify("The weather will stay fine.", q) == classify("Nothing on topic here.", q)
    res = classify("The troops will not stay.", q)
    assert res.cues == ("not stay",) and res.score == -1 and res.relevance == 2


@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=80))
def test_negating_the_only_cue_flips_the_side(filler):
    q = Question("q", topic=r"\btroops\b", for_=[r"\bstay\b"], against=[], labels=("stay", "go"))
    filler = filler.replace("troops", "").replace("stay", "")
    plain = classify(f"{filler} . The troops stay", q)
    negated = classify(f"{filler} . The troops do not stay", q)
    assert plain.stance == "stay" and negated.stance == "go"


def test_bad_labels_are_refused():
    with pytest.raises(ValueError, match="labels must be two strings"):
        questions_from({"q1": {"topic": "x", "labels": ["only one"]}})
