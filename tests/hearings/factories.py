"""Factories for hearing tests: meetings through the services, registrations as rows."""
from __future__ import annotations

import itertools
from datetime import timedelta

from consult.crypto import encrypt, mask_phone
from consult.extensions import db
from consult.hearings import schedule
from consult.hearings.common import new_code
from consult.hearings.models import Allocation, HearingStance, MeetingKind, Registration, RegStatus
from consult.hearings.registration import CONSENT_VERSION, phone_hash
from consult.models import utcnow

_seq = itertools.count(1)


def meeting_values(now=None, **kw) -> dict:
    now = now or utcnow()
    values = dict(kind=MeetingKind.HEARING, title="某某路段拓宽工程听证会", agenda="听取受影响居民意见",
                  starts_at=now + timedelta(days=20), venue="区政府三楼会议室", online_link="", capacity=20,
                  registration_opens_at=now - timedelta(hours=1), registration_closes_at=now + timedelta(days=15),
                  promotion_cutoff_at=None, short_schedule_reason=None, allocation=Allocation.DRAW,
                  questions="", waitlist_size=10)
    values.update(kw)
    return values


def meeting(w, *, publish=True, seats=None, now=None, **kw):
    """A meeting of world w's matter; seats={code: (seats, min_seats)} replaces the default split."""
    now = now or utcnow()
    m = schedule.create_meeting(w["matter"], actor=w["organiser"], now=now, **meeting_values(now, **kw))
    if seats is not None:
        for c in m.categories:
            c.seats, c.min_seats = seats.get(c.code, (0, 0))
    if publish:
        schedule.publish_meeting(m, actor=w["organiser"], now=now)
    db.session.commit()
    return m


def category(m, code):
    return next(c for c in m.categories if c.code == code)


def phone(n: int | None = None) -> str:
    return f"139{(n if n is not None else next(_seq)):08d}"


def registration(m, code="affected", stance=HearingStance.SUPPORT, status=RegStatus.REGISTERED, **kw):
    p = kw.pop("phone", None) or phone()
    reg = Registration(meeting_id=m.id, category_id=category(m, code).id, public_id=new_code(8),
                       receipt_code=new_code(10), ticket_code=new_code(6), name=kw.pop("name", "张三"),
                       phone_enc=encrypt(p), phone_hash=phone_hash(p), phone_masked=mask_phone(p),
                       relation="住户", stance=stance, points="要点", answers=[],
                       consent_version=CONSENT_VERSION, status=status, **kw)
    db.session.add(reg)
    db.session.commit()
    return reg
