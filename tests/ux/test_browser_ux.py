"""Resident pages at 375×667 and staff pages at 1280×800 in Chromium: axe (WCAG 2.1 AA) on every
page, including every questionnaire page and the phone check-in; tap targets, error focus, titles.
Screenshots go to artifacts/screenshots/ux-*.png."""
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.hearings import drawing
from consult.messaging.models import Message
from consult.models import utcnow
from consult.notices import services as notice_services
from consult.notices.models import Adoption, CommentStatus
from tests import factories
from tests.conftest import accessibility_violations, screenshot
from tests.hearings import factories as hf
from tests.surveys.helpers import standard_survey

pytestmark = pytest.mark.browser
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def _check(page, name, width=375):
    screenshot(page, f"ux-{name}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"sideways scroll on {name}"
    assert accessibility_violations(page) == [], name


def _height(page, selector) -> float:
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().height")


@pytest.fixture
def desk_page(_browser):
    context = _browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def _login(page, live_server, username="organiser"):
    page.goto(f"{live_server}/staff/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()
    page.wait_for_load_state()


def test_resident_notice_pages_on_a_phone(app, live_server, phone_page, client):
    w = factories.world()
    n = w["notice"]
    notice_services.add_attachment(n, actor=w["organiser"], filename="选址示意图.png", data=PNG)
    for i in range(22):
        factories.comment(n, body=f"第{i}条：建议垃圾车避开上学时间，加强除臭。", reply="已转交运输单位。" if i % 3 == 0 else None,
                          adoption=Adoption.ADOPTED if i % 3 == 0 else None)
    db.session.commit()
    page = phone_page
    page.goto(live_server + "/")
    _check(page, "01-notice-list")
    assert _height(page, ".top-nav a") >= 44
    page.goto(f"{live_server}/notices/{n.id}")
    _check(page, "02-notice")
    for sel in (".top-nav a", ".crumbs a", ".files a", ".pager a", ".jump a"):
        assert _height(page, sel) >= 44, sel
    assert page.locator(".comment").count() == 10
    assert page.locator(".badge, .tag").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 14
    page.get_by_role("link", name="我要提意见").click()
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_load_state()
    assert page.title().startswith("错误：")
    _wait_until(page, "document.activeElement.classList.contains('error-summary')")
    _check(page, "03-comment-error")
    page.goto(f"{live_server}/notices/{n.id}?page=3")
    _check(page, "04-notice-page-3")
    closed = factories.notice(w["matter"], open_=False)
    factories.comment(closed, body="关闭后的意见", reply="采纳", adoption=Adoption.ADOPTED)
    page.goto(f"{live_server}/notices/{closed.id}")
    assert "意见采纳情况" in page.content()
    _check(page, "05-closed-notice")
    per_minute = int(app.config["RATE_LIMIT_COMMENTS"].split()[0])
    for i in range(per_minute):  # the same client address as the browser
        assert client.post(f"/notices/{n.id}/comments", data={"body": f"限流前第{i}条", "stance": "other"}).status_code == 302
    page.goto(f"{live_server}/notices/{n.id}#comment")
    page.get_by_label("您的意见建议").fill("被限流的这段话要保留")
    page.get_by_label("有条件支持", exact=True).check()
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_load_state()
    assert "提交过于频繁" in page.content() and page.get_by_label("意见内容").input_value() == "被限流的这段话要保留"
    _check(page, "06-rate-limited")
    page.get_by_role("link", name="返回公示页面").click()
    page.wait_for_load_state()
    assert n.title in page.content()
    page.goto(f"{live_server}/receipts")
    _check(page, "07-receipt-lookup")


def test_every_questionnaire_page_on_a_phone(live_server, phone_page):
    w = factories.world()
    s = standard_survey(w)
    page = phone_page
    page.goto(f"{live_server}/surveys/{s.id}")
    _check(page, "10-survey-start")
    page.get_by_role("link", name="开始填写").click()
    page.get_by_role("button", name="下一部分").click()
    assert page.title().startswith("错误：")
    _wait_until(page, "document.activeElement.id === 'errors'")  # set after load
    _check(page, "11-survey-error")
    for label in ("直接受影响（征收、拆迁、安置对象或紧邻住户）", "500 米以内", "是", "30—44 岁", "农民"):
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="下一部分").click()
    _check(page, "12-survey-awareness")
    page.get_by_label("知道，并了解主要内容", exact=True).check()
    page.get_by_label("政府公示公告", exact=True).check()
    page.get_by_role("button", name="下一部分").click()
    page.get_by_label("反对", exact=True).check()
    assert page.locator(".qno").all_inner_texts()[:3] == ["7.", "7.1.", "8."]
    _check(page, "13-survey-attitude")
    for label in ("施工及运营噪声", "采取措施后可以接受", "与有关方面协商"):
        page.get_by_label(label, exact=True).check()
    page.get_by_label("您不支持的主要原因是什么？").fill("担心臭味")
    page.get_by_role("button", name="下一部分").click()
    _check(page, "14-survey-last")
    page.get_by_role("button", name="提交问卷").click()
    assert page.get_by_role("heading", name="问卷已提交，感谢您的参与").is_visible()
    _check(page, "15-survey-receipt")
    page.goto(f"{live_server}/surveys/receipts")
    _check(page, "16-survey-receipt-lookup")
    for mode in ("sms", "invitation"):
        gated = standard_survey(w, mode=mode)
        page.goto(f"{live_server}/surveys/{gated.id}")
        _check(page, f"17-survey-start-{mode}")


def test_hearing_pages_and_phone_check_in(live_server, phone_page):
    w = factories.world()
    m = hf.meeting(w, questions="您最希望讨论的问题")
    page = phone_page
    page.goto(f"{live_server}/hearings/{m.id}")
    _check(page, "20-hearing")
    page.get_by_role("link", name="我要报名").click()
    _check(page, "21-hearing-phone")
    page.get_by_label("手机号").fill("139 1234 5678")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_load_state()
    _check(page, "22-hearing-form")
    db.session.expire_all()
    body = db.session.scalar(select(Message.body).where(Message.purpose == "hearing.code").order_by(Message.id.desc()))
    page.get_by_label("短信验证码").fill(re.search(r"验证码 (\d{6})", body).group(1))
    page.get_by_label("姓名").fill("王小明")
    page.get_by_label(re.compile("旁听人员")).check()
    page.get_by_label("与本事项的关系").fill("周边居民")
    page.get_by_label("中立或其他", exact=True).check()
    page.get_by_label("我已阅读并同意个人信息说明").check()
    page.get_by_role("button", name="提交报名").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "报名已提交" and "何时抽签" in page.content()
    _check(page, "23-hearing-receipt")
    db.session.expire_all()
    now = utcnow()
    drawing.publish_seed(m, actor=w["organiser"], now=now - timedelta(hours=25), early_reason="名额已满")
    drawing.run_selection(m, actor=w["organiser"], now=now - timedelta(minutes=1))
    drawing.confirm_list(m, actor=w["organiser"], reason="测试", now=now)
    db.session.commit()
    page.reload()
    page.get_by_role("link", name="查看入场凭证").click()
    page.wait_for_load_state()
    _check(page, "24-hearing-ticket")
    code = page.locator(".h-ticket-code").inner_text()
    page.goto(f"{live_server}/hearings/{m.id}")
    assert "名额已满" in page.content()
    _check(page, "25-hearing-after-draw")
    _login(page, live_server)
    page.goto(f"{live_server}/staff/hearings/{m.id}/checkin")
    _check(page, "26-phone-checkin")
    page.get_by_label("入场码").fill(code.lower())
    page.get_by_role("button", name="签到", exact=True).click()
    page.wait_for_load_state()
    assert "签到成功" in page.content()
    _check(page, "27-phone-checkin-done")


def test_staff_pages_at_desk_size(live_server, desk_page):
    w = factories.world()
    c = factories.comment(w["notice"], body="我是张建国，电话 13812345678，楼下噪音太大", status=CommentStatus.PENDING)
    s = standard_survey(w, publish=False)
    m = hf.meeting(w)
    hf.registration(m)
    page = desk_page
    _login(page, live_server)
    pages = [("30-dashboard", "/staff/"), ("31-matter", f"/staff/matters/{w['matter'].id}"),
             ("32-notice-edit", f"/staff/notices/{w['notice'].id}/edit"),
             ("33-comments", f"/staff/matters/{w['matter'].id}/comments?stance=oppose"),
             ("34-audit", f"/staff/matters/{w['matter'].id}/audit"),
             ("35-builder", f"/staff/surveys/{s.id}"), ("36-results", f"/staff/surveys/{s.id}/results"),
             ("37-hearing-staff", f"/staff/hearings/{m.id}"), ("38-new-survey", f"/staff/matters/{w['matter'].id}/surveys/new")]
    for name, url in pages:
        page.goto(live_server + url)
        _check(page, name, width=1280)
    page.goto(f"{live_server}/staff/notices/{w['notice'].id}/edit")
    page.get_by_label("公示正文").fill("第一段\n第二行\n\n## 小标题\n- 要点")
    page.get_by_role("button", name="预览正文").click()
    page.wait_for_load_state()
    assert page.locator(".preview h2", has_text="小标题").is_visible()
    _check(page, "39-notice-preview", width=1280)
    page.goto(f"{live_server}/staff/matters/{w['matter'].id}/comments")
    page.locator(f"#c{c.id} summary", has_text="隐去").click()
    page.locator(f"#c{c.id} form", has_text="隐去").get_by_role("button", name="隐去").click()
    page.wait_for_load_state()
    assert "已隐去" in page.content()
    _check(page, "40-comment-redacted", width=1280)
    _login(page, live_server, "admin")
    page.goto(f"{live_server}/admin/audit")
    _check(page, "41-admin-audit", width=1280)


def _wait_until(page, expression: str, timeout: float = 5.0) -> None:
    """Poll a condition from the test side: Playwright's wait_for_function re-evaluates its predicate
    with eval inside the page when it is not true at once, which the site's CSP (no unsafe-eval) refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true within {timeout} s: {expression}"
        time.sleep(0.05)
