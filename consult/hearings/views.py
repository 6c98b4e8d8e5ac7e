"""Resident pages: meeting notice and summary, register with an SMS code, receipt, ticket, cancel."""
import io

import segno
from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.crypto import decrypt, encrypt, mask_name, mask_phone
from consult.extensions import db, limiter
from consult.ratelimits import only_accepted
from consult.hearings import drawing, minutes, registration, rules
from consult.hearings.common import HearingError
from consult.hearings.forms import CATEGORY_HINTS, LookupForm, PhoneForm, registration_form
from consult.hearings.models import HearingStance, Meeting, MeetingStatus, SeatCategory, SmsCode
from consult.jobs import commit
from consult.models import utcnow
from consult.permissions import can

bp = Blueprint("hearings", __name__, url_prefix="/hearings")
_SESSION = "hearing_phone"


def _sms_limit():
    return current_app.config.get("HEARING_RATE_LIMIT_SMS", "5 per minute;30 per day")


def _register_limit():
    return current_app.config.get("HEARING_RATE_LIMIT_REGISTER", "10 per minute;60 per day")


@bp.app_template_filter("hearing_mask_name")
def _mask_name(value):
    return mask_name(value)


@bp.app_template_filter("hearing_decrypt")
def _decrypt(value):
    return decrypt(value) or ""


@bp.app_template_global()
def hearing_can(action: str, obj) -> bool:
    return can(current_user, action, obj)


@bp.app_template_global()
def hearings_of_matter(matter, public_only=True):
    stmt = select(Meeting).where(Meeting.matter_id == matter.id).order_by(Meeting.starts_at)
    meetings = list(db.session.scalars(stmt))
    return [m for m in meetings if m.is_public] if public_only else meetings


def _public_meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.get_or_404(Meeting, meeting_id)
    if not meeting.is_public and not can(current_user, "matter.view", meeting):
        abort(404)
    return meeting


@bp.route("/<int:meeting_id>")
def meeting(meeting_id: int):
    m = _public_meeting_or_404(meeting_id)
    draw = drawing.draw_of(m)
    return render_template(
        "hearings/public.html", m=m, now=utcnow(), draw=draw, draw_not_before=drawing.draw_not_before(m, draw),
        rule_lines=rules.plain_rule_text(m),
        left=registration.seats_left(m), registered=registration.registered_counts(m),
        points=minutes.points_of(m) if m.status == MeetingStatus.HELD else [], is_first_come=m.allocation.value == "first_come")


@bp.route("/<int:meeting_id>/draw.json")
def draw_json(meeting_id: int):
    m = _public_meeting_or_404(meeting_id)
    draw = drawing.draw_of(m)
    if draw is None:
        abort(404)
    return jsonify({"meeting_id": m.id, "algorithm": draw.algorithm, "seed": draw.seed,
                    "seed_published_at": draw.seed_published_at.isoformat(), "entrants_at_publication": draw.entrants,
                    "entrants_hash": draw.entrants_hash, "inputs": draw.inputs, "result": draw.result,
                    "ran_at": draw.ran_at.isoformat() if draw.ran_at else None,
                    "how_to_verify": "python -c 'from consult.hearings.selection import *' — "
                                     "select(**inputs_from_json(inputs), seed=seed)"})


def _render_phone(m, form, status=200):
    return render_template("hearings/register_phone.html", m=m, form=form, now=utcnow(),
                           rule_lines=rules.plain_rule_text(m), left=registration.seats_left(m),
                           registered=registration.registered_counts(m)), status


@bp.route("/<int:meeting_id>/register", methods=["GET", "POST"])
@limiter.limit(_sms_limit, methods=["POST"], deduct_when=only_accepted)
def register_phone(meeting_id: int):
    m = _public_meeting_or_404(meeting_id)
    form = PhoneForm()
    if not form.validate_on_submit():
        return _render_phone(m, form, 422 if form.errors else 200)
    try:
        row = registration.send_code(m, actor=current_user, phone=form.phone.data, now=utcnow())
    except HearingError as exc:
        db.session.rollback()
        form.phone.errors.append(str(exc))
        return _render_phone(m, form, 422)
    commit()
    session[_SESSION] = {"m": m.id, "c": row.id, "p": encrypt(form.phone.data)}
    flash(_("验证码已发送到 %(p)s，10 分钟内有效。", p=mask_phone(form.phone.data)), "success")
    return redirect(url_for("hearings.register_details", meeting_id=m.id))


def _pending(m: Meeting):
    data = session.get(_SESSION) or {}
    if data.get("m") != m.id:
        return None, None
    return db.session.get(SmsCode, data.get("c")), decrypt(data.get("p"))


def _categories(m: Meeting) -> list[SeatCategory]:
    return [c for c in m.categories if c.is_public and c.seats > 0]


def _render_form(m, form, phone, status=200):
    return render_template("hearings/register_form.html", m=m, form=form, phone=mask_phone(phone),
                           category_hints=CATEGORY_HINTS,
                           consent_text=registration.CONSENT_TEXT, questions=m.questions or [],
                           left=registration.seats_left(m), now=utcnow()), status


def _points_given(form, category) -> bool:
    """Speakers say what they want to raise; observers (a category outside the shares) need not."""
    if (form.points.data or "").strip() or (category is not None and not category.counts_in_share):
        return True
    form.points.errors = [*form.points.errors, _("请填写发言要点（报名旁听人员可不填）。")]
    return False


@bp.route("/<int:meeting_id>/register/details", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"], deduct_when=only_accepted)
def register_details(meeting_id: int):
    m = _public_meeting_or_404(meeting_id)
    code_row, phone = _pending(m)
    if not phone:
        flash(_("请先填写手机号并获取验证码。"), "info")
        return redirect(url_for("hearings.register_phone", meeting_id=m.id))
    form = registration_form(m.questions or [])
    form.category.choices = [(str(c.id), c.name) for c in _categories(m)]
    category = next((c for c in _categories(m) if str(c.id) == form.category.data), None)
    valid = form.validate_on_submit()
    if request.method == "POST":
        valid = _points_given(form, category) and valid
    if not valid:
        return _render_form(m, form, phone, 422 if form.errors else 200)
    now = utcnow()
    try:
        registration.check_code(code_row, meeting=m, phone=phone, code=form.code.data, now=now)
    except HearingError as exc:
        commit()  # keep the count of wrong tries
        form.code.errors.append(str(exc))
        return _render_form(m, form, phone, 422)
    try:
        if category is None:
            raise HearingError(_("请选择可报名的类别。"), "category")
        reg = registration.register(
            m, actor=current_user, code_row=code_row, phone=phone, name=form.name.data, category=category,
            relation=form.relation.data, address=form.address.data or None, stance=HearingStance(form.stance.data),
            points=form.points.data, consent=form.consent.data, now=now,
            answers=[[q, form[f"answer_{i}"].data or ""] for i, q in enumerate(m.questions or [])])
    except HearingError as exc:
        db.session.rollback()
        getattr(form, exc.field or "name").errors.append(str(exc))
        return _render_form(m, form, phone, 422)
    commit()
    session.pop(_SESSION, None)
    return redirect(url_for("hearings.receipt", code=reg.receipt_code, new=1))


@bp.route("/lookup")
def lookup():
    form = LookupForm(request.args)
    if request.args and form.validate():
        found = registration.find_by_receipt(form.code.data)
        if found:
            return redirect(url_for("hearings.receipt", code=found.receipt_code))
        form.code.errors.append(_("没有找到该回执码对应的报名，请核对后重试。"))
    return render_template("hearings/lookup.html", form=form), 404 if form.errors else 200


def _reg_or_404(code: str):
    reg = registration.find_by_receipt(code)
    if reg is None:
        abort(404)
    return reg


@bp.route("/r/<code>")
def receipt(code: str):
    reg = _reg_or_404(code)
    draw = drawing.draw_of(reg.meeting)
    return render_template("hearings/receipt.html", reg=reg, m=reg.meeting, is_new=request.args.get("new") == "1",
                           now=utcnow(), draw=draw, draw_not_before=drawing.draw_not_before(reg.meeting, draw))


@bp.route("/r/<code>/ticket")
def ticket(code: str):
    reg = _reg_or_404(code)
    if not reg.holds_seat:
        abort(404)
    return render_template("hearings/ticket.html", reg=reg, m=reg.meeting)


@bp.route("/r/<code>/qr.svg")
def qr(code: str):
    reg = _reg_or_404(code)
    if not reg.holds_seat:
        abort(404)
    out = io.BytesIO()
    segno.make(f"HT:{reg.ticket_code}", error="m").save(out, kind="svg", scale=8, border=2, xmldecl=False,
                                                        svgns=True, title=f"入场码 {reg.ticket_code}")
    resp = current_app.response_class(out.getvalue(), mimetype="image/svg+xml")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.route("/r/<code>/cancel", methods=["POST"])
def cancel(code: str):
    reg = _reg_or_404(code)
    try:
        registration.cancel_registration(reg, actor=current_user, code=code, now=utcnow())
    except HearingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        commit()
        flash(_("已取消报名。"), "success")
    return redirect(url_for("hearings.receipt", code=reg.receipt_code))
