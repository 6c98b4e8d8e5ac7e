"""Decision of the responsible body (审查) and filing with the supervising body (备案).

At filing the final version's PDF is rendered once and stored; the frozen hash is
sha256(PDF bytes ‖ version content hash). verify() recomputes both, so anyone can check that
neither the stored PDF nor the version's data snapshot changed after filing.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.audit.services import record
from consult.extensions import db
from consult.matters.models import Matter, MatterStatus
from consult.permissions import require
from consult.register.models import RiskLevel
from consult.reports import document
from consult.reports.models import Assessment, ReportVersion, Stage
from consult.review.services import ReviewError
from consult.storage import storage


def final_version(assessment: Assessment) -> ReportVersion | None:
    latest = assessment.latest_version
    return latest if latest is not None and latest.stage == Stage.FINAL else None


def record_decision(assessment: Assessment, *, actor, now: datetime, adopted: bool, reason: str,
                    decided_on: date) -> Assessment:
    require(actor, "matter.decide", assessment)
    if assessment.is_filed:
        raise ReviewError(_("报告已备案，决策不能再修改。"))
    if final_version(assessment) is None:
        raise ReviewError(_("请先保存定稿，再记录决策。"))
    if not adopted and not reason.strip():
        raise ReviewError(_("不采纳评估结论时须说明理由。"))
    if decided_on > now.date():
        raise ReviewError(_("决策日期不能晚于今天。"))
    before = {"adopted": assessment.decision_adopted}
    assessment.decision_adopted, assessment.decision_reason = adopted, reason.strip()
    assessment.decision_date, assessment.decision_by_id = decided_on, actor.id
    record(actor=actor, action="assessment.decision", obj=assessment, matter_id=assessment.matter_id,
           before=before, after={"adopted": adopted, "date": decided_on.isoformat()}, note=reason.strip() or None)
    return assessment


def frozen_hash(pdf: bytes, version: ReportVersion) -> str:
    return hashlib.sha256(pdf + version.content_hash.encode()).hexdigest()


def file_report(assessment: Assessment, *, actor, now: datetime) -> Assessment:
    require(actor, "matter.decide", assessment)
    from consult.reports.pdf_render import render_pdf

    version = final_version(assessment)
    if assessment.is_filed:
        raise ReviewError(_("报告已备案。"))
    if version is None or assessment.decision_adopted is None:
        raise ReviewError(_("备案前须有定稿和决策记录。"))
    matter = assessment.matter
    if matter.status != MatterStatus.REPORTED:
        raise ReviewError(_("事项当前状态不能备案（须为“已出具报告”）。"))
    pdf = render_pdf(version.document)
    key, _digest = storage().save(pdf, ".pdf")
    assessment.filed_version_id, assessment.filed_at, assessment.filed_by_id = version.id, now, actor.id
    assessment.frozen_pdf_key, assessment.frozen_hash = key, frozen_hash(pdf, version)
    record(actor=actor, action="matter.status", obj=matter, matter_id=matter.id,
           before={"status": matter.status.value}, after={"status": MatterStatus.FILED.value})
    matter.status = MatterStatus.FILED
    record(actor=actor, action="assessment.file", obj=assessment, matter_id=matter.id,
           after={"version": version.number, "hash": assessment.frozen_hash})
    return assessment


def acknowledge(assessment: Assessment, *, actor, now: datetime) -> Assessment:
    require(actor, "filing.receive", assessment)
    if not assessment.is_filed:
        raise ReviewError(_("该报告尚未备案。"))
    if assessment.acknowledged_at is not None:
        raise ReviewError(_("已确认收到，无需重复确认。"))
    assessment.acknowledged_at, assessment.acknowledged_by_id = now, actor.id
    record(actor=actor, action="assessment.acknowledge", obj=assessment, matter_id=assessment.matter_id,
           after={"acknowledged_at": now.isoformat()})
    return assessment


def frozen_pdf(assessment: Assessment) -> bytes:
    return storage().read(assessment.frozen_pdf_key)


def verify(assessment: Assessment) -> dict:
    """Re-check the frozen PDF and the version snapshot against the hash shown at filing."""
    version = db.session.get(ReportVersion, assessment.filed_version_id) if assessment.filed_version_id else None
    if version is None or not assessment.frozen_pdf_key or not assessment.frozen_hash:
        # filed outside the platform (history brought in): nothing was frozen here to compare with
        return {"ok": False, "missing": True, "pdf": False, "snapshot": False}
    try:
        pdf = frozen_pdf(assessment)
    except (OSError, ValueError):
        return {"ok": False, "pdf": False, "snapshot": False}
    snapshot_ok = document.content_hash(version.document) == version.content_hash
    ok = snapshot_ok and frozen_hash(pdf, version) == assessment.frozen_hash
    return {"ok": ok, "pdf": frozen_hash(pdf, version) == assessment.frozen_hash, "snapshot": snapshot_ok}


def filings_for(actor) -> list[Assessment]:
    ids = [o.id for o in actor.supervised] or [-1]
    return list(db.session.scalars(select(Assessment).join(Matter, Assessment.matter_id == Matter.id).where(
        Matter.organisation_id.in_(ids), Assessment.filed_at.is_not(None)).order_by(Assessment.filed_at.desc())))


PLAIN_OUTCOME = {
    RiskLevel.HIGH: "风险较高（红色）", RiskLevel.MEDIUM: "风险中等（黄色）", RiskLevel.LOW: "风险较低（绿色）",
}


def public_outcome(matter) -> dict | None:
    """What residents see on a closed notice once the report is filed."""
    a = db.session.scalar(select(Assessment).where(Assessment.matter_id == matter.id,
                                                   Assessment.filed_at.is_not(None)).order_by(Assessment.round.desc()))
    if a is None:
        return None
    from consult.analysis.models import RiskPoint

    responses = db.session.scalars(select(RiskPoint).where(
        RiskPoint.matter_id == matter.id, RiskPoint.response_published_at.is_not(None))).all()
    return {"level": a.final_level.value if a.final_level else None,
            "level_text": PLAIN_OUTCOME.get(a.final_level, ""), "outcome": a.outcome_label,
            "adopted": a.decision_adopted, "decision_date": a.decision_date, "reason": a.decision_reason,
            "conditions": [c for c in a.conditions.splitlines() if c.strip()],
            "responses": [(p.title, p.public_response) for p in responses]}
