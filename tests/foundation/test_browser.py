"""The resident's path on a phone, in headless Chromium at 375×667."""
import json
from importlib import resources

import pytest

from consult.extensions import db
from consult.notices.models import Comment
from consult.notices import comments as comment_services
from consult.models import utcnow
from tests import factories
from tests.conftest import accessibility_violations, screenshot

pytestmark = pytest.mark.browser


def _demo_like_world():
    w = factories.world()
    data = json.loads(resources.files("consult.demo").joinpath("demo.json").read_text("utf-8"))
    n = w["notice"]
    n.title, n.body_html = data["notice"]["title"], data["notice"]["body_html"]
    m = w["matter"]
    m.title, m.location = data["matter"]["title"], data["matter"]["location"]
    db.session.commit()
    for c in data["comments"][:6]:
        factories.comment(n, body=c["body"], stance=factories.Stance(c["stance"]), author_name=c.get("name"))
    return w


def test_resident_reads_notice_and_comments(live_server, phone_page):
    w = _demo_like_world()
    page = phone_page
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "重大决策公示与意见征集"
    screenshot(page, "01-notice-list")
    assert accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "horizontal scroll on a phone"

    page.get_by_role("link", name=w["notice"].title).click()
    page.wait_for_load_state()
    assert w["notice"].title in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "02-notice")
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="提交意见").click()  # empty: errors, nothing saved
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert "请填写意见内容" in page.content()
    page.get_by_label("您的意见建议").fill("建议垃圾车避开上学时间，早上七点半到八点半不要经过和平路小学门口。")
    page.get_by_label("有条件支持", exact=True).check()
    page.get_by_text("留下联系方式（选填）").click()
    page.get_by_label("手机号（选填，便于回访）").fill("138 0013 8000")
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_load_state()
    assert "个人信息说明" in page.content()  # consent missing: the text typed is still there
    assert "早上七点半" in page.get_by_label("您的意见建议").input_value()
    screenshot(page, "03-comment-error")
    assert accessibility_violations(page) == []
    page.get_by_label("我已阅读并同意个人信息说明").check()
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_load_state()

    assert page.locator("h1").inner_text() == "您的意见已收到"
    code = page.locator(".receipt-code").inner_text().replace("-", "")
    screenshot(page, "04-receipt")
    assert accessibility_violations(page) == []
    db.session.expire_all()
    stored = db.session.query(Comment).filter_by(receipt_code=code).one()
    assert stored.body.startswith("建议垃圾车避开上学时间") and stored.phone_masked == "138****8000"

    comment_services.reply_comment(stored, actor=w["organiser"], reply="已要求运输单位调整线路。",
                                   adoption=factories.Adoption.ADOPTED, adoption_reason=None, now=utcnow())
    db.session.commit()
    page.goto(live_server + "/receipts")
    page.get_by_label("回执码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert "已要求运输单位调整线路" in page.content() and "采纳" in page.content()
    screenshot(page, "05-receipt-with-reply")
