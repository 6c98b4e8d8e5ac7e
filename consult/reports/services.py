"""Assessment services: level and outcome, re-assessment, narrative, immutable versions."""
from __future__ import annotations

import difflib
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.analysis.voices import sync_voices
from consult.audit.services import record
from consult.extensions import db
from consult.matters.models import MatterStatus, Procedure
from consult.permissions import require
from consult.register.models import RiskLevel
from consult.reports import document, levels, narrative
from consult.reports.models import STAGE_ORDER, Assessment, Outcome, ReportVersion, Stage

ALLOWED_OUTCOMES = {
    RiskLevel.HIGH: {Outcome.REJECT, Outcome.POSTPONE},  # 一票否决: not implemented, or changed and re-assessed
    RiskLevel.MEDIUM: {Outcome.IMPROVE, Outcome.PARTIAL, Outcome.POSTPONE, Outcome.REJECT},
    RiskLevel.LOW: set(Outcome),
}
NEEDS_CONDITIONS = {Outcome.IMPROVE, Outcome.PARTIAL}


class AssessmentError(ValueError):
    """A refusal shown to the assessor as is."""


def current_assessment(matter) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.matter_id == matter.id,
                                                      Assessment.is_current.is_(True)))


def rounds(matter) -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).where(Assessment.matter_id == matter.id)
                                   .order_by(Assessment.round)))


def ensure_assessment(matter, *, actor) -> Assessment:
    require(actor, "matter.analyse", matter)
    found = current_assessment(matter)
    if found is None:
        found = Assessment(matter_id=matter.id, round=1, narrative={}, emergency={}, methods={})
        db.session.add(found)
        db.session.flush()
    return found


def _check_outcome(matter, level: RiskLevel, outcome: Outcome, conditions: str) -> None:
    if outcome not in ALLOWED_OUTCOMES[level]:
        if level == RiskLevel.HIGH:
            raise AssessmentError(_("高风险事项实行一票否决：评估结论只能为“不实施”或“暂缓实施”（调整方案后重新评估），不能为“可实施”。"))
        raise AssessmentError(_("中风险事项须采取措施降低风险后实施，评估结论不能为“可实施”。"))
    if outcome in NEEDS_CONDITIONS and not conditions.strip():
        raise AssessmentError(_("“完善后实施”或“部分实施”须写明实施前必须完成的措施。"))
    if matter.procedure == Procedure.SIMPLE and level != RiskLevel.LOW:
        raise AssessmentError(_("简易程序只适用于低风险事项。请先将事项改为一般程序，再评定为中、高风险。"))


def set_level(assessment: Assessment, *, actor, now: datetime, level: RiskLevel, reason: str,
              outcome: Outcome, conditions: str) -> Assessment:
    require(actor, "matter.analyse", assessment)
    if assessment.is_filed or not assessment.is_current:
        raise AssessmentError(_("本轮评估已备案或已被重新评估取代，不能再修改。"))
    sync_voices(assessment.matter_id)  # the pool mirrors every channel before it is counted
    evaluation = levels.evaluate(assessment.matter)
    proposed = evaluation["proposed"]
    if proposed is not None and level != proposed and not reason.strip():
        raise AssessmentError(_("评定等级与平台建议（%(p)s）不同，请填写理由。", p=levels.RISK_LEVEL_LABELS[proposed]))
    _check_outcome(assessment.matter, level, outcome, conditions)
    before = {"level": assessment.final_level.value if assessment.final_level else None,
              "outcome": assessment.outcome.value if assessment.outcome else None}
    assessment.methods = {"methods": [m.as_dict() for m in evaluation["methods"]],
                          "disagree": evaluation["disagree"], "rules": evaluation["rules"]}
    assessment.proposed_level = proposed
    assessment.final_level, assessment.level_reason = level, reason.strip()
    assessment.outcome, assessment.conditions = outcome, conditions.strip()
    assessment.set_by_id, assessment.set_at = actor.id, now
    after = {"level": level.value, "outcome": outcome.value, "proposed": proposed.value if proposed else None,
             "override": proposed is not None and level != proposed}
    record(actor=actor, action="assessment.level", obj=assessment, matter_id=assessment.matter_id,
           before=before, after=after, note=reason.strip() or None)
    return assessment


def reassess(assessment: Assessment, *, actor, now: datetime, reason: str) -> Assessment:
    """A new round of the same matter (二次过审 after measures; re-assessment after changes)."""
    require(actor, "matter.analyse", assessment)
    if not assessment.is_current or assessment.is_filed:
        raise AssessmentError(_("只能对当前未备案的评估发起重新评估。"))
    if assessment.final_level is None:
        raise AssessmentError(_("请先评定本轮风险等级，再发起重新评估。"))
    if not reason.strip():
        raise AssessmentError(_("请填写重新评估的原因（例如已落实的措施）。"))
    assessment.is_current = False
    db.session.flush()
    nxt = Assessment(matter_id=assessment.matter_id, round=assessment.round + 1, previous_id=assessment.id,
                     round_reason=reason.strip(), narrative=dict(assessment.narrative or {}),
                     emergency=dict(assessment.emergency or {}), methods={})
    db.session.add(nxt)
    db.session.flush()
    record(actor=actor, action="assessment.reassess", obj=nxt, matter_id=nxt.matter_id,
           before={"round": assessment.round}, after={"round": nxt.round}, note=reason.strip())
    return nxt


def save_narrative(assessment: Assessment, *, actor, texts: dict[str, str], emergency: dict[str, str]) -> Assessment:
    require(actor, "matter.analyse", assessment)
    if assessment.is_filed:
        raise AssessmentError(_("报告已备案，不能再修改。"))
    flds = {k: "" for k in document_fields(assessment)}
    for key, text in texts.items():
        bad = narrative.unknown_fields(text, flds)
        if bad:
            raise AssessmentError(_("“%(s)s”中有未知的数据字段：%(f)s。可用字段见编辑框下方。",
                                    s=narrative.TITLES[key], f="、".join("{{%s}}" % b for b in bad)))
    assessment.narrative = {k: v for k, v in texts.items() if k in narrative.SECTION_KEYS}
    assessment.emergency = dict(emergency)
    record(actor=actor, action="assessment.narrative", obj=assessment, matter_id=assessment.matter_id,
           after={"sections": sorted(k for k, v in texts.items() if v)})
    return assessment


def document_fields(assessment: Assessment) -> dict:
    from consult.reports import data as live

    d = {"notices": [], "surveys": [], "meetings": [], "voices": {"total": 0}, "register": []}
    return live.fields(assessment.matter, d, assessment)


def _next_number(matter_id: int) -> int:
    return (db.session.scalar(select(func.max(ReportVersion.number)).where(ReportVersion.matter_id == matter_id))
            or 0) + 1


def _check_stage(assessment: Assessment, stage: Stage) -> None:
    latest = db.session.scalar(select(ReportVersion).where(ReportVersion.matter_id == assessment.matter_id)
                               .order_by(ReportVersion.number.desc()).limit(1))
    if latest is not None and latest.assessment_id == assessment.id and \
            STAGE_ORDER.index(stage) < STAGE_ORDER.index(latest.stage):
        raise AssessmentError(_("版本只能按 初稿 → 送审稿 → 修改稿 → 定稿 的顺序向前推进。"))
    if stage != Stage.DRAFT and (assessment.final_level is None or assessment.outcome is None):
        raise AssessmentError(_("请先评定风险等级和评估结论，再保存送审稿及以后的版本。"))
    if stage == Stage.FINAL and assessment.final_level == RiskLevel.MEDIUM and assessment.round < 2:
        raise AssessmentError(_("中风险事项须在措施落实后进行二次过审（重新评估），才能定稿。"))
    if stage == Stage.FINAL:
        from consult.reports import hooks

        for check in hooks.final_checks:
            refusal = check(assessment)
            if refusal:
                raise AssessmentError(refusal)


def save_version(assessment: Assessment, *, actor, now: datetime, stage: Stage, note: str = "") -> ReportVersion:
    require(actor, "matter.analyse", assessment)
    if assessment.is_filed or not assessment.is_current:
        raise AssessmentError(_("本轮评估已备案或已被取代，不能再保存版本。"))
    _check_stage(assessment, stage)
    sync_voices(assessment.matter_id)
    number = _next_number(assessment.matter_id)
    doc = document.build(assessment.matter, assessment, before_number=number)
    version = ReportVersion(matter_id=assessment.matter_id, assessment=assessment, number=number,
                            stage=stage, kind=doc["kind"], document=doc, content_hash=document.content_hash(doc),
                            note=note.strip(), created_by_id=actor.id, created_at=now)
    db.session.add(version)
    matter = assessment.matter
    if stage == Stage.FINAL and matter.status in (MatterStatus.CLOSED, MatterStatus.ASSESSING):
        record(actor=actor, action="matter.status", obj=matter, matter_id=matter.id,
               before={"status": matter.status.value}, after={"status": MatterStatus.REPORTED.value})
        matter.status = MatterStatus.REPORTED
    record(actor=actor, action="report.version", obj=version, matter_id=matter.id,
           after={"number": number, "stage": stage.value, "hash": version.content_hash})
    return version


def compare(a: ReportVersion, b: ReportVersion) -> list[dict]:
    """Section by section: title, changed?, unified diff lines."""
    sa = {s["key"]: s for s in a.document["sections"]}
    sb = {s["key"]: s for s in b.document["sections"]}
    out = []
    for key in [k for k in narrative.SECTION_KEYS if k in sa or k in sb]:
        la = document.section_text(sa[key]) if key in sa else []
        lb = document.section_text(sb[key]) if key in sb else []
        diff = list(difflib.unified_diff(la, lb, lineterm="", n=1))[2:]
        out.append({"key": key, "title": narrative.TITLES[key], "changed": la != lb, "diff": diff})
    return out
