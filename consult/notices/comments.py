"""Residents' comments (意见建议): submit, look up by receipt, moderate, reply."""
from __future__ import annotations

from flask_babel import gettext as _

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from consult.audit.services import record, snapshot
from consult.crypto import decrypt, encrypt, mask_phone
from consult.extensions import db
from consult.notices.models import Adoption, Comment, CommentStatus, Notice, Stance
from consult.permissions import require
from consult.receipts import new_receipt_code, normalise_receipt  # noqa: F401 (re-exported)

CONSENT_VERSION = "2026-11-v2"
CONSENT_TEXT = (
    "您填写的姓名和手机号仅用于评估机构就您的意见与您联系，不会公开；"
    "手机号加密保存，公开页面只显示姓氏，提交之日起一年后删除。"
)
REPLY_FIELDS = ("reply", "adoption", "adoption_reason")


class CommentError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def body_fingerprint(body: str) -> str:
    """Exact-duplicate key: same text up to width, case and white space."""
    norm = unicodedata.normalize("NFKC", body).casefold()
    norm = re.sub(r"\s+", "", norm)
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()


def submit_comment(
    notice: Notice, *, actor, body: str, stance: Stance, name: str | None, phone: str | None,
    consent: bool, client_hash: str | None, now: datetime,
) -> Comment:
    """Store a resident's comment. The caller commits before saying "received"."""
    require(actor, "resident.submit", notice)
    if not notice.is_open(now):
        raise CommentError(_("该公示不在征求意见期内，暂不能提交意见。"))
    if (name or phone) and not consent:
        raise CommentError(_("填写姓名或手机号时，请先阅读并同意个人信息说明。"), "consent")
    fingerprint = body_fingerprint(body)
    # Only this client's own repeat is refused: the same words from another resident count
    # (and are grouped as near-duplicates by the analysis), and nothing hidden is revealed.
    since = now - timedelta(hours=current_app.config["COMMENT_REPEAT_HOURS"])
    exists = client_hash is not None and db.session.scalar(select(Comment.id).where(
        Comment.matter_id == notice.matter_id, Comment.body_hash == fingerprint,
        Comment.client_hash == client_hash, Comment.created_at > since).limit(1))
    if exists:
        raise CommentError(_("您已提交过内容完全相同的意见，无需重复提交。如需补充，请写明新的内容。"), "body")
    comment = Comment(
        matter_id=notice.matter_id, notice_id=notice.id, receipt_code=new_receipt_code(),
        body=body, body_hash=fingerprint, stance=stance, author_name=name or None,
        phone_enc=encrypt(phone), phone_masked=mask_phone(phone) or None,
        consent_version=CONSENT_VERSION if (name or phone) else None, client_hash=client_hash,
        status=CommentStatus.PENDING if notice.matter.requires_moderation else CommentStatus.PUBLISHED,
        created_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    if comment.status == CommentStatus.PENDING:
        _tell_moderators(notice, comment)
    return comment


def _tell_moderators(notice: Notice, comment: Comment) -> None:
    """E-mail the office mailbox (NOTIFY_EMAIL) that a comment awaits moderation; sent after the commit."""
    from consult.messaging.services import queue_email

    address = current_app.config.get("NOTIFY_EMAIL")
    if address:
        queue_email(address, _("新意见待审核：%(t)s", t=notice.matter.title),
                    _("“%(n)s”收到一条新意见（回执码 %(c)s），请登录平台审核。本邮件不含意见内容和个人信息。",
                      n=notice.title, c=comment.receipt_display), purpose="comment.moderation")


def find_by_receipt(code: str) -> Comment | None:
    code = normalise_receipt(code)
    if len(code) != 10:
        return None
    return db.session.scalar(select(Comment).where(Comment.receipt_code == code))


PUBLIC_PAGE_SIZE = 10


def public_comments(notice: Notice, *, page: int = 1, per_page: int = PUBLIC_PAGE_SIZE) -> list[Comment]:
    stmt = (select(Comment)
            .where(Comment.matter_id == notice.matter_id, Comment.status == CommentStatus.PUBLISHED)
            .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return list(db.session.scalars(stmt))


def adoption_counts(matter_id: int) -> dict[str, int]:
    """How the published comments were answered: adopted / partly / not_adopted / unanswered."""
    rows = db.session.execute(select(Comment.adoption, func.count()).where(
        Comment.matter_id == matter_id, Comment.status == CommentStatus.PUBLISHED).group_by(Comment.adoption)).all()
    return {(a.value if a else "unanswered"): n for a, n in rows}


def stance_counts(matter_id: int, *, published_only: bool = True) -> dict[Stance, int]:
    stmt = select(Comment.stance, func.count()).where(Comment.matter_id == matter_id)
    if published_only:
        stmt = stmt.where(Comment.status == CommentStatus.PUBLISHED)
    return dict(db.session.execute(stmt.group_by(Comment.stance)).all())


def staff_comments(matter, *, status: CommentStatus | None = None, unreplied: bool = False,
                   stance: Stance | None = None, q: str = "") -> list[Comment]:
    """The organiser's list: by status, unreplied, stance, and words in the text or the receipt code."""
    stmt = select(Comment).where(Comment.matter_id == matter.id)
    if status:
        stmt = stmt.where(Comment.status == status)
    if stance:
        stmt = stmt.where(Comment.stance == stance)
    if q.strip():
        term = q.strip()
        code = normalise_receipt(term)
        like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(Comment.body.like(like, escape="\\") | (Comment.receipt_code == code))
    if unreplied:
        stmt = stmt.where(Comment.reply.is_(None), Comment.status != CommentStatus.REJECTED)
    return list(db.session.scalars(stmt.order_by(Comment.created_at.desc(), Comment.id.desc())))


def moderate_comment(comment: Comment, *, actor, publish: bool, reason: str | None, now: datetime) -> Comment:
    require(actor, "matter.manage", comment)
    if not publish and not (reason or "").strip():
        raise CommentError(_("不予公开时须填写理由（将告知提交人）。"), "reason")
    before = snapshot(comment, ("status", "moderation_reason"))
    comment.status = CommentStatus.PUBLISHED if publish else CommentStatus.REJECTED
    comment.moderation_reason = None if publish else reason
    comment.moderated_at = now
    record(actor=actor, action="comment.moderate", obj=comment, matter_id=comment.matter_id,
           before=before, after=snapshot(comment, ("status", "moderation_reason")))
    notify_reply(comment, now=now)
    return comment


def reply_comment(comment: Comment, *, actor, reply: str, adoption: Adoption,
                  adoption_reason: str | None, now: datetime) -> Comment:
    require(actor, "matter.manage", comment)
    if adoption != Adoption.ADOPTED and not (adoption_reason or "").strip():
        raise CommentError(_("部分采纳或不采纳时须说明理由。"), "adoption_reason")
    before = snapshot(comment, REPLY_FIELDS)
    comment.reply, comment.adoption = reply, adoption
    comment.adoption_reason = adoption_reason or None
    comment.replied_at, comment.replied_by_id = now, actor.id
    record(actor=actor, action="comment.reply", obj=comment, matter_id=comment.matter_id,
           before=before, after=snapshot(comment, REPLY_FIELDS))
    notify_reply(comment, now=now)
    return comment


REPLY_SMS = "您在“{title}”公示中提交的意见已获答复。请凭回执码 {code} 在本平台“查询回执”中查看。"


def notify_reply(comment: Comment, *, now: datetime) -> bool:
    """Text a commenter who left a phone once their comment's reply is public (sent after the commit)."""
    from consult.messaging.services import queue_sms

    if (comment.reply is None or comment.status != CommentStatus.PUBLISHED or comment.reply_notified_at
            or not comment.phone_enc):
        return False
    phone = decrypt(comment.phone_enc)
    if not phone:
        return False
    queue_sms(phone, REPLY_SMS.format(title=comment.notice.title, code=comment.receipt_display),
              purpose="comment.reply")
    comment.reply_notified_at = now
    return True


def reveal_phone(comment: Comment, *, actor) -> str | None:
    """Full phone number for staff who need to call back; every look is logged."""
    require(actor, "matter.personal_data", comment)
    record(actor=actor, action="comment.reveal_phone", obj=comment, matter_id=comment.matter_id,
           note="查看完整手机号")
    return decrypt(comment.phone_enc)


def purge_personal_data(*, now: datetime) -> int:
    """Remove names and phone numbers older than the retention period. Returns rows changed."""
    cutoff = now - timedelta(days=current_app.config["RETENTION_DAYS"])
    result = db.session.execute(
        update(Comment)
        .where(Comment.created_at < cutoff, Comment.personal_data_purged_at.is_(None),
               (Comment.author_name.is_not(None)) | (Comment.phone_enc.is_not(None)))
        .values(author_name=None, phone_enc=None, phone_masked=None, personal_data_purged_at=now)
    )
    return result.rowcount
