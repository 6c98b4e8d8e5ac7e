"""Notice and comment figures for the dashboard and matter page."""
from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.extensions import db
from consult.matters.counts import Figure, register
from consult.notices.models import Comment, CommentStatus, Notice, NoticeStatus


def _grouped(stmt) -> dict[int, int]:
    return dict(db.session.execute(stmt.group_by(Comment.matter_id)).all())


@register
def notice_figures(matter_ids: list[int], now: datetime) -> dict[int, list[Figure]]:
    base = select(Comment.matter_id, func.count()).where(Comment.matter_id.in_(matter_ids))
    pending = _grouped(base.where(Comment.status == CommentStatus.PENDING))
    unreplied = _grouped(base.where(Comment.reply.is_(None), Comment.status != CommentStatus.REJECTED))
    open_ends = dict(db.session.execute(
        select(Notice.matter_id, func.max(Notice.ends_at)).where(
            Notice.matter_id.in_(matter_ids), Notice.status == NoticeStatus.PUBLISHED,
            Notice.starts_at <= now, Notice.ends_at > now).group_by(Notice.matter_id)).all())
    out = {}
    for mid in matter_ids:
        url = url_for("notices_staff.comments", matter_id=mid)
        figs = [Figure(_("待审核"), pending.get(mid, 0), url + "?status=pending", urgent=pending.get(mid, 0) > 0),
                Figure(_("待答复"), unreplied.get(mid, 0), url + "?status=unreplied", urgent=unreplied.get(mid, 0) > 0)]
        if mid in open_ends:
            ends = open_ends[mid] if open_ends[mid].tzinfo else open_ends[mid].replace(tzinfo=now.tzinfo)
            left = (ends - now).days + (1 if (ends - now).seconds else 0)
            figs.append(Figure(_("公示剩余天数"), left))
        out[mid] = figs
    return out
