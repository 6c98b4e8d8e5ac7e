"""Oversight tables. A closed month (月报表关账): the frozen figures of every district and body, and the index rows
with the formula version that produced them. A correction after closing is a new version with a
reason; every version stays."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.matters.models import MatterKind
from consult.models import TimestampMixin, utcnow


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


# ---------------------------------------------------------------------------------------------
# Warning loop (预警), tracking after the decision (事中 / 事后跟踪), the annual plan
# (年度评估计划) and the stability index history. Schema shared by the oversight features.
# ---------------------------------------------------------------------------------------------


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class WarningLevel(enum.Enum):
    RED = "red"
    YELLOW = "yellow"


class WarningSource(enum.Enum):
    MANUAL = "manual"  # raised by staff
    TRACKING = "tracking"  # a tracking entry recorded a new risk
    MEASURE_OVERDUE = "measure_overdue"  # a register measure passed its deadline undone
    SIGNALS = "signals"  # escalation signals in resident texts after the decision


class WarningStatus(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


WARNING_LEVEL_LABELS = {WarningLevel.RED: _l("红色预警"), WarningLevel.YELLOW: _l("黄色预警")}
WARNING_SOURCE_LABELS = {WarningSource.MANUAL: _l("人工发布"), WarningSource.TRACKING: _l("跟踪发现新风险"),
                         WarningSource.MEASURE_OVERDUE: _l("防范措施逾期未完成"),
                         WarningSource.SIGNALS: _l("群众来言中的升级信号")}
WARNING_STATUS_LABELS = {WarningStatus.OPEN: _l("处置中"), WarningStatus.CLOSED: _l("已关闭")}


class RiskWarning(TimestampMixin, db.Model):
    """A red or yellow warning (预警) on a matter: an owner, a deadline, actions, a closing review.

    Resolved on time (按期化解) = closed with resolved=True on or before the deadline's local day.
    An open warning past its deadline is escalated to the supervisor once (escalated_at)."""

    __tablename__ = "oversight_warnings"
    __table_args__ = (Index("ix_oversight_warnings_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    level: Mapped[WarningLevel] = mapped_column(_enum(WarningLevel))
    source: Mapped[WarningSource] = mapped_column(_enum(WarningSource), default=WarningSource.MANUAL)
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    measure_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("risk_measures.id", ondelete="SET NULL"), unique=True)  # one warning per overdue measure
    tracking_entry_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("oversight_tracking_entries.id", ondelete="SET NULL"))
    owner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))  # staff member answerable
    owner_unit: Mapped[str] = mapped_column(String(200), default="")  # 责任单位
    deadline: Mapped[date]
    status: Mapped[WarningStatus] = mapped_column(_enum(WarningStatus), default=WarningStatus.OPEN)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    raised_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))  # None: raised by the system
    escalated_at: Mapped[Optional[datetime]]
    closed_at: Mapped[Optional[datetime]]
    closed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    closing_review: Mapped[str] = mapped_column(Text, default="")
    resolved: Mapped[Optional[bool]]  # the closing review's finding: 已化解 or not

    matter = relationship("Matter")
    owner = relationship("User", foreign_keys=[owner_id])
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    actions = relationship("WarningAction", back_populates="warning", order_by="WarningAction.id",
                           cascade="all, delete-orphan")


class WarningAction(db.Model):
    """One action taken on a warning (处置措施), in order."""

    __tablename__ = "oversight_warning_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    warning_id: Mapped[int] = mapped_column(ForeignKey("oversight_warnings.id", ondelete="CASCADE"), index=True)
    taken_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    warning = relationship("RiskWarning", back_populates="actions")
    created_by = relationship("User")


class TrackingPhase(enum.Enum):
    DURING = "during"  # 事中动态评估
    AFTER = "after"  # 事后跟踪评估


TRACKING_PHASE_LABELS = {TrackingPhase.DURING: _l("事中跟踪"), TrackingPhase.AFTER: _l("事后跟踪")}


class TrackingEntry(db.Model):
    """A tracking visit or check after the decision: what was observed, new complaints, new risk."""

    __tablename__ = "oversight_tracking_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    observed_on: Mapped[date]
    phase: Mapped[TrackingPhase] = mapped_column(_enum(TrackingPhase), default=TrackingPhase.DURING)
    observation: Mapped[str] = mapped_column(Text)
    new_complaints: Mapped[int] = mapped_column(default=0)
    new_risk: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    matter = relationship("Matter")
    created_by = relationship("User")


class PlanItem(TimestampMixin, db.Model):
    """A matter a body expects to assess in a year (年度评估计划); matter_id links it once started."""

    __tablename__ = "oversight_plan_items"
    __table_args__ = (Index("ix_oversight_plan_items_org_year", "organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MatterKind] = mapped_column(_enum(MatterKind))
    area: Mapped[str] = mapped_column(String(200), default="")
    expected_month: Mapped[Optional[int]]  # 1–12
    matter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("matters.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    organisation = relationship("Organisation")
    matter = relationship("Matter")


class IndexFigure(db.Model):
    """Every stability index figure as computed, with the formula that produced it: one row per
    (month, district, formula hash); a changed formula adds rows, old ones stay."""

    __tablename__ = "oversight_index_figures"
    __table_args__ = (UniqueConstraint("month", "district", "formula_hash", name="uq_oversight_index_figures"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    district: Mapped[str] = mapped_column(String(200))
    formula_version: Mapped[str] = mapped_column(String(40), default="")
    formula_hash: Mapped[str] = mapped_column(String(64))
    index: Mapped[Optional[float]] = mapped_column(Float)
    parts: Mapped[list] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
