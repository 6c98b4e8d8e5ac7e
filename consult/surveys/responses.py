"""Store responses (online and staff-entered), one per person by mode, receipts.

Inserts go through SQLAlchemy Core (one INSERT for the response, one executemany for its
answers): a resident's submission is the hot path. The caller commits before saying "received".
"""
from __future__ import annotations

from flask_babel import gettext as _

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from consult.crypto import keyed_hash
from consult.extensions import db
from consult.messaging.services import queue_sms
from consult.notices.comments import new_receipt_code, normalise_receipt
from consult.permissions import require
from consult.surveys.answering import answer_rows, choices_fingerprint
from consult.surveys.builder import SurveyError
from consult.surveys.models import (Answer, Channel, InvitationCode, ResponseMode, Response, SmsCode,
                                    Survey)
from consult.surveys import fast_insert
from consult.surveys.spec import Definitions, SurveySpec

SMS_TTL = timedelta(minutes=10)
SMS_MAX_PER_HOUR = 3
SMS_MIN_INTERVAL = timedelta(seconds=60)
SMS_MAX_ATTEMPTS = 5
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def phone_hash(phone: str) -> str:
    return keyed_hash(phone, "survey-phone")


def device_hash(token: str) -> str:
    return keyed_hash(token, "survey-device")


class SpecChanged(SurveyError):
    """The questionnaire changed after this process cached it: reload the structure and retry."""

    def __init__(self):
        super().__init__("问卷内容刚刚更新，请核对后重新提交。")


FACT_COLUMNS = ("group_option_id", "distance_option_id", "aware_option_id", "support_option_id")


def facts(spec: SurveySpec, values: dict) -> dict:
    """The options chosen on the definition questions (group, distance, awareness, support)."""
    d = spec.definitions or Definitions()
    return {col: (values.get(qid) or {}).get("option") if qid else None for col, qid in d.fact_questions().items()}


def _insert_response(spec: SurveySpec, values: dict, *, channel: Channel, now: datetime, **extra) -> tuple[int, str]:
    """One response and its answers. Raises SpecChanged (nothing stored) when the survey's
    version is no longer the one `spec` was built from."""
    rows = answer_rows(spec, values)
    code = new_receipt_code()
    data = dict(survey_id=spec.id, receipt_code=code, channel=channel, submitted_at=now,
                answers_hash=choices_fingerprint(rows), is_duplicate=False, flags=[], enumerator=None,
                entered_by_id=None, device_hash=None, client_hash=None, phone_hash=None, invitation_id=None)
    data.update(extra)
    data.update(facts(spec, values))
    if db.session.get_bind().dialect.name == "postgresql":
        response_id = fast_insert.insert_pg(spec, data, rows)
    else:
        response_id = _insert_portable(spec, data, rows)
    if response_id is None:
        raise SpecChanged()
    return response_id, code


def _insert_portable(spec: SurveySpec, data: dict, rows: list[dict]) -> int | None:
    current = db.session.execute(select(Survey.version, Survey.created_at).where(Survey.id == spec.id)).first()
    if current is None or (current.version, current.created_at) != (spec.version, spec.created_at):
        return None
    if data.get("device_hash") and not data["is_duplicate"] and db.session.scalar(select(Response.id).where(
            Response.survey_id == spec.id, Response.device_hash == data["device_hash"]).limit(1)):
        data["is_duplicate"], data["flags"] = True, ["duplicate_device"]
    conn = db.session.connection()
    response_id = conn.execute(insert(Response.__table__).values(**data)
                               .returning(Response.__table__.c.id)).scalar_one()
    if rows:
        conn.execute(insert(Answer.__table__), [r | {"response_id": response_id, "survey_id": spec.id}
                                                for r in rows])
    return response_id


def submit_online(spec: SurveySpec, values: dict, *, actor, now: datetime, device: str | None,
                  client_hash: str | None, phone: str | None = None, invitation_id: int | None = None
                  ) -> tuple[int, str]:
    """A resident's response. `phone` is the verified phone hash (sms mode); `invitation_id`
    the checked invitation (invitation mode). Returns (response id, receipt code)."""
    require(actor, "resident.submit", spec)
    if not spec.is_open(now):
        raise SurveyError(_("该问卷不在填写期内，暂不能提交。"))
    extra: dict = {"client_hash": client_hash}
    if spec.mode == ResponseMode.OPEN:  # a repeated device is flagged by the INSERT itself
        extra["device_hash"] = device_hash(device) if device else None
    elif spec.mode == ResponseMode.SMS:
        if not phone:
            raise SurveyError(_("请先通过短信验证码验证手机号。"))
        extra["phone_hash"] = phone
    else:
        if not invitation_id:
            raise SurveyError(_("请先输入邀请码。"))
        used = db.session.execute(update(InvitationCode).where(
            InvitationCode.id == invitation_id, InvitationCode.survey_id == spec.id,
            InvitationCode.used_at.is_(None)).values(used_at=now))
        if used.rowcount != 1:
            raise SurveyError(_("该邀请码已被使用，每个邀请码只能提交一份问卷。"))
        extra["invitation_id"] = invitation_id
    if spec.mode != ResponseMode.SMS:  # no unique key can clash: skip the savepoint round trips
        return _insert_response(spec, values, channel=Channel.ONLINE, now=now, **extra)
    try:
        with db.session.begin_nested():
            return _insert_response(spec, values, channel=Channel.ONLINE, now=now, **extra)
    except IntegrityError:
        raise SurveyError(_("该手机号已提交过本问卷，每人只能提交一份。")) from None


def enter_paper(survey: Survey, spec: SurveySpec, values: dict, *, actor, channel: Channel, enumerator: str,
                now: datetime) -> tuple[int, str]:
    """Staff type in a paper / door-to-door / symposium questionnaire."""
    require(actor, "matter.analyse", survey)
    if channel == Channel.ONLINE:
        raise SurveyError(_("请选择纸质问卷、入户走访或座谈会。"), "channel")
    if not enumerator or not enumerator.strip():
        raise SurveyError(_("请填写调查员姓名。"), "enumerator")
    rid, code = _insert_response(spec, values, channel=channel, now=now, enumerator=enumerator,
                                 entered_by_id=actor.id)
    from consult.audit.services import record

    record(actor=actor, action="survey.response.enter", obj=db.session.get(Response, rid),
           matter_id=survey.matter_id, after={"channel": channel.value, "enumerator": enumerator})
    return rid, code


def find_by_receipt(code: str) -> Response | None:
    code = normalise_receipt(code)
    if len(code) != 10:
        return None
    return db.session.scalar(select(Response).where(Response.receipt_code == code))


def response_answers(response: Response) -> list[Answer]:
    return list(db.session.scalars(select(Answer).where(Answer.response_id == response.id).order_by(Answer.id)))


# --- SMS mode ---------------------------------------------------------------------------
def request_sms_code(spec: SurveySpec, phone: str, *, actor, now: datetime) -> None:
    require(actor, "resident.submit", spec)
    if spec.mode != ResponseMode.SMS or not spec.is_open(now):
        raise SurveyError(_("该问卷当前不接受短信验证。"))
    ph = phone_hash(phone)
    if db.session.scalar(select(Response.id).where(Response.survey_id == spec.id, Response.phone_hash == ph)):
        raise SurveyError(_("该手机号已提交过本问卷，每人只能提交一份。"), "phone")
    recent = list(db.session.scalars(select(SmsCode.created_at).where(
        SmsCode.survey_id == spec.id, SmsCode.phone_hash == ph, SmsCode.created_at > now - timedelta(hours=1))))
    if len(recent) >= SMS_MAX_PER_HOUR:
        raise SurveyError(_("该手机号获取验证码次数过多，请一小时后再试。"), "phone")
    if recent and max(recent) > now - SMS_MIN_INTERVAL:
        raise SurveyError(_("验证码已发送，请 60 秒后再重新获取。"), "phone")
    code = f"{secrets.randbelow(1_000_000):06d}"
    db.session.add(SmsCode(survey_id=spec.id, phone_hash=ph, code_hash=keyed_hash(code, f"survey-sms:{ph}"),
                           created_at=now, expires_at=now + SMS_TTL))
    queue_sms(phone, f"您正在填写问卷“{spec.title[:30]}”，验证码 {code}，10 分钟内有效。", purpose="survey_code")


def verify_sms_code(spec: SurveySpec, phone: str, code: str, *, now: datetime) -> str:
    """Check the code; returns the phone hash to keep in the session."""
    ph = phone_hash(phone)
    sms = db.session.scalar(select(SmsCode).where(
        SmsCode.survey_id == spec.id, SmsCode.phone_hash == ph, SmsCode.used_at.is_(None))
        .order_by(SmsCode.created_at.desc()).limit(1))
    if sms is None or sms.expires_at <= now:
        raise SurveyError(_("验证码已过期或不存在，请重新获取。"), "code")
    if sms.attempts >= SMS_MAX_ATTEMPTS:
        raise SurveyError(_("验证码错误次数过多，请重新获取。"), "code")
    sms.attempts += 1
    if not secrets.compare_digest(sms.code_hash, keyed_hash((code or "").strip(), f"survey-sms:{ph}")):
        raise SurveyError(_("验证码不正确，请核对短信后重新输入。"), "code")
    sms.used_at = now
    return ph


# --- invitation mode ---------------------------------------------------------------------
def generate_invitations(survey: Survey, *, actor, count: int, batch: str) -> list[InvitationCode]:
    require(actor, "matter.manage", survey)
    if not 1 <= count <= 2000:
        raise SurveyError(_("一次可生成 1 到 2000 个邀请码。"), "count")
    codes = [InvitationCode(survey_id=survey.id, code="".join(secrets.choice(INVITE_ALPHABET) for _ in range(8)),
                            batch=batch or "", created_by_id=actor.id) for _ in range(count)]
    db.session.add_all(codes)
    db.session.flush()
    from consult.audit.services import record

    record(actor=actor, action="survey.invitations", obj=survey, matter_id=survey.matter_id,
           after={"count": count, "batch": batch})
    return codes


def check_invitation(spec: SurveySpec, code: str) -> InvitationCode:
    code = normalise_receipt(code)
    inv = db.session.scalar(select(InvitationCode).where(InvitationCode.survey_id == spec.id,
                                                         InvitationCode.code == code))
    if inv is None:
        raise SurveyError(_("邀请码不正确，请核对后重新输入。"), "code")
    if inv.used_at is not None:
        raise SurveyError(_("该邀请码已被使用，每个邀请码只能提交一份问卷。"), "code")
    return inv


def invitation_counts(survey: Survey) -> tuple[int, int]:
    total, used = db.session.execute(select(func.count(), func.count(InvitationCode.used_at)).where(
        InvitationCode.survey_id == survey.id)).one()
    return total, used


def purge_personal_answers(*, now: datetime) -> int:
    """Retention: texts and numbers answered to personal questions go RETENTION_DAYS after submission
    (the choices stay, so counts do not change). Returns answers cleared."""
    from flask import current_app

    from consult.surveys.models import Question

    cutoff = now - timedelta(days=current_app.config["RETENTION_DAYS"])
    result = db.session.execute(
        update(Answer)
        .where(Answer.question_id.in_(select(Question.id).where(Question.is_personal.is_(True))),
               Answer.response_id.in_(select(Response.id).where(Response.submitted_at < cutoff)),
               (Answer.value_text.is_not(None)) | (Answer.value_number.is_not(None)))
        .values(value_text=None, value_number=None)
        .execution_options(synchronize_session=False))
    return result.rowcount
