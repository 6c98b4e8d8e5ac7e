"""Numbering without gaps, resident wording of conditions, a standard variant per matter kind."""
import re

import pytest

from consult.extensions import db
from datetime import timedelta

from consult.models import utcnow
from consult.surveys import builder, questions
from consult.surveys.builder import SurveyError
from consult.surveys.models import Survey
from consult.surveys.spec import load_spec
from tests import factories
from tests.conftest import login
from tests.surveys.helpers import form_for, standard_survey


def test_conditional_questions_are_numbered_under_their_source(client):
    w = factories.world()
    spec = load_spec(standard_survey(w).id)
    numbers = [q.number for q in spec.questions]
    assert numbers == ["1", "2", "3", "4", "5", "6", "6.1", "7", "7.1", "8", "9", "10", "11"]
    # third page: 态度与关注; the conditional 7.1 is hidden, 8 follows 7 without a gap
    data = form_for(spec, relation="direct", distance="d500", in_scope="yes", age="a30", occupation="farmer",
                    aware="unaware")
    client.post(f"/surveys/{spec.id}/fill", data={**data, "_page": "0", "_action": "next"})
    html = client.post(f"/surveys/{spec.id}/fill", data={**data, "_page": "1", "_action": "next"}).get_data(as_text=True)
    shown = re.findall(r'<span class="qno">([\d.]+)\.</span>', html)
    assert shown == ["7", "7.1", "8", "9", "10"]
    assert "第 7 题选择了“不太支持”或“反对”的，请回答本题。" in html
    assert "仅在您选择" not in html and "时显示" not in html


@pytest.mark.parametrize("variant, absent, present", [
    ("siting", ("征收", "拆迁", "安置房"), ("异味", "卫生防护距离")),
    ("expropriation", ("异味",), ("征收补偿标准", "安置方式与安置房")),
    ("policy", ("征收", "拆迁", "距项目选址"), ("新旧政策衔接", "政策直接适用")),
    ("reform", ("征收", "拆迁", "距项目选址"), ("岗位与人员安置", "改革涉及单位")),
])
def test_each_variant_asks_what_fits_the_matter(variant, absent, present):
    w = factories.world()
    now = utcnow()
    s = builder.create_survey(w["matter"], actor=w["organiser"], title="问卷", intro="", opens_at=now,
                              closes_at=now + timedelta(days=10), mode="open", notice=None)
    questions.insert_standard(s, actor=w["organiser"], variant=variant)
    db.session.commit()
    spec = load_spec(s.id)
    words = " ".join([q.text for q in spec.questions] + [o.label for q in spec.questions for o in q.options])
    assert not [a for a in absent if a in words] and all(p in words for p in present)
    assert s.support_question_id and s.awareness_question_id and s.group_question_id
    assert (s.distance_question_id is None) == (variant in ("policy", "reform"))


def test_unknown_variant_is_refused():
    w = factories.world()
    s = standard_survey(w, publish=False)
    with pytest.raises(SurveyError):
        questions.insert_standard(s, actor=w["organiser"], variant="nope")


def test_builder_offers_the_variant_for_the_matter_kind(client):
    w = factories.world()
    login(client, w["organiser"])
    html = client.get(f"/staff/matters/{w['matter'].id}/surveys/new").get_data(as_text=True)
    assert '<option value="siting" selected>' in html  # a 重大项目 matter
    resp = client.post(f"/staff/matters/{w['matter'].id}/surveys/new", data={
        "title": "居民问卷", "opens_at": "2030-01-01T09:00", "closes_at": "2030-02-01T09:00", "mode": "open",
        "notice_id": "0", "standard": "1", "variant": "siting"})
    assert resp.status_code == 302
    spec = load_spec(db.session.query(Survey).one().id)
    assert any("异味" == o.label for q in spec.questions for o in q.options)


def test_demo_uses_the_siting_variant():
    from consult.demo.seed import seed_demo

    seed_demo()
    db.session.commit()
    survey = db.session.query(Survey).order_by(Survey.id).first()  # the demo matter's (the history adds more)
    words = " ".join(q.text for q in survey.questions) + " ".join(o.label for q in survey.questions for o in q.options)
    assert "安置房" not in words and "拆迁" not in words and "异味" in words
