"""Signposts: declared in a case file, matched against the evidence store, narrowing the futures.

A signpost is a named, testable statement about the world ("the US announces a KFOR drawdown")
with the bounds it puts on the case's uncertainties once it fires. This stage reads the evidence
(:mod:`forewarn.evidence`) and a run's experiments (:mod:`forewarn.engine`); it knows no case.
See ``docs/signposts.md``.
"""

from __future__ import annotations

from .core import (
    CLAIM_KINDS,
    LEVELS,
    IntentSpec,
    Constraint,
    EvidenceSpec,
    Narrowing,
    NarrowingSummary,
    NoFutureLeftError,
    Signpost,
    SignpostStatus,
    Threshold,
    canonical_actor,
    check_against_case,
    evaluate,
    evidence_frame,
    match_signposts,
    narrow,
    narrowing_summary,
    parse_signposts,
    statuses_frame,
)

# ``evaluate`` is the former name of ``match_signposts``, kept for one release.
__all__ = [
    "CLAIM_KINDS",
    "LEVELS",
    "IntentSpec",
    "Constraint",
    "EvidenceSpec",
    "Narrowing",
    "NarrowingSummary",
    "NoFutureLeftError",
    "Signpost",
    "SignpostStatus",
    "Threshold",
    "canonical_actor",
    "check_against_case",
    "evaluate",
    "evidence_frame",
    "match_signposts",
    "narrow",
    "narrowing_summary",
    "parse_signposts",
    "statuses_frame",
]
