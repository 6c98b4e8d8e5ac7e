"""Write audit entries. Called by services inside their transaction."""
from __future__ import annotations

import enum
from dataclasses import dataclass
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
    return search_entries(AuditFilter(matter_id=matter_id), limit=limit)


@dataclass
class AuditFilter:
    """matter_id None with without_matter: changes to accounts and organisations (the admin's log)."""

    matter_id: int | None = None
    without_matter: bool = False
    actor_id: int | None = None
    group: str | None = None  # action prefix: notice, comment, survey, hearing, matter, user, organisation
    since: datetime | None = None
    until: datetime | None = None


def search_entries(f: AuditFilter, *, limit: int = 500) -> list[AuditEntry]:
    stmt = select(AuditEntry)
    if f.matter_id is not None:
        stmt = stmt.where(AuditEntry.matter_id == f.matter_id)
    elif f.without_matter:
        stmt = stmt.where(AuditEntry.matter_id.is_(None))
    if f.actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == f.actor_id)
    if f.group:
        stmt = stmt.where(AuditEntry.action.startswith(f.group + ".", autoescape=True))
    if f.since:
        stmt = stmt.where(AuditEntry.at >= f.since)
    if f.until:
        stmt = stmt.where(AuditEntry.at < f.until)
    return list(db.session.scalars(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))


def actors_in(f: AuditFilter) -> list:
    """The people who appear in a log (for the 'who' filter)."""
    from consult.auth.models import User

    stmt = select(User).join(AuditEntry, AuditEntry.actor_id == User.id).distinct()
    if f.matter_id is not None:
        stmt = stmt.where(AuditEntry.matter_id == f.matter_id)
    elif f.without_matter:
        stmt = stmt.where(AuditEntry.matter_id.is_(None))
    return list(db.session.scalars(stmt.order_by(User.display_name)))
