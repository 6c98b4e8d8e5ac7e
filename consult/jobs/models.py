from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.matters.models import _enum
from consult.models import utcnow


class JobStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


JOB_STATUS_LABELS = {JobStatus.QUEUED: _l("排队中"), JobStatus.RUNNING: _l("进行中"),
                     JobStatus.DONE: _l("已完成"), JobStatus.FAILED: _l("失败")}


class JobRun(db.Model):
    """Long work (exports, analysis runs) with progress that staff can watch."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    matter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[Optional[str]] = mapped_column(Text)
    result_key: Mapped[Optional[str]] = mapped_column(String(255))
    result_name: Mapped[Optional[str]] = mapped_column(String(255))
    result_mimetype: Mapped[Optional[str]] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[Optional[datetime]]
    finished_at: Mapped[Optional[datetime]]
    # outbox: what to run ("module:function" and JSON ids), so the sweeper and "retry" can
    # queue it again; when it is next due; a running job's last sign of life
    func: Mapped[Optional[str]] = mapped_column(String(200))
    args_json: Mapped[Optional[str]] = mapped_column(Text)
    dispatches: Mapped[int] = mapped_column(default=1)
    next_attempt_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    heartbeat_at: Mapped[Optional[datetime]]

    matter = relationship("Matter")

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def can_retry(self) -> bool:
        return self.status == JobStatus.FAILED and bool(self.func)

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def status_label(self) -> str:
        return str(JOB_STATUS_LABELS[self.status])
