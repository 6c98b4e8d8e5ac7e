"""Closing a month (关账): freeze the monthly figures and the index of every district; corrections
after closing are new versions with a reason, audit-logged with the totals before and after.
Closing also records the index figures in the history (stability.record, IndexFigure).
Snapshots taken before a figure existed lack its key: frozen_groups reads them with zeros."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.audit.services import record
from consult.extensions import db
from consult.oversight import stability, stats
from consult.oversight.models import MonthSnapshot
from consult.oversight.months import Month
from consult.permissions import require
from consult.timeutil import to_local


class ClosingError(ValueError):
    pass


def snapshots(month: Month) -> list[MonthSnapshot]:
    return list(db.session.scalars(select(MonthSnapshot).where(MonthSnapshot.month == str(month))
                                   .order_by(MonthSnapshot.version)))


def _totals(figures: dict) -> dict:
    total = figures.get("total", {}).get("全部", {})
    return {k: total.get(k, 0) for k in ("assessed", "decided", "covered", "comments", "responses", "third_party",
                                         "residents")}


def close_month(month: Month, *, actor, now: datetime, reason: str) -> MonthSnapshot:
    require(actor, "oversight.close")
    if month.next().first_day > to_local(now).date():
        raise ClosingError(_("只能在月份结束后关账。"))
    reason = reason.strip()
    latest = db.session.scalar(select(func.max(MonthSnapshot.version)).where(MonthSnapshot.month == str(month)))
    if latest and not reason:
        raise ClosingError(_("该月已关账；更正须说明理由。"))
    report = stats.report(None, month, now=now)
    figures = {part: {name: g.as_dict() for name, g in groups.items()} for part, groups in report.items()}
    rows = stability.compute(None, month, now=now)
    stability.record(month, now=now, actor=actor, rows=rows)
    snap = MonthSnapshot(month=str(month), version=(latest or 0) + 1, figures=figures, index_rows=rows,
                         formula_version=str(stability.formula().get("version", "")), reason=reason,
                         created_by_id=actor.id, created_at=now)
    before = None
    if latest:
        previous = db.session.scalar(select(MonthSnapshot).where(MonthSnapshot.month == str(month),
                                                                 MonthSnapshot.version == latest))
        before = {"version": latest, **_totals(previous.figures)}
    db.session.add(snap)
    record(actor=actor, action="oversight.correct" if latest else "oversight.close", obj=snap, matter_id=None,
           before=before, after={"month": str(month), "version": snap.version, **_totals(figures)},
           note=reason or None)
    return snap


def frozen_groups(snap: MonthSnapshot) -> dict[str, dict[str, stats.Group]]:
    """The snapshot's figures as stats.Group objects, so the page renders them like live ones."""
    return {part: {name: stats.Group.from_dict({**d, "name": name}) for name, d in groups.items()}
            for part, groups in snap.figures.items()}
