"""Organisers schedule meetings: times and lead times, officials, seat categories, rules."""
from __future__ import annotations

from flask_babel import gettext as _

import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from consult.audit.services import record, snapshot
from consult.extensions import db
from consult.hearings import notify, rules
from consult.hearings.common import HearingError
from consult.hearings.models import (Allocation, Meeting, MeetingKind, MeetingOfficial, MeetingStatus,
                                     OfficialRole, Registration, RegStatus, SeatCategory)
from consult.matters.models import Matter
from consult.permissions import require

FIELDS = ("kind", "title", "agenda", "starts_at", "venue", "online_link", "capacity", "registration_opens_at",
          "registration_closes_at", "promotion_cutoff_at", "short_schedule_reason", "allocation", "questions",
          "waitlist_size", "status")
NOTIFY_FIELDS = ("starts_at", "venue", "online_link")
MAX_QUESTIONS = 5


def schedule_shortfalls(meeting_like, *, publish_at: datetime) -> list[str]:
    """Lead-time rules the schedule does not meet (empty when it meets them all)."""
    out = []
    n, m = rules.publish_lead_days(), rules.registration_lead_days()
    if meeting_like.starts_at - publish_at < timedelta(days=n):
        out.append(f"发布时间距会议不足 {n} 天")
    if meeting_like.starts_at - meeting_like.registration_closes_at < timedelta(days=m):
        out.append(f"报名截止距会议不足 {m} 天")
    return out


def _check(meeting: Meeting, now: datetime) -> None:
    if meeting.starts_at <= now:
        raise HearingError(_("会议时间必须晚于当前时间。"), "starts_at")
    if meeting.registration_closes_at <= meeting.registration_opens_at:
        raise HearingError(_("报名截止时间必须晚于报名开始时间。"), "registration_closes_at")
    if meeting.registration_closes_at > meeting.starts_at:
        raise HearingError(_("报名截止时间不能晚于会议开始时间。"), "registration_closes_at")
    if meeting.promotion_cutoff_at and meeting.promotion_cutoff_at > meeting.starts_at:
        raise HearingError(_("候补递补截止时间不能晚于会议开始时间。"), "promotion_cutoff_at")
    if meeting.kind == MeetingKind.VIDEO and not meeting.online_link.strip():
        raise HearingError(_("视频听证请填写线上参会链接。"), "online_link")
    if meeting.kind != MeetingKind.VIDEO and not meeting.venue.strip():
        raise HearingError(_("请填写会议地点。"), "venue")
    if meeting.online_link and not re.match(r"^https?://\S+$", meeting.online_link):
        raise HearingError(_("线上链接应以 http:// 或 https:// 开头，且不含空格。"), "online_link")
    if meeting.allocation == Allocation.FIRST_COME and meeting.matter.is_sensitive:
        raise HearingError(_("敏感事项须在报名截止后按规则遴选（持反对意见者优先），不能按报名先后确定。"), "allocation")
    short = schedule_shortfalls(meeting, publish_at=meeting.published_at or now)
    if short and not (meeting.short_schedule_reason or "").strip():
        raise HearingError("；".join(short) + "。请填写缩短时限的理由（将公开并留存）。", "short_schedule_reason")
    if not short:
        meeting.short_schedule_reason = None


def parse_questions(text: str | None) -> list[str]:
    questions = [q for q in re.split(r"\r\n|\r|\n", text or "") if q.strip()]
    if len(questions) > MAX_QUESTIONS:
        raise HearingError(_('自定义问题最多 %(v0)s 个（每行一个）。', v0=MAX_QUESTIONS), "questions")
    if any(len(q) > 200 for q in questions):
        raise HearingError(_("每个问题最多 200 字。"), "questions")
    return questions


def _apply(meeting: Meeting, values: dict, now: datetime) -> None:
    values = dict(values)
    values["questions"] = parse_questions(values.get("questions"))
    for key, value in values.items():
        setattr(meeting, key, value)
    _check(meeting, now)


def default_seat_categories(capacity: int) -> list[SeatCategory]:
    """The default seat categories (rules.default_categories) with seats shared out for a capacity."""
    templates = rules.default_categories()
    return [SeatCategory(code=t["code"], name=t["name"], seats=seats, min_seats=t.get("min_seats", 0), position=pos,
                         is_affected=t.get("is_affected", False), counts_in_share=t.get("counts_in_share", True),
                         is_public=t.get("is_public", True))
            for pos, (t, seats) in enumerate(zip(templates, rules.seats_for(capacity, templates)))]


def create_meeting(matter: Matter, *, actor, now: datetime, **values) -> Meeting:
    require(actor, "matter.manage", matter)
    meeting = Meeting(matter=matter, status=MeetingStatus.DRAFT, rules=rules.default_rules())
    _apply(meeting, values, now)
    meeting.categories.extend(default_seat_categories(meeting.capacity))
    db.session.add(meeting)
    db.session.flush()
    record(actor=actor, action="hearing.create", obj=meeting, matter_id=matter.id, after=snapshot(meeting, FIELDS))
    return meeting


def update_meeting(meeting: Meeting, *, actor, now: datetime, **values) -> Meeting:
    require(actor, "matter.manage", meeting)
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        raise HearingError(_("已取消或已召开的会议不能再修改。"))
    before = snapshot(meeting, FIELDS)
    _apply(meeting, values, now)
    db.session.flush()
    after = snapshot(meeting, FIELDS)
    if after != before:
        record(actor=actor, action="hearing.update", obj=meeting, matter_id=meeting.matter_id,
               before=before, after=after)
        if meeting.status == MeetingStatus.PUBLISHED and any(before[f] != after[f] for f in NOTIFY_FIELDS):
            notify.tell_all(registrations(meeting), "changed")
    return meeting


def publish_meeting(meeting: Meeting, *, actor, now: datetime) -> Meeting:
    require(actor, "matter.manage", meeting)
    if meeting.status != MeetingStatus.DRAFT:
        raise HearingError(_("只有草稿状态的会议可以发布。"))
    check_seats(meeting)
    meeting.published_at = now
    _check(meeting, now)
    meeting.status = MeetingStatus.PUBLISHED
    record(actor=actor, action="hearing.publish", obj=meeting, matter_id=meeting.matter_id,
           before={"status": "draft"}, after={"status": "published", "published_at": now.isoformat()},
           note=meeting.short_schedule_reason)
    return meeting


def cancel_meeting(meeting: Meeting, *, actor, reason: str, now: datetime) -> Meeting:
    require(actor, "matter.manage", meeting)
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        raise HearingError(_("该会议已取消或已召开。"))
    if not (reason or "").strip():
        raise HearingError(_("请填写取消理由（将通知报名人）。"), "reason")
    before = snapshot(meeting, ("status", "cancel_reason"))
    meeting.status, meeting.cancel_reason = MeetingStatus.CANCELLED, reason
    record(actor=actor, action="hearing.cancel", obj=meeting, matter_id=meeting.matter_id, before=before,
           after=snapshot(meeting, ("status", "cancel_reason")), note=reason)
    notify.tell_all(registrations(meeting), "cancelled")
    return meeting


def registrations(meeting: Meeting, *, status: RegStatus | None = None) -> list[Registration]:
    stmt = select(Registration).where(Registration.meeting_id == meeting.id)
    if status:
        stmt = stmt.where(Registration.status == status)
    return list(db.session.scalars(stmt.order_by(Registration.category_id, Registration.draw_rank,
                                                 Registration.id)))


# --- officials -----------------------------------------------------------------------
def add_official(meeting: Meeting, *, actor, role: OfficialRole, name: str, organisation: str) -> MeetingOfficial:
    require(actor, "matter.manage", meeting)
    official = MeetingOfficial(meeting=meeting, role=role, name=name, organisation=organisation)
    db.session.add(official)
    record(actor=actor, action="hearing.official.add", obj=official, matter_id=meeting.matter_id,
           after={"role": role.value, "name": name, "organisation": organisation})
    return official


def remove_official(official: MeetingOfficial, *, actor) -> None:
    require(actor, "matter.manage", official)
    record(actor=actor, action="hearing.official.remove", obj=official, matter_id=official.meeting.matter_id,
           before={"role": official.role.value, "name": official.name, "organisation": official.organisation})
    official.meeting.officials.remove(official)


def official_warnings(meeting: Meeting) -> list[str]:
    out = [f"{o.role_label}{o.name}来自评估主体（{o.organisation}），主持人和听证员应以第三方身份履职。"
           for o in meeting.officials if o.role != OfficialRole.RECORDER and o.from_responsible_org]
    roles = {o.role for o in meeting.officials}
    if OfficialRole.CHAIR not in roles:
        out.append("尚未指定主持人。")
    if OfficialRole.RECORDER not in roles:
        out.append("尚未指定记录员。")
    return out


# --- seats and rules ---------------------------------------------------------------
CATEGORY_FIELDS = ("name", "seats", "min_seats", "is_affected", "counts_in_share", "is_public")


def check_seats(meeting: Meeting) -> None:
    if meeting.total_seats > meeting.capacity:
        raise HearingError(_('各类别名额合计 %(v0)s 席，超过会议容量 %(v1)s 人。', v0=meeting.total_seats, v1=meeting.capacity), "seats")
    if meeting.total_seats == 0:
        raise HearingError(_("请至少为一个类别设置名额。"), "seats")


def save_category(meeting: Meeting, *, actor, category: SeatCategory | None, **values) -> SeatCategory:
    require(actor, "matter.manage", meeting)
    if meeting.list_confirmed_at:
        raise HearingError(_("名单已确认，不能再修改名额。"))
    if values["min_seats"] > values["seats"]:
        raise HearingError(_("最低名额不能多于名额。"), "min_seats")
    before = snapshot(category, CATEGORY_FIELDS) if category else None
    if category is None:
        n = db.session.scalar(select(func.count()).select_from(SeatCategory)
                              .where(SeatCategory.meeting_id == meeting.id)) or 0
        category = SeatCategory(code=f"c{n + 1}", position=n)
        while any(c.code == category.code for c in meeting.categories):
            category.code = f"c{int(category.code[1:]) + 1}"
        meeting.categories.append(category)
    for key, value in values.items():
        setattr(category, key, value)
    check_seats(meeting)
    db.session.flush()
    record(actor=actor, action="hearing.category.save", obj=category, matter_id=meeting.matter_id,
           before=before, after=snapshot(category, CATEGORY_FIELDS))
    return category


def delete_category(category: SeatCategory, *, actor) -> None:
    require(actor, "matter.manage", category)
    used = db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.category_id == category.id))
    if used:
        raise HearingError(_("该类别已有报名，不能删除；可将名额设为 0。"))
    if any(category.code in r["categories"] for r in category.meeting.rules or []):
        raise HearingError(_("该类别仍在比例规则中使用，请先修改规则。"))
    record(actor=actor, action="hearing.category.delete", obj=category, matter_id=category.meeting.matter_id,
           before=snapshot(category, CATEGORY_FIELDS))
    category.meeting.categories.remove(category)


def set_rules(meeting: Meeting, *, actor, text: str) -> Meeting:
    require(actor, "matter.manage", meeting)
    if meeting.list_confirmed_at:
        raise HearingError(_("名单已确认，不能再修改规则。"))
    try:
        parsed = rules.parse_rules(text, {c.code: c.name for c in meeting.categories})
    except ValueError as exc:
        raise HearingError(str(exc), "rules") from None
    before = {"rules": meeting.rules}
    meeting.rules = parsed
    record(actor=actor, action="hearing.rules", obj=meeting, matter_id=meeting.matter_id,
           before=before, after={"rules": parsed})
    return meeting
