"""Write audit entries. Called by services inside their transaction."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.extensions import db


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


def record(
    *,
    actor,
    action: str,
    obj: Any,
    matter_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    note: str | None = None,
) -> AuditEntry:
    db.session.flush()  # obj.id is known for new objects
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        matter_id=matter_id,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        action=action,
        before=before,
        after=after,
        note=note,
    )
    db.session.add(entry)
    return entry


def entries_for_matter(matter_id: int, *, limit: int = 500) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.matter_id == matter_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
