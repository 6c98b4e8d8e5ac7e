""""You said, we did" (您说，我们做): a public response per curated risk point.

A published response shows on the matter's notice pages and on the receipt page of every
resident whose text is in the point (comments, questionnaire answers, hearing-registration
发言要点: the voices' source_ref tells whose text it is). A resident who left a phone with a
comment gets one SMS the first time a published response reaches that comment; the
ResponseNotice row makes sure edits and re-publishing never text them again.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.analysis.models import PointState, RiskPoint, Voice, VoiceSource
from consult.audit.services import record, snapshot
from consult.crypto import decrypt
from consult.extensions import db
from consult.messaging.services import queue_sms
from consult.notices.models import Comment
from consult.permissions import require
from consult.register.items import RegisterError
from consult.register.models import ResponseNotice

RESPONSE_FIELDS = ("public_response", "response_published_at", "response_by_id")
SMS_PURPOSE = "register.response"


def publish_response(point: RiskPoint, *, actor, text: str, now: datetime) -> list[int]:
    """Publish (or edit) the point's response. Returns the ids of SMS messages queued."""
    require(actor, "matter.analyse", point)
    if point.state == PointState.MERGED:
        raise RegisterError(_("该风险点已合并到其他风险点，请在合并后的风险点上答复。"), "text")
    if not (text or "").strip():
        raise RegisterError(_("请填写答复内容。"), "text")
    before = snapshot(point, RESPONSE_FIELDS)
    point.public_response, point.response_by_id = text, actor.id
    point.response_published_at = point.response_published_at or now
    after = snapshot(point, RESPONSE_FIELDS)
    if after != before:
        record(actor=actor, action="risk_point.publish_response", obj=point, matter_id=point.matter_id,
               before=before, after=after)
    return _notify_commenters(point)


def withdraw_response(point: RiskPoint, *, actor, now: datetime) -> RiskPoint:
    """Take the response off the public pages; its text is kept for re-publishing."""
    require(actor, "matter.analyse", point)
    if point.response_published_at is None:
        raise RegisterError(_("该答复尚未公开。"), "text")
    before = snapshot(point, RESPONSE_FIELDS)
    point.response_published_at = None
    record(actor=actor, action="risk_point.withdraw_response", obj=point, matter_id=point.matter_id,
           before=before, after=snapshot(point, RESPONSE_FIELDS))
    return point


def _comment_ids(point: RiskPoint) -> list[int]:
    refs = db.session.scalars(select(Voice.source_ref).where(
        Voice.matter_id == point.matter_id, Voice.point_id == point.id, Voice.source == VoiceSource.COMMENT,
        Voice.is_excluded.is_(False)))
    return [int(ref.split(":", 1)[1]) for ref in refs]


def _notify_commenters(point: RiskPoint) -> list[int]:
    ids = _comment_ids(point)
    if not ids:
        return []
    told = select(ResponseNotice.comment_id)
    comments = db.session.scalars(select(Comment).where(
        Comment.id.in_(ids), Comment.phone_enc.is_not(None), Comment.id.not_in(told)).order_by(Comment.id))
    by_phone: dict[str, list[Comment]] = {}
    for c in comments:  # one resident, several comments in the point: one SMS
        by_phone.setdefault(decrypt(c.phone_enc), []).append(c)
    queued = []
    for phone, theirs in by_phone.items():
        first = theirs[0]
        body = _("您对“%(t)s”提出的意见已有公开答复，请凭回执码 %(code)s 查看。",
                 t=first.matter.title[:30], code=first.receipt_display)
        msg = queue_sms(phone, body, purpose=SMS_PURPOSE)
        db.session.add_all([ResponseNotice(comment_id=c.id, risk_point_id=point.id, message_id=msg.id)
                            for c in theirs])
        queued.append(msg.id)
    db.session.flush()
    return queued


# --- what residents see -------------------------------------------------------------------
def _published():
    return (RiskPoint.response_published_at.is_not(None), RiskPoint.public_response.is_not(None),
            RiskPoint.state != PointState.MERGED)


def published_for_matter(matter_id: int) -> list[tuple[RiskPoint, int]]:
    """Published responses of a matter with the live number of texts in each point."""
    texts = (select(func.count(Voice.id)).where(Voice.matter_id == matter_id, Voice.point_id == RiskPoint.id,
                                                Voice.is_excluded.is_(False))  # (matter_id, point_id) index
             .correlate(RiskPoint).scalar_subquery())
    stmt = (select(RiskPoint, texts).where(RiskPoint.matter_id == matter_id, *_published())
            .order_by(RiskPoint.response_published_at, RiskPoint.id))
    return [(p, n) for p, n in db.session.execute(stmt)]


def published_for_refs(matter_id: int, refs: list[str]) -> list[RiskPoint]:
    """Published responses to the points holding any of these texts (source_ref list)."""
    if not refs:
        return []
    holding = select(Voice.point_id).where(Voice.matter_id == matter_id, Voice.source_ref.in_(refs),
                                           Voice.is_excluded.is_(False))
    stmt = select(RiskPoint).where(RiskPoint.id.in_(holding), *_published()).order_by(RiskPoint.id)
    return list(db.session.scalars(stmt))


def _receipt_texts(kind: str, obj) -> tuple[int, list[str]]:
    """The matter and the pool's source_ref of every text a receipt holds."""
    if kind == "comment":
        return obj.matter_id, [f"comment:{obj.id}"]
    if kind == "registration":
        return obj.meeting.matter_id, [f"registration:{obj.public_id}"]
    if kind == "survey":
        from consult.surveys.models import Answer

        ids = db.session.scalars(select(Answer.id).where(Answer.response_id == obj.id,
                                                         Answer.value_text.is_not(None)))
        return obj.survey.matter_id, [f"survey:{i}" for i in ids]
    raise ValueError(kind)


def published_for_receipt(kind: str, obj) -> list[RiskPoint]:
    """Responses a resident sees on a receipt page: kind is comment, survey or registration."""
    return published_for_refs(*_receipt_texts(kind, obj))
