"""Personal API tokens for the read-only JSON API.

A token is shown once when created; only its SHA-256 is stored (tokens are 256 random bits,
so a plain hash is enough to make a stolen table useless). A token acts as its owner and sees
exactly the matters the owner may view. Creating, revoking and every API read are audit-logged.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden

from consult.analysis.models import ApiToken
from consult.audit.services import record
from consult.extensions import db
from consult.permissions import can

PREFIX = "cst_"
MAX_ACTIVE = 10
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


class TokenError(Exception):
    pass


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _staff(actor) -> bool:
    return can(actor, "api.token")


def list_tokens(user) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def create_token(*, actor, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token for the actor; returns (row, the token in clear — shown once)."""
    if not _staff(actor):
        raise Forbidden()
    active = db.session.scalar(select(func.count(ApiToken.id)).where(
        ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None)))
    if active >= MAX_ACTIVE:
        raise TokenError(_("每人最多 %(n)s 个有效令牌，请先撤销不用的令牌。", n=MAX_ACTIVE))
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, token_hash=_digest(raw), prefix=raw[:12], created_at=now)
    db.session.add(token)
    record(actor=actor, action="api_token.create", obj=token, matter_id=None, after={"name": name, "prefix": token.prefix})
    return token, raw


def revoke_token(token: ApiToken, *, actor, now: datetime) -> None:
    if not _staff(actor) or token.user_id != actor.id:
        raise Forbidden()
    if token.revoked_at is None:
        token.revoked_at = now
        record(actor=actor, action="api_token.revoke", obj=token, matter_id=None, after={"prefix": token.prefix})
    db.session.flush()


def token_for(raw: str | None, *, now: datetime) -> ApiToken | None:
    """The live token for a presented secret (its owner still enabled), or None."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None or not _staff(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
    return token
