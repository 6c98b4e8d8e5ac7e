"""Residents register by phone (SMS code), cancel with their code; waiting-list promotion."""
from __future__ import annotations

from flask_babel import gettext as _

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from consult.crypto import encrypt, keyed_hash, mask_phone
from consult.extensions import db
from consult.hearings import notify, rules
from consult.hearings.common import HearingError, lock_meeting, new_code
from consult.hearings.models import (SEAT_HOLDING, Allocation, HearingStance, Meeting, Registration, RegStatus,
                                     SeatCategory, SmsCode)
from consult.messaging.services import queue_sms
from consult.receipts import normalise_receipt
from consult.permissions import require
from consult.timeutil import format_local

CONSENT_VERSION = "2026-11-h1"
CONSENT_TEXT = (
    "您填写的姓名、手机号和住址仅用于本次会议的报名、遴选、通知和签到，不会公开；"
    "手机号和住址加密保存，公开的抽签名单只显示报名编号，会议结束一年后删除。"
)


def phone_hash(phone: str) -> str:
    return keyed_hash(phone, "hearing-phone")


def _code_hash(code_id_salt: str, code: str) -> str:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), f"{code_id_salt}:{code}".encode(),
                    hashlib.sha256).hexdigest()


def send_code(meeting: Meeting, *, actor, phone: str, now: datetime) -> SmsCode:
    """Send a 6-digit code to the phone; only its keyed hash is stored."""
    require(actor, "resident.submit", meeting)
    if not meeting.registration_open(now):
        raise HearingError(_("该会议当前不在报名时间内。"))
    ph = phone_hash(phone)
    if db.session.scalar(select(Registration.id).where(Registration.meeting_id == meeting.id,
                                                       Registration.phone_hash == ph)):
        raise HearingError(_("该手机号已报名本次会议（每个手机号限报一次）。如需查看或取消，请使用回执码。"), "phone")
    hourly = db.session.scalar(select(func.count()).select_from(SmsCode).where(  # any meeting: SMS bombing
        SmsCode.phone_hash == ph, SmsCode.created_at > now - timedelta(hours=1)))
    if hourly >= current_app.config["HEARING_SMS_PER_PHONE_HOUR"]:
        raise HearingError(_("该手机号获取验证码次数过多，请一小时后再试。"), "phone")
    recent = db.session.scalar(select(func.max(SmsCode.created_at)).where(
        SmsCode.meeting_id == meeting.id, SmsCode.phone_hash == ph))
    if recent and now - recent < timedelta(seconds=rules.SMS_RESEND_SECONDS):
        raise HearingError(_('验证码已发送，请 %(v0)s 秒后再重新获取。', v0=rules.SMS_RESEND_SECONDS), "phone")
    code = f"{secrets.randbelow(10**6):06d}"
    row = SmsCode(meeting_id=meeting.id, phone_hash=ph, code_hash=_code_hash(ph, code),
                  expires_at=now + timedelta(minutes=rules.SMS_CODE_MINUTES), created_at=now)
    db.session.add(row)
    queue_sms(phone, f"验证码 {code}，用于报名“{meeting.title}”，{rules.SMS_CODE_MINUTES} 分钟内有效。请勿告诉他人。",
              purpose="hearing.code")
    db.session.flush()
    return row


def check_code(code_row: SmsCode | None, *, meeting: Meeting, phone: str, code: str, now: datetime) -> None:
    """Raise unless the code is right. A wrong try is counted: the caller commits that count."""
    if code_row is None or code_row.meeting_id != meeting.id or code_row.phone_hash != phone_hash(phone):
        raise HearingError(_("请先获取短信验证码。"), "code")
    if code_row.consumed_at or code_row.expires_at <= now:
        raise HearingError(_("验证码已失效，请重新获取。"), "code")
    if code_row.attempts >= rules.SMS_CODE_MAX_ATTEMPTS:
        raise HearingError(_("验证码输错次数过多，请重新获取。"), "code")
    code_row.attempts += 1
    if not hmac.compare_digest(code_row.code_hash, _code_hash(code_row.phone_hash, (code or "").strip())):
        raise HearingError(_("验证码不正确，请核对短信后重新输入。"), "code")


def register(meeting: Meeting, *, actor, code_row: SmsCode, phone: str, name: str, category: SeatCategory,
             relation: str, address: str | None, stance: HearingStance, points: str, answers: list,
             consent: bool, now: datetime) -> Registration:
    """Store a registration (code already checked). Seats are decided under the meeting lock."""
    require(actor, "resident.submit", meeting)
    meeting = lock_meeting(meeting.id)
    if not meeting.registration_open(now):
        raise HearingError(_("该会议当前不在报名时间内。"))
    if category.meeting_id != meeting.id or not category.is_public or category.seats <= 0:
        raise HearingError(_("请选择可报名的类别。"), "category")
    if not consent:
        raise HearingError(_("请阅读并同意个人信息说明后再报名。"), "consent")
    reg = Registration(
        meeting_id=meeting.id, category_id=category.id, public_id=new_code(8), receipt_code=new_code(10),
        ticket_code=new_code(6), name=name, phone_enc=encrypt(phone), phone_hash=phone_hash(phone),
        phone_masked=mask_phone(phone), relation=relation, address_enc=encrypt(address or None), stance=stance,
        points=points, answers=answers, consent_version=CONSENT_VERSION, status=RegStatus.REGISTERED,
        created_at=now)
    if meeting.allocation == Allocation.FIRST_COME:
        _allocate_first_come(meeting, reg, category, now)
    try:
        with db.session.begin_nested():
            db.session.add(reg)
            db.session.flush()
    except IntegrityError:  # the same phone registered concurrently
        raise HearingError(_("该手机号已报名本次会议（每个手机号限报一次）。"), "phone") from None
    code_row.consumed_at = now
    db.session.refresh(reg)
    notify.tell(reg, "received_first_come" if meeting.allocation == Allocation.FIRST_COME else "received")
    return reg


def _seat_count(category_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.category_id == category_id, Registration.status.in_(SEAT_HOLDING))) or 0


def _last_waiting(category_id: int) -> int:
    return db.session.scalar(select(func.max(Registration.waitlist_position)).where(
        Registration.category_id == category_id, Registration.status == RegStatus.WAITING)) or 0


def _allocate_first_come(meeting: Meeting, reg: Registration, category: SeatCategory, now: datetime) -> None:
    taken = _seat_count(category.id)
    reg.decided_at = now
    if taken < category.seats:
        reg.status, reg.draw_rank = RegStatus.SELECTED, taken + 1
        reg.selection_reason = f"按报名先后确定：报名时本类别 {category.seats} 席中尚余 {category.seats - taken} 席"
        return
    position = _last_waiting(category.id) + 1
    if position <= meeting.waitlist_size:
        reg.status, reg.waitlist_position = RegStatus.WAITING, position
        reg.selection_reason = f"按报名先后确定：本类别 {category.seats} 席已满，列候补第 {position} 位"
    else:
        reg.status = RegStatus.NOT_SELECTED
        reg.selection_reason = f"按报名先后确定：本类别名额和候补名单（{meeting.waitlist_size} 人）均已满"


def purge_personal_data(*, now: datetime) -> int:
    """Remove names, phone numbers, addresses and answers of registrations for meetings that took
    place more than RETENTION_DAYS ago (the one-per-phone hash stays). Returns registrations changed.
    For the same scheduled job that purges comments."""
    cutoff = now - timedelta(days=current_app.config["RETENTION_DAYS"])
    meeting_ids = select(Meeting.id).where(Meeting.starts_at < cutoff)
    result = db.session.execute(
        update(Registration)
        .where(Registration.meeting_id.in_(meeting_ids), Registration.personal_data_purged_at.is_(None))
        .values(legacy_name=None, name_enc=None, phone_enc=None, phone_masked=None, address_enc=None, answers=[],
                personal_data_purged_at=now))
    return result.rowcount


def find_by_receipt(code: str) -> Registration | None:
    code = normalise_receipt(code)
    if len(code) != 10:
        return None
    return db.session.scalar(select(Registration).where(Registration.receipt_code == code))


def cancel_registration(reg: Registration, *, actor, code: str, now: datetime) -> Registration | None:
    """Cancel with the receipt code; a freed seat goes to the category's next waiting person.
    Returns the promoted registration, if any."""
    require(actor, "resident.submit", reg)
    if not hmac.compare_digest(normalise_receipt(code), reg.receipt_code):
        raise HearingError(_("回执码不正确。"), "code")
    meeting = lock_meeting(reg.meeting_id)
    db.session.refresh(reg)
    if reg.status == RegStatus.CANCELLED:
        raise HearingError(_("该报名已经取消。"))
    if meeting.starts_at <= now:
        raise HearingError(_("会议已开始，不能再取消报名。"))
    had_seat, was_waiting = reg.holds_seat, reg.waitlist_position if reg.status == RegStatus.WAITING else None
    reg.status, reg.cancelled_at, reg.waitlist_position = RegStatus.CANCELLED, now, None
    if was_waiting:
        _close_gap(reg.category_id, was_waiting)
    notify.tell(reg, "cancel_done")
    db.session.flush()
    if had_seat and now < meeting.promotion_cutoff() and (meeting.list_confirmed_at
                                                           or meeting.allocation == Allocation.FIRST_COME):
        return promote_next(meeting, reg.category, now)
    return None


def promote_next(meeting: Meeting, category: SeatCategory, now: datetime) -> Registration | None:
    """Give a free seat of the category to its first waiting person (caller holds the lock)."""
    if _seat_count(category.id) >= category.seats:
        return None
    nxt = db.session.scalar(select(Registration).where(
        Registration.category_id == category.id, Registration.status == RegStatus.WAITING)
        .order_by(Registration.waitlist_position, Registration.id).limit(1))
    if nxt is None:
        return None
    was = nxt.waitlist_position
    nxt.status, nxt.waitlist_position, nxt.decided_at = RegStatus.PROMOTED, None, now
    nxt.selection_reason = (nxt.selection_reason or "") + f"；{format_local(now)} 由候补第 {was} 位递补入选"
    _close_gap(category.id, was)
    notify.tell(nxt, "promoted")
    return nxt


def _close_gap(category_id: int, position: int) -> None:
    for w in db.session.scalars(select(Registration).where(
            Registration.category_id == category_id, Registration.status == RegStatus.WAITING,
            Registration.waitlist_position > position)):
        w.waitlist_position -= 1


def seats_left(meeting: Meeting) -> dict[int, int]:
    """Per category id: seats not yet taken (first come) or the quota (draw)."""
    taken = dict(db.session.execute(
        select(Registration.category_id, func.count()).where(
            Registration.meeting_id == meeting.id, Registration.status.in_(SEAT_HOLDING))
        .group_by(Registration.category_id)).all())
    return {c.id: max(0, c.seats - taken.get(c.id, 0)) for c in meeting.categories}


def registered_counts(meeting: Meeting) -> dict[int, int]:
    return dict(db.session.execute(
        select(Registration.category_id, func.count()).where(
            Registration.meeting_id == meeting.id, Registration.status != RegStatus.CANCELLED)
        .group_by(Registration.category_id)).all())
