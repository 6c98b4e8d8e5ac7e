"""Report states for review and filing tests (a matter with no resident data: no proposal)."""
from datetime import date

from consult.extensions import db
from consult.models import utcnow
from consult.register.models import RiskLevel
from consult.reports import services
from consult.reports.models import Outcome, Stage
from consult.review import filing
from consult.review import services as review


def version(w, stage=Stage.SUBMITTED):
    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    services.set_level(a, actor=w["assessor"], now=utcnow(), level=RiskLevel.LOW, reason="",
                       outcome=Outcome.IMPLEMENT, conditions="")
    v = services.save_version(a, actor=w["assessor"], now=utcnow(), stage=stage)
    db.session.commit()
    return v


def assignment(w, *, confirmed=False, submitted=False):
    if "assignment" in w:
        return w["assignment"]
    v = version(w)
    a = review.assign_reviewer(v, w["expert_entry"], actor=w["assessor"], now=utcnow())
    if confirmed or submitted:
        review.confirm(a, actor=w["expert"], now=utcnow(), conflict=False)
    if submitted:
        review.submit_opinion(a, actor=w["expert"], now=utcnow(), dimensions={"合法性": "合法"}, agree_level=True,
                              agree_outcome=True, changes="补充噪声监测数据\n说明补偿标准", signature="王专家")
    db.session.commit()
    w["assignment"] = a
    return a


def final(w):
    from consult.matters.models import MatterStatus

    w["matter"].status = MatterStatus.ASSESSING
    for point in assignment(w, submitted=True).points:  # 组织评审: reviewed and answered first
        review.answer_point(point, actor=w["assessor"], now=utcnow(), answer="已按意见修改")
    v = version(w, Stage.FINAL)
    db.session.commit()
    return v


def decided(w):
    v = final(w)
    filing.record_decision(v.assessment, actor=w["organiser"], now=utcnow(), adopted=True, reason="",
                           decided_on=date.today())
    db.session.commit()
    return v.assessment


def filed(w):
    a = decided(w)
    filing.file_report(a, actor=w["organiser"], now=utcnow())
    db.session.commit()
    return a
