"""A decided matter, register measures, voices and warnings with hand-set dates."""
from __future__ import annotations

from datetime import date, datetime, timezone

from consult.analysis.models import Voice, VoiceSource
from consult.analysis.voices import apply_escalation, text_hash
from consult.extensions import db
from consult.models import utcnow
from consult.oversight.models import RiskWarning, WarningLevel, WarningSource, WarningStatus
from consult.oversight.warnings import local_day
from consult.register.models import Measure, MeasureStatus, RiskItem
from consult.reports.models import Assessment


def today() -> date:
    return local_day(utcnow())


def utc(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=timezone.utc)


def decide(matter, on: date, *, round_=1) -> Assessment:
    a = Assessment(matter_id=matter.id, round=round_, is_current=True, decision_date=on, decision_adopted=True)
    db.session.add(a)
    db.session.commit()
    return a


def measure(matter, *, deadline=None, status=MeasureStatus.PLANNED, done_at=None, text="入户解释补偿标准",
            unit="街道办") -> Measure:
    item = db.session.query(RiskItem).filter_by(matter_id=matter.id).first()
    if item is None:
        item = RiskItem(matter_id=matter.id, number=1, title="补偿标准争议")
        db.session.add(item)
        db.session.flush()
    m = Measure(item_id=item.id, text=text, responsible_unit=unit, deadline=deadline, status=status, done_at=done_at)
    db.session.add(m)
    db.session.commit()
    return m


def voice(matter, text: str, at: datetime, *, author="张**", household="3号楼") -> Voice:
    v = Voice(matter_id=matter.id, source=VoiceSource.LETTER, source_ref=f"letter:{text_hash(text)[:16]}",
              text=text, text_hash=text_hash(text), occurred_at=at, author=author, household=household)
    apply_escalation(v)
    db.session.add(v)
    db.session.commit()
    return v


def warning(matter, *, level=WarningLevel.YELLOW, deadline=None, status=WarningStatus.OPEN, raised_at=None,
            closed_at=None, resolved=None, escalated_at=None, owner_id=None, title="群众反映施工扰民",
            source=WarningSource.MANUAL) -> RiskWarning:
    w = RiskWarning(matter_id=matter.id, level=level, source=source, title=title, owner_unit="街道办",
                    deadline=deadline or today(), status=status, raised_at=raised_at or utcnow(),
                    closed_at=closed_at, resolved=resolved, escalated_at=escalated_at, owner_id=owner_id)
    db.session.add(w)
    db.session.commit()
    return w
