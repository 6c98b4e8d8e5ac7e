"""The voice pool (民意汇集): one adapter per source, mirrored into Voice rows.

sync_voices(matter) brings the pool up to date with the texts that live elsewhere:
comments (with their moderation state), questionnaire open answers, hearing speaker points
and the 发言要点 residents wrote when registering. Texts that only staff enter (paper
comments, visits, symposium notes, imported letters) live in the pool itself and are left
alone. New or changed texts get their escalation flag; curation on unchanged texts is kept.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Iterable, Iterator

from sqlalchemy import select

from consult.analysis.escalation import escalation_of, is_flagged
from consult.analysis.models import MIRRORED_SOURCES, Voice, VoiceSource
from consult.analysis.stance import unify
from consult.crypto import mask_name
from consult.extensions import db


def text_hash(text: str, title: str | None = None) -> str:
    return hashlib.sha256(f"{title or ''}\x00{text}".encode("utf-8")).hexdigest()


def _comments(matter_id: int) -> Iterator[dict]:
    from consult.notices.models import Comment

    stmt = (select(Comment.id, Comment.body, Comment.stance, Comment.author_name, Comment.status,
                   Comment.created_at).where(Comment.matter_id == matter_id).order_by(Comment.id))
    for cid, body, stance, name, status, at in db.session.execute(stmt):
        yield {"ref": f"comment:{cid}", "source": VoiceSource.COMMENT, "text": body, "raw_stance": stance.value,
               "author": mask_name(name) if name else "", "status": status.value, "time": at}


def _surveys(matter_id: int) -> Iterator[dict]:
    from consult.surveys.texts import resident_texts

    for row in resident_texts(matter_id):
        yield {"ref": row["id"], "source": VoiceSource.SURVEY, "text": row["text"],
               "raw_stance": row["stance"] or "", "group": row["group"],
               "time": datetime.fromisoformat(row["time"])}


def _hearing_points(matter_id: int) -> Iterator[dict]:
    from consult.hearings.minutes import resident_texts

    for row in resident_texts(matter_id):
        yield {"ref": row["id"], "source": VoiceSource.HEARING, "text": row["text"], "raw_stance": row["stance"],
               "group": row["group"], "time": datetime.fromisoformat(row["time"])}


def _registrations(matter_id: int) -> Iterator[dict]:
    from consult.hearings.models import Meeting, Registration, SeatCategory

    stmt = (select(Registration.public_id, Registration.points, Registration.stance, SeatCategory.name,
                   Registration.created_at)
            .join(Meeting, Meeting.id == Registration.meeting_id)
            .join(SeatCategory, SeatCategory.id == Registration.category_id)
            .where(Meeting.matter_id == matter_id, Registration.points != "").order_by(Registration.id))
    for public_id, points, stance, group, at in db.session.execute(stmt):
        if points and points.strip():
            yield {"ref": f"registration:{public_id}", "source": VoiceSource.REGISTRATION, "text": points,
                   "raw_stance": stance.value, "group": group or "", "time": at}


ADAPTERS = (_comments, _surveys, _hearing_points, _registrations)


def mirrored_texts(matter_id: int) -> Iterable[dict]:
    for adapter in ADAPTERS:
        yield from adapter(matter_id)


def apply_escalation(voice: Voice) -> None:
    score, terms = escalation_of(f"{voice.title or ''} {voice.text}")
    voice.escalation_score, voice.escalation_terms, voice.is_flagged = score, terms, is_flagged(score)


def _update(voice: Voice, row: dict, digest: str) -> None:
    changed = voice.text_hash != digest
    voice.text, voice.text_hash = row["text"], digest
    voice.raw_stance, voice.stance = row.get("raw_stance", ""), unify(row.get("raw_stance"))
    voice.group, voice.author = row.get("group", ""), row.get("author", "")
    voice.source_status, voice.occurred_at = row.get("status", ""), row["time"]
    if changed:
        apply_escalation(voice)
        voice.last_run_id = None  # changed text: new since the last run


def sync_voices(matter_id: int) -> dict[str, int]:
    """Mirror every source of a matter into the pool. Returns counts: added, updated, removed.

    Existing rows are compared as plain tuples; only added or changed ones become objects
    (20,000 unchanged texts cost a scan, not 20,000 loaded objects)."""
    existing = {ref: (vid, state) for ref, vid, *state in db.session.execute(
        select(Voice.source_ref, Voice.id, Voice.text_hash, Voice.raw_stance, Voice.source_status, Voice.author)
        .where(Voice.matter_id == matter_id, Voice.source.in_(list(MIRRORED_SOURCES))))}
    counts = {"added": 0, "updated": 0, "removed": 0}
    seen: set[str] = set()
    for row in mirrored_texts(matter_id):
        seen.add(row["ref"])
        digest = text_hash(row["text"])
        found = existing.get(row["ref"])
        if found is None:
            voice = Voice(matter_id=matter_id, source=row["source"], source_ref=row["ref"], text_hash="")
            db.session.add(voice)
            counts["added"] += 1
        elif found[1] == [digest, row.get("raw_stance", ""), row.get("status", ""), row.get("author", "")]:
            continue
        else:
            voice = db.session.get(Voice, found[0])
            counts["updated"] += 1
        _update(voice, row, digest)
    for ref, (vid, _state) in existing.items():
        if ref not in seen:  # the source row is gone (deleted hearing point, purged answer)
            db.session.delete(db.session.get(Voice, vid))
            counts["removed"] += 1
    db.session.flush()
    return counts
