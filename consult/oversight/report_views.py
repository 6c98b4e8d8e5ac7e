"""Monthly statistics (月报表) and the stability index (平安稳定指数) pages."""
from __future__ import annotations

import unicodedata

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from consult.matters.models import KIND_LABELS
from consult.models import utcnow
from consult.extensions import db
from consult.jobs import commit
from consult.oversight import charts, closing, exports, stability, stats
from consult.oversight.forms import CloseMonthForm
from consult.oversight.months import Month
from consult.permissions import is_admin, require
from consult.register.models import RISK_LEVEL_LABELS
from consult.reports.models import OUTCOME_LABELS
from consult.timeutil import to_local

bp = Blueprint("oversight_reports", __name__, url_prefix="/oversight")


@bp.before_request
@login_required
def _overseers_only():
    require(current_user, "oversight.view")


def _month() -> tuple[Month, str | None]:
    raw = request.args.get("month", "").strip()
    default = Month.of(to_local(utcnow()).date())
    if not raw:
        return default, None
    try:
        return Month.parse(raw), None
    except ValueError as exc:
        return default, str(exc)


def _monthly_page(month: Month, error: str | None, form: CloseMonthForm | None = None, status: int = 200):
    versions = closing.snapshots(month)
    frozen = versions[-1] if versions and is_admin(current_user) and not request.args.get("live") else None
    data = closing.frozen_groups(frozen) if frozen else stats.report(current_user, month)
    districts = sorted(data["districts"].values(), key=lambda g: g.name)
    form = form or CloseMonthForm(formdata=None, data={"month": str(month)})
    return render_template(
        "oversight/monthly.html", month=month, error=error, data=data, districts=districts,
        bodies=sorted(data["bodies"].values(), key=lambda g: g.name), total=data["total"].get("全部", stats.Group("全部")),
        targets=stats.targets(), chart=Markup(charts.level_bars(districts)) if districts else None,
        kinds=KIND_LABELS, levels=RISK_LEVEL_LABELS, outcomes=OUTCOME_LABELS, versions=versions, frozen=frozen,
        form=form, can_close=is_admin(current_user), raw_month=request.args.get("month", ""),
    ), (422 if error else status)


@bp.route("/monthly")
def monthly():
    month, error = _month()
    return _monthly_page(month, error)


@bp.route("/monthly/close", methods=["POST"])
def monthly_close():
    require(current_user, "oversight.close")
    form = CloseMonthForm()
    month = None
    if form.validate_on_submit():
        try:
            month = Month.parse(form.month.data)
            closing.close_month(month, actor=current_user, now=utcnow(), reason=form.reason.data or "")
        except ValueError as exc:  # a bad month or a ClosingError
            form.month.errors = [*form.month.errors, str(exc)]
        else:
            commit()
            flash(_("%(m)s 已关账。", m=str(month)), "success")
            return redirect(url_for("oversight_reports.monthly", month=str(month)), 303)
    db.session.rollback()
    shown = month or Month.of(to_local(utcnow()).date())
    return _monthly_page(shown, None, form, 422)


@bp.route("/monthly.xlsx")
def monthly_xlsx():
    month, error = _month()
    if error:
        return Response(error, status=422, mimetype="text/plain; charset=utf-8")
    data = exports.monthly_xlsx(stats.report(current_user, month), month, stats.targets())
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=monthly-{month}.xlsx"})


def _district() -> tuple[str | None, str | None]:
    """The optional ?district= whose recorded history to show: (name, error)."""
    raw = request.args.get("district", "").strip()
    if not raw:
        return None, None
    if len(raw) > 200:
        return None, _("区县名称不能超过 200 个字。")
    if any(unicodedata.category(c) == "Cc" for c in raw):
        return None, _("区县名称含有无效的控制字符。")
    return raw, None


@bp.route("/index")
def index_page():
    month, error = _month()
    district, district_error = _district()
    history = stability.trend(current_user, month)
    rows = history[-1][1]
    series = [(m, {r["district"]: r["index"] for r in month_rows}) for m, month_rows in history]
    admin = is_admin(current_user)
    return render_template(
        "oversight/index.html", month=month, error=error or district_error, rows=rows, series=series,
        formula=stability.formula(), current_hash=stability.formula_hash(),
        recorded=stability.history(month=month) if admin else [], district=district,
        district_history=stability.history(district=district) if admin and district else [], can_see_history=admin,
        chart=Markup(charts.index_bars(rows)) if rows else None, raw_month=request.args.get("month", ""),
    ), 422 if error or district_error else 200
