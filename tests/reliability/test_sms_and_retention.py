"""Items 10, 11 and 12: SMS caps per phone, codes and personal answers not kept, no phone in cookies."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from consult import jobs
from consult.extensions import db
from consult.hearings import registration
from consult.hearings.common import HearingError
from consult.messaging.models import Message, MessageStatus
from consult.messaging.services import purge_message_bodies, queue_sms
from consult.models import utcnow
from consult.notices import comments
from consult.surveys.models import Answer
from tests import factories
from tests.hearings import factories as hf
from tests.reliability.test_personal_answers import PHONE, _survey_with_personal_answer
from tests.surveys.helpers import standard_survey


def test_hearing_codes_are_capped_per_phone_per_hour(app):
    w = factories.world()
    anon = AnonymousUserMixin()
    meetings = [hf.meeting(w) for _ in range(app.config["HEARING_SMS_PER_PHONE_HOUR"] + 1)]
    now = utcnow()
    cap = app.config["HEARING_SMS_PER_PHONE_HOUR"]
    for i, m in enumerate(meetings[:cap]):  # a different meeting each time: no resend wait applies
        registration.send_code(m, actor=anon, phone="13800009999", now=now + timedelta(minutes=i))
    with pytest.raises(HearingError, match="一小时"):
        registration.send_code(meetings[cap], actor=anon, phone="13800009999", now=now + timedelta(minutes=cap))
    later = now + timedelta(hours=1, minutes=cap + 1)
    assert registration.send_code(meetings[cap], actor=anon, phone="13800009999", now=later)


def test_sent_message_bodies_are_erased_after_the_window(app):
    factories.world()
    sent = queue_sms("13812345678", "验证码 838427", purpose="test")
    jobs.commit()
    db.session.refresh(sent)
    assert sent.status == MessageStatus.SENT
    now = utcnow()
    assert purge_message_bodies(now=now) == 0
    later = now + timedelta(hours=app.config["MESSAGE_BODY_KEEP_HOURS"] + 1)
    assert purge_message_bodies(now=later) == 1
    db.session.expire_all()
    msg = db.session.get(Message, sent.id)
    assert "838427" not in msg.body and msg.body_purged_at is not None


def test_queued_message_body_is_kept_until_sent(app, monkeypatch):
    factories.world()
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    queue_sms("13812345678", "验证码 111111", purpose="test")
    jobs.commit()
    assert purge_message_bodies(now=utcnow() + timedelta(days=3)) == 0
    assert "111111" in db.session.scalar(select(Message.body))


def test_daily_purge_covers_personal_answers_and_the_outbox(app):
    w = factories.world()
    s, q, code = _survey_with_personal_answer(w)
    queue_sms("13812345678", "回执码 ABCDE-FGHJK", purpose="test")
    jobs.commit()
    runner = app.test_cli_runner()
    later = utcnow() + timedelta(days=app.config["RETENTION_DAYS"] + 1)
    from consult import cli

    cli.run_purge(later)
    jobs.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Answer.value_text).where(Answer.question_id == q.id)) is None
    msg = db.session.scalar(select(Message))
    assert msg.body == "" and msg.recipient_enc == "" and "ABCDE" not in msg.body
    assert runner  # the same purge runs from `flask daily`


def test_consent_text_matches_what_the_purge_does(app):
    w = factories.world()
    c = factories.comment(w["notice"], author_name="张三", phone_enc="x", phone_masked="138****0000")
    c.created_at = utcnow() - timedelta(days=app.config["RETENTION_DAYS"] + 1)
    db.session.commit()
    # the purge counts from submission; so must the promise made to the resident
    assert "提交之日起一年后删除" in comments.CONSENT_TEXT and "评估结束" not in comments.CONSENT_TEXT
    assert comments.purge_personal_data(now=utcnow()) == 1


def _session_data(app, client) -> dict:
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_questionnaire_sms_keeps_no_phone_in_the_cookie(app, client):
    w = factories.world()
    s = standard_survey(w, mode="sms")
    assert client.post(f"/surveys/{s.id}/sms", data={"phone": "13812345678"}).status_code == 302
    assert "13812345678" not in repr(_session_data(app, client))
    code = re.search(r"验证码 (\d{6})", db.session.scalar(select(Message.body))).group(1)
    assert client.post(f"/surveys/{s.id}/sms/verify", data={"code": code}).status_code == 302  # still works
    assert client.get(f"/surveys/{s.id}/fill").status_code == 200
