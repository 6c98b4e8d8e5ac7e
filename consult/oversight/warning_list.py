"""Which warnings an actor sees, the list's filters, and its figures.

Scope: admins every warning; supervisors those of the organisations assigned to them; organisers
their organisations' matters; assessors the matters they are assigned to; anyone the warnings they
own. Figures count the warnings in scope after the population filters (district, level, matter),
not the state filters (status, overdue, escalated), which only narrow the rows shown.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Mapping, Optional

from flask_babel import gettext as _
from sqlalchemy import false, or_, select

from consult.auth.models import Role
from consult.extensions import db
from consult.oversight.models import RiskWarning, WarningLevel, WarningStatus
from consult.oversight.warnings import is_overdue, resolved_on_time

PAGE_SIZE = 100
MAX_TEXT = 100


@dataclass
class WarningFilters:
    status: Optional[WarningStatus] = None
    level: Optional[WarningLevel] = None
    overdue: bool = False
    escalated: bool = False
    district: str = ""
    matter_id: Optional[int] = None


def parse(args: Mapping[str, str]) -> tuple[WarningFilters, list[str]]:
    errors: list[str] = []
    get = lambda k: (args.get(k) or "").strip()  # noqa: E731
    f = WarningFilters(overdue=get("overdue") == "1", escalated=get("escalated") == "1")
    for name, cls, label in (("status", WarningStatus, _("状态")), ("level", WarningLevel, _("预警等级"))):
        raw = get(name)
        if raw:
            try:
                setattr(f, name, cls(raw))
            except ValueError:
                errors.append(_("%(label)s的取值无效。", label=label))
    district = get("district")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in district):
        errors.append(_("区县含有无效的控制字符。"))
    elif len(district) > MAX_TEXT:
        errors.append(_("区县不能超过 %(n)s 个字。", n=MAX_TEXT))
    else:
        f.district = district
    raw = get("matter_id")
    if raw:
        if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31:
            f.matter_id = int(raw)
        else:
            errors.append(_("事项编号无效。"))
    return f, errors


def _scope(stmt, actor):
    from consult.matters.models import Matter, matter_assessors

    if actor.role == Role.ADMIN:
        return stmt
    mine = RiskWarning.owner_id == actor.id
    if actor.role == Role.SUPERVISOR:
        ids = [o.id for o in actor.supervised]
        return stmt.where(or_(Matter.organisation_id.in_(ids) if ids else false(), mine))
    if actor.role == Role.ORGANISER:
        ids = list(actor.organisation_ids)
        return stmt.where(or_(Matter.organisation_id.in_(ids) if ids else false(), mine))
    if actor.role == Role.ASSESSOR:
        assigned = select(matter_assessors.c.matter_id).where(matter_assessors.c.user_id == actor.id)
        return stmt.where(or_(RiskWarning.matter_id.in_(assigned), mine))
    return stmt.where(mine)


def _population(actor, f: WarningFilters):
    from consult.matters.models import Matter

    stmt = select(RiskWarning).join(Matter, Matter.id == RiskWarning.matter_id)
    stmt = _scope(stmt, actor)
    if f.district:
        stmt = stmt.where(Matter.area == f.district)
    if f.level is not None:
        stmt = stmt.where(RiskWarning.level == f.level)
    if f.matter_id is not None:
        stmt = stmt.where(RiskWarning.matter_id == f.matter_id)
    # open ones first (the most overdue at the top), then closed ones; by deadline within each
    return stmt.order_by((RiskWarning.status == WarningStatus.CLOSED).asc(), RiskWarning.deadline, RiskWarning.id.desc())


def listing(actor, f: WarningFilters, today: date) -> tuple[list[RiskWarning], dict]:
    """Every row matching (state filters applied; the page slices them) and the figures of the population."""
    population = list(db.session.scalars(_population(actor, f)))
    rows = [w for w in population
            if (f.status is None or w.status == f.status) and (not f.overdue or is_overdue(w, today))
            and (not f.escalated or w.escalated_at is not None)]
    return rows, figures(population, today)


def figures(warnings: list[RiskWarning], today: date) -> dict:
    """raised, open, overdue, escalated, closed, resolved on time, and 风险预警化解率 =
    resolved on time ÷ (closed + open past the deadline), None when nothing is due yet."""
    closed = sum(1 for w in warnings if w.status == WarningStatus.CLOSED)
    overdue = sum(1 for w in warnings if is_overdue(w, today))
    on_time = sum(1 for w in warnings if resolved_on_time(w))
    due = closed + overdue
    return {"raised": len(warnings), "open": len(warnings) - closed, "overdue": overdue,
            "escalated": sum(1 for w in warnings if w.escalated_at is not None), "closed": closed,
            "resolved_on_time": on_time, "due": due,
            "rate": None if due == 0 else round(100.0 * on_time / due, 1)}


def districts(actor) -> list[str]:
    from consult.matters.models import Matter

    stmt = _scope(select(Matter.area).join(RiskWarning, RiskWarning.matter_id == Matter.id), actor)
    return sorted({a for a in db.session.scalars(stmt.distinct()) if a})
