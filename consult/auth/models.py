from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Enum, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from consult.extensions import db
from consult.models import TimestampMixin


class Role(enum.Enum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    ASSESSOR = "assessor"
    EXPERT = "expert"          # reviewer from the expert library: sees only versions sent to them
    SUPERVISOR = "supervisor"  # 政法委 / 维稳办: reads and acknowledges filed reports of supervised organisations


ROLE_LABELS = {Role.ADMIN: _l("系统管理员"), Role.ORGANISER: _l("组织者"), Role.ASSESSOR: _l("评估人员"),
               Role.EXPERT: _l("评审专家"), Role.SUPERVISOR: _l("备案审查（政法委）")}

memberships = Table(
    "memberships",
    db.Model.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)

# supervisor (政法委 / 维稳办 staff) ↔ organisations whose filed reports it receives
supervisions = Table(
    "supervisions",
    db.Model.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(String(1000), default="")

    members: Mapped[list["User"]] = relationship(secondary=memberships, back_populates="organisations")


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[Optional[datetime]]
    last_login_at: Mapped[Optional[datetime]]
    email: Mapped[Optional[str]] = mapped_column(String(254))  # work mailbox for notices (escalated warnings)
    # bumped on logout, password change and role change: older session cookies stop working
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=memberships, back_populates="members", lazy="selectin"
    )
    supervised: Mapped[list[Organisation]] = relationship(secondary=supervisions, lazy="selectin")

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot log in
        return self.is_enabled

    @property
    def organisation_ids(self) -> set[int]:
        return {o.id for o in self.organisations}

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def set_password(self, password: str) -> None:
        from flask import current_app

        # scrypt by default; tests set a cheap method so thousands of accounts stay fast
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login stores this in the session; the loader checks both parts
        return f"{self.id}:{self.session_version or 0}"

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


class LoginThrottle(db.Model):
    """Failed logins per (username, client address), keyed hash only: one address cannot
    lock an account for everyone else."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[Optional[datetime]]
    updated_at: Mapped[datetime]
