"""Queue messages inside a transaction; deliver them after it commits."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from consult import jobs
from consult.crypto import decrypt, encrypt, mask_phone
from consult.extensions import db
from consult.messaging import gateways
from consult.messaging.models import Channel, Message, MessageStatus
from consult.models import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def queue_sms(phone: str, body: str, *, purpose: str) -> Message:
    msg = Message(
        channel=Channel.SMS,
        recipient_enc=encrypt(phone),
        recipient_masked=mask_phone(phone),
        body=body,
        purpose=purpose, next_attempt_at=_first_deadline(),
    )
    db.session.add(msg)
    db.session.flush()
    jobs.enqueue_after_commit(deliver_message, msg.id)
    return msg


def _first_deadline() -> datetime:
    return utcnow() + timedelta(seconds=current_app.config["OUTBOX_DEADLINE_SECONDS"])


def queue_email(address: str, subject: str, body: str, *, purpose: str) -> Message:
    masked = address[:2] + "***" + address[address.find("@"):] if "@" in address else "***"
    msg = Message(
        channel=Channel.EMAIL,
        recipient_enc=encrypt(address),
        recipient_masked=masked,
        body=f"{subject}\n\n{body}",
        purpose=purpose, next_attempt_at=_first_deadline(),
    )
    db.session.add(msg)
    db.session.flush()
    jobs.enqueue_after_commit(deliver_message, msg.id)
    return msg


def deliver_message(message_id: int) -> None:
    """Job: send one message. In-process it retries at once; under RQ, RQ retries."""
    msg = db.session.get(Message, message_id)
    if msg is None or msg.status == MessageStatus.SENT:
        return
    recipient = decrypt(msg.recipient_enc)
    error = None
    for _ in range(MAX_ATTEMPTS):
        msg.attempts += 1
        try:
            if msg.channel == Channel.SMS:
                gateways.send_sms(recipient, msg.body)
            else:
                subject, _, body = msg.body.partition("\n\n")
                gateways.send_email(recipient, subject, body)
        except Exception as exc:  # gateway failure: record and retry
            error = str(exc)[:500]
            log.warning("message %s attempt %s failed: %s", msg.id, msg.attempts, error)
            continue
        msg.status, msg.sent_at, msg.last_error = MessageStatus.SENT, utcnow(), None
        jobs.commit()
        return
    msg.status, msg.last_error = MessageStatus.FAILED, error
    jobs.commit()
    raise RuntimeError(f"message {message_id} could not be delivered: {error}")


def sweep_messages(*, now: datetime) -> int:
    """Queue again every message still QUEUED past its deadline (the queue was away)."""
    cfg = current_app.config
    due = select(Message).where(Message.status == MessageStatus.QUEUED, Message.next_attempt_at < now)
    count = 0
    for msg in db.session.scalars(due.order_by(Message.id).limit(500)):
        count += 1
        if msg.dispatches >= cfg["OUTBOX_MAX_DISPATCHES"]:
            msg.status, msg.last_error = MessageStatus.FAILED, "could not be queued"
            continue
        msg.dispatches += 1
        msg.next_attempt_at = now + jobs.backoff(cfg["OUTBOX_DEADLINE_SECONDS"], msg.dispatches)
        jobs.enqueue_after_commit(deliver_message, msg.id)
    return count


def purge_message_recipients(*, now: datetime) -> int:
    """Retention: recipients' addresses go after RETENTION_DAYS like other personal data."""
    cutoff = now - timedelta(days=current_app.config["RETENTION_DAYS"])
    result = db.session.execute(
        update(Message).where(Message.recipient_enc != "", Message.status != MessageStatus.QUEUED,
                              Message.created_at < cutoff)
        .values(recipient_enc="", body="", body_purged_at=func.coalesce(Message.body_purged_at, now))
        .execution_options(synchronize_session=False))
    return result.rowcount


def purge_message_bodies(*, now: datetime) -> int:
    """Erase codes and receipt numbers from delivered (or given-up) messages after a short window."""
    cutoff = now - timedelta(hours=current_app.config["MESSAGE_BODY_KEEP_HOURS"])
    result = db.session.execute(
        update(Message)
        .where(Message.body_purged_at.is_(None), Message.status != MessageStatus.QUEUED,
               func.coalesce(Message.sent_at, Message.created_at) < cutoff)
        .values(body="", body_purged_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount
