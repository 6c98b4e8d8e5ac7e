"""Curation pages (整理风险点): the points of the latest run and one point with its texts."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.analysis import curation, overview, recluster, runs
from consult.analysis.curation import CurationError
from consult.analysis.forms import (DescriptionForm, DismissForm, MergeForm, MoveForm, ReasonForm, ReviewForm, RunForm,
                                    SplitForm, TitleForm, errors_of)
from consult.analysis.matching import rule_text
from consult.analysis.models import SOURCE_LABELS, RiskPoint, Voice
from consult.extensions import db
from consult.jobs import commit
from consult.matters.access import matter_for as _matter
from consult.matters.models import Matter
from consult.models import utcnow
from consult.permissions import can

bp = Blueprint("analysis_points", __name__, url_prefix="/staff/matters/<int:matter_id>/points")


@bp.before_request
@login_required
def _staff_only():
    return None


def _point(matter: Matter, point_id: int) -> RiskPoint:
    point = db.get_or_404(RiskPoint, point_id)
    if point.matter_id != matter.id:
        abort(404)
    return point


def _back(matter_id: int, point_id: int | None = None, anchor: str = ""):
    if point_id is None:
        return redirect(url_for("analysis_points.point_list", matter_id=matter_id) + anchor)
    return redirect(url_for("analysis_points.point_detail", matter_id=matter_id, point_id=point_id) + anchor)


@bp.route("")
def point_list(matter_id: int):
    matter = _matter(matter_id)
    latest = runs.latest_run(matter.id)
    return render_template("analysis/points/list.html", matter=matter, latest=latest,
                           rows=overview.point_rows(matter.id, latest), progress=curation.progress_of(matter.id),
                           can_analyse=can(current_user, "matter.analyse", matter), merge_form=MergeForm(),
                           run_form=RunForm(), excluded=overview.excluded_texts(matter.id), rule=rule_text())


@bp.route("/<int:point_id>")
def point_detail(matter_id: int, point_id: int, forms: dict | None = None, status: int = 200):
    matter = _matter(matter_id)
    point = _point(matter, point_id)
    q = request.args.get("q", "")[:200]
    source = request.args.get("source", "")
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and len(page) < 7 else 1
    texts, total = overview.point_texts(point, q=q, page=page, source=source)
    forms = forms or {}
    return render_template(
        "analysis/points/detail.html", matter=matter, point=point, row=overview.point_row(point, runs.latest_run(
            matter.id)), texts=texts, total=total, page=page, q=q, source=source, per_page=overview.PER_PAGE,
        sources=SOURCE_LABELS, merged=overview.merged_into(point), targets=overview.targets(matter.id, point.id),
        can_analyse=can(current_user, "matter.analyse", matter),
        title_form=forms.get("title") or TitleForm(title=point.title),
        description_form=forms.get("description") or DescriptionForm(description=point.description),
        dismiss_form=forms.get("dismiss") or DismissForm(prefix="dismiss"),
        split_form=forms.get("split") or SplitForm(), move_form=forms.get("move") or MoveForm(),
        review_form=ReviewForm(), exclude_form=forms.get("exclude") or ReasonForm(prefix="exclude"),
        exclude_voice=forms.get("exclude_voice"), run_form=RunForm()), status


def _act(matter_id: int, point_id: int, form_key: str, form, call, done: str):
    """Validate, call the service, commit and come back; errors re-render the page with input kept."""
    matter = _matter(matter_id, "matter.analyse")
    point = _point(matter, point_id)
    if form.validate_on_submit():
        try:
            call(point)
        except CurationError as exc:
            db.session.rollback()
            (getattr(form, exc.field).errors.append(str(exc)) if exc.field and hasattr(form, exc.field)
             else flash(str(exc), "error"))
        else:
            commit()
            flash(done, "success")
            return _back(matter.id, point_id)
    elif form.errors.get("csrf_token"):
        abort(400)
    db.session.rollback()
    return point_detail(matter_id, point_id, forms={form_key: form}, status=422)


@bp.route("/<int:point_id>/rename", methods=["POST"])
def point_rename(matter_id: int, point_id: int):
    form = TitleForm()
    return _act(matter_id, point_id, "title", form, lambda p: curation.rename_point(
        p, actor=current_user, now=utcnow(), title=form.title.data), _("名称已保存。"))


@bp.route("/<int:point_id>/describe", methods=["POST"])
def point_describe(matter_id: int, point_id: int):
    form = DescriptionForm()
    return _act(matter_id, point_id, "description", form, lambda p: curation.describe_point(
        p, actor=current_user, now=utcnow(), description=form.description.data or ""), _("说明已保存。"))


@bp.route("/<int:point_id>/dismiss", methods=["POST"])
def point_dismiss(matter_id: int, point_id: int):
    form = DismissForm(prefix="dismiss")
    return _act(matter_id, point_id, "dismiss", form, lambda p: curation.dismiss_point(
        p, actor=current_user, now=utcnow(), reason=form.reason.data), _("已排除该风险点。"))


@bp.route("/<int:point_id>/confirm", methods=["POST"])
def point_confirm(matter_id: int, point_id: int):
    return _act(matter_id, point_id, "confirm", RunForm(), lambda p: curation.confirm_point(
        p, actor=current_user, now=utcnow()), _("已确认为风险点。"))


@bp.route("/<int:point_id>/review", methods=["POST"])
def point_review(matter_id: int, point_id: int):
    reviewed = request.form.get("reviewed", "1") != "0"
    return _act(matter_id, point_id, "review", RunForm(), lambda p: curation.review_point(
        p, actor=current_user, now=utcnow(), reviewed=reviewed), _("审阅状态已保存。"))


@bp.route("/<int:point_id>/split", methods=["POST"])
def point_split(matter_id: int, point_id: int):
    form = SplitForm()
    return _act(matter_id, point_id, "split", form, lambda p: curation.split_point(
        p, form.voice_ids.data, actor=current_user, now=utcnow(), title=form.new_title.data), _("已拆分出新的风险点。"))


@bp.route("/<int:point_id>/move", methods=["POST"])
def point_move(matter_id: int, point_id: int):
    form = MoveForm()

    def call(point):
        target = _point(point.matter, form.target_id.data)
        curation.move_voices(form.voice_ids.data, target, actor=current_user, now=utcnow(), matter_id=matter_id)
    return _act(matter_id, point_id, "move", form, call, _("文本已移动。"))


@bp.route("/<int:point_id>/review-texts", methods=["POST"])
def texts_review(matter_id: int, point_id: int):
    form = ReviewForm()
    return _act(matter_id, point_id, "review_texts", form, lambda p: curation.review_voices(
        form.voice_ids.data, actor=current_user, now=utcnow(), matter=p.matter,
        reviewed=form.reviewed.data != "0"), _("审阅状态已保存。"))


@bp.route("/<int:point_id>/recluster", methods=["POST"])
def point_recluster(matter_id: int, point_id: int):
    matter = _matter(matter_id, "matter.analyse")
    point = _point(matter, point_id)
    if not RunForm().validate_on_submit():
        abort(400)
    try:
        job = recluster.start_recluster(point, actor=current_user, now=utcnow())
    except CurationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(matter.id, point.id)
    job_id = job.id
    commit()
    return redirect(url_for("jobs.status", job_id=job_id))


@bp.route("/merge", methods=["POST"])
def points_merge(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    form = MergeForm()
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        flash(errors_of(form), "error")
        return _back(matter.id)
    target = _point(matter, form.target_id.data)
    sources = [_point(matter, i) for i in form.point_ids.data]
    try:
        curation.merge_points(target, sources, actor=current_user, now=utcnow())
    except CurationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(matter.id)
    commit()
    flash(_("已合并 %(n)s 个风险点。", n=len([s for s in sources if s.id != target.id])), "success")
    return _back(matter.id, target.id)


@bp.route("/voices/<int:voice_id>/exclude", methods=["POST"])
def voice_exclude(matter_id: int, voice_id: int):
    matter = _matter(matter_id, "matter.analyse")
    voice = db.get_or_404(Voice, voice_id)
    if voice.matter_id != matter.id:
        abort(404)
    point_id = voice.point_id
    form = ReasonForm(prefix="exclude")
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        if point_id:  # the page again, with the reason kept and the error beside this text
            db.session.rollback()
            return point_detail(matter_id, point_id, forms={"exclude": form, "exclude_voice": voice.id}, status=422)
        flash(_("未排除：") + errors_of(form), "error")
        return _back(matter.id)
    try:
        curation.exclude_voice(voice, actor=current_user, now=utcnow(), reason=form.reason.data)
    except CurationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(matter.id, point_id) if point_id else _back(matter.id)
    commit()
    flash(_("已将该文本标为“非风险 / 无关”。"), "success")
    return _back(matter.id, point_id) if point_id else _back(matter.id)


@bp.route("/voices/<int:voice_id>/include", methods=["POST"])
def voice_include(matter_id: int, voice_id: int):
    matter = _matter(matter_id, "matter.analyse")
    voice = db.get_or_404(Voice, voice_id)
    if voice.matter_id != matter.id:
        abort(404)
    if not RunForm().validate_on_submit():
        abort(400)
    curation.include_voice(voice, actor=current_user, now=utcnow())
    commit()
    flash(_("该文本将参加下一次分析。"), "success")
    return _back(matter.id, anchor="#excluded")
