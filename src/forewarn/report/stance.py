"""A small stance classifier: what a sentence says about a question, from cue patterns.

A question declares what it is about (``topic``, a regular expression) and two sets of cues, for
the two sides of its answer (``for`` and ``against``, with a label each: e.g. "US stays" and "US
leaves"). A sentence is *on topic* when the topic pattern matches; its stance is the side whose
cues it names more often. A cue preceded within three words by a negation ("not", "no", "never",
"n't", "without", "cannot") counts for the other side ("will not stay" is against "stay"). Equal
counts, or none, give ``neutral``. The classifier is deliberately transparent: every decision can be
traced to the cues it matched (:attr:`StanceResult.cues`).

Examples
--------
>>> q = Question("q1", topic=r"\\b(US|American)\\b", for_=[r"\\bstay\\w*"], against=[r"\\bwithdraw\\w*"],
...              labels=("US stays", "US leaves"))
>>> classify("American troops will stay in Kosovo.", q).stance
'US stays'
>>> classify("American troops will not stay long.", q).stance
'US leaves'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Question", "StanceResult", "classify", "questions_from", "NEUTRAL", "OFF_TOPIC"]

NEUTRAL = "neutral"
OFF_TOPIC = "off topic"
_NEGATION = re.compile(r"\b(not|no|never|without|cannot|can't|won't|nor)\b|n't\b", re.I)


@dataclass(frozen=True)
class Question:
    """What a question is about and the cues of its two sides."""

    name: str
    topic: str
    for_: Sequence[str] = ()
    against: Sequence[str] = ()
    labels: tuple[str, str] = ("for", "against")
    _compiled: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def pattern(self, which: str) -> list[re.Pattern[str]]:
        if which not in self._compiled:
            source = {"topic": [self.topic], "for": self.for_, "against": self.against}[which]
            self._compiled[which] = [re.compile(p, re.I) for p in source]
        return self._compiled[which]


@dataclass(frozen=True)
class StanceResult:
    """The stance of one sentence on one question, the topic words and the cues that decided it."""

    stance: str
    topic_hits: int
    score: int  # cues for minus cues against (negated cues counted on the other side)
    cues: tuple[str, ...] = ()

    @property
    def relevance(self) -> int:
        """How much the sentence says about the question: topic words, plus one for taking a side."""
        return self.topic_hits + (1 if self.stance not in (NEUTRAL, OFF_TOPIC) else 0)


def _negated(text: str, start: int) -> bool:
    before = text[:start].split()[-3:]
    return bool(_NEGATION.search(" ".join(before)))


def classify(text: str, question: Question) -> StanceResult:
    """The stance of ``text`` on ``question``."""
    topic = {m.group(0).lower() for p in question.pattern("topic") for m in p.finditer(text)}
    if not topic:
        return StanceResult(OFF_TOPIC, 0, 0)
    score, cues = 0, []
    for side, sign in (("for", 1), ("against", -1)):
        for p in question.pattern(side):
            for m in p.finditer(text):
                flip = -1 if _negated(text, m.start()) else 1
                score += sign * flip
                cues.append(("not " if flip < 0 else "") + m.group(0).lower())
    stance = question.labels[0] if score > 0 else question.labels[1] if score < 0 else NEUTRAL
    return StanceResult(stance, len(topic), score, tuple(cues))


def questions_from(table: Mapping[str, Mapping[str, Any]]) -> dict[str, Question]:
    """Questions from a mapping (e.g. a TOML table): ``{name: {topic, for, against, labels}}``."""
    out = {}
    for name, spec in table.items():
        labels = tuple(spec.get("labels", ("for", "against")))
        if len(labels) != 2:
            raise ValueError(f"stance question {name!r}: labels must be two strings, got {labels!r}")
        out[name] = Question(name, spec["topic"], tuple(spec.get("for", ())), tuple(spec.get("against", ())),
                             (str(labels[0]), str(labels[1])))
    return out
