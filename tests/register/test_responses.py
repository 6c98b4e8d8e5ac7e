""""You said, we did": a response per risk point on the notice page and on the receipt of every
resident whose text is in the point; one SMS per comment, queued in the outbox after commit."""
import pytest
from markupsafe import escape

from consult import jobs
from consult.analysis.models import PointState, Voice
from consult.analysis.voices import sync_voices
from consult.audit.models import AuditEntry
from consult.crypto import encrypt
from consult.extensions import db
from consult.messaging.models import Message, MessageStatus
from consult.models import utcnow
from consult.register import items, responses
from consult.register.models import ResponseNotice
from consult.surveys import responses as survey_responses
from consult.surveys.spec import load_spec
from tests import factories as f
from tests.conftest import login
from tests.hearings import factories as hf
from tests.register import factories as rf
from tests.surveys.helpers import answers, standard_survey

REPLY = "我们将把收运时间调整到早上七点以前，并加装除臭设备。"


class Anon:
    is_authenticated = False
    id = None


def _sms():
    return db.session.scalars(db.select(Message).where(Message.purpose == responses.SMS_PURPOSE)
                              .order_by(Message.id)).all()


def _publish(point, actor, text=REPLY):
    queued = responses.publish_response(point, actor=actor, text=text, now=utcnow())
    jobs.commit()
    return queued


def _phone_comment(w, body, phone="13812345678"):
    return f.comment(w["notice"], body, phone_enc=encrypt(phone), phone_masked=phone[:3] + "****" + phone[-4:])


def test_published_response_shows_on_notice_and_comment_receipt(client):
    w = f.world()
    c = f.comment(w["notice"], "臭味很大，夏天没法开窗")
    p = rf.point(w["matter"], "臭气扰民", n_voices=2)
    rf.comment_voice(w["matter"], c, p)
    other = rf.point(w["matter"], "房价下跌")
    responses.publish_response(other, actor=w["organiser"], text="房价影响评估将随报告公开。", now=utcnow())
    jobs.commit()
    before = client.get(f"/receipts/{c.receipt_code}").get_data(as_text=True)
    assert "对您所提问题的答复" not in before and "尚未答复。" in before
    _publish(p, w["assessor"])
    receipt = client.get(f"/receipts/{c.receipt_code}").get_data(as_text=True)
    assert "对您所提问题的答复" in receipt and REPLY in receipt and "臭气扰民" in receipt
    assert "房价影响评估" not in receipt  # only the points that hold this resident's text
    assert "尚未答复。" not in receipt  # the point's response answers the comment
    notice = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert REPLY in notice and "房价影响评估将随报告公开。" in notice and "3 条意见涉及此问题" in notice


def test_withdrawn_response_disappears_and_merged_points_cannot_answer(client):
    w = f.world()
    c = f.comment(w["notice"], "程序不公开")
    p = rf.point(w["matter"], "程序")
    rf.comment_voice(w["matter"], c, p)
    _publish(p, w["assessor"])
    responses.withdraw_response(p, actor=w["assessor"], now=utcnow())
    jobs.commit()
    assert REPLY not in client.get(f"/receipts/{c.receipt_code}").get_data(as_text=True)
    assert REPLY not in client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert p.public_response == REPLY  # kept for re-publishing
    with pytest.raises(items.RegisterError, match="尚未公开"):
        responses.withdraw_response(p, actor=w["assessor"], now=utcnow())
    merged = rf.point(w["matter"], "旧点", state=PointState.MERGED)
    with pytest.raises(items.RegisterError, match="已合并"):
        responses.publish_response(merged, actor=w["assessor"], text="x", now=utcnow())
    actions = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.object_type == "RiskPoint")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["risk_point.publish_response", "risk_point.withdraw_response"]


def test_excluded_text_gets_no_response(client):
    w = f.world()
    c = f.comment(w["notice"], "跑题的意见")
    p = rf.point(w["matter"])
    v = rf.comment_voice(w["matter"], c, p)
    v.is_excluded = True
    db.session.commit()
    _publish(p, w["assessor"])
    assert REPLY not in client.get(f"/receipts/{c.receipt_code}").get_data(as_text=True)


def test_questionnaire_and_registration_receipts_show_the_response(client):
    w = f.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    _rid, survey_code = survey_responses.submit_online(spec, answers(spec, support="oppose", relation="direct",
                                                        oppose_reason="离学校太近"),
                                          actor=Anon(), now=utcnow(), device=None, client_hash=None)
    m = hf.meeting(w)
    reg = hf.registration(m)
    reg.points = "希望公开臭气检测数据"
    db.session.commit()
    sync_voices(w["matter"].id)
    p = rf.point(w["matter"], "选址离学校近")
    for v in db.session.scalars(db.select(Voice).where(Voice.matter_id == w["matter"].id)):
        v.point_id = p.id
    db.session.commit()
    _publish(p, w["organiser"])
    survey_page = client.get(f"/surveys/receipts/{survey_code}").get_data(as_text=True)
    reg_page = client.get(f"/hearings/r/{reg.receipt_code}").get_data(as_text=True)
    assert REPLY in survey_page and "选址离学校近" in survey_page
    assert REPLY in reg_page and "选址离学校近" in reg_page


def test_one_sms_per_comment_after_commit_never_resent_on_edit():
    w = f.world()
    with_phone = _phone_comment(w, "垃圾车太吵")
    no_phone = f.comment(w["notice"], "垃圾车太多")
    p = rf.point(w["matter"], "垃圾车", n_voices=1)
    rf.comment_voice(w["matter"], with_phone, p)
    rf.comment_voice(w["matter"], no_phone, p)
    queued = responses.publish_response(p, actor=w["assessor"], text=REPLY, now=utcnow())
    [msg] = _sms()
    assert queued == [msg.id] and msg.status == MessageStatus.QUEUED  # not sent before the commit
    jobs.commit()
    db.session.refresh(msg)
    assert msg.status == MessageStatus.SENT and msg.recipient_masked == "138****5678"
    assert msg.body == f"您对“{w['matter'].title}”提出的意见已有公开答复，请凭回执码 {with_phone.receipt_display} 查看。"
    assert _publish(p, w["assessor"], REPLY + "（补充：周末停运）") == []  # an edit: nothing resent
    responses.withdraw_response(p, actor=w["assessor"], now=utcnow())
    jobs.commit()
    assert _publish(p, w["assessor"]) == []  # re-published: still nothing
    second = rf.point(w["matter"], "噪音")
    rf.voice(w["matter"], point=second)
    db.session.get(Voice, db.session.scalar(db.select(Voice.id).where(Voice.source_ref == f"comment:{with_phone.id}"))
                   ).point_id = second.id
    db.session.commit()
    assert _publish(second, w["assessor"]) == []  # the resident's text moved on: ONE SMS in all
    assert len(_sms()) == 1
    assert db.session.scalars(db.select(ResponseNotice.comment_id)).all() == [with_phone.id]


def test_a_comment_added_to_the_point_later_is_told_once_on_the_next_publish():
    w = f.world()
    p = rf.point(w["matter"], n_voices=1)
    _publish(p, w["assessor"])
    late = _phone_comment(w, "后来补充的意见", phone="13900001111")
    rf.comment_voice(w["matter"], late, p)
    assert len(_publish(p, w["assessor"], REPLY + "。")) == 1
    assert len(_publish(p, w["assessor"], REPLY + "。。")) == 0
    assert [m.recipient_masked for m in _sms()] == ["139****1111"]


def test_rollback_drops_the_sms():
    w = f.world()
    c = _phone_comment(w, "臭")
    p = rf.point(w["matter"])
    rf.comment_voice(w["matter"], c, p)
    responses.publish_response(p, actor=w["assessor"], text=REPLY, now=utcnow())
    db.session.rollback()
    jobs.commit()
    assert _sms() == [] and db.session.scalars(db.select(ResponseNotice)).all() == []


def test_staff_publish_and_withdraw_pages(client):
    w = f.world()
    c = _phone_comment(w, "臭味")
    p = rf.point(w["matter"], "臭气")
    rf.comment_voice(w["matter"], c, p)
    login(client, w["assessor"])
    resp = client.post(f"/staff/risk-points/{p.id}/response", data={f"p{p.id}-text": REPLY})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/staff/matters/{w['matter'].id}/responses#p{p.id}")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "答复已公开。已向 1 位留了手机号的居民发送短信通知。" in page and "更新公开答复" in page
    resp = client.post(f"/staff/risk-points/{p.id}/response", data={f"p{p.id}-text": " \u3000 "})
    assert resp.status_code == 422 and "请填写答复内容。" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(p), p.id).public_response == REPLY
    resp = client.post(f"/staff/risk-points/{p.id}/response/withdraw")
    assert resp.status_code == 302
    assert "答复已撤回" in client.get(resp.headers["Location"]).get_data(as_text=True)
    resp = client.post(f"/staff/risk-points/{p.id}/response/withdraw")
    assert "该答复尚未公开。" in client.get(resp.headers["Location"]).get_data(as_text=True)
    login(client, w["admin"])
    page = client.get(f"/staff/matters/{w['matter'].id}/responses")
    assert page.status_code == 200 and "保存并公开" not in page.get_data(as_text=True)
    assert str(escape(REPLY)) in page.get_data(as_text=True)


def test_two_comments_of_one_phone_in_a_point_get_one_sms():
    w = f.world()
    p = rf.point(w["matter"])
    first, second = _phone_comment(w, "第一条"), _phone_comment(w, "第二条")
    rf.comment_voice(w["matter"], first, p)
    rf.comment_voice(w["matter"], second, p)
    assert len(_publish(p, w["assessor"])) == 1
    [msg] = _sms()
    assert first.receipt_display in msg.body
    assert sorted(db.session.scalars(db.select(ResponseNotice.comment_id))) == sorted([first.id, second.id])
