"""Text for briefs: sentences are split where they end, and shortening never cuts one."""

from __future__ import annotations

from hypothesis import given, strategies as st

from forewarn.report.text import shorten_at_sentence, split_sentences

WORD = st.text(alphabet="abdhij", min_size=2, max_size=8)  # no abbreviation; one letter and a stop is an initial
SENTENCE = st.builds(lambda ws, end: " ".join(ws).capitalize() + end, st.lists(WORD, min_size=1, max_size=12),
                     st.sampled_from([".", "!", "?"]))


@given(st.lists(SENTENCE, min_size=1, max_size=6), st.integers(10, 300))
def test_shortening_keeps_whole_leading_sentences(sentences, limit):
    text = " ".join(sentences)
    short = shorten_at_sentence(text, limit)
    assert text.startswith(short)
    assert short == sentences[0] or len(short) <= limit
    assert short in [" ".join(sentences[:k]) for k in range(1, len(sentences) + 1)]


def test_abbreviations_and_fact_ids_do_not_end_a_sentence():
    text = ("600 recruits were planned (F0485) and 1,240 recruited in 11 months c. 2022 (F0478). "
            "Serbia's budget rose, e.g. for tanks. NATO's air power is separate.")
    assert split_sentences(text) == [
        "600 recruits were planned (F0485) and 1,240 recruited in 11 months c. 2022 (F0478).",
        "Serbia's budget rose, e.g. for tanks.",
        "NATO's air power is separate.",
    ]


def test_a_single_long_sentence_is_kept_whole():
    long = "word " * 100 + "end."
    assert shorten_at_sentence(long, 50) == " ".join(long.split())
