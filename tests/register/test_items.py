"""Register services: promote (one or several points), edit, grade, residual, measures, evidence
counted live, and every change in the audit log with before/after."""
from datetime import date

import pytest
from werkzeug.exceptions import Forbidden

from consult.analysis.models import PointState
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.models import utcnow
from consult.register import items, measures
from consult.register.models import MeasureStatus, RiskItem, RiskLevel
from tests import factories as f
from tests.register import factories as rf


def _audit(action):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_promote_one_point_confirms_it_and_logs():
    w = f.world()
    p = rf.point(w["matter"], "臭气扰民", n_voices=3)
    it = rf.item(w, p)
    assert (it.number, it.title, it.area, it.dimension, [x.id for x in it.points]) == (
        1, "臭气扰民", "生态环境", "合理性", [p.id])
    assert p.state == PointState.CONFIRMED
    [entry] = _audit("risk_item.promote")
    assert entry.before is None and entry.after["point_ids"] == [p.id] and entry.actor_id == w["assessor"].id
    assert _audit("risk_point.confirm")[0].after == {"state": "confirmed"}


def test_promote_several_points_merges_them_into_one_item():
    w = f.world()
    a, b = rf.point(w["matter"], "垃圾车噪音", n_voices=2), rf.point(w["matter"], "垃圾车堵路", n_voices=3)
    it = rf.item(w, a, b, title="垃圾车交通影响")
    assert it.title == "垃圾车交通影响" and {p.id for p in it.points} == {a.id, b.id}
    assert it.description == "垃圾车噪音的描述\n\n垃圾车堵路的描述"
    assert items.evidence_count(it) == 5
    second = rf.item(w, rf.point(w["matter"], "程序不公开"))
    assert second.number == 2


@pytest.mark.parametrize("state", [PointState.DISMISSED, PointState.MERGED])
def test_dismissed_or_merged_points_cannot_be_promoted(state):
    w = f.world()
    p = rf.point(w["matter"], state=state)
    with pytest.raises(items.RegisterError, match="已排除或已合并"):
        items.promote_points(w["matter"], [p], actor=w["assessor"], title="", now=utcnow())
    assert db.session.query(RiskItem).count() == 0


def test_a_point_is_on_the_register_once_and_only_for_its_matter():
    w = f.world()
    p = rf.point(w["matter"])
    rf.item(w, p)
    with pytest.raises(items.RegisterError):
        items.promote_points(w["matter"], [p], actor=w["assessor"], title="", now=utcnow())
    other_matter = f.matter(w["org"])
    q = rf.point(other_matter)
    with pytest.raises(items.RegisterError):
        items.promote_points(w["matter"], [q], actor=w["assessor"], title="", now=utcnow())
    with pytest.raises(items.RegisterError, match="至少选择"):
        items.promote_points(w["matter"], [], actor=w["assessor"], title="", now=utcnow())


def test_only_assessor_and_organiser_may_change_the_register():
    w = f.world()
    p = rf.point(w["matter"])
    for who in ("admin", "other"):
        with pytest.raises(Forbidden):
            items.promote_points(w["matter"], [p], actor=w[who], title="", now=utcnow())
    it = items.promote_points(w["matter"], [p], actor=w["organiser"], title="", now=utcnow())
    with pytest.raises(Forbidden):
        items.grade_item(it, actor=w["admin"], likelihood=1, severity=1, now=utcnow())


def test_evidence_is_counted_live():
    w = f.world()
    a, b = rf.point(w["matter"], "甲"), rf.point(w["matter"], "乙")
    va = [rf.voice(w["matter"], point=a) for _ in range(3)]
    rf.voice(w["matter"], point=a, excluded=True)  # "not a risk": no evidence
    it = rf.item(w, a)
    assert items.evidence_count(it) == 3 and items.evidence_counts([it]) == {it.id: 3}
    va[0].point_id = b.id  # the assessor moves a text to another point
    va[1].is_excluded = True
    rf.voice(w["matter"], point=a)  # a new text arrives in the point
    db.session.commit()
    assert items.evidence_count(it) == 2
    assert [v.id for v in items.evidence(it, page=1, per_page=50)] == [va[2].id, va[2].id + 2]


def test_grade_uses_the_matrix_and_logs_before_after():
    w = f.world()
    it = rf.item(w)
    items.grade_item(it, actor=w["assessor"], likelihood=3, severity=4, now=utcnow())
    assert it.level == RiskLevel.MEDIUM
    items.grade_item(it, actor=w["assessor"], likelihood=3, severity=5, now=utcnow())
    assert it.level == RiskLevel.HIGH
    entries = _audit("risk_item.grade")
    assert [(e.before, e.after, e.note) for e in entries] == [
        ({"likelihood": None, "severity": None, "level": None}, {"likelihood": 3, "severity": 4, "level": "medium"}, "3×4=12"),
        ({"likelihood": 3, "severity": 4, "level": "medium"}, {"likelihood": 3, "severity": 5, "level": "high"}, "3×5=15")]


def test_grade_follows_configured_bands(app):
    w = f.world()
    it = rf.item(w)
    app.config["RISK_MATRIX"] = [{"level": "low", "max_score": 2}, {"level": "medium", "max_score": 9},
                                 {"level": "high", "max_score": 25}]
    try:
        items.grade_item(it, actor=w["assessor"], likelihood=2, severity=5, now=utcnow())
    finally:
        app.config.pop("RISK_MATRIX")
    assert it.level == RiskLevel.HIGH


def test_residual_needs_a_grade_and_a_reason():
    w = f.world()
    it = rf.item(w)
    with pytest.raises(items.RegisterError, match="请先评定初始风险"):
        items.set_residual(it, actor=w["assessor"], likelihood=1, severity=2, reason="好", now=utcnow())
    items.grade_item(it, actor=w["assessor"], likelihood=4, severity=4, now=utcnow())
    with pytest.raises(items.RegisterError, match="理由"):
        items.set_residual(it, actor=w["assessor"], likelihood=1, severity=2, reason=" \u3000", now=utcnow())
    items.set_residual(it, actor=w["assessor"], likelihood=2, severity=3, reason="密闭运输后臭气减少", now=utcnow())
    assert (it.residual_level, it.residual_reason) == (RiskLevel.MEDIUM, "密闭运输后臭气减少")
    [entry] = _audit("risk_item.residual")
    assert entry.after == {"residual_likelihood": 2, "residual_severity": 3, "residual_level": "medium",
                           "residual_reason": "密闭运输后臭气减少"} and entry.before["residual_level"] is None


def test_update_item_checks_area_and_dimension_and_logs_only_real_changes():
    w = f.world()
    it = rf.item(w)
    values = {"title": "臭气", "description": "夏季尤甚", "area": "其他", "dimension": "安全性",
              "affected_groups": "周边三个小区", "affected_size": 1200}
    items.update_item(it, actor=w["assessor"], values=values, now=utcnow())
    items.update_item(it, actor=w["assessor"], values=values, now=utcnow())  # nothing changed: no entry
    [entry] = _audit("risk_item.update")
    assert entry.after == values and entry.before["affected_size"] is None
    for bad in ({"area": "生态"}, {"dimension": "公平性"}):
        with pytest.raises(items.RegisterError):
            items.update_item(it, actor=w["assessor"], values={**values, **bad}, now=utcnow())
    assert items.areas() == ["政策规划和审批程序", "土地房屋征收", "技术经济方案", "生态环境", "项目建设管理",
                             "当地经济社会影响", "质量安全和社会治安", "媒体舆论导向", "其他"]


def test_measures_add_update_delete_with_audit():
    w = f.world()
    it = rf.item(w)
    now = utcnow()
    m = measures.add_measure(it, actor=w["assessor"], now=now, values={
        "text": "密闭运输", "responsible_unit": "城管局", "deadline": date(2027, 3, 31), "status": MeasureStatus.PLANNED})
    measures.update_measure(m, actor=w["organiser"], now=now, values={
        "text": "密闭运输", "responsible_unit": "城管局", "deadline": date(2027, 3, 31), "status": MeasureStatus.DONE})
    assert m.done_at == now
    measures.update_measure(m, actor=w["organiser"], now=now, values={
        "text": "密闭运输并加装除臭", "responsible_unit": "城管局", "deadline": None, "status": MeasureStatus.IN_PROGRESS})
    assert m.done_at is None
    measures.delete_measure(m, actor=w["assessor"], now=now)
    db.session.commit()
    assert it.measures == []
    add, = _audit("risk_measure.add")
    assert add.after["deadline"] == "2027-03-31" and add.after["item_id"] == it.id
    upd = _audit("risk_measure.update")
    assert [u.after["status"] for u in upd] == ["done", "in_progress"] and upd[1].before["text"] == "密闭运输"
    dele, = _audit("risk_measure.delete")
    assert dele.before["text"] == "密闭运输并加装除臭" and dele.after is None
