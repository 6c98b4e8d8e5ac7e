"""Level methods, the assessor's final level and outcome rules, re-assessment history."""
import re

import pytest

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.matters.models import Procedure
from consult.models import utcnow
from consult.register.models import RiskLevel
from consult.reports import levels, services
from consult.reports.models import Assessment, Outcome
from tests.reports.helpers import assessed_world, voice


def _set(a, w, level, outcome, reason="", conditions=""):
    return services.set_level(a, actor=w["assessor"], now=utcnow(), level=level, reason=reason, outcome=outcome,
                              conditions=conditions)


def test_methods_show_inputs_and_disagree(app):
    w = assessed_world()
    ev = levels.evaluate(w["matter"])
    by = {m.key: m for m in ev["methods"]}
    assert by["register"].level == RiskLevel.LOW  # residual after measures
    assert dict(by["register"].inputs)["中风险条目"] == "0"
    # questionnaire: 反对 ×2 + 不太支持 ×1 of 8; voices: 4 of 8 weights oppose -> 50 %
    assert dict(by["opposition"].inputs)["问卷反对占比"] == "37.5%（3/8）"
    assert dict(by["opposition"].inputs)["全部意见（统一立场）反对占比"] == "50.0%（4/8）"
    assert by["opposition"].level == RiskLevel.HIGH
    assert dict(by["escalation"].inputs)["涉及人数（去重）"] == "2"
    assert by["escalation"].level == RiskLevel.LOW
    assert ev["proposed"] == RiskLevel.HIGH and ev["disagree"] is True


def test_cutoffs_configurable_per_locality(app):
    w = assessed_world(survey=False)
    app.config["LEVEL_RULES"] = {"default": {"opposition": {"high": 60}}, "by_area": {"A市": {"opposition": {"medium": 55}}}}
    try:
        m = {x.key: x for x in levels.evaluate(w["matter"])["methods"]}["opposition"]
        assert m.level == RiskLevel.LOW  # 50 % < 55 % (A市) ; default high 60
        assert "> 60%" in m.rule and "55%" in m.rule
    finally:
        app.config.pop("LEVEL_RULES")


def test_escalation_counts_distinct_people(app):
    w = assessed_world(survey=False)
    for i in range(5):
        voice(w["matter"], f"联名上访{i}", flagged=True, author="丙")  # one person, five texts
    db.session.commit()
    m = {x.key: x for x in levels.evaluate(w["matter"])["methods"]}["escalation"]
    assert dict(m.inputs)["含集体行动词语的意见"] == "7" and dict(m.inputs)["涉及人数（去重）"] == "3"


def test_override_needs_reason_and_is_audited(app):
    w = assessed_world()
    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    with pytest.raises(services.AssessmentError, match="理由"):
        _set(a, w, RiskLevel.MEDIUM, Outcome.IMPROVE, conditions="先整改")
    _set(a, w, RiskLevel.MEDIUM, Outcome.IMPROVE, reason="问卷样本偏向反对方", conditions="先整改")
    db.session.commit()
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "assessment.level")).one()
    assert entry.after == {"level": "medium", "outcome": "improve", "proposed": "high", "override": True}
    assert entry.note == "问卷样本偏向反对方"
    assert a.methods["disagree"] is True and len(a.methods["methods"]) == 3


def test_high_refuses_implement(app):
    w = assessed_world()
    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    for outcome in (Outcome.IMPLEMENT, Outcome.IMPROVE, Outcome.PARTIAL):
        with pytest.raises(services.AssessmentError, match="一票否决"):
            _set(a, w, RiskLevel.HIGH, outcome, conditions="x")
    _set(a, w, RiskLevel.HIGH, Outcome.REJECT)
    assert a.final_level == RiskLevel.HIGH and a.outcome == Outcome.REJECT


def test_medium_refuses_implement_and_conditions_required(app):
    w = assessed_world()
    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    with pytest.raises(services.AssessmentError, match="不能为“可实施”"):
        _set(a, w, RiskLevel.MEDIUM, Outcome.IMPLEMENT, reason="r")
    with pytest.raises(services.AssessmentError, match="须写明"):
        _set(a, w, RiskLevel.MEDIUM, Outcome.IMPROVE, reason="r", conditions="  \n ")


def test_simple_procedure_only_low(app):
    w = assessed_world()
    w["matter"].procedure = Procedure.SIMPLE
    db.session.commit()
    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    with pytest.raises(services.AssessmentError, match="简易程序"):
        _set(a, w, RiskLevel.HIGH, Outcome.REJECT)
    _set(a, w, RiskLevel.LOW, Outcome.IMPLEMENT, reason="仅一次座谈，无反对")


def test_reassessment_keeps_history(app):
    w = assessed_world()
    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    with pytest.raises(services.AssessmentError):
        services.reassess(a, actor=w["assessor"], now=utcnow(), reason="措施已落实")  # no level yet
    _set(a, w, RiskLevel.MEDIUM, Outcome.IMPROVE, reason="r", conditions="先整改")
    with pytest.raises(services.AssessmentError, match="原因"):
        services.reassess(a, actor=w["assessor"], now=utcnow(), reason=" ")
    nxt = services.reassess(a, actor=w["assessor"], now=utcnow(), reason="除臭设施已安装")
    db.session.commit()
    rounds = services.rounds(w["matter"])
    assert [(r.round, r.is_current) for r in rounds] == [(1, False), (2, True)]
    assert rounds[0].final_level == RiskLevel.MEDIUM and nxt.previous_id == a.id and nxt.final_level is None
    with pytest.raises(services.AssessmentError):
        _set(a, w, RiskLevel.LOW, Outcome.IMPLEMENT, reason="x")  # old round is frozen
    assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == 2


def test_other_organiser_cannot_set_level(app):
    from werkzeug.exceptions import Forbidden

    w = assessed_world(survey=False)
    with pytest.raises(Forbidden):
        services.ensure_assessment(w["matter"], actor=w["other"])


def test_assessment_page_shows_methods_and_refusals(app, client):
    from tests.conftest import login

    w = assessed_world()
    login(client, w["assessor"])
    base = f"/staff/matters/{w['matter'].id}/assessment"
    page = client.get(base).get_data(as_text=True)
    assert "各方法结果不一致" in page and "问卷反对占比：37.5%（3/8）" in page and "平台建议等级" in page
    resp = client.post(base + "/level", data={"level": "high", "outcome": "implement", "reason": "", "conditions": ""})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "一票否决" in text
    assert services.current_assessment(w["matter"]) is None  # nothing half-saved
    resp = client.post(base + "/level", data={"level": "low", "outcome": "implement", "reason": "", "conditions": "c"})
    assert resp.status_code == 422 and "请填写理由" in resp.get_data(as_text=True)
    assert re.search(r">\s*c</textarea>", resp.get_data(as_text=True))  # the other input is kept
    resp = client.post(base + "/level", data={"level": "high", "outcome": "reject", "reason": "", "conditions": ""})
    assert resp.status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "不实施" in page and "措施落实后重新评估" in page
