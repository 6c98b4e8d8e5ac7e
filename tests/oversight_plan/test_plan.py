"""The annual assessment plan: plan vs done (hand-counted, see world.py), who reads and who edits."""
import pytest

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.matters.models import MatterKind
from consult.oversight import plan
from consult.oversight.models import PlanItem
from tests.conftest import login
from tests.oversight_plan.world import item, planned_world


def _page(client, **args):
    resp = client.get("/oversight/plan", query_string=args)
    return resp.status_code, resp.get_data(as_text=True)


def test_plan_vs_done_is_the_hand_count(app):
    w = planned_world()
    mine, other = plan.progress([w["org"], w["other_org"]], 2026)
    assert mine.as_dict() == {"organisation": "本单位", "year": 2026, "planned": 4, "started": 3, "assessed": 2,
                              "decided": 1, "unplanned": 2}
    assert [m.title for m in mine.unplanned] == ["公厕选址", "菜市场搬迁"]  # not 农贸市场改造 (2025 in Beijing)
    assert [mine.states[i.id] for i in w["items"]] == ["decided", "assessed", "started", "planned"]
    assert other.as_dict() == {"organisation": "其他单位", "year": 2026, "planned": 1, "started": 0, "assessed": 0,
                               "decided": 0, "unplanned": 1}
    (y2025,) = plan.progress([w["org"]], 2025)
    assert y2025.as_dict()["planned"] == 0 and [m.title for m in y2025.unplanned] == ["农贸市场改造"]


def test_items_are_ordered_by_expected_month_then_unscheduled(app):
    w = planned_world()
    assert [i.title for i in plan.items(w["org"].id, 2026)] == ["垃圾中转站建设", "停车收费调整", "老旧小区改造", "体育馆建设"]


def test_organiser_page_shows_the_plan_and_the_add_form(app, client):
    w = planned_world()
    login(client, w["organiser"])
    status, page = _page(client, year=2026)
    assert status == 200 and "年度评估计划 · 本单位 · 2026 年" in page
    assert "<td>4</td><td>3</td><td>2</td><td>1</td><td>2</td>" in page  # planned, started, assessed, decided, unplanned
    assert "已决策" in page and "已定级" in page and "未启动" in page and "待立项" in page
    unplanned = page.split("计划外事项</h2>")[1].split("</section>")[0]
    assert unplanned.split() == ['<ul', 'class="ov-unplanned"><li>公厕选址</li><li>菜市场搬迁</li></ul>']
    assert "加入计划" in page and "国企改制方案" not in page and "其他单位" not in page
    assert f'<option value="{w["toilet"].id}">{w["toilet"].id} · 公厕选址</option>' in page  # own matters to link
    assert "港口扩建" not in page
    assert "稳评台账" not in page.split("</header>")[-1]  # no oversight nav for organisers


def test_supervisor_reads_supervised_plans_only(app, client):
    w = planned_world()
    login(client, w["supervisor"])
    status, page = _page(client, year=2026)
    assert status == 200 and "本单位" in page and "只读：年度评估计划由责任单位编制。" in page
    assert "加入计划" not in page and "/delete" not in page and "国企改制方案" not in page
    status, page = _page(client, year=2026, organisation_id=w["other_org"].id)
    assert status == 422 and "所选单位不在您可查看的范围内。" in page and "国企改制方案" not in page
    resp = client.post(f"/oversight/plan/{w['org'].id}/2026/items", data={"title": "监督者不能加", "kind": "project"})
    assert resp.status_code == 403
    assert client.get(f"/oversight/plan/items/{w['items'][0].id}/edit").status_code == 403


def test_supervisor_without_organisations_sees_an_empty_page(app, client):
    w = planned_world()
    w["supervisor"].supervised = []
    db.session.commit()
    login(client, w["supervisor"])
    status, page = _page(client)
    assert status == 200 and "您没有可查看的单位计划。" in page and "本单位" not in page


def test_admin_sees_and_edits_every_plan(app, client):
    w = planned_world()
    login(client, w["admin"])
    status, page = _page(client, year=2026, organisation_id=w["other_org"].id)
    assert status == 200 and "国企改制方案" in page and "加入计划" in page and "港口扩建" in page


@pytest.mark.parametrize("role", ["assessor", "expert"])
def test_other_roles_are_refused(app, client, role):
    w = planned_world()
    login(client, w[role])
    assert client.get("/oversight/plan").status_code == 403


def test_anonymous_is_sent_to_login(app, client):
    planned_world()
    resp = client.get("/oversight/plan")
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]


def test_other_organiser_cannot_read_or_edit_this_plan(app, client):
    w = planned_world()
    login(client, w["other"])
    status, page = _page(client, organisation_id=w["org"].id, year=2026)
    assert status == 422 and "所选单位不在您可查看的范围内。" in page and "体育馆建设" not in page
    assert "国企改制方案" in page  # their own body's plan instead
    assert client.post(f"/oversight/plan/items/{w['items'][3].id}/delete").status_code == 403
    assert db.session.get(PlanItem, w["items"][3].id) is not None


def test_add_link_edit_unlink_delete(app, client):
    w = planned_world()
    login(client, w["organiser"])
    resp = client.post(f"/oversight/plan/{w['org'].id}/2026/items", data={
        "title": "公厕选址", "kind": "project", "area": "甲区", "expected_month": "４", "matter_id": str(w["toilet"].id),
        "note": "补列"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(
        f"/oversight/plan?organisation_id={w['org'].id}&year=2026")
    added = db.session.query(PlanItem).filter_by(title="公厕选址").one()
    assert (added.expected_month, added.matter_id, added.area, added.note, added.created_by_id) == (
        4, w["toilet"].id, "甲区", "补列", w["organiser"].id)
    (p,) = plan.progress([w["org"]], 2026)
    assert (p.planned, p.started, p.assessed, p.unplanned) == (5, 4, 3, [w["market"]])
    # unlink through the edit form
    resp = client.post(f"/oversight/plan/items/{added.id}/edit", data={
        "title": "公厕选址（调整）", "kind": "event", "expected_month": "", "matter_id": ""})
    assert resp.status_code == 303
    db.session.refresh(added)
    assert (added.title, added.kind, added.expected_month, added.matter_id) == ("公厕选址（调整）", MatterKind.EVENT, None, None)
    assert client.post(f"/oversight/plan/items/{added.id}/delete").status_code == 303
    assert db.session.get(PlanItem, added.id) is None
    actions = [(e.action, e.object_type) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == [("plan.create", "PlanItem"), ("plan.update", "PlanItem"), ("plan.delete", "PlanItem")]
    update = db.session.query(AuditEntry).filter_by(action="plan.update").one()
    assert update.before["matter_id"] == w["toilet"].id and update.after["matter_id"] is None
    assert update.matter_id == w["toilet"].id  # the unlinked matter's log shows it


def test_edit_page_shows_the_stored_values(app, client):
    w = planned_world()
    login(client, w["organiser"])
    page = client.get(f"/oversight/plan/items/{w['items'][1].id}/edit").get_data(as_text=True)
    assert 'value="停车收费调整"' in page and '<option selected value="policy">' in page
    assert 'name="expected_month" type="text" value="6"' in page
    assert f'<option selected value="{w["parking"].id}">' in page


def test_link_to_another_bodys_matter_is_refused(app, client):
    w = planned_world()
    login(client, w["organiser"])
    resp = client.post(f"/oversight/plan/{w['org'].id}/2026/items", data={
        "title": "越界关联", "kind": "project", "matter_id": str(w["port"].id)})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "请从列表中选择本单位的事项。" in page and 'value="越界关联"' in page
    assert db.session.query(PlanItem).filter_by(title="越界关联").count() == 0
    with pytest.raises(plan.PlanError, match="只能关联本单位的事项"):  # the service checks too
        plan.add_item(w["org"], 2026, actor=w["organiser"], title="越界", kind=MatterKind.PROJECT,
                      matter_id=w["port"].id)


def test_a_matter_links_to_one_item_per_plan(app, client):
    w = planned_world()
    login(client, w["organiser"])
    resp = client.post(f"/oversight/plan/{w['org'].id}/2026/items", data={
        "title": "重复关联", "kind": "project", "matter_id": str(w["parking"].id)})
    assert resp.status_code == 422 and "该事项已关联到本年度计划的另一项。" in resp.get_data(as_text=True)
    item(w["org"], "下一年度同一事项", year=2027)  # another year's plan may list it again
    assert plan.add_item(w["org"], 2027, actor=w["organiser"], title="停车收费调整（续）", kind=MatterKind.POLICY,
                         matter_id=w["parking"].id).id


def test_duplicate_submission_adds_once(app, client):
    w = planned_world()
    login(client, w["organiser"])
    data = {"title": "新体育公园", "kind": "project", "expected_month": "5"}
    assert client.post(f"/oversight/plan/{w['org'].id}/2026/items", data=data).status_code == 303
    resp = client.post(f"/oversight/plan/{w['org'].id}/2026/items", data=data)
    assert resp.status_code == 422 and "本年度计划中已有同名事项。" in resp.get_data(as_text=True)
    assert db.session.query(PlanItem).filter_by(title="新体育公园").count() == 1


@pytest.mark.parametrize("path", ["/oversight/plan/{org}/1999/items", "/oversight/plan/{org}/2101/items",
                                  "/oversight/plan/999999/2026/items"])
def test_out_of_range_year_or_unknown_body_is_not_found(app, client, path):
    w = planned_world()
    login(client, w["admin"])
    resp = client.post(path.format(org=w["org"].id), data={"title": "x", "kind": "project"})
    assert resp.status_code == 404


def test_deleting_an_unknown_item_is_not_found(app, client):
    w = planned_world()
    login(client, w["organiser"])
    assert client.post("/oversight/plan/items/999999/delete").status_code == 404
    assert client.get("/oversight/plan/items/999999/edit").status_code == 404

