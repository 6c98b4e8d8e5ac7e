"""Tracking after the decision (事中动态评估 / 事后跟踪评估).

For a matter whose current assessment has a decision (decision_date): tracking entries, the
register's measures against their deadlines, and the resident texts still arriving after the
decision (counted from the day after the decision day, local time).

A tracking entry with "new risk found" raises a warning (source tracking) at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.audit.services import record
from consult.extensions import db
from consult.oversight.models import RiskWarning, TrackingEntry, TrackingPhase, WarningLevel, WarningSource
from consult.oversight.warnings import WarningError, create, local_day
from consult.permissions import require
from consult.timeutil import local_to_utc

LATEST_VOICES = 5
EXCERPT = 120


class TrackingError(WarningError):
    pass


def decision_date(matter) -> Optional[date]:
    from consult.reports.services import current_assessment

    a = current_assessment(matter)
    return a.decision_date if a is not None else None


def decided_matters() -> list[tuple]:
    """(matter, decision date) of every matter whose current assessment has a decision."""
    from consult.matters.models import Matter
    from consult.reports.models import Assessment

    stmt = (select(Matter, Assessment.decision_date).join(Assessment, Assessment.matter_id == Matter.id)
            .where(Assessment.is_current.is_(True), Assessment.decision_date.is_not(None)).order_by(Matter.id))
    return [(m, d) for m, d in db.session.execute(stmt)]


def after_decision(decided_on: date) -> datetime:
    """The first moment counted as after the decision: local midnight after the decision day."""
    return local_to_utc(datetime.combine(decided_on + timedelta(days=1), time()))


# --- recording -------------------------------------------------------------------------------

def record_entry(matter, *, actor, now: datetime, observed_on: date, phase: TrackingPhase, observation: str,
                 new_complaints: int, new_risk: bool, level: WarningLevel = WarningLevel.YELLOW,
                 owner_unit: str = "", deadline: Optional[date] = None) -> tuple[TrackingEntry, Optional[RiskWarning]]:
    require(actor, "tracking.record", matter)
    decided_on = decision_date(matter)
    if decided_on is None:
        raise TrackingError(_("本事项尚未作出决策，决策后才能记录跟踪情况。"))
    if observed_on < decided_on:
        raise TrackingError(_("跟踪日期不能早于决策日期（%(d)s）。", d=decided_on.isoformat()), "observed_on")
    if observed_on > local_day(now):
        raise TrackingError(_("跟踪日期不能晚于今天。"), "observed_on")
    if deadline is not None and deadline < local_day(now):
        raise TrackingError(_("处置时限不能早于今天。"), "deadline")
    observation = observation.strip()
    if _same_entry(matter.id, observed_on, observation):
        raise TrackingError(_("同一天内容相同的跟踪记录已经保存过，无需重复提交。"), "observation")
    entry = TrackingEntry(matter_id=matter.id, observed_on=observed_on, phase=phase, observation=observation,
                          new_complaints=new_complaints, new_risk=new_risk, created_by_id=actor.id, created_at=now)
    db.session.add(entry)
    db.session.flush()
    record(actor=actor, action="tracking.record", obj=entry, matter_id=matter.id,
           after={"observed_on": observed_on.isoformat(), "phase": phase.value, "observation": observation,
                  "new_complaints": new_complaints, "new_risk": new_risk})
    warning = None
    if new_risk:
        warning = create(matter, actor=actor, now=now, level=level, source=WarningSource.TRACKING,
                         title=_("跟踪发现新风险（%(d)s）", d=observed_on.isoformat()), detail=observation,
                         owner_unit=owner_unit or matter.organisation.name, deadline=deadline,
                         tracking_entry_id=entry.id)
    return entry, warning


def _same_entry(matter_id: int, observed_on: date, observation: str) -> bool:
    return db.session.scalar(select(func.count(TrackingEntry.id)).where(
        TrackingEntry.matter_id == matter_id, TrackingEntry.observed_on == observed_on,
        TrackingEntry.observation == observation)) > 0


def entries(matter) -> list[TrackingEntry]:
    return list(db.session.scalars(select(TrackingEntry).where(TrackingEntry.matter_id == matter.id)
                                   .order_by(TrackingEntry.observed_on.desc(), TrackingEntry.id.desc())))


# --- measures against their deadlines --------------------------------------------------------

MEASURE_STATES = ("on_time", "late", "overdue", "open")


@dataclass
class MeasureRow:
    measure: object
    item_title: str
    state: str  # on_time | late | overdue | open
    done_on: Optional[date]


@dataclass
class MeasureProgress:
    rows: list[MeasureRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURE_STATES, 0))


def measure_state(measure, today: date) -> str:
    """on_time: done by the deadline (or done, no deadline); late: done after it;
    overdue: not done and today is after the deadline; open: not done, deadline not passed or none."""
    from consult.register.models import MeasureStatus

    if measure.status == MeasureStatus.DONE:
        done_on = local_day(measure.done_at) if measure.done_at else None
        return "late" if (measure.deadline and done_on and done_on > measure.deadline) else "on_time"
    return "overdue" if (measure.deadline and today > measure.deadline) else "open"


def measure_progress(matter, *, now: datetime) -> MeasureProgress:
    from consult.register.models import Measure, RiskItem

    today = local_day(now)
    out = MeasureProgress()
    stmt = (select(Measure, RiskItem.title).join(RiskItem, RiskItem.id == Measure.item_id)
            .where(RiskItem.matter_id == matter.id).order_by(RiskItem.number, RiskItem.id, Measure.id))
    for measure, item_title in db.session.execute(stmt):
        state = measure_state(measure, today)
        out.counts[state] += 1
        out.rows.append(MeasureRow(measure, item_title, state, local_day(measure.done_at) if measure.done_at else None))
    return out


# --- resident texts after the decision -------------------------------------------------------

def flagged_since(matter_id: int, since: datetime) -> int:
    from consult.analysis.models import Voice

    return db.session.scalar(select(func.count(Voice.id)).where(
        Voice.matter_id == matter_id, Voice.occurred_at >= since, Voice.is_flagged.is_(True)))


@dataclass
class VoicesAfter:
    since: date  # the first day counted
    total: int
    flagged: int
    latest: list[dict]


def voices_after(matter, decided_on: date) -> VoicesAfter:
    """Texts of the voice pool that arrived after the decision day: counts and the latest few,
    scrubbed of phone numbers, ID numbers and e-mail addresses; never the author or household."""
    from consult.analysis.models import Voice
    from consult.analysis.pipeline.normalise import scrub

    since = after_decision(decided_on)
    where = (Voice.matter_id == matter.id, Voice.occurred_at >= since)
    total = db.session.scalar(select(func.count(Voice.id)).where(*where))
    latest = []
    for v in db.session.scalars(select(Voice).where(*where).order_by(Voice.occurred_at.desc(), Voice.id.desc())
                                .limit(LATEST_VOICES)):
        text = scrub(" ".join(v.text.split()))
        latest.append({"occurred_at": v.occurred_at, "source": v.source_label, "flagged": v.is_flagged,
                       "terms": list(v.escalation_terms or []),
                       "text": text if len(text) <= EXCERPT else text[:EXCERPT] + "…"})
    return VoicesAfter(decided_on + timedelta(days=1), total, flagged_since(matter.id, since), latest)


def notice_window(matter, *, now: datetime) -> dict:
    """Whether residents can still comment online: a published notice open now, else when the last closed."""
    published = [n for n in matter.notices if n.is_published]
    open_now = [n for n in published if n.is_open(now)]
    last = max(published, key=lambda n: n.ends_at, default=None)
    return {"open": open_now, "last_end": last.ends_at if last else None, "last": last, "any": bool(published)}
