"""A resident registers for a hearing on a phone (375×667), reads the SMS code from the outbox,
opens the QR ticket; staff check the resident in on a phone. Screenshots in artifacts/screenshots."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.hearings import drawing
from consult.hearings.models import Registration, RegStatus
from consult.messaging.models import Message
from consult.models import utcnow
from tests import factories
from tests.conftest import accessibility_violations, screenshot
from tests.hearings import factories as hf

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"horizontal scroll on {page.url}"


def _sms_code() -> str:
    db.session.expire_all()
    body = db.session.scalar(select(Message.body).where(Message.purpose == "hearing.code")
                             .order_by(Message.id.desc()).limit(1))
    return re.search(r"验证码 (\d{6})", body).group(1)


def test_resident_registers_and_staff_check_in_on_a_phone(live_server, phone_page):
    w = factories.world()
    w["matter"].is_sensitive = True
    m = hf.meeting(w, title="幸福路拓宽工程征地补偿听证会", questions="您家距离施工红线多远？",
                   agenda="一、项目情况介绍\n二、补偿安置方案说明\n三、利益相关方发言\n四、答复与总结")
    page = phone_page

    page.goto(f"{live_server}/notices/{w['notice'].id}")
    page.get_by_role("link", name=m.title).click()
    page.wait_for_load_state()
    screenshot(page, "hearings-01-meeting")
    _no_sideways_scroll(page)
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="我要报名").click()

    page.get_by_label("手机号").fill("139 1234 5678")
    screenshot(page, "hearings-02-phone")
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_load_state()
    assert "139****5678" in page.content()

    page.get_by_label("短信验证码").fill(_sms_code())
    page.get_by_label("姓名").fill("王小明")
    page.get_by_label(re.compile("利益群体代表")).check()
    page.get_by_label("与本事项的关系").fill("幸福路 12 号住户，房屋在征收范围内")
    page.get_by_label("反对", exact=True).check()
    page.get_by_label("发言要点").fill("补偿标准低于周边同类房屋市场价；过渡期安置费发放时间不明确。")
    page.get_by_label("您家距离施工红线多远？").fill("约 30 米")
    page.get_by_label("我已阅读并同意个人信息说明").check()
    screenshot(page, "hearings-03-form")
    _no_sideways_scroll(page)
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="提交报名").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "报名已提交"
    screenshot(page, "hearings-04-receipt")
    assert accessibility_violations(page) == []
    receipt_url = page.url.split("?")[0]

    # the organiser publishes the seed, runs the draw and confirms the list
    db.session.expire_all()
    now = utcnow()
    drawing.publish_seed(m, actor=w["organiser"], now=now - timedelta(hours=25), early_reason="测试")
    drawing.run_selection(m, actor=w["organiser"], now=now - timedelta(minutes=1))
    drawing.confirm_list(m, actor=w["organiser"], reason="测试：仅一人报名", now=now)
    db.session.commit()

    page.goto(receipt_url)
    assert "已入选" in page.content() and "持反对意见" in page.content()
    page.get_by_role("link", name="查看入场凭证").click()
    page.wait_for_load_state()
    reg = db.session.scalars(select(Registration)).one()
    assert page.locator(".h-ticket-code").inner_text() == reg.ticket_code
    assert page.evaluate("document.querySelector('.h-qr').naturalWidth") > 0, "QR code image did not load"
    screenshot(page, "hearings-05-ticket")
    _no_sideways_scroll(page)
    assert accessibility_violations(page) == []

    # staff check the resident in at the door, typing the code
    page.goto(f"{live_server}/staff/login")
    page.get_by_label("用户名").fill("organiser")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/staff/hearings/{m.id}/checkin")
    page.get_by_label("入场码").fill(reg.ticket_code.lower())
    page.get_by_role("button", name="签到", exact=True).click()
    page.wait_for_load_state()
    assert "签到成功" in page.content()
    screenshot(page, "hearings-06-checkin")
    _no_sideways_scroll(page)
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).checked_in_at is not None
    assert db.session.get(Registration, reg.id).status == RegStatus.SELECTED

    # the organiser's seats page: the composition meter reacts to typed seat numbers (JS enhancement)
    page.goto(f"{live_server}/staff/hearings/{m.id}/seats")
    meter = page.locator("#planned-meter .h-rule").first
    assert "52.6%" in meter.inner_text() and "10 / 19 人" in meter.inner_text()  # observers do not count
    seats = page.locator("[data-code=affected] .h-seats-input input")
    seats.fill("2")
    assert "不符合" in meter.inner_text() and "2 / 11 人" in meter.inner_text(), "the live meter did not recompute"
    screenshot(page, "hearings-07-seats")
    page.goto(f"{live_server}/staff/hearings/{m.id}")
    screenshot(page, "hearings-08-staff-meeting")
