"""Replies: an error is shown at the top and at the comment (the form posts back to its anchor);
a commenter who left a phone gets one SMS once the reply is public, through the outbox."""
from sqlalchemy import select

from consult.extensions import db
from consult.messaging.models import Message
from consult.models import utcnow
from consult.notices import comments as services
from consult.notices.models import Adoption, CommentStatus
from consult.crypto import encrypt
from tests import factories
from tests.conftest import login


def test_reply_error_is_in_view(client):
    w = factories.world()
    cs = [factories.comment(w["notice"]) for _ in range(15)]
    login(client, w["organiser"])
    target = cs[0]
    page = client.get(f"/staff/matters/{w['matter'].id}/comments").get_data(as_text=True)
    assert f'/staff/comments/{target.id}/reply#c{target.id}"' in page
    resp = client.post(f"/staff/comments/{target.id}/reply",
                       data={f"r{target.id}-reply": "不同意", f"r{target.id}-adoption": "not_adopted"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<title>错误：" in html
    summary = html.index("未保存：请修改后重新提交")
    assert summary < html.index(f'id="c{cs[-1].id}"')
    assert f'href="#r{target.id}-adoption_reason"' in html and "部分采纳或不采纳时须说明理由" in html


def _sms():
    return list(db.session.scalars(select(Message).where(Message.purpose == "comment.reply")))


def test_reply_sms_once_when_public(app):
    w = factories.world()
    c = factories.comment(w["notice"], phone_enc=encrypt("13812345678"), phone_masked="138****5678")
    services.reply_comment(c, actor=w["organiser"], reply="已采纳", adoption=Adoption.ADOPTED,
                           adoption_reason=None, now=utcnow())
    db.session.commit()
    [msg] = _sms()
    assert c.receipt_display in msg.body and "已获答复" in msg.body and msg.recipient_masked == "138****5678"
    services.reply_comment(c, actor=w["organiser"], reply="补充答复", adoption=Adoption.ADOPTED,
                           adoption_reason=None, now=utcnow())
    db.session.commit()
    assert len(_sms()) == 1  # once


def test_reply_to_a_pending_comment_texts_when_published_and_not_without_phone(app):
    w = factories.world()
    pending = factories.comment(w["notice"], status=CommentStatus.PENDING, phone_enc=encrypt("13812345678"))
    silent = factories.comment(w["notice"])
    for c in (pending, silent):
        services.reply_comment(c, actor=w["organiser"], reply="答复", adoption=Adoption.ADOPTED,
                               adoption_reason=None, now=utcnow())
    db.session.commit()
    assert _sms() == []
    services.moderate_comment(pending, actor=w["organiser"], publish=True, reason=None, now=utcnow())
    db.session.commit()
    assert len(_sms()) == 1


def test_reply_sms_not_sent_when_the_transaction_rolls_back(app):
    w = factories.world()
    c = factories.comment(w["notice"], phone_enc=encrypt("13812345678"))
    services.reply_comment(c, actor=w["organiser"], reply="答复", adoption=Adoption.ADOPTED,
                           adoption_reason=None, now=utcnow())
    db.session.rollback()
    assert _sms() == []
