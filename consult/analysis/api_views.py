"""The JSON API (/api/v1, personal tokens) and the account page where tokens are managed."""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.analysis import api, tokens
from consult.analysis.models import ApiToken
from consult.analysis.pool_forms import TokenForm
from consult.analysis.freshness import ensure_synced
from consult.audit.services import record
from consult.extensions import csrf, db, limiter
from consult.jobs import commit
from consult.matters.models import Matter
from consult.matters.services import visible_matters
from consult.models import utcnow
from consult.net import client_ip
from consult.permissions import can, require

bp = Blueprint("api", __name__, url_prefix="/api/v1")
account = Blueprint("account", __name__, url_prefix="/staff/account")
csrf.exempt(bp)  # read-only, token-authenticated, never cookie-authenticated


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def _rate_key() -> str:
    raw = _bearer()
    return "api:" + hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:32] if raw else "ip:" + client_ip()


def _limit() -> str:
    return current_app.config["RATE_LIMIT_API"]


def _error(status: int, message: str):
    return jsonify({"error": message}), status


@bp.errorhandler(429)
def _too_many(exc):
    return _error(429, "请求过于频繁，请稍后再试。")


def _call(matter_id: int | None, build):
    token = tokens.token_for(_bearer(), now=utcnow())
    if token is None:
        commit()
        return _error(401, "缺少或无效的 API 令牌（请求头 Authorization: Bearer <令牌>）。")
    matter = db.session.get(Matter, matter_id) if matter_id is not None else None
    if matter_id is not None and (matter is None or not can(token.user, "matter.view", matter)):
        commit()  # the same answer for "no such matter" and "not yours": nothing leaks
        return _error(404, "事项不存在或无权查看。")
    body = build(token.user, matter)
    record(actor=token.user, action="api.read", obj=token, matter_id=matter_id, note=request.full_path[:300])
    commit()
    return jsonify(body)


@bp.route("/matters")
@limiter.limit(_limit, key_func=_rate_key)
def matters():
    return _call(None, lambda user, _m: {"items": [api.matter_json(m) for m in visible_matters(user)]})


@bp.route("/matters/<int:matter_id>/voices")
@limiter.limit(_limit, key_func=_rate_key)
def voices(matter_id: int):
    def build(user, matter):
        ensure_synced(matter.id)
        return api.voices_page(matter, request.args)
    return _call(matter_id, build)


@bp.route("/matters/<int:matter_id>/risk-points")
@limiter.limit(_limit, key_func=_rate_key)
def risk_points(matter_id: int):
    return _call(matter_id, lambda user, matter: api.risk_points(matter))


@bp.route("/matters/<int:matter_id>/risk-register")
@limiter.limit(_limit, key_func=_rate_key)
def risk_register(matter_id: int):
    return _call(matter_id, lambda user, matter: api.risk_register(matter))


# --- account: personal API tokens --------------------------------------------------------

@account.before_request
@login_required
def _staff_only():
    require(current_user, "api.token")


@account.route("/tokens", methods=["GET", "POST"])
def token_list():
    form, created = TokenForm(), None
    if form.validate_on_submit():
        try:
            _token, created = tokens.create_token(actor=current_user, name=form.name.data, now=utcnow())
        except tokens.TokenError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            commit()
            form = TokenForm(formdata=None)
    status = 422 if form.errors else 200
    return render_template("analysis/pool/tokens.html", form=form, created=created,
                           tokens=tokens.list_tokens(current_user), revoke_form=TokenForm(formdata=None)), status


@account.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def token_revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    tokens.revoke_token(token, actor=current_user, now=utcnow())
    commit()
    flash(_("令牌 %(p)s… 已撤销，使用它的程序将无法再访问。", p=token.prefix), "success")
    return redirect(url_for("account.token_list"))
