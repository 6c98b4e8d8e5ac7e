"""Staff intake: one record through the form (stored once however often it is sent), and the
Excel batch (every row valid or nothing stored, errors by row and column)."""
import io
import re
from datetime import timezone

from openpyxl import load_workbook

from consult.analysis.models import Voice, VoiceSource, VoiceStance
from consult.audit.models import AuditEntry
from consult.extensions import db
from tests import factories
from tests.conftest import login
from tests.pool.helpers import pool_of, xlsx

KEY = "0123456789abcdef0123456789abcdef"


def _form(**kw):
    data = {"key": KEY, "source": "visit", "occurred_at": "2026-11-20T14:30", "recorder": "王社工",
            "household": "和平新村12号楼3单元", "group": "紧邻住户", "author": "李阿姨", "stance": "oppose",
            "title": "", "text": "我们已经联名三百多户，要去区里反映，转运站离幼儿园太近"}
    data.update(kw)
    return data


def test_visit_record_is_stored_once_flagged_and_audited(client):
    w = factories.world()
    login(client, w["assessor"])
    url = f"/staff/matters/{w['matter'].id}/voices/new"
    page = client.get(url).get_data(as_text=True)
    assert 'name="key"' in page and "入户走访" in page
    resp = client.post(url, data=_form())
    assert resp.status_code == 302 and resp.headers["Location"].endswith(url)
    again = client.post(url, data=_form(), follow_redirects=True)  # a double click sends it twice
    assert "这条记录已经保存过" in again.get_data(as_text=True)
    [v] = pool_of(w["matter"].id)
    assert (v.source, v.source_ref, v.stance, v.raw_stance) == (VoiceSource.VISIT, f"visit:{KEY}", VoiceStance.OPPOSE,
                                                                "oppose")
    assert (v.recorder, v.household, v.group, v.author, v.recorded_by_id) == (
        "王社工", "和平新村12号楼3单元", "紧邻住户", "李阿姨", w["assessor"].id)
    assert v.occurred_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") == "2026-11-20 06:30"
    assert v.is_flagged and v.escalation_terms == ["联名"] and v.title is None
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "voice.add"))
    assert entry.actor_id == w["assessor"].id and entry.matter_id == w["matter"].id


def test_form_errors_are_chinese_and_keep_input(client):
    w = factories.world()
    login(client, w["organiser"])
    url = f"/staff/matters/{w['matter'].id}/voices/new"
    resp = client.post(url, data=_form(text="　 ", recorder="", stance="", household="保留的楼号"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "请填写意见内容。" in page and "请填写记录人。" in page and "请选择态度。" in page
    assert "保留的楼号" in page
    for when in ("2099-01-01T10:00", "1999-12-31T10:00"):
        resp = client.post(url, data=_form(occurred_at=when))
        assert resp.status_code == 422 and "时间应在 2000 年之后，且不晚于现在。" in resp.get_data(as_text=True)
    resp = client.post(url, data=_form(key="../../etc"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "录入表单：页面已过期，请刷新后重新录入。" in page
    fresh = re.search(r'name="key" type="hidden" value="([0-9a-f]{32})"', page)
    assert fresh, "the form comes back with a fresh key, so saving it again works"
    assert client.post(url, data=_form(key=fresh.group(1))).status_code == 302
    db.session.query(Voice).delete()
    db.session.commit()
    resp = client.post(url, data=_form(source="comment"))
    assert resp.status_code == 422
    resp = client.post(url, data=_form(text="长" * 10001))
    assert resp.status_code == 422 and "最多 10000 个字" in resp.get_data(as_text=True)
    assert pool_of(w["matter"].id) == []


def test_template_round_trips_through_the_batch_import(client):
    w = factories.world()
    login(client, w["assessor"])
    base = f"/staff/matters/{w['matter'].id}/voices"
    tpl = client.get(f"{base}/template.xlsx")
    assert tpl.status_code == 200 and "attachment" in tpl.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(tpl.data))
    ws = wb.active
    assert [c.value for c in ws[1]] == ["来源", "时间", "记录人", "户/楼号/单位", "群体", "受访人", "态度", "标题或议题", "内容"]
    ws.append(["入户走访", "2026-11-18 09:00", "王社工", "育才小区5栋", "紧邻住户", "", "反对", "", "臭味太大"])
    ws.append(["座谈会记录", "2026/11/19", "刘洋", "", "学生家长", "", "有条件支持", "学校座谈", "要求错开上学时间"])
    buf = io.BytesIO()
    wb.save(buf)
    resp = client.post(f"{base}/import", data={"file": (io.BytesIO(buf.getvalue()), "in.xlsx")})
    assert resp.status_code == 302
    a, b = pool_of(w["matter"].id)
    assert (a.source, a.stance, a.household, a.text) == (VoiceSource.VISIT, VoiceStance.OPPOSE, "育才小区5栋", "臭味太大")
    assert (b.source, b.stance, b.title, b.group) == (VoiceSource.SYMPOSIUM, VoiceStance.CONDITIONAL, "学校座谈", "学生家长")
    resp = client.post(f"{base}/import", data={"file": (io.BytesIO(buf.getvalue()), "in.xlsx")}, follow_redirects=True)
    assert "已导入 0 条记录，2 条此前已导入、已跳过。" in resp.get_data(as_text=True)
    assert len(pool_of(w["matter"].id)) == 2


def test_batch_with_any_bad_row_stores_nothing_and_names_row_and_column(client):
    w = factories.world()
    login(client, w["assessor"])
    data = xlsx([["入户走访", "2026-11-18 09:00", "王社工", "", "", "", "反对", "", "好的一行"],
                 ["上门", "明天", "", "", "", "", "很反对", "", ""],
                 ["纸质意见", "2026-11-18", "张", "", "", "", "支持", "", "坏\x01字符".replace("\x01", "")]])
    resp = client.post(f"/staff/matters/{w['matter'].id}/voices/import", data={"file": (io.BytesIO(data), "x.xlsx")})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "发现 5 处错误，未导入任何一行" in page
    for col, msg in (("A（来源）", "来源应为"), ("B（时间）", "无法识别的时间“明天”"), ("C（记录人）", "请填写记录人。"),
                     ("G（态度）", "无法识别“很反对”"), ("I（内容）", "请填写内容。")):
        assert f"<td>3</td><td>{col}</td><td>" in page and msg in page, col
    assert pool_of(w["matter"].id) == []


def test_batch_refuses_files_it_cannot_read(client):
    w = factories.world()
    login(client, w["assessor"])
    url = f"/staff/matters/{w['matter'].id}/voices/import"
    for data, message in ((b"not a spreadsheet", "无法读取该文件"), (xlsx([["x"]], head=["随便"]), "缺少列"),
                          (xlsx([]), "没有可导入的记录")):
        resp = client.post(url, data={"file": (io.BytesIO(data), "x.xlsx")})
        assert resp.status_code == 422 and message in resp.get_data(as_text=True), message
    resp = client.post(url, data={})
    assert resp.status_code == 422 and "请选择要上传的文件。" in resp.get_data(as_text=True)
    assert db.session.query(Voice).count() == 0
