"""Register pages: heat map and table, promote, grade, residual, measures; Chinese refusals that
keep the other input and save nothing; exact statuses per role."""
import re

import pytest

from consult.analysis.models import PointState
from consult.extensions import db
from consult.models import utcnow
from consult.register import items
from consult.register.models import Measure, RiskItem
from tests import factories as f
from tests.conftest import login
from tests.register import factories as rf
from tests.register.permission_cases import CASES

ERROR_RE = re.compile(r'<p class="error" id="[^"]+">([^<]+)</p>')


def _errors(resp):
    return ERROR_RE.findall(resp.get_data(as_text=True))


def _graded(w, title="臭气扰民"):
    it = rf.item(w, rf.point(w["matter"], title, n_voices=2))
    items.grade_item(it, actor=w["assessor"], likelihood=3, severity=5, now=utcnow())
    items.set_residual(it, actor=w["assessor"], likelihood=2, severity=3, reason="密闭运输", now=utcnow())
    db.session.commit()
    return it


def test_register_page_draws_an_accessible_heat_map_and_the_table(client):
    w = f.world()
    it = _graded(w)
    login(client, w["assessor"])
    html = client.get(f"/staff/matters/{w['matter'].id}/register").get_data(as_text=True)
    assert '<svg class="rg-map" role="img" aria-labelledby="rg-map-title rg-map-desc"' in html
    assert '<title id="rg-map-title">风险矩阵图：可能性 × 后果损失程度</title>' in html
    assert "第 1 项 臭气扰民：可能性 3，后果 5，高风险。" in html
    assert "第 1 项残余风险：可能性 2，后果 3，中风险。" in html
    assert html.count('class="rg-cell-label"') == 25 and ">高 · 15</text>" in html and ">低 · 4</text>" in html
    assert re.search(r'<text [^>]*fill="#fff">1</text>', html) and re.search(r'<text [^>]*fill="#1f2937">1′</text>', html)
    # the bands in force, with exact boundaries
    assert "分值 1–4（可能出现的分值：1、2、3、4）" in html and "分值 5–12（可能出现的分值：5、6、8、9、10、12）" in html
    assert "分值 13–25（可能出现的分值：15、16、20、25）" in html
    assert "1 × 后果 5 = 5，为中风险；3 × 4 = 12，为中风险；3 × 5 = 15，为高风险" in html
    # the table: evidence counted live, level as text
    row = html[html.index("<tbody>"):html.index("</tbody>")]
    assert f'href="/staff/register/items/{it.id}">臭气扰民</a>' in row and "<td>2</td>" in row
    assert "3 × 5 = 15" in row and ">高风险</span>" in row and ">中风险</span> 2 × 3" in row
    assert 'href="/static/register.css"' in html


def test_print_css_hides_navigation_and_forms():
    css = open("static/register.css", encoding="utf-8").read()
    block = css[css.index("@media print"):]
    assert ".rg-noprint" in block and ".site-header" in block and "@page { size: A4 landscape" in block


def test_promote_several_points_through_the_page(client):
    w = f.world()
    a, b = rf.point(w["matter"], "噪音", n_voices=1), rf.point(w["matter"], "堵路", n_voices=2)
    dismissed = rf.point(w["matter"], "无关", state=PointState.DISMISSED)
    login(client, w["organiser"])
    page = client.get(f"/staff/matters/{w['matter'].id}/register").get_data(as_text=True)
    assert "噪音" in page and "堵路" in page and f'value="{dismissed.id}"' not in page
    resp = client.post(f"/staff/matters/{w['matter'].id}/register/promote",
                       data={"points": [str(a.id), str(b.id)], "title": "垃圾车交通"})
    it = db.session.scalars(db.select(RiskItem)).one()
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/staff/register/items/{it.id}")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已列入风险清单：第 1 项" in page and "依据：居民意见（3 条，实时统计）" in page
    c = rf.point(w["matter"], "程序")
    resp = client.post(f"/staff/matters/{w['matter'].id}/register/promote", data={"points": [str(dismissed.id)]})
    assert resp.status_code == 422 and _errors(resp) == [
        "所选风险点已列入清单、已排除或不属于本事项，请刷新页面后重选。"]
    resp = client.post(f"/staff/matters/{w['matter'].id}/register/promote", data={"title": "只填了名称"})
    assert resp.status_code == 422 and _errors(resp) == ["请至少选择一个风险点。"]
    assert 'value="只填了名称"' in resp.get_data(as_text=True)
    assert db.session.query(RiskItem).count() == 1 and c.state == PointState.CANDIDATE


@pytest.mark.parametrize("value,message", [
    ("", "请选择可能性（1–5）。"), (" ", "请选择可能性（1–5）。"),
    ("0", "可能性须为 1 至 5 的整数（半角数字，1 最低、5 最高）。"),
    ("6", "可能性须为 1 至 5 的整数（半角数字，1 最低、5 最高）。"),
    ("-1", "可能性须为 1 至 5 的整数（半角数字，1 最低、5 最高）。"),
    ("abc", "可能性须为 1 至 5 的整数（半角数字，1 最低、5 最高）。"),
    ("３", "可能性须为 1 至 5 的整数（半角数字，1 最低、5 最高）。"),
    ("1.5", "可能性须为 1 至 5 的整数（半角数字，1 最低、5 最高）。"),
    ("03", "可能性须为 1 至 5 的整数（半角数字，1 最低、5 最高）。"),
    ("三", "可能性须为 1 至 5 的整数（半角数字，1 最低、5 最高）。"),
])
def test_grade_refuses_anything_but_one_to_five(client, value, message):
    w = f.world()
    it = rf.item(w)
    login(client, w["assessor"])
    resp = client.post(f"/staff/register/items/{it.id}/grade", data={"likelihood": value, "severity": "4"})
    assert resp.status_code == 422 and _errors(resp) == [message]
    assert re.search(r'<input checked [^>]*name="severity" [^>]*value="4"', resp.get_data(as_text=True))  # kept
    db.session.expire_all()
    assert (db.session.get(RiskItem, it.id).likelihood, db.session.get(RiskItem, it.id).level) == (None, None)
    resp = client.post(f"/staff/register/items/{it.id}/grade", data={"likelihood": "2", "severity": "６"})
    assert _errors(resp) == ["后果损失程度须为 1 至 5 的整数（半角数字，1 最低、5 最高）。"]


def test_grade_and_residual_through_the_page(client):
    w = f.world()
    it = rf.item(w)
    login(client, w["assessor"])
    resp = client.post(f"/staff/register/items/{it.id}/residual",
                       data={"residual_likelihood": "1", "residual_severity": "1", "reason": "好"})
    assert resp.status_code == 422 and _errors(resp) == ["请先评定初始风险（可能性和后果损失程度），再评定残余风险。"]
    resp = client.post(f"/staff/register/items/{it.id}/grade", data={"likelihood": "4", "severity": "4"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/staff/register/items/{it.id}#grade")
    assert "风险等级已评定：高风险。" in client.get(resp.headers["Location"]).get_data(as_text=True)
    resp = client.post(f"/staff/register/items/{it.id}/residual",
                       data={"residual_likelihood": "2", "residual_severity": "2", "reason": ""})
    assert resp.status_code == 422 and _errors(resp) == ["请说明残余风险等级的理由。"]
    assert re.search(r'<input checked [^>]*name="residual_likelihood" [^>]*value="2"',
                     resp.get_data(as_text=True))
    resp = client.post(f"/staff/register/items/{it.id}/residual",
                       data={"residual_likelihood": "2", "residual_severity": "2", "reason": "已签订补偿协议"})
    assert resp.status_code == 302
    db.session.expire_all()
    got = db.session.get(RiskItem, it.id)
    assert (got.level_label, got.residual_level_label, got.residual_reason) == ("高风险", "低风险", "已签订补偿协议")


@pytest.mark.parametrize("size,ok", [("350", 350), ("", None), ("  ", None), ("３５０", False), ("-5", False), ("1e3", False),
                                     ("3.5", False), ("约300", False), ("1234567890", False)])
def test_item_edit_affected_size(client, size, ok):
    w = f.world()
    it = rf.item(w)
    login(client, w["assessor"])
    data = {"title": "新名称", "description": "说明", "area": "其他", "dimension": "可控性",
            "affected_groups": "学生家长", "affected_size": size}
    resp = client.post(f"/staff/register/items/{it.id}", data=data)
    db.session.expire_all()
    got = db.session.get(RiskItem, it.id)
    if ok is False:
        assert resp.status_code == 422 and len(_errors(resp)) == 1
        assert re.search(r"[\u4e00-\u9fff]", _errors(resp)[0])
        assert 'value="新名称"' in resp.get_data(as_text=True) and "学生家长</textarea>" in resp.get_data(as_text=True)
        assert (got.title, got.affected_size, got.area) == ("臭气影响", None, "生态环境")
    else:
        assert resp.status_code == 302 and (got.title, got.affected_size, got.dimension) == ("新名称", ok, "可控性")


@pytest.mark.parametrize("field,value,message", [
    ("area", "生态", "请从列表中选择风险领域。"), ("area", "", "请从列表中选择风险领域。"),
    ("dimension", "公平性", "请从列表中选择评估维度。"), ("title", " \u3000", "请填写风险项名称。"),
    ("title", "长" * 201, "内容过长：最多 200 个字，当前 201 个字。"),
    ("description", "a\x00b", "内容含有无法保存的控制字符，请删除后重试。"),
])
def test_item_edit_refusals(client, field, value, message):
    w = f.world()
    it = rf.item(w)
    login(client, w["assessor"])
    data = {"title": "新名称", "description": "说明", "area": "其他", "dimension": "可控性", "affected_groups": "",
            "affected_size": "", field: value}
    resp = client.post(f"/staff/register/items/{it.id}", data=data)
    assert resp.status_code == 422 and _errors(resp) == [message]
    db.session.expire_all()
    assert db.session.get(RiskItem, it.id).title == "臭气影响"


@pytest.mark.parametrize("deadline,status,message", [
    ("2026-02-30", "planned", "完成时限须为有效日期，格式如 2026-12-31。"),
    ("2026/12/31", "planned", "完成时限须为有效日期，格式如 2026-12-31。"),
    ("２０２６-12-31", "planned", "完成时限须为有效日期，格式如 2026-12-31。"),
    ("2026-12-31", "bogus", "请从列表中选择措施状态。"),
])
def test_measure_refusals_keep_input_and_save_nothing(client, deadline, status, message):
    w = f.world()
    it = rf.item(w)
    login(client, w["assessor"])
    resp = client.post(f"/staff/register/items/{it.id}/measures", data={
        "text": "设置隔离绿化带", "responsible_unit": "园林局", "deadline": deadline, "status": status})
    assert resp.status_code == 422 and _errors(resp) == [message]
    assert "设置隔离绿化带</textarea>" in resp.get_data(as_text=True)
    assert db.session.query(Measure).count() == 0


def test_measure_add_edit_delete_through_the_page(client):
    w = f.world()
    it = rf.item(w)
    login(client, w["assessor"])
    resp = client.post(f"/staff/register/items/{it.id}/measures", data={
        "text": "密闭运输", "responsible_unit": "城管局", "deadline": "2027-01-31", "status": "planned"})
    assert resp.status_code == 302
    m = db.session.scalars(db.select(Measure)).one()
    page = client.get(f"/staff/register/items/{it.id}").get_data(as_text=True)
    assert "责任单位：城管局 · 时限：2027-01-31 · 状态：计划中" in page
    resp = client.post(f"/staff/register/measures/{m.id}", data={
        f"m{m.id}-text": "密闭运输", f"m{m.id}-responsible_unit": "", f"m{m.id}-deadline": "", f"m{m.id}-status": "done"})
    assert resp.status_code == 422 and _errors(resp) == ["请填写责任单位。"]
    resp = client.post(f"/staff/register/measures/{m.id}", data={
        f"m{m.id}-text": "密闭运输", f"m{m.id}-responsible_unit": "区城管局", f"m{m.id}-deadline": "",
        f"m{m.id}-status": "done"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#m{m.id}")
    db.session.expire_all()
    got = db.session.get(Measure, m.id)
    assert (got.responsible_unit, got.deadline, got.status.value, got.done_at is not None) == ("区城管局", None, "done", True)
    assert client.post(f"/staff/register/measures/{m.id}/delete").status_code == 302
    assert db.session.query(Measure).count() == 0


def test_evidence_lists_texts_with_links_and_pages(client):
    w = f.world()
    c = f.comment(w["notice"], "臭味大")
    p = rf.point(w["matter"], n_voices=0)
    rf.comment_voice(w["matter"], c, p)
    for i in range(51):
        rf.voice(w["matter"], point=p, text=f"来信第{i}封")
    it = rf.item(w, p)
    login(client, w["assessor"])
    page = client.get(f"/staff/register/items/{it.id}").get_data(as_text=True)
    assert "依据：居民意见（52 条，实时统计）" in page and page.count('<li id="v') == 50
    assert f'href="/staff/matters/{w["matter"].id}/comments#c{c.id}">查看原意见</a>' in page
    page2 = client.get(f"/staff/register/items/{it.id}?page=2").get_data(as_text=True)
    assert page2.count('<li id="v') == 2 and 'start="51"' in page2
    assert client.get(f"/staff/register/items/{it.id}?page=abc").status_code == 200


def _login_as(client, w, role):
    if role != "anonymous":
        login(client, w["other" if role == "other_organiser" else role])


@pytest.mark.parametrize("role,expected", [("organiser", 302), ("assessor", 302), ("admin", 403),
                                           ("other_organiser", 403), ("anonymous", "login")])
@pytest.mark.parametrize("case", CASES, ids=[c.endpoint for c in CASES])
def test_every_post_gives_the_exact_status(client, case, role, expected):
    w = f.world()
    url = case.url(w)
    _login_as(client, w, role)
    resp = client.post(url, data=case.data(w))
    if expected == "login":
        assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]
    else:
        assert resp.status_code == expected, resp.get_data(as_text=True)[-500:]
        if expected == 302:
            assert "/staff/login" not in resp.headers["Location"]


@pytest.mark.parametrize("role,expected", [("organiser", 200), ("assessor", 200), ("admin", 200),
                                           ("other_organiser", 403)])
def test_pages_are_for_those_who_may_view_the_matter(client, role, expected):
    w = f.world()
    it = rf.item(w)
    _login_as(client, w, role)
    for url in (f"/staff/matters/{w['matter'].id}/register", f"/staff/register/items/{it.id}",
                f"/staff/matters/{w['matter'].id}/responses"):
        resp = client.get(url)
        assert resp.status_code == expected, url
        if role == "admin":
            assert "<form" not in resp.get_data(as_text=True).split('<main')[1].split("</main>")[0]


def test_matter_page_links_to_the_register_and_responses(client):
    w = f.world()
    login(client, w["assessor"])
    html = client.get(f"/staff/matters/{w['matter'].id}").get_data(as_text=True)
    assert f'href="/staff/matters/{w["matter"].id}/register">风险矩阵与清单</a>' in html
    assert f'href="/staff/matters/{w["matter"].id}/responses">您说，我们做（公开答复）</a>' in html


def test_titles_are_escaped_in_the_svg_and_the_table(client):
    w = f.world()
    it = _graded(w, title='<script>alert(1)</script>"&')
    login(client, w["assessor"])
    html = client.get(f"/staff/matters/{w['matter'].id}/register").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "第 1 项 &lt;script&gt;alert(1)&lt;/script&gt;&#34;&amp;：可能性 3" in html
    assert f"<title>{it.number}. &lt;script&gt;" in html
