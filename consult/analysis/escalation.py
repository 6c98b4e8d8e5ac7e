"""Escalation flags on single texts, from the analysis engine's shipped lexicon."""
from __future__ import annotations

from consult.analysis.pipeline import describe
from consult.analysis.pipeline.normalise import normalise

# a text is flagged when its most severe term reaches this (e.g. 联名 0.6, 上访 0.8, 堵路 1.0)
FLAG_SEVERITY = 0.5


def escalation_of(text: str) -> tuple[float, list[str]]:
    """(severity 0–1, distinct terms in order of first appearance) for one text."""
    terms = list(dict.fromkeys(describe.escalation_terms(normalise(text or ""))))
    return (describe.escalation_severity(terms) if terms else 0.0), terms


def is_flagged(score: float) -> bool:
    return score >= FLAG_SEVERITY
