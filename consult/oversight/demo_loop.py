"""The demo history's oversight loop: annual plans, tracking after the decision, warnings.

Called by demo.seed_history once its matters exist; each part draws from its own generator
(random.Random(f"{seed}-plan") and so on), so the same seed gives the same rows.
  plan       each organisation, last year and this year: 85 % of its generated matters of that year
             planned (expected month = month created), 15 % left unplanned (计划外); one to three
             items planned in a month already past but never started, and one for a later month
  tracking   every assessed and decided matter: one to three entries 10–40 days apart after the
             decision, 事中 within 60 days of it, 事后 after; a new risk with chance 35 % (high),
             15 % (medium), 4 % (low) with 3–12 new complaints, otherwise 35 % have 1–4 complaints
  warnings   one per tracking entry with a new risk (red on a high-risk matter or with 8+
             complaints, else yellow); exactly one yellow measure_overdue warning per measure that
             passed its deadline undone (a third each: resolved on time by a remedy with a new
             time limit while the measure stays undone, closed unresolved, still open) and per
             measure that was done late (closed, resolved, on the day it was done); a manual one
             20–120 days after the decision of ten drawn matters, where that day has passed.
             Deadline 15–30 days after raising. Outcome of the others, in shuffled blocks of
             ten: 6 closed resolved on time, 2 resolved late, 1 closed unresolved, 1 still open;
             a warning whose closing day has not come stays open. Every warning open past its
             deadline (still open, or closed late) was escalated the day after it. One to three
             actions each. Owner: the organisation's first organiser (else only the unit); manual
             ones raised by that organiser (else the closer); closed by the first supervisor
             (else the first admin).
Nothing is dated after `now`.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Optional

from sqlalchemy import select

from consult.auth.models import Organisation, Role, User
from consult.extensions import db
from consult.matters.models import Matter, MatterKind
from consult.oversight.models import (PlanItem, RiskWarning, TrackingEntry, TrackingPhase, WarningAction,
                                      WarningLevel, WarningSource, WarningStatus)
from consult.register.models import Measure, RiskItem, RiskLevel
from consult.timeutil import local_to_utc, to_local

CONCERNS = {MatterKind.POLICY: ("收费标准", "办理流程", "新旧政策过渡"),
            MatterKind.REFORM: ("职工安置", "社保接续", "工资待遇"),
            MatterKind.PROJECT: ("施工噪声", "运输车辆通行", "补偿标准", "异味扰民"),
            MatterKind.EVENT: ("交通管制", "噪声扰民", "现场安全")}
CALM = ("实施进展顺利，走访群众 {n} 户，未发现新的不稳定因素。",
        "召开居民座谈会一次，群众对{c}的解释基本认可，情绪平稳。",
        "现场检查防范措施落实情况，{c}相关措施已按方案执行。")
COMPLAINTS = ("走访中收到群众反映 {k} 件，主要涉及{c}，已当场解释并登记转办。",
              "12345 热线转来诉求 {k} 件，集中在{c}，责任单位已逐件回复。")
RISK = ("{c}问题引发部分群众聚集反映，收到诉求 {k} 件，存在矛盾升级苗头。",
        "部分群众就{c}联名信访，收到诉求 {k} 件，有扩大趋势，需重新研判风险。")
ACTIONS = ("责任单位负责人带队入户走访，听取群众意见。", "召开协调会，明确{c}问题的整改措施和时限。",
           "公开整改方案并设立意见反馈渠道。", "约请群众代表座谈，通报整改进展。", "对{c}问题开展专项检查。")
REVIEW_OK = ("整改措施已落实，群众诉求得到回应，经回访未再出现集中反映，风险已化解。",
             "经复核，相关问题已妥善处理，群众基本满意，同意关闭。")
REVIEW_DONE = "防范措施已完成，经回访群众无新的反映，风险已化解。"
REVIEW_REMEDY = "经督办，责任单位已制定补救方案并重新明确完成时限，相关风险已得到控制。"
REVIEW_NOT = ("措施未能完全落实，部分群众诉求仍未解决，转入重新评估程序。",
              "风险未能消除，已报请决策机关调整实施方案。")
BLOCK = ("on_time",) * 6 + ("late",) * 2 + ("unresolved", "open")  # outcomes, shuffled per block of ten
MEASURE_BLOCK = ("on_time", "unresolved", "open")
UNSTARTED = ((MatterKind.PROJECT, "农贸市场改造"), (MatterKind.PROJECT, "殡葬服务设施选址"),
             (MatterKind.POLICY, "公交线路调整"), (MatterKind.REFORM, "事业单位分类改革"),
             (MatterKind.PROJECT, "城中村改造征收"))


def _at(day: date, hour: int, now: datetime) -> datetime:
    return min(local_to_utc(datetime.combine(day, time(hour))), now)


def _people() -> tuple[dict[int, User], Optional[User]]:
    organisers: dict[int, User] = {}
    for u in db.session.scalars(select(User).where(User.role == Role.ORGANISER).order_by(User.id)):
        for o in u.organisations:
            organisers.setdefault(o.id, u)
    closer = (db.session.scalar(select(User).where(User.role == Role.SUPERVISOR).order_by(User.id).limit(1))
              or db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1)))
    return organisers, closer


def seed_loop(made: list, orgs: list[Organisation], *, now: datetime, seed: int) -> None:
    organisers, closer = _people()
    today = to_local(now).date()
    _plans(random.Random(f"{seed}-plan"), made, orgs, organisers, now)
    decided = [(m, a) for m, a in made if a.final_level is not None and a.decision_date is not None]
    w = _Warnings(random.Random(f"{seed}-warnings"), organisers, closer, now)
    rng = random.Random(f"{seed}-tracking")
    for m, a in decided:
        for entry, concern in _tracking(rng, m, a, organisers, today, now):
            if entry.new_risk:
                level = WarningLevel.RED if a.final_level == RiskLevel.HIGH or entry.new_complaints >= 8 \
                    else WarningLevel.YELLOW
                w.raise_(m, level, WarningSource.TRACKING, f"跟踪发现新风险：{concern}", entry.observation,
                         entry.observed_on + timedelta(days=w.rng.randint(0, 2)), concern, tracking_entry_id=entry.id)
    _measure_warnings(w, decided, today)
    for m, a in w.rng.sample(decided, min(10, len(decided))):
        day = a.decision_date + timedelta(days=w.rng.randint(20, 120))
        if day <= today:
            concern = w.rng.choice(CONCERNS[m.kind])
            w.raise_(m, w.rng.choice(list(WarningLevel)), WarningSource.MANUAL, f"群众集中反映{concern}问题",
                     f"督查中发现群众对{concern}问题反映集中，要求责任单位限期处置。", day, concern, manual=True)
    db.session.flush()


def _plans(rng, made: list, orgs, organisers: dict[int, User], now: datetime) -> None:
    local_now = to_local(now)
    for org in orgs:
        for year in (local_now.year - 1, local_now.year):
            _plan_year(rng, made, org.id, year, organisers.get(org.id), now)


def _plan_year(rng, made: list, org_id: int, year: int, author: Optional[User], now: datetime) -> None:
    local_now, created = to_local(now), min(local_to_utc(datetime(year, 1, 10, 9)), now)

    def item(**kw):
        db.session.add(PlanItem(organisation_id=org_id, year=year, created_by_id=author and author.id,
                                created_at=created, updated_at=created, **kw))
    for m in (m for m, _a in made if m.organisation_id == org_id and to_local(m.created_at).year == year):
        if rng.random() < 0.85:
            item(title=m.title.split("（")[0], kind=m.kind, area=m.area, expected_month=to_local(m.created_at).month,
                 matter_id=m.id)
    months = sorted({to_local(m.created_at).month for m, _a in made if to_local(m.created_at).year == year})
    past = [x for x in months if year < local_now.year or x < local_now.month] \
        or (list(range(1, 13)) if year < local_now.year else [])  # no month of this year gone yet
    districts = sorted({m.area for m, _a in made})
    for _ in range(rng.randint(1, 3) if past else 0):
        (kind, topic), district = rng.choice(UNSTARTED), rng.choice(districts)
        item(title=f"{district}{topic}", kind=kind, area=district, expected_month=rng.choice(past), note="尚未启动评估")
    if year == local_now.year and local_now.month < 12:
        kind, topic = rng.choice(UNSTARTED)
        item(title=f"全区{topic}", kind=kind, expected_month=rng.randint(local_now.month + 1, 12))


def _tracking(rng, m: Matter, a, organisers: dict[int, User], today: date, now: datetime):
    author = organisers.get(m.organisation_id)
    chance = {RiskLevel.HIGH: 0.35, RiskLevel.MEDIUM: 0.15}.get(a.final_level, 0.04)
    day, out = a.decision_date, []
    for _ in range(rng.randint(1, 3)):
        day += timedelta(days=rng.randint(10, 40))
        if day > today:
            break
        concern, risk = rng.choice(CONCERNS[m.kind]), rng.random() < chance
        complaints = rng.randint(3, 12) if risk else rng.randint(1, 4) if rng.random() < 0.35 else 0
        template = rng.choice(RISK if risk else COMPLAINTS if complaints else CALM)
        entry = TrackingEntry(
            matter_id=m.id, observed_on=day,
            phase=TrackingPhase.DURING if (day - a.decision_date).days <= 60 else TrackingPhase.AFTER,
            observation=template.format(c=concern, k=complaints, n=rng.randint(8, 40)), new_complaints=complaints,
            new_risk=risk, created_by_id=author and author.id, created_at=_at(day, 17, now))
        db.session.add(entry)
        out.append((entry, concern))
    db.session.flush()
    return out


def _measure_warnings(w: "_Warnings", decided: list, today: date) -> None:
    ids = [m.id for m, _a in decided]
    by_id = {m.id: m for m, _a in decided}
    rows = db.session.execute(select(Measure, RiskItem.matter_id).join(RiskItem, RiskItem.id == Measure.item_id)
                              .where(RiskItem.matter_id.in_(ids)).order_by(Measure.id)).all()
    for measure, matter_id in rows:
        done = to_local(measure.done_at).date() if measure.done_at else None
        late = done is not None and done > measure.deadline
        overdue = done is None and today > measure.deadline
        if not (late or overdue):
            continue
        m = by_id[matter_id]
        w.raise_(m, WarningLevel.YELLOW, WarningSource.MEASURE_OVERDUE, f"防范措施逾期未完成：{measure.text}",
                 f"责任单位：{measure.responsible_unit}；完成期限：{measure.deadline:%Y-%m-%d}。",
                 measure.deadline + timedelta(days=1), "防范措施", measure_id=measure.id,
                 closing=(done, True, REVIEW_DONE) if late else None)


class _Warnings:
    def __init__(self, rng, organisers: dict[int, User], closer: Optional[User], now: datetime):
        self.rng, self.organisers, self.closer, self.now = rng, organisers, closer, now
        self.today = to_local(now).date()
        self.queues: dict[bool, list[str]] = {}

    def raise_(self, m: Matter, level, source, title: str, detail: str, day: date, concern: str, *,
               manual=False, closing=None, **links) -> Optional[RiskWarning]:
        """One warning raised on `day`; closing = (day, resolved, review) when the outcome is known."""
        day = min(day, self.today)
        owner, rng = self.organisers.get(m.organisation_id), self.rng
        if manual and owner is None and self.closer is None:
            return None
        deadline = day + timedelta(days=rng.randint(15, 30))
        w = RiskWarning(matter_id=m.id, level=level, source=source, title=title[:200], detail=detail,
                        owner_id=owner and owner.id, owner_unit=m.organisation.name, deadline=deadline,
                        raised_at=_at(day, 10, self.now), status=WarningStatus.OPEN, **links,
                        raised_by_id=(owner or self.closer).id if manual else None)
        w.created_at = w.updated_at = w.raised_at
        close_day, resolved, review = closing or self._outcome(source, day, deadline)
        if close_day is not None and close_day <= self.today and _at(close_day, 16, self.now) < self.now:
            w.status, w.closed_at, w.resolved = WarningStatus.CLOSED, _at(close_day, 16, self.now), resolved
            w.closed_by_id, w.closing_review = self.closer and self.closer.id, review
            w.updated_at = w.closed_at
        if (w.closed_at and close_day > deadline) or (not w.closed_at and self.today > deadline):
            w.escalated_at = _at(deadline + timedelta(days=1), 9, self.now)  # open past its deadline
            w.updated_at = w.updated_at if w.closed_at else w.escalated_at
        db.session.add(w)
        self._actions(w, owner, day, concern)
        return w

    def _actions(self, w: RiskWarning, owner: Optional[User], day: date, concern: str) -> None:
        rng, last = self.rng, to_local(w.closed_at).date() if w.closed_at else self.today
        days = sorted({day + timedelta(days=rng.randint(0, max(0, (last - day).days)))
                       for _ in range(rng.randint(1, 3))})
        for taken in days:
            w.actions.append(WarningAction(taken_on=taken, text=rng.choice(ACTIONS).format(c=concern),
                                           created_by_id=owner and owner.id, created_at=_at(taken, 15, self.now)))

    def _outcome(self, source, day: date, deadline: date) -> tuple[Optional[date], Optional[bool], str]:
        """Drawn in shuffled blocks, so that even a dozen warnings show the whole mix."""
        rng, measure = self.rng, source == WarningSource.MEASURE_OVERDUE
        queue = self.queues.setdefault(measure, [])
        if not queue:
            queue.extend(rng.sample(MEASURE_BLOCK, len(MEASURE_BLOCK)) if measure else
                         rng.sample(BLOCK, len(BLOCK)))
        outcome = queue.pop()
        if outcome == "on_time":
            return (day + timedelta(days=rng.randint(5, (deadline - day).days)), True,
                    REVIEW_REMEDY if measure else rng.choice(REVIEW_OK))
        if outcome == "late":
            return deadline + timedelta(days=rng.randint(3, 15)), True, rng.choice(REVIEW_OK)
        if outcome == "unresolved":
            return deadline - timedelta(days=rng.randint(0, 5)), False, rng.choice(REVIEW_NOT)
        return None, None, ""
