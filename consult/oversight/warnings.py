"""The warning loop (预警): raise, act, close (销号), and the daily sweep that raises and escalates.

Definitions the figures rely on (the monthly report, the index and the public pages read the
RiskWarning table directly, so they must stay as written here):
- overdue (逾期): status open and the local date today is after the deadline;
- resolved on time (按期化解): status closed, resolved is True, and the local date of closed_at is
  on or before the deadline;
- 风险预警化解率 = resolved on time ÷ warnings whose deadline has passed (today > deadline) or which
  are closed. See warning_list.figures().

The sweep (`flask daily`, `flask warnings-sweep`) raises one yellow warning per register measure
past its deadline and not done (measure_id is unique: running twice raises nothing new), one
signals warning per decided matter with new escalation-signal texts since its decision while none is
open, and escalates each open warning past its deadline once (escalated_at), e-mailing the matter's
supervisors. A red warning e-mails them when it is raised.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Optional

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.audit.services import record
from consult.auth.models import Role, User, supervisions
from consult.extensions import db
from consult.oversight.models import (WARNING_LEVEL_LABELS, WARNING_SOURCE_LABELS, RiskWarning, WarningAction,
                                      WarningLevel, WarningSource, WarningStatus)
from consult.permissions import require
from consult.timeutil import to_local

DEFAULT_DAYS = 15  # a warning's default time limit (处置时限), in days
TITLE_MAX = 200


class WarningError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def local_day(moment: datetime) -> date:
    return to_local(moment).date()


def default_deadline(now: datetime) -> date:
    return local_day(now) + timedelta(days=DEFAULT_DAYS)


def is_overdue(w: RiskWarning, today: date) -> bool:
    return w.status == WarningStatus.OPEN and today > w.deadline


def days_overdue(w: RiskWarning, today: date) -> int:
    return (today - w.deadline).days if is_overdue(w, today) else 0


def resolved_on_time(w: RiskWarning) -> bool:
    return (w.status == WarningStatus.CLOSED and w.resolved is True and w.closed_at is not None
            and local_day(w.closed_at) <= w.deadline)


def _state(w: RiskWarning) -> dict:
    return {"level": w.level.value, "source": w.source.value, "title": w.title, "owner_unit": w.owner_unit,
            "owner_id": w.owner_id, "deadline": w.deadline.isoformat(), "status": w.status.value,
            "escalated_at": w.escalated_at.isoformat() if w.escalated_at else None,
            "closed_at": w.closed_at.isoformat() if w.closed_at else None,
            "closing_review": w.closing_review, "resolved": w.resolved}


# --- raising ---------------------------------------------------------------------------------

def raise_warning(matter, *, actor, now: datetime, level: WarningLevel, title: str, detail: str = "",
                  owner_unit: str = "", deadline: Optional[date] = None, owner_id: Optional[int] = None) -> RiskWarning:
    """A warning raised by staff on a matter (人工发布)."""
    require(actor, "warning.raise", matter)
    _check_deadline(deadline, now)
    if _duplicate_open(matter.id, title):
        raise WarningError(_("本事项已有一条同名的处置中预警，无需重复发布。"), "title")
    return create(matter, actor=actor, now=now, level=level, source=WarningSource.MANUAL, title=title,
                  detail=detail, owner_unit=owner_unit, deadline=deadline, owner_id=owner_id)


def _check_deadline(deadline: Optional[date], now: datetime) -> None:
    if deadline is not None and deadline < local_day(now):
        raise WarningError(_("处置时限不能早于今天。"), "deadline")


def _duplicate_open(matter_id: int, title: str) -> bool:
    return db.session.scalar(select(func.count(RiskWarning.id)).where(
        RiskWarning.matter_id == matter_id, RiskWarning.status == WarningStatus.OPEN,
        RiskWarning.title == title.strip())) > 0


def create(matter, *, actor, now: datetime, level: WarningLevel, source: WarningSource, title: str,
           detail: str = "", owner_unit: str = "", deadline: Optional[date] = None, owner_id: Optional[int] = None,
           measure_id: Optional[int] = None, tracking_entry_id: Optional[int] = None) -> RiskWarning:
    """Store a warning (any source; the caller checked permission) and tell the supervisors of a red one."""
    w = RiskWarning(matter_id=matter.id, level=level, source=source, title=title.strip()[:TITLE_MAX],
                    detail=(detail or "").strip(), owner_unit=(owner_unit or "").strip(), owner_id=owner_id,
                    deadline=deadline or default_deadline(now), status=WarningStatus.OPEN, raised_at=now,
                    raised_by_id=getattr(actor, "id", None), measure_id=measure_id,
                    tracking_entry_id=tracking_entry_id)
    w.matter = matter
    db.session.add(w)
    db.session.flush()
    record(actor=actor, action="warning.raise", obj=w, matter_id=matter.id, after=_state(w))
    if level == WarningLevel.RED:
        notify_supervisors(w, now=now, escalated=False)
    return w


# --- acting and closing ----------------------------------------------------------------------

def add_action(w: RiskWarning, *, actor, now: datetime, taken_on: date, text: str) -> WarningAction:
    require(actor, "warning.act", w)
    if w.status == WarningStatus.CLOSED:
        raise WarningError(_("该预警已关闭（销号），不能再添加处置措施。"))
    if taken_on > local_day(now):
        raise WarningError(_("处置日期不能晚于今天。"), "taken_on")
    text = text.strip()
    if any(a.taken_on == taken_on and a.text == text for a in w.actions):
        raise WarningError(_("这条处置措施已经记录过，无需重复提交。"), "text")
    action = WarningAction(warning_id=w.id, taken_on=taken_on, text=text, created_by_id=actor.id, created_at=now)
    w.actions.append(action)
    db.session.flush()
    record(actor=actor, action="warning.act", obj=action, matter_id=w.matter_id,
           after={"warning_id": w.id, "taken_on": taken_on.isoformat(), "text": text})
    return action


def close_warning(w: RiskWarning, *, actor, now: datetime, review: str, resolved: bool) -> RiskWarning:
    """销号: the supervisor (or an admin) closes the warning with a closing review."""
    require(actor, "warning.close", w)
    if w.status == WarningStatus.CLOSED:
        raise WarningError(_("该预警已于 %(d)s 关闭（销号），不能重复关闭。",
                             d=local_day(w.closed_at).isoformat() if w.closed_at else ""))
    if not review.strip():
        raise WarningError(_("请填写销号审查意见。"), "review")
    before = _state(w)
    w.status, w.closed_at, w.closed_by_id = WarningStatus.CLOSED, now, actor.id
    w.closing_review, w.resolved = review.strip(), resolved
    db.session.flush()
    record(actor=actor, action="warning.close", obj=w, matter_id=w.matter_id, before=before, after=_state(w))
    return w


# --- telling the supervisors -----------------------------------------------------------------

def supervisors_of(organisation_id: int) -> list[User]:
    stmt = (select(User).join(supervisions, supervisions.c.user_id == User.id)
            .where(supervisions.c.organisation_id == organisation_id, User.role == Role.SUPERVISOR,
                   User.is_enabled.is_(True)).order_by(User.id))
    return list(db.session.scalars(stmt))


def notify_supervisors(w: RiskWarning, *, now: datetime, escalated: bool) -> int:
    """E-mail every supervisor of the matter's organisation who has an address. Returns the count.
    The message names the matter and the warning, never a resident or a resident's text."""
    from consult.messaging.services import queue_email

    level = str(WARNING_LEVEL_LABELS[w.level])
    if escalated:
        subject = _("预警逾期未化解：%(t)s", t=w.matter.title)
        lead = _("以下预警已超过处置时限（%(d)s）仍未销号，已升级报送：", d=w.deadline.isoformat())
    else:
        subject = _("%(l)s：%(t)s", l=level, t=w.matter.title)
        lead = _("以下事项发布了红色预警：")
    body = "\n".join([lead, _("事项：%(t)s（%(o)s）", t=w.matter.title, o=w.matter.organisation.name),
                      _("预警：%(t)s", t=w.title), _("等级：%(l)s；来源：%(s)s", l=level, s=WARNING_SOURCE_LABELS[w.source]),
                      _("责任单位：%(u)s；处置时限：%(d)s", u=w.owner_unit or "—", d=w.deadline.isoformat()),
                      _("请登录平台查看预警编号 %(n)s。", n=w.id)])
    sent = 0
    for user in supervisors_of(w.matter.organisation_id):
        if user.email:
            queue_email(user.email, subject, body, purpose="warning.escalated" if escalated else "warning.red")
            sent += 1
    return sent


# --- the daily sweep -------------------------------------------------------------------------

def sweep(*, now: datetime) -> dict[str, int]:
    """Raise warnings for overdue measures and new signals, escalate overdue warnings. Idempotent."""
    counts = {"measures": raise_for_overdue_measures(now=now), "signals": raise_for_signals(now=now)}
    counts.update(escalate_overdue(now=now))
    return counts


def raise_for_overdue_measures(*, now: datetime) -> int:
    from consult.register.models import Measure, MeasureStatus, RiskItem

    today = local_day(now)
    warned = select(RiskWarning.measure_id).where(RiskWarning.measure_id.is_not(None))
    stmt = (select(Measure).join(RiskItem, RiskItem.id == Measure.item_id)
            .where(Measure.status != MeasureStatus.DONE, Measure.deadline.is_not(None), Measure.deadline < today,
                   Measure.id.not_in(warned)).order_by(Measure.id))
    raised = 0
    for measure in list(db.session.scalars(stmt)):
        try:
            with db.session.begin_nested():  # another sweep may have taken this measure: measure_id is unique
                create(measure.item.matter, actor=None, now=now, level=WarningLevel.YELLOW,
                       source=WarningSource.MEASURE_OVERDUE, measure_id=measure.id,
                       title=_("化解措施逾期未完成：%(t)s", t=_short(measure.text)),
                       detail=_("风险点“%(i)s”的化解措施“%(t)s”完成时限为 %(d)s，至今未完成。",
                                i=measure.item.title, t=measure.text, d=measure.deadline.isoformat()),
                       owner_unit=measure.responsible_unit)
            raised += 1
        except IntegrityError:
            continue
    return raised


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


def raise_for_signals(*, now: datetime) -> int:
    """One signals warning per decided matter with escalation-signal texts that arrived after the
    decision day and after the last signals warning was raised, while none is open."""
    from consult.analysis.freshness import ensure_synced
    from consult.oversight import tracking

    raised = 0
    for matter, decided_on in tracking.decided_matters():
        last = db.session.execute(select(RiskWarning.status, RiskWarning.raised_at).where(
            RiskWarning.matter_id == matter.id, RiskWarning.source == WarningSource.SIGNALS)
            .order_by(RiskWarning.raised_at.desc(), RiskWarning.id.desc()).limit(1)).first()
        if last is not None and last.status == WarningStatus.OPEN:
            continue
        ensure_synced(matter.id)  # texts that arrived since the pool was last opened
        since = tracking.after_decision(decided_on)
        if last is not None:
            since = max(since, last.raised_at)
        n = tracking.flagged_since(matter.id, since)
        if n:
            create(matter, actor=None, now=now, level=WarningLevel.YELLOW,
                   source=WarningSource.SIGNALS, title=_("决策后群众来言出现升级信号"),
                   detail=_("决策后新收到 %(n)s 条含升级信号（如上访、聚集、堵路等）的群众来言，请核查并处置。", n=n),
                   owner_unit=matter.organisation.name)
            raised += 1
    return raised


def escalate_overdue(*, now: datetime) -> dict[str, int]:
    today = local_day(now)
    stmt = select(RiskWarning).where(RiskWarning.status == WarningStatus.OPEN, RiskWarning.deadline < today,
                                     RiskWarning.escalated_at.is_(None)).order_by(RiskWarning.id)
    escalated = emails = 0
    for w in list(db.session.scalars(stmt)):
        before = _state(w)
        w.escalated_at = now
        db.session.flush()
        record(actor=None, action="warning.escalate", obj=w, matter_id=w.matter_id, before=before, after=_state(w),
               note=_("逾期 %(n)s 天，已升级报送监督单位。", n=(today - w.deadline).days))
        emails += notify_supervisors(w, now=now, escalated=True)
        escalated += 1
    return {"escalated": escalated, "emails": emails}
