"""Open-text answers of a matter's questionnaires, for the analysis engine."""
from __future__ import annotations

from typing import Iterator

from sqlalchemy import select

from consult.extensions import db
from consult.surveys.models import Answer, Response, Survey
from consult.surveys.spec import OptSpec, SurveySpec, load_spec

# the standard support question's options (see standard.py); "基本支持" is support with reservations
STANCE_BY_CODE = {"support": "support", "mostly": "conditional", "neutral": "other",
                  "against_mild": "oppose", "oppose": "oppose"}
OPPOSING_WORDS = ("反对", "不支持", "不同意")


def stance_of(option: OptSpec | None, support_ids: frozenset[int]) -> str | None:
    """support / oppose / conditional / other from the chosen option of the support question."""
    if option is None:
        return None
    if option.code in STANCE_BY_CODE:
        return STANCE_BY_CODE[option.code]
    if option.id in support_ids:
        return "support"
    if any(w in option.label for w in OPPOSING_WORDS) or (option.score is not None and option.score <= 2):
        return "oppose"
    return "other"


def _options(spec: SurveySpec, qid: int | None) -> dict[int, OptSpec]:
    q = spec.by_id.get(qid) if qid else None
    return {o.id: o for o in q.options} if q else {}


def _survey_texts(spec: SurveySpec) -> Iterator[dict]:
    qids = [q.id for q in spec.questions if q.kind.value in ("short_text", "long_text") and not q.is_personal]
    if not qids:
        return
    d = spec.definitions
    support, groups = _options(spec, d.support_qid), _options(spec, d.group_qid)
    stmt = (select(Answer.id, Answer.value_text, Response.support_option_id, Response.group_option_id,
                   Response.submitted_at)
            .join(Response, Response.id == Answer.response_id)
            .where(Answer.survey_id == spec.id, Answer.question_id.in_(qids), Answer.value_text.is_not(None))
            .order_by(Answer.id).execution_options(yield_per=2000))
    for aid, text, support_id, group_id, at in db.session.execute(stmt):
        if not text.strip():
            continue
        group = groups.get(group_id)
        yield {"id": f"survey:{aid}", "text": text, "source": "survey",
               "stance": stance_of(support.get(support_id), d.support_ids),
               "group": group.label if group else "", "time": at.isoformat()}


def resident_texts(matter_id: int) -> Iterator[dict]:
    """Residents' open-text answers (text questions not marked personal) of every questionnaire
    of a matter, online and paper alike.

    Yields {id, text, source, stance, group, time}: id is stable ("survey:<answer id>"; never
    the receipt code), source "survey", stance from the respondent's answer to the support
    question (support / oppose / conditional / other; None when not answered), group the label
    of their respondent-group answer ("" when unknown), time the ISO submission time (UTC).
    """
    ids = list(db.session.scalars(select(Survey.id).where(Survey.matter_id == matter_id).order_by(Survey.id)))
    for survey_id in ids:
        spec = load_spec(survey_id)
        if spec is not None:
            yield from _survey_texts(spec)


def stance_mapping(spec: SurveySpec) -> list[tuple[str, str]]:
    """(option label, label on the one stance scale) for the support question, shown with the results."""
    from consult.notices.models import STANCE_LABELS, Stance

    q = spec.by_id.get(spec.definitions.support_qid) if spec.definitions.support_qid else None
    if q is None:
        return []
    return [(o.label, str(STANCE_LABELS[Stance(stance_of(o, spec.definitions.support_ids))])) for o in q.options]
