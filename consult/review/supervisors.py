"""Which organisations a supervisor (政法委 / 维稳办) receives filings from; set by admins."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from consult.audit.services import record
from consult.auth.models import Organisation, Role, User
from consult.extensions import db
from consult.permissions import require
from consult.review.services import ReviewError


def supervisors() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.SUPERVISOR).order_by(User.username)))


def set_supervised(user: User, organisations: list[Organisation], *, actor) -> User:
    require(actor, "admin.manage")
    if user.role != Role.SUPERVISOR:
        raise ReviewError(_("只能为“备案审查（政法委）”角色的账号设置受理单位。"))
    before = sorted(o.name for o in user.supervised)
    user.supervised = list(organisations)
    after = sorted(o.name for o in organisations)
    if before != after:
        record(actor=actor, action="user.supervised", obj=user, matter_id=None,
               before={"organisations": before}, after={"organisations": after})
    return user
