"""The ledger's third party, plan marks, not-public marks and plan vs done (world.py has the counts)."""
import io
import json

import pytest
from openpyxl import load_workbook

from consult.oversight import filters, ledger
from tests import factories
from tests.conftest import login
from tests.oversight_plan.world import planned_world


def _page(client, **args):
    resp = client.get("/oversight/ledger", query_string=args)
    return resp.status_code, resp.get_data(as_text=True)


def _row(page, title):
    return page.split(f'<td class="title">{title}')[1].split("</tr>")[0]


def test_rows_carry_third_party_plan_mark_and_withheld_reason(app):
    w = planned_world()
    rows, total = ledger.ledger(w["admin"], ledger.Filters())
    d = {r.matter.title: r.as_dict() for r in rows}
    assert total == 7
    assert (d["垃圾中转站建设"]["third_party"], d["垃圾中转站建设"]["in_plan"]) == ("某评估咨询公司", True)
    assert [t for t in sorted(d) if d[t]["in_plan"]] == ["停车收费调整", "垃圾中转站建设", "老旧小区改造"]
    assert d["公厕选址"]["public_withheld_reason"] == "涉及个人隐私" and d["公厕选址"]["third_party"] == ""


@pytest.mark.parametrize("value, titles", [
    ("yes", ["垃圾中转站建设"]),
    ("no", ["停车收费调整", "老旧小区改造", "公厕选址", "菜市场搬迁", "农贸市场改造", "港口扩建", "体育馆工程"]),
    ("", ["垃圾中转站建设", "停车收费调整", "老旧小区改造", "公厕选址", "菜市场搬迁", "农贸市场改造", "港口扩建",
          "体育馆工程"]),
])
def test_third_party_filter(app, value, titles):
    w = planned_world()
    factories.matter(w["org"], title="体育馆工程")
    f, errors = filters.parse({"third_party": value}, None)
    assert errors == []
    rows, total = ledger.ledger(w["admin"], f)
    assert sorted(r.matter.title for r in rows) == sorted(titles) and total == len(titles)


def test_page_shows_columns_marks_and_plan_vs_done_for_the_supervisor(app, client):
    w = planned_world()
    login(client, w["supervisor"])
    status, page = _page(client)
    assert status == 200
    row = _row(page, "垃圾中转站建设")
    assert "<td>某评估咨询公司</td><td>计划内</td>" in row
    toilet = _row(page, "公厕选址")
    assert '<span class="badge" title="涉及个人隐私">不公示</span> <small class="muted">理由：涉及个人隐私</small>' in toilet
    assert "<td>—</td><td>计划外</td>" in toilet
    assert "港口扩建" not in page and "其他单位" not in page  # the supervisor's scope


def test_ledger_plan_vs_done_table_for_the_filtered_year(app, client):
    w = planned_world()
    login(client, w["admin"])
    status, page = _page(client, year="2026")
    assert status == 200
    table = page.split("计划 vs 完成")[1].split("</section>")[0]
    assert "2026 年" in table
    assert "本单位</a></td>\n<td>4</td><td>3</td><td>2</td><td>1</td><td>2</td>" in table
    assert "其他单位</a></td>\n<td>1</td><td>0</td><td>0</td><td>0</td><td>1</td>" in table
    assert ("<td><strong>5</strong></td><td><strong>3</strong></td><td><strong>2</strong></td>"
            "<td><strong>1</strong></td>\n<td><strong>3</strong></td></tr>") in table  # unplanned 2 + 1
    status, page = _page(client, year="2026", organisation_id=w["other_org"].id)
    table = page.split("计划 vs 完成")[1].split("</section>")[0]
    assert "其他单位" in table and "本单位" not in table and "合计" not in table
    login(client, w["supervisor"])
    status, page = _page(client, year="2026")
    table = page.split("计划 vs 完成")[1].split("</section>")[0]
    assert "本单位" in table and "其他单位" not in table and "合计" not in table
    status, page = _page(client, year="2030")
    assert status == 200 and "2030 年没有年度评估计划，也没有定级的事项。" in page


def test_xlsx_has_the_new_columns(app, client):
    w = planned_world()
    login(client, w["admin"])
    ws = load_workbook(io.BytesIO(client.get("/oversight/ledger.xlsx").data)).active
    header = [c.value for c in ws[2]]
    assert header[6:8] == ["第三方评估机构", "年度计划"] and header[-1] == "不公示理由"
    rows = {r[1]: dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True)}
    assert (rows["垃圾中转站建设"]["第三方评估机构"], rows["垃圾中转站建设"]["年度计划"]) == ("某评估咨询公司", "计划内")
    assert (rows["公厕选址"]["年度计划"], rows["公厕选址"]["不公示理由"]) == ("计划外", "涉及个人隐私")
    assert rows["公厕选址"]["第三方评估机构"] is None  # empty cell


def test_cli_json_has_third_party(app):
    planned_world()
    result = app.test_cli_runner().invoke(args=["ledger", "--json"])
    assert result.exit_code == 0, result.output
    data = {d["title"]: d for d in json.loads(result.output)}
    assert data["垃圾中转站建设"]["third_party"] == "某评估咨询公司" and data["港口扩建"]["third_party"] == ""
    assert data["垃圾中转站建设"]["in_plan"] is True and data["公厕选址"]["in_plan"] is False
    assert data["公厕选址"]["public_withheld_reason"] == "涉及个人隐私"
