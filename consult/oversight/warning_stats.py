"""Warning figures (预警统计) for a period of local dates, per district or per responsible body.

Fixed semantics (shared with the warnings pages):
  resolved on time (按期化解)  closed, resolved is True, local date of closed_at <= deadline
  overdue                      open and the day (as of) > deadline

For a period [start, end] (local dates, both included) and a day `today`; as_of = min(end, today):
  raised            warnings raised in the period
  closed            warnings closed in the period
  resolved_on_time  warnings closed in the period and resolved on time
  open_at_end       raised by as_of and not closed by as_of (still open at the period's end)
  overdue_at_end    of those, deadline < as_of
  settled           warnings whose outcome became final in the period: a warning settles on its
                    local closing date when closed by its deadline, otherwise on its deadline (when
                    the deadline passed unresolved — closed late or still open). Each warning settles
                    once, in one period; a warning not yet due and still open is not settled.
  settled_on_time   settled warnings that were resolved on time
  风险预警化解率 (rate) = settled_on_time ÷ settled; None when nothing settled in the period.

The rows are few (warnings, not responses): one query loads those that touch the period and the
counting is done in Python, where the local date of closed_at is exact on every database.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable, Optional

from sqlalchemy import or_, select

from consult.auth.models import Organisation
from consult.extensions import db
from consult.matters.models import Matter
from consult.models import utcnow
from consult.oversight.ledger import scope_ids
from consult.oversight.models import RiskWarning
from consult.timeutil import local_to_utc, to_local

NO_AREA = "（未填写区县）"


@dataclass
class WarningCounts:
    raised: int = 0
    closed: int = 0
    resolved_on_time: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0
    settled: int = 0
    settled_on_time: int = 0

    @property
    def rate(self) -> Optional[float]:
        """风险预警化解率: settled on time ÷ settled."""
        return self.settled_on_time / self.settled if self.settled else None

    def add(self, other: "WarningCounts") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rate": self.rate}

    @classmethod
    def from_dict(cls, d: Optional[dict]) -> "WarningCounts":
        """From a stored dict (a frozen month); older snapshots have none: all zero."""
        d = d or {}
        return cls(**{f.name: int(d.get(f.name, 0) or 0) for f in fields(cls)})


@dataclass(frozen=True)
class WarningRow:
    area: str
    organisation_id: int
    matter_id: int
    raised_on: date
    closed_on: Optional[date]
    deadline: date
    resolved: Optional[bool]

    @property
    def on_time(self) -> bool:
        return self.closed_on is not None and bool(self.resolved) and self.closed_on <= self.deadline

    def settled_on(self, today: date) -> Optional[date]:
        """The day its outcome became final, or None while it is open and not yet overdue."""
        if self.closed_on is not None and self.closed_on <= self.deadline:
            return self.closed_on
        if self.closed_on is not None or self.deadline < today:
            return self.deadline
        return None


def load(ids: Optional[list[int]], start: date, end: date, *, area: Optional[str] = None) -> list[WarningRow]:
    """Warnings of matters in scope that touch [start, end]: raised by the end and not closed before
    the start, or due or closed in the period."""
    lo, hi = local_to_utc(datetime(start.year, start.month, start.day)), _utc_day_end(end)
    stmt = (select(Matter.area, Matter.organisation_id, RiskWarning.matter_id, RiskWarning.raised_at,
                   RiskWarning.closed_at, RiskWarning.deadline, RiskWarning.resolved)
            .join(Matter, Matter.id == RiskWarning.matter_id)
            .where(RiskWarning.raised_at < hi,
                   or_(RiskWarning.closed_at.is_(None), RiskWarning.closed_at >= lo, RiskWarning.deadline >= start)))
    if ids is not None:
        stmt = stmt.where(Matter.organisation_id.in_(ids or [-1]))
    if area is not None:
        stmt = stmt.where(Matter.area == area)
    return [WarningRow(a or NO_AREA, org, mid, to_local(raised).date(), to_local(closed).date() if closed else None,
                       deadline, resolved)
            for a, org, mid, raised, closed, deadline, resolved in db.session.execute(stmt)]


def _utc_day_end(day: date) -> datetime:
    nxt = day + timedelta(days=1)
    return local_to_utc(datetime(nxt.year, nxt.month, nxt.day))


def count(rows: Iterable[WarningRow], start: date, end: date, today: date) -> WarningCounts:
    c = WarningCounts()
    as_of = min(end, today)
    for r in rows:
        c.add(_one(r, start, end, as_of, today))
    return c


def _one(r: WarningRow, start: date, end: date, as_of: date, today: date) -> WarningCounts:
    c = WarningCounts()
    c.raised = int(start <= r.raised_on <= end)
    closed_in = r.closed_on is not None and start <= r.closed_on <= end
    c.closed = int(closed_in)
    c.resolved_on_time = int(closed_in and r.on_time)
    is_open = r.raised_on <= as_of and (r.closed_on is None or r.closed_on > as_of)
    c.open_at_end = int(is_open)
    c.overdue_at_end = int(is_open and r.deadline < as_of)
    settled = r.settled_on(today)
    if settled is not None and start <= settled <= end:
        c.settled = 1
        c.settled_on_time = int(r.on_time)
    return c


def tally(rows: Iterable[WarningRow], key: Callable[[WarningRow], str], start: date, end: date,
          today: date) -> dict[str, WarningCounts]:
    out: dict[str, WarningCounts] = {}
    as_of = min(end, today)
    for r in rows:
        out.setdefault(key(r), WarningCounts()).add(_one(r, start, end, as_of, today))
    return out


def figures(actor, start_date: date, end_date: date, *, today: Optional[date] = None,
            by: str = "district") -> dict[str, WarningCounts]:
    """{district (or body name with by="body"): WarningCounts} for the actor's scope."""
    today = today or to_local(utcnow()).date()
    rows = load(scope_ids(actor), start_date, end_date)
    if by == "body":
        names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
        return tally(rows, lambda r: names.get(r.organisation_id, "?"), start_date, end_date, today)
    return tally(rows, lambda r: r.area, start_date, end_date, today)
