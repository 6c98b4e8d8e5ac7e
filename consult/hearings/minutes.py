"""Minutes (会议记录), speakers' points, the public summary, and resident texts for analysis."""
from __future__ import annotations

from flask_babel import gettext as _

import uuid
from datetime import datetime
from typing import Iterator

from sqlalchemy import select

from consult.audit.services import record, snapshot
from consult.crypto import mask_name
from consult.extensions import db
from consult.hearings.common import HearingError
from consult.hearings.models import (HearingStance, Meeting, MeetingStatus, Minutes, Registration, SeatCategory,
                                     SpeakerPoint)
from consult.permissions import require

MINUTES_FIELDS = ("topic", "answers", "conclusion")
STANCE_FOR_ANALYSIS = {HearingStance.SUPPORT: "support", HearingStance.OPPOSE: "oppose",
                       HearingStance.CONDITIONAL: "conditional", HearingStance.NEUTRAL: "other"}


def minutes_of(meeting: Meeting) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def save_minutes(meeting: Meeting, *, actor, topic: str, answers: str, conclusion: str) -> Minutes:
    require(actor, "matter.manage", meeting)
    minutes = minutes_of(meeting)
    before = snapshot(minutes, MINUTES_FIELDS) if minutes else None
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id)
        db.session.add(minutes)
    minutes.topic, minutes.answers, minutes.conclusion = topic, answers, conclusion
    db.session.flush()
    record(actor=actor, action="hearing.minutes", obj=minutes, matter_id=meeting.matter_id, before=before,
           after=snapshot(minutes, MINUTES_FIELDS))
    return minutes


def add_point(meeting: Meeting, *, actor, text: str, stance: HearingStance, registration: Registration | None,
              category: SeatCategory | None, speaker: str, answer: str, now: datetime) -> SpeakerPoint:
    """Record one speaker's main points, linked to the participant (and so the category)."""
    require(actor, "matter.manage", meeting)
    if registration is not None:
        if registration.meeting_id != meeting.id:
            raise HearingError(_("发言人不属于本次会议。"), "registration")
        category = registration.category
        speaker = speaker or mask_name(registration.name)
    if category is not None and category.meeting_id != meeting.id:
        raise HearingError(_("类别不属于本次会议。"), "category")
    point = SpeakerPoint(public_id=uuid.uuid4().hex, meeting_id=meeting.id, matter_id=meeting.matter_id,
                         registration_id=registration.id if registration else None,
                         category_id=category.id if category else None, speaker=speaker, stance=stance,
                         text=text, answer=answer, source="hearing", created_at=now)
    db.session.add(point)
    db.session.flush()
    record(actor=actor, action="hearing.point.add", obj=point, matter_id=meeting.matter_id,
           after={"public_id": point.public_id, "stance": stance.value, "category": category.code if category else None})
    return point


def delete_point(point: SpeakerPoint, *, actor) -> None:
    require(actor, "matter.manage", point)
    record(actor=actor, action="hearing.point.delete", obj=point, matter_id=point.matter_id,
           before={"public_id": point.public_id, "text": point.text, "stance": point.stance.value})
    db.session.delete(point)


def points_of(meeting: Meeting) -> list[SpeakerPoint]:
    return list(db.session.scalars(select(SpeakerPoint).where(SpeakerPoint.meeting_id == meeting.id)
                                   .order_by(SpeakerPoint.created_at, SpeakerPoint.id)))


def save_summary(meeting: Meeting, *, actor, summary: str, held: bool) -> Meeting:
    """The public summary shown after the meeting; marking it held closes the meeting."""
    require(actor, "matter.manage", meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise HearingError(_("会议已取消。"))
    if held and meeting.status == MeetingStatus.DRAFT:
        raise HearingError(_("未发布的会议不能标记为已召开。"))
    before = snapshot(meeting, ("public_summary", "status"))
    meeting.public_summary = summary
    if held:
        meeting.status = MeetingStatus.HELD
    record(actor=actor, action="hearing.summary", obj=meeting, matter_id=meeting.matter_id, before=before,
           after=snapshot(meeting, ("public_summary", "status")))
    return meeting


def resident_texts(matter_id: int) -> Iterator[dict]:
    """Speakers' points of a matter's meetings, for the analysis engine.

    Yields {id, text, source, stance, group, time}: id is stable ("hearing:<uuid>"), source "hearing",
    stance in the platform's vocabulary (support / oppose / conditional / other - 中立 is "other",
    as for comments and surveys), group the seat category's name (or "" when unknown),
    time the ISO time the point was recorded (UTC).
    """
    stmt = (select(SpeakerPoint, SeatCategory.name).outerjoin(SeatCategory, SpeakerPoint.category_id == SeatCategory.id)
            .where(SpeakerPoint.matter_id == matter_id).order_by(SpeakerPoint.id))
    for point, group in db.session.execute(stmt):
        yield {"id": f"hearing:{point.public_id}", "text": point.text, "source": point.source,
               "stance": STANCE_FOR_ANALYSIS[point.stance], "group": group or "", "time": point.created_at.isoformat()}
