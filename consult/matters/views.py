from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.audit import pages as audit_pages
from consult.auth.models import Organisation, User
from consult.extensions import db
from consult.jobs import commit
from consult.matters import counts, services
from consult.matters.forms import AssessorsForm, MatterForm, StatusForm
from consult.matters.models import Matter, MatterStatus
from consult.models import utcnow
from consult.permissions import can, require

bp = Blueprint("matters", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def _staff_only():
    return None


@bp.route("/")
def dashboard():
    matters = services.visible_matters(current_user)
    return render_template("matters/dashboard.html", matters=matters, can_create=can(current_user, "matter.create"),
                           figures=counts.figures([m.id for m in matters], utcnow()))


def _matter_form(matter=None) -> MatterForm:
    form = MatterForm(obj=matter)
    orgs = current_user.organisations
    if matter is not None and matter.organisation not in orgs:
        orgs = [matter.organisation, *orgs]
    form.organisation_id.choices = [(o.id, o.name) for o in orgs]
    if matter is not None and not form.is_submitted():
        form.kind.data, form.procedure.data = matter.kind.value, matter.procedure.value
        form.withhold_public.data = bool(matter.public_withheld_reason)
    return form


@bp.route("/matters/new", methods=["GET", "POST"])
def matter_new():
    require(current_user, "matter.create")
    form = _matter_form()
    if form.validate_on_submit():
        org = db.get_or_404(Organisation, form.organisation_id.data)
        values = form.values()
        values.pop("organisation_id")
        matter = services.create_matter(actor=current_user, organisation=org, **values)
        commit()
        flash(_("事项已创建。下一步：编写并发布公示。"), "success")
        return redirect(url_for("matters.detail", matter_id=matter.id))
    return render_template("matters/form.html", form=form, matter=None), 422 if form.errors else 200


@bp.route("/matters/<int:matter_id>")
def detail(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.view", matter)
    assessors_form = AssessorsForm(assessors=[a.id for a in matter.assessors])
    assessors_form.assessors.choices = [(u.id, u.display_name) for u in services.list_assessors()]
    return render_template("matters/detail.html", matter=matter, status_form=StatusForm(),
                           assessors_form=assessors_form,
                           can_manage=can(current_user, "matter.manage", matter),
                           MatterStatus=MatterStatus, now=utcnow(),
                           figures=counts.figures([matter.id], utcnow())[matter.id])


@bp.route("/matters/<int:matter_id>/edit", methods=["GET", "POST"])
def matter_edit(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.manage", matter)
    form = _matter_form(matter)
    if form.validate_on_submit():
        try:
            services.update_matter(matter, actor=current_user, **form.values())
        except services.MatterError as exc:
            db.session.rollback()
            form.organisation_id.errors.append(str(exc))
        else:
            commit()
            flash(_("事项已保存。"), "success")
            return redirect(url_for("matters.detail", matter_id=matter.id))
    return render_template("matters/form.html", form=form, matter=matter), 422 if form.errors else 200


@bp.route("/matters/<int:matter_id>/status", methods=["POST"])
def matter_status(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.manage", matter)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.change_status(matter, MatterStatus(form.status.data), actor=current_user, now=utcnow())
        except services.MatterError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            commit()
            flash(_("事项状态已更新为：%(s)s", s=matter.status_label), "success")
    return redirect(url_for("matters.detail", matter_id=matter.id))


@bp.route("/matters/<int:matter_id>/assessors", methods=["POST"])
def matter_assessors(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.manage", matter)
    form = AssessorsForm()
    form.assessors.choices = [(u.id, u.display_name) for u in services.list_assessors()]
    if form.validate_on_submit():
        users = [db.session.get(User, i) for i in form.assessors.data]
        try:
            services.set_assessors(matter, users, actor=current_user)
        except services.MatterError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            commit()
            flash(_("评估人员已更新。"), "success")
    return redirect(url_for("matters.detail", matter_id=matter.id))


@bp.route("/matters/<int:matter_id>/audit")
def audit(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.audit", matter)
    return audit_pages.render_log("matters/audit.html", audit_pages.read_filter(matter_id=matter.id), matter=matter)
