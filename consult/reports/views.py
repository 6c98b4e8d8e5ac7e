"""Assessment pages: level and outcome, narrative editor, versions, outputs, comparison."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.extensions import db
from consult.jobs import commit
from consult.matters.access import matter_for as _matter
from consult.matters.models import Matter
from consult.models import utcnow
from consult.permissions import can, require
from consult.register.models import RiskLevel
from consult.reports import document, levels, narrative, render, services
from consult.reports.fonts import FontMissing
from consult.reports.forms import LevelForm, ReassessForm, VersionForm, narrative_form
from consult.reports.models import STAGE_ORDER, Outcome, ReportVersion, Stage

bp = Blueprint("reports", __name__, url_prefix="/staff")


@bp.record_once
def _globals(state) -> None:
    from consult.register.models import RISK_LEVEL_LABELS
    from consult.reports import charts

    from consult.reports.printforms import FORMS

    state.app.jinja_env.globals.update(report_charts=charts, level_labels=RISK_LEVEL_LABELS, print_forms=FORMS)


@bp.before_request
@login_required
def _staff_only():
    return None


def _page(matter, level_form=None, reassess_form=None, version_form=None, status=200):
    a = services.current_assessment(matter)
    level_form = level_form or LevelForm(data={"level": a.final_level.value if a and a.final_level else None,
                                               "outcome": a.outcome.value if a and a.outcome else None,
                                               "reason": a.level_reason if a else "",
                                               "conditions": a.conditions if a else ""})
    versions = db.session.scalars(db.select(ReportVersion).where(ReportVersion.matter_id == matter.id)
                                  .order_by(ReportVersion.number)).all()
    if version_form is None:
        latest = a.latest_version if a else None
        nxt = STAGE_ORDER[min(STAGE_ORDER.index(latest.stage) + 1, len(STAGE_ORDER) - 1)] if latest else Stage.DRAFT
        version_form = VersionForm(stage=nxt.value)
    return render_template("reports/assessment.html", matter=matter, assessment=a, evaluation=levels.evaluate(matter),
                           rounds=services.rounds(matter), versions=versions, level_form=level_form,
                           reassess_form=reassess_form or ReassessForm(), version_form=version_form,
                           can_edit=can(current_user, "matter.analyse", matter)), status


@bp.route("/matters/<int:matter_id>/assessment")
def assessment(matter_id: int):
    return _page(_matter(matter_id))


def _refuse(matter, exc, form, field, **forms):
    db.session.rollback()
    matter = db.session.get(Matter, matter.id)
    getattr(form, field).errors.append(str(exc))
    return _page(matter, status=422, **forms)


@bp.route("/matters/<int:matter_id>/assessment/level", methods=["POST"])
def assessment_level(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    form = LevelForm()
    if not form.validate_on_submit():
        return _page(matter, level_form=form, status=422)
    try:
        a = services.ensure_assessment(matter, actor=current_user)
        services.set_level(a, actor=current_user, now=utcnow(), level=RiskLevel(form.level.data),
                           reason=form.reason.data or "", outcome=Outcome(form.outcome.data),
                           conditions=form.conditions.data or "")
    except services.AssessmentError as exc:
        return _refuse(matter, exc, form, "outcome", level_form=form)
    commit()
    flash(_("风险等级和评估结论已保存。"), "success")
    return redirect(url_for("reports.assessment", matter_id=matter.id))


@bp.route("/matters/<int:matter_id>/assessment/reassess", methods=["POST"])
def assessment_reassess(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    form = ReassessForm()
    a = services.current_assessment(matter)
    if a is None:
        abort(404)
    if not form.validate_on_submit():
        return _page(matter, reassess_form=form, status=422)
    try:
        services.reassess(a, actor=current_user, now=utcnow(), reason=form.reason.data)
    except services.AssessmentError as exc:
        return _refuse(matter, exc, form, "reason", reassess_form=form)
    commit()
    flash(_("已开始新一轮评估，上一轮的等级、结论和版本均已保留。"), "success")
    return redirect(url_for("reports.assessment", matter_id=matter.id))


@bp.route("/matters/<int:matter_id>/report/edit", methods=["GET", "POST"])
def report_edit(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    a = services.current_assessment(matter)
    if a is None and request.method == "POST":
        a = services.ensure_assessment(matter, actor=current_user)
    form = narrative_form(a) if a else narrative_form(_Blank())
    if request.method == "POST" and form.validate_on_submit():
        texts = {k: form[f"s_{k}"].data or "" for k in narrative.SECTION_KEYS}
        plan = {k: form[f"e_{k}"].data or "" for k, _l in document.EMERGENCY_FIELDS}
        try:
            services.save_narrative(a, actor=current_user, texts=texts, emergency=plan)
        except services.AssessmentError as exc:
            db.session.rollback()
            form.s_overview.errors.append(str(exc))
        else:
            commit()
            flash(_("报告正文已保存。保存版本后内容将固定。"), "success")
            return redirect(url_for("reports.report_edit", matter_id=matter.id))
    fields = services.document_fields(a) if a else {}
    return render_template("reports/edit.html", matter=matter, form=form, fields=fields,
                           sections=narrative.SECTIONS), 422 if form.errors else 200


class _Blank:
    narrative: dict = {}
    emergency: dict = {}


@bp.route("/matters/<int:matter_id>/report/versions", methods=["POST"])
def version_save(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    form = VersionForm()
    if not form.validate_on_submit():
        return _page(matter, version_form=form, status=422)
    try:
        a = services.ensure_assessment(matter, actor=current_user)
        v = services.save_version(a, actor=current_user, now=utcnow(), stage=Stage(form.stage.data),
                                  note=form.note.data or "")
    except services.AssessmentError as exc:
        return _refuse(matter, exc, form, "stage", version_form=form)
    commit()
    flash(_("已保存%(label)s。", label=v.label), "success")
    return redirect(url_for("reports.version_view", version_id=v.id))


@bp.route("/matters/<int:matter_id>/report/preview")
def report_preview(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    a = services.current_assessment(matter) or _Draft()
    doc = document.build(matter, a)
    return render_template("reports/version.html", matter=matter, doc=doc, version=None)


class _Draft:
    narrative: dict = {}
    emergency: dict = {}
    final_level = outcome = None
    level_reason = conditions = outcome_label = ""


def _version(version_id: int) -> ReportVersion:
    v = db.get_or_404(ReportVersion, version_id)
    require(current_user, "matter.view", v)
    return v


@bp.route("/reports/<int:version_id>")
def version_view(version_id: int):
    v = _version(version_id)
    return render_template("reports/version.html", matter=v.matter, doc=v.document, version=v)


@bp.route("/reports/<int:version_id>/<fmt>")
def version_download(version_id: int, fmt: str):
    v = _version(version_id)
    if fmt not in render.FORMATS:
        abort(404)
    try:
        data, mimetype = render.render(v.document, fmt)
    except FontMissing as exc:
        flash(str(exc), "error")
        return redirect(url_for("reports.version_view", version_id=v.id))
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=report-{v.matter_id}-v{v.number}.{fmt}"})


@bp.route("/reports/<int:version_id>/render", methods=["POST"])
def version_render(version_id: int):
    from consult.reports import jobs

    v = _version(version_id)
    try:
        job = jobs.start_render(v, actor=current_user, fmt=request.form.get("format", ""))
    except services.AssessmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("reports.version_view", version_id=v.id)), 303
    commit()  # runs the job (in this process without Redis; RQ with it)
    return redirect(url_for("jobs.status", job_id=job.id))


@bp.route("/matters/<int:matter_id>/report/compare")
def report_compare(matter_id: int):
    matter = _matter(matter_id)
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    va, vb = db.session.get(ReportVersion, a or 0), db.session.get(ReportVersion, b or 0)
    if va is None or vb is None or va.matter_id != matter.id or vb.matter_id != matter.id:
        abort(404)
    return render_template("reports/compare.html", matter=matter, a=va, b=vb, sections=services.compare(va, vb))


@bp.route("/matters/<int:matter_id>/forms/<name>.<fmt>")
def print_form(matter_id: int, name: str, fmt: str):
    from consult.reports import printforms

    matter = _matter(matter_id)
    if name not in printforms.FORMS or fmt not in render.FORMATS:
        abort(404)
    try:
        data, mimetype = render.render(printforms.build_form(matter, name), fmt)
    except FontMissing as exc:
        flash(str(exc), "error")
        return redirect(url_for("reports.assessment", matter_id=matter.id))
    disposition = "inline" if fmt == "html" else f"attachment; filename={name}-{matter.id}.{fmt}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})
