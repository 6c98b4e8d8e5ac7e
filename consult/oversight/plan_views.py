"""The annual assessment plan (年度评估计划): a body's organisers edit it, supervisors read it.

/oversight/plan?organisation_id=&year= for every role that may read a plan (organisers see their
own bodies, supervisors the bodies they supervise, admins all); editing is plan.manage.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.auth.models import Organisation
from consult.extensions import db
from consult.jobs import commit
from consult.matters.models import KIND_LABELS
from consult.models import utcnow
from consult.oversight import filters, plan
from consult.oversight.models import PlanItem
from consult.oversight.plan_forms import DeleteForm, PlanItemForm
from consult.permissions import can, require
from consult.timeutil import to_local

bp = Blueprint("oversight_plan", __name__, url_prefix="/oversight/plan")


@bp.before_request
@login_required
def _plan_readers_only():
    require(current_user, "plan.view")


def _form(organisation_id: int, **kwargs) -> PlanItemForm:
    form = PlanItemForm(**kwargs)
    form.set_matters(plan.linkable_matters(organisation_id))
    return form


def _page(org, year: int, errors=(), form: PlanItemForm | None = None, status: int = 200):
    can_manage = org is not None and can(current_user, "plan.manage", org)
    if can_manage and form is None:
        form = _form(org.id, formdata=None)
    progress = plan.progress([org], year)[0] if org is not None else None
    return render_template(
        "oversight/plan.html", org=org, year=year, errors=errors, form=form, can_manage=can_manage,
        organisations=plan.viewable_organisations(current_user), progress=progress, kinds=KIND_LABELS,
        states=plan.ITEM_STATES, can_oversee=can(current_user, "oversight.view"),
    ), status


@bp.route("")
def plan_page():
    organisations = plan.viewable_organisations(current_user)
    org, year, errors = filters.plan_selection(request.args, organisations, to_local(utcnow()).year)
    return _page(org, year, errors, status=422 if errors else 200)


def _organisation(organisation_id: int, year: int) -> Organisation:
    if not 2000 <= year <= 2100:
        abort(404)
    org = db.get_or_404(Organisation, organisation_id)
    require(current_user, "plan.manage", org)
    return org


@bp.route("/<int:organisation_id>/<int:year>/items", methods=["POST"])
def item_add(organisation_id: int, year: int):
    org = _organisation(organisation_id, year)
    form = _form(org.id)
    if form.validate_on_submit():
        try:
            plan.add_item(org, year, actor=current_user, **form.values())
        except plan.PlanError as exc:
            db.session.rollback()
            form.title.errors.append(str(exc))
        else:
            commit()
            flash(_("已加入年度评估计划。"), "success")
            return redirect(url_for(".plan_page", organisation_id=org.id, year=year), 303)
    return _page(org, year, form=form, status=422)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
def item_edit(item_id: int):
    item = db.get_or_404(PlanItem, item_id)
    require(current_user, "plan.manage", item.organisation)
    form = _form(item.organisation_id, obj=item)
    if not form.is_submitted():
        form.kind.data, form.expected_month.data = item.kind.value, str(item.expected_month or "")
        form.matter_id.data = str(item.matter_id or "")
    elif form.validate():
        try:
            plan.update_item(item, actor=current_user, **form.values())
        except plan.PlanError as exc:
            db.session.rollback()
            item = db.session.get(PlanItem, item_id)
            form.title.errors.append(str(exc))
        else:
            commit()
            flash(_("计划项已保存。"), "success")
            return redirect(url_for(".plan_page", organisation_id=item.organisation_id, year=item.year), 303)
    return render_template("oversight/plan_item.html", item=item, form=form), 422 if form.errors else 200


@bp.route("/items/<int:item_id>/delete", methods=["POST"])
def item_delete(item_id: int):
    item = db.get_or_404(PlanItem, item_id)
    require(current_user, "plan.manage", item.organisation)
    org_id, year = item.organisation_id, item.year
    if DeleteForm().validate_on_submit():
        plan.delete_item(item, actor=current_user)
        commit()
        flash(_("计划项已删除。"), "success")
    return redirect(url_for(".plan_page", organisation_id=org_id, year=year), 303)
