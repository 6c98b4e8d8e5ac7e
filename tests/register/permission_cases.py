"""Access cases for every state-changing register endpoint: assessor of the matter and
organiser of its organisation; everyone else (admin included: view only) is refused."""
from consult.extensions import db
from consult.models import utcnow
from consult.register import items, measures, responses
from consult.register.models import MeasureStatus
from tests.permission_support import Case
from tests.register import factories as rf

ANALYSTS = frozenset({"organiser", "assessor"})


def _item(w):
    if "item" not in w:
        w["item"] = rf.item(w)
    return w["item"]


def _graded(w):
    items.grade_item(_item(w), actor=w["assessor"], likelihood=3, severity=4, now=utcnow())
    db.session.commit()
    return w["item"]


def _measure(w):
    m = measures.add_measure(_item(w), actor=w["assessor"], now=utcnow(), values={
        "text": "密闭运输", "responsible_unit": "城管局", "deadline": None, "status": MeasureStatus.PLANNED})
    db.session.commit()
    return m


def _point(w):
    if "point" not in w:
        w["point"] = rf.point(w["matter"], n_voices=1)
    return w["point"]


def _published(w):
    p = _point(w)
    responses.publish_response(p, actor=w["assessor"], text="将加装除臭设备", now=utcnow())
    db.session.commit()
    return f"/staff/risk-points/{p.id}/response/withdraw"


def _link_url(w):
    w["free"] = rf.point(w["matter"], "新风险点", n_voices=1)
    return f"/staff/register/items/{_item(w).id}/points"


def _unlink_url(w):
    a, b = rf.point(w["matter"], "甲", n_voices=1), rf.point(w["matter"], "乙", n_voices=1)
    it = rf.item(w, a, b)
    return f"/staff/register/items/{it.id}/points/{a.id}/unlink"


def _measure_values(prefix=""):
    return {f"{prefix}text": "增加洒水频次", f"{prefix}responsible_unit": "环卫所", f"{prefix}deadline": "2027-01-31",
            f"{prefix}status": "in_progress"}


CASES = [
    Case("register.promote", lambda w: f"/staff/matters/{w['matter'].id}/register/promote", ANALYSTS,
         data=lambda w: {"points": [str(_point(w).id)], "title": "臭气扰民"}, status=302),
    Case("register.item_edit", lambda w: f"/staff/register/items/{_item(w).id}", ANALYSTS,
         data=lambda w: {"title": "臭气", "description": "描述", "area": "生态环境", "dimension": "安全性",
                         "affected_groups": "周边居民", "affected_size": "300"}, status=302),
    Case("register.item_grade", lambda w: f"/staff/register/items/{_item(w).id}/grade", ANALYSTS,
         data=lambda w: {"likelihood": "4", "severity": "3"}, status=302),
    Case("register.item_residual", lambda w: f"/staff/register/items/{_graded(w).id}/residual", ANALYSTS,
         data=lambda w: {"residual_likelihood": "2", "residual_severity": "3", "reason": "措施到位"}, status=302),
    Case("register.measure_add", lambda w: f"/staff/register/items/{_item(w).id}/measures", ANALYSTS,
         data=lambda w: _measure_values(), status=302),
    Case("register.measure_edit", lambda w: f"/staff/register/measures/{_measure(w).id}", ANALYSTS,
         data=lambda w: _measure_values(f"m{w['item'].measures[0].id}-"), status=302),
    Case("register.measure_delete", lambda w: f"/staff/register/measures/{_measure(w).id}/delete", ANALYSTS, status=302),
    Case("responses.response_publish", lambda w: f"/staff/risk-points/{_point(w).id}/response", ANALYSTS,
         data=lambda w: {f"p{w['point'].id}-text": "将调整收运时间，避开上学时段"}, status=302),
    Case("responses.response_withdraw", _published, ANALYSTS, status=302),
    Case("register.item_link", _link_url, ANALYSTS, data=lambda w: {"points": [str(w["free"].id)]}, status=302),
    Case("register.item_unlink", _unlink_url, ANALYSTS, status=302),
    Case("register.item_remove", lambda w: f"/staff/register/items/{_item(w).id}/remove", ANALYSTS,
         data=lambda w: {"reason": "与其他风险项重复"}, status=302),
]
