"""Step 6: describe a risk point: title, area and dimension, escalation signal."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Sequence

from . import resources
from .keywords import display, is_place


def make_title(keywords: Sequence[tuple[str, float]], place: str | None = None, n_terms: int = 3) -> str:
    """A short Chinese title from the key terms, prefixed by the dominant place if any."""
    terms = [display(t) for t, _ in keywords if not is_place(t)][:n_terms]
    body = "、".join(terms) if terms else "其他意见"
    return f"{display(place)}:{body}" if place else body


@lru_cache(maxsize=4)
def _escalation_regex(path: str) -> tuple[re.Pattern, dict[str, float]]:
    lexicon = resources.escalation_lexicon(resources.Path(path))
    terms = sorted(lexicon, key=lambda t: (-len(t), t))
    return re.compile("|".join(re.escape(t) for t in terms)), lexicon


def escalation_terms(text: str) -> list[str]:
    """Escalation lexicon terms found in a text (longest match first, no overlaps)."""
    pattern, _ = _escalation_regex(str(resources.ESCALATION))
    return pattern.findall(text)


def escalation_severity(terms: Sequence[str]) -> float:
    _, lexicon = _escalation_regex(str(resources.ESCALATION))
    return max((lexicon.get(t, 0.0) for t in terms), default=0.0)


def escalation_summary(doc_terms: Sequence[Sequence[str]], weights: Sequence[float], top: int = 8):
    """Score in [0, 1]: weight-share of texts with an escalation term, times their severity."""
    total = float(sum(weights)) or 1.0
    acc = 0.0
    counts: Counter[str] = Counter()
    for terms, w in zip(doc_terms, weights):
        if terms:
            acc += w * escalation_severity(terms)
            counts.update(set(terms))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return round(acc / total, 4), [t for t, _ in ranked], dict(ranked)


def _matches(term: str, seeds: frozenset[str]) -> float:
    if term in seeds:
        return 1.0
    if len(term) >= 2 and any(len(s) >= 2 and (s in term or term in s) for s in seeds):
        return 0.5
    return 0.0


@lru_cache(maxsize=4)
def _taxonomy_sets(path: str):
    tax = resources.taxonomy(resources.Path(path))
    areas = {name: frozenset(spec["terms"]) for name, spec in tax["areas"].items()}
    priors = {name: spec.get("dimension_prior", {}) for name, spec in tax["areas"].items()}
    dims = {name: frozenset(terms) for name, terms in tax["dimensions"].items()}
    return areas, priors, dims, tax.get("fallback_area", "其他")


def classify(keywords: Sequence[tuple[str, float]], escalation_score: float = 0.0):
    """(area, area_confidence, dimension, dimension_confidence) from the taxonomy file."""
    areas, priors, dims, fallback = _taxonomy_sets(str(resources.TAXONOMY))
    total = sum(w for _, w in keywords) or 1.0
    area_scores = {a: sum(w * _matches(t, seeds) for t, w in keywords) for a, seeds in areas.items()}
    matched = sum(area_scores.values())
    best_area = max(sorted(area_scores), key=lambda a: area_scores[a])
    if area_scores[best_area] <= 0:
        area, area_conf = fallback, 0.0
    else:
        # share of the matched mass, damped when few keywords match any area
        coverage = min(1.0, matched / (0.5 * total))
        area, area_conf = best_area, area_scores[best_area] / matched * coverage
    dim_scores = {d: sum(w * _matches(t, seeds) for t, w in keywords) / total for d, seeds in dims.items()}
    if area in priors:
        for d, p in priors[area].items():
            dim_scores[d] = dim_scores.get(d, 0.0) + 0.5 * area_conf * p
    # an escalation signal leans towards controllability only when it is substantial
    dim_scores["可控性"] = dim_scores.get("可控性", 0.0) + max(0.0, escalation_score - 0.15)
    dim_total = sum(dim_scores.values())
    best_dim = max(sorted(dim_scores), key=lambda d: dim_scores[d])
    if dim_total <= 0:
        return area, round(area_conf, 3), "合理性", 0.0
    return area, round(area_conf, 3), best_dim, round(dim_scores[best_dim] / dim_total, 3)


def dominant_place(place_counts: Counter, n_units: int, min_share: float = 0.4) -> str | None:
    if not place_counts or n_units == 0:
        return None
    place, count = sorted(place_counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return place if count / n_units >= min_share else None
