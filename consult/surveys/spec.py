"""A plain, immutable snapshot of a questionnaire's structure, cached per process by version.

The answer path (parse, validate, store) works on this snapshot, so a submission costs one
small query for the version instead of loading sections, questions and options each time.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from consult.extensions import db
from consult.surveys.models import Question, QuestionKind, ResponseMode, Section, Survey, SurveyStatus


@dataclass(frozen=True)
class OptSpec:
    id: int
    label: str
    code: str
    is_other: bool
    score: int | None


@dataclass(frozen=True)
class QSpec:
    id: int
    number: str  # display number: "8"; a conditional question is numbered under its source ("8.1")
    kind: QuestionKind
    code: str
    text: str
    help_text: str
    required: bool
    is_personal: bool
    min_picks: int | None
    max_picks: int | None
    min_value: float | None
    max_value: float | None
    max_chars: int | None
    condition_qid: int | None
    condition_ids: frozenset[int]
    options: tuple[OptSpec, ...]
    rows: tuple[OptSpec, ...]
    section_index: int

    @property
    def field(self) -> str:
        return f"q{self.id}"

    def option(self, oid: int) -> OptSpec | None:
        return next((o for o in self.options if o.id == oid), None)

    @property
    def is_choice(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE5, QuestionKind.MATRIX)

    @property
    def has_other(self) -> bool:
        return any(o.is_other for o in self.options)


@dataclass(frozen=True)
class SectionSpec:
    index: int
    id: int
    title: str
    description: str
    questions: tuple[QSpec, ...]


@dataclass(frozen=True)
class Definitions:
    """Questions the rates and breakdowns use, and which options count as aware / supporting."""
    group_qid: int | None = None
    distance_qid: int | None = None
    aware_qid: int | None = None
    aware_ids: frozenset[int] = frozenset()
    support_qid: int | None = None
    support_ids: frozenset[int] = frozenset()

    def fact_questions(self) -> dict[str, int | None]:
        """Response column -> the question whose chosen option it copies."""
        return {"group_option_id": self.group_qid, "distance_option_id": self.distance_qid,
                "aware_option_id": self.aware_qid, "support_option_id": self.support_qid}


def definitions_of(survey: Survey) -> Definitions:
    return Definitions(survey.group_question_id, survey.distance_question_id, survey.awareness_question_id,
                       frozenset(survey.awareness_option_ids or ()), survey.support_question_id,
                       frozenset(survey.support_option_ids or ()))


@dataclass(frozen=True)
class SurveySpec:
    id: int
    version: int
    matter_id: int
    notice_id: int | None
    title: str
    intro: str
    status: SurveyStatus
    mode: ResponseMode
    opens_at: datetime
    closes_at: datetime
    sections: tuple[SectionSpec, ...]
    created_at: datetime | None = None  # with version: the cache key (ids can be reused)
    definitions: Definitions | None = None
    by_id: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def questions(self) -> list[QSpec]:
        return [q for s in self.sections for q in s.questions]

    def is_open(self, now: datetime) -> bool:
        return self.status == SurveyStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    @property
    def matter(self):  # permission rules look for .matter; resolved lazily
        from consult.matters.models import Matter

        return db.session.get(Matter, self.matter_id)


def _opt(o) -> OptSpec:
    return OptSpec(o.id, o.label, o.code, o.is_other, o.score)


class _Numbering:
    """Questions every resident sees are numbered 1, 2, 3…; a question shown only for some answers
    is numbered under the question it depends on (8.1, 8.2), so hiding it leaves no gap."""

    def __init__(self):
        self.main, self.by_id, self.subs = 0, {}, {}

    def next(self, qid: int, condition_qid: int | None) -> str:
        parent = self.by_id.get(condition_qid) if condition_qid else None
        if parent is None:
            self.main += 1
            number = str(self.main)
        else:
            root = parent.split(".")[0]
            self.subs[root] = self.subs.get(root, 0) + 1
            number = f"{root}.{self.subs[root]}"
        self.by_id[qid] = number
        return number


def build_spec(survey: Survey) -> SurveySpec:
    sections, numbers = [], _Numbering()
    for si, s in enumerate(sorted(survey.sections, key=lambda s: (s.position, s.id))):
        qs = []
        for q in sorted(s.questions, key=lambda q: (q.position, q.id)):
            opts = sorted(q.options, key=lambda o: (o.position, o.id))
            qs.append(QSpec(
                id=q.id, number=numbers.next(q.id, q.condition_question_id), kind=q.kind, code=q.code, text=q.text, help_text=q.help_text,
                required=q.required, is_personal=q.is_personal, min_picks=q.min_picks, max_picks=q.max_picks,
                min_value=q.min_value, max_value=q.max_value, max_chars=q.max_chars,
                condition_qid=q.condition_question_id, condition_ids=frozenset(q.condition_option_ids or ()),
                options=tuple(_opt(o) for o in opts if not o.is_row),
                rows=tuple(_opt(o) for o in opts if o.is_row), section_index=si))
        sections.append(SectionSpec(si, s.id, s.title, s.description, tuple(qs)))
    spec = SurveySpec(survey.id, survey.version, survey.matter_id, survey.notice_id, survey.title, survey.intro,
                      survey.status, survey.mode, survey.opens_at, survey.closes_at, tuple(sections),
                      survey.created_at, definitions_of(survey))
    spec.by_id.update({q.id: q for q in spec.questions})
    return spec


_cache: dict[int, tuple[tuple, SurveySpec]] = {}
_lock = threading.Lock()


def load_spec(survey_id: int) -> SurveySpec | None:
    """The current structure: one query for the version; a full load only when it changed."""
    row = db.session.execute(select(Survey.version, Survey.created_at).where(Survey.id == survey_id)).first()
    if row is None:
        return None
    key = (row.version, row.created_at)
    cached = _cache.get(survey_id)
    if cached is not None and cached[0] == key:
        return cached[1]
    survey = db.session.scalar(
        select(Survey).where(Survey.id == survey_id)
        .options(selectinload(Survey.sections).selectinload(Section.questions).selectinload(Question.options))
        .execution_options(populate_existing=True))
    spec = build_spec(survey)
    with _lock:
        _cache[survey_id] = (key, spec)
    return spec


def cached_spec(survey_id: int) -> SurveySpec | None:
    """The cached structure without asking the database (the submit path: its INSERT checks the
    version and refuses a stale one, see responses.SpecChanged); loads it when not cached."""
    cached = _cache.get(survey_id)
    return cached[1] if cached is not None else load_spec(survey_id)


def clear_cache() -> None:
    _cache.clear()
