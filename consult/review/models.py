"""Expert library, reviewer assignments and draws, opinion points and the assessor's answers."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models import TimestampMixin, utcnow


class Expert(TimestampMixin, db.Model):
    """An entry of the expert library (专家库). Contact is encrypted at rest, shown masked."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    field: Mapped[str] = mapped_column(String(100), index=True)  # 法律, 环境, 规划, 社会学, …
    organisation: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(100), default="")  # 职称
    contact_enc: Mapped[Optional[str]] = mapped_column(Text)
    contact_mask: Mapped[str] = mapped_column(String(40), default="")
    conflicts: Mapped[str] = mapped_column(Text, default="")  # declared conflicts: organisations, one a line
    is_active: Mapped[bool] = mapped_column(default=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)

    user = relationship("User")

    def declared_conflicts(self) -> list[str]:
        return [line.strip() for line in self.conflicts.splitlines() if line.strip()]


class ReviewerDraw(db.Model):
    """A draw of reviewers by field: seed, candidates, recusals and result kept for re-checking."""

    __tablename__ = "reviewer_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(100))
    count: Mapped[int]
    seed: Mapped[str] = mapped_column(String(100))
    candidates: Mapped[list] = mapped_column(JSON)  # expert ids eligible
    recused: Mapped[list] = mapped_column(JSON)     # [{expert_id, reason}]
    chosen: Mapped[list] = mapped_column(JSON)      # expert ids drawn
    drawn_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)

    version = relationship("ReportVersion")

    @property
    def matter(self):
        return self.version.matter


class ReviewAssignment(db.Model):
    """One reviewer for one report version; the 专家评估意见表 once submitted."""

    __tablename__ = "review_assignments"
    __table_args__ = (UniqueConstraint("version_id", "expert_id", name="uq_review_assignments_version_expert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    draw_id: Mapped[Optional[int]] = mapped_column(ForeignKey("reviewer_draws.id", ondelete="SET NULL"))
    assigned_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[Optional[datetime]]  # "no conflict" confirmed before reading
    recused_at: Mapped[Optional[datetime]]    # declared a conflict instead
    recusal_reason: Mapped[str] = mapped_column(Text, default="")
    opinion: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)  # dimensions, agree level/outcome, signature
    submitted_at: Mapped[Optional[datetime]]

    version = relationship("ReportVersion")
    expert = relationship("Expert")
    points = relationship("ReviewPoint", back_populates="assignment", order_by="ReviewPoint.number",
                          cascade="all, delete-orphan")

    @property
    def matter(self):
        return self.version.matter

    @property
    def state_label(self) -> str:
        if self.submitted_at:
            return "已提交意见"
        if self.recused_at:
            return "已回避"
        if self.confirmed_at:
            return "评审中"
        return "待确认无利益冲突"


class ReviewPoint(db.Model):
    """One required change from an opinion, with the assessor's answer."""

    __tablename__ = "review_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("review_assignments.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[Optional[str]] = mapped_column(Text)
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[Optional[datetime]]

    assignment = relationship("ReviewAssignment", back_populates="points")

    @property
    def matter(self):
        return self.assignment.matter
