"""Build questionnaires: surveys, sections, questions, options, definitions, targets.

Once answers exist, questions and options they refer to cannot be removed or changed in
meaning (kind, "other" flag, scale scores); wording fixes are allowed and audit-logged.
Every structural change bumps survey.version (form caches key on it).
"""
from __future__ import annotations

from flask_babel import gettext as _

from datetime import datetime

from sqlalchemy import or_, select

from consult.audit.services import record, snapshot
from consult.extensions import db
from consult.forms import has_forbidden_chars
from consult.permissions import require
from consult.surveys.models import (Answer, Question,
                                    ResponseMode, Section, Survey, SurveyStatus)

SURVEY_FIELDS = ("title", "intro", "opens_at", "closes_at", "status", "mode", "notice_id")
QUESTION_FIELDS = ("text", "help_text", "required", "min_picks", "max_picks", "min_value", "max_value",
                   "max_chars", "is_personal", "section_id")


class SurveyError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _audit(actor, action, obj, survey, **kw):
    record(actor=actor, action=action, obj=obj, matter_id=survey.matter_id, **kw)


def _touch(survey: Survey) -> None:
    survey.version = (survey.version or 0) + 1


def _check_text(value: str, field: str, limit: int) -> str:
    if value is None or not value.strip():
        raise SurveyError(_("此项为必填项。"), field)
    if len(value) > limit:
        raise SurveyError(_('内容过长：最多 %(v0)s 个字。', v0=limit), field)
    if has_forbidden_chars(value):
        raise SurveyError(_("内容含有无法保存的控制字符，请删除后重试。"), field)
    return value


# --- survey ---------------------------------------------------------------------------
def _apply_survey(survey: Survey, *, title, intro, opens_at, closes_at, mode, notice) -> None:
    if closes_at <= opens_at:
        raise SurveyError(_("结束时间必须晚于开始时间。"), "closes_at")
    if notice is not None and notice.matter_id != survey.matter_id:
        raise SurveyError(_("只能关联本事项的公示。"), "notice_id")
    survey.title, survey.intro = _check_text(title, "title", 200), intro or ""
    survey.opens_at, survey.closes_at, survey.mode = opens_at, closes_at, ResponseMode(mode)
    survey.notice_id = notice.id if notice is not None else None


def create_survey(matter, *, actor, title, intro="", opens_at, closes_at, mode="open", notice=None) -> Survey:
    require(actor, "matter.manage", matter)
    survey = Survey(matter=matter, matter_id=matter.id, status=SurveyStatus.DRAFT,
                    awareness_option_ids=[], support_option_ids=[])
    _apply_survey(survey, title=title, intro=intro, opens_at=opens_at, closes_at=closes_at, mode=mode,
                  notice=notice)
    db.session.add(survey)
    db.session.flush()
    _audit(actor, "survey.create", survey, survey, after=snapshot(survey, SURVEY_FIELDS))
    return survey


def update_survey(survey: Survey, *, actor, **values) -> Survey:
    require(actor, "matter.manage", survey)
    before = snapshot(survey, SURVEY_FIELDS)
    if survey.status == SurveyStatus.PUBLISHED and values.get("mode") != survey.mode.value \
            and has_answers(survey):
        raise SurveyError(_("已有答卷后不能更改填写方式。"), "mode")
    _apply_survey(survey, **values)
    _touch(survey)
    after = snapshot(survey, SURVEY_FIELDS)
    if after != before:
        _audit(actor, "survey.update", survey, survey, before=before, after=after)
    return survey


def publish_survey(survey: Survey, *, actor, now: datetime) -> Survey:
    require(actor, "matter.manage", survey)
    if survey.status == SurveyStatus.PUBLISHED:
        raise SurveyError(_("问卷已发布。"))
    if not survey.questions:
        raise SurveyError(_("问卷还没有题目，请先添加题目或插入标准问卷。"))
    if survey.closes_at <= now:
        raise SurveyError(_("结束时间已过，请先修改时间。"), "closes_at")
    survey.status = SurveyStatus.PUBLISHED
    _touch(survey)
    _audit(actor, "survey.publish", survey, survey, before={"status": "draft"}, after={"status": "published"})
    return survey


def close_survey(survey: Survey, *, actor, now: datetime) -> Survey:
    require(actor, "matter.manage", survey)
    if not survey.is_open(now):
        raise SurveyError(_("问卷当前未在填写期内。"))
    before = snapshot(survey, ("closes_at",))
    survey.closes_at = now
    _touch(survey)
    _audit(actor, "survey.close", survey, survey, before=before, after=snapshot(survey, ("closes_at",)))
    return survey


def has_answers(survey: Survey) -> bool:
    return db.session.scalar(select(Answer.id).where(Answer.survey_id == survey.id).limit(1)) is not None


def _question_answered(q: Question) -> bool:
    return db.session.scalar(select(Answer.id).where(Answer.question_id == q.id).limit(1)) is not None


def _answered_option_ids(q: Question) -> set[int]:
    ids = [o.id for o in q.options]
    if not ids:
        return set()
    rows = db.session.execute(select(Answer.option_id, Answer.row_id).where(
        Answer.question_id == q.id, or_(Answer.option_id.in_(ids), Answer.row_id.in_(ids))).distinct())
    return {i for pair in rows for i in pair if i is not None}


# --- sections -------------------------------------------------------------------------
def add_section(survey: Survey, *, actor, title: str, description: str = "") -> Section:
    require(actor, "matter.manage", survey)
    position = max((s.position for s in survey.sections), default=0) + 1
    section = Section(survey=survey, title=_check_text(title, "title", 200), description=description or "",
                      position=position)
    db.session.add(section)
    _touch(survey)
    _audit(actor, "survey.section.add", section, survey, after={"title": section.title})
    return section


def update_section(section: Section, *, actor, title: str, description: str) -> Section:
    require(actor, "matter.manage", section)
    before = snapshot(section, ("title", "description"))
    section.title, section.description = _check_text(title, "title", 200), description or ""
    _touch(section.survey)
    _audit(actor, "survey.section.update", section, section.survey, before=before,
           after=snapshot(section, ("title", "description")))
    return section


def delete_section(section: Section, *, actor) -> None:
    require(actor, "matter.manage", section)
    survey = section.survey
    if any(_question_answered(q) for q in section.questions):
        raise SurveyError(_("该部分的题目已有答卷，不能删除。"))
    from consult.surveys.questions import _delete_question_rows

    for q in list(section.questions):
        _delete_question_rows(q)
    _audit(actor, "survey.section.delete", section, survey, before={"title": section.title})
    survey.sections.remove(section)
    db.session.delete(section)
    _touch(survey)


def move_section(section: Section, *, actor, offset: int) -> None:
    require(actor, "matter.manage", section)
    _swap(section.survey.sections, section, offset)
    _touch(section.survey)
    _audit(actor, "survey.section.move", section, section.survey, after={"offset": offset})


def _swap(items: list, item, offset: int) -> None:
    items = sorted(items, key=lambda x: (x.position, x.id or 0))
    for i, it in enumerate(items):
        it.position = i + 1
    i = items.index(item)
    j = i + offset
    if 0 <= j < len(items):
        items[i].position, items[j].position = items[j].position, items[i].position
