"""The assessor's side of analysis: the voice pool, stored runs, and curated risk points.

Voice        one resident text of a matter, whatever channel it came through (民意汇集).
             Texts that live elsewhere (comments, questionnaire answers, hearing points,
             registration 发言要点) are mirrored here by ``source_ref``; texts that only staff
             enter (paper comments, door-to-door visits, symposium notes, imported letters)
             live only here.
AnalysisRun  one run of the pure pipeline over the pool, kept with its parameters.
RunPoint     a point as one run produced it (kept per run, so runs can be compared).
RiskPoint    a curated risk point (风险点): the assessor's work, which survives re-runs.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.matters.models import _enum
from consult.models import TimestampMixin, utcnow


class VoiceSource(enum.Enum):
    COMMENT = "comment"            # online comment on a notice
    SURVEY = "survey"              # questionnaire open-text answer
    HEARING = "hearing"            # speaker point minuted at a hearing / symposium
    REGISTRATION = "registration"  # 发言要点 written when registering for a hearing
    PAPER = "paper"                # paper comment form, typed in by staff
    VISIT = "visit"                # door-to-door visit record (入户走访)
    SYMPOSIUM = "symposium"        # symposium notes (座谈会) typed in by staff
    LETTER = "letter"              # imported from another channel (12345, 信访, media, forums)


SOURCE_LABELS = {
    VoiceSource.COMMENT: _l("网上意见"), VoiceSource.SURVEY: _l("问卷开放题"),
    VoiceSource.HEARING: _l("听证/座谈发言"), VoiceSource.REGISTRATION: _l("报名发言要点"),
    VoiceSource.PAPER: _l("纸质意见"), VoiceSource.VISIT: _l("入户走访"),
    VoiceSource.SYMPOSIUM: _l("座谈会记录"), VoiceSource.LETTER: _l("其他渠道来信"),
}
# sources whose rows are mirrored from another table (and so are not edited here)
MIRRORED_SOURCES = frozenset({VoiceSource.COMMENT, VoiceSource.SURVEY, VoiceSource.HEARING,
                              VoiceSource.REGISTRATION})
# sources whose author is a pseudonym staff typed for one person (the same name = the same person);
# a mirrored text's author is only a masked name ("王*"), shared by many people, so each of those
# texts counts as its own person
PSEUDONYM_SOURCES = frozenset({VoiceSource.PAPER, VoiceSource.VISIT, VoiceSource.SYMPOSIUM, VoiceSource.LETTER})


def person_key(source: "VoiceSource", author: str, voice_id: int) -> str:
    """Who said it, as far as the pool can tell: distinct people are distinct keys."""
    if source in PSEUDONYM_SOURCES and author:
        return f"a:{author}"
    return f"v:{voice_id}"


class VoiceStance(enum.Enum):
    """The one stance scale across channels (the mapping lives in consult.analysis.stance)."""

    SUPPORT = "support"
    CONDITIONAL = "conditional"
    OTHER = "other"
    OPPOSE = "oppose"


VOICE_STANCE_LABELS = {VoiceStance.SUPPORT: _l("支持"), VoiceStance.CONDITIONAL: _l("有条件支持"),
                       VoiceStance.OTHER: _l("中立或其他"), VoiceStance.OPPOSE: _l("反对")}


class Voice(TimestampMixin, db.Model):
    __tablename__ = "voices"
    __table_args__ = (
        UniqueConstraint("matter_id", "source_ref", name="uq_voices_matter_source_ref"),
        Index("ix_voices_matter_point", "matter_id", "point_id"),
        Index("ix_voices_matter_source", "matter_id", "source"),
        Index("ix_voices_matter_occurred", "matter_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"))
    source: Mapped[VoiceSource] = mapped_column(_enum(VoiceSource))
    source_ref: Mapped[str] = mapped_column(String(80))  # "comment:12", "letter:<uuid>", …
    channel: Mapped[str] = mapped_column(String(60), default="")  # e.g. 12345热线, 信访, 媒体, 网络论坛
    title: Mapped[Optional[str]] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    raw_stance: Mapped[str] = mapped_column(String(60), default="")  # the channel's own label
    stance: Mapped[VoiceStance] = mapped_column(_enum(VoiceStance), default=VoiceStance.OTHER)
    group: Mapped[str] = mapped_column(String(100), default="")      # affected group / respondent group
    household: Mapped[str] = mapped_column(String(200), default="")  # 户 / 楼号 / 单位 (no personal data)
    author: Mapped[str] = mapped_column(String(100), default="")     # pseudonym or masked name
    weight: Mapped[float] = mapped_column(default=1.0)               # e.g. households a petition speaks for
    source_status: Mapped[str] = mapped_column(String(20), default="")  # comment moderation state
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    recorder: Mapped[str] = mapped_column(String(100), default="")  # field worker who took it down (走访人/记录人)
    # escalation signal (engine lexicon + collective-action questionnaire answers)
    escalation_score: Mapped[float] = mapped_column(default=0.0)
    escalation_terms: Mapped[list] = mapped_column(JSON, default=list)
    is_flagged: Mapped[bool] = mapped_column(default=False, index=True)
    # curation
    point_id: Mapped[Optional[int]] = mapped_column(ForeignKey("risk_points.id", ondelete="SET NULL"))
    is_pinned: Mapped[bool] = mapped_column(default=False)  # placed by an assessor: re-runs keep it
    is_excluded: Mapped[bool] = mapped_column(default=False)  # "not a risk / off topic"
    exclude_reason: Mapped[Optional[str]] = mapped_column(Text)
    is_reviewed: Mapped[bool] = mapped_column(default=False)
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[Optional[datetime]]
    last_run_id: Mapped[Optional[int]] = mapped_column(ForeignKey("analysis_runs.id", ondelete="SET NULL"))

    matter = relationship("Matter")
    point = relationship("RiskPoint", back_populates="voices", foreign_keys=[point_id])

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])

    @property
    def stance_label(self) -> str:
        return str(VOICE_STANCE_LABELS[self.stance])

    @property
    def is_mirrored(self) -> bool:
        return self.source in MIRRORED_SOURCES

    @property
    def is_new(self) -> bool:
        """Not yet in any analysis run."""
        return self.last_run_id is None


class RunStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


RUN_STATUS_LABELS = {RunStatus.QUEUED: _l("排队中"), RunStatus.RUNNING: _l("进行中"),
                     RunStatus.DONE: _l("已完成"), RunStatus.FAILED: _l("失败")}


class AnalysisRun(db.Model):
    __tablename__ = "analysis_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[Optional[int]] = mapped_column(ForeignKey("job_runs.id", ondelete="SET NULL"))
    status: Mapped[RunStatus] = mapped_column(_enum(RunStatus), default=RunStatus.QUEUED)
    started_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[Optional[datetime]]
    finished_at: Mapped[Optional[datetime]]
    pipeline_version: Mapped[str] = mapped_column(String(40), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    input_hash: Mapped[str] = mapped_column(String(64), default="")
    n_texts: Mapped[int] = mapped_column(default=0)
    n_points: Mapped[int] = mapped_column(default=0)
    n_unassigned: Mapped[int] = mapped_column(default=0)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # matched / new / vanished points
    error: Mapped[Optional[str]] = mapped_column(Text)

    points = relationship("RunPoint", back_populates="run", order_by="RunPoint.rank",
                          cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return str(RUN_STATUS_LABELS[self.status])


class RunPoint(db.Model):
    """One point exactly as a run produced it."""

    __tablename__ = "analysis_run_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(default=0)  # 0 = heaviest
    engine_id: Mapped[str] = mapped_column(String(40), default="")  # the pipeline's point id
    title: Mapped[str] = mapped_column(String(200), default="")
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    area: Mapped[str] = mapped_column(String(40), default="")
    dimension: Mapped[str] = mapped_column(String(20), default="")
    size: Mapped[int] = mapped_column(default=0)
    weight: Mapped[float] = mapped_column(default=0.0)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # stance mix, escalation, weight parts…
    voice_ids: Mapped[list] = mapped_column(JSON, default=list)
    risk_point_id: Mapped[Optional[int]] = mapped_column(ForeignKey("risk_points.id", ondelete="SET NULL"))

    run = relationship("AnalysisRun", back_populates="points")


class PointState(enum.Enum):
    CANDIDATE = "candidate"  # from a run, not decided yet
    CONFIRMED = "confirmed"  # the assessor keeps it as a risk point
    DISMISSED = "dismissed"  # not a risk (reason kept)
    MERGED = "merged"        # merged into another point (merged_into_id)


POINT_STATE_LABELS = {PointState.CANDIDATE: _l("待整理"), PointState.CONFIRMED: _l("已确认"),
                      PointState.DISMISSED: _l("已排除"), PointState.MERGED: _l("已合并")}


class RiskPoint(TimestampMixin, db.Model):
    """A curated risk point (风险点). Its texts are the voices whose point_id is this one."""

    __tablename__ = "risk_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    area: Mapped[str] = mapped_column(String(40), default="")
    dimension: Mapped[str] = mapped_column(String(20), default="")
    state: Mapped[PointState] = mapped_column(_enum(PointState), default=PointState.CANDIDATE)
    dismiss_reason: Mapped[Optional[str]] = mapped_column(Text)
    merged_into_id: Mapped[Optional[int]] = mapped_column(ForeignKey("risk_points.id", ondelete="SET NULL"))
    is_title_custom: Mapped[bool] = mapped_column(default=False)  # renamed: re-runs keep the title
    is_reviewed: Mapped[bool] = mapped_column(default=False)
    is_manual: Mapped[bool] = mapped_column(default=False)  # made by an assessor (split), not by a run
    is_vanished: Mapped[bool] = mapped_column(default=False)  # the latest run had no match for it
    weight: Mapped[float] = mapped_column(default=0.0)
    first_run_id: Mapped[Optional[int]] = mapped_column(ForeignKey("analysis_runs.id", ondelete="SET NULL"))
    last_run_id: Mapped[Optional[int]] = mapped_column(ForeignKey("analysis_runs.id", ondelete="SET NULL"))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    # "you said, we did": the public response to this point
    public_response: Mapped[Optional[str]] = mapped_column(Text)
    response_published_at: Mapped[Optional[datetime]]
    response_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    matter = relationship("Matter")
    voices = relationship("Voice", back_populates="point", foreign_keys="Voice.point_id")

    @property
    def state_label(self) -> str:
        return str(POINT_STATE_LABELS[self.state])

    @property
    def is_decided(self) -> bool:
        return self.state in (PointState.CONFIRMED, PointState.DISMISSED, PointState.MERGED)


class ApiToken(db.Model):
    """A personal API token for the read-only JSON API; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown so the owner can tell tokens apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[Optional[datetime]]
    revoked_at: Mapped[Optional[datetime]]

    user = relationship("User")


class VoiceSyncState(db.Model):
    """When a matter's mirrored sources were last synced into the pool, and their signature
    then (counts, id sums, statuses): opening the pool re-syncs only when it has changed."""

    __tablename__ = "voice_sync_states"

    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), primary_key=True)
    signature: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
