from __future__ import annotations

import enum
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Enum, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.models import TimestampMixin


def _enum(cls, length=20):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class MatterKind(enum.Enum):
    POLICY = "policy"
    REFORM = "reform"
    PROJECT = "project"
    EVENT = "event"


KIND_LABELS = {
    MatterKind.POLICY: _l("重大政策"),
    MatterKind.REFORM: _l("重大改革改制"),
    MatterKind.PROJECT: _l("重大项目"),
    MatterKind.EVENT: _l("重大活动"),
}


class Procedure(enum.Enum):
    SIMPLE = "simple"
    GENERAL = "general"
    KEY = "key"


PROCEDURE_LABELS = {Procedure.SIMPLE: _l("简易程序"), Procedure.GENERAL: _l("一般程序"), Procedure.KEY: _l("重点程序")}


class MatterStatus(enum.Enum):
    DRAFT = "draft"
    CONSULTING = "consulting"
    CLOSED = "closed"
    ASSESSING = "assessing"
    REPORTED = "reported"
    FILED = "filed"


STATUS_LABELS = {
    MatterStatus.DRAFT: _l("草稿"),
    MatterStatus.CONSULTING: _l("征求意见中"),
    MatterStatus.CLOSED: _l("征求意见已结束"),
    MatterStatus.ASSESSING: _l("评估中"),
    MatterStatus.REPORTED: _l("已出具报告"),
    MatterStatus.FILED: _l("已备案"),
}

# Transitions an organiser may make by hand; later stages belong to later work.
TRANSITIONS = {
    MatterStatus.DRAFT: {MatterStatus.CONSULTING},
    MatterStatus.CONSULTING: {MatterStatus.CLOSED},
    MatterStatus.CLOSED: {MatterStatus.CONSULTING, MatterStatus.ASSESSING},
}

matter_assessors = Table(
    "matter_assessors",
    db.Model.metadata,
    Column("matter_id", ForeignKey("matters.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Matter(TimestampMixin, db.Model):
    """A major decision (重大事项) under assessment; owns everything below it."""

    __tablename__ = "matters"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MatterKind] = mapped_column(_enum(MatterKind))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    area: Mapped[str] = mapped_column(String(200), default="", index=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    scope_description: Mapped[str] = mapped_column(Text, default="")
    est_households: Mapped[Optional[int]]
    est_persons: Mapped[Optional[int]]
    procedure: Mapped[Procedure] = mapped_column(_enum(Procedure), default=Procedure.GENERAL)
    is_sensitive: Mapped[bool] = mapped_column(default=False)
    third_party: Mapped[str] = mapped_column(String(200), default="")  # commissioned assessor (第三方), if any
    public_withheld_reason: Mapped[str] = mapped_column(Text, default="")  # not on public pages, and why
    requires_moderation: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MatterStatus] = mapped_column(_enum(MatterStatus), default=MatterStatus.DRAFT, index=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    organisation = relationship("Organisation", lazy="joined")
    assessors = relationship("User", secondary=matter_assessors, lazy="selectin")
    notices = relationship("Notice", back_populates="matter", order_by="Notice.starts_at",
                           cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def procedure_label(self) -> str:
        return PROCEDURE_LABELS[self.procedure]

    def can_move_to(self, status: MatterStatus) -> bool:
        return status in TRANSITIONS.get(self.status, set())
