"""Staff pages of the risk register (风险点清单): matrix heat map, table, items, measures."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.analysis.models import RiskPoint
from consult.extensions import db
from consult.jobs import commit
from consult.matters.models import Matter
from consult.models import utcnow
from consult.permissions import can, require
from consult.register import heatmap, items, matrix, measures
from consult.register.forms import (ConfirmForm, GradeForm, ItemForm, LinkPointsForm, MeasureForm, PromoteForm,
                                    RemoveItemForm, ResidualForm)
from consult.register.models import RISK_LEVEL_LABELS, Measure, RiskItem

bp = Blueprint("register", __name__, url_prefix="/staff")
EVIDENCE_PER_PAGE = 50


@bp.before_request
@login_required
def _staff_only():
    return None


def _promote_form(matter) -> PromoteForm:
    form = PromoteForm()
    form.points.choices = [(str(p.id), p.title) for p in items.promotable_points(matter.id)]
    return form


def _matrix_context() -> dict:
    """The bands in force, their labels and a level_of(l, s) helper for the page's examples."""
    bands = items.bands()
    return {"bands": bands, "level_labels": {lv.value: str(t) for lv, t in RISK_LEVEL_LABELS.items()},
            "level_of": lambda lk, sv: matrix.level_of(lk, sv, bands)}


def _register_page(matter, promote_form=None, code=200):
    rows = items.items_of(matter.id)
    ctx = _matrix_context()
    return render_template(
        "register/register.html", matter=matter, items=rows, counts=items.evidence_counts(rows),
        map=heatmap.layout(rows, ctx["bands"]), promote_form=promote_form or _promote_form(matter),
        can_edit=can(current_user, "matter.analyse", matter), now=utcnow(), **ctx), code


@bp.route("/matters/<int:matter_id>/register")
def register_page(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.view", matter)
    return _register_page(matter)


@bp.route("/matters/<int:matter_id>/register/promote", methods=["POST"])
def promote(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.analyse", matter)
    form = _promote_form(matter)
    if not form.validate_on_submit():
        return _register_page(matter, form, 422)
    points = [db.session.get(RiskPoint, int(v)) for v in form.points.data]
    try:
        item = items.promote_points(matter, points, actor=current_user, title=form.title.data or "", now=utcnow())
    except items.RegisterError as exc:
        db.session.rollback()
        form.points.errors = [*form.points.errors, str(exc)]
        return _register_page(matter, form, 422)
    commit()
    flash(_("已列入风险清单：第 %(n)s 项。请补充描述并评定风险等级。", n=item.number), "success")
    return redirect(url_for("register.item_page", item_id=item.id))


def _item_forms(item: RiskItem) -> dict:
    edit = ItemForm(obj=item, formdata=None)
    edit.affected_size.data = str(item.affected_size) if item.affected_size is not None else ""
    grade = GradeForm(formdata=None, likelihood=str(item.likelihood or ""), severity=str(item.severity or ""))
    residual = ResidualForm(formdata=None, residual_likelihood=str(item.residual_likelihood or ""),
                            residual_severity=str(item.residual_severity or ""), reason=item.residual_reason or "")
    return {"edit_form": edit, "grade_form": grade, "residual_form": residual, "remove_form": RemoveItemForm(formdata=None),
            "measure_form": MeasureForm(formdata=None),
            "measure_forms": {m.id: _measure_form(m) for m in item.measures}}


def _measure_form(m: Measure) -> MeasureForm:
    form = MeasureForm(formdata=None, obj=m, prefix=f"m{m.id}")
    form.deadline.data = m.deadline.isoformat() if m.deadline else ""
    form.status.data = m.status.value
    return form


def _link_form(item: RiskItem, form: LinkPointsForm | None = None) -> LinkPointsForm:
    form = form or LinkPointsForm(formdata=None)
    form.points.choices = [(str(p.id), p.title) for p in items.promotable_points(item.matter_id)]
    return form


def _choices(form: ItemForm) -> ItemForm:
    form.area.choices = [("", _("请选择"))] + [(a, a) for a in items.areas()]
    form.dimension.choices = [("", _("请选择"))] + [(d, d) for d in items.DIMENSIONS]
    return form


def _item_page(item: RiskItem, code=200, **forms):
    page = max(1, request.args.get("page", 1, type=int))
    ctx = _item_forms(item)
    edited = forms.pop("edit_measure", None)
    if edited:
        ctx["measure_forms"][edited[0]] = edited[1]
    ctx.update(forms)
    _choices(ctx["edit_form"])
    ctx["link_form"] = _link_form(item, ctx.get("link_form"))
    return render_template(
        "register/item.html", item=item, matter=item.matter, page=page, per_page=EVIDENCE_PER_PAGE,
        evidence=items.evidence(item, page=page, per_page=EVIDENCE_PER_PAGE), total=items.evidence_count(item),
        can_edit=can(current_user, "matter.analyse", item), confirm_form=ConfirmForm(),
        **_matrix_context(), **ctx), code


def _item(item_id: int, action: str = "matter.view") -> RiskItem:
    item = db.get_or_404(RiskItem, item_id)
    require(current_user, action, item)
    return item


@bp.route("/register/items/<int:item_id>")
def item_page(item_id: int):
    return _item_page(_item(item_id))


def _done(item: RiskItem, message: str, anchor: str):
    commit()
    flash(message, "success")
    return redirect(url_for("register.item_page", item_id=item.id, _anchor=anchor))


def _refused(item: RiskItem, form, exc: items.RegisterError, key: str):
    db.session.rollback()
    target = getattr(form, exc.field or "", None)
    if target is None:
        flash(str(exc), "error")
    else:
        target.errors = [*target.errors, str(exc)]
    return _item_page(item, 422, **{key: form})


@bp.route("/register/items/<int:item_id>", methods=["POST"])
def item_edit(item_id: int):
    item = _item(item_id, "matter.analyse")
    form = _choices(ItemForm())
    if not form.validate_on_submit():
        return _item_page(item, 422, edit_form=form)
    try:
        items.update_item(item, actor=current_user, values=form.values(), now=utcnow())
    except items.RegisterError as exc:
        return _refused(item, form, exc, "edit_form")
    return _done(item, _("风险项已保存。"), "edit")


@bp.route("/register/items/<int:item_id>/grade", methods=["POST"])
def item_grade(item_id: int):
    item = _item(item_id, "matter.analyse")
    form = GradeForm()
    if not form.validate_on_submit():
        return _item_page(item, 422, grade_form=form)
    items.grade_item(item, actor=current_user, likelihood=int(form.likelihood.data),
                     severity=int(form.severity.data), now=utcnow())
    return _done(item, _("风险等级已评定：%(l)s。", l=item.level_label), "grade")


@bp.route("/register/items/<int:item_id>/residual", methods=["POST"])
def item_residual(item_id: int):
    item = _item(item_id, "matter.analyse")
    form = ResidualForm()
    if not form.validate_on_submit():
        return _item_page(item, 422, residual_form=form)
    try:
        items.set_residual(item, actor=current_user, likelihood=int(form.residual_likelihood.data),
                           severity=int(form.residual_severity.data), reason=form.reason.data, now=utcnow())
    except items.RegisterError as exc:
        return _refused(item, form, exc, "residual_form")
    return _done(item, _("残余风险已评定：%(l)s。", l=item.residual_level_label), "residual")


@bp.route("/register/items/<int:item_id>/measures", methods=["POST"])
def measure_add(item_id: int):
    item = _item(item_id, "matter.analyse")
    form = MeasureForm()
    if not form.validate_on_submit():
        return _item_page(item, 422, measure_form=form)
    measures.add_measure(item, actor=current_user, values=form.values(), now=utcnow())
    return _done(item, _("化解措施已添加。"), "measures")


def _measure(measure_id: int) -> Measure:
    measure = db.get_or_404(Measure, measure_id)
    require(current_user, "matter.analyse", measure)
    return measure


@bp.route("/register/measures/<int:measure_id>", methods=["POST"])
def measure_edit(measure_id: int):
    measure = _measure(measure_id)
    form = MeasureForm(prefix=f"m{measure.id}")
    if not form.validate_on_submit():
        return _item_page(measure.item, 422, edit_measure=(measure.id, form))
    measures.update_measure(measure, actor=current_user, values=form.values(), now=utcnow())
    return _done(measure.item, _("化解措施已更新。"), f"m{measure.id}")


@bp.route("/register/measures/<int:measure_id>/delete", methods=["POST"])
def measure_delete(measure_id: int):
    measure = _measure(measure_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    item = measures.delete_measure(measure, actor=current_user, now=utcnow())
    return _done(item, _("化解措施已删除。"), "measures")


@bp.route("/register/items/<int:item_id>/points", methods=["POST"])
def item_link(item_id: int):
    item = _item(item_id, "matter.analyse")
    form = _link_form(item, LinkPointsForm())
    if not form.validate_on_submit():
        return _item_page(item, 422, link_form=form)
    points = [db.session.get(RiskPoint, int(v)) for v in form.points.data]
    try:
        items.link_points(item, points, actor=current_user, now=utcnow())
    except items.RegisterError as exc:
        return _refused(item, form, exc, "link_form")
    return _done(item, _("已关联 %(n)s 个风险点。", n=len(points)), "points")


@bp.route("/register/items/<int:item_id>/points/<int:point_id>/unlink", methods=["POST"])
def item_unlink(item_id: int, point_id: int):
    item = _item(item_id, "matter.analyse")
    point = db.get_or_404(RiskPoint, point_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        items.unlink_point(item, point, actor=current_user, now=utcnow())
    except items.RegisterError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _item_page(item, 422)
    return _done(item, _("已取消关联风险点“%(t)s”。", t=point.title), "points")


@bp.route("/register/items/<int:item_id>/remove", methods=["POST"])
def item_remove(item_id: int):
    item = _item(item_id, "matter.analyse")
    form = RemoveItemForm()
    if not form.validate_on_submit():
        return _item_page(item, 422, remove_form=form)
    number = item.number
    try:
        matter_id = items.remove_item(item, actor=current_user, reason=form.reason.data, now=utcnow())
    except items.RegisterError as exc:
        return _refused(item, form, exc, "remove_form")
    commit()
    flash(_("第 %(n)s 项已移出风险清单，其风险点可重新列入。", n=number), "success")
    return redirect(url_for("register.register_page", matter_id=matter_id))
