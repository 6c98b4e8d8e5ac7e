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
counting is done in Python, where the local date of closed_at is exact on every database. Rows loaded
for a longer period can be counted for any month inside it (the trend loads them once).
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
from consult.timeutil import local_tz, local_to_utc, to_local

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
    raised_at: datetime  # UTC
    closed_at: Optional[datetime]  # UTC
    closed_on: Optional[date]  # local date of closed_at
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
    lo, hi = _utc_midnight(start), _utc_midnight(end + timedelta(days=1))
    stmt = (select(Matter.area, Matter.organisation_id, RiskWarning.matter_id, RiskWarning.raised_at,
                   RiskWarning.closed_at, RiskWarning.deadline, RiskWarning.resolved)
            .join(Matter, Matter.id == RiskWarning.matter_id)
            .where(RiskWarning.raised_at < hi,
                   or_(RiskWarning.closed_at.is_(None), RiskWarning.closed_at >= lo, RiskWarning.deadline >= start)))
    if ids is not None:
        stmt = stmt.where(Matter.organisation_id.in_(ids or [-1]))
    if area is not None:
        stmt = stmt.where(Matter.area == area)
    tz = local_tz()
    return [WarningRow(a or NO_AREA, org, mid, raised, closed, closed.astimezone(tz).date() if closed else None,
                       deadline, resolved)
            for a, org, mid, raised, closed, deadline, resolved in db.session.execute(stmt)]


def _utc_midnight(day: date) -> datetime:
    return local_to_utc(datetime(day.year, day.month, day.day))


def count(rows: Iterable[WarningRow], start: date, end: date, today: date) -> WarningCounts:
    """The figures of the rows for [start, end] as of `today` (see the module docstring)."""
    return _count(rows, start, end, today, _bounds(start, end, today))


def _bounds(start: date, end: date, today: date) -> tuple[datetime, datetime, date, datetime]:
    as_of = min(end, today)
    return (_utc_midnight(start), _utc_midnight(end + timedelta(days=1)), as_of,
            _utc_midnight(as_of + timedelta(days=1)))


def _count(rows: Iterable[WarningRow], start: date, end: date, today: date, bounds) -> WarningCounts:
    lo, hi, as_of, as_of_hi = bounds
    raised = closed = on_time_closed = open_end = overdue = settled = settled_on_time = 0
    for r in rows:
        if lo <= r.raised_at < hi:
            raised += 1
        on_time = r.on_time
        if r.closed_at is not None and lo <= r.closed_at < hi:
            closed += 1
            on_time_closed += on_time
        if r.raised_at < as_of_hi and (r.closed_at is None or r.closed_at >= as_of_hi):
            open_end += 1
            overdue += r.deadline < as_of
        day = r.settled_on(today)
        if day is not None and start <= day <= end:
            settled += 1
            settled_on_time += on_time
    return WarningCounts(raised, closed, on_time_closed, open_end, overdue, settled, settled_on_time)


def tally(rows: Iterable[WarningRow], key: Callable[[WarningRow], Any], start: date, end: date,
          today: date) -> dict[Any, WarningCounts]:
    groups: dict[str, list[WarningRow]] = {}
    for r in rows:
        groups.setdefault(key(r), []).append(r)
    bounds = _bounds(start, end, today)
    return {k: _count(v, start, end, today, bounds) for k, v in groups.items()}


def figures(actor, start_date: date, end_date: date, *, today: Optional[date] = None,
            by: str = "district") -> dict[str, WarningCounts]:
    """{district (or body name with by="body"): WarningCounts} for the actor's scope."""
    today = today or to_local(utcnow()).date()
    rows = load(scope_ids(actor), start_date, end_date)
    if by == "body":
        names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
        return tally(rows, lambda r: names.get(r.organisation_id, "?"), start_date, end_date, today)
    return tally(rows, lambda r: r.area, start_date, end_date, today)
