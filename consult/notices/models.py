from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.matters.models import _enum
from consult.models import TimestampMixin, utcnow


class NoticeStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


NOTICE_STATE_LABELS = {
    "draft": _l("草稿"), "withdrawn": _l("已撤回"), "upcoming": _l("待开始"),
    "open": _l("公示中"), "closed": _l("已结束"),
}


class Notice(TimestampMixin, db.Model):
    """A public notice (公示). Opens and closes by itself at starts_at/ends_at."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text, default="")  # what the organiser writes (Markdown)
    body_html: Mapped[str] = mapped_column(Text, default="")  # rendered from body_md, sanitised
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    short_period_reason: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[NoticeStatus] = mapped_column(_enum(NoticeStatus), default=NoticeStatus.DRAFT, index=True)
    published_at: Mapped[Optional[datetime]]

    matter = relationship("Matter", back_populates="notices", lazy="joined")
    attachments = relationship("Attachment", back_populates="notice", order_by="Attachment.id",
                               cascade="all, delete-orphan")
    revisions = relationship("NoticeRevision", order_by="NoticeRevision.id.desc()", cascade="all, delete-orphan")

    @property
    def is_published(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED

    def is_public(self, now: datetime) -> bool:
        return self.is_published and self.starts_at <= now

    def is_open(self, now: datetime) -> bool:
        return self.is_published and self.starts_at <= now < self.ends_at

    def state(self, now: datetime) -> str:
        """draft | withdrawn | upcoming | open | closed"""
        if not self.is_published:
            return self.status.value
        if now < self.starts_at:
            return "upcoming"
        return "open" if now < self.ends_at else "closed"

    def state_label(self, now: datetime) -> str:
        return str(NOTICE_STATE_LABELS[self.state(now)])

    def days_left(self, now: datetime) -> int:
        return max(0, (self.ends_at - now).days + (1 if (self.ends_at - now).seconds else 0))


class NoticeRevision(db.Model):
    """A change to a published notice, shown to residents ("本公示于…修改")."""

    __tablename__ = "notice_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    revised_at: Mapped[datetime] = mapped_column(default=utcnow)
    revised_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    changed: Mapped[list] = mapped_column(JSON, default=list)  # field names, in form order
    previous: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> text before the change
    current: Mapped[dict] = mapped_column(JSON, default=dict)  # field -> text after the change


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    notice = relationship("Notice", back_populates="attachments")

    @property
    def matter(self):
        return self.notice.matter

    @property
    def size_label(self) -> str:
        return f"{self.size / 1024:.0f} KB" if self.size < 1024 * 1024 else f"{self.size / 1048576:.1f} MB"


class Stance(enum.Enum):  # in the order of the scale
    SUPPORT = "support"
    CONDITIONAL = "conditional"
    OTHER = "other"
    OPPOSE = "oppose"


# One stance scale for every voice (comments, hearings, the questionnaire's support question mapped
# onto it), in this order wherever residents choose or read a stance.
STANCE_LABELS = {Stance.SUPPORT: _l("支持"), Stance.CONDITIONAL: _l("有条件支持"), Stance.OTHER: _l("中立或其他"),
                 Stance.OPPOSE: _l("反对")}


class CommentStatus(enum.Enum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"


COMMENT_STATUS_LABELS = {
    CommentStatus.PENDING: _l("待审核"),
    CommentStatus.PUBLISHED: _l("已公开"),
    CommentStatus.REJECTED: _l("未予公开"),
}


class Adoption(enum.Enum):
    ADOPTED = "adopted"
    PARTLY = "partly"
    NOT_ADOPTED = "not_adopted"


ADOPTION_LABELS = {Adoption.ADOPTED: _l("采纳"), Adoption.PARTLY: _l("部分采纳"), Adoption.NOT_ADOPTED: _l("不采纳")}


class Comment(db.Model):
    """A resident's opinion (意见建议) on a matter, made through one of its notices."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_matter_body", "matter_id", "body_hash"),  # repeats: per client, not per text
        Index("ix_comments_matter_status", "matter_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    receipt_code: Mapped[str] = mapped_column(String(16), unique=True)
    body: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64))
    stance: Mapped[Stance] = mapped_column(_enum(Stance))
    author_name: Mapped[Optional[str]] = mapped_column(String(200))
    phone_enc: Mapped[Optional[str]] = mapped_column(Text)  # Fernet-encrypted
    phone_masked: Mapped[Optional[str]] = mapped_column(String(20))
    consent_version: Mapped[Optional[str]] = mapped_column(String(20))
    client_hash: Mapped[Optional[str]] = mapped_column(String(64))
    status: Mapped[CommentStatus] = mapped_column(_enum(CommentStatus))
    moderation_reason: Mapped[Optional[str]] = mapped_column(Text)
    moderated_at: Mapped[Optional[datetime]]
    reply: Mapped[Optional[str]] = mapped_column(Text)
    adoption: Mapped[Optional[Adoption]] = mapped_column(_enum(Adoption))
    adoption_reason: Mapped[Optional[str]] = mapped_column(Text)
    replied_at: Mapped[Optional[datetime]]
    replied_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    reply_notified_at: Mapped[Optional[datetime]]  # SMS "your comment has a reply" queued
    body_original: Mapped[Optional[str]] = mapped_column(Text)  # before personal data was redacted
    redacted_at: Mapped[Optional[datetime]]
    personal_data_purged_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    matter = relationship("Matter", lazy="joined")
    notice = relationship("Notice")

    @property
    def stance_label(self) -> str:
        return STANCE_LABELS[self.stance]

    @property
    def status_label(self) -> str:
        return COMMENT_STATUS_LABELS[self.status]

    @property
    def adoption_label(self) -> str:
        return ADOPTION_LABELS[self.adoption] if self.adoption else ""

    @property
    def public_author(self) -> str:
        from consult.crypto import mask_name

        return mask_name(self.author_name) if self.author_name else str(_l("匿名居民"))

    @property
    def receipt_display(self) -> str:
        return f"{self.receipt_code[:5]}-{self.receipt_code[5:]}"
