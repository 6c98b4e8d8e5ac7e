"""A closed month (月报表关账): the frozen figures of every district and body, and the index rows
with the formula version that produced them. A correction after closing is a new version with a
reason; every version stays."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models import utcnow


class MonthSnapshot(db.Model):
    __tablename__ = "oversight_month_snapshots"
    __table_args__ = (UniqueConstraint("month", "version", name="uq_oversight_month_snapshots_month_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    version: Mapped[int] = mapped_column(default=1)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"districts": {...}, "bodies": {...}, "total": {...}}
    index_rows: Mapped[list] = mapped_column(JSON)  # stability.compute() rows, each with its formula version
    formula_version: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # required for a correction (version > 1)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by = relationship("User")
