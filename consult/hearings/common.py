"""Shared pieces of the hearing services: the error type, the meeting lock, codes."""
from __future__ import annotations

from flask_babel import gettext as _

import secrets

from sqlalchemy import select, update

from consult.extensions import db
from consult.hearings.models import Meeting
from consult.receipts import RECEIPT_ALPHABET as CODE_ALPHABET  # no 0/O, 1/I


class HearingError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def new_code(n: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(n))


def lock_meeting(meeting_id: int) -> Meeting:
    """Serialise every change of seats of one meeting.

    PostgreSQL: SELECT ... FOR UPDATE holds the row until commit. SQLite ignores FOR UPDATE,
    so the version bump (an UPDATE) takes SQLite's write lock before anything is counted.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Meeting).where(Meeting.id == meeting_id)
                           .values(lock_version=Meeting.lock_version + 1))
    meeting = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).with_for_update(of=Meeting)
                                .execution_options(populate_existing=True))
    if meeting is None:
        raise HearingError(_("会议不存在。"))
    return meeting
