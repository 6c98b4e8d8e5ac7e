"""Undoing register work: take a point out of an item, add more points, take an item out of the
register with a reason (its measures go, its points can be promoted again), all audit-logged."""
from __future__ import annotations

from sqlalchemy import select

from consult.analysis.models import PointState
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.register.models import Measure, RiskItem
from tests import factories as f
from tests.conftest import login
from tests.register import factories as rf


def _item_with_two_points(w):
    a, b = rf.point(w["matter"], "噪音", n_voices=1), rf.point(w["matter"], "堵路", n_voices=2)
    item = RiskItem(matter_id=w["matter"].id, number=1, title="噪音与交通")
    item.points = [a, b]
    item.measures = [Measure(text="限定作业时间", responsible_unit="城管局")]
    db.session.add(item)
    db.session.commit()
    return item, a, b


def _last_audit():
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


def test_unlink_keeps_at_least_one_point(client):
    w = f.world()
    item, a, b = _item_with_two_points(w)
    login(client, w["assessor"])
    page = client.get(f"/staff/register/items/{item.id}").get_data(as_text=True)
    assert page.count("取消关联</button>") == 2
    resp = client.post(f"/staff/register/items/{item.id}/points/{a.id}/unlink")
    assert resp.status_code == 302
    db.session.expire_all()
    assert [p.id for p in db.session.get(RiskItem, item.id).points] == [b.id]
    entry = _last_audit()
    assert (entry.action, entry.before, entry.after) == ("risk_item.unlink", {"point_ids": sorted([a.id, b.id])},
                                                         {"point_ids": [b.id]})
    resp = client.post(f"/staff/register/items/{item.id}/points/{b.id}/unlink")
    assert resp.status_code == 422
    assert "风险项至少要关联一个风险点" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert [p.id for p in db.session.get(RiskItem, item.id).points] == [b.id]


def test_unlinked_point_can_be_linked_again(client):
    w = f.world()
    item, a, b = _item_with_two_points(w)
    login(client, w["assessor"])
    client.post(f"/staff/register/items/{item.id}/points/{a.id}/unlink")
    page = client.get(f"/staff/register/items/{item.id}").get_data(as_text=True)
    assert "关联更多风险点" in page and f'value="{a.id}"' in page
    resp = client.post(f"/staff/register/items/{item.id}/points", data={"points": [str(a.id)]})
    assert resp.status_code == 302
    db.session.expire_all()
    assert sorted(p.id for p in db.session.get(RiskItem, item.id).points) == sorted([a.id, b.id])
    assert _last_audit().action == "risk_item.link"


def test_link_refuses_nothing_and_foreign_points(client):
    w = f.world()
    item, a, b = _item_with_two_points(w)
    extra = rf.point(w["matter"], "臭味", n_voices=1)
    login(client, w["assessor"])
    resp = client.post(f"/staff/register/items/{item.id}/points", data={})
    assert resp.status_code == 422 and "请至少选择一个风险点。" in resp.get_data(as_text=True)
    resp = client.post(f"/staff/register/items/{item.id}/points", data={"points": ["999999"]})
    assert resp.status_code == 422 and "所选风险点已列入清单、已排除或不属于本事项" in resp.get_data(as_text=True)
    resp = client.post(f"/staff/register/items/{item.id}/points", data={"points": ["<script>1</script>"]})
    assert resp.status_code == 422
    db.session.expire_all()
    assert len(db.session.get(RiskItem, item.id).points) == 2
    assert db.session.get(type(extra), extra.id).state == PointState.CANDIDATE


def test_remove_needs_a_reason_and_frees_the_points(client):
    w = f.world()
    item, a, b = _item_with_two_points(w)
    item_id = item.id
    login(client, w["assessor"])
    for bad in ("", "   ", "x" * 501):
        resp = client.post(f"/staff/register/items/{item_id}/remove", data={"reason": bad})
        assert resp.status_code == 422
    assert "请说明移出清单的理由。" in client.post(f"/staff/register/items/{item_id}/remove",
                                                  data={"reason": ""}).get_data(as_text=True)
    assert db.session.get(RiskItem, item_id) is not None
    resp = client.post(f"/staff/register/items/{item_id}/remove", data={"reason": "与第2项重复"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/staff/matters/{w['matter'].id}/register")
    db.session.expire_all()
    assert db.session.get(RiskItem, item_id) is None
    assert db.session.scalar(select(Measure.id)) is None
    entry = _last_audit()
    assert entry.action == "risk_item.remove" and entry.note == "与第2项重复"
    assert entry.before["point_ids"] == sorted([a.id, b.id]) and entry.before["measures"][0]["text"] == "限定作业时间"
    page = client.get(f"/staff/matters/{w['matter'].id}/register").get_data(as_text=True)
    assert f'value="{a.id}"' in page and f'value="{b.id}"' in page  # promotable again
    # a second submission of the same form finds nothing to remove
    assert client.post(f"/staff/register/items/{item_id}/remove", data={"reason": "与第2项重复"}).status_code == 404


def test_organiser_of_another_body_cannot_remove(client):
    w = f.world()
    item, a, b = _item_with_two_points(w)
    login(client, w["other"])
    assert client.post(f"/staff/register/items/{item.id}/remove", data={"reason": "x"}).status_code == 403
    assert db.session.get(RiskItem, item.id) is not None
