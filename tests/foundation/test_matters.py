import pytest
from werkzeug.exceptions import Forbidden

from consult.audit.models import AuditEntry
from consult.auth.models import Role
from consult.extensions import db
from consult.matters import services
from consult.matters.models import Matter, MatterKind, MatterStatus, Procedure
from consult.models import utcnow
from tests import factories
from tests.conftest import login


def test_organiser_creates_matter_in_own_organisation_only():
    w = factories.world()
    m = services.create_matter(actor=w["organiser"], organisation=w["org"], title="征地项目",
                               kind=MatterKind.PROJECT, procedure=Procedure.KEY, is_sensitive=True)
    assert m.status == MatterStatus.DRAFT and m.is_sensitive
    with pytest.raises(Forbidden):
        services.create_matter(actor=w["organiser"], organisation=w["other_org"], title="x",
                               kind=MatterKind.POLICY)


def test_update_records_before_and_after():
    w = factories.world()
    services.update_matter(w["matter"], actor=w["organiser"], title="新名称", est_households=120)
    entry = db.session.query(AuditEntry).filter_by(action="matter.update").one()
    assert entry.before["title"] != "新名称" and entry.after["title"] == "新名称"
    assert entry.after["est_households"] == 120 and entry.actor_id == w["organiser"].id


def test_cannot_move_matter_to_another_organisation():
    w = factories.world()
    with pytest.raises(services.MatterError):
        services.update_matter(w["matter"], actor=w["organiser"], organisation_id=w["other_org"].id)


def test_status_transitions():
    w = factories.world()
    m = factories.matter(w["org"], status=MatterStatus.DRAFT)
    with pytest.raises(services.MatterError, match="请先发布公示"):
        services.change_status(m, MatterStatus.CONSULTING, actor=w["organiser"], now=utcnow())
    factories.notice(m)
    db.session.refresh(m)
    services.change_status(m, MatterStatus.CONSULTING, actor=w["organiser"], now=utcnow())
    services.change_status(m, MatterStatus.CLOSED, actor=w["organiser"], now=utcnow())
    with pytest.raises(services.MatterError):
        services.change_status(m, MatterStatus.FILED, actor=w["organiser"], now=utcnow())


def test_only_assessors_can_be_assigned():
    w = factories.world()
    with pytest.raises(services.MatterError):
        services.set_assessors(w["matter"], [w["other"]], actor=w["organiser"])


def test_each_role_sees_only_its_matters():
    w = factories.world()
    factories.matter(w["other_org"], title="别人的事项")
    assert [m.id for m in services.visible_matters(w["organiser"])] == [w["matter"].id]
    assert [m.id for m in services.visible_matters(w["assessor"])] == [w["matter"].id]
    assert len(services.visible_matters(w["admin"])) == 2


def test_other_organiser_gets_403_on_matter_page(client):
    w = factories.world()
    login(client, w["other"])
    assert client.get(f"/staff/matters/{w['matter'].id}").status_code == 403
    assert client.get(f"/staff/matters/{w['matter'].id}/audit").status_code == 403


def test_anonymous_is_sent_to_login(client):
    w = factories.world()
    resp = client.get(f"/staff/matters/{w['matter'].id}")
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]


def test_matter_form_keeps_input_on_error(client):
    w = factories.world()
    login(client, w["organiser"])
    resp = client.post("/staff/matters/new", data={
        "title": "　", "kind": "project", "organisation_id": w["org"].id, "area": "保留的区域",
        "est_households": "很多", "procedure": "general"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "此项为必填项" in body and "保留的区域" in body
    assert "请填写 0 到 1 亿之间的整数" in body or "Not a valid integer" not in body
    assert db.session.query(Matter).count() == 1


def test_audit_page_lists_changes(client):
    w = factories.world()
    services.update_matter(w["matter"], actor=w["organiser"], title="<b>新名称</b>")
    db.session.commit()
    login(client, w["assessor"])
    body = client.get(f"/staff/matters/{w['matter'].id}/audit").get_data(as_text=True)
    assert "修改事项" in body and "&lt;b&gt;新名称&lt;/b&gt;" in body
