"""Mitigation measures (化解措施) of a risk item: text, responsible unit, deadline, status."""
from __future__ import annotations

from datetime import datetime

from consult.audit.services import record, snapshot
from consult.extensions import db
from consult.permissions import require
from consult.register.models import Measure, MeasureStatus, RiskItem

MEASURE_FIELDS = ("text", "responsible_unit", "deadline", "status", "done_at")


def _snap(measure: Measure) -> dict:
    values = snapshot(measure, MEASURE_FIELDS)
    values["deadline"] = measure.deadline.isoformat() if measure.deadline else None
    return values


def _apply(measure: Measure, values: dict, now: datetime) -> None:
    measure.text, measure.responsible_unit = values["text"], values["responsible_unit"]
    measure.deadline = values["deadline"]
    status = values["status"]
    if status == MeasureStatus.DONE and measure.status != MeasureStatus.DONE:
        measure.done_at = now
    elif status != MeasureStatus.DONE:
        measure.done_at = None
    measure.status = status


def add_measure(item: RiskItem, *, actor, values: dict, now: datetime) -> Measure:
    require(actor, "matter.analyse", item)
    measure = Measure(item=item, text="", responsible_unit="", status=MeasureStatus.PLANNED)
    _apply(measure, values, now)
    db.session.add(measure)
    db.session.flush()
    record(actor=actor, action="risk_measure.add", obj=measure, matter_id=item.matter_id, before=None,
           after={**_snap(measure), "item_id": item.id})
    return measure


def update_measure(measure: Measure, *, actor, values: dict, now: datetime) -> Measure:
    require(actor, "matter.analyse", measure)
    before = _snap(measure)
    _apply(measure, values, now)
    after = _snap(measure)
    if after != before:
        record(actor=actor, action="risk_measure.update", obj=measure, matter_id=measure.item.matter_id,
               before=before, after=after)
    return measure


def delete_measure(measure: Measure, *, actor, now: datetime) -> RiskItem:
    require(actor, "matter.analyse", measure)
    item = measure.item
    record(actor=actor, action="risk_measure.delete", obj=measure, matter_id=item.matter_id,
           before={**_snap(measure), "item_id": item.id}, after=None)
    item.measures.remove(measure)
    db.session.flush()
    return item
