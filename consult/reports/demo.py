"""Demo assessment: a complete 送审稿 with one expert review and its answers.

``seed_assessment(matter)`` expects a matter with assessors, an admin account and (ideally) a
register; it goes through the same services as the pages. Idempotent: returns the existing
送审稿 when there is one. Creates the expert account ``expert`` / ``demo-expert-2026`` and the
supervisor account ``supervisor`` / ``demo-supervisor-2026`` (supervising the matter's organisation).
"""
from __future__ import annotations

from sqlalchemy import select

from consult.analysis.voices import sync_voices
from consult.auth.models import Role, User
from consult.auth.services import create_user
from consult.extensions import db
from consult.models import utcnow
from consult.register.models import RiskItem, RiskLevel
from consult.reports import levels, services
from consult.reports.models import Outcome, ReportVersion, Stage
from consult.review import services as review

EXPERT_LOGIN = ("expert", "demo-expert-2026")
SUPERVISOR_LOGIN = ("supervisor", "demo-supervisor-2026")
OUTCOME_FOR = {RiskLevel.HIGH: Outcome.POSTPONE, RiskLevel.MEDIUM: Outcome.IMPROVE, RiskLevel.LOW: Outcome.IMPLEMENT}
EMERGENCY = {
    "triggers": "出现 10 人以上聚集或联名上访\n网络舆情出现集中负面信息\n施工现场发生阻工",
    "leading_group": "组长：区分管副区长\n副组长：区城管局局长、街道党工委书记\n成员：公安分局、信访局、生态环境分局",
    "contacts": "现场处置：街道综治中心主任\n信息报送：区维稳办值班室\n舆情应对：区委宣传部网信科",
    "steps": "接报后 30 分钟内到场，了解诉求\n依法依规答复，能当场解决的当场解决\n控制事态，防止扩大，及时报告\n事后评估，完善措施",
}


def _user(admin, username, password, role, name) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    return user or create_user(actor=admin, username=username, display_name=name, password=password, role=role)


def _level(matter, assessor, a) -> None:
    sync_voices(matter.id)
    proposed = levels.evaluate(matter)["proposed"] or RiskLevel.LOW
    level = RiskLevel.LOW if matter.procedure.value == "simple" else proposed
    items = db.session.scalars(select(RiskItem).where(RiskItem.matter_id == matter.id)).all()
    conditions = "\n".join(m.text for i in items for m in i.measures[:1])[:1000] or "落实各项化解措施"
    services.set_level(a, actor=assessor, now=utcnow(), level=level, outcome=OUTCOME_FOR[level],
                       reason="综合三种方法的结果与实地走访情况评定" if level != proposed else "",
                       conditions=conditions if level != RiskLevel.LOW else "")


def seed_assessment(matter) -> ReportVersion:
    found = db.session.scalar(select(ReportVersion).where(ReportVersion.matter_id == matter.id,
                                                          ReportVersion.stage == Stage.SUBMITTED))
    if found is not None:
        return found
    assessor = matter.assessors[0]
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    a = services.ensure_assessment(matter, actor=assessor)
    _level(matter, assessor, a)
    services.save_narrative(a, actor=assessor, texts={}, emergency=EMERGENCY)
    services.save_version(a, actor=assessor, now=utcnow(), stage=Stage.DRAFT, note="初稿")
    version = services.save_version(a, actor=assessor, now=utcnow(), stage=Stage.SUBMITTED, note="送专家评审")
    expert_user = _user(admin, *EXPERT_LOGIN, Role.EXPERT, "陈静（环境工程专家）")
    supervisor = _user(admin, *SUPERVISOR_LOGIN, Role.SUPERVISOR, "区委政法委备案审查")
    if matter.organisation not in supervisor.supervised:
        supervisor.supervised.append(matter.organisation)
    expert = review.add_expert(actor=admin, name="陈静", field="环境", organisation="某大学环境学院", title="教授",
                               contact="13800138000", username=expert_user.username)
    db.session.flush()
    draw = review.draw_reviewers(version, actor=assessor, now=utcnow(), field="环境", count=1, seed="demo-2026")
    assignment = next(x for x in db.session.scalars(select(review.ReviewAssignment).where(
        review.ReviewAssignment.draw_id == draw.id)))
    review.confirm(assignment, actor=expert_user, now=utcnow(), conflict=False)
    review.submit_opinion(assignment, actor=expert_user, now=utcnow(), signature="陈静",
                          dimensions={"合法性": "选址程序符合规划审批要求。", "合理性": "补偿方案应细化到户。",
                                      "可行性": "除臭设施投资已落实。", "可控性": "应急预案需明确联络人。"},
                          agree_level=True, agree_outcome=True,
                          changes="补充除臭设施的第三方监测方案\n明确运输车辆避开上学时段的具体安排")
    for point, answer in zip(assignment.points, ("已在措施表中增加季度第三方监测，结果公开。",
                                                 "已与环卫公司约定 7:00–8:30、16:30–18:00 停止运输。")):
        review.answer_point(point, actor=assessor, now=utcnow(), answer=answer)
    db.session.flush()
    return version
