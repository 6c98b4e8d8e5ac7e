"""What the review package contributes to reports (see consult.reports.hooks)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.extensions import db
from consult.matters.models import Procedure
from consult.reports import hooks
from consult.reports.models import ReportVersion
from consult.review.models import Expert, ReviewAssignment, ReviewPoint


def review_answers(matter, before_number: int | None) -> list[dict]:
    stmt = (select(ReviewPoint, ReviewAssignment, ReportVersion).select_from(ReviewPoint)
            .join(ReviewAssignment, ReviewPoint.assignment_id == ReviewAssignment.id)
            .join(ReportVersion, ReviewAssignment.version_id == ReportVersion.id)
            .where(ReportVersion.matter_id == matter.id, ReviewAssignment.submitted_at.is_not(None))
            .order_by(ReportVersion.number, ReviewAssignment.id, ReviewPoint.number))
    if before_number is not None:
        stmt = stmt.where(ReportVersion.number < before_number)
    return [{"version": v.number, "expert": a.expert.name, "point": p.text, "answer": p.answer or "（尚未答复）"}
            for p, a, v in db.session.execute(stmt)]


def reviewed_before_final(assessment) -> str | None:
    """Ordinary and key procedures: a submitted expert opinion, every point answered (组织评审)."""
    matter = assessment.matter
    if matter.procedure == Procedure.SIMPLE:
        return None
    base = (select(func.count()).select_from(ReviewAssignment)
            .join(ReportVersion, ReviewAssignment.version_id == ReportVersion.id)
            .where(ReportVersion.matter_id == matter.id))
    if not db.session.scalar(base.where(ReviewAssignment.submitted_at.is_not(None))):
        return _("%(p)s须经专家评审（至少一份专家评估意见表）后才能定稿。", p=matter.procedure_label)
    unanswered = db.session.scalar(
        select(func.count()).select_from(ReviewPoint).join(ReviewAssignment).join(
            ReportVersion, ReviewAssignment.version_id == ReportVersion.id)
        .where(ReportVersion.matter_id == matter.id, ReviewPoint.answer.is_(None)))
    if unanswered:
        return _("还有 %(n)s 条专家意见未答复，请逐条答复后再定稿。", n=unanswered)
    return None


def team(matter) -> list[list[str]]:
    experts = db.session.scalars(select(Expert).join(ReviewAssignment).join(
        ReportVersion, ReviewAssignment.version_id == ReportVersion.id).where(
        ReportVersion.matter_id == matter.id).distinct()).all()
    return [[e.name, f"评审专家（{e.field}）", e.organisation] for e in experts]


def install() -> None:
    hooks.register(hooks.review_answers, review_answers)
    hooks.register(hooks.final_checks, reviewed_before_final)
    hooks.register(hooks.team_members, team)
