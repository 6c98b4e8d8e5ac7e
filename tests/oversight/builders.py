"""Matters in known ledger states, built row by row so that every date is hand-set."""
from __future__ import annotations

from datetime import datetime, timedelta

from consult.extensions import db
from consult.notices.models import Notice, NoticeStatus
from consult.reports.models import Assessment, ReportVersion, Stage


def notice(m, starts: datetime) -> Notice:
    n = Notice(matter_id=m.id, title="公示", starts_at=starts, ends_at=starts + timedelta(days=10),
               status=NoticeStatus.PUBLISHED, published_at=starts)
    db.session.add(n)
    return n


def assessed(m, *, level=None, outcome=None, set_at=None, stages=(), decided=None, adopted=True,
             filed_at=None, acknowledged_at=None, round_=1, current=True) -> Assessment:
    """One assessment round; stages is [(Stage, datetime)], decided a date or None."""
    a = Assessment(matter_id=m.id, round=round_, is_current=current, final_level=level, outcome=outcome,
                   set_at=set_at, decision_date=decided, decision_adopted=adopted if decided else None,
                   filed_at=filed_at, acknowledged_at=acknowledged_at)
    db.session.add(a)
    db.session.flush()
    for number, (stage, at) in enumerate(stages, start=1):
        db.session.add(ReportVersion(matter_id=m.id, assessment_id=a.id, number=round_ * 10 + number, stage=stage,
                                     document={}, content_hash="0" * 64, created_at=at))
    db.session.commit()
    return a
