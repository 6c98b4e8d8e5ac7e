"""resident_texts(): open-text answers of a matter's questionnaires for the analysis engine."""
from consult.extensions import db
from consult.models import utcnow
from consult.surveys import questions, responses
from consult.surveys.models import Channel
from consult.surveys.spec import load_spec
from consult.surveys.texts import resident_texts
from tests import factories
from tests.surveys.helpers import answers, q_by_code, standard_survey


class Anon:
    is_authenticated = False
    id = None


def test_resident_texts_with_stance_group_and_time():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    # a personal text question: its answers must not reach the analysis
    name_q = questions.add_question(s.sections[0], actor=w["organiser"], kind="short_text", text="您的姓名",
                                    required=False, is_personal=True)
    db.session.commit()
    spec = load_spec(s.id)
    now = utcnow()
    r1, _ = responses.submit_online(spec, answers(spec, support="oppose", relation="direct",
                                                  oppose_reason="补偿标准偏低", suggestions="  ")
                                    | {name_q.id: {"text": "张三"}}, actor=Anon(), now=now, device=None,
                                    client_hash=None)
    responses.submit_online(spec, answers(spec, support="mostly", relation="public", suggestions="夜间停工"),
                            actor=Anon(), now=now, device=None, client_hash=None)
    responses.enter_paper(s, spec, answers(spec, support="support", relation="indirect", suggestions="<b>好</b>"),
                          actor=w["organiser"], channel=Channel.PAPER, enumerator="李", now=now)
    db.session.commit()
    got = list(resident_texts(w["matter"].id))
    by_text = {d["text"]: d for d in got}
    assert set(by_text) == {"补偿标准偏低", "夜间停工", "<b>好</b>"}  # blank and personal answers left out
    assert all(d["source"] == "survey" and d["id"].startswith("survey:") for d in got)
    assert len({d["id"] for d in got}) == 3
    rel = q_by_code(spec, "relation")
    assert by_text["补偿标准偏低"]["stance"] == "oppose"
    assert by_text["补偿标准偏低"]["group"] == next(o.label for o in rel.options if o.code == "direct")
    assert by_text["夜间停工"]["stance"] == "conditional"
    assert by_text["<b>好</b>"]["stance"] == "support"
    assert by_text["夜间停工"]["time"] == now.isoformat()
    other = factories.matter(w["matter"].organisation)
    db.session.commit()
    assert list(resident_texts(other.id)) == []


def test_stance_is_none_when_the_support_question_was_not_answered():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    sup = q_by_code(spec, "support")
    q = next(q for q in s.questions if q.id == sup.id)
    q.required = False
    questions.update_question(q, actor=w["organiser"], text=q.text)
    db.session.commit()
    spec = load_spec(s.id)
    responses.submit_online(spec, answers(spec, support=None, suggestions="希望多开座谈会"), actor=Anon(),
                            now=utcnow(), device=None, client_hash=None)
    db.session.commit()
    (d,) = list(resident_texts(w["matter"].id))
    assert d["stance"] is None and d["text"] == "希望多开座谈会"
