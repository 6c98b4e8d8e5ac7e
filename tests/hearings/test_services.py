"""Hearing services: lead times, registration with SMS code, selection, confirmation, promotion."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.hearings import attendance, drawing, minutes, registration, schedule
from consult.hearings.common import HearingError
from consult.hearings.models import Allocation, HearingStance, MeetingStatus, OfficialRole, RegStatus
from consult.messaging.models import Message
DELAY = timedelta(hours=24, minutes=1)  # the draw runs only a day after the seed is published
from consult.models import utcnow
from tests import factories
from tests.hearings import factories as hf

ANON = None


@pytest.fixture
def w():
    from flask_login import AnonymousUserMixin

    world = factories.world()
    world["anon"] = AnonymousUserMixin()
    return world


def last_code() -> str:
    msg = db.session.scalars(select(Message).where(Message.purpose == "hearing.code").order_by(Message.id.desc()).limit(1)).first()
    return re.search(r"验证码 (\d{6})", msg.body).group(1)


def register(w, m, phone, code="affected", stance=HearingStance.SUPPORT, now=None):
    now = now or utcnow()
    row = registration.send_code(m, actor=w["anon"], phone=phone, now=now)
    registration.check_code(row, meeting=m, phone=phone, code=last_code(), now=now)
    reg = registration.register(m, actor=w["anon"], code_row=row, phone=phone, name="李四",
                                category=hf.category(m, code), relation="沿线住户", address="1号楼", stance=stance,
                                points="担心噪音", answers=[], consent=True, now=now)
    db.session.commit()
    return reg


# --- scheduling ------------------------------------------------------------------------
def test_lead_times_need_a_kept_reason(w):
    now = utcnow()
    values = hf.meeting_values(now, starts_at=now + timedelta(days=5), registration_closes_at=now + timedelta(days=4))
    with pytest.raises(HearingError) as exc:
        schedule.create_meeting(w["matter"], actor=w["organiser"], now=now, **values)
    assert exc.value.field == "short_schedule_reason"
    assert "不足 10 天" in str(exc.value) and "不足 3 天" in str(exc.value)
    db.session.rollback()
    values["short_schedule_reason"] = "汛期前必须开工"
    m = schedule.create_meeting(w["matter"], actor=w["organiser"], now=now, **values)
    schedule.publish_meeting(m, actor=w["organiser"], now=now)
    db.session.commit()
    assert m.short_schedule_reason == "汛期前必须开工"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "hearing.publish")).one()
    assert entry.note == "汛期前必须开工"


def test_lead_time_reason_dropped_when_schedule_is_long_enough(w):
    m = hf.meeting(w, short_schedule_reason="不需要")
    assert m.short_schedule_reason is None


def test_publication_lead_counts_from_publication_day(w, app):
    now = utcnow()
    m = hf.meeting(w, publish=False, now=now - timedelta(days=5))  # planned long ago: fine then
    with pytest.raises(HearingError, match="发布时间距会议不足 10 天"):
        schedule.publish_meeting(m, actor=w["organiser"], now=now + timedelta(days=11))
    db.session.rollback()
    app.config["HEARING_PUBLISH_LEAD_DAYS"] = 2
    try:
        m = db.session.get(type(m), m.id)
        schedule.publish_meeting(m, actor=w["organiser"], now=now + timedelta(days=11))
    finally:
        del app.config["HEARING_PUBLISH_LEAD_DAYS"]
    assert m.status == MeetingStatus.PUBLISHED


def test_registration_must_close_before_meeting_and_video_needs_link(w):
    now = utcnow()
    with pytest.raises(HearingError, match="不能晚于会议开始"):
        schedule.create_meeting(w["matter"], actor=w["organiser"], now=now, **hf.meeting_values(
            now, registration_closes_at=now + timedelta(days=21)))
    from consult.hearings.models import MeetingKind
    with pytest.raises(HearingError, match="线上参会链接"):
        schedule.create_meeting(w["matter"], actor=w["organiser"], now=now, **hf.meeting_values(
            now, kind=MeetingKind.VIDEO, venue=""))


def test_default_categories_and_rules(w):
    m = hf.meeting(w, capacity=40)
    assert m.total_seats == 40
    assert hf.category(m, "affected").seats == 20 and hf.category(m, "affected").is_affected
    assert [r["name"] for r in m.rules] == ["利益群体代表不少于40%", "部门（单位）负责人和社会贤达不超过40%"]
    planned = {c.code: c.seats for c in m.categories}
    assert all(c.ok for c in schedule.rules.composition(m, planned))


def test_rules_are_configurable(w):
    m = hf.meeting(w)
    schedule.set_rules(m, actor=w["organiser"], text="affected >= 50\nheads, figures, experts <= 30")
    assert m.rules[0] == {"name": "利益群体代表不少于50%", "categories": ["affected"], "min_share": 50}
    assert m.rules[1]["max_share"] == 30
    with pytest.raises(HearingError, match="未知的类别代码"):
        schedule.set_rules(m, actor=w["organiser"], text="nobody >= 50")
    with pytest.raises(HearingError, match="格式不正确"):
        schedule.set_rules(m, actor=w["organiser"], text="affected at least half")


def test_seats_cannot_exceed_capacity(w):
    m = hf.meeting(w, capacity=20)
    with pytest.raises(HearingError, match="超过会议容量"):
        schedule.save_category(m, actor=w["organiser"], category=hf.category(m, "affected"), name="利益群体代表",
                               seats=30, min_seats=0, is_affected=True, counts_in_share=True, is_public=True)


def test_officials_from_the_responsible_organisation_are_warned(w):
    m = hf.meeting(w)
    schedule.add_official(m, actor=w["organiser"], role=OfficialRole.CHAIR, name="王五", organisation="本单位")
    schedule.add_official(m, actor=w["organiser"], role=OfficialRole.OFFICER, name="赵六", organisation="市司法局")
    warnings = schedule.official_warnings(m)
    assert any("王五" in x and "第三方" in x for x in warnings)
    assert not any("赵六" in x for x in warnings)
    assert "尚未指定记录员。" in warnings


def test_first_come_refused_in_a_sensitive_matter(w):
    w["matter"].is_sensitive = True
    with pytest.raises(HearingError, match="敏感事项"):
        hf.meeting(w, allocation=Allocation.FIRST_COME)


# --- registration ------------------------------------------------------------------------
def test_register_with_sms_code(w):
    m = hf.meeting(w)
    reg = register(w, m, "13800001111")
    assert reg.status == RegStatus.REGISTERED and reg.phone_masked == "138****1111"
    assert reg.phone_enc and "13800001111" not in reg.phone_enc
    bodies = [x.body for x in db.session.scalars(select(Message).where(Message.purpose == "hearing.received"))]
    assert len(bodies) == 1 and reg.receipt_display in bodies[0]
    with pytest.raises(HearingError, match="已报名"):
        registration.send_code(m, actor=w["anon"], phone="13800001111", now=utcnow())


def test_wrong_code_is_counted_and_limited(w):
    m = hf.meeting(w)
    now = utcnow()
    row = registration.send_code(m, actor=w["anon"], phone="13800002222", now=now)
    for _ in range(5):
        with pytest.raises(HearingError, match="不正确"):
            registration.check_code(row, meeting=m, phone="13800002222", code="000000" if last_code() != "000000" else "111111", now=now)
    with pytest.raises(HearingError, match="次数过多"):
        registration.check_code(row, meeting=m, phone="13800002222", code=last_code(), now=now)
    with pytest.raises(HearingError, match="已失效"):
        row.attempts = 0
        registration.check_code(row, meeting=m, phone="13800002222", code=last_code(), now=now + timedelta(minutes=11))
    with pytest.raises(HearingError, match="请先获取"):
        registration.check_code(row, meeting=m, phone="13800003333", code=last_code(), now=now)
    with pytest.raises(HearingError, match="秒后"):
        registration.send_code(m, actor=w["anon"], phone="13800002222", now=now + timedelta(seconds=10))


def test_registration_closed_outside_window(w):
    m = hf.meeting(w)
    with pytest.raises(HearingError, match="不在报名时间"):
        registration.send_code(m, actor=w["anon"], phone="13800002222", now=utcnow() + timedelta(days=16))


def test_first_come_gives_seats_then_waiting_list(w):
    m = hf.meeting(w, allocation=Allocation.FIRST_COME, seats={"affected": (2, 0)}, waitlist_size=1)
    regs = [register(w, m, hf.phone()) for _ in range(4)]
    assert [r.status for r in regs] == [RegStatus.SELECTED, RegStatus.SELECTED, RegStatus.WAITING,
                                       RegStatus.NOT_SELECTED]
    promoted = registration.cancel_registration(regs[0], actor=w["anon"], code=regs[0].receipt_code, now=utcnow())
    db.session.commit()
    assert promoted.id == regs[2].id and promoted.status == RegStatus.PROMOTED
    assert db.session.scalars(select(Message).where(Message.purpose == "hearing.promoted")).one()


def test_cancel_needs_the_code(w):
    m = hf.meeting(w)
    reg = register(w, m, hf.phone())
    with pytest.raises(HearingError, match="回执码不正确"):
        registration.cancel_registration(reg, actor=w["anon"], code="WRONGCODE1", now=utcnow())
    registration.cancel_registration(reg, actor=w["anon"], code=reg.receipt_display.lower(), now=utcnow())
    assert reg.status == RegStatus.CANCELLED


# --- selection, confirmation, promotion ----------------------------------------------------
def drawn(w, *, sensitive=False, seats=None, affected=8, experts=3, heads=0):
    w["matter"].is_sensitive = sensitive
    m = hf.meeting(w, seats=seats or {"affected": (4, 0), "experts": (2, 0), "heads": (2, 0)})
    regs = [hf.registration(m, "affected", HearingStance.OPPOSE if i % 4 == 0 else HearingStance.SUPPORT)
            for i in range(affected)]
    regs += [hf.registration(m, "experts") for _ in range(experts)] + [hf.registration(m, "heads") for _ in range(heads)]
    now = utcnow() + timedelta(days=17)  # registration closed two days earlier
    drawing.publish_seed(m, actor=w["organiser"], now=now - DELAY)
    db.session.commit()
    drawing.run_selection(m, actor=w["organiser"], now=now + timedelta(minutes=1))
    db.session.commit()
    return m, regs, now + timedelta(minutes=2)


def test_draw_needs_a_seed_published_before(w):
    m = hf.meeting(w)
    with pytest.raises(HearingError, match="先公布抽签种子"):
        drawing.run_selection(m, actor=w["organiser"], now=utcnow())
    db.session.rollback()
    now = utcnow()
    drawing.publish_seed(m, actor=w["organiser"], now=now, early_reason="测试")
    with pytest.raises(HearingError, match="先公布抽签种子"):
        drawing.run_selection(m, actor=w["organiser"], now=now)  # not strictly before


def test_seed_publication_closes_registration_and_freezes_entrants(w):
    m = hf.meeting(w)
    hf.registration(m)
    now = utcnow()
    draw = drawing.publish_seed(m, actor=w["organiser"], now=now, early_reason="报名人数已满")
    db.session.commit()
    assert m.registration_closes_at == now and not m.registration_open(now + timedelta(seconds=1))
    assert len(draw.entrants) == 1 and len(draw.entrants_hash) == 64
    with pytest.raises(HearingError, match="不能更换"):
        drawing.publish_seed(m, actor=w["organiser"], now=now)


def test_selection_follows_quotas_and_explains_every_decision(w):
    m, regs, now = drawn(w)
    counts = drawing.seat_counts(m)
    assert counts["affected"] == 4 and counts["experts"] == 2
    assert all(r.selection_reason for r in regs)
    waiting = sorted((r for r in regs if r.status == RegStatus.WAITING and r.category.code == "affected"),
                     key=lambda r: r.waitlist_position)
    assert [r.waitlist_position for r in waiting] == [1, 2, 3, 4]
    assert drawing.verify_draw(drawing.draw_of(m))


def test_re_running_the_draw_gives_the_same_list(w):
    m, regs, now = drawn(w)
    first = {r.public_id: (r.status, r.draw_rank) for r in regs}
    drawing.run_selection(m, actor=w["organiser"], now=now)
    db.session.commit()
    assert {r.public_id: (r.status, r.draw_rank) for r in regs} == first
    draw = drawing.draw_of(m)
    draw.result = list(reversed(draw.result))
    assert not drawing.verify_draw(draw)


def test_opponents_first_when_sensitive(w):
    m, regs, now = drawn(w, sensitive=True, affected=12)
    opponents = [r for r in regs if r.category.code == "affected" and r.stance == HearingStance.OPPOSE]
    assert len(opponents) == 3
    assert all(r.status == RegStatus.SELECTED for r in opponents)
    assert all("持反对意见" in r.selection_reason for r in opponents)


def test_confirming_a_list_that_breaks_a_rule_needs_a_reason(w):
    # 1 affected applicant, experts minimum 3: 1/4 = 25 % < 40 %
    m, regs, now = drawn(w, affected=1, experts=3, seats={"affected": (4, 0), "experts": (3, 3)})
    assert drawing.broken_rules(m) == ["利益群体代表不少于40%"]
    with pytest.raises(HearingError, match="须填写确认理由"):
        drawing.confirm_list(m, actor=w["organiser"], reason="", now=now)
    db.session.rollback()
    m = db.session.get(type(m), m.id)
    drawing.confirm_list(m, actor=w["organiser"], reason="受影响群众报名不足，已入户动员", now=now)
    db.session.commit()
    assert m.confirm_reason == "受影响群众报名不足，已入户动员"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "hearing.list.confirm")).one()
    assert entry.note == m.confirm_reason and entry.after["broken_rules"] == ["利益群体代表不少于40%"]
    assert attendance.figures(m)["meeting"]["confirm_reason"] == m.confirm_reason


def test_confirmation_messages_and_promotion_until_cutoff(w):
    m, regs, now = drawn(w)
    drawing.confirm_list(m, actor=w["organiser"], reason=None, now=now)
    db.session.commit()
    purposes = [x.purpose for x in db.session.scalars(select(Message))]
    assert purposes.count("hearing.selected") == 6 and purposes.count("hearing.waiting") == 5
    seated = next(r for r in regs if r.status == RegStatus.SELECTED and r.category.code == "affected")
    first_waiting = next(r for r in regs if r.category.code == "affected" and r.waitlist_position == 1)
    promoted = registration.cancel_registration(seated, actor=w["anon"], code=seated.receipt_code, now=now)
    db.session.commit()
    assert promoted.id == first_waiting.id and promoted.status == RegStatus.PROMOTED
    assert drawing.seat_counts(m)["affected"] == 4
    assert sorted(r.waitlist_position for r in regs if r.status == RegStatus.WAITING
                  and r.category.code == "affected") == [1, 2, 3]
    # after the cut-off the seat stays empty
    other = next(r for r in regs if r.status == RegStatus.SELECTED and r.category.code == "affected")
    late = m.starts_at - timedelta(hours=2)
    assert registration.cancel_registration(other, actor=w["anon"], code=other.receipt_code, now=late) is None
    assert drawing.seat_counts(m)["affected"] == 3


def test_only_the_organiser_may_run_selection(w):
    m = hf.meeting(w)
    from werkzeug.exceptions import Forbidden
    for who in ("other", "assessor", "admin", "anon"):
        with pytest.raises(Forbidden):
            drawing.publish_seed(m, actor=w[who], now=utcnow())


# --- check-in, minutes, figures, resident texts ------------------------------------------
def test_check_in_late_and_no_shows(w):
    m, regs, now = drawn(w)
    drawing.confirm_list(m, actor=w["organiser"], reason=None, now=now)
    seated = [r for r in regs if r.holds_seat]
    attendance.check_in(m, actor=w["organiser"], code=seated[0].ticket_code.lower(), now=m.starts_at - timedelta(minutes=5))
    attendance.check_in(m, actor=w["organiser"], code=f"HT:{seated[1].ticket_code}", now=m.starts_at + timedelta(minutes=9))
    with pytest.raises(HearingError, match="重复签到"):
        attendance.check_in(m, actor=w["organiser"], code=seated[0].ticket_code, now=m.starts_at)
    waiting = next(r for r in regs if r.status == RegStatus.WAITING)
    with pytest.raises(HearingError, match="不能签到"):
        attendance.check_in(m, actor=w["organiser"], code=waiting.ticket_code, now=m.starts_at)
    with pytest.raises(HearingError, match="没有找到"):
        attendance.check_in(m, actor=w["organiser"], code="ZZZZZZ", now=m.starts_at)
    a = attendance.attendance(m, now=m.starts_at + timedelta(hours=1))
    assert [r.id for r in a["on_time"]] == [seated[0].id] and [r.id for r in a["late"]] == [seated[1].id]
    assert len(a["absent"]) == len(seated) - 2
    f = attendance.figures(m)
    assert f["totals"]["attended"] == 2 and f["totals"]["late"] == 1 and f["totals"]["selected"] == 6
    assert sum(c["registered"] for c in f["categories"]) == 11


def test_speaker_points_become_resident_texts(w):
    m, regs, now = drawn(w)
    speaker = next(r for r in regs if r.holds_seat and r.category.code == "affected")
    p = minutes.add_point(m, actor=w["organiser"], text="施工噪音影响老人休息", stance=HearingStance.OPPOSE,
                          registration=speaker, category=None, speaker="", answer="夜间停工", now=now)
    minutes.add_point(m, actor=w["organiser"], text="建议设置隔音屏", stance=HearingStance.CONDITIONAL,
                      registration=None, category=hf.category(m, "experts"), speaker="专家甲", answer="", now=now)
    db.session.commit()
    texts = list(minutes.resident_texts(w["matter"].id))
    assert texts[0] == {"id": f"hearing:{p.public_id}", "text": "施工噪音影响老人休息", "source": "hearing",
                        "stance": "oppose", "group": "利益群体代表", "time": p.created_at.isoformat()}
    assert {t["stance"] for t in texts} <= {"support", "oppose", "conditional", "other"}
    assert texts[1]["group"] == "专家学者" and texts[1]["stance"] == "conditional"
    assert list(minutes.resident_texts(w["matter"].id))[0]["id"] == texts[0]["id"]  # stable
    assert p.speaker == "张*"


def test_cancelling_a_meeting_tells_registrants(w):
    m = hf.meeting(w)
    register(w, m, hf.phone())
    schedule.cancel_meeting(m, actor=w["organiser"], reason="方案调整", now=utcnow())
    db.session.commit()
    msg = db.session.scalars(select(Message).where(Message.purpose == "hearing.cancelled")).one()
    assert "方案调整" in msg.body


def test_changing_time_tells_registrants(w):
    m = hf.meeting(w)
    register(w, m, hf.phone())
    values = hf.meeting_values(starts_at=m.starts_at + timedelta(days=1))
    values["registration_opens_at"], values["registration_closes_at"] = m.registration_opens_at, m.registration_closes_at
    schedule.update_meeting(m, actor=w["organiser"], now=utcnow(), **values)
    db.session.commit()
    assert db.session.scalars(select(Message).where(Message.purpose == "hearing.changed")).one()


def test_personal_data_is_purged_after_retention(w, app):
    m = hf.meeting(w)
    reg = register(w, m, hf.phone())
    later = m.starts_at + timedelta(days=app.config["RETENTION_DAYS"] + 1)
    assert registration.purge_personal_data(now=m.starts_at + timedelta(days=1)) == 0
    assert registration.purge_personal_data(now=later) == 1
    db.session.commit()
    db.session.refresh(reg)
    assert (reg.name, reg.phone_enc, reg.address_enc, reg.answers) == (None, None, None, [])
    assert reg.phone_hash and reg.points == "担心噪音"
