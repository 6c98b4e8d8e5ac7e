"""Results for organisers and assessors: figures, charts (SVG), cross-tabs, texts, exports, JSON."""
from __future__ import annotations

from flask_babel import gettext as _

from urllib.parse import quote

from flask import Response as HTTPResponse
from flask import abort, flash, jsonify, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from consult.audit.services import record
from consult.crypto import unseal
from consult.extensions import db
from consult.hardening import page_number
from consult.jobs import commit
from consult.permissions import can, require
from consult.surveys import exports, results, sheets, texts
from consult.surveys.builder import SurveyError
from consult.surveys.models import Survey
from consult.surveys.spec import load_spec
from consult.surveys.staff_views import bp


def download(data, filename: str, mimetype: str) -> HTTPResponse:
    resp = HTTPResponse(data, mimetype=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _load(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    require(current_user, "matter.view", survey)
    return survey, load_spec(survey.id)


def figures(survey, spec) -> dict:
    return results.figures(spec)


@bp.route("/surveys/<int:survey_id>/results")
def survey_results(survey_id: int):
    survey, spec = _load(survey_id)
    data = figures(survey, spec)
    q1, q2 = request.args.get("x", type=int), request.args.get("y", type=int)
    ct = results.cached(spec, f"crosstab:{q1}:{q2}", lambda: results.crosstab(spec, q1, q2)) if q1 and q2 else None
    choice_qs = [q for q in spec.questions if q.is_choice and q.kind.value != "matrix"]
    return render_template("surveys/staff_results.html", survey=survey, matter=survey.matter, spec=spec, ct=ct,
                           x=q1, y=q2, choice_qs=choice_qs, can_personal=can(current_user, "matter.personal_data", survey),
                           direct_export=data["totals"]["total"] <= exports.EXPORT_DIRECT_MAX,
                           stance_map=texts.stance_mapping(spec),
                           **data)


@bp.route("/surveys/<int:survey_id>/texts/<int:question_id>", methods=["GET", "POST"])
def survey_texts(survey_id: int, question_id: int):
    survey, spec = _load(survey_id)
    q = spec.by_id.get(question_id)
    if q is None:
        abort(404)
    term = request.args.get("q", "").strip()[:100]
    page = page_number(request.args)
    rows, total = results.free_texts(spec, q.id, q=term, page=page)
    masked = q.is_personal and not _personal(survey, note=f"查看个人信息题“{q.text[:40]}”的完整回答")
    return render_template("surveys/staff_texts.html", survey=survey, matter=survey.matter, spec=spec, q=q, rows=rows,
                           total=total, term=term, page=page, masked=masked, mask=sheets.mask_text, unseal=unseal,
                           may_reveal=q.is_personal and can(current_user, "matter.personal_data", survey))


def _personal(survey, note: str = "导出含个人信息的答卷") -> bool:
    """A reveal or a personal export is a POST (a link cannot trigger it), checked and recorded."""
    if request.method != "POST" or request.form.get("personal") != "1":
        return False
    require(current_user, "matter.personal_data", survey)
    record(actor=current_user, action="survey.export_personal", obj=survey, matter_id=survey.matter_id,
           note=note)
    commit()
    return True


def _too_big(survey):
    if exports.response_count(survey.id) <= exports.EXPORT_DIRECT_MAX:
        return None
    flash(_('答卷超过 %(v0)s 份，请使用后台导出（可查看进度，完成后下载）。', v0=exports.EXPORT_DIRECT_MAX), "info")
    return redirect(url_for("surveys_staff.survey_results", survey_id=survey.id) + "#exports")


@bp.route("/surveys/<int:survey_id>/export.csv", methods=["GET", "POST"])
def export_csv(survey_id: int):
    survey, spec = _load(survey_id)
    if (big := _too_big(survey)) is not None:
        return big
    personal = _personal(survey)
    return download(stream_with_context(sheets.export_csv(spec, personal=personal)), f"问卷{survey.id}-答卷.csv",
                    "text/csv; charset=utf-8")


@bp.route("/surveys/<int:survey_id>/export.xlsx", methods=["GET", "POST"])
def export_xlsx(survey_id: int):
    survey, spec = _load(survey_id)
    if (big := _too_big(survey)) is not None:
        return big
    personal = _personal(survey)
    return download(sheets.export_xlsx(spec, personal=personal), f"问卷{survey.id}-答卷.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/surveys/<int:survey_id>/exports", methods=["POST"])
def export_start(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    try:
        job = exports.start_export(survey, actor=current_user, fmt=request.form.get("format", ""),
                                   personal=request.form.get("personal") == "1")
    except SurveyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("surveys_staff.survey_results", survey_id=survey.id) + "#exports")
    commit()  # runs the job (in this process without Redis; RQ with it)
    return redirect(url_for("jobs.status", job_id=job.id))


def _bars(bars):
    return [{"option_id": b.option_id, "label": b.label, "count": b.count, "percent": b.percent} for b in bars]


@bp.route("/surveys/<int:survey_id>/results.json")
def results_json(survey_id: int):
    survey, spec = _load(survey_id)
    d = figures(survey, spec)
    return jsonify({
        "survey": {"id": survey.id, "title": survey.title, "matter_id": survey.matter_id},
        "totals": d["totals"],
        "rates": [{"name": r.name, "question_id": r.question.id if r.question else None, "counted_options": r.counted,
                   "yes": r.overall[0], "answered": r.overall[1], "percent": r.percent,
                   "by": {k: [{"label": lb, "yes": y, "answered": n, "percent": results.pct(y, n)} for lb, y, n in v]
                          for k, v in r.by.items()}} for r in d["rates"]],
        "questions": [{"id": f.q.id, "number": f.q.number, "text": f.q.text, "kind": f.q.kind.value,
                       "answered": f.answered, "options": _bars(f.bars),
                       "matrix": [{"row": lbl, "options": _bars(bars)} for lbl, bars in f.matrix], "stats": f.stats}
                      for f in d["questions"]],
        "targets": [{"group": g, "target": t, "actual": a, "percent": p} for g, t, a, p in d["targets"]],
        "flags": {k: ([{"key": h, "count": n, "from": at.isoformat()} for h, n, at in v] if isinstance(v, list) else v)
                  for k, v in d["flags"].items()},
    })


@bp.app_template_global()
def survey_qr_svg(url: str):
    """An inline SVG QR code (no scripts, no external image)."""
    import segno
    from markupsafe import Markup

    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=2, title=None))
