import logging
from datetime import timedelta

import pytest

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.models import utcnow
from consult.notices import comments as services
from consult.notices.models import Adoption, Comment, CommentStatus, Stance
from tests import factories
from tests.conftest import login


def _post(client, notice, **data):
    payload = {"body": "垃圾站离学校太近，建议换址。", "stance": "oppose"}
    payload.update(data)
    return client.post(f"/notices/{notice.id}/comments", data=payload)


def test_comment_gets_receipt_and_is_committed_first(client):
    w = factories.world()
    resp = _post(client, w["notice"], name="张三", phone="１３８-1234-5678", consent="y")
    assert resp.status_code == 302 and "/receipts/" in resp.headers["Location"]
    c = db.session.query(Comment).one()
    assert c.author_name == "张三" and c.phone_masked == "138****5678"
    assert "13812345678" not in (c.phone_enc or "")  # encrypted at rest
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "您的意见已收到" in page and c.receipt_display in page
    public = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert "垃圾站离学校太近" in public and "张*" in public and "张三" not in public and "5678" not in public


def test_personal_data_needs_consent(client):
    w = factories.world()
    resp = _post(client, w["notice"], phone="13812345678")
    assert resp.status_code == 422 and "个人信息说明" in resp.get_data(as_text=True)
    assert db.session.query(Comment).count() == 0


def test_errors_keep_the_other_answers(client):
    w = factories.world()
    resp = _post(client, w["notice"], body="保留我写的这段话", stance="", phone="12345", consent="y")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "保留我写的这段话" in body and "请选择您的态度" in body and "11 位中国大陆手机号码" in body
    assert 'aria-describedby="phone-error"' in body or 'aria-describedby="phone-hint phone-error"' in body


def test_exact_duplicate_refused_politely(client):
    w = factories.world()
    assert _post(client, w["notice"], body="反对建站").status_code == 302
    resp = _post(client, w["notice"], body="  反对建站　")  # same text up to spaces and width
    assert resp.status_code == 422 and "无需重复提交" in resp.get_data(as_text=True)
    assert db.session.query(Comment).count() == 1


def test_honeypot_and_length_limits(app, client):
    w = factories.world()
    assert _post(client, w["notice"], website="http://spam").status_code == 422
    too_long = "长" * (app.config["COMMENT_MAX_CHARS"] + 1)
    resp = _post(client, w["notice"], body=too_long)
    assert resp.status_code == 422 and "内容过长" in resp.get_data(as_text=True)
    assert db.session.query(Comment).count() == 0


def test_closed_notice_refuses_comments(client):
    w = factories.world()
    closed = factories.notice(w["matter"], open_=False)
    resp = _post(client, closed)
    assert resp.status_code == 422 and "不在征求意见期内" in resp.get_data(as_text=True)


def test_comment_rate_limit_keeps_text(app, client):
    w = factories.world()
    per_minute = int(app.config["RATE_LIMIT_COMMENTS"].split()[0])
    codes = [_post(client, w["notice"], body=f"第{i}条意见").status_code for i in range(per_minute + 1)]
    assert codes[:per_minute] == [302] * per_minute
    resp = _post(client, w["notice"], body="被限流的这段话")
    assert resp.status_code == 429
    body = resp.get_data(as_text=True)
    assert "过于频繁" in body and "被限流的这段话" in body


def test_moderated_matter_hides_until_published(client):
    w = factories.world()
    w["matter"].requires_moderation = True
    db.session.commit()
    _post(client, w["notice"], body="需要审核的意见")
    c = db.session.query(Comment).one()
    assert c.status == CommentStatus.PENDING
    assert "需要审核的意见" not in client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert "待审核" in client.get(f"/receipts/{c.receipt_code}").get_data(as_text=True)
    with pytest.raises(services.CommentError):
        services.moderate_comment(c, actor=w["organiser"], publish=False, reason=" ", now=utcnow())
    services.moderate_comment(c, actor=w["organiser"], publish=True, reason=None, now=utcnow())
    db.session.commit()
    assert "需要审核的意见" in client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)


def test_reply_and_adoption_shown_to_resident(client):
    w = factories.world()
    c = factories.comment(w["notice"], body="希望公开监测数据")
    with pytest.raises(services.CommentError, match="理由"):
        services.reply_comment(c, actor=w["organiser"], reply="收到", adoption=Adoption.NOT_ADOPTED,
                               adoption_reason="", now=utcnow())
    services.reply_comment(c, actor=w["organiser"], reply="将每月公开", adoption=Adoption.PARTLY,
                           adoption_reason="实时公开需设备改造", now=utcnow())
    db.session.commit()
    page = client.get(f"/receipts/{c.receipt_code}").get_data(as_text=True)
    assert "将每月公开" in page and "部分采纳" in page and "实时公开需设备改造" in page
    entry = db.session.query(AuditEntry).filter_by(action="comment.reply").one()
    assert entry.after["adoption"] == "partly" and entry.before["reply"] is None


def test_staff_reply_error_keeps_text(client):
    w = factories.world()
    c = factories.comment(w["notice"])
    login(client, w["organiser"])
    resp = client.post(f"/staff/comments/{c.id}/reply", data={f"r{c.id}-reply": "我写好的答复", f"r{c.id}-adoption": "not_adopted"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "我写好的答复" in body and "须说明理由" in body


def test_receipt_lookup_is_forgiving(client):
    w = factories.world()
    c = factories.comment(w["notice"])
    code = c.receipt_code.lower()
    resp = client.get(f"/receipts?code= {code[:5]}－{code[5:]} ")
    assert resp.status_code == 302 and c.receipt_code in resp.headers["Location"]
    assert client.get("/receipts?code=NOPE").status_code == 404
    assert client.get("/receipts/ZZZZZZZZZZ").status_code == 404


def test_reveal_phone_is_logged_and_restricted(client):
    w = factories.world()
    _post(client, w["notice"], phone="13912345678", consent="y")
    c = db.session.query(Comment).one()
    login(client, w["organiser"])
    page = client.post(f"/staff/comments/{c.id}/phone").get_data(as_text=True)
    assert "13912345678" in page
    assert db.session.query(AuditEntry).filter_by(action="comment.reveal_phone").count() == 1
    staff_list = client.get(f"/staff/matters/{w['matter'].id}/comments").get_data(as_text=True)
    assert "139****5678" in staff_list and "13912345678" not in staff_list


def test_personal_data_purged_after_retention(app):
    w = factories.world()
    old = factories.comment(w["notice"], author_name="李四", phone_masked="139****0000", phone_enc="x",
                            created_at=utcnow() - timedelta(days=app.config["RETENTION_DAYS"] + 1))
    new = factories.comment(w["notice"], author_name="王五")
    assert services.purge_personal_data(now=utcnow()) == 1
    db.session.commit()
    db.session.refresh(old), db.session.refresh(new)
    assert old.author_name is None and old.phone_enc is None and old.body  # the opinion stays
    assert new.author_name == "王五"


def test_stance_counts():
    w = factories.world()
    for s in (Stance.OPPOSE, Stance.OPPOSE, Stance.SUPPORT):
        factories.comment(w["notice"], stance=s)
    factories.comment(w["notice"], stance=Stance.SUPPORT, status=CommentStatus.REJECTED)
    assert services.stance_counts(w["matter"].id) == {Stance.OPPOSE: 2, Stance.SUPPORT: 1}
    assert services.stance_counts(w["matter"].id, published_only=False)[Stance.SUPPORT] == 2


def test_staff_moderates_and_replies_through_the_page(client):
    w = factories.world()
    c = factories.comment(w["notice"], status=CommentStatus.PENDING)
    other = factories.comment(w["notice"])
    login(client, w["organiser"])
    page = client.get(f"/staff/matters/{w['matter'].id}/comments?status=unreplied").get_data(as_text=True)
    assert f'id="r{c.id}-reply"' in page and f'id="r{other.id}-reply"' in page  # ids unique per comment
    client.post(f"/staff/comments/{c.id}/moderate", data={f"m{c.id}-decision": "reject", f"m{c.id}-reason": "含有他人隐私"})
    client.post(f"/staff/comments/{other.id}/reply", data={f"r{other.id}-reply": "已采纳", f"r{other.id}-adoption": "adopted"})
    db.session.expire_all()
    assert db.session.get(Comment, c.id).status == CommentStatus.REJECTED
    assert db.session.get(Comment, c.id).moderation_reason == "含有他人隐私"
    assert db.session.get(Comment, other.id).reply == "已采纳"
    page = client.get(f"/staff/matters/{w['matter'].id}/comments?status=unreplied").get_data(as_text=True)
    assert f'id="c{other.id}"' not in page and f'id="c{c.id}"' not in page


def test_one_lookup_finds_every_kind_of_receipt(app, client):
    from consult.receipts import RECEIPT_KINDS

    w = factories.world()
    c = factories.comment(w["notice"])
    assert client.get(f"/receipts?code={c.receipt_code}").headers["Location"].endswith(f"/receipts/{c.receipt_code}")
    # every kind that is registered points at a page that exists
    for _module, endpoint in RECEIPT_KINDS:
        if endpoint.split(".")[0] in app.blueprints:
            assert endpoint in app.view_functions, endpoint
