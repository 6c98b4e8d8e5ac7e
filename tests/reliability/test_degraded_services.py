"""Items 2 and 3: a counter store or a queue that is away never loses a resident's submission."""
from __future__ import annotations

from datetime import timedelta

from limits.storage import storage_from_string
from limits.strategies import STRATEGIES

from consult import jobs
from consult.extensions import db, limiter
from consult.jobs.models import JobRun, JobStatus
from consult.messaging.models import Message, MessageStatus
from consult.models import utcnow
from consult.notices.models import Comment
from tests import factories
from tests.surveys.helpers import standard_survey

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


def _dead_limiter_storage(monkeypatch):
    dead = storage_from_string(DEAD_REDIS, socket_connect_timeout=0.5, socket_timeout=0.5)
    monkeypatch.setattr(limiter, "_storage", dead)
    monkeypatch.setattr(limiter, "_limiter", STRATEGIES["fixed-window"](dead))
    monkeypatch.setattr(limiter, "_storage_dead", False)


def test_comment_is_kept_when_rate_limit_storage_is_down(client, monkeypatch):
    w = factories.world()
    _dead_limiter_storage(monkeypatch)
    resp = client.post(f"/notices/{w['notice'].id}/comments",
                       data={"body": "Redis 不可用时我的意见也要保存", "stance": "oppose"})
    assert resp.status_code == 302 and "/receipts/" in resp.headers["Location"]
    assert db.session.query(Comment).filter_by(body="Redis 不可用时我的意见也要保存").count() == 1


def test_staff_login_works_when_rate_limit_storage_is_down(client, monkeypatch):
    factories.user(username="li")
    _dead_limiter_storage(monkeypatch)
    resp = client.post("/staff/login", data={"username": "li", "password": factories.PASSWORD})
    assert resp.status_code == 302


def test_rate_limits_still_apply_in_memory_when_storage_is_down(client, app, monkeypatch):
    w = factories.world()
    _dead_limiter_storage(monkeypatch)
    monkeypatch.setitem(app.config, "RATE_LIMIT_COMMENTS", "2 per minute")
    codes = [client.post(f"/notices/{w['notice'].id}/comments",
                         data={"body": f"第{i}条意见内容", "stance": "oppose"}).status_code for i in range(3)]
    assert codes == [302, 302, 429]


def _sms_survey_request(client, w, phone="13812345678"):
    s = standard_survey(w, mode="sms")
    return s, client.post(f"/surveys/{s.id}/sms", data={"phone": phone})


def test_queue_down_after_commit_still_answers_and_keeps_message_queued(client, app, monkeypatch):
    w = factories.world()
    monkeypatch.setitem(app.config, "REDIS_URL", DEAD_REDIS)
    s, resp = _sms_survey_request(client, w)
    assert resp.status_code == 302  # the commit succeeded: the resident is told the code is on its way
    msg = db.session.query(Message).one()
    assert msg.status == MessageStatus.QUEUED and msg.next_attempt_at is not None


def test_sweeper_redispatches_queued_messages_past_their_deadline(client, app, monkeypatch):
    w = factories.world()
    monkeypatch.setitem(app.config, "REDIS_URL", DEAD_REDIS)
    _sms_survey_request(client, w)
    monkeypatch.setitem(app.config, "REDIS_URL", None)  # the queue is back (in-process here)
    now = utcnow()
    assert jobs.sweep(now=now) == 0  # not yet past its deadline: it may still be on its way
    assert jobs.sweep(now=now + timedelta(seconds=app.config["OUTBOX_DEADLINE_SECONDS"] + 1)) == 1
    db.session.expire_all()
    msg = db.session.query(Message).one()
    assert msg.status == MessageStatus.SENT and msg.sent_at is not None


def test_sweeper_leaves_rows_alone_while_the_queue_is_down(app, monkeypatch):
    from consult.messaging.services import queue_sms

    factories.world()
    monkeypatch.setitem(app.config, "REDIS_URL", DEAD_REDIS)
    queue_sms("13812345678", "通知", purpose="test")
    jobs.commit()
    t = utcnow() + timedelta(seconds=app.config["OUTBOX_DEADLINE_SECONDS"] + 1)
    assert jobs.sweep(now=t) == 0  # nothing to gain: no attempt counted, no backoff grown
    msg = db.session.query(Message).one()
    assert msg.status == MessageStatus.QUEUED and msg.dispatches == 1


def test_sweeper_backs_off_when_queuing_keeps_failing(app, monkeypatch):
    from consult.messaging.services import queue_sms

    factories.world()
    monkeypatch.setattr(jobs, "dispatch", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("enqueue failed")))
    queue_sms("13812345678", "通知", purpose="test")
    jobs.commit()
    deadline = app.config["OUTBOX_DEADLINE_SECONDS"]
    t = utcnow() + timedelta(seconds=deadline + 1)
    assert jobs.sweep(now=t) == 1  # tried again, failed again
    msg = db.session.query(Message).one()
    assert msg.status == MessageStatus.QUEUED and msg.dispatches == 2
    assert msg.next_attempt_at > t + timedelta(seconds=deadline)  # backoff grows
    assert jobs.sweep(now=t + timedelta(seconds=1)) == 0
    for _ in range(app.config["OUTBOX_MAX_DISPATCHES"]):
        t += timedelta(days=1)
        jobs.sweep(now=t)
    assert db.session.query(Message).one().status == MessageStatus.FAILED  # given up, visibly


def _slow_export(job_id: int) -> None:
    jobs.report_progress(job_id, 1, 1, "完成")


def test_tracked_job_queued_while_queue_is_down_runs_after_sweep(app, monkeypatch):
    w = factories.world()
    monkeypatch.setitem(app.config, "REDIS_URL", DEAD_REDIS)
    job = jobs.start_job("test", _slow_export, actor=w["organiser"], matter_id=w["matter"].id, label="导出")
    jobs.commit()
    assert db.session.get(JobRun, job.id).status == JobStatus.QUEUED
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    assert jobs.sweep(now=utcnow() + timedelta(seconds=app.config["OUTBOX_DEADLINE_SECONDS"] + 1)) == 1
    db.session.expire_all()
    assert db.session.get(JobRun, job.id).status == JobStatus.DONE


def test_job_left_running_by_a_killed_worker_is_marked_failed_and_can_be_retried(client, app):
    from tests.conftest import login

    w = factories.world()
    job = jobs.start_job("test", _slow_export, actor=w["organiser"], matter_id=w["matter"].id, label="导出")
    db.session.flush()
    db.session.info.pop("consult_pending_jobs", None)  # the worker took it …
    job.status, job.started_at, job.heartbeat_at = JobStatus.RUNNING, utcnow(), utcnow()
    db.session.commit()  # … and was killed mid-job
    later = utcnow() + timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1)
    assert jobs.sweep(now=later) == 1
    db.session.expire_all()
    job = db.session.get(JobRun, job.id)
    assert job.status == JobStatus.FAILED and "中断" in job.error
    login(client, w["organiser"])
    page = client.get(f"/staff/jobs/{job.id}").get_data(as_text=True)
    assert "重新运行" in page
    resp = client.post(f"/staff/jobs/{job.id}/retry")
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(JobRun, job.id).status == JobStatus.DONE


def test_the_worker_command_really_runs_jobs(app, monkeypatch):
    """`flask worker` forks a work horse per job; it must run the job, not exit (rq 3 API)."""
    import socket

    import pytest

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    from consult.cli import make_worker
    from consult.messaging.services import queue_sms

    factories.world()
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/12")
    monkeypatch.setitem(app.config, "RQ_ASYNC", True)
    q = jobs.queue()
    q.empty()
    msg = queue_sms("13812345678", "工作进程测试", purpose="test")
    jobs.commit()
    make_worker(app, q).work(burst=True)
    db.session.expire_all()
    assert db.session.get(Message, msg.id).status == MessageStatus.SENT
