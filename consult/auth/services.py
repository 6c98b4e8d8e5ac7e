"""Staff accounts and organisations. Services check permission, flush, never commit."""
from __future__ import annotations

from flask_babel import gettext as _

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from consult.audit.services import record, snapshot
from consult.auth.models import Organisation, Role, User
from consult.extensions import db
from consult.permissions import require

USER_FIELDS = ("username", "display_name", "role", "is_enabled")


class AuthError(ValueError):
    """A user-facing refusal; the message is shown as is."""


def authenticate(username: str, password: str, *, now: datetime) -> User:
    """Check credentials, counting failures and locking the account after too many."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is not None and user.is_locked(now):
        raise AuthError(_("登录失败次数过多，账号已临时锁定，请稍后再试。"))
    if user is None or not user.check_password(password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
                user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
                user.failed_logins = 0
        raise AuthError(_("用户名或密码不正确。"))
    if not user.is_active:
        raise AuthError(_("该账号已停用，请联系管理员。"))
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    return user


def create_organisation(*, actor, name: str, description: str = "") -> Organisation:
    require(actor, "admin.manage")
    name = name.strip()
    if db.session.scalar(select(Organisation).where(Organisation.name == name)):
        raise AuthError(_("已存在同名单位。"))
    org = Organisation(name=name, description=description)
    db.session.add(org)
    record(actor=actor, action="organisation.create", obj=org, matter_id=None, after={"name": name})
    return org


def update_organisation(org: Organisation, *, actor, name: str, description: str = "") -> Organisation:
    require(actor, "admin.manage")
    name = name.strip()
    clash = db.session.scalar(select(Organisation).where(Organisation.name == name, Organisation.id != org.id))
    if clash:
        raise AuthError(_("已存在同名单位。"))
    before = snapshot(org, ("name", "description"))
    org.name, org.description = name, description
    after = snapshot(org, ("name", "description"))
    if after != before:
        record(actor=actor, action="organisation.update", obj=org, matter_id=None, before=before, after=after)
    return org


def create_user(
    *, actor, username: str, display_name: str, password: str, role: Role,
    organisations: list[Organisation] = (),
) -> User:
    if actor is not None:  # None only from the CLI bootstrap of the first admin
        require(actor, "admin.manage")
    username = username.strip()
    if db.session.scalar(select(User).where(func.lower(User.username) == username.lower())):
        raise AuthError(_("用户名已被使用。"))
    user = User(username=username, display_name=display_name.strip(), role=role)
    user.set_password(password)
    user.organisations = list(organisations) if role == Role.ORGANISER else []
    db.session.add(user)
    record(actor=actor, action="user.create", obj=user, matter_id=None,
           after={**snapshot(user, USER_FIELDS), "organisations": sorted(o.name for o in user.organisations)})
    return user


def update_user(
    user: User, *, actor, display_name: str, role: Role, is_enabled: bool,
    organisations: list[Organisation], password: str | None = None,
) -> User:
    require(actor, "admin.manage")
    if user.id == actor.id and (not is_enabled or role != Role.ADMIN):
        raise AuthError(_("不能停用自己的账号或取消自己的管理员角色。"))
    before = {**snapshot(user, USER_FIELDS), "organisations": sorted(o.name for o in user.organisations)}
    user.display_name, user.role, user.is_enabled = display_name.strip(), role, is_enabled
    user.organisations = list(organisations) if role == Role.ORGANISER else []
    if password:
        user.set_password(password)
    after = {**snapshot(user, USER_FIELDS), "organisations": sorted(o.name for o in user.organisations)}
    if password:
        after["password"] = "（已重置）"
    record(actor=actor, action="user.update", obj=user, matter_id=None, before=before, after=after)
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))


def list_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
