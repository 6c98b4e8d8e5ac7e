"""The ledger (台账): scope by supervised organisation, hand-checked rows, filters, XLSX, CLI."""
import io
import json
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from consult.auth.models import Role
from consult.extensions import db
from consult.matters.models import MatterKind, MatterStatus, Procedure
from consult.oversight import ledger
from consult.register.models import RiskLevel
from consult.reports.models import Outcome, Stage
from tests import factories
from tests.conftest import login
from tests.oversight import builders
from tests.permission_support import add_outside_roles


def _at(*args):
    return datetime(*args, tzinfo=timezone.utc)


def _world():
    """Org (supervised): a filed project, a flagged policy; other org: an unfiled reform."""
    w = add_outside_roles(factories.world())
    m = w["matter"]
    m.title, m.area, m.status = "垃圾中转站建设", "甲区", MatterStatus.FILED
    builders.notice(m, _at(2026, 1, 5, 8))
    builders.assessed(m, level=RiskLevel.LOW, outcome=Outcome.IMPROVE, round_=1, current=False)
    builders.assessed(m, level=RiskLevel.MEDIUM, outcome=Outcome.IMPLEMENT, set_at=_at(2026, 2, 1, 9),
                      stages=[(Stage.DRAFT, _at(2026, 2, 2, 9)), (Stage.SUBMITTED, _at(2026, 2, 10, 9)),
                              (Stage.FINAL, _at(2026, 3, 1, 9)), (Stage.FINAL, _at(2026, 3, 4, 9))],
                      decided=date(2026, 3, 5), filed_at=_at(2026, 3, 6, 10), round_=2)
    w["flagged"] = factories.matter(w["org"], title="停车收费调整", kind=MatterKind.POLICY, area="乙区",
                                    procedure=Procedure.SIMPLE, status=MatterStatus.ASSESSING)
    builders.assessed(w["flagged"], decided=date(2026, 4, 1), adopted=False)
    w["foreign"] = factories.matter(w["other_org"], title="国企改制方案", kind=MatterKind.REFORM, area="丙区")
    builders.assessed(w["foreign"], level=RiskLevel.HIGH, outcome=Outcome.POSTPONE, set_at=_at(2026, 5, 1))
    return w


def _page(client, **args):
    resp = client.get("/oversight/ledger", query_string=args)
    return resp.status_code, resp.get_data(as_text=True)


def test_row_figures_are_the_hand_set_dates(app):
    w = _world()
    rows, total = ledger.ledger(w["admin"], ledger.Filters())
    by_title = {r.matter.title: r.as_dict() for r in rows}
    assert total == 3
    filed = by_title["垃圾中转站建设"]
    assert filed["notice_on"] == "2026-01-05" and filed["level_set_on"] == "2026-02-01"
    assert filed["stages"] == {"draft": "2026-02-02", "submitted": "2026-02-10", "revised": None,
                               "final": "2026-03-01"}  # the first 定稿, not the later one
    assert (filed["level"], filed["outcome"], filed["rounds"]) == ("medium", "implement", 2)
    assert (filed["decision"], filed["decided_on"], filed["filing"], filed["filed_on"]) == (
        True, "2026-03-05", "filed", "2026-03-06")
    assert filed["flag_decided_without_assessment"] is False
    flagged = by_title["停车收费调整"]
    assert flagged["flag_decided_without_assessment"] is True and flagged["decision"] is False
    assert flagged["rounds"] == 1 and flagged["level"] is None and flagged["notice_on"] is None
    assert by_title["国企改制方案"]["flag_decided_without_assessment"] is False  # not decided yet


def test_supervisor_sees_only_supervised_organisations(app, client):
    w = _world()
    login(client, w["supervisor"])
    status, page = _page(client)
    assert status == 200 and "共 2 项" in page
    assert "垃圾中转站建设" in page and "停车收费调整" in page and "国企改制方案" not in page
    assert "其他单位" not in page  # not offered as a filter either
    status, page = _page(client, organisation_id=w["other_org"].id)
    assert status == 422 and "所选责任单位不在您的监督范围内" in page and "国企改制方案" not in page
    wb = load_workbook(io.BytesIO(client.get("/oversight/ledger.xlsx").data))
    titles = [r[1] for r in wb.active.iter_rows(min_row=3, values_only=True)]
    assert sorted(titles) == ["停车收费调整", "垃圾中转站建设"]


def test_supervisor_without_organisations_sees_nothing(app, client):
    w = _world()
    w["supervisor"].supervised = []
    db.session.commit()
    login(client, w["supervisor"])
    status, page = _page(client)
    assert status == 200 and "共 0 项" in page and "没有符合条件的事项" in page and "（尚未分配）" in page


def test_admin_sees_all_and_other_roles_are_refused(app, client):
    w = _world()
    login(client, w["admin"])
    status, page = _page(client)
    assert status == 200 and "共 3 项" in page and "国企改制方案" in page and "未评先决" in page
    for role in ("organiser", "assessor", "expert"):
        login(client, w[role])
        assert client.get("/oversight/ledger").status_code == 403
        assert client.get("/oversight/ledger.xlsx").status_code == 403
    client.post("/logout")
    with client.session_transaction() as sess:
        sess.clear()
    resp = client.get("/oversight/ledger")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("args, titles", [
    ({"kind": "policy"}, ["停车收费调整"]),
    ({"procedure": "simple"}, ["停车收费调整"]),
    ({"level": "high"}, ["国企改制方案"]),
    ({"outcome": "implement"}, ["垃圾中转站建设"]),
    ({"filing": "filed"}, ["垃圾中转站建设"]),
    ({"filing": "acknowledged"}, []),
    ({"filing": "unfiled"}, ["停车收费调整", "国企改制方案"]),
    ({"area": "丙区"}, ["国企改制方案"]),
    ({"q": "中转"}, ["垃圾中转站建设"]),
    ({"q": "%"}, ["垃圾中转站建设", "停车收费调整", "国企改制方案"]),
    ({"flagged": "1"}, ["停车收费调整"]),
    ({"level": "medium", "kind": "project", "area": "甲区"}, ["垃圾中转站建设"]),
    ({"year": "2001"}, []),
])
def test_filters(app, args, titles):
    w = _world()
    from consult.oversight import filters

    f, errors = filters.parse(args, None)
    assert errors == []
    rows, total = ledger.ledger(w["admin"], f)
    assert sorted(r.matter.title for r in rows) == sorted(titles) and total == len(titles)


def test_year_filter_uses_creation_year(app):
    w = _world()
    year = w["matter"].created_at.year
    rows, total = ledger.ledger(w["admin"], ledger.Filters(year=year))
    assert total == 3


def test_paging(app, monkeypatch):
    w = _world()
    monkeypatch.setattr(ledger, "PAGE_SIZE", 2)
    first, total = ledger.ledger(w["admin"], ledger.Filters(page=1))
    second, _ = ledger.ledger(w["admin"], ledger.Filters(page=2))
    assert total == 3 and len(first) == 2 and len(second) == 1
    assert {r.matter.id for r in first}.isdisjoint({r.matter.id for r in second})


def test_xlsx_layout(app, client):
    w = _world()
    login(client, w["admin"])
    resp = client.get("/oversight/ledger.xlsx", query_string={"kind": "project"})
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert ws["A1"].value == "社会稳定风险评估工作台账"
    header = [c.value for c in ws[2]]
    assert header[:6] == ["序号", "事项名称", "事项类型", "评估程序", "责任单位", "区县"]
    row = dict(zip(header, [c.value for c in ws[3]]))
    assert row["事项名称"] == "垃圾中转站建设" and row["公示日期"] == "2026-01-05" and row["定稿日期"] == "2026-03-01"
    assert (row["风险等级"], row["评估结论"], row["评估轮次"], row["决策"]) == ("中风险", "可实施", 2, "采纳")
    assert (row["备案状态"], row["备案日期"], row["未评先决"]) == ("已备案", "2026-03-06", None)
    assert ws.max_row == 3


def test_xlsx_neutralises_formulas(app, client):
    w = _world()
    factories.matter(w["org"], title="=HYPERLINK(\"http://x\")")
    login(client, w["admin"])
    ws = load_workbook(io.BytesIO(client.get("/oversight/ledger.xlsx").data)).active
    assert "'=HYPERLINK(\"http://x\")" in [r[1] for r in ws.iter_rows(min_row=3, values_only=True)]


def test_cli_ledger_json(app):
    _world()
    result = app.test_cli_runner().invoke(args=["ledger", "--json"])
    assert result.exit_code == 0, result.output
    data = {d["title"]: d for d in json.loads(result.output)}
    assert set(data) == {"垃圾中转站建设", "停车收费调整", "国企改制方案"}
    assert data["停车收费调整"]["flag_decided_without_assessment"] is True
    assert data["国企改制方案"]["level"] == "high" and data["国企改制方案"]["district"] == "丙区"
    table = app.test_cli_runner().invoke(args=["ledger"])
    assert table.exit_code == 0 and "停车收费调整  未评先决" in table.output


def test_empty_ledger(app, client):
    admin = factories.user(Role.ADMIN, username="root")
    login(client, admin)
    status, page = _page(client)
    assert status == 200 and "共 0 项" in page and "没有符合条件的事项" in page
    result = app.test_cli_runner().invoke(args=["ledger", "--json"])
    assert result.exit_code == 0 and json.loads(result.output) == []
