"""Step 6: describe a risk point: title, area and dimension, escalation signal."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Sequence

from . import resources, titlewords
from .keywords import display, is_place


_CLAUSE_SPLIT = re.compile(r"[,.!?;:，。！？；：、\s()（）\[\]【】\"'“”‘’~…]+")
_LEADING_PARTICLES = "的了在是也都就还又和"
TITLE_CLAUSE_CHARS = 18


def _clauses(text: str, place: str | None) -> list[str]:
    """The clauses of ``text`` (place taken out, fragments stripped) of 4-18 characters not starting with one."""
    out = []
    for clause in _CLAUSE_SPLIT.split(text):
        if place:
            clause = clause.replace(place, "")
        clause = titlewords.strip_fragment(clause) if len(clause) >= 4 else clause
        if 4 <= len(clause) <= TITLE_CLAUSE_CHARS and not titlewords.starts_with_fragment(clause):
            out.append(clause)
    return out


def _best_clause(text: str, terms: Sequence[tuple[str, float]], topic: str, place: str | None) -> str | None:
    """The clause of ``text`` that carries most key-term weight.

    Other key terms count fully, the topic half: a clause naming the topic and its
    problem wins over one naming only the problem. A clause starting with a time
    word or a number counts 0.7. Ties go to the earlier clause.
    """
    best, best_score = None, 0.0
    for clause in _clauses(text, place):
        others = sum(w * (0.3 if t in titlewords.NOT_TOPICS else 1.0) for t, w in terms if t != topic and t in clause)
        if others <= 0:
            continue
        score = others + (0.5 * terms[0][1] if topic in clause else 0.0)
        if titlewords.starts_badly(clause):
            score *= 0.7
        if score > best_score:
            best, best_score = clause, score
    return best


def _escalation_clause(text: str, escalation: Sequence[str], place: str | None) -> str | None:
    """The first clause of ``text`` whose escalation terms are the most severe (then the most numerous)."""
    best, best_score = None, (0.0, 0)
    for clause in _clauses(text, place):
        found = [t for t in escalation if t in clause]
        score = (escalation_severity(found), len(found))
        if found and score > best_score:
            best, best_score = clause, score
    return best


TITLE_MAX = 24
ESCALATION_TITLE_SCORE = 0.3  # a point whose escalation score reaches this says so in its title
_LEADING_JUNK = re.compile(r"^(?:[0-9０-９.,:;%\-+/、，。：；！？\s]|强烈要求|坚决要求|要求|希望|恳请|请求|请|建议|麻烦)+")
# one-character function words dropped at a title's start only when jieba reads them as a word of
# their own: 和小区太近 -> 小区太近, but 和平路小学, 对面, 到期 and 说明 keep their first character
_LEADING_PARTICLE_WORDS = frozenset("的了在是也都就还又和说把被给让向对从到及与")


def make_title(
    keywords: Sequence[tuple[str, float]], place: str | None = None, central_text: str | None = None, n_terms: int = 2,
    exclude: Sequence[str] = (), escalation: Sequence[str] | None = None, topic: str | None = None,
) -> str:
    """A short concrete concern, place first: ``翎祺府搅拌站：粉尘和噪音扰民`` (at most ``TITLE_MAX`` characters).

    The head is the dominant ``place`` (followed by the topic when the topic is a
    noun-like concern word among the five strongest key terms), else the topic: ``topic`` (see :func:`pick_topic`) or
    the strongest key term, replaced by the first of the top key terms that is a
    noun-like concern word when it is not one (a time word, adverb, generic person
    word...: see :mod:`titlewords`). The problem is the clause of the most central
    text that carries most of the other key terms, its leading fragment words
    dropped: after the head's topic when the clause starts with it; the clause alone
    when it names the topic or another topic word itself, no place leads and it does
    not start with a time word or number; else
    after the head. Without such a clause, the next key terms. When ``escalation``
    terms are given (the point's escalation dominates), the problem is the central
    text's clause carrying them (``锦绣花园：坚决反对在和平路建垃圾转运站``), else the
    terms (``…：坚决反对、联名``). A long title is cut at a clause or term boundary,
    never inside the place or a name of ``exclude``. Depends only on its arguments.
    """
    skip = set(exclude)
    terms = [(display(t), w) for t, w in keywords if not is_place(t) and t not in skip]
    shown = display(place) if place else ""
    protect = [shown, *sorted(skip, key=len, reverse=True)] if shown else sorted(skip, key=len, reverse=True)
    if not terms:
        return f"{shown}：其他意见" if shown else "其他意见"
    if topic and any(t == display(topic) for t, _ in terms):
        terms = sorted(terms, key=lambda tw: tw[0] != display(topic))  # the topic first, the rest in order
    head, topic, nouns = _head(terms, shown, skip)
    terms = sorted(terms, key=lambda tw: tw[0] != topic)
    if escalation:
        clause = _escalation_clause(central_text, [display(t) for t in escalation], shown or None) \
            if central_text else None
        return _fit(head, clause or "、".join(display(t) for t in escalation[:2]), protect)
    clause = _best_clause(central_text, terms, topic, shown or None) if central_text else None
    if clause is None:
        return _fit(head, "、".join(t for t, _ in terms[1 : 1 + n_terms]), protect)
    if clause.startswith(topic) and head.endswith(topic):
        rest = titlewords.strip_fragment(clause[len(topic):].lstrip(_LEADING_PARTICLES))
        if len(rest) >= 2 and not titlewords.starts_with_fragment(rest):
            return _fit(head, rest, protect)
    names_itself = topic in clause or any(t in clause for t in nouns)
    if not shown and names_itself and not (head and titlewords.starts_badly(clause)):
        return _fit(_clean(clause), "", protect)
    return _fit(head, clause, protect)


def _head(terms: Sequence[tuple[str, float]], shown: str, skip: set[str]) -> tuple[str, str, list[str]]:
    """(head, topic, topic words): the place (+ topic) or the topic, never a time word or generic person word.

    Topic words are the key terms :func:`titlewords.is_topic` accepts that are no part
    of the place or a discovered name. The topic is the first term when it is one,
    else the first topic word; with no topic word at all and no place the head is empty.
    """
    inside = [n for n in (shown, *skip) if n]
    nouns = [t for t, _ in terms if titlewords.is_topic(t) and not any(t in n for n in inside)]
    first = terms[0][0]
    topic = first if first in nouns or not nouns else nouns[0]
    if shown:
        leading = [t for t, _ in terms[:5]]
        head = shown if shown in topic or topic not in nouns or topic not in leading else f"{shown}{topic}"
    else:
        head = topic if topic in nouns else ""
    return head, topic, nouns


_NUMERAL_START = re.compile(r"^[0-9一二三四五六七八九十两几半每]")


def pick_topic(candidates: Sequence[tuple[str, float]]) -> tuple[str | None, float]:
    """(topic, share): of the first key terms with the share of the point's texts using each, the most used.

    Keyword scores favour distinctive words ("发生" from "差点发生踩踏"); the word most
    of the point's texts use ("景区") names it better. Terms that start with a number
    ("二十米", "一趟") and escalation terms (维权) are skipped unless nothing else is left. Ties go to the stronger keyword.
    """
    if not candidates:
        return None, 0.0
    _, lexicon = _escalation_regex(str(resources.ESCALATION))
    usable = [c for c in candidates if not _NUMERAL_START.match(c[0]) and c[0] not in lexicon] or list(candidates)
    best = max(range(len(usable)), key=lambda i: (usable[i][1], -i))
    return usable[best]


def _clean(text: str) -> str:
    for _ in range(8):
        before = text
        text = _LEADING_JUNK.sub("", text)
        if text and text[0] in _LEADING_PARTICLE_WORDS and titlewords.tags(text)[0][0] == text[0]:
            text = text[1:]
        if text == before:
            break
    return text


def _fit(head: str, problem: str, protect: Sequence[str]) -> str:
    """``head：problem`` within TITLE_MAX, never starting with junk nor cutting a protected name."""
    head, problem = _clean(head), _clean(problem)
    if not head:
        head, problem = problem, ""
    if not problem:
        return _cut(head, TITLE_MAX, protect)
    budget = TITLE_MAX - len(head) - 1
    if budget < 4:
        return _cut(head, TITLE_MAX, protect)
    return f"{head}：{_cut(problem, budget, protect)}"


def _cut(text: str, limit: int, protect: Sequence[str]) -> str:
    """At most ``limit`` characters, cut at a clause mark if one is near, never inside a protected name."""
    if len(text) <= limit:
        return text
    inside = set()
    for name in protect:
        if name:
            start = text.find(name)
            while start >= 0:
                inside.update(range(start + 1, start + len(name)))
                start = text.find(name, start + 1)
    cuts = [i for i in range(limit, 1, -1) if i not in inside]
    if not cuts:
        return text[:limit]
    marks = [i for i in cuts if text[i - 1] in "、和与及" or text[i] in "、和与及的"]
    best = marks[0] if marks and marks[0] >= limit // 2 else cuts[0]
    return text[:best].rstrip("、和与及的")


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
