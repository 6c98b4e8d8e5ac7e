"""Bad input through every field of the plan form and the new ledger filter: a Chinese message,
status 422, the other answers kept, nothing saved, never a 500."""
import pytest

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.oversight.models import PlanItem
from tests import factories
from tests.conftest import http_safe, load_badinput, login
from tests.permission_support import add_outside_roles


def _good(**extra):
    data = {"title": "体育馆建设", "kind": "project", "area": "保留的区域", "expected_month": "5", "matter_id": "",
            "note": "保留的备注"}
    data.update(extra)
    return data


def _add(client, w, **extra):
    resp = client.post(f"/oversight/plan/{w['org'].id}/2026/items", data=_good(**extra))
    return resp.status_code, resp.get_data(as_text=True)


def _nothing_saved():
    assert db.session.query(PlanItem).count() == 0
    assert db.session.query(AuditEntry).filter(AuditEntry.action.startswith("plan.")).count() == 0


BAD = [
    ("title", "", "此项为必填项。"),
    ("title", "　 ", "此项为必填项。"),
    ("title", "长" * 5000, "内容过长：最多 200 个字，当前 5000 个字。"),
    ("title", "空\x00字节", "内容含有无法保存的控制字符"),
    ("kind", "", "请从列表中选择事项类别。"),
    ("kind", "<script>", "请从列表中选择事项类别。"),
    ("kind", "项目", "请从列表中选择事项类别。"),
    ("area", "区" * 201, "内容过长：最多 200 个字，当前 201 个字。"),
    ("area", "甲\x1b区", "内容含有无法保存的控制字符"),
    ("expected_month", "13", "预计月份须为 1–12 之间的整数。"),
    ("expected_month", "0", "预计月份须为 1–12 之间的整数。"),
    ("expected_month", "三月", "预计月份须为 1–12 之间的整数。"),
    ("expected_month", "5.5", "预计月份须为 1–12 之间的整数。"),
    ("expected_month", "-1", "预计月份须为 1–12 之间的整数。"),
    ("expected_month", "😀", "预计月份须为 1–12 之间的整数。"),
    ("expected_month", "9" * 5000, "预计月份须为 1–12 之间的整数。"),
    ("expected_month", "\x00", "预计月份须为 1–12 之间的整数。"),
    ("matter_id", "abc", "请从列表中选择本单位的事项。"),
    ("matter_id", "999999", "请从列表中选择本单位的事项。"),
    ("matter_id", "１", "请从列表中选择本单位的事项。"),
    ("note", "注" * 1001, "内容过长：最多 1000 个字，当前 1001 个字。"),
    ("note", "备\x00注", "内容含有无法保存的控制字符"),
]


@pytest.mark.parametrize("field, value, message", BAD)
def test_bad_value_is_refused_and_the_rest_kept(app, client, field, value, message):
    w = add_outside_roles(factories.world())
    login(client, w["organiser"])
    status, page = _add(client, w, **{field: value})
    assert status == 422 and message in page, (field, value)
    if field != "area":
        assert 'value="保留的区域"' in page
    if field != "note":
        assert "保留的备注</textarea>" in page
    if field != "kind":
        assert '<option selected value="project">' in page
    assert "\x00" not in page and "<script>" not in page.split("</header>")[-1]
    if len(value) >= 5000:
        assert value[:201] not in page  # never echoes more than the field's limit
    _nothing_saved()


def test_bad_value_on_the_edit_form_keeps_the_item(app, client):
    w = add_outside_roles(factories.world())
    login(client, w["organiser"])
    assert _add(client, w)[0] == 303
    item = db.session.query(PlanItem).one()
    resp = client.post(f"/oversight/plan/items/{item.id}/edit", data=_good(title="改名", expected_month="十三"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "预计月份须为 1–12 之间的整数。" in page and 'value="改名"' in page
    db.session.refresh(item)
    assert (item.title, item.expected_month) == ("体育馆建设", 5)


@pytest.mark.parametrize("value, stored", [("１２", 12), (" 7 ", 7), ("07", 7), ("", None)])
def test_month_accepts_full_width_and_padded_digits(app, client, value, stored):
    w = add_outside_roles(factories.world())
    login(client, w["organiser"])
    assert _add(client, w, expected_month=value)[0] == 303
    assert db.session.query(PlanItem).one().expected_month == stored


@pytest.mark.parametrize("title", ["<script>alert(1)</script>", "😀体育馆", "Gym 体育馆 Ⅱ期", "１２号地块"])
def test_odd_but_storable_titles_are_kept_and_escaped(app, client, title):
    w = add_outside_roles(factories.world())
    login(client, w["organiser"])
    assert _add(client, w, title=title)[0] == 303
    assert db.session.query(PlanItem).one().title == title
    page = client.get(f"/oversight/plan?organisation_id={w['org'].id}&year=2026").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


def test_wrong_type_list_values_are_refused_or_take_the_first(app, client):
    w = add_outside_roles(factories.world())
    login(client, w["organiser"])
    status, page = _add(client, w, expected_month=["5", "x"], kind=["bogus", "project"])
    assert status == 422 and "请从列表中选择事项类别。" in page
    _nothing_saved()


@pytest.mark.parametrize("args, message", [
    ({"year": "二〇二六"}, "年份须为 2000–2100 之间的整数。"),
    ({"year": "１２"}, "年份须为 2000–2100 之间的整数。"),
    ({"year": "9" * 5000}, "年份须为 2000–2100 之间的整数。"),
    ({"organisation_id": "<script>"}, "单位须为 1–2147483647 之间的整数。"),
    ({"organisation_id": "999999"}, "所选单位不在您可查看的范围内。"),
])
def test_bad_plan_page_arguments(app, client, args, message):
    w = add_outside_roles(factories.world())
    login(client, w["supervisor"])
    resp = client.get("/oversight/plan", query_string=args)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and message in page and "本单位" in page
    assert "<script>" not in page.split("</header>")[-1]


def test_nul_in_plan_page_arguments_is_refused_site_wide(app, client):
    w = add_outside_roles(factories.world())
    login(client, w["supervisor"])
    assert client.get("/oversight/plan", query_string={"year": "20\x0026"}).status_code == 400


@pytest.mark.parametrize("value", ["maybe", "是", "<script>", "１", "😀", "x" * 5000])
def test_bad_third_party_filter(app, client, value):
    w = add_outside_roles(factories.world())
    login(client, w["supervisor"])
    resp = client.get("/oversight/ledger", query_string={"third_party": value, "q": "保留的搜索"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "第三方评估的取值无效。" in page and 'value="保留的搜索"' in page
    assert client.get("/oversight/ledger.xlsx", query_string={"third_party": value}).status_code == 422
    pdf = client.get("/oversight/ledger.pdf", query_string={"third_party": value})
    assert pdf.status_code == 422 and "第三方评估的取值无效。" in pdf.get_data(as_text=True)


def test_badinput_corpus_never_breaks_the_plan_form(app, client):
    w = add_outside_roles(factories.world())
    login(client, w["organiser"])
    strings = [s for s in load_badinput() if http_safe(s)][::7]  # a spread sample keeps the run short
    for s in strings:
        for field in ("title", "expected_month", "matter_id"):
            resp = client.post(f"/oversight/plan/{w['org'].id}/2026/items", data=_good(**{"title": "体育馆", field: s}))
            assert resp.status_code in (303, 422), (field, s)
            db.session.query(PlanItem).delete()
            db.session.commit()
