from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models import utcnow


class AuditEntry(db.Model):
    """Who changed what, when, with the values before and after."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    matter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("matters.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[Optional[int]]
    action: Mapped[str] = mapped_column(String(60))
    before: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    after: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[Optional[str]] = mapped_column(String(2000))

    actor = relationship("User")

    def changes(self) -> list[tuple[str, Any, Any]]:
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
