"""Resident pages: start (mode gate), one page per section, receipt. No account, no JS needed."""
from __future__ import annotations

from flask_babel import gettext as _

import secrets

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from consult.crypto import decrypt, encrypt
from consult.extensions import db, limiter
from consult.ratelimits import only_accepted
from consult.forms import MOBILE_RE, normalise_mobile
from consult.jobs import commit
from consult.models import utcnow
from consult.net import client_fingerprint
from consult.permissions import can
from consult.surveys import flow, responses
from consult.surveys.builder import SurveyError
from consult.surveys.models import ResponseMode, Survey, SurveyStatus
from consult.surveys.receipts import receipt_items
from consult.surveys.spec import SurveySpec, cached_spec, load_spec

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
DEVICE_COOKIE = "sv_device"


def _limit():
    return current_app.config.get("RATE_LIMIT_SURVEYS", "120 per minute;2000 per day")


def _code_limit():
    return current_app.config.get("RATE_LIMIT_SURVEY_CODES", "5 per minute;30 per day")


def _spec_or_404(survey_id: int, cached: bool = False) -> SurveySpec:
    spec = cached_spec(survey_id) if cached else load_spec(survey_id)
    if spec is None:
        abort(404)
    if spec.status != SurveyStatus.PUBLISHED and not can(current_user, "matter.view", spec):
        abort(404)
    return spec


def _gate(spec: SurveySpec) -> dict:
    return session.get(f"sv{spec.id}", {})


def _gate_ok(spec: SurveySpec) -> bool:
    g = _gate(spec)
    return spec.mode == ResponseMode.OPEN or ("phone" in g if spec.mode == ResponseMode.SMS else "inv" in g)


def _with_device(resp):
    if not request.cookies.get(DEVICE_COOKIE):
        resp.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=365 * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return resp


def _start(spec, errors=None, status=200, **kw):
    now = utcnow()
    html = render_template("surveys/start.html", spec=spec, now=now, errors=errors or {}, gate_ok=_gate_ok(spec),
                           code_sent=_gate(spec).get("sent"), **kw)
    return _with_device(current_app.make_response((html, status)))


@bp.route("/<int:survey_id>")
def start(survey_id: int):
    spec = _spec_or_404(survey_id)
    code = request.args.get("code", "")[:20]
    return _start(spec, invite_code=code)


@bp.route("/<int:survey_id>/sms", methods=["POST"])
@limiter.limit(_code_limit)
def sms_request(survey_id: int):
    spec = _spec_or_404(survey_id)
    phone = normalise_mobile(request.form.get("phone", ""))
    if not phone or not MOBILE_RE.match(phone):
        return _start(spec, {"phone": "请填写 11 位中国大陆手机号码，例如 13812345678。"}, 422, phone=phone)
    try:
        responses.request_sms_code(spec, phone, actor=current_user, now=utcnow())
    except SurveyError as exc:
        db.session.rollback()
        return _start(spec, {"phone": str(exc)}, 422, phone=phone)
    commit()
    session[f"sv{spec.id}"] = {"sent": phone[:3] + "****" + phone[-4:], "p": encrypt(phone)}  # signed, not secret
    flash(_("验证码已发送，请查看短信。"), "success")
    return redirect(url_for("surveys.start", survey_id=spec.id) + "#code")


@bp.route("/<int:survey_id>/sms/verify", methods=["POST"])
@limiter.limit(_code_limit)
def sms_verify(survey_id: int):
    spec = _spec_or_404(survey_id)
    phone = decrypt(_gate(spec).get("p"))
    if not phone:
        return _start(spec, {"phone": "请先获取验证码。"}, 422)
    try:
        ph = responses.verify_sms_code(spec, phone, request.form.get("code", "")[:10], now=utcnow())
    except SurveyError as exc:
        commit()  # keep the attempt count
        return _start(spec, {"code": str(exc)}, 422)
    commit()
    session[f"sv{spec.id}"] = {"phone": ph}
    return redirect(url_for("surveys.fill", survey_id=spec.id))


@bp.route("/<int:survey_id>/invite", methods=["POST"])
@limiter.limit(_code_limit)
def invite(survey_id: int):
    spec = _spec_or_404(survey_id)
    code = request.form.get("code", "")[:20]
    try:
        inv = responses.check_invitation(spec, code)
    except SurveyError as exc:
        return _start(spec, {"code": str(exc)}, 422, invite_code=code)
    session[f"sv{spec.id}"] = {"inv": inv.id}
    return redirect(url_for("surveys.fill", survey_id=spec.id))


def _page(spec, data, page, errors=None, status=200):
    res_values = flow.read_answers(spec, data.getlist).values if data else {}
    html = render_template(
        "surveys/fill.html", spec=spec, page=page, section=spec.sections[page], data=data,
        errors=errors or {}, carried=flow.carried_fields(spec, data.lists(), page),
        pages=flow.visible_pages(spec, res_values), last=flow.is_last(spec, res_values, page))
    return _with_device(current_app.make_response((html, status)))


@bp.route("/<int:survey_id>/fill", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], deduct_when=only_accepted)
def fill(survey_id: int):
    if request.method == "POST":  # the cached structure; the INSERT refuses a stale one
        for cached in (True, False):
            try:
                return _fill_post(_spec_or_404(survey_id, cached=cached))
            except responses.SpecChanged as exc:
                db.session.rollback()
                message = str(exc)
        flash(message, "error")
        return redirect(url_for("surveys.start", survey_id=survey_id))
    spec = _spec_or_404(survey_id)
    if not spec.is_open(utcnow()):
        return _start(spec)
    if not _gate_ok(spec):
        return redirect(url_for("surveys.start", survey_id=spec.id))
    return _page(spec, MultiDict(), 0)


def _fill_post(spec: SurveySpec):
    now = utcnow()
    if not spec.is_open(now):
        return _start(spec)
    if not _gate_ok(spec):
        return redirect(url_for("surveys.start", survey_id=spec.id))
    if not spec.sections:
        return _page(spec, MultiDict(), 0)
    data = request.form
    st = flow.step(spec, data.getlist, page=data.get("_page", 0, type=int) or 0, action=data.get("_action", "next"))
    if not st.done:
        return _page(spec, data, st.page, st.result.errors, 422 if st.result.errors else 200)
    g = _gate(spec)
    try:
        _rid, code = responses.submit_online(spec, st.result.values, actor=current_user, now=now,
                                          device=request.cookies.get(DEVICE_COOKIE),
                                          client_hash=client_fingerprint(), phone=g.get("phone"),
                                          invitation_id=g.get("inv"))
    except responses.SpecChanged:
        raise
    except SurveyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("surveys.start", survey_id=spec.id))
    commit()
    if f"sv{spec.id}" in session:
        session.pop(f"sv{spec.id}")
    return redirect(url_for("surveys.receipt", code=code, new=1))


@bp.route("/receipts")
def receipt_lookup():
    code = request.args.get("code", "")[:40]
    error = None
    if code:
        found = responses.find_by_receipt(code)
        if found:
            return redirect(url_for("surveys.receipt", code=found.receipt_code))
        error = "没有找到该回执码对应的问卷，请核对后重试。"
    return render_template("surveys/receipt_lookup.html", code=code, error=error), 404 if error else 200


@bp.route("/receipts/<code>")
def receipt(code: str):
    r = responses.find_by_receipt(code)
    if r is None:
        abort(404)
    spec = load_spec(r.survey_id)
    return render_template("surveys/receipt.html", r=r, spec=spec, items=receipt_items(spec, r),
                           is_new=request.args.get("new") == "1")


@bp.app_template_global()
def surveys_for_notice(notice) -> list[Survey]:
    from sqlalchemy import select

    return list(db.session.scalars(select(Survey).where(Survey.notice_id == notice.id,
                                                        Survey.status == SurveyStatus.PUBLISHED)))


@bp.app_template_global()
def surveys_for_matter(matter) -> list[Survey]:
    from sqlalchemy import select

    return list(db.session.scalars(select(Survey).where(Survey.matter_id == matter.id).order_by(Survey.id)))
