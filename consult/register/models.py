"""Risk register: items promoted from curated risk points, with measures (化解措施)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.matters.models import _enum
from consult.models import TimestampMixin, utcnow


class RiskLevel(enum.Enum):
    HIGH = "high"      # 高 / red
    MEDIUM = "medium"  # 中 / yellow
    LOW = "low"        # 低 / green


RISK_LEVEL_LABELS = {RiskLevel.HIGH: _l("高风险"), RiskLevel.MEDIUM: _l("中风险"), RiskLevel.LOW: _l("低风险")}
RISK_LEVEL_COLOURS = {RiskLevel.HIGH: "red", RiskLevel.MEDIUM: "yellow", RiskLevel.LOW: "green"}

risk_item_points = Table(
    "risk_item_points",
    db.Model.metadata,
    Column("risk_item_id", ForeignKey("risk_items.id", ondelete="CASCADE"), primary_key=True),
    Column("risk_point_id", ForeignKey("risk_points.id", ondelete="CASCADE"), primary_key=True),
)


class RiskItem(TimestampMixin, db.Model):
    """One entry of the register. Evidence = the voices of its linked risk points (live)."""

    __tablename__ = "risk_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=0)  # 1, 2, … within the matter
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(40), default="")       # taxonomy area or 其他
    dimension: Mapped[str] = mapped_column(String(20), default="")  # 合法性/合理性/可行性/可控性/安全性
    affected_groups: Mapped[str] = mapped_column(Text, default="")
    affected_size: Mapped[Optional[int]]
    likelihood: Mapped[Optional[int]]  # 1–5
    severity: Mapped[Optional[int]]    # 1–5
    level: Mapped[Optional[RiskLevel]] = mapped_column(_enum(RiskLevel))  # from the matrix
    residual_likelihood: Mapped[Optional[int]]
    residual_severity: Mapped[Optional[int]]
    residual_level: Mapped[Optional[RiskLevel]] = mapped_column(_enum(RiskLevel))
    residual_reason: Mapped[Optional[str]] = mapped_column(Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    matter = relationship("Matter")
    points = relationship("RiskPoint", secondary=risk_item_points, lazy="selectin")
    measures = relationship("Measure", back_populates="item", order_by="Measure.id",
                            cascade="all, delete-orphan")

    @property
    def level_label(self) -> str:
        return str(RISK_LEVEL_LABELS[self.level]) if self.level else ""

    @property
    def residual_level_label(self) -> str:
        return str(RISK_LEVEL_LABELS[self.residual_level]) if self.residual_level else ""


class MeasureStatus(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


MEASURE_STATUS_LABELS = {MeasureStatus.PLANNED: _l("计划中"), MeasureStatus.IN_PROGRESS: _l("实施中"),
                         MeasureStatus.DONE: _l("已完成")}


class Measure(TimestampMixin, db.Model):
    """A mitigation measure (化解措施) for one risk item."""

    __tablename__ = "risk_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("risk_items.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    responsible_unit: Mapped[str] = mapped_column(String(200), default="")
    deadline: Mapped[Optional[date]]
    status: Mapped[MeasureStatus] = mapped_column(_enum(MeasureStatus), default=MeasureStatus.PLANNED)
    done_at: Mapped[Optional[datetime]]

    item = relationship("RiskItem", back_populates="measures")

    @property
    def matter(self):
        return self.item.matter

    @property
    def status_label(self) -> str:
        return str(MEASURE_STATUS_LABELS[self.status])


class ResponseNotice(db.Model):
    """One SMS per resident comment when a "you said, we did" response first reaches it.

    A row is written when the message is queued; the unique comment_id means an edited or
    re-published response (or another point's response) never texts the same resident again.
    """

    __tablename__ = "risk_response_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), unique=True)
    risk_point_id: Mapped[Optional[int]] = mapped_column(ForeignKey("risk_points.id", ondelete="SET NULL"))
    message_id: Mapped[Optional[int]] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
