"""A generated year of history for the oversight pages (ledger, 月报表, 平安稳定指数).

Three districts (城东区, 城西区, 高新区), twelve months back from today, one to three matters per
district per month, drawn with a fixed seed (random.Random(2026)) so every start looks the same:
  kind        30 % policy, the rest reform / project / event
  level       15 % high, 35 % medium, 50 % low; outcome follows the level
  steps       created on a day of the month, level set 20 days later, 定稿 10 days after that,
              decision 15 days after the 定稿 when that day has passed; 75 % of decisions filed,
              half of those acknowledged
  flagged     every 25th matter is decided without an assessment (三个一律) to show the flag
  measures    high and medium items get two measures due 30 and 60 days after the decision:
              70 % done on time, 15 % late, 15 % still open
  third party about half of the project and reform matters name a commissioned assessor (invented
              names, THIRD_PARTIES), so the third-party share means something; the first decided
              reform and project matters are withheld from public pages (WITHHELD)
  loop        annual plans, tracking entries and warnings with actions: see demo_loop
  voices      questionnaires with responses and held hearings with registrations: see
              demo_participation
Each addition after the matters draws from its own generator seeded from `seed`, so the matters
stay what they were. The matters belong to the demo's organisations, which the demo supervisor
oversees. Generated rows are inserted directly (no audit entries: this is history, not staff
actions).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from consult.auth.models import Organisation, Role, User
from consult.extensions import db
from consult.matters.models import Matter, MatterKind, MatterStatus, Procedure
from consult.register.models import Measure, MeasureStatus, RiskItem, RiskLevel
from consult.oversight.demo_loop import seed_loop
from consult.oversight.demo_participation import seed_participation
from consult.reports import document
from consult.reports.models import Assessment, Outcome, ReportVersion, Stage

DISTRICTS = ("城东区", "城西区", "高新区")
TOPICS = {MatterKind.POLICY: "停车收费标准调整", MatterKind.REFORM: "国有企业改制", MatterKind.PROJECT: "垃圾中转站建设",
          MatterKind.EVENT: "大型户外活动"}
THIRD_PARTIES = ("东湖社会稳定风险评估研究中心", "江城大学公共管理学院", "恒信工程咨询有限公司", "明德社会风险评估事务所")
WITHHELD = ((MatterKind.REFORM, "涉及商业秘密（企业改制中的资产和债务信息）"),
            (MatterKind.PROJECT, "涉及个人隐私（征收范围内住户的身份和补偿信息）"))
OUTCOMES = {RiskLevel.HIGH: (Outcome.POSTPONE, Outcome.PARTIAL), RiskLevel.MEDIUM: (Outcome.IMPROVE, Outcome.IMPLEMENT),
            RiskLevel.LOW: (Outcome.IMPLEMENT,)}


def seed_history(*, now: datetime, seed: int = 2026) -> int:
    """Create the year of history once; returns the number of matters made (0 when already there)."""
    orgs = list(db.session.scalars(select(Organisation).order_by(Organisation.id)))
    if not orgs or db.session.scalar(select(Matter.id).where(Matter.area == DISTRICTS[0]).limit(1)):
        return 0
    rng, count, made = random.Random(seed), 0, []
    for months_back in range(11, -1, -1):
        index = now.year * 12 + now.month - 1 - months_back
        start = now.replace(year=index // 12, month=index % 12 + 1, day=1, hour=2, minute=0)
        for district in DISTRICTS:
            for _ in range(rng.randint(1, 3)):
                count += 1
                created = min(start + timedelta(days=rng.randint(0, 27)), now - timedelta(days=1))
                made.append(_matter(rng, orgs[count % len(orgs)], district, created, now, flagged=count % 25 == 0))
    for supervisor in db.session.scalars(select(User).where(User.role == Role.SUPERVISOR)):
        supervisor.supervised = sorted(set(supervisor.supervised) | set(orgs), key=lambda o: o.id)
    db.session.flush()
    _dress(random.Random(f"{seed}-dress"), made)
    seed_loop(made, orgs, now=now, seed=seed)  # plan, tracking, warnings: separate generators, so the
    seed_participation(made, now=now, seed=seed)  # matters above stay the same whatever is added here
    for m, a in made:  # history: the rows were last changed at their last step, not at seeding time
        steps = [m.created_at, a.set_at, a.filed_at, a.acknowledged_at]
        m.updated_at = a.updated_at = min(max(t for t in steps if t is not None), now)
        a.created_at = m.created_at
    db.session.flush()
    return count


def _dress(rng, made: list[tuple[Matter, Assessment]]) -> None:
    """Third parties on about half of the project and reform matters; two matters withheld."""
    for m, _a in made:
        if m.kind in (MatterKind.PROJECT, MatterKind.REFORM) and rng.random() < 0.5:
            m.third_party = rng.choice(THIRD_PARTIES)
    decided = [(m, a) for m, a in made if a.final_level is not None and a.decision_date is not None]
    for kind, reason in WITHHELD:
        m = next((m for m, _a in decided if m.kind == kind and not m.public_withheld_reason), None)
        if m is not None:
            m.public_withheld_reason = reason


def _matter(rng, org, district: str, created: datetime, now: datetime, *, flagged: bool) -> tuple[Matter, Assessment]:
    kind = MatterKind.POLICY if rng.random() < 0.3 else rng.choice([MatterKind.REFORM, MatterKind.PROJECT, MatterKind.EVENT])
    m = Matter(title=f"{district}{TOPICS[kind]}（{created:%Y年%m月}）", kind=kind, organisation_id=org.id, area=district,
               procedure=rng.choice(list(Procedure)), status=MatterStatus.ASSESSING, created_at=created, updated_at=created)
    db.session.add(m)
    db.session.flush()
    a = Assessment(matter_id=m.id, round=1, is_current=True)
    db.session.add(a)
    decided_at = created + timedelta(days=45)
    if flagged:
        if decided_at < now:
            a.decision_adopted, a.decision_date = True, decided_at.date()
        db.session.flush()
        return m, a
    roll = rng.random()
    level = RiskLevel.HIGH if roll < 0.15 else RiskLevel.MEDIUM if roll < 0.5 else RiskLevel.LOW
    set_at = created + timedelta(days=20)
    if set_at >= now:
        db.session.flush()
        return m, a
    a.proposed_level = a.final_level = level
    a.outcome, a.set_at = rng.choice(OUTCOMES[level]), set_at
    db.session.flush()
    _final_version(m, a, set_at + timedelta(days=10), now)
    if decided_at < now:
        _decide(rng, m, a, decided_at, now)
    return m, a


def _final_version(m: Matter, a: Assessment, at: datetime, now: datetime) -> None:
    if at >= now:
        return
    doc = document.build(m, a, before_number=1)
    db.session.add(ReportVersion(matter_id=m.id, assessment_id=a.id, number=1, stage=Stage.FINAL, kind=doc["kind"],
                                 document=doc, content_hash=document.content_hash(doc), created_at=at))
    m.status = MatterStatus.REPORTED


def _decide(rng, m: Matter, a: Assessment, decided_at: datetime, now: datetime) -> None:
    a.decision_adopted, a.decision_date = True, decided_at.date()
    filed = rng.random() < 0.75
    acknowledged = filed and rng.random() < 0.5
    if filed and decided_at + timedelta(days=2) < now:
        a.filed_at, m.status = decided_at + timedelta(days=2), MatterStatus.FILED
        # the filed 定稿; no frozen PDF is stored for generated history (the pages say it cannot be re-checked)
        a.filed_version_id = db.session.scalar(select(ReportVersion.id).where(
            ReportVersion.assessment_id == a.id, ReportVersion.stage == Stage.FINAL))
        if acknowledged and decided_at + timedelta(days=5) < now:
            a.acknowledged_at = decided_at + timedelta(days=5)
    if a.final_level == RiskLevel.LOW:
        return
    likelihood, severity = (4, 4) if a.final_level == RiskLevel.HIGH else (3, 3)  # the default matrix's bands
    item = RiskItem(matter_id=m.id, number=1, title="群众对补偿和环境影响的担忧", level=a.final_level,
                    likelihood=likelihood, severity=severity, created_at=decided_at, updated_at=decided_at)
    db.session.add(item)
    db.session.flush()
    for days in (30, 60):
        deadline, roll = (decided_at + timedelta(days=days)).date(), rng.random()
        done = decided_at + timedelta(days=days - 3) if roll < 0.7 else decided_at + timedelta(days=days + 10) \
            if roll < 0.85 else None
        if done is not None and done >= now:
            done = None
        db.session.add(Measure(item_id=item.id, text="公开补偿标准并设立意见反馈渠道", responsible_unit="责任单位",
                               deadline=deadline, done_at=done, created_at=decided_at, updated_at=done or decided_at,
                               status=MeasureStatus.DONE if done else MeasureStatus.IN_PROGRESS))
