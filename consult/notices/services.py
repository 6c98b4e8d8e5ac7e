"""Notices (公示): write, publish, withdraw, attach documents, list for residents."""
from __future__ import annotations

from flask_babel import gettext as _

from dataclasses import dataclass
from datetime import datetime, timedelta

import filetype
from flask import current_app
from sqlalchemy import func, or_, select

from consult.audit.services import record, snapshot
from consult.extensions import db
from consult.jobs import enqueue_after_commit
from consult.matters.models import Matter, MatterKind, MatterStatus
from consult.notices.markup import render_markdown
from consult.notices.models import Attachment, Notice, NoticeRevision, NoticeStatus
from consult.permissions import require
from consult.storage import storage

FIELDS = ("title", "body_md", "starts_at", "ends_at", "short_period_reason", "status")
# what residents are told changed in a published notice, in form order
REVISED_FIELDS = ("title", "body_md", "starts_at", "ends_at", "short_period_reason")
ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


class NoticeError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_period(starts_at: datetime, ends_at: datetime, reason: str | None) -> None:
    if ends_at <= starts_at:
        raise NoticeError(_("结束时间必须晚于开始时间。"), "ends_at")
    minimum = current_app.config["NOTICE_MIN_DAYS"]
    if ends_at - starts_at < timedelta(days=minimum) and not (reason or "").strip():
        raise NoticeError(_("公示期少于 %(d)s 天，请填写缩短公示期的理由。", d=minimum), "short_period_reason")


def _apply(notice: Notice, *, title, body, starts_at, ends_at, short_period_reason) -> None:
    """body: Markdown (plain text and simple HTML also work); rendered and sanitised once here."""
    check_period(starts_at, ends_at, short_period_reason)
    notice.title = title
    notice.body_md = body
    notice.body_html = render_markdown(body)
    notice.starts_at, notice.ends_at = starts_at, ends_at
    short = ends_at - starts_at < timedelta(days=current_app.config["NOTICE_MIN_DAYS"])
    notice.short_period_reason = short_period_reason if short else None


def create_notice(matter: Matter, *, actor, **values) -> Notice:
    require(actor, "matter.manage", matter)
    notice = Notice(matter_id=matter.id, status=NoticeStatus.DRAFT)
    _apply(notice, **values)  # validates before anything is added to the session
    db.session.add(notice)
    db.session.flush()
    record(actor=actor, action="notice.create", obj=notice, matter_id=matter.id,
           after=snapshot(notice, FIELDS))
    return notice


def update_notice(notice: Notice, *, actor, **values) -> Notice:
    require(actor, "matter.manage", notice)
    before = snapshot(notice, FIELDS)
    _apply(notice, **values)
    db.session.flush()
    after = snapshot(notice, FIELDS)
    if after != before:
        record(actor=actor, action="notice.update", obj=notice, matter_id=notice.matter_id,
               before=before, after=after)
        if notice.is_published:
            _keep_revision(notice, actor, before, after)
    return notice


def _keep_revision(notice: Notice, actor, before: dict, after: dict) -> None:
    """Residents see that a published notice changed, when, and what."""
    changed = [f for f in REVISED_FIELDS if before.get(f) != after.get(f)]
    if changed:
        notice.revisions.append(NoticeRevision(
            revised_by_id=getattr(actor, "id", None), changed=changed,
            previous={f: before.get(f) for f in changed}, current={f: after.get(f) for f in changed}))


def publish_notice(notice: Notice, *, actor, now: datetime) -> Notice:
    require(actor, "matter.manage", notice)
    if notice.is_published:
        raise NoticeError(_("公示已发布。"))
    if notice.ends_at <= now:
        raise NoticeError(_("公示结束时间已过，请先修改时间。"), "ends_at")
    before = snapshot(notice, ("status",))
    notice.status, notice.published_at = NoticeStatus.PUBLISHED, now
    record(actor=actor, action="notice.publish", obj=notice, matter_id=notice.matter_id,
           before=before, after=snapshot(notice, ("status",)))
    matter = notice.matter
    if matter.status == MatterStatus.DRAFT:
        matter.status = MatterStatus.CONSULTING
        record(actor=actor, action="matter.status", obj=matter, matter_id=matter.id,
               before={"status": "draft"}, after={"status": "consulting"}, note="发布公示")
    return notice


def withdraw_notice(notice: Notice, *, actor, reason: str) -> Notice:
    require(actor, "matter.manage", notice)
    if not notice.is_published:
        raise NoticeError(_("只能撤回已发布的公示。"))
    if not reason.strip():
        raise NoticeError(_("请填写撤回理由。"), "reason")
    notice.status = NoticeStatus.WITHDRAWN
    record(actor=actor, action="notice.withdraw", obj=notice, matter_id=notice.matter_id,
           before={"status": "published"}, after={"status": "withdrawn"}, note=reason)
    return notice


def add_attachment(notice: Notice, *, actor, filename: str, data: bytes) -> Attachment:
    require(actor, "matter.manage", notice)
    limit = current_app.config["UPLOAD_MAX_MB"] * 1024 * 1024
    if not data:
        raise NoticeError(_("文件“%(f)s”是空文件。", f=filename), "attachments")
    if len(data) > limit:
        raise NoticeError(_("文件“%(f)s”超过 %(mb)s MB。", f=filename, mb=current_app.config["UPLOAD_MAX_MB"]),
                          "attachments")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise NoticeError(_("文件“%(f)s”不是 PDF、JPEG 或 PNG 文件（按文件内容判断）。", f=filename), "attachments")
    try:
        key, digest = storage().save(data, ALLOWED_TYPES[kind.mime])
    except OSError:  # disk full or not writable: refuse the whole save, clearly
        raise NoticeError(_("文件“%(f)s”未能保存：服务器存储空间不足或不可写。本次修改均未保存，请稍后重试或联系管理员。",
                            f=filename), "attachments") from None
    att = Attachment(notice=notice, filename=_safe_filename(filename, ALLOWED_TYPES[kind.mime]),
                     content_type=kind.mime, size=len(data), storage_key=key, sha256=digest,
                     uploaded_by_id=actor.id)
    db.session.add(att)
    record(actor=actor, action="attachment.add", obj=att, matter_id=notice.matter_id,
           after={"filename": att.filename, "size": att.size, "sha256": digest})
    return att


def remove_attachment(att: Attachment, *, actor) -> None:
    require(actor, "matter.manage", att)
    record(actor=actor, action="attachment.remove", obj=att, matter_id=att.notice.matter_id,
           before={"filename": att.filename, "sha256": att.sha256})
    db.session.delete(att)  # the audit log keeps the name and hash; the file goes once this commits
    enqueue_after_commit(delete_stored_file, att.storage_key)


def delete_stored_file(key: str) -> None:
    """Job: remove a file that no row refers to any more."""
    from consult.storage import storage

    storage().delete(key)


def _safe_filename(name: str, ext: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "附件"
    name = "".join(ch for ch in name if ch.isprintable())[:200]
    return name if name.lower().endswith(ext) or (ext == ".jpg" and name.lower().endswith(".jpeg")) else name + ext


@dataclass
class NoticeFilter:
    kind: MatterKind | None = None
    area: str = ""
    state: str = "open"  # open | closed | all
    q: str = ""


def public_notices(f: NoticeFilter, *, now: datetime, page: int = 1, per_page: int = 20):
    stmt = (
        select(Notice).join(Notice.matter)
        .where(Notice.status == NoticeStatus.PUBLISHED, Notice.starts_at <= now)
    )
    if f.state == "open":
        stmt = stmt.where(Notice.ends_at > now)
    elif f.state == "closed":
        stmt = stmt.where(Notice.ends_at <= now)
    if f.kind:
        stmt = stmt.where(Matter.kind == f.kind)
    if f.area:
        stmt = stmt.where(Matter.area.contains(f.area, autoescape=True))
    if f.q:
        stmt = stmt.where(or_(*(c.contains(f.q, autoescape=True)
                                for c in (Notice.title, Notice.body_html, Matter.title, Matter.location))))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(
        stmt.order_by(Notice.ends_at.desc() if f.state == "closed" else Notice.starts_at.desc())
        .limit(per_page).offset((page - 1) * per_page)
    )
    return list(rows), total


def public_areas(now: datetime) -> list[str]:
    stmt = (select(Matter.area).join(Notice, Notice.matter_id == Matter.id)
            .where(Notice.status == NoticeStatus.PUBLISHED, Notice.starts_at <= now, Matter.area != "")
            .distinct().order_by(Matter.area))
    return list(db.session.scalars(stmt))
