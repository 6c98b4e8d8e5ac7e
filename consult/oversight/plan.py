"""Annual assessment plan (年度评估计划) and plan vs done.

A body's organisers (or an admin) list the matters they expect to assess in a year and link an
item to the matter once it exists; supervisors read the plans of the organisations they supervise.

Plan vs done, per body and year:
  planned   — items in the plan;
  started   — items linked to a matter;
  assessed  — items whose matter's current round has a level;
  decided   — items whose matter's current round has a decision;
  unplanned — matters of the body whose current round's level was set in that (local) year but
              that no item of the body's plan for that year links.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from consult.audit.services import record, snapshot
from consult.auth.models import Organisation, Role
from consult.extensions import db
from consult.matters.models import Matter
from consult.oversight.models import PlanItem
from consult.permissions import can, require
from consult.reports.models import Assessment
from consult.timeutil import local_to_utc

FIELDS = ("organisation_id", "year", "title", "kind", "area", "expected_month", "matter_id", "note")
EDITABLE = ("title", "kind", "area", "expected_month", "matter_id", "note")


class PlanError(ValueError):
    """A refusal shown to the organiser as is."""


def viewable_organisations(actor) -> list[Organisation]:
    """Organisations whose plans the actor may read: all (admin), supervised, or their own."""
    stmt = select(Organisation).order_by(Organisation.name)
    if actor.role == Role.SUPERVISOR:
        stmt = stmt.where(Organisation.id.in_([o.id for o in actor.supervised] or [-1]))
    elif actor.role != Role.ADMIN:
        stmt = stmt.where(Organisation.id.in_(actor.organisation_ids or [-1]))
    return [o for o in db.session.scalars(stmt) if can(actor, "plan.view", o)]


def items(organisation_id: int, year: int) -> list[PlanItem]:
    stmt = (select(PlanItem).where(PlanItem.organisation_id == organisation_id, PlanItem.year == year)
            .order_by(PlanItem.expected_month.is_(None), PlanItem.expected_month, PlanItem.id))
    return list(db.session.scalars(stmt))


def linkable_matters(organisation_id: int) -> list[Matter]:
    """The body's matters, newest first: what an item may be linked to."""
    return list(db.session.scalars(select(Matter).where(Matter.organisation_id == organisation_id)
                                   .order_by(Matter.id.desc())))


def _check(organisation: Organisation, year: int, values: dict, item: Optional[PlanItem] = None) -> None:
    others = [i for i in items(organisation.id, year) if item is None or i.id != item.id]
    if any(i.title == values["title"] for i in others):
        raise PlanError(_("本年度计划中已有同名事项。"))
    matter_id = values.get("matter_id")
    if matter_id is None:
        return
    matter = db.session.get(Matter, matter_id)
    if matter is None or matter.organisation_id != organisation.id:
        raise PlanError(_("只能关联本单位的事项。"))
    if any(i.matter_id == matter_id for i in others):
        raise PlanError(_("该事项已关联到本年度计划的另一项。"))


def add_item(organisation: Organisation, year: int, *, actor, **values) -> PlanItem:
    require(actor, "plan.manage", organisation)
    values = {k: v for k, v in values.items() if k in EDITABLE}
    _check(organisation, year, values)
    item = PlanItem(organisation_id=organisation.id, year=year, created_by_id=actor.id, **values)
    db.session.add(item)
    db.session.flush()
    record(actor=actor, action="plan.create", obj=item, matter_id=item.matter_id, after=snapshot(item, FIELDS))
    return item


def update_item(item: PlanItem, *, actor, **values) -> PlanItem:
    require(actor, "plan.manage", item.organisation)
    values = {k: v for k, v in values.items() if k in EDITABLE}
    _check(item.organisation, item.year, values, item)
    before = snapshot(item, FIELDS)
    for key, value in values.items():
        setattr(item, key, value)
    db.session.flush()
    after = snapshot(item, FIELDS)
    if before != after:
        record(actor=actor, action="plan.update", obj=item, matter_id=item.matter_id or before["matter_id"],
               before=before, after=after)
    return item


def delete_item(item: PlanItem, *, actor) -> None:
    require(actor, "plan.manage", item.organisation)
    record(actor=actor, action="plan.delete", obj=item, matter_id=item.matter_id, before=snapshot(item, FIELDS))
    db.session.delete(item)
    db.session.flush()


# --- plan vs done ---------------------------------------------------------------------------

ITEM_STATES = {"planned": _l("未启动"), "started": _l("已启动"), "assessed": _l("已定级"), "decided": _l("已决策")}


@dataclass
class Progress:
    organisation: Organisation
    year: int
    items: list[PlanItem] = field(default_factory=list)
    states: dict[int, str] = field(default_factory=dict)  # item id -> key of ITEM_STATES
    unplanned: list[Matter] = field(default_factory=list)

    def count(self, state: str) -> int:
        order = list(ITEM_STATES)
        return sum(1 for s in self.states.values() if order.index(s) >= order.index(state))

    @property
    def planned(self) -> int:
        return len(self.items)

    @property
    def started(self) -> int:
        return self.count("started")

    @property
    def assessed(self) -> int:
        return self.count("assessed")

    @property
    def decided(self) -> int:
        return self.count("decided")

    def as_dict(self) -> dict:
        return {"organisation": self.organisation.name, "year": self.year, "planned": self.planned,
                "started": self.started, "assessed": self.assessed, "decided": self.decided,
                "unplanned": len(self.unplanned)}


def _state(assessment: Optional[Assessment], linked: bool) -> str:
    if not linked:
        return "planned"
    if assessment is not None and assessment.decision_date is not None:
        return "decided"
    if assessment is not None and assessment.final_level is not None:
        return "assessed"
    return "started"


def progress(organisations: list[Organisation], year: int) -> list[Progress]:
    """Plan vs done of each organisation for a year; a few queries for all organisations."""
    ids = [o.id for o in organisations] or [-1]
    plan = list(db.session.scalars(select(PlanItem).where(PlanItem.organisation_id.in_(ids), PlanItem.year == year)
                                   .order_by(PlanItem.expected_month.is_(None), PlanItem.expected_month,
                                             PlanItem.id)))
    linked = {i.matter_id for i in plan if i.matter_id}
    current = {a.matter_id: a for a in db.session.scalars(
        select(Assessment).where(Assessment.matter_id.in_(linked or [-1]), Assessment.is_current.is_(True)))}
    start, end = local_to_utc(datetime(year, 1, 1)), local_to_utc(datetime(year + 1, 1, 1))
    assessed_in_year = db.session.scalars(
        select(Matter).join(Assessment, (Assessment.matter_id == Matter.id) & Assessment.is_current.is_(True))
        .where(Matter.organisation_id.in_(ids), Assessment.set_at >= start, Assessment.set_at < end)
        .order_by(Matter.id))
    result = {o.id: Progress(o, year) for o in organisations}
    for item in plan:
        p = result[item.organisation_id]
        p.items.append(item)
        p.states[item.id] = _state(current.get(item.matter_id), item.matter_id is not None)
    for m in assessed_in_year:
        if m.id not in linked:
            result[m.organisation_id].unplanned.append(m)
    return [result[o.id] for o in organisations]
