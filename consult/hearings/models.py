"""Hearings (听证会 / 座谈会 / 论证会 / 视频听证): meetings, seats, registrations, draws, minutes."""
from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.matters.models import _enum
from consult.models import TimestampMixin, utcnow


class MeetingKind(enum.Enum):
    HEARING = "hearing"
    SYMPOSIUM = "symposium"
    ARGUMENTATION = "argumentation"
    VIDEO = "video"


KIND_LABELS = {MeetingKind.HEARING: "听证会", MeetingKind.SYMPOSIUM: "座谈会",
               MeetingKind.ARGUMENTATION: "论证会", MeetingKind.VIDEO: "视频听证"}


class MeetingStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    HELD = "held"
    CANCELLED = "cancelled"


STATUS_LABELS = {MeetingStatus.DRAFT: "草稿", MeetingStatus.PUBLISHED: "已发布",
                 MeetingStatus.HELD: "已召开", MeetingStatus.CANCELLED: "已取消"}


class Allocation(enum.Enum):
    DRAW = "draw"  # register, then select by the rules and a published draw
    FIRST_COME = "first_come"  # seats given in order of registration, per category


ALLOCATION_LABELS = {Allocation.DRAW: "报名后按规则遴选（抽签）", Allocation.FIRST_COME: "按报名先后确定"}


class OfficialRole(enum.Enum):
    CHAIR = "chair"
    OFFICER = "officer"
    RECORDER = "recorder"


OFFICIAL_ROLE_LABELS = {OfficialRole.CHAIR: "主持人", OfficialRole.OFFICER: "听证员",
                        OfficialRole.RECORDER: "记录员"}


class HearingStance(enum.Enum):  # in the order of the one stance scale
    SUPPORT = "support"
    CONDITIONAL = "conditional"
    NEUTRAL = "neutral"
    OPPOSE = "oppose"


# the platform's one stance scale (see notices.models.STANCE_LABELS); NEUTRAL is its "other"
HEARING_STANCE_LABELS = {HearingStance.SUPPORT: _l("支持"), HearingStance.CONDITIONAL: _l("有条件支持"),
                         HearingStance.NEUTRAL: _l("中立或其他"), HearingStance.OPPOSE: _l("反对")}


class RegStatus(enum.Enum):
    REGISTERED = "registered"
    SELECTED = "selected"
    WAITING = "waiting"
    NOT_SELECTED = "not_selected"
    CANCELLED = "cancelled"
    PROMOTED = "promoted"


REG_STATUS_LABELS = {RegStatus.REGISTERED: "已报名，待遴选", RegStatus.SELECTED: "已入选",
                     RegStatus.WAITING: "候补", RegStatus.NOT_SELECTED: "未入选",
                     RegStatus.CANCELLED: "已取消", RegStatus.PROMOTED: "候补递补入选"}
SEAT_HOLDING = (RegStatus.SELECTED, RegStatus.PROMOTED)
ACTIVE = (RegStatus.REGISTERED, RegStatus.SELECTED, RegStatus.WAITING, RegStatus.PROMOTED)


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "hearing_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind))
    title: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int]
    registration_opens_at: Mapped[datetime]
    registration_closes_at: Mapped[datetime]
    promotion_cutoff_at: Mapped[Optional[datetime]]
    short_schedule_reason: Mapped[Optional[str]] = mapped_column(Text)
    allocation: Mapped[Allocation] = mapped_column(_enum(Allocation), default=Allocation.DRAW)
    rules: Mapped[list] = mapped_column(JSON, default=list)
    questions: Mapped[list] = mapped_column(JSON, default=list)
    waitlist_size: Mapped[int] = mapped_column(default=10)
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus), default=MeetingStatus.DRAFT, index=True)
    published_at: Mapped[Optional[datetime]]
    cancel_reason: Mapped[Optional[str]] = mapped_column(Text)
    list_confirmed_at: Mapped[Optional[datetime]]
    confirm_reason: Mapped[Optional[str]] = mapped_column(Text)
    reminded_at: Mapped[Optional[datetime]]
    public_summary: Mapped[str] = mapped_column(Text, default="")
    lock_version: Mapped[int] = mapped_column(default=0)  # bumped to serialise seat changes

    matter = relationship("Matter", lazy="joined")
    categories: Mapped[list["SeatCategory"]] = relationship(
        back_populates="meeting", order_by="SeatCategory.position, SeatCategory.id", cascade="all, delete-orphan")
    officials: Mapped[list["MeetingOfficial"]] = relationship(
        back_populates="meeting", order_by="MeetingOfficial.id", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def allocation_label(self) -> str:
        return ALLOCATION_LABELS[self.allocation]

    @property
    def is_public(self) -> bool:
        return self.status in (MeetingStatus.PUBLISHED, MeetingStatus.HELD, MeetingStatus.CANCELLED) \
            and self.published_at is not None

    def registration_open(self, now: datetime) -> bool:
        return (self.status == MeetingStatus.PUBLISHED
                and self.registration_opens_at <= now < self.registration_closes_at)

    def promotion_cutoff(self) -> datetime:
        return self.promotion_cutoff_at or self.starts_at - timedelta(hours=24)

    @property
    def total_seats(self) -> int:
        return sum(c.seats for c in self.categories)


class SeatCategory(db.Model):
    __tablename__ = "hearing_seat_categories"
    __table_args__ = (UniqueConstraint("meeting_id", "code", name="uq_hearing_seat_categories_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("hearing_meetings.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    seats: Mapped[int] = mapped_column(default=0)
    min_seats: Mapped[int] = mapped_column(default=0)
    is_affected: Mapped[bool] = mapped_column(default=False)  # opponents first in sensitive matters
    counts_in_share: Mapped[bool] = mapped_column(default=True)  # observers do not
    is_public: Mapped[bool] = mapped_column(default=True)  # residents may register in it
    position: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="categories")

    @property
    def matter(self):
        return self.meeting.matter


class MeetingOfficial(db.Model):
    __tablename__ = "hearing_officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("hearing_meetings.id", ondelete="CASCADE"), index=True)
    role: Mapped[OfficialRole] = mapped_column(_enum(OfficialRole))
    name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(200))

    meeting: Mapped[Meeting] = relationship(back_populates="officials")

    @property
    def matter(self):
        return self.meeting.matter

    @property
    def role_label(self) -> str:
        return OFFICIAL_ROLE_LABELS[self.role]

    @property
    def from_responsible_org(self) -> bool:
        """Chair and officers must act as a third party."""
        own = self.meeting.matter.organisation.name
        norm = lambda s: "".join((s or "").split()).casefold()  # noqa: E731
        return bool(norm(self.organisation)) and (norm(own) in norm(self.organisation)
                                                  or norm(self.organisation) in norm(own))


class Registration(db.Model):
    __tablename__ = "hearing_registrations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "phone_hash", name="uq_hearing_registrations_phone"),
        Index("ix_hearing_registrations_meeting_status", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("hearing_meetings.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("hearing_seat_categories.id"), index=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)  # shown in the public draw
    receipt_code: Mapped[str] = mapped_column(String(12), unique=True)  # secret: ticket + cancel
    ticket_code: Mapped[str] = mapped_column(String(8), unique=True)  # typed or scanned at the door
    legacy_name: Mapped[Optional[str]] = mapped_column("name", String(100))  # plain, before 0012
    name_enc: Mapped[Optional[str]] = mapped_column(Text)  # encrypted like the phone; see .name
    phone_enc: Mapped[Optional[str]] = mapped_column(Text)
    phone_hash: Mapped[str] = mapped_column(String(64))
    phone_masked: Mapped[Optional[str]] = mapped_column(String(20))
    relation: Mapped[str] = mapped_column(String(300), default="")
    address_enc: Mapped[Optional[str]] = mapped_column(Text)
    stance: Mapped[HearingStance] = mapped_column(_enum(HearingStance))
    points: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[list] = mapped_column(JSON, default=list)  # [[question, answer], ...]
    consent_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[RegStatus] = mapped_column(_enum(RegStatus), default=RegStatus.REGISTERED)
    selection_reason: Mapped[Optional[str]] = mapped_column(Text)
    draw_rank: Mapped[Optional[int]]
    waitlist_position: Mapped[Optional[int]]
    decided_at: Mapped[Optional[datetime]]
    cancelled_at: Mapped[Optional[datetime]]
    checked_in_at: Mapped[Optional[datetime]]
    checked_in_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    personal_data_purged_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    meeting: Mapped[Meeting] = relationship(lazy="joined")
    category: Mapped[SeatCategory] = relationship(lazy="joined")

    @property
    def name(self) -> str | None:
        from consult.crypto import decrypt

        return decrypt(self.name_enc) if self.name_enc else self.legacy_name

    @name.setter
    def name(self, value: str | None) -> None:
        from consult.crypto import encrypt

        self.name_enc, self.legacy_name = encrypt(value), None

    @property
    def matter(self):
        return self.meeting.matter

    @property
    def status_label(self) -> str:
        return REG_STATUS_LABELS[self.status]

    @property
    def stance_label(self) -> str:
        return str(HEARING_STANCE_LABELS[self.stance])

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @property
    def receipt_display(self) -> str:
        return f"{self.receipt_code[:5]}-{self.receipt_code[5:]}"

    def is_late(self) -> bool:
        return bool(self.checked_in_at and self.checked_in_at > self.meeting.starts_at)


class SmsCode(db.Model):
    """A one-time code sent to a phone before it may register; only its hash is kept."""

    __tablename__ = "hearing_sms_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("hearing_meetings.id", ondelete="CASCADE"), index=True)
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    consumed_at: Mapped[Optional[datetime]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Draw(db.Model):
    """The draw by lot: seed and entrants published first, result after; anyone can re-run it."""

    __tablename__ = "hearing_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("hearing_meetings.id", ondelete="CASCADE"), unique=True)
    seed: Mapped[str] = mapped_column(String(100))
    seed_published_at: Mapped[datetime]
    early_close_reason: Mapped[Optional[str]] = mapped_column(Text)  # shown publicly when closed early
    entrants: Mapped[list] = mapped_column(JSON)  # [{public_id, category, priority}] at publication
    entrants_hash: Mapped[str] = mapped_column(String(64))
    algorithm: Mapped[str] = mapped_column(String(40))
    inputs: Mapped[Optional[dict]] = mapped_column(JSON)  # categories, rules, waitlist, entrants used
    result: Mapped[Optional[list]] = mapped_column(JSON)
    ran_at: Mapped[Optional[datetime]]

    meeting: Mapped[Meeting] = relationship()

    @property
    def matter(self):
        return self.meeting.matter


class Minutes(db.Model):
    __tablename__ = "hearing_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("hearing_meetings.id", ondelete="CASCADE"), unique=True)
    topic: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()

    @property
    def matter(self):
        return self.meeting.matter


class SpeakerPoint(db.Model):
    """One speaker's main points in the minutes; a resident text for the analysis engine."""

    __tablename__ = "hearing_speaker_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)  # stable id for analysis
    meeting_id: Mapped[int] = mapped_column(ForeignKey("hearing_meetings.id", ondelete="CASCADE"), index=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[Optional[int]] = mapped_column(ForeignKey("hearing_registrations.id"))
    category_id: Mapped[Optional[int]] = mapped_column(ForeignKey("hearing_seat_categories.id"))
    speaker: Mapped[str] = mapped_column(String(100), default="")
    stance: Mapped[HearingStance] = mapped_column(_enum(HearingStance))
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="hearing")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    category: Mapped[Optional[SeatCategory]] = relationship()
    registration: Mapped[Optional[Registration]] = relationship()

    @property
    def matter(self):
        return self.meeting.matter

    @property
    def stance_label(self) -> str:
        return str(HEARING_STANCE_LABELS[self.stance])
