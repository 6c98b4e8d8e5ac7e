"""Staff accounts and organisations. Services check permission, flush, never commit."""
from __future__ import annotations

from flask_babel import gettext as _

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from consult.audit.services import record, snapshot
from consult.auth import models as auth_models
from consult.auth.models import LoginThrottle, Organisation, Role, User
from consult.crypto import keyed_hash
from consult.extensions import db
from consult.permissions import require

USER_FIELDS = ("username", "display_name", "role", "is_enabled", "email")


class AuthError(ValueError):
    """A user-facing refusal; the message is shown as is."""


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash made with the configured method, checked for unknown usernames (equal timing)."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def _throttle_key(username: str, client: str) -> str:
    return keyed_hash(f"{username.strip().lower()}|{client}", "login-throttle")


def _count_failure(key: str, now: datetime) -> None:
    cfg = current_app.config
    try:
        with db.session.begin_nested():
            row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.key_hash == key))
            if row is None:
                row = LoginThrottle(key_hash=key, failures=0, updated_at=now)
                db.session.add(row)
            if row.updated_at < now - timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"]):
                row.failures = 0  # old failures are forgotten
            row.failures += 1
            row.updated_at = now
            if row.failures >= cfg["LOGIN_MAX_FAILURES"]:
                row.locked_until, row.failures = now + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"]), 0
            db.session.flush()
    except IntegrityError:  # a concurrent failure created the row first: count once more
        _count_failure(key, now)


def authenticate(username: str, password: str, *, now: datetime, client: str = "") -> User:
    """Check credentials. Failures lock this username from this client address only (others
    are not locked out by an attacker), and unknown names cost a hash like known ones."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    key = _throttle_key(username, client)
    throttle = db.session.scalar(select(LoginThrottle).where(LoginThrottle.key_hash == key))
    hashed = user.password_hash if user is not None else _dummy_hash()
    correct = auth_models.check_password_hash(hashed, password) and user is not None
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        raise AuthError(_("登录失败次数过多，账号已临时锁定，请稍后再试。"))
    if not correct:
        _count_failure(key, now)
        raise AuthError(_("用户名或密码不正确。"))
    if not user.is_active:
        raise AuthError(_("该账号已停用，请联系管理员。"))
    if throttle is not None:
        db.session.delete(throttle)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    return user


def end_sessions(user: User) -> None:
    """Every session cookie issued to this user stops working (the user loader checks)."""
    user.session_version = (user.session_version or 0) + 1


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
    organisations: list[Organisation] = (), email: str | None = None,
) -> User:
    if actor is not None:  # None only from the CLI bootstrap of the first admin
        require(actor, "admin.manage")
    username = username.strip()
    if db.session.scalar(select(User).where(func.lower(User.username) == username.lower())):
        raise AuthError(_("用户名已被使用。"))
    user = User(username=username, display_name=display_name.strip(), role=role, email=_email(email))
    user.set_password(password)
    user.organisations = list(organisations) if role == Role.ORGANISER else []
    db.session.add(user)
    record(actor=actor, action="user.create", obj=user, matter_id=None,
           after={**snapshot(user, USER_FIELDS), "organisations": sorted(o.name for o in user.organisations)})
    return user


def update_user(
    user: User, *, actor, display_name: str, role: Role, is_enabled: bool,
    organisations: list[Organisation], password: str | None = None, email: str | None = None,
) -> User:
    require(actor, "admin.manage")
    if user.id == actor.id and (not is_enabled or role != Role.ADMIN):
        raise AuthError(_("不能停用自己的账号或取消自己的管理员角色。"))
    before = {**snapshot(user, USER_FIELDS), "organisations": sorted(o.name for o in user.organisations)}
    old_access = (user.role, user.is_enabled, user.organisation_ids)
    user.display_name, user.role, user.is_enabled = display_name.strip(), role, is_enabled
    if email is not None:  # None: unchanged; "" clears it
        user.email = _email(email)
    user.organisations = list(organisations) if role == Role.ORGANISER else []
    if password:
        user.set_password(password)
    if password or old_access != (user.role, user.is_enabled, {o.id for o in user.organisations}):
        end_sessions(user)
    after = {**snapshot(user, USER_FIELDS), "organisations": sorted(o.name for o in user.organisations)}
    if password:
        after["password"] = "（已重置）"
    record(actor=actor, action="user.update", obj=user, matter_id=None, before=before, after=after)
    return user


def _email(value: str | None) -> str | None:
    return (value or "").strip() or None


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))


def list_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
