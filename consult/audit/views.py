"""The admin's log of changes that belong to no matter (accounts, organisations); each matter's log
is on the matter's pages. Filters: who, what, when (Beijing dates)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user, login_required

from consult.audit.pages import read_filter, render_log
from consult.permissions import require

bp = Blueprint("audit", __name__)


@bp.route("/admin/audit")
@login_required
def admin_log():
    require(current_user, "admin.manage", None)
    return render_log("audit/admin.html", read_filter(without_matter=True))
