"""The ledger (台账): one row per matter of the organisations an actor oversees.

Scope: admins see every organisation, supervisors only those assigned to them (User.supervised).
Each row carries the dates of every step (first notice, level set, first version of each report
stage, decision, filing), the current round's level, outcome and decision, the filing state, the
number of rounds (re-assessments), the third party (if commissioned), whether an annual plan lists
the matter (计划内/计划外), the reason a body keeps it off the public pages, and the 三个一律 flag:
a decision recorded although the round has no level, no outcome or no 定稿 (not assessed → not
decided).

Loading is a fixed number of queries whatever the page size: matters, current assessments, rounds,
first notice per matter, first version per (matter, stage), plan links.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import func, or_, select

from consult.auth.models import Role
from consult.extensions import db
from consult.matters.models import KIND_LABELS, PROCEDURE_LABELS, Matter, MatterKind, Procedure
from consult.notices.models import Notice
from consult.oversight.models import PlanItem
from consult.register.models import RISK_LEVEL_LABELS, RiskLevel
from consult.reports.models import OUTCOME_LABELS, STAGE_ORDER, Assessment, Outcome, ReportVersion, Stage
from consult.timeutil import local_to_utc, to_local

FILING_STATES = {"filed": "已备案", "acknowledged": "已确认收到", "unfiled": "未备案"}
PAGE_SIZE = 100


@dataclass
class Filters:
    organisation_id: Optional[int] = None
    area: str = ""
    kind: Optional[MatterKind] = None
    procedure: Optional[Procedure] = None
    level: Optional[RiskLevel] = None
    outcome: Optional[Outcome] = None
    filing: str = ""  # "", filed, acknowledged, unfiled
    year: Optional[int] = None
    q: str = ""
    flagged: bool = False
    third_party: Optional[bool] = None  # None: all; True: commissioned a third party; False: none
    page: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {"organisation_id": self.organisation_id, "area": self.area,
                "kind": self.kind.value if self.kind else "", "procedure": self.procedure.value if self.procedure else "",
                "level": self.level.value if self.level else "", "outcome": self.outcome.value if self.outcome else "",
                "filing": self.filing, "year": self.year, "q": self.q, "flagged": self.flagged,
                "third_party": {True: "yes", False: "no"}.get(self.third_party, "")}


@dataclass
class Row:
    matter: Matter
    assessment: Optional[Assessment]
    rounds: int
    notice_on: Optional[datetime]
    stages: dict[Stage, datetime] = field(default_factory=dict)
    in_plan: bool = False  # linked from an item of an annual assessment plan (计划内)

    @property
    def level(self) -> Optional[RiskLevel]:
        return self.assessment.final_level if self.assessment else None

    @property
    def outcome(self) -> Optional[Outcome]:
        return self.assessment.outcome if self.assessment else None

    @property
    def decided(self) -> bool:
        return bool(self.assessment and self.assessment.decision_date is not None)

    @property
    def flagged(self) -> bool:
        """三个一律: a decision without a level, an outcome or a 定稿 of the same round."""
        a = self.assessment
        return self.decided and (a.final_level is None or a.outcome is None or Stage.FINAL not in self.stages)

    @property
    def filing_state(self) -> str:
        a = self.assessment
        if a is None or a.filed_at is None:
            return "unfiled"
        return "acknowledged" if a.acknowledged_at else "filed"

    def as_dict(self) -> dict[str, Any]:
        m, a = self.matter, self.assessment
        return {
            "id": m.id, "title": m.title, "organisation": m.organisation.name, "district": m.area,
            "kind": m.kind.value, "kind_label": str(KIND_LABELS[m.kind]),
            "procedure": m.procedure.value, "procedure_label": str(PROCEDURE_LABELS[m.procedure]),
            "status": m.status.value, "rounds": self.rounds,
            "notice_on": _day(self.notice_on), "level_set_on": _day(a.set_at if a else None),
            "stages": {s.value: _day(self.stages.get(s)) for s in STAGE_ORDER},
            "level": self.level.value if self.level else None,
            "level_label": str(RISK_LEVEL_LABELS[self.level]) if self.level else "",
            "outcome": self.outcome.value if self.outcome else None,
            "outcome_label": str(OUTCOME_LABELS[self.outcome]) if self.outcome else "",
            "decision": None if a is None or a.decision_adopted is None else a.decision_adopted,
            "decided_on": _day(a.decision_date if a else None),
            "filed_on": _day(a.filed_at if a else None), "filing": self.filing_state,
            "flag_decided_without_assessment": self.flagged,
            "third_party": m.third_party, "in_plan": self.in_plan,
            "public_withheld_reason": m.public_withheld_reason,
        }


def _day(value) -> Optional[str]:
    if value is None:
        return None
    return (to_local(value).date() if isinstance(value, datetime) else value).isoformat()


def scope_ids(actor) -> Optional[list[int]]:
    """Organisation ids the actor may see in the ledger; None means every organisation."""
    if actor is None or actor.role == Role.ADMIN:
        return None
    if actor.role == Role.SUPERVISOR:
        return [o.id for o in actor.supervised]
    return []


def _query(ids: Optional[list[int]], f: Filters):
    stmt = select(Matter)
    if ids is not None:
        stmt = stmt.where(Matter.organisation_id.in_(ids or [-1]))
    if f.organisation_id is not None:
        stmt = stmt.where(Matter.organisation_id == f.organisation_id)
    for column, value in ((Matter.area, f.area or None), (Matter.kind, f.kind), (Matter.procedure, f.procedure)):
        if value is not None:
            stmt = stmt.where(column == value)
    if f.year is not None:
        stmt = stmt.where(Matter.created_at >= local_to_utc(datetime(f.year, 1, 1)),
                          Matter.created_at < local_to_utc(datetime(f.year + 1, 1, 1)))
    if f.third_party is not None:
        stmt = stmt.where(Matter.third_party != "" if f.third_party else Matter.third_party == "")
    if f.q:
        like = f"%{f.q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(Matter.title.ilike(like), Matter.location.ilike(like)))
    current = {}
    if f.level is not None:
        current["final_level"] = f.level
    if f.outcome is not None:
        current["outcome"] = f.outcome
    if f.filing or f.flagged or current:
        stmt = stmt.outerjoin(Assessment, (Assessment.matter_id == Matter.id) & Assessment.is_current.is_(True))
        for name, value in current.items():
            stmt = stmt.where(getattr(Assessment, name) == value)
        stmt = _filing_filter(stmt, f.filing)
        if f.flagged:
            stmt = stmt.where(Assessment.decision_date.is_not(None))
    return stmt


def _filing_filter(stmt, state: str):
    if state == "unfiled":
        return stmt.where(Assessment.filed_at.is_(None))
    if state == "filed":
        return stmt.where(Assessment.filed_at.is_not(None), Assessment.acknowledged_at.is_(None))
    if state == "acknowledged":
        return stmt.where(Assessment.acknowledged_at.is_not(None))
    return stmt


def ledger(actor, f: Filters, *, paged: bool = True) -> tuple[list[Row], int]:
    """Rows of one page (or all rows) and the total count."""
    stmt = _query(scope_ids(actor), f)
    if f.flagged:  # the flag needs the stages: filter in Python over the decided matters
        rows = [r for r in _rows(list(db.session.scalars(stmt.order_by(Matter.id.desc())))) if r.flagged]
        total = len(rows)
        return (rows[(f.page - 1) * PAGE_SIZE: f.page * PAGE_SIZE] if paged else rows), total
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    stmt = stmt.order_by(Matter.id.desc())
    if paged:
        stmt = stmt.limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE)
    return _rows(list(db.session.scalars(stmt))), total


def _rows(matters: list[Matter]) -> list[Row]:
    ids = [m.id for m in matters] or [-1]
    current = {a.matter_id: a for a in db.session.scalars(
        select(Assessment).where(Assessment.matter_id.in_(ids), Assessment.is_current.is_(True)))}
    rounds = dict(db.session.execute(select(Assessment.matter_id, func.count()).where(
        Assessment.matter_id.in_(ids)).group_by(Assessment.matter_id)).all())
    notices = dict(db.session.execute(select(Notice.matter_id, func.min(Notice.starts_at)).where(
        Notice.matter_id.in_(ids), Notice.published_at.is_not(None)).group_by(Notice.matter_id)).all())
    stages: dict[int, dict[Stage, datetime]] = {}
    for assessment_id, stage, first in db.session.execute(
            select(ReportVersion.assessment_id, ReportVersion.stage, func.min(ReportVersion.created_at))
            .where(ReportVersion.assessment_id.in_([a.id for a in current.values()] or [-1]))
            .group_by(ReportVersion.assessment_id, ReportVersion.stage)):
        stages.setdefault(assessment_id, {})[stage] = first
    planned = set(db.session.scalars(select(PlanItem.matter_id).where(PlanItem.matter_id.in_(ids))))
    return [Row(m, current.get(m.id), rounds.get(m.id, 0), notices.get(m.id),
                stages.get(current[m.id].id, {}) if m.id in current else {}, m.id in planned) for m in matters]


def areas(actor) -> list[str]:
    ids = scope_ids(actor)
    stmt = select(Matter.area).distinct().where(Matter.area != "")
    if ids is not None:
        stmt = stmt.where(Matter.organisation_id.in_(ids or [-1]))
    return sorted(db.session.scalars(stmt))


def organisations(actor):
    from consult.auth.models import Organisation

    ids = scope_ids(actor)
    stmt = select(Organisation).order_by(Organisation.name)
    if ids is not None:
        stmt = stmt.where(Organisation.id.in_(ids or [-1]))
    return list(db.session.scalars(stmt))
