"""Questions and options: add, edit (wording fixes once answered), reorder, duplicate, delete;
display conditions; 知晓率/支持率 definitions; sample targets; the standard questionnaire."""
from __future__ import annotations

from flask_babel import gettext as _

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import delete

from consult.audit.services import snapshot
from consult.extensions import db
from consult.permissions import require
from consult.surveys.builder import (QUESTION_FIELDS, SurveyError, _answered_option_ids, _audit, _check_text,
                                     _question_answered, _swap, _touch, add_section)
from consult.surveys.models import (SCALE5_LABELS, Option, Question, QuestionKind, SampleTarget,
                                    Section, Survey)
from consult.surveys.facts import refresh_facts
from consult.surveys.spec import definitions_of
from consult.surveys.standard import DEFINITIONS, OTHER, VARIANTS

MAX_OPTIONS = 40


def _clean_labels(labels, field: str) -> list[str]:
    out = []
    for label in labels:
        if label is None or not label.strip():
            continue
        out.append(_check_text(label, field, 300))
    if len(out) > MAX_OPTIONS:
        raise SurveyError(_('选项最多 %(v0)s 个。', v0=MAX_OPTIONS), field)
    return out


def _check_rules(q: Question) -> None:
    n = len([o for o in q.options if not o.is_row])
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and n < 2:
        raise SurveyError(_("选择题至少需要两个选项。"), "options")
    if q.kind == QuestionKind.MATRIX and not q.rows:
        raise SurveyError(_("矩阵题至少需要一行。"), "rows")
    if q.kind == QuestionKind.MULTIPLE:
        lo, hi = q.min_picks, q.max_picks
        if (lo is not None and lo < 0) or (hi is not None and hi < 1) or (lo and hi and lo > hi) or (hi and hi > n):
            raise SurveyError(_("最少/最多选择数不合理：应满足 0 ≤ 最少 ≤ 最多 ≤ 选项数。"), "max_picks")
    if q.kind == QuestionKind.NUMBER and q.min_value is not None and q.max_value is not None \
            and q.min_value > q.max_value:
        raise SurveyError(_("最小值不能大于最大值。"), "max_value")


def _new_options(q: Question, labels, *, rows=False, start=0, codes=None) -> None:
    for i, label in enumerate(labels):
        q.options.append(Option(label=label, position=start + i + 1, is_row=rows,
                                code=(codes[i] if codes else "")))


def add_question(section: Section, *, actor, kind: str, text: str, help_text: str = "", required: bool = True,
                 options=(), rows=(), allow_other: bool = False, min_picks=None, max_picks=None,
                 min_value=None, max_value=None, max_chars=None, is_personal: bool = False, code: str = "",
                 option_codes=None, audit: bool = True) -> Question:
    require(actor, "matter.manage", section)
    survey, kind = section.survey, QuestionKind(kind)
    q = Question(survey=survey, section=section, kind=kind, code=code, text=_check_text(text, "text", 2000),
                 help_text=help_text or "", required=required, is_personal=is_personal,
                 min_picks=min_picks, max_picks=max_picks, min_value=min_value, max_value=max_value,
                 max_chars=max_chars, condition_option_ids=[],
                 position=max((x.position for x in section.questions), default=0) + 1)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        _new_options(q, _clean_labels(options, "options"), codes=option_codes)
        if allow_other:
            q.options.append(Option(label=OTHER, position=len(q.options) + 1, is_other=True, code="other"))
    elif kind in (QuestionKind.SCALE5, QuestionKind.MATRIX):
        for i, label in enumerate(SCALE5_LABELS):
            q.options.append(Option(label=label, position=i + 1, score=i + 1, code=f"s{i + 1}"))
        if kind == QuestionKind.MATRIX:
            _new_options(q, _clean_labels(rows, "rows"), rows=True, start=10)
    _check_rules(q)
    db.session.add(q)
    _touch(survey)
    if audit:
        _audit(actor, "survey.question.add", q, survey,
               after={"text": q.text, "kind": kind.value, "options": [o.label for o in q.options]})
    return q


def update_question(q: Question, *, actor, labels: dict[int, str] | None = None, new_options=(), new_rows=(),
                    remove_option_ids=(), **values) -> Question:
    """Change wording and rules. Refuses anything that changes the meaning of given answers."""
    require(actor, "matter.manage", q)
    survey = q.survey
    if "kind" in values and QuestionKind(values.pop("kind")) != q.kind and _question_answered(q):
        raise SurveyError(_("该题已有答卷，不能更改题型。"), "kind")
    if "section_id" in values and values["section_id"] not in {s.id for s in survey.sections}:
        raise SurveyError(_("请选择本问卷的部分。"), "section_id")
    before = snapshot(q, QUESTION_FIELDS) | {"options": {o.id: o.label for o in q.options}}
    if "text" in values:
        values["text"] = _check_text(values["text"], "text", 2000)
    for key, value in values.items():
        setattr(q, key, value)
    by_id = {o.id: o for o in q.options}
    for oid, label in (labels or {}).items():
        if oid in by_id and label != by_id[oid].label:
            by_id[oid].label = _check_text(label, f"opt-{oid}", 300)
    _remove_options(q, set(remove_option_ids))
    start = max((o.position for o in q.options), default=0)
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        _new_options(q, _clean_labels(new_options, "new_options"), start=start)
    if q.kind == QuestionKind.MATRIX:
        _new_options(q, _clean_labels(new_rows, "new_rows"), rows=True, start=start)
    _check_rules(q)
    db.session.flush()
    _touch(survey)
    after = snapshot(q, QUESTION_FIELDS) | {"options": {o.id: o.label for o in q.options}}
    if after != before:
        answered = _question_answered(q)
        _audit(actor, "survey.question.update", q, survey, before=before, after=after,
               note="已有答卷，仅修改措辞或规则" if answered else None)
    return q


def _remove_options(q: Question, ids: set[int]) -> None:
    if not ids:
        return
    if ids & _answered_option_ids(q):
        raise SurveyError(_("已有答卷选择了该选项，不能删除（可以修改措辞）。"), "options")
    for o in [o for o in q.options if o.id in ids]:
        q.options.remove(o)


def set_other(q: Question, *, actor, enabled: bool) -> Question:
    require(actor, "matter.manage", q)
    other = next((o for o in q.options if o.is_other), None)
    if enabled and other is None and q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        q.options.append(Option(label=OTHER, is_other=True, code="other",
                                position=max((o.position for o in q.options), default=0) + 1))
    elif not enabled and other is not None:
        _remove_options(q, {other.id})
    _touch(q.survey)
    _audit(actor, "survey.question.other", q, q.survey, after={"other": enabled})
    return q


def _delete_question_rows(q: Question) -> None:
    survey = q.survey
    for attr in ("awareness_question_id", "support_question_id", "group_question_id", "distance_question_id"):
        if getattr(survey, attr) == q.id:
            setattr(survey, attr, None)
    for other in survey.questions:
        if other.condition_question_id == q.id:
            other.condition_question_id, other.condition_option_ids = None, []
    db.session.execute(delete(SampleTarget).where(SampleTarget.option_id.in_([o.id for o in q.options])))
    db.session.flush()
    if q in survey.questions:
        survey.questions.remove(q)
    if q in q.section.questions:
        q.section.questions.remove(q)
    state = sa_inspect(q)
    if not (state.deleted or state.was_deleted):  # delete-orphan may already have removed it
        db.session.delete(q)


def delete_question(q: Question, *, actor) -> None:
    require(actor, "matter.manage", q)
    if _question_answered(q):
        raise SurveyError(_("该题已有答卷，不能删除（可以修改措辞）。"))
    survey = q.survey
    _audit(actor, "survey.question.delete", q, survey, before={"text": q.text, "kind": q.kind.value})
    _delete_question_rows(q)
    _touch(survey)


def move_question(q: Question, *, actor, offset: int) -> None:
    require(actor, "matter.manage", q)
    _swap(q.section.questions, q, offset)
    _touch(q.survey)
    _audit(actor, "survey.question.move", q, q.survey, after={"offset": offset})


def duplicate_question(q: Question, *, actor) -> Question:
    require(actor, "matter.manage", q)
    for other in q.section.questions:
        if other.position > q.position:
            other.position += 1
    copy = Question(survey=q.survey, section=q.section, kind=q.kind, code="", text=q.text + "（副本）",
                    help_text=q.help_text, required=q.required, is_personal=q.is_personal,
                    min_picks=q.min_picks, max_picks=q.max_picks, min_value=q.min_value,
                    max_value=q.max_value, max_chars=q.max_chars, position=q.position + 1,
                    condition_question_id=q.condition_question_id,
                    condition_option_ids=list(q.condition_option_ids or []))
    for o in q.options:
        copy.options.append(Option(label=o.label, position=o.position, is_row=o.is_row, is_other=o.is_other,
                                   score=o.score, code=o.code))
    db.session.add(copy)
    _touch(q.survey)
    _audit(actor, "survey.question.duplicate", copy, q.survey, note=f"复制自题目 {q.id}")
    return copy


def set_condition(q: Question, *, actor, question_id: int | None, option_ids) -> Question:
    """Show q only if question `question_id` was answered with one of `option_ids`."""
    require(actor, "matter.manage", q)
    before = snapshot(q, ("condition_question_id", "condition_option_ids"))
    if question_id is None:
        q.condition_question_id, q.condition_option_ids = None, []
    else:
        order = question_order(q.survey)
        source = next((x for x in q.survey.questions if x.id == question_id), None)
        if source is None or source.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE5):
            raise SurveyError(_("条件只能引用本问卷的单选、多选或量表题。"), "condition_question_id")
        if order.index(source.id) >= order.index(q.id):
            raise SurveyError(_("条件题必须排在本题之前。"), "condition_question_id")
        valid = {o.id for o in source.choices}
        ids = sorted({int(i) for i in option_ids} & valid)
        if not ids:
            raise SurveyError(_("请至少选择一个条件选项。"), "condition_option_ids")
        q.condition_question_id, q.condition_option_ids = source.id, ids
    _touch(q.survey)
    _audit(actor, "survey.question.condition", q, q.survey, before=before,
           after=snapshot(q, ("condition_question_id", "condition_option_ids")))
    return q


def question_order(survey: Survey) -> list[int]:
    return [q.id for s in sorted(survey.sections, key=lambda s: (s.position, s.id))
            for q in sorted(s.questions, key=lambda q: (q.position, q.id or 0))]


DEFINITION_FIELDS = ("awareness_question_id", "awareness_option_ids", "support_question_id",
                     "support_option_ids", "group_question_id", "distance_question_id")


def set_definitions(survey: Survey, *, actor, awareness_question_id, awareness_option_ids, support_question_id,
                    support_option_ids, group_question_id, distance_question_id) -> Survey:
    """Which question and which answers count for 知晓率 and 支持率; group and distance questions."""
    require(actor, "matter.manage", survey)
    by_id = {q.id: q for q in survey.questions}

    def choice_q(qid, field):
        if qid is None:
            return None
        if qid not in by_id or by_id[qid].kind not in (QuestionKind.SINGLE, QuestionKind.SCALE5):
            raise SurveyError(_("请选择本问卷的单选题或量表题。"), field)
        return qid

    def opts(qid, ids, field):
        if qid is None:
            return []
        chosen = sorted({int(i) for i in ids} & {o.id for o in by_id[qid].choices})
        if not chosen:
            raise SurveyError(_("请选择计入的选项。"), field)
        return chosen

    before = snapshot(survey, DEFINITION_FIELDS)
    fact_questions = definitions_of(survey).fact_questions()
    survey.awareness_question_id = choice_q(awareness_question_id, "awareness_question_id")
    survey.awareness_option_ids = opts(survey.awareness_question_id, awareness_option_ids, "awareness_option_ids")
    survey.support_question_id = choice_q(support_question_id, "support_question_id")
    survey.support_option_ids = opts(survey.support_question_id, support_option_ids, "support_option_ids")
    survey.group_question_id = choice_q(group_question_id, "group_question_id")
    survey.distance_question_id = choice_q(distance_question_id, "distance_question_id")
    _touch(survey)  # the cached structure carries the definitions
    db.session.flush()
    refresh_facts(survey, fact_questions)
    _audit(actor, "survey.definitions", survey, survey, before=before, after=snapshot(survey, DEFINITION_FIELDS))
    return survey


def set_targets(survey: Survey, *, actor, targets: dict[int, int | None]) -> Survey:
    require(actor, "matter.manage", survey)
    group = next((q for q in survey.questions if q.id == survey.group_question_id), None)
    if group is None:
        raise SurveyError(_("请先指定“受访者类别”题。"), "targets")
    valid = {o.id for o in group.choices}
    existing = {t.option_id: t for t in survey.targets}
    before = {str(k): t.target for k, t in existing.items()}
    for oid, n in targets.items():
        if oid not in valid:
            raise SurveyError(_("目标类别无效。"), "targets")
        if n is not None and (n < 0 or n > 1_000_000):
            raise SurveyError(_("目标样本量应在 0 到 1,000,000 之间。"), f"target-{oid}")
        if n is None or n == 0:
            if oid in existing:
                survey.targets.remove(existing[oid])
        elif oid in existing:
            existing[oid].target = n
        else:
            survey.targets.append(SampleTarget(survey_id=survey.id, option_id=oid, target=n))
    db.session.flush()
    _audit(actor, "survey.targets", survey, survey, before=before,
           after={str(t.option_id): t.target for t in survey.targets})
    return survey


def insert_standard(survey: Survey, *, actor, variant: str = "expropriation") -> list[Section]:
    """Append the standard 稳评 questionnaire in one of its variants (see standard.VARIANTS) and
    preset the 知晓率/支持率 definitions."""
    require(actor, "matter.manage", survey)
    if variant not in VARIANTS:
        raise SurveyError(_("请选择标准问卷的类型。"), "variant")
    sections, by_code = [], {}
    for title, description, specs in VARIANTS[variant]:
        section = add_section(survey, actor=actor, title=title, description=description)
        sections.append(section)
        for spec in specs:
            spec = dict(spec)
            condition = spec.pop("condition", None)
            pairs = spec.pop("options", [])
            q = add_question(section, actor=actor, options=[p[1] for p in pairs],
                             option_codes=[p[0] for p in pairs], audit=False, **spec)
            db.session.flush()
            by_code[q.code] = q
            if condition:
                src = by_code[condition[0]]
                q.condition_question_id = src.id
                q.condition_option_ids = [o.id for o in src.options if o.code in condition[1]]
    db.session.flush()
    fact_questions = definitions_of(survey).fact_questions()
    _preset_definitions(survey, by_code)
    db.session.flush()
    refresh_facts(survey, fact_questions)
    _audit(actor, "survey.insert_standard", survey, survey, after={"variant": variant, "questions_count": len(by_code)})
    return sections


def _preset_definitions(survey: Survey, by_code: dict[str, Question]) -> None:
    for name in ("awareness", "support"):
        code, opt_codes = DEFINITIONS[name]
        q = by_code[code]
        setattr(survey, f"{name}_question_id", q.id)
        setattr(survey, f"{name}_option_ids", [o.id for o in q.options if o.code in opt_codes])
    survey.group_question_id = by_code[DEFINITIONS["group"]].id
    distance = by_code.get(DEFINITIONS["distance"])  # policy and reform variants have no site
    survey.distance_question_id = distance.id if distance else None
