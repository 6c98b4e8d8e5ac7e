"""Pages for the two outside roles: experts (only the versions sent to them) and supervisors
(only the filed reports of the organisations they supervise)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.auth.models import Role
from consult.extensions import db
from consult.jobs import commit
from consult.models import utcnow
from consult.permissions import require
from consult.reports.models import Assessment
from consult.review import filing, services
from consult.review.forms import DIMENSIONS, ConfirmForm, EmptyForm, OpinionForm
from consult.review.models import ReviewAssignment

experts_bp = Blueprint("expert", __name__, url_prefix="/review")
supervision_bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@experts_bp.before_request
@login_required
def _experts_only():
    if current_user.role != Role.EXPERT:
        abort(403)


@supervision_bp.before_request
@login_required
def _supervisors_only():
    if current_user.role != Role.SUPERVISOR:
        abort(403)


@experts_bp.route("/")
def inbox():
    return render_template("review/inbox.html", assignments=services.assignments_of_expert(current_user))


def _assignment(assignment_id: int) -> ReviewAssignment:
    a = db.get_or_404(ReviewAssignment, assignment_id)
    require(current_user, "review.take", a)
    return a


def _page(a, confirm_form=None, opinion_form=None, status=200):
    return render_template("review/assignment.html", a=a, doc=a.version.document if a.confirmed_at else None,
                           confirm_form=confirm_form or ConfirmForm(), opinion_form=opinion_form or OpinionForm(),
                           dimensions=DIMENSIONS), status


@experts_bp.route("/a/<int:assignment_id>")
def assignment(assignment_id: int):
    return _page(_assignment(assignment_id))


@experts_bp.route("/a/<int:assignment_id>/confirm", methods=["POST"])
def assignment_confirm(assignment_id: int):
    a = _assignment(assignment_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _page(a, confirm_form=form, status=422)
    try:
        services.confirm(a, actor=current_user, now=utcnow(), conflict=form.conflict.data == "yes",
                         reason=form.reason.data or "")
    except services.ReviewError as exc:
        db.session.rollback()
        form.reason.errors.append(str(exc))
        return _page(db.session.get(ReviewAssignment, assignment_id), confirm_form=form, status=422)
    commit()
    return redirect(url_for("expert.assignment", assignment_id=a.id))


@experts_bp.route("/a/<int:assignment_id>/opinion", methods=["POST"])
def assignment_opinion(assignment_id: int):
    a = _assignment(assignment_id)
    form = OpinionForm()
    if not form.validate_on_submit():
        return _page(a, opinion_form=form, status=422)
    try:
        services.submit_opinion(a, actor=current_user, now=utcnow(),
                                dimensions={d: form[f"d{i}"].data for i, d in enumerate(DIMENSIONS)},
                                agree_level=form.agree_level.data == "yes",
                                agree_outcome=form.agree_outcome.data == "yes",
                                changes=form.changes.data or "", signature=form.signature.data)
    except services.ReviewError as exc:
        db.session.rollback()
        form.signature.errors.append(str(exc))
        flash(str(exc), "error")
        return _page(db.session.get(ReviewAssignment, assignment_id), opinion_form=form, status=422)
    commit()
    flash(_("专家评估意见表已提交。"), "success")
    return redirect(url_for("expert.assignment", assignment_id=a.id))


@supervision_bp.route("/")
def filings():
    """The supervisor's desk: escalated warnings first (overdue and sent up to them), then filings."""
    from consult.oversight import warning_list
    from consult.oversight.models import WarningStatus
    from consult.oversight.warnings import local_day

    escalated, _figures = warning_list.listing(
        current_user, warning_list.WarningFilters(status=WarningStatus.OPEN, escalated=True), local_day(utcnow()))
    from consult.oversight.warning_views import LABELS

    return render_template("review/filings.html", filings=filing.filings_for(current_user), escalated=escalated,
                           today=local_day(utcnow()), **LABELS)


def _filed(assessment_id: int) -> Assessment:
    a = db.get_or_404(Assessment, assessment_id)
    require(current_user, "filing.receive", a)
    if not a.is_filed:
        abort(404)
    return a


@supervision_bp.route("/<int:assessment_id>")
def filing_detail(assessment_id: int):
    a = _filed(assessment_id)
    return render_template("review/filing.html", a=a, doc=a.filed_version.document if a.filed_version else None,
                           check=filing.verify(a),
                           ack_form=EmptyForm())


@supervision_bp.route("/<int:assessment_id>/pdf")
def filing_pdf(assessment_id: int):
    a = _filed(assessment_id)
    if not a.frozen_pdf_key:  # filed outside the platform: no frozen copy here
        abort(404)
    return Response(filing.frozen_pdf(a), mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=filed-{a.matter_id}-{a.frozen_hash[:8]}.pdf"})


@supervision_bp.route("/<int:assessment_id>/acknowledge", methods=["POST"])
def filing_acknowledge(assessment_id: int):
    a = _filed(assessment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        filing.acknowledge(a, actor=current_user, now=utcnow())
    except services.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("supervision.filing_detail", assessment_id=assessment_id)), 303
    commit()
    flash(_("已确认收到备案。"), "success")
    return redirect(url_for("supervision.filing_detail", assessment_id=a.id))
