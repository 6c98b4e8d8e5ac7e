"""Organiser pages at the door and after: check-in, attendance, sign-in sheet, minutes, figures."""
from urllib.parse import quote

from flask import current_app, flash, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from consult.audit.services import record
from consult.extensions import db
from consult.hearings import attendance, exports, minutes
from consult.hearings.common import HearingError
from consult.hearings.forms import CheckInForm, MinutesForm, PointForm, SummaryForm
from consult.hearings.models import SEAT_HOLDING, HearingStance, Registration, SpeakerPoint
from consult.hearings.staff_views import _back, _load, bp
from consult.jobs import commit
from consult.models import utcnow
from consult.permissions import can, require


def _render_checkin(m, form, *, done=None, status=200):
    now = utcnow()
    return render_template("hearings/staff_checkin.html", m=m, form=form, done=done, now=now,
                           att=attendance.attendance(m, now=now)), status


@bp.route("/hearings/<int:meeting_id>/checkin", methods=["GET", "POST"])
def checkin(meeting_id: int):
    m = _load(meeting_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        return _render_checkin(m, form, status=422 if form.errors else 200)
    try:
        reg = attendance.check_in(m, actor=current_user, code=form.code.data, now=utcnow())
    except HearingError as exc:
        db.session.rollback()
        form.code.errors.append(str(exc))
        return _render_checkin(m, form, status=422)
    commit()
    return _render_checkin(m, CheckInForm(formdata=None), done=reg)


@bp.route("/hearings/<int:meeting_id>/attendance", methods=["GET", "POST"])
def attendance_page(meeting_id: int):
    """Names masked; the full names only on a recorded POST by someone entitled (like the sign-in sheet)."""
    m = _load(meeting_id, "matter.view")
    full = _show_personal(m)
    if full:
        record(actor=current_user, action="hearing.attendance.reveal", obj=m, matter_id=m.matter_id)
        commit()
    return render_template("hearings/staff_attendance.html", m=m, att=attendance.attendance(m, now=utcnow()),
                           show_personal=full, can_reveal=can(current_user, "matter.personal_data", m))


def _show_personal(m) -> bool:
    """Unmasked only on a POST (never from a link) by someone entitled to personal data."""
    if request.method != "POST" or request.form.get("full") != "1":
        return False
    require(current_user, "matter.personal_data", m)
    return True


def _log_export(m, kind: str, full: bool) -> None:
    if full:  # every export with unmasked personal data is recorded
        record(actor=current_user, action="hearing.export", obj=m, matter_id=m.matter_id, note=f"{kind}（未遮盖）")
        commit()


@bp.route("/hearings/<int:meeting_id>/signin", methods=["GET", "POST"])
def signin_sheet(meeting_id: int):
    m = _load(meeting_id, "matter.view")
    full = _show_personal(m)
    _log_export(m, "签到表", full)
    return render_template("hearings/signin.html", m=m, rows=exports.sheet_rows(m, show_personal=full),
                           headers=exports.HEADERS, full=full)


@bp.route("/hearings/<int:meeting_id>/signin.xlsx", methods=["GET", "POST"])
def signin_xlsx(meeting_id: int):
    m = _load(meeting_id, "matter.view")
    full = _show_personal(m)
    _log_export(m, "签到表 XLSX", full)
    resp = current_app.response_class(
        exports.sheet_xlsx(m, show_personal=full),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(m.title[:80] + '-签到表.xlsx')}"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


# --- minutes --------------------------------------------------------------------------
def _point_form(m, formdata=True) -> PointForm:
    form = PointForm() if formdata else PointForm(formdata=None)
    seated = [r for r in db.session.scalars(db.select(Registration).where(
        Registration.meeting_id == m.id, Registration.status.in_(SEAT_HOLDING)).order_by(Registration.id))]
    show = can(current_user, "matter.personal_data", m)
    form.registration.choices = [("", _("（未报名的发言人）"))] + [
        (str(r.id), f"{r.category.name} · {r.name if show else r.public_id} · {r.ticket_code}") for r in seated]
    form.category.choices = [("", _("（按发言人类别）"))] + [(str(c.id), c.name) for c in m.categories]
    return form


def _render_minutes(m, *, forms=None, status=200):
    forms = forms or {}
    mins = minutes.minutes_of(m)
    return render_template(
        "hearings/staff_minutes.html", m=m, can_manage=can(current_user, "matter.manage", m),
        points=minutes.points_of(m),
        minutes_form=forms.get("minutes") or MinutesForm(formdata=None, obj=mins),
        point_form=forms.get("point") or _point_form(m, formdata=False),
        summary_form=forms.get("summary") or SummaryForm(formdata=None, summary=m.public_summary)), status


@bp.route("/hearings/<int:meeting_id>/minutes", methods=["GET", "POST"])
def minutes_page(meeting_id: int):
    if request.method == "GET":
        return _render_minutes(_load(meeting_id, "matter.view"))
    m = _load(meeting_id)
    form = MinutesForm()
    if not form.validate_on_submit():
        return _render_minutes(m, forms={"minutes": form}, status=422)
    minutes.save_minutes(m, actor=current_user, topic=form.topic.data or "", answers=form.answers.data or "",
                         conclusion=form.conclusion.data or "")
    commit()
    flash(_("会议记录已保存。"), "success")
    return _back(m, "minutes_page")


@bp.route("/hearings/<int:meeting_id>/points", methods=["POST"])
def point_add(meeting_id: int):
    m = _load(meeting_id)
    form = _point_form(m)
    if form.validate_on_submit():
        reg = db.session.get(Registration, int(form.registration.data)) if (form.registration.data or "").isdigit() else None
        cat = next((c for c in m.categories if str(c.id) == form.category.data), None)
        try:
            minutes.add_point(m, actor=current_user, text=form.text.data, stance=HearingStance(form.stance.data),
                              registration=reg, category=cat, speaker=form.speaker.data or "",
                              answer=form.answer.data or "", now=utcnow())
        except HearingError as exc:
            db.session.rollback()
            getattr(form, exc.field or "text").errors.append(str(exc))
        else:
            commit()
            flash(_("发言要点已记录。"), "success")
            return _back(m, "minutes_page", "#points")
    return _render_minutes(m, forms={"point": form}, status=422)


@bp.route("/points/<int:point_id>/delete", methods=["POST"])
def point_delete(point_id: int):
    point = db.get_or_404(SpeakerPoint, point_id)
    require(current_user, "matter.manage", point)
    m = point.meeting
    minutes.delete_point(point, actor=current_user)
    commit()
    return _back(m, "minutes_page", "#points")


@bp.route("/hearings/<int:meeting_id>/summary", methods=["POST"])
def summary(meeting_id: int):
    m = _load(meeting_id)
    form = SummaryForm()
    if form.validate_on_submit():
        try:
            minutes.save_summary(m, actor=current_user, summary=form.summary.data or "", held=form.held.data)
        except HearingError as exc:
            db.session.rollback()
            form.summary.errors.append(str(exc))
        else:
            commit()
            flash(_("公开摘要已保存。"), "success")
            return _back(m, "minutes_page")
    return _render_minutes(m, forms={"summary": form}, status=422)


@bp.route("/hearings/<int:meeting_id>/figures.json")
def figures_json(meeting_id: int):
    m = _load(meeting_id, "matter.analyse")
    return jsonify(attendance.figures(m))
