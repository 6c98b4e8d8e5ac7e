"""At the door and after: check-in, attendance, reminders, and the figures for assessors."""
from __future__ import annotations

from flask_babel import gettext as _

import re
import unicodedata
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from consult.audit.services import record
from consult.extensions import db
from consult.hearings import notify, rules
from consult.hearings.common import HearingError
from consult.hearings.models import SEAT_HOLDING, Meeting, MeetingStatus, Registration, RegStatus
from consult.permissions import require


def normalise_ticket(code: str) -> str:
    code = unicodedata.normalize("NFKC", code or "").upper()
    m = re.search(r"HT:([A-Z0-9]{6})", code)  # the QR code carries "HT:<code>"
    return m.group(1) if m else re.sub(r"[^A-Z0-9]", "", code)


def check_in(meeting: Meeting, *, actor, code: str, now: datetime) -> Registration:
    require(actor, "matter.manage", meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise HearingError(_("会议已取消。"))
    ticket = normalise_ticket(code)
    reg = db.session.scalar(select(Registration).where(Registration.meeting_id == meeting.id,
                                                       Registration.ticket_code == ticket)) if ticket else None
    if reg is None:
        raise HearingError(_("没有找到该入场码，请核对后重新输入。"), "code")
    if not reg.holds_seat:
        raise HearingError(_('该报名人的状态为“%(v0)s”，不能签到。', v0=reg.status_label), "code")
    if reg.checked_in_at:
        raise HearingError(_('该入场码已于 %(v0)s 签到，请勿重复签到。', v0=_hm(reg.checked_in_at)), "code")
    reg.checked_in_at, reg.checked_in_by_id = now, actor.id
    record(actor=actor, action="hearing.check_in", obj=reg, matter_id=meeting.matter_id,
           after={"checked_in_at": now.isoformat(), "late": reg.is_late()})
    return reg


def _hm(value: datetime) -> str:
    from consult.timeutil import format_local

    return format_local(value, "%H:%M")


def attendance(meeting: Meeting, *, now: datetime) -> dict[str, list[Registration]]:
    seated = list(db.session.scalars(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.status.in_(SEAT_HOLDING))
        .order_by(Registration.category_id, Registration.draw_rank, Registration.id)))
    return {
        "on_time": [r for r in seated if r.checked_in_at and not r.is_late()],
        "late": [r for r in seated if r.is_late()],
        "absent": [r for r in seated if not r.checked_in_at and now >= meeting.starts_at],
        "expected": [r for r in seated if not r.checked_in_at and now < meeting.starts_at],
    }


def queue_reminders(*, now: datetime) -> int:
    """Remind seated participants of meetings starting in the next 24 hours (once per meeting).
    For a daily job or a CLI command; the organiser can also trigger it per meeting."""
    meetings = db.session.scalars(select(Meeting).where(
        Meeting.status == MeetingStatus.PUBLISHED, Meeting.reminded_at.is_(None),
        Meeting.starts_at > now, Meeting.starts_at <= now + timedelta(hours=24)))
    return sum(remind(m, now=now) for m in meetings)


def remind(meeting: Meeting, *, now: datetime, actor=None) -> int:
    if actor is not None:
        require(actor, "matter.manage", meeting)
    seated = db.session.scalars(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.status.in_(SEAT_HOLDING)))
    n = 0
    for reg in seated:
        notify.tell(reg, "reminder")
        n += 1
    meeting.reminded_at = now
    if actor is not None:
        record(actor=actor, action="hearing.remind", obj=meeting, matter_id=meeting.matter_id, after={"sent": n})
    return n


def figures(meeting: Meeting) -> dict:
    """Registrations, selected and attended per category, and the shares against the rules."""
    regs = list(db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)))
    registered = Counter(r.category.code for r in regs if r.status != RegStatus.CANCELLED)
    selected = Counter(r.category.code for r in regs if r.holds_seat)
    attended = Counter(r.category.code for r in regs if r.holds_seat and r.checked_in_at)
    planned = {c.code: c.seats for c in meeting.categories}

    def checks(counts):
        return [{"rule": c.rule.name, "share": c.share, "members": c.members, "total": c.total, "ok": c.ok,
                 "min_share": c.rule.min_share, "max_share": c.rule.max_share}
                for c in rules.composition(meeting, dict(counts))]

    return {
        "meeting": {"id": meeting.id, "title": meeting.title, "kind": meeting.kind_label,
                    "starts_at": meeting.starts_at.isoformat(), "status": meeting.status.value,
                    "list_confirmed": meeting.list_confirmed_at is not None,
                    "confirm_reason": meeting.confirm_reason},
        "categories": [{"code": c.code, "name": c.name, "seats": c.seats, "min_seats": c.min_seats,
                        "registered": registered.get(c.code, 0), "selected": selected.get(c.code, 0),
                        "attended": attended.get(c.code, 0), "counts_in_share": c.counts_in_share}
                       for c in meeting.categories],
        "totals": {"registered": sum(registered.values()), "selected": sum(selected.values()),
                   "attended": sum(attended.values()), "cancelled": sum(r.status == RegStatus.CANCELLED for r in regs),
                   "late": sum(1 for r in regs if r.holds_seat and r.is_late())},
        "rules": {"planned": checks(planned), "selected": checks(selected), "attended": checks(attended)},
    }
