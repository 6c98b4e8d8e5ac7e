"""Questionnaire models. Answers are one row per choice so figures are SQL GROUP BYs."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.matters.models import _enum
from consult.models import TimestampMixin, utcnow


class SurveyStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class ResponseMode(enum.Enum):
    OPEN = "open"
    SMS = "sms"
    INVITATION = "invitation"


MODE_LABELS = {ResponseMode.OPEN: "公开填写（限频 + 设备标识，重复标记）",
               ResponseMode.SMS: "短信验证码（每个手机号一份）",
               ResponseMode.INVITATION: "邀请码（每码一份，入户抽样）"}


class QuestionKind(enum.Enum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE5 = "scale5"
    MATRIX = "matrix"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"


KIND_LABELS = {QuestionKind.SINGLE: "单选", QuestionKind.MULTIPLE: "多选", QuestionKind.SCALE5: "五级量表",
               QuestionKind.MATRIX: "矩阵量表", QuestionKind.SHORT_TEXT: "简答", QuestionKind.LONG_TEXT: "问答",
               QuestionKind.NUMBER: "数字"}
CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE5, QuestionKind.MATRIX}
TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}
SCALE5_LABELS = ("非常不同意", "不同意", "一般", "同意", "非常同意")


class Channel(enum.Enum):
    ONLINE = "online"
    PAPER = "paper"
    DOOR = "door"
    SYMPOSIUM = "symposium"


CHANNEL_LABELS = {Channel.ONLINE: "网上填写", Channel.PAPER: "纸质问卷", Channel.DOOR: "入户走访",
                  Channel.SYMPOSIUM: "座谈会"}


class Survey(TimestampMixin, db.Model):
    """A questionnaire of one matter, open between opens_at and closes_at once published."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    notice_id: Mapped[Optional[int]] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[SurveyStatus] = mapped_column(_enum(SurveyStatus), default=SurveyStatus.DRAFT)
    mode: Mapped[ResponseMode] = mapped_column(_enum(ResponseMode), default=ResponseMode.OPEN)
    # 知晓率 / 支持率 definitions: which question, which option ids count
    awareness_question_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL", use_alter=True))
    awareness_option_ids: Mapped[list] = mapped_column(JSON, default=list)
    support_question_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL", use_alter=True))
    support_option_ids: Mapped[list] = mapped_column(JSON, default=list)
    group_question_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL", use_alter=True))
    distance_question_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL", use_alter=True))
    # bumped on every change of structure; process caches of the form key on it
    version: Mapped[int] = mapped_column(default=1)

    matter = relationship("Matter", lazy="joined")
    notice = relationship("Notice")
    sections = relationship("Section", back_populates="survey", order_by="Section.position",
                            cascade="all, delete-orphan")
    questions = relationship("Question", back_populates="survey", order_by="Question.position",
                             cascade="all, delete-orphan", foreign_keys="Question.survey_id")
    targets = relationship("SampleTarget", cascade="all, delete-orphan", order_by="SampleTarget.id")

    def is_open(self, now: datetime) -> bool:
        return self.status == SurveyStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    def state_label(self, now: datetime) -> str:
        if self.status == SurveyStatus.DRAFT:
            return "草稿"
        if now < self.opens_at:
            return "待开始"
        return "填写中" if now < self.closes_at else "已结束"

    @property
    def mode_label(self) -> str:
        return MODE_LABELS[self.mode]


class Section(db.Model):
    __tablename__ = "survey_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    survey = relationship("Survey", back_populates="sections")
    questions = relationship("Question", back_populates="section", order_by="Question.position")

    @property
    def matter(self):
        return self.survey.matter


class Question(db.Model):
    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("survey_sections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind))
    code: Mapped[str] = mapped_column(String(40), default="")  # stable key, e.g. "support"
    text: Mapped[str] = mapped_column(Text)
    help_text: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=True)
    is_personal: Mapped[bool] = mapped_column(default=False)  # answers are personal data
    min_picks: Mapped[Optional[int]]
    max_picks: Mapped[Optional[int]]
    min_value: Mapped[Optional[float]] = mapped_column(Float)
    max_value: Mapped[Optional[float]] = mapped_column(Float)
    max_chars: Mapped[Optional[int]]
    condition_question_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("survey_questions.id", ondelete="SET NULL"))
    condition_option_ids: Mapped[list] = mapped_column(JSON, default=list)

    survey = relationship("Survey", back_populates="questions", foreign_keys=[survey_id])
    section = relationship("Section", back_populates="questions")
    options = relationship("Option", back_populates="question", order_by="Option.position",
                           cascade="all, delete-orphan")

    @property
    def matter(self):
        return self.survey.matter

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def choices(self) -> list["Option"]:
        return [o for o in self.options if not o.is_row]

    @property
    def rows(self) -> list["Option"]:
        return [o for o in self.options if o.is_row]


class Option(db.Model):
    """A choice (or a matrix row). Answers refer to it by id: wording fixes keep meaning."""

    __tablename__ = "survey_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))
    code: Mapped[str] = mapped_column(String(40), default="")
    is_row: Mapped[bool] = mapped_column(default=False)
    is_other: Mapped[bool] = mapped_column(default=False)  # "other, please specify"
    score: Mapped[Optional[int]]

    question = relationship("Question", back_populates="options")

    @property
    def matter(self):
        return self.question.survey.matter


class SampleTarget(db.Model):
    """Planned sample size for one respondent group (an option of the group question)."""

    __tablename__ = "survey_targets"
    __table_args__ = (UniqueConstraint("survey_id", "option_id", name="uq_survey_targets_survey_option"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("survey_options.id", ondelete="CASCADE"))
    target: Mapped[int] = mapped_column(Integer)

    option = relationship("Option")


class InvitationCode(db.Model):
    __tablename__ = "survey_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    batch: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[Optional[datetime]]


class SmsCode(db.Model):
    """A one-time code sent to a phone; the phone is kept only as a keyed hash."""

    __tablename__ = "survey_sms_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    phone_hash: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[Optional[datetime]]

    __table_args__ = (Index("ix_survey_sms_codes_lookup", "survey_id", "phone_hash"),)


class Response(db.Model):
    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "phone_hash", name="uq_survey_responses_phone"),
        Index("ix_survey_responses_survey_time", "survey_id", "submitted_at"),
        Index("ix_survey_responses_device", "survey_id", "device_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    receipt_code: Mapped[str] = mapped_column(String(16), unique=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    enumerator: Mapped[Optional[str]] = mapped_column(String(100))
    entered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    device_hash: Mapped[Optional[str]] = mapped_column(String(64))
    client_hash: Mapped[Optional[str]] = mapped_column(String(64))
    phone_hash: Mapped[Optional[str]] = mapped_column(String(64))
    invitation_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="SET NULL"), unique=True)
    answers_hash: Mapped[str] = mapped_column(String(64), default="")  # choice answers only
    is_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Facts the 知晓率/支持率 breakdowns need, copied from the answers at submit time: the option
    # chosen on the survey's group, distance, awareness and support questions (NULL: unanswered).
    # Re-derived from survey_answers when a definition points at another question (refresh_facts).
    group_option_id: Mapped[Optional[int]]
    distance_option_id: Mapped[Optional[int]]
    aware_option_id: Mapped[Optional[int]]
    support_option_id: Mapped[Optional[int]]

    survey = relationship("Survey")

    @property
    def matter(self):
        return self.survey.matter

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]

    @property
    def receipt_display(self) -> str:
        return f"{self.receipt_code[:5]}-{self.receipt_code[5:]}"


class Answer(db.Model):
    """One row per choice (option_id), per matrix row (row_id + option_id) or per value.

    The hot table of the submit path: only response_id is a foreign key (cascade). survey_id,
    question_id, option_id and row_id are checked by the application instead - answers are
    validated against the structure and stored only if its version is unchanged, and answered
    questions/options cannot be deleted - because each foreign key would lock the shared
    question/option rows for every concurrent submission (FOR KEY SHARE: multixacts).
    """

    __tablename__ = "survey_answers"
    __table_args__ = (
        Index("ix_survey_answers_count", "survey_id", "question_id", "option_id", "row_id"),
        Index("ix_survey_answers_question_response", "question_id", "response_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[int]
    question_id: Mapped[int]
    option_id: Mapped[Optional[int]]
    row_id: Mapped[Optional[int]]
    value_text: Mapped[Optional[str]] = mapped_column(Text)
    value_number: Mapped[Optional[float]] = mapped_column(Float)
