"""The assessment of a matter (one row per round) and its immutable report versions.

Assessment     one round of 风险等级评价 + 评估结论. A re-assessment (二次过审 after measures, or
               change-and-re-assess after a high level) opens a new round; earlier rounds stay.
ReportVersion  a saved version of the report (初稿 → 送审稿 → 修改稿 → 定稿): the whole document
               (sections, tables, figures, live numbers) frozen as JSON with its content hash.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.matters.models import _enum
from consult.models import TimestampMixin, utcnow
from consult.register.models import RiskLevel


class Outcome(enum.Enum):
    IMPLEMENT = "implement"  # 可实施
    IMPROVE = "improve"      # 完善后实施
    PARTIAL = "partial"      # 部分实施
    POSTPONE = "postpone"    # 暂缓实施
    REJECT = "reject"        # 不实施


OUTCOME_LABELS = {Outcome.IMPLEMENT: _l("可实施"), Outcome.IMPROVE: _l("完善后实施"),
                  Outcome.PARTIAL: _l("部分实施"), Outcome.POSTPONE: _l("暂缓实施"),
                  Outcome.REJECT: _l("不实施")}


class Stage(enum.Enum):
    DRAFT = "draft"          # 初稿
    SUBMITTED = "submitted"  # 送审稿
    REVISED = "revised"      # 修改稿
    FINAL = "final"          # 定稿


STAGE_LABELS = {Stage.DRAFT: _l("初稿"), Stage.SUBMITTED: _l("送审稿"), Stage.REVISED: _l("修改稿"),
                Stage.FINAL: _l("定稿")}
STAGE_ORDER = [Stage.DRAFT, Stage.SUBMITTED, Stage.REVISED, Stage.FINAL]


class Assessment(TimestampMixin, db.Model):
    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("matter_id", "round", name="uq_assessments_matter_round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(default=1)
    previous_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assessments.id", ondelete="SET NULL"))
    round_reason: Mapped[str] = mapped_column(Text, default="")  # why this re-assessment
    is_current: Mapped[bool] = mapped_column(default=True)
    methods: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # method results when the level was set
    proposed_level: Mapped[Optional[RiskLevel]] = mapped_column(_enum(RiskLevel))
    final_level: Mapped[Optional[RiskLevel]] = mapped_column(_enum(RiskLevel))
    level_reason: Mapped[str] = mapped_column(Text, default="")  # required when overriding the proposal
    outcome: Mapped[Optional[Outcome]] = mapped_column(_enum(Outcome))
    conditions: Mapped[str] = mapped_column(Text, default="")  # measures to be done first, one a line
    set_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[Optional[datetime]]
    narrative: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # section key -> Markdown
    emergency: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # structured 应急处置预案
    # decision of the responsible body (审查)
    decision_adopted: Mapped[Optional[bool]]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decision_date: Mapped[Optional[date]]
    decision_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    # filing (备案) with the supervising body; frozen PDF + data snapshot
    filed_version_id: Mapped[Optional[int]]  # a version of this assessment (no FK: avoids a cycle)
    filed_at: Mapped[Optional[datetime]]
    filed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    frozen_pdf_key: Mapped[Optional[str]] = mapped_column(String(200))
    frozen_hash: Mapped[Optional[str]] = mapped_column(String(64))  # sha256 of PDF bytes + snapshot
    acknowledged_at: Mapped[Optional[datetime]]
    acknowledged_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    matter = relationship("Matter")
    versions = relationship("ReportVersion", back_populates="assessment", order_by="ReportVersion.number",
                            foreign_keys="ReportVersion.assessment_id")
    filed_version = relationship("ReportVersion", primaryjoin="foreign(Assessment.filed_version_id) == ReportVersion.id",
                                 viewonly=True)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome]) if self.outcome else ""

    @property
    def is_filed(self) -> bool:
        return self.filed_at is not None

    @property
    def latest_version(self):
        return self.versions[-1] if self.versions else None


class ReportVersion(db.Model):
    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("matter_id", "number", name="uq_report_versions_matter_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)  # 1, 2, … within the matter
    stage: Mapped[Stage] = mapped_column(_enum(Stage))
    kind: Mapped[str] = mapped_column(String(20), default="full")  # full | short (简易程序 filing form)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)  # the whole document, frozen
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    matter = relationship("Matter")
    assessment = relationship("Assessment", back_populates="versions", foreign_keys=[assessment_id])
    created_by = relationship("User")

    @property
    def stage_label(self) -> str:
        return str(STAGE_LABELS[self.stage])

    @property
    def label(self) -> str:
        return f"第{self.number}版 · {self.stage_label}"
