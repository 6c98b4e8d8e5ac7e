"""Survey test data: a published standard questionnaire, answers by option code."""
from __future__ import annotations

from datetime import timedelta

from consult.extensions import db
from consult.models import utcnow
from consult.surveys import builder, questions
from consult.surveys.answering import read_answers
from consult.surveys.models import Survey, SurveyStatus
from consult.surveys.spec import load_spec


def standard_survey(w, *, mode="open", publish=True) -> Survey:
    now = utcnow()
    s = builder.create_survey(w["matter"], actor=w["organiser"], title="项目社会稳定风险调查问卷",
                              intro="请如实填写。", opens_at=now - timedelta(days=1),
                              closes_at=now + timedelta(days=20), mode=mode, notice=w["notice"])
    questions.insert_standard(s, actor=w["organiser"])
    if publish:
        s.status = SurveyStatus.PUBLISHED
    db.session.commit()
    return s


def q_by_code(spec, code):
    return next(q for q in spec.questions if q.code == code)


def form_for(spec, **answers) -> dict[str, list[str]]:
    """answers: code -> option code | [option codes] | text; other text as code_other=..."""
    data: dict[str, list[str]] = {}
    for code, value in answers.items():
        if code.endswith("_other"):
            q = q_by_code(spec, code[:-6])
            data[f"{q.field}_other"] = [value]
            continue
        q = q_by_code(spec, code)
        if q.is_choice:
            codes = value if isinstance(value, list) else [value]
            data[q.field] = [str(next(o.id for o in q.options if o.code == c)) for c in codes]
        else:
            data[q.field] = [value]
    return data


DEFAULT = dict(relation="direct", distance="d500", in_scope="yes", age="a30", occupation="farmer",
               aware="know", aware_channel=["notice"], support="support", concerns=["noise", "dust"],
               tolerance="with_measures", reaction="negotiate")


def answers(spec, **overrides):
    data = form_for(spec, **{k: v for k, v in (DEFAULT | overrides).items() if v is not None})
    res = read_answers(spec, lambda k: data.get(k, []))
    assert res.ok, res.errors
    return res.values


def spec_of(survey):
    return load_spec(survey.id)
