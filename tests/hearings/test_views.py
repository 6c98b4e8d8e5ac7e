"""Pages: the resident path end to end, staff pages, masking, exports, panels, CSRF."""
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.hearings import drawing
from consult.hearings.models import HearingStance, Registration, RegStatus
from consult.messaging.models import Message
from consult.models import utcnow
from tests import factories
from tests.conftest import login
from tests.hearings import factories as hf


@pytest.fixture
def w():
    return factories.world()


def sms_code() -> str:
    msg = db.session.scalars(select(Message).where(Message.purpose == "hearing.code").order_by(Message.id.desc()).limit(1)).first()
    return re.search(r"验证码 (\d{6})", msg.body).group(1)


def form_data(m, **kw):
    data = {"code": sms_code(), "name": "王小明", "category": str(hf.category(m, "affected").id),
            "relation": "沿线住户", "address": "幸福里 3 号楼", "stance": "oppose", "points": "噪音和补偿", "consent": "y"}
    data.update(kw)
    return data


def resident_register(client, m, phone="13912345678", **kw):
    r = client.post(f"/hearings/{m.id}/register", data={"phone": phone})
    assert r.status_code == 302, r.get_data(as_text=True)
    r = client.post(f"/hearings/{m.id}/register/details", data=form_data(m, **kw))
    return r


def test_resident_registers_gets_receipt_and_cancels(client, w):
    m = hf.meeting(w, questions="您家距工地多远？")
    page = client.get(f"/hearings/{m.id}").get_data(as_text=True)
    assert "利益群体代表不少于40%" in page and "我要报名" in page
    r = client.post(f"/hearings/{m.id}/register", data={"phone": "139 1234 5678"})
    assert r.status_code == 302
    form = client.get(f"/hearings/{m.id}/register/details").get_data(as_text=True)
    assert "139****5678" in form and "您家距工地多远？" in form and "名额 10 席" in form
    r = client.post(f"/hearings/{m.id}/register/details", data=form_data(m, code="000000" if sms_code() != "000000" else "111111"))
    assert r.status_code == 422 and "验证码不正确" in r.get_data(as_text=True)
    r = client.post(f"/hearings/{m.id}/register/details", data=form_data(m, answer_0="约 50 米"))
    assert r.status_code == 302 and "/hearings/r/" in r.location
    reg = db.session.scalars(select(Registration)).one()
    assert reg.answers == [["您家距工地多远？", "约 50 米"]] and reg.stance == HearingStance.OPPOSE
    receipt = client.get(r.location).get_data(as_text=True)
    assert reg.receipt_display in receipt and "已报名，待遴选" in receipt
    # one per phone
    r = client.post(f"/hearings/{m.id}/register", data={"phone": "13912345678"})
    assert r.status_code == 422 and "已报名" in r.get_data(as_text=True)
    assert client.get(f"/hearings/lookup?code={reg.receipt_code.lower()}").status_code == 302
    assert client.get("/hearings/lookup?code=NOPE").status_code == 404
    assert "确认取消报名" in receipt
    r = client.post(f"/hearings/r/{reg.receipt_code}/cancel")
    assert r.status_code == 302
    db.session.refresh(reg)
    assert reg.status == RegStatus.CANCELLED


def test_ticket_and_qr_only_for_seat_holders(client, w):
    m = hf.meeting(w)
    reg = hf.registration(m)
    assert client.get(f"/hearings/r/{reg.receipt_code}/ticket").status_code == 404
    reg.status = RegStatus.SELECTED
    db.session.commit()
    page = client.get(f"/hearings/r/{reg.receipt_code}/ticket").get_data(as_text=True)
    assert reg.ticket_code in page
    svg = client.get(f"/hearings/r/{reg.receipt_code}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_draft_meeting_is_not_public(client, w):
    m = hf.meeting(w, publish=False)
    assert client.get(f"/hearings/{m.id}").status_code == 404
    login(client, w["organiser"])
    assert client.get(f"/hearings/{m.id}").status_code == 200


def test_panels_link_notice_and_matter(client, w):
    m = hf.meeting(w)
    assert f"/hearings/{m.id}" in client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    login(client, w["organiser"])
    page = client.get(f"/staff/matters/{w['matter'].id}").get_data(as_text=True)
    assert f"/staff/hearings/{m.id}" in page and "安排会议" in page


def test_staff_pages_render_and_are_guarded(client, w):
    m, regs, now = staff_world(w)
    pages = ["", "/edit", "/seats", "/registrations", "/checkin", "/attendance", "/minutes", "/signin",
             "/signin.xlsx", "/figures.json"]
    login(client, w["organiser"])
    for p in pages:
        assert client.get(f"/staff/hearings/{m.id}{p}").status_code == 200, p
    assert client.get(f"/staff/matters/{w['matter'].id}/hearings/new").status_code == 200
    login(client, w["assessor"])
    for p in ["", "/seats", "/registrations", "/attendance", "/minutes", "/signin", "/figures.json"]:
        assert client.get(f"/staff/hearings/{m.id}{p}").status_code == 200, p
    assert client.get(f"/staff/hearings/{m.id}/checkin").status_code == 403
    login(client, w["other"])
    for p in pages:
        assert client.get(f"/staff/hearings/{m.id}{p}").status_code == 403, p


def staff_world(w):
    m = hf.meeting(w, seats={"affected": (3, 0), "experts": (2, 0)})
    regs = [hf.registration(m, "affected", name=f"居民{i}", phone=hf.phone(1000 + i)) for i in range(5)]
    regs.append(hf.registration(m, "experts", name="=HYPERLINK(\"x\")"))
    now = utcnow() + timedelta(days=17)  # registration closed two days earlier
    drawing.publish_seed(m, actor=w["organiser"], now=now - timedelta(hours=25))
    drawing.run_selection(m, actor=w["organiser"], now=now + timedelta(minutes=1))
    drawing.confirm_list(m, actor=w["organiser"], reason=None, now=now + timedelta(minutes=2))
    db.session.commit()
    return m, regs, now


def test_personal_data_masked_unless_allowed_and_logged(client, w):
    m, regs, _ = staff_world(w)
    login(client, w["assessor"])
    page = client.get(f"/staff/hearings/{m.id}/registrations?full=1").get_data(as_text=True)
    assert "居民0" not in page and "居*" in page and "139****1000" in page
    assert client.post(f"/staff/hearings/{m.id}/registrations", data={"full": "1"}).status_code == 403
    login(client, w["organiser"])
    page = client.get(f"/staff/hearings/{m.id}/registrations").get_data(as_text=True)
    assert "居民0" not in page and "显示完整信息" in page
    page = client.post(f"/staff/hearings/{m.id}/registrations", data={"full": "1"}).get_data(as_text=True)
    assert "居民0" in page and "13900001000" in page  # a reveal is a POST (never a link)
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "hearing.registrations.reveal")).one()


def test_signin_xlsx_masked_by_default_and_text_is_never_a_formula(client, w):
    m, regs, _ = staff_world(w)
    login(client, w["organiser"])
    wb = load_workbook(io.BytesIO(client.get(f"/staff/hearings/{m.id}/signin.xlsx").data))
    values = [c.value for row in wb.active.iter_rows() for c in row if c.value]
    assert not any(str(v).startswith("居民") for v in values)
    wb = load_workbook(io.BytesIO(client.post(f"/staff/hearings/{m.id}/signin.xlsx", data={"full": "1"}).data))
    cells = [c for row in wb.active.iter_rows() for c in row if c.value]
    assert any(str(c.value).startswith("居民") for c in cells)
    formula = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert formula and all(c.data_type == "s" for c in formula)
    html = client.get(f"/staff/hearings/{m.id}/signin").get_data(as_text=True)
    assert "签到表" in html and "居民0" not in html


def test_check_in_on_the_door_page(client, w):
    m, regs, _ = staff_world(w)
    seated = next(r for r in regs if r.holds_seat)
    login(client, w["organiser"])
    r = client.post(f"/staff/hearings/{m.id}/checkin", data={"code": seated.ticket_code.lower()})
    assert r.status_code == 200 and "签到成功" in r.get_data(as_text=True)
    r = client.post(f"/staff/hearings/{m.id}/checkin", data={"code": seated.ticket_code})
    assert r.status_code == 422 and "重复签到" in r.get_data(as_text=True)
    assert client.get(f"/staff/hearings/{m.id}/figures.json").json["totals"]["attended"] == 1


def test_schedule_through_the_form(client, w):
    login(client, w["organiser"])
    fmt = "%Y-%m-%dT%H:%M"
    start = utcnow() + timedelta(days=5)
    data = {"kind": "hearing", "allocation": "draw", "title": "补偿方案听证会", "agenda": "议程", "venue": "礼堂",
            "online_link": "", "capacity": "30", "waitlist_size": "5", "questions": "",
            "starts_at": (start + timedelta(hours=8)).strftime(fmt),
            "registration_opens_at": (utcnow() + timedelta(hours=8)).strftime(fmt),
            "registration_closes_at": (start + timedelta(hours=8) - timedelta(days=1)).strftime(fmt)}
    r = client.post(f"/staff/matters/{w['matter'].id}/hearings/new", data=data)
    assert r.status_code == 422 and "缩短时限的理由" in r.get_data(as_text=True)
    data["short_schedule_reason"] = "工期紧"
    r = client.post(f"/staff/matters/{w['matter'].id}/hearings/new", data=data)
    assert r.status_code == 302
    page = client.get(r.location).get_data(as_text=True)
    assert "工期紧" in page and "尚未指定主持人" in page


def test_csrf_is_required(client, w, csrf):
    m = hf.meeting(w)
    assert client.post(f"/hearings/{m.id}/register", data={"phone": "13912345678"}).status_code == 400
    login(client, w["organiser"])
    assert client.post(f"/staff/hearings/{m.id}/seed").status_code == 400


def test_seats_and_rules_through_the_forms(client, w):
    m = hf.meeting(w, capacity=20)
    login(client, w["organiser"])
    heads = hf.category(m, "heads")
    r = client.post(f"/staff/categories/{heads.id}", data={f"c{heads.id}-name": "部门负责人", f"c{heads.id}-seats": "1",
                                                          f"c{heads.id}-min_seats": "1", f"c{heads.id}-counts_in_share": "y",
                                                          f"c{heads.id}-is_public": "y"})
    assert r.status_code == 302
    db.session.refresh(heads)
    assert (heads.name, heads.seats, heads.min_seats) == ("部门负责人", 1, 1)
    r = client.post(f"/staff/categories/{heads.id}", data={f"c{heads.id}-name": "部门负责人", f"c{heads.id}-seats": "50",
                                                          f"c{heads.id}-min_seats": "0"})
    assert r.status_code == 422 and "超过会议容量" in r.get_data(as_text=True)
    r = client.post(f"/staff/hearings/{m.id}/categories", data={"new-name": "村民小组长", "new-seats": "0",
                                                               "new-min_seats": "0", "new-counts_in_share": "y"})
    assert r.status_code == 302 and hf.category(db.session.get(type(m), m.id), "c8").name == "村民小组长"
    r = client.post(f"/staff/hearings/{m.id}/rules", data={"rules": "affected >= 50\nheads, figures <= 30"})
    assert r.status_code == 302
    page = client.get(f"/staff/hearings/{m.id}/seats").get_data(as_text=True)
    assert "利益群体代表不少于50%" in page and "部门负责人和社会贤达不超过30%" in page
    r = client.post(f"/staff/hearings/{m.id}/rules", data={"rules": "nobody >= 50"})
    assert r.status_code == 422 and "未知的类别代码" in r.get_data(as_text=True)


def test_public_page_shows_the_summary_after_the_meeting(client, w):
    m, regs, now = staff_world(w)
    login(client, w["organiser"])
    speaker = next(r for r in regs if r.holds_seat)
    r = client.post(f"/staff/hearings/{m.id}/points", data={"registration": str(speaker.id), "text": "要求公开补偿标准",
                                                           "stance": "oppose", "answer": "会后公开"})
    assert r.status_code == 302
    r = client.post(f"/staff/hearings/{m.id}/summary", data={"summary": "与会代表主要关注补偿标准。", "held": "y"})
    assert r.status_code == 302
    client.get("/staff/logout")
    with client.session_transaction() as sess:
        sess.clear()
    page = client.get(f"/hearings/{m.id}").get_data(as_text=True)
    assert "与会代表主要关注补偿标准。" in page and "要求公开补偿标准" in page and "会后公开" in page
    assert "我要报名" not in page and speaker.name not in page
