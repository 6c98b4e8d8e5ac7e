"""Selection services: publish the seed, run the draw, confirm the list, re-run to verify."""
from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter
from datetime import datetime, timedelta

from flask_babel import gettext as _

from sqlalchemy import select

from consult.audit.services import record
from consult.extensions import db
from consult.hearings import notify, rules, selection
from consult.hearings.common import HearingError, lock_meeting
from consult.hearings.models import (SEAT_HOLDING, Allocation, Draw, HearingStance, Meeting, MeetingStatus,
                                     Registration, RegStatus)
from consult.permissions import require
from consult.timeutil import format_local

DRAW_DELAY_HOURS = 24  # app.config HEARING_DRAW_DELAY_HOURS

STATUS = {"selected": RegStatus.SELECTED, "waiting": RegStatus.WAITING, "not_selected": RegStatus.NOT_SELECTED}


def draw_of(meeting: Meeting) -> Draw | None:
    return db.session.scalar(select(Draw).where(Draw.meeting_id == meeting.id))


def _entrant(reg: Registration, sensitive: bool) -> dict:
    priority = sensitive and reg.category.is_affected and reg.stance == HearingStance.OPPOSE
    return {"public_id": reg.public_id, "category": reg.category.code, "priority": priority}


def entrants_hash(entrants: list[dict]) -> str:
    return hashlib.sha256(json.dumps(sorted(entrants, key=lambda e: e["public_id"]), ensure_ascii=False,
                                     sort_keys=True).encode()).hexdigest()


def draw_delay() -> timedelta:
    """How long the seed is public before the draw may run (HEARING_DRAW_DELAY_HOURS, default 24)."""
    return timedelta(hours=int(rules.config_value("HEARING_DRAW_DELAY_HOURS", DRAW_DELAY_HOURS)))


def draw_not_before(meeting: Meeting, draw: Draw | None = None) -> datetime:
    """The earliest time the draw may run: a delay after the seed, or after registration closes."""
    published = draw.seed_published_at if draw else meeting.registration_closes_at
    return published + draw_delay()


def publish_seed(meeting: Meeting, *, actor, now: datetime, seed: str | None = None,
                 early_reason: str | None = None) -> Draw:
    """Close registration (if still open) and publish the seed and the entrants before the draw.
    Closing before the advertised time needs a reason, which the public meeting page shows."""
    require(actor, "matter.manage", meeting)
    if meeting.allocation != Allocation.DRAW or meeting.status != MeetingStatus.PUBLISHED:
        raise HearingError(_("只有已发布、按规则遴选的会议需要公布抽签种子。"))
    meeting = lock_meeting(meeting.id)
    if draw_of(meeting):
        raise HearingError(_("抽签种子已经公布，不能更换。"))
    early_reason = (early_reason or "").strip() or None
    if meeting.registration_closes_at > now:
        if not early_reason:
            raise HearingError(_("报名尚未到截止时间。提前截止须填写理由（将在会议页面公开）。"), "early_reason")
        record(actor=actor, action="hearing.registration.close", obj=meeting, matter_id=meeting.matter_id,
               before={"registration_closes_at": meeting.registration_closes_at.isoformat()},
               after={"registration_closes_at": now.isoformat()}, note=early_reason)
        meeting.registration_closes_at = now
    else:
        early_reason = None
    regs = db.session.scalars(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.status == RegStatus.REGISTERED))
    entrants = [_entrant(r, meeting.matter.is_sensitive) for r in regs]
    draw = Draw(meeting_id=meeting.id, seed=(seed or "").strip() or secrets.token_hex(16), seed_published_at=now,
                early_close_reason=early_reason,
                entrants=entrants, entrants_hash=entrants_hash(entrants), algorithm=selection.ALGORITHM)
    db.session.add(draw)
    record(actor=actor, action="hearing.draw.seed", obj=draw, matter_id=meeting.matter_id,
           after={"seed": draw.seed, "entrants": len(entrants), "entrants_hash": draw.entrants_hash})
    return draw


def run_selection(meeting: Meeting, *, actor, now: datetime) -> Draw:
    require(actor, "matter.manage", meeting)
    meeting = lock_meeting(meeting.id)
    draw = draw_of(meeting)
    if draw is None or draw.seed_published_at >= now:
        raise HearingError(_("请先公布抽签种子，再进行遴选。"))
    if now < draw_not_before(meeting, draw):
        raise HearingError(_("抽签种子须公开满 %(h)s 小时后才能遴选（%(t)s 以后）。",
                             h=int(draw_delay().total_seconds() // 3600), t=format_local(draw_not_before(meeting, draw))))
    if meeting.list_confirmed_at:
        raise HearingError(_("名单已确认，不能重新遴选。"))
    regs = {r.public_id: r for r in db.session.scalars(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.public_id.in_([e["public_id"] for e in draw.entrants])))}
    live = [selection.Entrant(**e) for e in draw.entrants if regs[e["public_id"]].status != RegStatus.CANCELLED]
    inputs = selection.inputs_to_json(live, rules.as_categories(meeting.categories),
                                      rules.as_rules(meeting.rules or []), meeting.waitlist_size,
                                      meeting.matter.is_sensitive)
    outcomes = selection.select(**selection.inputs_from_json(inputs), seed=draw.seed)
    for o in outcomes:
        reg = regs[o.public_id]
        reg.status, reg.selection_reason, reg.draw_rank = STATUS[o.status], o.reason, o.rank
        reg.waitlist_position, reg.decided_at = o.waitlist_position, now
    draw.inputs, draw.ran_at = inputs, now
    draw.result = [{"public_id": o.public_id, "category": o.category, "status": o.status, "rank": o.rank,
                    "draw_hash": o.draw_hash, "waitlist_position": o.waitlist_position} for o in outcomes]
    record(actor=actor, action="hearing.draw.run", obj=draw, matter_id=meeting.matter_id,
           after=dict(Counter(o.status for o in outcomes)))
    return draw


def verify_draw(draw: Draw) -> bool:
    """Re-run the published draw from its published inputs; True when it gives the same list."""
    if not draw.inputs or draw.result is None:
        return False
    again = selection.select(**selection.inputs_from_json(draw.inputs), seed=draw.seed)
    return [(o.public_id, o.status, o.rank) for o in again] == [
        (r["public_id"], r["status"], r["rank"]) for r in draw.result]


def seat_counts(meeting: Meeting, statuses=SEAT_HOLDING) -> dict[str, int]:
    counts = Counter(r.category.code for r in db.session.scalars(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.status.in_(statuses))))
    return {c.code: counts.get(c.code, 0) for c in meeting.categories}


def broken_rules(meeting: Meeting) -> list[str]:
    return [c.rule.name for c in rules.composition(meeting, seat_counts(meeting)) if not c.ok]


def confirm_list(meeting: Meeting, *, actor, reason: str | None, now: datetime) -> Meeting:
    """Fix the list and tell everyone their result. A list that breaks a rule needs a reason."""
    require(actor, "matter.manage", meeting)
    meeting = lock_meeting(meeting.id)
    if meeting.list_confirmed_at:
        raise HearingError(_("名单已经确认。"))
    if meeting.allocation == Allocation.DRAW and (draw_of(meeting) is None or draw_of(meeting).ran_at is None):
        raise HearingError(_("请先进行遴选，再确认名单。"))
    broken = broken_rules(meeting)
    if broken and not (reason or "").strip():
        raise HearingError("名单不符合组成规则（" + "；".join(broken) + "），须填写确认理由（将记入审计日志和评估报告）。",
                           "reason")
    meeting.list_confirmed_at = now
    meeting.confirm_reason = reason if broken else None
    record(actor=actor, action="hearing.list.confirm", obj=meeting, matter_id=meeting.matter_id,
           after={"seats": seat_counts(meeting), "broken_rules": broken}, note=meeting.confirm_reason)
    if meeting.allocation == Allocation.DRAW:
        for reg in db.session.scalars(select(Registration).where(Registration.meeting_id == meeting.id)):
            notify.tell_result(reg)
    return meeting
