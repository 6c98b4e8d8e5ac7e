"""Risk items: promote curated points, edit, grade by the matrix, residual level after measures.

Services follow the house pattern: require() first, change, audit with before/after, flush.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from consult.analysis.models import PointState, RiskPoint, Voice
from consult.analysis.pipeline import resources
from consult.audit.services import record, snapshot
from consult.extensions import db
from consult.permissions import require
from consult.register import matrix
from consult.register.models import RiskItem, RiskLevel, risk_item_points

OTHER_AREA = "其他"
DIMENSIONS = ("合法性", "合理性", "可行性", "可控性", "安全性")
ITEM_FIELDS = ("title", "description", "area", "dimension", "affected_groups", "affected_size")
GRADE_FIELDS = ("likelihood", "severity", "level")
RESIDUAL_FIELDS = ("residual_likelihood", "residual_severity", "residual_level", "residual_reason")


class RegisterError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@lru_cache(maxsize=1)
def _taxonomy_areas() -> tuple[str, ...]:
    return tuple(a for a in resources.taxonomy()["areas"] if a != OTHER_AREA)


def areas() -> list[str]:
    """The eight official areas of the engine's taxonomy, then 其他."""
    return [*_taxonomy_areas(), OTHER_AREA]


def bands() -> tuple[matrix.Band, ...]:
    return matrix.check_bands(current_app.config.get("RISK_MATRIX") or matrix.DEFAULT_BANDS)


def level_for(likelihood: int, severity: int) -> RiskLevel:
    return RiskLevel(matrix.level_of(likelihood, severity, bands()))


def items_of(matter_id: int) -> list[RiskItem]:
    return list(db.session.scalars(select(RiskItem).options(selectinload(RiskItem.measures))
                                   .where(RiskItem.matter_id == matter_id).order_by(RiskItem.number, RiskItem.id)))


def promotable_points(matter_id: int) -> list[RiskPoint]:
    """Curated points not dismissed or merged away and not yet on the register."""
    on_register = select(risk_item_points.c.risk_point_id)
    stmt = (select(RiskPoint).where(RiskPoint.matter_id == matter_id,
                                    RiskPoint.state.in_([PointState.CANDIDATE, PointState.CONFIRMED]),
                                    RiskPoint.id.not_in(on_register))
            .order_by(RiskPoint.weight.desc(), RiskPoint.id))
    return list(db.session.scalars(stmt))


def _evidence_filter(item: RiskItem):
    ids = [p.id for p in item.points]
    return (Voice.matter_id == item.matter_id, Voice.point_id.in_(ids), Voice.is_excluded.is_(False))


def evidence_count(item: RiskItem) -> int:
    """Live: the texts now in the item's points (moved or excluded texts drop out at once)."""
    return db.session.scalar(select(func.count(Voice.id)).where(*_evidence_filter(item))) or 0


def evidence_counts(items: list[RiskItem]) -> dict[int, int]:
    point_item = {p.id: i.id for i in items for p in i.points}
    counts = dict.fromkeys((i.id for i in items), 0)
    if point_item:
        stmt = (select(Voice.point_id, func.count(Voice.id))
                .where(Voice.matter_id == items[0].matter_id, Voice.point_id.in_(list(point_item)),
                       Voice.is_excluded.is_(False)).group_by(Voice.point_id))
        for point_id, n in db.session.execute(stmt):
            counts[point_item[point_id]] += n
    return counts


def evidence(item: RiskItem, *, page: int, per_page: int = 50) -> list[Voice]:
    stmt = (select(Voice).options(selectinload(Voice.point)).where(*_evidence_filter(item))
            .order_by(Voice.occurred_at, Voice.id)
            .offset((page - 1) * per_page).limit(per_page))
    return list(db.session.scalars(stmt))


def _check_points(matter, points: list[RiskPoint]) -> None:
    if not points:
        raise RegisterError(_("请至少选择一个风险点。"), "points")
    allowed = {p.id for p in promotable_points(matter.id)}
    for p in points:
        if p.matter_id != matter.id or p.id not in allowed:
            raise RegisterError(_("风险点“%(t)s”已列入清单、已排除或已合并，不能再列入。", t=p.title), "points")


def promote_points(matter, points: list[RiskPoint], *, actor, title: str, now: datetime) -> RiskItem:
    """One risk item from one point, or from several merged into one item."""
    require(actor, "matter.analyse", matter)
    _check_points(matter, points)
    first = points[0]
    number = (db.session.scalar(select(func.max(RiskItem.number)).where(RiskItem.matter_id == matter.id)) or 0) + 1
    item = RiskItem(matter_id=matter.id, number=number, title=title or first.title,
                    description="\n\n".join(p.description for p in points if p.description),
                    area=first.area if first.area in areas() else "",
                    dimension=first.dimension if first.dimension in DIMENSIONS else "",
                    affected_groups="", created_by_id=actor.id)
    item.points = list(points)
    db.session.add(item)
    for p in points:
        if p.state == PointState.CANDIDATE:
            p.state = PointState.CONFIRMED
            record(actor=actor, action="risk_point.confirm", obj=p, matter_id=matter.id,
                   before={"state": "candidate"}, after={"state": "confirmed"}, note="列入风险清单")
    record(actor=actor, action="risk_item.promote", obj=item, matter_id=matter.id, before=None,
           after={**snapshot(item, ITEM_FIELDS), "number": number, "point_ids": [p.id for p in points]})
    return item


def update_item(item: RiskItem, *, actor, values: dict, now: datetime) -> RiskItem:
    require(actor, "matter.analyse", item)
    if values["area"] not in areas():
        raise RegisterError(_("请选择风险领域。"), "area")
    if values["dimension"] not in DIMENSIONS:
        raise RegisterError(_("请选择评估维度。"), "dimension")
    before = snapshot(item, ITEM_FIELDS)
    for name in ITEM_FIELDS:
        setattr(item, name, values[name])
    after = snapshot(item, ITEM_FIELDS)
    if after != before:
        record(actor=actor, action="risk_item.update", obj=item, matter_id=item.matter_id, before=before, after=after)
    return item


def grade_item(item: RiskItem, *, actor, likelihood: int, severity: int, now: datetime) -> RiskItem:
    require(actor, "matter.analyse", item)
    before = snapshot(item, GRADE_FIELDS)
    item.likelihood, item.severity = likelihood, severity
    item.level = level_for(likelihood, severity)
    after = snapshot(item, GRADE_FIELDS)
    if after != before:
        record(actor=actor, action="risk_item.grade", obj=item, matter_id=item.matter_id, before=before, after=after,
               note=f"{likelihood}×{severity}={likelihood * severity}")
    return item


def set_residual(item: RiskItem, *, actor, likelihood: int, severity: int, reason: str, now: datetime) -> RiskItem:
    """The level expected once the measures work; the reason is required."""
    require(actor, "matter.analyse", item)
    if item.level is None:
        raise RegisterError(_("请先评定初始风险（可能性和后果损失程度），再评定残余风险。"), "residual_likelihood")
    if not (reason or "").strip():
        raise RegisterError(_("请说明残余风险等级的理由。"), "reason")
    before = snapshot(item, RESIDUAL_FIELDS)
    item.residual_likelihood, item.residual_severity = likelihood, severity
    item.residual_level, item.residual_reason = level_for(likelihood, severity), reason
    after = snapshot(item, RESIDUAL_FIELDS)
    if after != before:
        record(actor=actor, action="risk_item.residual", obj=item, matter_id=item.matter_id, before=before, after=after,
               note=f"{likelihood}×{severity}={likelihood * severity}")
    return item



def link_points(item: RiskItem, points: list[RiskPoint], *, actor, now: datetime) -> RiskItem:
    """Add more curated points to an existing item (their texts become its evidence)."""
    require(actor, "matter.analyse", item)
    _check_points(item.matter, points)
    before = sorted(p.id for p in item.points)
    item.points = [*item.points, *points]
    for p in points:
        if p.state == PointState.CANDIDATE:
            p.state = PointState.CONFIRMED
            record(actor=actor, action="risk_point.confirm", obj=p, matter_id=item.matter_id,
                   before={"state": "candidate"}, after={"state": "confirmed"}, note="列入风险清单")
    record(actor=actor, action="risk_item.link", obj=item, matter_id=item.matter_id, before={"point_ids": before},
           after={"point_ids": sorted(p.id for p in item.points)})
    return item


def unlink_point(item: RiskItem, point: RiskPoint, *, actor, now: datetime) -> RiskItem:
    """Take one point out of an item; the point stays confirmed and can be promoted again."""
    require(actor, "matter.analyse", item)
    if point not in item.points:
        raise RegisterError(_("该风险点不在此风险项中。"))
    if len(item.points) == 1:
        raise RegisterError(_("风险项至少要关联一个风险点；如不再需要，请将整个风险项移出清单。"))
    before = sorted(p.id for p in item.points)
    item.points = [p for p in item.points if p.id != point.id]
    record(actor=actor, action="risk_item.unlink", obj=item, matter_id=item.matter_id, before={"point_ids": before},
           after={"point_ids": sorted(p.id for p in item.points)}, note=point.title)
    return item


def remove_item(item: RiskItem, *, actor, reason: str, now: datetime) -> int:
    """Take an item out of the register with a reason; its measures go with it, its points become
    promotable again. Report versions already made keep their own copy. Returns the matter id."""
    require(actor, "matter.analyse", item)
    reason = (reason or "").strip()
    if not reason:
        raise RegisterError(_("请说明移出清单的理由。"), "reason")
    before = {**snapshot(item, ITEM_FIELDS + GRADE_FIELDS + RESIDUAL_FIELDS), "number": item.number,
              "point_ids": sorted(p.id for p in item.points),
              "measures": [{"text": m.text, "responsible_unit": m.responsible_unit,
                            "deadline": m.deadline.isoformat() if m.deadline else None, "status": m.status.value}
                           for m in item.measures]}
    matter_id = item.matter_id
    record(actor=actor, action="risk_item.remove", obj=item, matter_id=matter_id, before=before, after=None,
           note=reason)
    db.session.delete(item)
    return matter_id
