"""Oversight pages for supervisors (their organisations) and admins (all): the ledger (台账)."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.matters.models import KIND_LABELS, PROCEDURE_LABELS
from consult.jobs import commit
from consult.models import utcnow
from consult.oversight import exports, filters, ledger, plan
from consult.oversight import ledger_pdf as ledger_pdf_module
from consult.permissions import require
from consult.register.models import RISK_LEVEL_LABELS
from consult.reports.models import OUTCOME_LABELS, STAGE_LABELS, STAGE_ORDER
from consult.timeutil import to_local

bp = Blueprint("oversight", __name__, url_prefix="/oversight")


@bp.before_request
@login_required
def _overseers_only():
    require(current_user, "oversight.view")


def _filters():
    ids = ledger.scope_ids(current_user)
    return filters.parse(request.args, None if ids is None else set(ids))


def _plan_vs_done(f: ledger.Filters):
    """The plan vs done table of the filtered year (this year without a year filter)."""
    year = f.year or to_local(utcnow()).year
    orgs = [o for o in ledger.organisations(current_user) if f.organisation_id in (None, o.id)]
    rows = [p for p in plan.progress(orgs, year) if p.planned or p.unplanned]
    return year, rows


@bp.route("/ledger")
def ledger_page():
    f, errors = _filters()
    rows, total = ledger.ledger(current_user, f)
    pages = max(1, -(-total // ledger.PAGE_SIZE))
    plan_year, progress = _plan_vs_done(f)
    return render_template(
        "oversight/ledger.html", rows=rows, total=total, f=f, errors=errors, pages=pages,
        organisations=ledger.organisations(current_user), areas=ledger.areas(current_user),
        kinds=KIND_LABELS, procedures=PROCEDURE_LABELS, levels=RISK_LEVEL_LABELS, outcomes=OUTCOME_LABELS,
        filing_states=ledger.FILING_STATES, stages=[(s, STAGE_LABELS[s]) for s in STAGE_ORDER],
        query={k: v for k, v in request.args.items() if k != "page"},
        plan_year=plan_year, progress=progress,
    ), 422 if errors else 200


def _bad_filters(errors: list[str]) -> Response:
    return Response("\n".join(errors), status=422, mimetype="text/plain; charset=utf-8")


@bp.route("/ledger.xlsx")
def ledger_xlsx():
    return _export("xlsx")


@bp.route("/ledger.pdf")
def ledger_pdf():
    return _export("pdf")


def _export(fmt: str):
    """The filtered ledger as a file, made in the request up to SYNC_ROWS rows; above, a page offers
    the tracked job (the PDF also stops at MAX_ROWS)."""
    f, errors = _filters()
    if errors:
        return _bad_filters(errors)
    _rows, total = ledger.ledger(current_user, f)  # the count first: a large ledger goes to a job
    if fmt == "pdf" and total > ledger_pdf_module.MAX_ROWS:
        return _too_many(total)
    if total > ledger_pdf_module.SYNC_ROWS:
        return render_template("oversight/ledger_pdf_job.html", total=total, query=request.args,
                               sync_rows=ledger_pdf_module.SYNC_ROWS, fmt=fmt)
    rows, total = ledger.ledger(current_user, f, paged=False)
    if fmt == "xlsx":
        return Response(exports.ledger_xlsx(rows, _("社会稳定风险评估工作台账")), mimetype=ledger_pdf_module.XLSX_MIME,
                        headers={"Content-Disposition": "attachment; filename=ledger.xlsx"})
    data = ledger_pdf_module.ledger_pdf(current_user, f, rows, total, utcnow())
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": "inline; filename=ledger.pdf"})


@bp.route("/ledger.pdf", methods=["POST"])
def ledger_pdf_job():
    return _export_job("pdf")


@bp.route("/ledger.xlsx", methods=["POST"])
def ledger_xlsx_job():
    return _export_job("xlsx")


def _export_job(fmt: str):
    f, errors = _filters()
    if errors:
        return _bad_filters(errors)
    _rows, total = ledger.ledger(current_user, f)
    if fmt == "pdf" and total > ledger_pdf_module.MAX_ROWS:
        return _too_many(total)
    start = ledger_pdf_module.start_pdf_job if fmt == "pdf" else ledger_pdf_module.start_xlsx_job
    job = start(actor=current_user, args=request.args, total=total)
    commit()
    return redirect(url_for("jobs.status", job_id=job.id), 303)


def _too_many(total: int) -> Response:
    return Response(_("筛选结果共 %(n)s 项，超过打印版上限 %(max)s 项；请先按单位、区县或年份筛选，或导出 Excel。",
                      n=total, max=ledger_pdf_module.MAX_ROWS), status=422, mimetype="text/plain; charset=utf-8")
