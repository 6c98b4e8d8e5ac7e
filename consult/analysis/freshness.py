"""Keeping the pool current cheaply: sync_voices() reads every mirrored source row of a matter,
which costs seconds at 20,000 texts, so pages that open the pool first compare a signature of
the sources (a few aggregate queries: counts, id sums, moderation states, purges, survey
versions) with the one stored at the last sync, and sync only when it differs.

What changes a mirrored text, and how the signature sees it:
- a comment added / deleted / moderated / its name purged: count, sum of ids, count per status,
  count of names;
- a questionnaire open answer added / deleted, or the survey's definitions changed (stance and
  group come from them): count and sum of answer ids, survey versions and last update;
- a hearing speaker point added / deleted: count and sum of ids;
- a registration's 发言要点 added / removed / purged: count, sum of ids, total length.
Exports and the CLI call sync_voices() itself, unconditionally.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from consult.analysis.models import VoiceSyncState
from consult.analysis.voices import sync_voices
from consult.extensions import db
from consult.models import utcnow


def _comments(matter_id: int) -> tuple:
    from consult.notices.models import Comment, CommentStatus

    return tuple(db.session.execute(select(
        func.count(Comment.id), func.coalesce(func.sum(Comment.id), 0), func.count(Comment.author_name),
        func.coalesce(func.sum(case((Comment.status == CommentStatus.PENDING, 1), else_=0)), 0),
        func.coalesce(func.sum(case((Comment.status == CommentStatus.REJECTED, 1), else_=0)), 0),
    ).where(Comment.matter_id == matter_id)).one())


def _surveys(matter_id: int) -> tuple:
    from consult.surveys.models import Answer, Survey

    surveys = tuple(db.session.execute(select(
        func.count(Survey.id), func.coalesce(func.sum(Survey.version), 0), func.max(Survey.updated_at),
    ).where(Survey.matter_id == matter_id)).one())
    ids = select(Survey.id).where(Survey.matter_id == matter_id).scalar_subquery()
    answers = tuple(db.session.execute(select(func.count(Answer.id), func.coalesce(func.sum(Answer.id), 0)).where(
        Answer.survey_id.in_(ids), Answer.value_text.is_not(None))).one())
    return surveys + answers


def _hearings(matter_id: int) -> tuple:
    from consult.hearings.models import Meeting, Registration, SpeakerPoint

    points = tuple(db.session.execute(select(func.count(SpeakerPoint.id), func.coalesce(func.sum(SpeakerPoint.id), 0))
                                      .where(SpeakerPoint.matter_id == matter_id)).one())
    regs = tuple(db.session.execute(select(
        func.count(Registration.id), func.coalesce(func.sum(Registration.id), 0),
        func.coalesce(func.sum(func.length(Registration.points)), 0),
    ).join(Meeting, Meeting.id == Registration.meeting_id).where(
        Meeting.matter_id == matter_id, Registration.points != "")).one())
    return points + regs


def source_signature(matter_id: int) -> str:
    parts = _comments(matter_id) + _surveys(matter_id) + _hearings(matter_id)
    return hashlib.sha256(repr(tuple(str(p) for p in parts)).encode()).hexdigest()


def ensure_synced(matter_id: int) -> bool:
    """Sync the pool when its mirrored sources changed since the last sync. True if it synced."""
    signature = source_signature(matter_id)
    state = db.session.get(VoiceSyncState, matter_id)
    if state is not None and state.signature == signature:
        return False
    try:
        with db.session.begin_nested():
            sync_voices(matter_id)
            if state is None:
                state = VoiceSyncState(matter_id=matter_id, signature=signature)
                db.session.add(state)
            state.signature, state.synced_at = signature, utcnow()
            db.session.flush()
    except IntegrityError:  # another request synced the same texts at the same moment: theirs stands
        return False
    return True
