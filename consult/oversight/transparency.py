"""Public transparency (公开): per district, the matters whose report was filed and their outcome,
and the 三率 of the last twelve months.

Shown: filed assessments (the body has filed the 定稿 with the supervisor) of matters neither
marked sensitive (is_sensitive) nor withheld by the body with a reason (public_withheld_reason).
Of those not shown only their number appears ("因故不予公开 N 项"): no title, no reason (a reason
may itself be sensitive). No personal data is read.

The 三率, over the twelve months up to today (today − 364 days … today), for every matter of the
district (aggregates only, withheld matters included, as the rates are about the district's work):
  应评尽评率     decisions whose round has a level, an outcome and a 定稿 ÷ decisions
  风险预警化解率  warnings settled in the period that were resolved on time ÷ warnings settled in it
                (warning_stats: a warning settles when closed by its deadline, else on its deadline)
  群众满意率     median 支持率 over the district's questionnaires that had answers to their support
                question in the period (non-duplicate responses submitted in it); the platform has
                no separate satisfaction question, so the support rate stands for satisfaction
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from statistics import median
from typing import Any, Optional

from sqlalchemy import and_, case, exists, func, or_, select

from consult.extensions import db
from consult.matters.models import KIND_LABELS, Matter
from consult.oversight import stats, warning_stats
from consult.register.models import RISK_LEVEL_LABELS
from consult.reports.models import OUTCOME_LABELS, Assessment, ReportVersion, Stage
from consult.timeutil import local_to_utc

PERIOD_DAYS = 365


def _filed():
    return and_(Assessment.is_current.is_(True), Assessment.filed_at.is_not(None), Matter.area != "")


def _public():
    return and_(_filed(), Matter.is_sensitive.is_(False), Matter.public_withheld_reason == "")


def _withheld():
    return and_(_filed(), or_(Matter.is_sensitive.is_(True), Matter.public_withheld_reason != ""))


def districts() -> list[tuple[str, int, int]]:
    """(district, matters shown, matters not shown) for every district with a filed matter."""
    shown = _public()
    stmt = select(Matter.area, func.count(), func.coalesce(func.sum(case((shown, 1), else_=0)), 0)) \
        .join(Assessment, Assessment.matter_id == Matter.id).where(_filed()).group_by(Matter.area).order_by(Matter.area)
    return [(a, int(n_shown), n - int(n_shown)) for a, n, n_shown in db.session.execute(stmt)]


def district(area: str, today: date) -> dict[str, Any] | None:
    rows = db.session.execute(select(Matter, Assessment).join(Assessment, Assessment.matter_id == Matter.id)
                              .where(_public(), Matter.area == area).order_by(Assessment.filed_at.desc())).all()
    withheld = db.session.scalar(select(func.count()).select_from(Matter).join(
        Assessment, Assessment.matter_id == Matter.id).where(_withheld(), Matter.area == area)) or 0
    if not rows and not withheld:
        return None
    matters = [{"title": m.title, "kind": str(KIND_LABELS[m.kind]),
                "level": str(RISK_LEVEL_LABELS[a.final_level]) if a.final_level else "",
                "outcome": str(OUTCOME_LABELS[a.outcome]) if a.outcome else "",
                "decided_on": a.decision_date.isoformat() if a.decision_date else ""} for m, a in rows]
    start = today - timedelta(days=PERIOD_DAYS - 1)
    return {"area": area, "matters": matters, "withheld": withheld, "period": (start, today),
            "coverage": _coverage(area, today), "warnings": _warnings(area, start, today),
            "satisfaction": _satisfaction(area, start, today)}


def _coverage(area: str, today: date) -> tuple[int, int]:
    """(assessed decisions, decisions) of the district in the twelve months up to today."""
    final = exists().where(ReportVersion.assessment_id == Assessment.id, ReportVersion.stage == Stage.FINAL)
    covered = and_(Assessment.final_level.is_not(None), Assessment.outcome.is_not(None), final)
    base = select(func.count()).select_from(Matter).join(Assessment, Assessment.matter_id == Matter.id).where(
        Matter.area == area, Assessment.is_current.is_(True),
        Assessment.decision_date > today - timedelta(days=PERIOD_DAYS), Assessment.decision_date <= today)
    return db.session.scalar(base.where(covered)) or 0, db.session.scalar(base) or 0


def _warnings(area: str, start: date, today: date) -> tuple[int, int]:
    """(settled on time, settled) in the period: 风险预警化解率."""
    c = warning_stats.count(warning_stats.load(None, start, today, area=area), start, today, today)
    return c.settled_on_time, c.settled


def _satisfaction(area: str, start: date, today: date) -> tuple[Optional[float], int]:
    """(median 支持率, questionnaires counted)."""
    lo = local_to_utc(datetime(start.year, start.month, start.day))
    nxt = today + timedelta(days=1)
    rates = [support for *_rest, support in stats.survey_rates(None, lo, local_to_utc(datetime(nxt.year, nxt.month,
                                                                                                nxt.day)), area=area)
             if support is not None]
    return (median(rates) if rates else None), len(rates)
