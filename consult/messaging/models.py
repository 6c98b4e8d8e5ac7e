from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consult.extensions import db
from consult.models import utcnow


class Channel(enum.Enum):
    SMS = "sms"
    EMAIL = "email"


class MessageStatus(enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class Message(db.Model):
    """Outbox: every SMS/e-mail is a row first, delivered after commit, retried."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=10))
    recipient_enc: Mapped[str] = mapped_column(Text)  # encrypted
    recipient_masked: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[MessageStatus] = mapped_column(
        Enum(MessageStatus, native_enum=False, length=10), default=MessageStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[Optional[str]] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[Optional[datetime]]
    # outbox sweeper: times queued so far, and when a still-QUEUED row is due again
    dispatches: Mapped[int] = mapped_column(default=1)
    next_attempt_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    # codes and receipt numbers do not outlive delivery (MESSAGE_BODY_KEEP_HOURS)
    body_purged_at: Mapped[Optional[datetime]]
