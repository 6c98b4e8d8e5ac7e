"""Oversight pages for supervisors (their organisations) and admins (all): the ledger (台账)."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.matters.models import KIND_LABELS, PROCEDURE_LABELS
from consult.oversight import exports, filters, ledger
from consult.permissions import require
from consult.register.models import RISK_LEVEL_LABELS
from consult.reports.models import OUTCOME_LABELS, STAGE_LABELS, STAGE_ORDER

bp = Blueprint("oversight", __name__, url_prefix="/oversight")


@bp.before_request
@login_required
def _overseers_only():
    require(current_user, "oversight.view")


def _filters():
    ids = ledger.scope_ids(current_user)
    return filters.parse(request.args, None if ids is None else set(ids))


@bp.route("/ledger")
def ledger_page():
    f, errors = _filters()
    rows, total = ledger.ledger(current_user, f)
    pages = max(1, -(-total // ledger.PAGE_SIZE))
    return render_template(
        "oversight/ledger.html", rows=rows, total=total, f=f, errors=errors, pages=pages,
        organisations=ledger.organisations(current_user), areas=ledger.areas(current_user),
        kinds=KIND_LABELS, procedures=PROCEDURE_LABELS, levels=RISK_LEVEL_LABELS, outcomes=OUTCOME_LABELS,
        filing_states=ledger.FILING_STATES, stages=[(s, STAGE_LABELS[s]) for s in STAGE_ORDER],
        query={k: v for k, v in request.args.items() if k != "page"},
    ), 422 if errors else 200


@bp.route("/ledger.xlsx")
def ledger_xlsx():
    f, errors = _filters()
    if errors:
        return Response("\n".join(errors), status=422, mimetype="text/plain; charset=utf-8")
    rows, _total = ledger.ledger(current_user, f, paged=False)
    data = exports.ledger_xlsx(rows, _("社会稳定风险评估工作台账"))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=ledger.xlsx"})
