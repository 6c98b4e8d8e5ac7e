"""Tracking after the decision (/oversight/matters/<id>/tracking) and the warning loop (/oversight/warnings).

Every staff role reaches these pages; what each sees is decided per matter (tracking.view,
warning.view) and, on the list, by warning_list's scope."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.extensions import db
from consult.analysis.freshness import ensure_synced
from consult.jobs import commit
from consult.matters.access import matter_for
from consult.models import utcnow
from consult.oversight import tracking, warning_list
from consult.oversight import warnings as service
from consult.oversight.models import (TRACKING_PHASE_LABELS, WARNING_LEVEL_LABELS, WARNING_SOURCE_LABELS,
                                      WARNING_STATUS_LABELS, RiskWarning, WarningLevel)
from consult.oversight.warning_forms import ActionForm, CloseForm, RaiseForm, TrackingForm
from consult.permissions import can, require

bp = Blueprint("warnings", __name__)


@bp.before_request
@login_required
def _staff_only():
    return None


LABELS = {"level_labels": WARNING_LEVEL_LABELS, "source_labels": WARNING_SOURCE_LABELS,
          "status_labels": WARNING_STATUS_LABELS, "phase_labels": TRACKING_PHASE_LABELS}


def _fail(form, exc: service.WarningError) -> int:
    """Put a service refusal on its field (422) or, with no field, say it at the top (409)."""
    db.session.rollback()
    if exc.field and exc.field in form:
        form[exc.field].errors = list(form[exc.field].errors) + [str(exc)]
        return 422
    flash(str(exc), "error")
    return 409


# --- tracking --------------------------------------------------------------------------------

def _raise_form(matter, formdata=None) -> RaiseForm:
    form = RaiseForm(formdata=formdata) if formdata is not None else RaiseForm(formdata=None)
    people = {u.id: u for u in [*matter.organisation.members, *matter.assessors] if u.is_enabled}
    form.owner_id.choices = [("", _("不指定"))] + [(str(u.id), u.display_name) for u in people.values()]
    if formdata is None:
        form.owner_unit.data = matter.organisation.name
    return form


def _tracking_page(matter, form=None, raise_form=None, status=200):
    now = utcnow()
    decided_on = tracking.decision_date(matter)
    ensure_synced(matter.id)
    commit()  # the pool's mirror of new comments and answers is kept
    if form is None:
        form = TrackingForm(formdata=None, data={"observed_on": service.local_day(now).isoformat(), "new_complaints": "0"})
    return render_template(
        "oversight/tracking.html", matter=matter, decided_on=decided_on, form=form,
        raise_form=raise_form or _raise_form(matter), entries=tracking.entries(matter),
        progress=tracking.measure_progress(matter, now=now), window=tracking.notice_window(matter, now=now),
        voices=tracking.voices_after(matter, decided_on) if decided_on else None,
        warnings=warning_list.listing(current_user, warning_list.WarningFilters(matter_id=matter.id),
                                      service.local_day(now))[0],
        today=service.local_day(now), now=now, can_record=can(current_user, "tracking.record", matter),
        can_manage=can(current_user, "matter.manage", matter),
        can_raise=can(current_user, "warning.raise", matter), **LABELS), status


@bp.route("/oversight/matters/<int:matter_id>/tracking")
def tracking_page(matter_id: int):
    matter = matter_for(matter_id, "tracking.view")
    return _tracking_page(matter)


@bp.route("/oversight/matters/<int:matter_id>/tracking", methods=["POST"])
def tracking_record(matter_id: int):
    matter = matter_for(matter_id, "tracking.record")
    form = TrackingForm()
    if not form.validate_on_submit():
        return _tracking_page(matter, form=form, status=422)
    try:
        _entry, warning = tracking.record_entry(matter, actor=current_user, now=utcnow(), **form.values())
    except service.WarningError as exc:
        return _tracking_page(matter, form=form, status=_fail(form, exc))
    commit()
    flash(_("跟踪记录已保存，并已发布预警。") if warning else _("跟踪记录已保存。"), "success")
    return redirect(url_for("warnings.tracking_page", matter_id=matter.id), 303)


@bp.route("/oversight/matters/<int:matter_id>/warnings", methods=["POST"])
def warning_raise(matter_id: int):
    matter = matter_for(matter_id, "warning.raise")
    form = _raise_form(matter, request.form)
    if not form.validate_on_submit():
        return _tracking_page(matter, raise_form=form, status=422)
    try:
        w = service.raise_warning(matter, actor=current_user, now=utcnow(), **form.values())
    except service.WarningError as exc:
        return _tracking_page(matter, raise_form=form, status=_fail(form, exc))
    commit()
    flash(_("预警已发布。"), "success")
    return redirect(url_for("warnings.warning_page", warning_id=w.id), 303)


# --- warnings --------------------------------------------------------------------------------

@bp.route("/oversight/warnings")
def warning_list_page():
    require(current_user, "warning.list")
    f, errors = warning_list.parse(request.args)
    today = service.local_day(utcnow())
    rows, figures = warning_list.listing(current_user, f, today)
    pages = max(1, -(-len(rows) // warning_list.PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    shown = rows[(page - 1) * warning_list.PAGE_SIZE: page * warning_list.PAGE_SIZE]
    return render_template("oversight/warnings.html", rows=shown, total=len(rows), page=page, pages=pages,
                           query={k: v for k, v in request.args.items() if k != "page"},
                           figures=figures, f=f, errors=errors, today=today,
                           districts=warning_list.districts(current_user), levels=WarningLevel,
                           overseer=can(current_user, "oversight.view"), **LABELS), 422 if errors else 200


def _warning(warning_id: int, action: str) -> RiskWarning:
    w = db.get_or_404(RiskWarning, warning_id)
    require(current_user, action, w)
    return w


def _warning_page(w: RiskWarning, action_form=None, close_form=None, status=200):
    today = service.local_day(utcnow())
    return render_template(
        "oversight/warning.html", w=w, today=today, overdue=service.days_overdue(w, today),
        on_time=service.resolved_on_time(w), can_act=can(current_user, "warning.act", w),
        can_close=can(current_user, "warning.close", w),
        action_form=action_form or ActionForm(formdata=None, data={"taken_on": today.isoformat()}),
        close_form=close_form or CloseForm(formdata=None), **LABELS), status


@bp.route("/oversight/warnings/<int:warning_id>")
def warning_page(warning_id: int):
    return _warning_page(_warning(warning_id, "warning.view"))


@bp.route("/oversight/warnings/<int:warning_id>/actions", methods=["POST"])
def warning_act(warning_id: int):
    w = _warning(warning_id, "warning.act")
    form = ActionForm()
    if not form.validate_on_submit():
        return _warning_page(w, action_form=form, status=422)
    from consult.oversight.warning_forms import parse_date

    try:
        service.add_action(w, actor=current_user, now=utcnow(), taken_on=parse_date(form.taken_on.data),
                           text=form.text.data)
    except service.WarningError as exc:
        return _warning_page(w, action_form=form, status=_fail(form, exc))
    commit()
    flash(_("处置措施已记录。"), "success")
    return redirect(url_for("warnings.warning_page", warning_id=w.id), 303)


@bp.route("/oversight/warnings/<int:warning_id>/close", methods=["POST"])
def warning_close(warning_id: int):
    w = _warning(warning_id, "warning.close")
    form = CloseForm()
    if not form.validate_on_submit():
        return _warning_page(w, close_form=form, status=422)
    try:
        service.close_warning(w, actor=current_user, now=utcnow(), review=form.review.data,
                              resolved=form.resolved.data == "yes")
    except service.WarningError as exc:
        return _warning_page(w, close_form=form, status=_fail(form, exc))
    commit()
    flash(_("预警已销号。"), "success")
    return redirect(url_for("warnings.warning_page", warning_id=w.id), 303)
