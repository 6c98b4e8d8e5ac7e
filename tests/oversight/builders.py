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


# ---- participation, warnings and voices with hand-set dates -------------------------------------

def survey(w, matter, notice=None):
    """A standard questionnaire (知晓率: know / heard count; 支持率: support / mostly count)."""
    from consult.models import utcnow
    from consult.surveys import builder, questions
    from consult.surveys.models import SurveyStatus

    now = utcnow()
    s = builder.create_survey(matter, actor=w["organiser"], title="调查问卷", opens_at=now - timedelta(days=400),
                              closes_at=now + timedelta(days=20), notice=notice)
    questions.insert_standard(s, actor=w["organiser"])
    s.status = SurveyStatus.PUBLISHED
    db.session.commit()
    return s


def option_id(s, question_code: str, option_code: str) -> int:
    q = next(q for q in s.questions if q.code == question_code)
    return next(o.id for o in q.options if o.code == option_code)


def response(s, at: datetime, aware: str | None, support: str | None, *, duplicate=False):
    """One response row; aware / support are option codes or None (question not answered)."""
    import secrets

    from consult.surveys.models import Channel, Response

    r = Response(survey_id=s.id, receipt_code=secrets.token_hex(6), channel=Channel.ONLINE, is_duplicate=duplicate,
                 submitted_at=at, aware_option_id=option_id(s, "aware", aware) if aware else None,
                 support_option_id=option_id(s, "support", support) if support else None)
    db.session.add(r)
    return r


def voice(m, source, at: datetime, *, author="", flagged=False, excluded=False, text="群众意见"):
    import secrets

    from consult.analysis.models import Voice

    v = Voice(matter_id=m.id, source=source, source_ref=f"t:{secrets.token_hex(6)}", text=text, text_hash="0" * 64,
              author=author, occurred_at=at, is_flagged=flagged, escalation_score=0.9 if flagged else 0.0,
              is_excluded=excluded)
    db.session.add(v)
    return v


def warning(m, raised: datetime, deadline, *, closed: datetime | None = None, resolved=None, title="预警"):
    from consult.oversight.models import RiskWarning, WarningLevel, WarningStatus

    x = RiskWarning(matter_id=m.id, level=WarningLevel.YELLOW, title=title, deadline=deadline, raised_at=raised,
                    status=WarningStatus.CLOSED if closed else WarningStatus.OPEN, closed_at=closed,
                    resolved=resolved)
    db.session.add(x)
    return x
