"""Public transparency (公开): per district, the matters whose report was filed and their outcome.

Only filed assessments (the body has filed the 定稿 with the supervisor) of matters not marked
sensitive are public; no personal data is read. The rate shown is 应评尽评率 over the last twelve
months (decisions whose round was assessed ÷ decisions)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select

from consult.extensions import db
from consult.matters.models import KIND_LABELS, Matter
from consult.register.models import RISK_LEVEL_LABELS
from consult.reports.models import OUTCOME_LABELS, Assessment, ReportVersion, Stage


def _public():
    return and_(Assessment.is_current.is_(True), Assessment.filed_at.is_not(None), Matter.is_sensitive.is_(False),
                Matter.area != "")


def districts() -> list[tuple[str, int]]:
    stmt = select(Matter.area, func.count()).join(Assessment, Assessment.matter_id == Matter.id) \
        .where(_public()).group_by(Matter.area).order_by(Matter.area)
    return [(a, n) for a, n in db.session.execute(stmt)]


def district(area: str, today: date) -> dict[str, Any] | None:
    rows = db.session.execute(select(Matter, Assessment).join(Assessment, Assessment.matter_id == Matter.id)
                              .where(_public(), Matter.area == area).order_by(Assessment.filed_at.desc())).all()
    if not rows:
        return None
    matters = [{"title": m.title, "kind": str(KIND_LABELS[m.kind]),
                "level": str(RISK_LEVEL_LABELS[a.final_level]) if a.final_level else "",
                "outcome": str(OUTCOME_LABELS[a.outcome]) if a.outcome else "",
                "decided_on": a.decision_date.isoformat() if a.decision_date else ""} for m, a in rows]
    return {"area": area, "matters": matters, "coverage": _coverage(area, today)}


def _coverage(area: str, today: date) -> tuple[int, int]:
    """(assessed decisions, decisions) of the district in the twelve months up to today."""
    final = exists().where(ReportVersion.assessment_id == Assessment.id, ReportVersion.stage == Stage.FINAL)
    covered = and_(Assessment.final_level.is_not(None), Assessment.outcome.is_not(None), final)
    base = select(func.count()).select_from(Matter).join(Assessment, Assessment.matter_id == Matter.id).where(
        Matter.area == area, Assessment.is_current.is_(True), Assessment.decision_date > today - timedelta(days=365),
        Assessment.decision_date <= today)
    return db.session.scalar(base.where(covered)) or 0, db.session.scalar(base) or 0
