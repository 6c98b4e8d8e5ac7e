"""Export of the filtered pool as a tracked job; names masked, formulas neutralised."""
import csv
import io

from openpyxl import load_workbook

from consult.analysis.models import VoiceSource
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.jobs.models import JobRun, JobStatus
from consult.notices.models import Stance
from tests import factories
from tests.conftest import login
from tests.pool.helpers import voice


def _job_file(client, resp):
    assert resp.status_code == 302 and "/staff/jobs/" in resp.headers["Location"]
    job = db.session.scalar(db.select(JobRun).order_by(JobRun.id.desc()))
    assert job.status == JobStatus.DONE and job.kind == "voice_export"
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已完成" in page and "下载" in page
    return job, client.get(f"/staff/jobs/{job.id}/download").data


def test_csv_export_of_filtered_pool(client):
    w = factories.world()
    m = w["matter"]
    voice(m, "=HYPERLINK(\"http://x\")垃圾车太吵", author="王建国")
    voice(m, "我们联名反对，电话13912345678", source=VoiceSource.LETTER, channel="信访")
    voice(m, "回电 139 1234 5678 身份证110101199001011234", title="致电13900001111")
    factories.comment(w["notice"], "臭味", stance=Stance.OPPOSE, author_name="李四")
    login(client, w["assessor"])
    resp = client.post(f"/staff/matters/{m.id}/voices/export?source=visit", data={"format": "csv"})
    job, data = _job_file(client, resp)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["编号", "来源", "渠道", "时间", "态度"]
    assert len(rows) == 3 and rows[1][1] == "入户走访" and rows[1][8] == "王**"
    assert rows[1][11].startswith("'=HYPERLINK")  # no formula reaches the spreadsheet
    # numbers a resident typed are masked as on the staff pages
    assert (rows[2][10], rows[2][11]) == ("致电139****1111", "回电 139****5678 身份证110101********1234")
    assert job.total == 2 and "已筛选" in job.label
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "voice.export"))
    assert entry.after == {"format": "csv", "filter": {"source": "visit"}}


def test_xlsx_export_syncs_mirrored_texts_first(client):
    w = factories.world()
    factories.comment(w["notice"], "臭味问题", author_name="李四")
    login(client, w["organiser"])
    resp = client.post(f"/staff/matters/{w['matter'].id}/voices/export", data={"format": "xlsx"})
    _job, data = _job_file(client, resp)
    ws = load_workbook(io.BytesIO(data)).active
    values = list(ws.iter_rows(values_only=True))
    assert len(values) == 2 and values[1][1] == "网上意见" and values[1][11] == "臭味问题" and values[1][8] == "李*"


def test_bad_format_is_refused(client):
    w = factories.world()
    login(client, w["assessor"])
    resp = client.post(f"/staff/matters/{w['matter'].id}/voices/export", data={"format": "pdf"}, follow_redirects=True)
    assert resp.status_code == 200 and "请选择 CSV 或 Excel 格式。" in resp.get_data(as_text=True)
    assert db.session.query(JobRun).count() == 0
