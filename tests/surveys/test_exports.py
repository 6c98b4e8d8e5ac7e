"""Exports as background jobs with progress; direct downloads only for small questionnaires."""
import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.jobs.models import JobRun
from consult.models import utcnow
from consult.surveys import exports, responses
from consult.surveys.spec import load_spec
from tests import factories
from tests.conftest import login
from tests.surveys.helpers import answers, standard_survey


class Anon:
    is_authenticated = False
    id = None


def _survey_with(n):
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    for i in range(n):
        responses.submit_online(spec, answers(spec, suggestions=f"建议 {i}"), actor=Anon(), now=utcnow(),
                                device=f"d{i}", client_hash=None)
    db.session.commit()
    return w, s


def test_background_csv_export_reports_progress_and_offers_the_file(client, monkeypatch):
    w, s = _survey_with(5)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    seen = []
    real = exports.report_progress
    monkeypatch.setattr(exports, "report_progress", lambda job_id, done, total, message="": (
        seen.append((done, total)), real(job_id, done, total, message)))
    login(client, w["assessor"])
    resp = client.post(f"/staff/surveys/{s.id}/exports", data={"format": "csv"})
    assert resp.status_code == 302 and "/staff/jobs/" in resp.location
    job = db.session.scalar(select(JobRun).order_by(JobRun.id.desc()))
    assert job.status.value == "done" and (job.done, job.total) == (5, 5) and job.matter_id == s.matter_id
    assert seen[0] == (0, 5) and (2, 5) in seen and (4, 5) in seen and seen[-1] == (5, 5)
    page = client.get(resp.location).get_data(as_text=True)
    assert "下载" in page
    data = client.get(f"/staff/jobs/{job.id}/download").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert len(rows) == 6 and "设备标识" not in rows[0]
    assert sorted(r[-1] for r in rows[1:]) == [f"建议 {i}" for i in range(5)]


def test_personal_xlsx_export_needs_the_right_and_is_recorded(client):
    w, s = _survey_with(2)
    login(client, w["assessor"])
    assert client.post(f"/staff/surveys/{s.id}/exports", data={"format": "xlsx", "personal": "1"}).status_code == 403
    assert db.session.scalar(select(JobRun)) is None
    login(client, w["organiser"])
    resp = client.post(f"/staff/surveys/{s.id}/exports", data={"format": "xlsx", "personal": "1"})
    job = db.session.scalar(select(JobRun))
    assert resp.status_code == 302 and job.status.value == "done" and "含个人信息" in job.label
    book = load_workbook(io.BytesIO(client.get(f"/staff/jobs/{job.id}/download").get_data()))
    rows = list(book.worksheets[0].values)
    assert len(rows) == 3 and "设备标识" in rows[0]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "survey.export_personal"))


def test_unknown_format_is_refused(client):
    w, s = _survey_with(0)
    login(client, w["organiser"])
    resp = client.post(f"/staff/surveys/{s.id}/exports", data={"format": "pdf"})
    assert resp.status_code == 302 and "#exports" in resp.location
    assert db.session.scalar(select(JobRun)) is None


def test_large_questionnaires_are_not_exported_directly(client, monkeypatch):
    w, s = _survey_with(3)
    login(client, w["organiser"])
    assert client.get(f"/staff/surveys/{s.id}/export.csv").status_code == 200
    monkeypatch.setattr(exports, "EXPORT_DIRECT_MAX", 2)
    for url in (f"/staff/surveys/{s.id}/export.csv", f"/staff/surveys/{s.id}/export.xlsx"):
        resp = client.get(url)
        assert resp.status_code == 302 and "#exports" in resp.location
    html = client.get(f"/staff/surveys/{s.id}/results").get_data(as_text=True)
    assert "后台导出 CSV" in html and "export.csv" not in html
