from consult import jobs
from consult.extensions import db
from consult.jobs.models import JobRun, JobStatus
from tests import factories
from tests.conftest import login


def export_numbers(job_id, count):
    rows = []
    for i in range(count):
        rows.append(str(i))
        if i % 10 == 9:
            jobs.report_progress(job_id, i + 1, count, "导出中")
    jobs.finish_job(job_id, "\n".join(rows).encode(), "数字.csv", "text/csv")


def always_fails(job_id):
    jobs.report_progress(job_id, 1, 3)
    raise ValueError("磁盘已满")


def test_tracked_job_reports_progress_and_leaves_a_file(client):
    w = factories.world()
    job = jobs.start_job("export", export_numbers, 30, actor=w["organiser"], matter_id=w["matter"].id,
                         label="导出测试")
    assert job.status == JobStatus.QUEUED
    jobs.commit()
    db.session.expire_all()
    job = db.session.get(JobRun, job.id)
    assert job.status == JobStatus.DONE and job.percent == 100 and job.result_name == "数字.csv"
    login(client, w["assessor"])  # may follow the job, but not take its file
    page = client.get(f"/staff/jobs/{job.id}").get_data(as_text=True)
    assert "已完成" in page and "下载" not in page
    assert client.get(f"/staff/jobs/{job.id}/download").status_code == 403
    login(client, w["organiser"])
    assert "下载" in client.get(f"/staff/jobs/{job.id}").get_data(as_text=True)
    resp = client.get(f"/staff/jobs/{job.id}/download")
    assert resp.status_code == 200 and resp.data.startswith(b"0\n1\n") and "attachment" in resp.headers["Content-Disposition"]


def test_failed_job_is_recorded_and_others_cannot_see_it(client):
    w = factories.world()
    job = jobs.start_job("export", always_fails, actor=w["organiser"], matter_id=w["matter"].id, label="会失败")
    jobs.commit()
    db.session.expire_all()
    job = db.session.get(JobRun, job.id)
    assert job.status == JobStatus.FAILED and "磁盘已满" in job.error and job.done == 1
    login(client, w["other"])
    assert client.get(f"/staff/jobs/{job.id}").status_code == 403
    assert client.get(f"/staff/jobs/{job.id}/download").status_code == 403


def test_running_job_page_refreshes_itself(client):
    w = factories.world()
    job = JobRun(kind="x", label="进行中的任务", matter_id=w["matter"].id, status=JobStatus.RUNNING, done=5, total=20)
    db.session.add(job)
    db.session.commit()
    login(client, w["organiser"])
    page = client.get(f"/staff/jobs/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "25%" in page
