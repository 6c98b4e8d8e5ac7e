"""Staff pages: expert library (admin), reviewers of a version, answers, decision and filing."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult.extensions import db
from consult.jobs import commit
from consult.matters.models import Matter
from consult.models import utcnow
from consult.permissions import can, require
from consult.reports.fonts import FontMissing
from consult.reports.models import ReportVersion
from consult.reports.services import current_assessment
from consult.review import filing, services, supervisors
from consult.review.forms import (AnswerForm, DecisionForm, DrawForm, EmptyForm, ExpertForm, ImportForm, PickForm,
                                  SupervisedForm)
from consult.review.models import Expert, ReviewAssignment, ReviewPoint

bp = Blueprint("review", __name__, url_prefix="/staff")


@bp.record_once
def _globals(state) -> None:
    from consult.review import hooks

    hooks.install()
    state.app.jinja_env.globals["public_outcome"] = filing.public_outcome


@bp.before_request
@login_required
def _staff_only():
    return None


def _experts_page(form=None, import_form=None, status=200):
    require(current_user, "admin.manage")
    experts = db.session.scalars(select(Expert).order_by(Expert.field, Expert.id)).all()
    return render_template("review/experts.html", experts=experts, form=form or ExpertForm(),
                           import_form=import_form or ImportForm(), toggle=EmptyForm()), status


@bp.route("/experts")
def experts():
    return _experts_page()


@bp.route("/experts", methods=["POST"])
def expert_add():
    require(current_user, "admin.manage")
    form = ExpertForm()
    if not form.validate_on_submit():
        return _experts_page(form=form, status=422)
    try:
        services.add_expert(actor=current_user, **{k: form[k].data or "" for k in
                                                   ("name", "field", "organisation", "title", "contact",
                                                    "conflicts", "username")})
    except services.ReviewError as exc:
        db.session.rollback()
        form.username.errors.append(str(exc))
        return _experts_page(form=form, status=422)
    commit()
    flash(_("专家已加入专家库。"), "success")
    return redirect(url_for("review.experts"))


@bp.route("/experts/import", methods=["POST"])
def expert_import():
    require(current_user, "admin.manage")
    form = ImportForm()
    if not form.validate_on_submit():
        return _experts_page(import_form=form, status=422)
    try:
        n = services.import_experts(form.file.data.read(), actor=current_user)
    except services.ReviewError as exc:
        db.session.rollback()
        form.file.errors.append(str(exc))
        return _experts_page(import_form=form, status=422)
    commit()
    flash(_("已导入 %(n)s 位专家。", n=n), "success")
    return redirect(url_for("review.experts"))


@bp.route("/experts/<int:expert_id>/toggle", methods=["POST"])
def expert_toggle(expert_id: int):
    require(current_user, "admin.manage")
    expert = db.get_or_404(Expert, expert_id)
    if EmptyForm().validate_on_submit():
        services.set_expert_active(expert, not expert.is_active, actor=current_user)
        commit()
    return redirect(url_for("review.experts"))


def _org_choices():
    from consult.auth.models import Organisation

    return [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]


@bp.route("/supervisors")
def supervisor_list():
    require(current_user, "admin.manage")
    forms = []
    for user in supervisors.supervisors():
        form = SupervisedForm(prefix=f"u{user.id}", organisations=[o.id for o in user.supervised])
        form.organisations.choices = _org_choices()
        forms.append((user, form))
    return render_template("review/supervisors.html", forms=forms)


@bp.route("/supervisors/<int:user_id>", methods=["POST"])
def supervisor_save(user_id: int):
    from consult.auth.models import Organisation, User

    require(current_user, "admin.manage")
    user = db.get_or_404(User, user_id)
    form = SupervisedForm(prefix=f"u{user.id}")
    form.organisations.choices = _org_choices()
    if not form.validate_on_submit():
        flash(_("请从列表中选择单位。"), "error")
        return redirect(url_for("review.supervisor_list")), 303
    orgs = [db.session.get(Organisation, i) for i in form.organisations.data or []]
    try:
        supervisors.set_supervised(user, orgs, actor=current_user)
    except services.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("review.supervisor_list")), 303
    commit()
    flash(_("已保存 %(u)s 受理备案的单位。", u=user.display_name), "success")
    return redirect(url_for("review.supervisor_list"))


def _version(version_id: int, action="matter.view") -> ReportVersion:
    v = db.get_or_404(ReportVersion, version_id)
    require(current_user, action, v)
    return v


def _reviewers_page(v, draw_form=None, pick_form=None, status=200):
    assignments = db.session.scalars(select(ReviewAssignment).where(ReviewAssignment.version_id == v.id)
                                     .order_by(ReviewAssignment.id)).all()
    experts = db.session.scalars(select(Expert).where(Expert.is_active.is_(True)).order_by(Expert.field)).all()
    return render_template("review/reviewers.html", version=v, matter=v.matter, assignments=assignments,
                           experts=[(e, services.conflict_of(e, v.matter)) for e in experts],
                           draw_form=draw_form or DrawForm(), pick_form=pick_form or PickForm(),
                           answer_form=AnswerForm(), can_edit=can(current_user, "matter.analyse", v),
                           draws=db.session.scalars(select(services.ReviewerDraw).where(
                               services.ReviewerDraw.version_id == v.id)).all()), status


@bp.route("/reports/<int:version_id>/reviewers")
def reviewers(version_id: int):
    return _reviewers_page(_version(version_id))


@bp.route("/reports/<int:version_id>/reviewers/draw", methods=["POST"])
def reviewers_draw(version_id: int):
    v = _version(version_id, "matter.analyse")
    form = DrawForm()
    if not form.validate_on_submit():
        return _reviewers_page(v, draw_form=form, status=422)
    try:
        services.draw_reviewers(v, actor=current_user, now=utcnow(), field=form.field.data,
                                count=form.count.data, seed=form.seed.data or None)
    except services.ReviewError as exc:
        db.session.rollback()
        form.field.errors.append(str(exc))
        return _reviewers_page(db.session.get(ReportVersion, version_id), draw_form=form, status=422)
    commit()
    flash(_("已抽取评审专家，抽取记录已保存。"), "success")
    return redirect(url_for("review.reviewers", version_id=v.id))


@bp.route("/reports/<int:version_id>/reviewers/pick", methods=["POST"])
def reviewers_pick(version_id: int):
    v = _version(version_id, "matter.analyse")
    form = PickForm()
    expert = db.session.get(Expert, form.expert_id.data or 0) if form.validate_on_submit() else None
    if expert is None:
        form.expert_id.errors.append(_("请选择专家库中的专家。"))
        return _reviewers_page(v, pick_form=form, status=422)
    try:
        services.assign_reviewer(v, expert, actor=current_user, now=utcnow())
    except services.ReviewError as exc:
        db.session.rollback()
        form.expert_id.errors.append(str(exc))
        return _reviewers_page(db.session.get(ReportVersion, version_id), pick_form=form, status=422)
    commit()
    flash(_("已选定评审专家。"), "success")
    return redirect(url_for("review.reviewers", version_id=v.id))


@bp.route("/review/points/<int:point_id>/answer", methods=["POST"])
def point_answer(point_id: int):
    point = db.get_or_404(ReviewPoint, point_id)
    require(current_user, "matter.analyse", point)
    form = AnswerForm()
    try:
        if not form.validate_on_submit():
            raise services.ReviewError("；".join(str(e) for errs in form.errors.values() for e in errs))
        services.answer_point(point, actor=current_user, now=utcnow(), answer=form.answer.data)
    except services.ReviewError as exc:
        db.session.rollback()
        flash(_("答复未保存：%(e)s", e=str(exc)), "error")
        return redirect(url_for("review.reviewers", version_id=point.assignment.version_id)), 303
    commit()
    flash(_("答复已保存，将写入下一版报告。"), "success")
    return redirect(url_for("review.reviewers", version_id=point.assignment.version_id))


def _decision_page(matter, form=None, status=200):
    a = current_assessment(matter)
    return render_template("review/decision.html", matter=matter, assessment=a,
                           final=filing.final_version(a) if a else None, form=form or DecisionForm(),
                           file_form=EmptyForm(), check=filing.verify(a) if a and a.is_filed else None,
                           can_decide=can(current_user, "matter.decide", matter)), status


@bp.route("/matters/<int:matter_id>/decision")
def decision(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.view", matter)
    return _decision_page(matter)


@bp.route("/matters/<int:matter_id>/decision", methods=["POST"])
def decision_save(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.decide", matter)
    form = DecisionForm()
    a = current_assessment(matter)
    if not form.validate_on_submit():
        return _decision_page(matter, form, 422)
    try:
        if a is None:
            raise services.ReviewError(_("请先保存定稿，再记录决策。"))
        filing.record_decision(a, actor=current_user, now=utcnow(), adopted=form.adopted.data == "yes",
                               reason=form.reason.data or "", decided_on=form.decided_on.data)
    except services.ReviewError as exc:
        db.session.rollback()
        form.adopted.errors.append(str(exc))
        return _decision_page(db.session.get(Matter, matter_id), form, 422)
    commit()
    flash(_("决策已记录。"), "success")
    return redirect(url_for("review.decision", matter_id=matter.id))


@bp.route("/matters/<int:matter_id>/file", methods=["POST"])
def file_report(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.decide", matter)
    a = current_assessment(matter)
    if a is None or not EmptyForm().validate_on_submit():
        abort(404 if a is None else 400)
    try:
        filing.file_report(a, actor=current_user, now=utcnow())
    except (services.ReviewError, FontMissing) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("review.decision", matter_id=matter_id)), 303
    commit()
    flash(_("报告已报送备案，PDF 与数据快照已固定。"), "success")
    return redirect(url_for("review.decision", matter_id=matter.id))
