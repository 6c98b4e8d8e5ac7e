"""Letters from other channels (12345, 信访, media, forums) as CSV, XLSX or JSONL."""
import io
import json

from consult.analysis.models import Voice, VoiceSource, VoiceStance
from consult.audit.models import AuditEntry
from consult.extensions import db
from tests import factories
from tests.conftest import login
from tests.pool.helpers import pool_of, xlsx

CSV = ("渠道,时间,来信人,标题,内容,态度,权重\n"
       "12345热线,2026-11-10 08:15,市民甲,投诉臭味,\"转运站还没建，旧站的臭味已经受不了\",投诉,\n"
       "信访,2026/11/11,和平新村业主代表,联名信,\"我们三百多户联名反对选址，要求去市里上访\",坚决反对,312\n")


def _post(client, w, data: bytes, name: str):
    return client.post(f"/staff/matters/{w['matter'].id}/voices/letters", data={"file": (io.BytesIO(data), name)})


def test_csv_letters_are_imported_with_unified_stance_weight_and_flags(client):
    w = factories.world()
    login(client, w["assessor"])
    assert "导入其他渠道来信" in client.get(f"/staff/matters/{w['matter'].id}/voices/letters").get_data(as_text=True)
    resp = _post(client, w, CSV.encode("utf-8"), "letters.csv")
    assert resp.status_code == 302 and "source=letter" in resp.headers["Location"]
    a, b = pool_of(w["matter"].id)
    assert (a.source, a.channel, a.author, a.title, a.raw_stance, a.stance, a.weight) == (
        VoiceSource.LETTER, "12345热线", "市民甲", "投诉臭味", "投诉", VoiceStance.OPPOSE, 1.0)
    assert (b.stance, b.weight, b.is_flagged) == (VoiceStance.OPPOSE, 312.0, True)
    assert set(b.escalation_terms) >= {"联名", "上访"}
    assert a.source_ref.startswith("letter:") and a.recorded_by_id == w["assessor"].id
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "voice.import_letters"))
    assert entry.after == {"format": "csv", "stored": 2, "skipped": 0}
    # the same file again (and the GBK export of it) counts nothing twice
    resp = _post(client, w, CSV.encode("gb18030"), "again.csv")
    assert resp.status_code == 302 and len(pool_of(w["matter"].id)) == 2


def test_xlsx_and_jsonl_letters(client):
    w = factories.world()
    login(client, w["organiser"])
    data = xlsx([["媒体", "2026-11-12", "", "记者调查", "小区居民担心垃圾车经过学校门口", "", ""]],
                head=["渠道", "时间", "来信人", "标题", "内容", "态度", "权重"])
    assert _post(client, w, data, "m.xlsx").status_code == 302
    lines = [json.dumps({"channel": "网络论坛", "time": "2026-11-13 20:00", "author": "楼主", "text": "支持建站，但要密闭",
                         "stance": "有条件支持"}, ensure_ascii=False), "",
             json.dumps({"渠道": "信访", "时间": "2026-11-14", "内容": "要求公开环评"}, ensure_ascii=False)]
    assert _post(client, w, "\n".join(lines).encode("utf-8"), "f.jsonl").status_code == 302
    texts = {v.text: v for v in pool_of(w["matter"].id)}
    assert texts["支持建站，但要密闭"].stance == VoiceStance.CONDITIONAL
    assert texts["要求公开环评"].channel == "信访" and texts["要求公开环评"].stance == VoiceStance.OTHER
    assert texts["小区居民担心垃圾车经过学校门口"].title == "记者调查"


def test_any_bad_row_stores_nothing_errors_by_row_and_column(client):
    w = factories.world()
    login(client, w["assessor"])
    bad = CSV + "热线,2030-01-01,,,未来的信,,\n,2026-11-01,,,,,-3\n"
    resp = _post(client, w, bad.encode("utf-8"), "bad.csv")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "未导入任何一行" in page
    assert "<td>4</td><td>B（时间）</td><td>时间应在 2000 年之后，且不晚于现在。</td>" in page
    assert "<td>5</td><td>A（渠道）</td><td>请填写渠道。</td>" in page
    assert "<td>5</td><td>E（内容）</td><td>请填写内容。</td>" in page
    assert "<td>5</td><td>G（权重）</td><td>权重应为大于 0、不超过 100000 的数字。</td>" in page
    jsonl = b'{"channel": "x", "time": "2026-11-01", "text": "ok"}\n[1, 2]\n'
    resp = _post(client, w, jsonl, "x.jsonl")
    assert resp.status_code == 422 and "第 2 行不是一个 JSON 对象" in resp.get_data(as_text=True)
    assert db.session.query(Voice).count() == 0


def test_unreadable_files_are_refused_in_chinese(client):
    w = factories.world()
    login(client, w["assessor"])
    for data, name, message in ((b"a,b\n1,2\n", "x.csv", "缺少必需的列：渠道、时间、内容"),
                                (b"\xff\xfe\x00bad", "x.csv", "无法识别文件编码"),
                                (b"PK\x03\x04broken", "x.xlsx", "无法读取该文件"),
                                (b"hello", "x.docx", "请上传 CSV、Excel（.xlsx）或 JSONL 文件。"),
                                (b"", "x.csv", "请选择要上传的文件。"),
                                ("渠道,时间,内容\n".encode(), "x.csv", "没有可导入的记录"),
                                (b"\xff\xfe", "x.jsonl", "JSONL 文件必须为 UTF-8 编码。")):
        resp = _post(client, w, data, name)
        assert resp.status_code == 422 and message in resp.get_data(as_text=True), (name, message)
    assert db.session.query(Voice).count() == 0


def test_too_many_rows_are_refused_before_reading_them_all(client):
    w = factories.world()
    login(client, w["assessor"])
    line = json.dumps({"channel": "热线", "time": "2026-11-01", "text": "噪音"}, ensure_ascii=False)
    resp = _post(client, w, "\n".join([line] * 5001).encode("utf-8"), "big.jsonl")
    assert resp.status_code == 422 and "一次最多导入 5000 行，请拆分文件。" in resp.get_data(as_text=True)
    rows = "渠道,时间,内容\n" + "热线,2026-11-01,噪音\n" * 5001
    resp = _post(client, w, rows.encode("utf-8"), "big.csv")
    assert resp.status_code == 422 and "一次最多导入 5000 行" in resp.get_data(as_text=True)
    assert db.session.query(Voice).count() == 0
