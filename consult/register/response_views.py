""""You said, we did": staff publish a public response per risk point; residents see it on the
notice page and on their receipts (template globals used by the notices, surveys and hearings
templates through small includes)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult.analysis.models import PointState, RiskPoint
from consult.extensions import db
from consult.jobs import commit
from consult.matters.models import Matter
from consult.models import utcnow
from consult.permissions import can, require
from consult.register import responses
from consult.register.forms import ConfirmForm, ResponseForm
from consult.register.items import RegisterError

bp = Blueprint("responses", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def _staff_only():
    return None


def _points(matter_id: int) -> list[RiskPoint]:
    stmt = (select(RiskPoint).where(RiskPoint.matter_id == matter_id, RiskPoint.state != PointState.MERGED)
            .order_by(RiskPoint.weight.desc(), RiskPoint.id))
    return list(db.session.scalars(stmt))


def _page(matter, *, failed: tuple[int, ResponseForm] | None = None):
    """The responses page; with a failed form it is the 422 answer to that form."""
    points = _points(matter.id)
    forms = {p.id: ResponseForm(formdata=None, prefix=f"p{p.id}", text=p.public_response or "") for p in points}
    if failed:
        forms[failed[0]] = failed[1]
    return render_template("register/responses.html", matter=matter, points=points, forms=forms,
                           confirm_form=ConfirmForm(), can_edit=can(current_user, "matter.analyse", matter)), \
        422 if failed else 200


@bp.route("/matters/<int:matter_id>/responses")
def responses_page(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.view", matter)
    return _page(matter)


def _point(point_id: int) -> RiskPoint:
    point = db.get_or_404(RiskPoint, point_id)
    require(current_user, "matter.analyse", point)
    return point


@bp.route("/risk-points/<int:point_id>/response", methods=["POST"])
def response_publish(point_id: int):
    point = _point(point_id)
    form = ResponseForm(prefix=f"p{point.id}")
    if not form.validate_on_submit():
        return _page(point.matter, failed=(point.id, form))
    try:
        sent = responses.publish_response(point, actor=current_user, text=form.text.data, now=utcnow())
    except RegisterError as exc:
        db.session.rollback()
        form.text.errors = [*form.text.errors, str(exc)]
        return _page(point.matter, failed=(point.id, form))
    commit()
    flash(_("答复已公开。") + (_("已向 %(n)s 位留了手机号的居民发送短信通知。", n=len(sent)) if sent else ""), "success")
    return redirect(url_for("responses.responses_page", matter_id=point.matter_id, _anchor=f"p{point.id}"))


@bp.route("/risk-points/<int:point_id>/response/withdraw", methods=["POST"])
def response_withdraw(point_id: int):
    point = _point(point_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        responses.withdraw_response(point, actor=current_user, now=utcnow())
    except RegisterError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        commit()
        flash(_("答复已撤回，公示页和回执页不再显示。"), "success")
    return redirect(url_for("responses.responses_page", matter_id=point.matter_id, _anchor=f"p{point.id}"))


@bp.app_template_global()
def you_said_for_matter(matter_id: int):
    """[(point, number of texts)] with a published response, for the notice page."""
    return responses.published_for_matter(matter_id)


@bp.app_template_global()
def you_said_for_receipt(kind: str, obj):
    """Published responses to the points holding this receipt's texts."""
    return responses.published_for_receipt(kind, obj)
