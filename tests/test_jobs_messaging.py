import logging

from consult import jobs
from consult.extensions import db
from consult.messaging import gateways
from consult.messaging.models import Message, MessageStatus
from consult.messaging.services import queue_sms

CALLS = []


def record_call(value):
    CALLS.append(value)


def test_job_runs_only_after_commit(app):
    CALLS.clear()
    jobs.enqueue_after_commit(record_call, 1)
    db.session.rollback()
    jobs.commit()
    assert CALLS == []
    jobs.enqueue_after_commit(record_call, 2)
    assert CALLS == []
    jobs.commit()
    assert CALLS == [2]


def test_sms_goes_through_outbox_and_log_gateway(app, caplog):
    caplog.set_level(logging.INFO, logger="consult.messages")
    msg = queue_sms("13812345678", "您的验证码是 123456", purpose="test")
    assert msg.status == MessageStatus.QUEUED and "13812345678" not in msg.recipient_enc
    assert not [r for r in caplog.records if "123456" in r.getMessage()]  # nothing before commit
    jobs.commit()
    db.session.refresh(msg)
    assert msg.status == MessageStatus.SENT and msg.attempts == 1
    assert any("138****5678" in r.getMessage() and "123456" in r.getMessage() for r in caplog.records)


def test_failed_gateway_is_retried_then_marked(app, monkeypatch):
    attempts = []

    def broken(phone, body):
        attempts.append(phone)
        raise ConnectionError("gateway down")

    monkeypatch.setattr(gateways, "send_sms", broken)
    msg = queue_sms("13812345678", "通知", purpose="test")
    jobs.commit()
    db.session.expire_all()
    msg = db.session.get(Message, msg.id)
    assert len(attempts) >= 3 and msg.status == MessageStatus.FAILED and "gateway down" in msg.last_error


def test_rq_worker_delivers_queued_message(app):
    """With Redis configured, a real RQ worker (burst mode) picks the job up and delivers it."""
    import pytest

    if not app.config.get("REDIS_URL"):
        pytest.skip("CONSULT_TEST_REDIS_URL not set: jobs run in-process")
    from rq import SimpleWorker

    app.config["RQ_ASYNC"] = True
    try:
        msg = queue_sms("13812345678", "工作进程测试", purpose="test")
        jobs.commit()
        db.session.refresh(msg)
        assert msg.status == MessageStatus.QUEUED  # nothing ran in the request
        q = jobs.queue()
        SimpleWorker([q], connection=q.connection).work(burst=True)
        db.session.expire_all()
        assert db.session.get(Message, msg.id).status == MessageStatus.SENT
    finally:
        app.config["RQ_ASYNC"] = False
