"""Monthly statistics (月报表) per district (Matter.area) and per responsible body.

For one month, within the actor's scope (ledger.scope_ids):
  assessed      current rounds whose level was set in the month, by kind, level and outcome
  policy_share  policy items ÷ assessed (target from OVERSIGHT_TARGETS, 本溪 default ≥ 30 %)
  decided       decisions recorded in the month; covered = those whose round has a level, an outcome
                and a 定稿 (应评尽评); coverage = covered ÷ decided, None when nothing was decided
  comments      resident comments received in the month; responses = non-duplicate questionnaire
                answers submitted in the month
Third-party assessments are not recorded by the platform yet: their share is reported as None.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

from flask import current_app
from sqlalchemy import and_, exists, func, select

from consult.auth.models import Organisation
from consult.extensions import db
from consult.matters.models import Matter, MatterKind
from consult.notices.models import Comment
from consult.oversight.ledger import scope_ids
from consult.oversight.months import Month
from consult.reports.models import Assessment, ReportVersion, Stage
from consult.surveys.models import Response, Survey

DEFAULT_TARGETS = {"policy_share": 0.30, "third_party_share": 0.50}  # 本溪


def targets() -> dict[str, float]:
    return {**DEFAULT_TARGETS, **current_app.config.get("OVERSIGHT_TARGETS", {})}


@dataclass
class Group:
    name: str
    assessed: int = 0
    kinds: Counter = field(default_factory=Counter)
    levels: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    decided: int = 0
    covered: int = 0
    comments: int = 0
    responses: int = 0

    @property
    def coverage(self) -> Optional[float]:
        return self.covered / self.decided if self.decided else None

    @property
    def policy_share(self) -> Optional[float]:
        return self.kinds[MatterKind.POLICY.value] / self.assessed if self.assessed else None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "assessed": self.assessed, "kinds": dict(self.kinds), "levels": dict(self.levels),
                "outcomes": dict(self.outcomes), "decided": self.decided, "covered": self.covered,
                "coverage": self.coverage, "policy_share": self.policy_share, "third_party_share": None,
                "comments": self.comments, "responses": self.responses}


def _scoped(stmt, ids):
    return stmt if ids is None else stmt.where(Matter.organisation_id.in_(ids or [-1]))


def _in(column, month: Month):
    start, end = month.utc_bounds
    return and_(column >= start, column < end)


def report(actor, month: Month) -> dict[str, dict[str, Group]]:
    """{"districts": {area: Group}, "bodies": {organisation name: Group}, "total": {"全部": Group}}."""
    ids = scope_ids(actor)
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    out: dict[str, dict[str, Group]] = {"districts": {}, "bodies": {}, "total": {}}

    def groups(area, org_id):
        keys = (("districts", area or "（未填写区县）"), ("bodies", names.get(org_id, "?")), ("total", "全部"))
        return [out[part].setdefault(key, Group(key)) for part, key in keys]

    stmt = _scoped(select(Matter.area, Matter.organisation_id, Matter.kind, Assessment.final_level,
                          Assessment.outcome, func.count()).join(Assessment, Assessment.matter_id == Matter.id)
                   .where(Assessment.is_current.is_(True), Assessment.final_level.is_not(None),
                          _in(Assessment.set_at, month))
                   .group_by(Matter.area, Matter.organisation_id, Matter.kind, Assessment.final_level,
                             Assessment.outcome), ids)
    for area, org_id, kind, level, outcome, n in db.session.execute(stmt):
        for g in groups(area, org_id):
            g.assessed += n
            g.kinds[kind.value] += n
            g.levels[level.value] += n
            g.outcomes[outcome.value if outcome else "none"] += n
    _decisions(month, ids, groups)
    _participation(month, ids, groups)
    return out


def _decisions(month: Month, ids, groups) -> None:
    final = exists().where(ReportVersion.assessment_id == Assessment.id, ReportVersion.stage == Stage.FINAL)
    covered = and_(Assessment.final_level.is_not(None), Assessment.outcome.is_not(None), final)
    start, end = month.first_day, month.next().first_day
    stmt = _scoped(select(Matter.area, Matter.organisation_id, covered, func.count())
                   .join(Assessment, Assessment.matter_id == Matter.id)
                   .where(Assessment.is_current.is_(True), Assessment.decision_date >= start,
                          Assessment.decision_date < end)
                   .group_by(Matter.area, Matter.organisation_id, covered), ids)
    for area, org_id, is_covered, n in db.session.execute(stmt):
        for g in groups(area, org_id):
            g.decided += n
            g.covered += n if is_covered else 0


def _participation(month: Month, ids, groups) -> None:
    comments = _scoped(select(Matter.area, Matter.organisation_id, func.count()).join(
        Comment, Comment.matter_id == Matter.id).where(_in(Comment.created_at, month))
        .group_by(Matter.area, Matter.organisation_id), ids)
    for area, org_id, n in db.session.execute(comments):
        for g in groups(area, org_id):
            g.comments += n
    responses = _scoped(select(Matter.area, Matter.organisation_id, func.count()).join(
        Survey, Survey.matter_id == Matter.id).join(Response, Response.survey_id == Survey.id)
        .where(_in(Response.submitted_at, month), Response.is_duplicate.is_(False))
        .group_by(Matter.area, Matter.organisation_id), ids)
    for area, org_id, n in db.session.execute(responses):
        for g in groups(area, org_id):
            g.responses += n
