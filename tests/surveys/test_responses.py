import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden

from consult.extensions import db
from consult.messaging.models import Message
from consult.models import utcnow
from consult.surveys import responses
from consult.surveys.answering import read_answers
from consult.surveys.builder import SurveyError
from consult.surveys.models import Answer, Channel, InvitationCode, Response, SmsCode
from consult.surveys.spec import load_spec
from tests import factories
from tests.surveys.helpers import answers, form_for, q_by_code, standard_survey, DEFAULT


class Anon:
    is_authenticated = False
    id = None


def _read(spec, **kw):
    data = form_for(spec, **{k: v for k, v in (DEFAULT | kw).items() if v is not None})
    return read_answers(spec, lambda k: data.get(k, []))


def test_validation_messages_in_chinese_next_to_fields():
    w = factories.world()
    spec = load_spec(standard_survey(w).id)
    res = _read(spec, relation=None, concerns=["noise", "dust", "traffic", "safety", "jobs", "heritage"],
                occupation="other")
    assert res.errors[q_by_code(spec, "relation").field] == "请选择一项。"
    assert res.errors[q_by_code(spec, "concerns").field] == "最多选择 5 项，您选择了 6 项。"
    assert res.errors[q_by_code(spec, "occupation").field + "_other"] == "请注明“其他”的具体内容。"
    res = read_answers(spec, lambda k: ["abc"] if k == q_by_code(spec, "support").field else [])
    assert res.errors[q_by_code(spec, "support").field] == "选项无效，请重新选择。"


def test_conditions_drop_hidden_answers_and_requirements():
    w = factories.world()
    spec = load_spec(standard_survey(w).id)
    res = _read(spec, aware="unaware", aware_channel=["notice"], support="support", oppose_reason="太吵")
    assert res.ok, res.errors
    assert q_by_code(spec, "aware_channel").id not in res.values
    assert q_by_code(spec, "oppose_reason").id not in res.values
    res = _read(spec, support="oppose", oppose_reason="施工噪声太大")
    assert res.values[q_by_code(spec, "oppose_reason").id] == {"text": "施工噪声太大"}
    # errors only for the sections being checked
    res = _read(spec, relation=None)
    assert read_answers(spec, lambda k: [], check_sections={3}).ok


def test_open_mode_flags_duplicate_device_and_stores_one_row_per_choice():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    now = utcnow()
    rid, code = responses.submit_online(spec, answers(spec), actor=Anon(), now=now, device="dev-1", client_hash="c1")
    rid2, _ = responses.submit_online(spec, answers(spec), actor=Anon(), now=now, device="dev-1", client_hash="c1")
    db.session.commit()
    r1, r2 = db.session.get(Response, rid), db.session.get(Response, rid2)
    assert not r1.is_duplicate and r2.is_duplicate and r2.flags == ["duplicate_device"]
    assert re.fullmatch(r"[A-Z2-9]{10}", code) and responses.find_by_receipt(code.lower()[:5] + "-" + code[5:]).id == rid
    assert r1.device_hash != "dev-1" and len(r1.device_hash) == 64
    concerns = q_by_code(spec, "concerns")
    assert db.session.scalar(select(func.count()).where(Answer.response_id == rid,
                                                        Answer.question_id == concerns.id)) == 2


def test_closed_survey_refuses():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    with pytest.raises(SurveyError):
        responses.submit_online(spec, answers(spec), actor=Anon(), now=s.closes_at, device="d", client_hash="c")


def test_sms_mode_one_per_phone_and_phone_only_hashed(caplog):
    w = factories.world()
    s = standard_survey(w, mode="sms")
    spec = load_spec(s.id)
    now = utcnow()
    with pytest.raises(SurveyError):
        responses.submit_online(spec, answers(spec), actor=Anon(), now=now, device=None, client_hash="c")
    with caplog.at_level(logging.INFO, logger="consult.messages"):
        responses.request_sms_code(spec, "13812345678", actor=Anon(), now=now)
        db.session.commit()  # no queue: messages are delivered after commit by jobs.commit()
        from consult.jobs import commit
        commit()
    body = db.session.scalar(select(Message.body).where(Message.purpose == "survey_code"))
    code = re.search(r"验证码 (\d{6})", body).group(1)
    with pytest.raises(SurveyError):  # too soon for another code
        responses.request_sms_code(spec, "13812345678", actor=Anon(), now=now + timedelta(seconds=5))
    with pytest.raises(SurveyError):
        responses.verify_sms_code(spec, "13812345678", "000000" if code != "000000" else "111111", now=now)
    ph = responses.verify_sms_code(spec, "13812345678", code, now=now)
    responses.submit_online(spec, answers(spec), actor=Anon(), now=now, device=None, client_hash="c", phone=ph)
    db.session.commit()
    stored = db.session.scalar(select(Response))
    assert stored.phone_hash == ph and "13812345678" not in ph
    assert db.session.scalar(select(SmsCode.phone_hash)) == ph
    with pytest.raises(SurveyError):
        responses.submit_online(spec, answers(spec), actor=Anon(), now=now, device=None, client_hash="c", phone=ph)
    db.session.rollback()
    with pytest.raises(SurveyError):  # already answered: no new code
        responses.request_sms_code(spec, "13812345678", actor=Anon(), now=now + timedelta(minutes=5))
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_sms_code_expires_and_limits_attempts():
    w = factories.world()
    spec = load_spec(standard_survey(w, mode="sms").id)
    now = utcnow()
    responses.request_sms_code(spec, "13900001111", actor=Anon(), now=now)
    with pytest.raises(SurveyError):
        responses.verify_sms_code(spec, "13900001111", "123456", now=now + timedelta(minutes=11))
    for _ in range(responses.SMS_MAX_ATTEMPTS):
        with pytest.raises(SurveyError):
            responses.verify_sms_code(spec, "13900001111", "x", now=now)
    with pytest.raises(SurveyError, match="次数过多"):
        responses.verify_sms_code(spec, "13900001111", "x", now=now)


def test_invitation_codes_single_use():
    w = factories.world()
    s = standard_survey(w, mode="invitation")
    spec = load_spec(s.id)
    with pytest.raises(Forbidden):
        responses.generate_invitations(s, actor=w["assessor"], count=3, batch="一组")
    codes = responses.generate_invitations(s, actor=w["organiser"], count=3, batch="一组")
    db.session.commit()
    assert len({c.code for c in codes}) == 3
    inv = responses.check_invitation(spec, codes[0].code.lower())
    now = utcnow()
    responses.submit_online(spec, answers(spec), actor=Anon(), now=now, device=None, client_hash="c",
                            invitation_id=inv.id)
    db.session.commit()
    with pytest.raises(SurveyError):
        responses.check_invitation(spec, codes[0].code)
    with pytest.raises(SurveyError):
        responses.submit_online(spec, answers(spec), actor=Anon(), now=now, device=None, client_hash="c",
                                invitation_id=inv.id)
    with pytest.raises(SurveyError):
        responses.check_invitation(spec, "WRONGCOD")
    assert responses.invitation_counts(s) == (3, 1)


def test_paper_entry_by_staff_with_channel_and_enumerator():
    w = factories.world()
    s = standard_survey(w, mode="invitation")  # paper entry does not need a code
    spec = load_spec(s.id)
    now = utcnow()
    with pytest.raises(Forbidden):
        responses.enter_paper(s, spec, answers(spec), actor=w["other"], channel=Channel.PAPER, enumerator="王", now=now)
    with pytest.raises(SurveyError):
        responses.enter_paper(s, spec, answers(spec), actor=w["assessor"], channel=Channel.DOOR, enumerator=" ", now=now)
    rid, _ = responses.enter_paper(s, spec, answers(spec), actor=w["assessor"], channel=Channel.DOOR,
                                   enumerator="王调查员", now=now)
    db.session.commit()
    r = db.session.get(Response, rid)
    assert r.channel == Channel.DOOR and r.enumerator == "王调查员" and r.entered_by_id == w["assessor"].id
