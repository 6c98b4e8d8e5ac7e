"""Staff pages of the voice pool (民意汇集): the list, flagged texts, intake and imports, export."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.analysis import exports, imports, intake, pool
from consult.analysis.models import SOURCE_LABELS, VOICE_STANCE_LABELS, VoiceSource, VoiceStance
from consult.analysis.pool_forms import ExportForm, FileForm, VoiceForm
from consult.analysis.stance import MAPPING_TABLE
from consult.analysis.freshness import ensure_synced
from consult.extensions import db
from consult.jobs import commit
from consult.matters.access import matter_for as _matter
from consult.matters.models import Matter
from consult.models import utcnow
from consult.permissions import can
from consult.timeutil import local_to_utc, to_local

bp = Blueprint("pool", __name__, url_prefix="/staff/matters/<int:matter_id>/voices")


@bp.before_request
@login_required
def _staff_only():
    return None


@bp.app_template_global()
def pool_panel(matter) -> dict | None:
    """Figures for the matter page's panel (None for those who may not see the pool)."""
    if not can(current_user, "matter.view", matter):
        return None
    if ensure_synced(matter.id):
        commit()
    return pool.panel_stats(matter.id)


@bp.app_template_global()
def can_analyse_matter(matter) -> bool:
    return can(current_user, "matter.analyse", matter)


def _synced(matter_id: int, action: str = "matter.view") -> Matter:
    matter = _matter(matter_id, action)
    ensure_synced(matter.id)  # mirrored texts are current whenever the pool is opened
    commit()
    return matter


@bp.route("")
def voice_list(matter_id: int):
    matter = _synced(matter_id)
    f = pool.PoolFilter.from_args(request.args)
    result = pool.search_voices(matter.id, f)
    return render_template("analysis/pool/list.html", matter=matter, f=f, result=result,
                           sources=SOURCE_LABELS, stances=VOICE_STANCE_LABELS, mapping=MAPPING_TABLE,
                           export_form=ExportForm(), can_analyse=can(current_user, "matter.analyse", matter))


@bp.route("/flagged")
def flagged(matter_id: int):
    matter = _synced(matter_id)
    answers = pool.collective_answers(matter.id)
    return render_template("analysis/pool/flagged.html", matter=matter, voices=pool.flagged_voices(matter.id),
                           n_flagged=pool.count_flagged(matter.id), answers=answers, texts=pool.open_texts_of([a["response_id"] for a in answers]))


def _intake_page(matter, form, status=200, **extra):
    return render_template("analysis/pool/intake.html", matter=matter, form=form, import_form=FileForm(formdata=None),
                           **extra), status


@bp.route("/new", methods=["GET", "POST"])
def voice_new(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    form = VoiceForm()
    if not form.is_submitted():
        form.key.data = intake.new_key()
        form.occurred_at.data = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    if form.validate_on_submit():
        try:
            voice, created = intake.add_voice(
                matter, actor=current_user, now=utcnow(), source=VoiceSource(form.source.data), key=form.key.data,
                text=form.text.data, occurred_at=local_to_utc(form.occurred_at.data),
                stance=VoiceStance(form.stance.data), recorder=form.recorder.data, household=form.household.data or "",
                group=form.group.data or "", author=form.author.data or "", title=form.title.data or None)
        except intake.IntakeError as exc:
            db.session.rollback()
            getattr(form, exc.field, form.text).errors.append(str(exc))
            if exc.field == "key":
                form.key.data = intake.new_key()  # a fresh form: the next save goes through
        else:
            commit()
            flash(_("已保存（编号 %(id)s）。可继续录入下一条。", id=voice.id) if created
                  else _("这条记录已经保存过（编号 %(id)s），未重复保存。", id=voice.id), "success")
            return redirect(url_for("pool.voice_new", matter_id=matter.id))
    return _intake_page(matter, form, 422 if form.errors else 200)


@bp.route("/template.xlsx")
def intake_template(matter_id: int):
    _matter(matter_id, "matter.analyse")
    resp = current_app.response_class(intake.template_xlsx(), mimetype=exports.FORMATS["xlsx"])
    resp.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote("意见录入模板.xlsx")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/import", methods=["POST"])
def intake_import(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    upload = FileForm().file.data
    try:
        result = intake.import_intake(matter, upload.read() if upload else b"", actor=current_user, now=utcnow())
    except imports.PoolImportError as exc:
        db.session.rollback()
        return _intake_page(matter, VoiceForm(formdata=None, key=intake.new_key()), 422, file_error=str(exc))
    if result.errors:
        db.session.rollback()
        return _intake_page(matter, VoiceForm(formdata=None, key=intake.new_key()), 422, import_errors=result.errors)
    commit()
    flash(_("已导入 %(n)s 条记录", n=result.stored) + (_("，%(k)s 条此前已导入、已跳过", k=result.skipped)
                                                      if result.skipped else "") + "。", "success")
    return redirect(url_for("pool.voice_list", matter_id=matter.id))


@bp.route("/letters", methods=["GET", "POST"])
def letters(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    form = FileForm()
    if not form.is_submitted():
        return render_template("analysis/pool/letters.html", matter=matter, form=form, columns=imports.LETTER_COLUMNS)
    upload = form.file.data
    name = getattr(upload, "filename", "") or ""
    try:
        result = imports.import_letters(matter, upload.read() if upload else b"", imports.format_of(name),
                                        actor=current_user, now=utcnow())
    except imports.PoolImportError as exc:
        result, file_error = None, str(exc)
    if result is None or result.errors:
        db.session.rollback()
        return render_template("analysis/pool/letters.html", matter=matter, form=form, columns=imports.LETTER_COLUMNS,
                               file_error=None if result else file_error,
                               import_errors=result.errors if result else []), 422
    commit()
    flash(_("已导入 %(n)s 封来信", n=result.stored) + (_("，%(k)s 封此前已导入、已跳过", k=result.skipped)
                                                     if result.skipped else "") + "。", "success")
    return redirect(url_for("pool.voice_list", matter_id=matter.id, source="letter"))


@bp.route("/export", methods=["POST"])
def export_start(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    form = ExportForm()
    fmt = form.format.data if form.validate_on_submit() else ""
    try:
        job = exports.start_pool_export(matter, actor=current_user, fmt=fmt, args=request.args)
    except exports.ExportError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("pool.voice_list", matter_id=matter.id, **request.args))
    commit()
    return redirect(url_for("jobs.status", job_id=job.id))
