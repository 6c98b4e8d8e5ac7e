"""Notice page: comments paginated, a jump to the form near the top, the outcome of a closed
notice, draft preview wording; the demo's pension notice is the 人社局's."""
from consult.extensions import db
from consult.notices.models import Adoption, NoticeStatus
from tests import factories
from tests.conftest import login


def test_comments_paginated_and_jump_to_the_form_near_the_top(client):
    w = factories.world()
    for i in range(22):
        factories.comment(w["notice"], body=f"第{i:02d}条意见内容")
    html = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert html.count('class="comment"') == 10 and "第 1 / 3 页" in html
    assert html.index("我要提意见") < html.index('id="comment-h"') and 'href="#comment"' in html
    page3 = client.get(f"/notices/{w['notice'].id}?page=3").get_data(as_text=True)
    assert page3.count('class="comment"') == 2 and "第00条意见内容" in page3
    assert client.get(f"/notices/{w['notice'].id}?page=99").status_code == 200


def test_closed_notice_shows_the_adoption_summary(client):
    w = factories.world()
    closed = factories.notice(w["matter"], open_=False)
    factories.comment(closed, reply="已采纳", adoption=Adoption.ADOPTED)
    factories.comment(closed, reply="部分", adoption=Adoption.PARTLY, adoption_reason="理由")
    factories.comment(closed)
    html = client.get(f"/notices/{closed.id}").get_data(as_text=True)
    assert "意见采纳情况" in html
    assert "公开的 3 条意见中：采纳 1 条，部分采纳 1 条，不采纳 0 条，尚未答复 1 条。" in html
    assert "我要提意见" not in html
    open_html = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert "意见采纳情况" not in open_html


def test_draft_preview_does_not_say_the_period_ended(client):
    w = factories.world()
    draft = factories.notice(w["matter"], status=NoticeStatus.DRAFT)
    login(client, w["organiser"])
    html = client.get(f"/notices/{draft.id}").get_data(as_text=True)
    assert "预览：本公示尚未发布" in html and "意见征集期已结束" not in html


def test_demo_pension_notice_names_the_right_office():
    from consult.demo.seed import seed_demo
    from consult.matters.models import Matter

    seed_demo()
    db.session.commit()
    pension = db.session.query(Matter).filter(Matter.title.contains("养老保险")).one()
    assert pension.organisation.name == "A市B区人力资源和社会保障局"
