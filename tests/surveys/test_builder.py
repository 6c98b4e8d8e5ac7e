from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.models import utcnow
from consult.surveys import builder, questions
from consult.surveys.builder import SurveyError
from consult.surveys.models import Option, Question, QuestionKind, Survey
from consult.surveys.responses import submit_online
from consult.surveys.spec import load_spec
from tests import factories
from tests.surveys.helpers import answers, q_by_code, standard_survey


def _blank(w):
    now = utcnow()
    s = builder.create_survey(w["matter"], actor=w["organiser"], title="问卷", opens_at=now,
                              closes_at=now + timedelta(days=5))
    sec = builder.add_section(s, actor=w["organiser"], title="第一部分")
    db.session.flush()
    return s, sec


def test_standard_questionnaire_has_every_part_and_definitions():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    codes = [q.code for q in spec.questions]
    assert codes == ["relation", "distance", "in_scope", "age", "occupation", "aware", "aware_channel",
                     "support", "oppose_reason", "concerns", "tolerance", "reaction", "suggestions"]
    concerns = q_by_code(spec, "concerns")
    assert [o.code for o in concerns.options] == [
        "compensation", "resettlement", "noise", "dust", "pollution", "traffic", "safety", "jobs", "services",
        "heritage", "procedure", "other"]
    assert concerns.options[-1].is_other and (concerns.min_picks, concerns.max_picks) == (1, 5)
    reaction = q_by_code(spec, "reaction")
    assert [o.code for o in reaction.options] == ["accept", "negotiate", "complain", "petition", "collective", "other"]
    support = q_by_code(spec, "support")
    assert s.support_question_id == support.id
    assert sorted(s.support_option_ids) == sorted(o.id for o in support.options if o.code in ("support", "mostly"))
    aware = q_by_code(spec, "aware")
    assert s.awareness_question_id == aware.id and len(s.awareness_option_ids) == 2
    assert s.group_question_id == q_by_code(spec, "relation").id
    assert s.distance_question_id == q_by_code(spec, "distance").id
    assert q_by_code(spec, "oppose_reason").condition_qid == support.id


def test_only_organiser_of_the_matter_builds():
    w = factories.world()
    now = utcnow()
    for who in ("other", "assessor"):
        with pytest.raises(Forbidden):
            builder.create_survey(w["matter"], actor=w[who], title="x", opens_at=now, closes_at=now + timedelta(1))
    s, sec = _blank(w)
    with pytest.raises(Forbidden):
        questions.add_question(sec, actor=w["assessor"], kind="short_text", text="x")


def test_add_each_kind_and_rules():
    w = factories.world()
    s, sec = _blank(w)
    org = w["organiser"]
    q = questions.add_question(sec, actor=org, kind="multiple", text="多选", options=["甲", "乙", "丙"],
                               allow_other=True, min_picks=1, max_picks=2)
    assert [o.label for o in q.options][-1] == "其他（请注明）" and q.options[-1].is_other
    m = questions.add_question(sec, actor=org, kind="matrix", text="矩阵", rows=["噪声", "扬尘"])
    assert len(m.rows) == 2 and len(m.choices) == 5
    sc = questions.add_question(sec, actor=org, kind="scale5", text="量表")
    assert [o.score for o in sc.options] == [1, 2, 3, 4, 5]
    questions.add_question(sec, actor=org, kind="number", text="人数", min_value=0, max_value=20)
    with pytest.raises(SurveyError):
        questions.add_question(sec, actor=org, kind="single", text="只有一个", options=["甲"])
    with pytest.raises(SurveyError):
        questions.add_question(sec, actor=org, kind="multiple", text="x", options=["甲", "乙"], min_picks=2,
                               max_picks=1)
    with pytest.raises(SurveyError):
        questions.add_question(sec, actor=org, kind="number", text="x", min_value=5, max_value=1)
    with pytest.raises(SurveyError):
        questions.add_question(sec, actor=org, kind="short_text", text="a\x00b")


def test_reorder_duplicate_delete_and_version_bumps():
    w = factories.world()
    s, sec = _blank(w)
    org = w["organiser"]
    a = questions.add_question(sec, actor=org, kind="short_text", text="甲")
    b = questions.add_question(sec, actor=org, kind="single", text="乙", options=["是", "否"])
    db.session.flush()
    v = s.version
    questions.move_question(b, actor=org, offset=-1)
    db.session.flush()
    assert questions.question_order(s) == [b.id, a.id]
    assert s.version > v
    copy = questions.duplicate_question(b, actor=org)
    db.session.flush()
    assert questions.question_order(s) == [b.id, copy.id, a.id]
    assert [o.label for o in copy.options] == ["是", "否"] and {o.id for o in copy.options}.isdisjoint(
        {o.id for o in b.options})
    questions.delete_question(copy, actor=org)
    db.session.flush()
    assert questions.question_order(s) == [b.id, a.id]
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.matter_id == s.matter_id)))
    assert {"survey.question.move", "survey.question.duplicate", "survey.question.delete"} <= actions


def test_condition_must_point_back_to_a_choice_question():
    w = factories.world()
    s, sec = _blank(w)
    org = w["organiser"]
    a = questions.add_question(sec, actor=org, kind="single", text="态度", options=["支持", "不支持"])
    b = questions.add_question(sec, actor=org, kind="long_text", text="原因", required=False)
    db.session.flush()
    with pytest.raises(SurveyError):
        questions.set_condition(a, actor=org, question_id=b.id, option_ids=[])
    questions.set_condition(b, actor=org, question_id=a.id, option_ids=[a.options[1].id, 999999])
    assert b.condition_option_ids == [a.options[1].id]


def test_answered_questions_keep_their_meaning():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    submit_online(spec, answers(spec), actor=w["organiser"], now=utcnow(), device="d1", client_hash="c")
    db.session.commit()
    org = w["organiser"]
    support = db.session.get(Question, q_by_code(spec, "support").id)
    chosen = next(o for o in support.options if o.code == "support")
    unused = next(o for o in support.options if o.code == "oppose")
    with pytest.raises(SurveyError):
        questions.delete_question(support, actor=org)
    with pytest.raises(SurveyError):
        questions.update_question(support, actor=org, kind="multiple")
    with pytest.raises(SurveyError):
        questions.update_question(support, actor=org, remove_option_ids=[chosen.id])
    db.session.rollback()
    support = db.session.get(Question, support.id)
    # wording fix: allowed and audit-logged with before/after
    questions.update_question(support, actor=org, text="您对本项目的态度是", labels={chosen.id: "支持（赞成）"})
    questions.update_question(support, actor=org, remove_option_ids=[unused.id])  # nobody chose it
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "survey.question.update")
                               .order_by(AuditEntry.id)).first()
    assert entry.before["text"] == "您对本事项的态度是" and entry.after["text"] == "您对本项目的态度是"
    assert entry.after["options"][str(chosen.id)] == "支持（赞成）"
    assert entry.note
    assert db.session.get(Option, chosen.id).label == "支持（赞成）"  # same id: answers keep meaning
    sec = support.section
    with pytest.raises(SurveyError):
        builder.delete_section(sec, actor=org)


def test_definitions_and_targets():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    rel = q_by_code(spec, "relation")
    questions.set_targets(s, actor=w["organiser"], targets={rel.options[0].id: 200, rel.options[1].id: 100})
    db.session.commit()
    assert sorted(t.target for t in s.targets) == [100, 200]
    with pytest.raises(SurveyError):
        questions.set_targets(s, actor=w["organiser"], targets={q_by_code(spec, "age").options[0].id: 5})
    with pytest.raises(SurveyError):
        questions.set_definitions(s, actor=w["organiser"], awareness_question_id=q_by_code(spec, "concerns").id,
                                  awareness_option_ids=[], support_question_id=None, support_option_ids=[],
                                  group_question_id=None, distance_question_id=None)


def test_publish_needs_questions_and_future_close():
    w = factories.world()
    now = utcnow()
    s = builder.create_survey(w["matter"], actor=w["organiser"], title="问卷", opens_at=now,
                              closes_at=now + timedelta(days=5))
    with pytest.raises(SurveyError):
        builder.publish_survey(s, actor=w["organiser"], now=now)
    questions.insert_standard(s, actor=w["organiser"])
    builder.publish_survey(s, actor=w["organiser"], now=now)
    assert s.is_open(now + timedelta(seconds=1))
    builder.close_survey(s, actor=w["organiser"], now=now + timedelta(seconds=1))
    assert not s.is_open(now + timedelta(seconds=2))
    with pytest.raises(SurveyError):
        builder.create_survey(w["matter"], actor=w["organiser"], title="x", opens_at=now, closes_at=now)
