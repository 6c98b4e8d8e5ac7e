"""Bad input through every filter of the ledger: a Chinese message, other filters kept, never a 500."""
import pytest

from tests import factories
from tests.conftest import http_safe, load_badinput, login
from tests.permission_support import add_outside_roles

FIELDS = {
    "kind": "事项类型的取值无效", "procedure": "评估程序的取值无效", "level": "风险等级的取值无效",
    "outcome": "评估结论的取值无效", "filing": "备案状态的取值无效",
    "year": "年份须为 2000–2100 之间的整数", "page": "页码须为 1–100000 之间的整数",
    "organisation_id": "责任单位须为",
}


@pytest.mark.parametrize("field, message", FIELDS.items())
@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "１２", "😀", "x" * 5000, "-1", "2026.5"])
def test_bad_filter_values(app, client, field, message, value):
    w = add_outside_roles(factories.world())
    login(client, w["supervisor"])
    resp = client.get("/oversight/ledger", query_string={field: value, "q": "保留的搜索"})
    page = resp.get_data(as_text=True)
    if field == "kind" and value == "policy":
        return
    assert resp.status_code == 422 and message in page
    assert 'value="保留的搜索"' in page  # the other input is kept
    assert "<script>alert(1)</script>" not in page
    assert client.get("/oversight/ledger.xlsx", query_string={field: value}).status_code == 422


@pytest.mark.parametrize("field", ["q", "area"])
def test_too_long_text(app, client, field):
    w = add_outside_roles(factories.world())
    login(client, w["supervisor"])
    resp = client.get("/oversight/ledger", query_string={field: "长" * 101, "kind": "project"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "不能超过 100 个字" in page
    assert '<option value="project" selected>' in page


@pytest.mark.parametrize("field", ["q", "area", "year", "kind", "organisation_id"])
def test_badinput_corpus_never_breaks_the_ledger(app, client, field):
    w = add_outside_roles(factories.world())
    login(client, w["admin"])
    for s in load_badinput():
        if not http_safe(s):
            continue
        resp = client.get("/oversight/ledger", query_string={field: s})
        if "\x00" in s:  # a NUL in any query parameter is refused site-wide (400, in Chinese)
            assert resp.status_code == 400 and "请求参数含有无法处理的字符" in resp.get_data(as_text=True)
            continue
        assert resp.status_code in (200, 422), (field, s)
        assert "<script" not in resp.get_data(as_text=True).split("</header>")[-1].lower() or "<script" not in s


@pytest.mark.parametrize("field", ["q", "area"])
def test_control_characters_are_refused(app, client, field):
    w = add_outside_roles(factories.world())
    login(client, w["supervisor"])
    resp = client.get("/oversight/ledger", query_string={field: "空\x01字节", "level": "high"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "含有无效的控制字符" in page and '<option value="high" selected>' in page
