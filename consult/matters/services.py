"""Matters: create, edit, move through the procedure, assign assessors."""
from __future__ import annotations

from flask_babel import gettext as _

from datetime import datetime

from sqlalchemy import select

from consult.audit.services import record, snapshot
from consult.auth.models import Organisation, Role, User
from consult.extensions import db
from consult.matters.models import Matter, MatterStatus
from consult.permissions import can, require

FIELDS = (
    "title", "kind", "organisation_id", "area", "location", "scope_description",
    "est_households", "est_persons", "procedure", "is_sensitive", "requires_moderation",
    "third_party", "public_withheld_reason", "status",
)
EDITABLE = FIELDS[:-1]


class MatterError(ValueError):
    """A refusal shown to the organiser as is."""


def create_matter(*, actor, organisation: Organisation, **values) -> Matter:
    require(actor, "matter.create", organisation)
    matter = Matter(organisation_id=organisation.id, created_by_id=actor.id,
                    **{k: v for k, v in values.items() if k in EDITABLE and k != "organisation_id"})
    db.session.add(matter)
    db.session.flush()
    record(actor=actor, action="matter.create", obj=matter, matter_id=matter.id,
           after=snapshot(matter, FIELDS))
    return matter


def update_matter(matter: Matter, *, actor, **values) -> Matter:
    require(actor, "matter.manage", matter)
    new_org = values.get("organisation_id", matter.organisation_id)
    if new_org != matter.organisation_id and new_org not in actor.organisation_ids:
        raise MatterError(_("只能将事项归属于您所在的单位。"))
    before = snapshot(matter, FIELDS)
    for key, value in values.items():
        if key in EDITABLE:
            setattr(matter, key, value)
    db.session.flush()
    after = snapshot(matter, FIELDS)
    if before != after:
        record(actor=actor, action="matter.update", obj=matter, matter_id=matter.id,
               before=before, after=after)
    return matter


def change_status(matter: Matter, status: MatterStatus, *, actor, now: datetime) -> Matter:
    require(actor, "matter.manage", matter)
    if not matter.can_move_to(status):
        raise MatterError(_("当前状态下不能进行此操作。"))
    if status == MatterStatus.CONSULTING and not any(n.is_published for n in matter.notices):
        raise MatterError(_("请先发布公示，再开始征求意见。"))
    before = {"status": matter.status.value}
    matter.status = status
    record(actor=actor, action="matter.status", obj=matter, matter_id=matter.id,
           before=before, after={"status": status.value})
    return matter


def set_assessors(matter: Matter, users: list[User], *, actor) -> Matter:
    require(actor, "matter.manage", matter)
    if any(u.role != Role.ASSESSOR for u in users):
        raise MatterError(_("只能指派评估人员角色的账号。"))
    before = {"assessors": sorted(u.username for u in matter.assessors)}
    matter.assessors = list(users)
    after = {"assessors": sorted(u.username for u in users)}
    if before != after:
        record(actor=actor, action="matter.assessors", obj=matter, matter_id=matter.id,
               before=before, after=after)
    return matter


def visible_matters(actor) -> list[Matter]:
    """Matters this staff member may open, newest first."""
    stmt = select(Matter).order_by(Matter.created_at.desc())
    if actor.role == Role.ORGANISER:
        stmt = stmt.where(Matter.organisation_id.in_(actor.organisation_ids or {-1}))
    elif actor.role == Role.ASSESSOR:
        stmt = stmt.where(Matter.assessors.any(User.id == actor.id))
    return [m for m in db.session.scalars(stmt) if can(actor, "matter.view", m)]


def list_assessors() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.ASSESSOR, User.is_enabled.is_(True)).order_by(User.display_name)))
