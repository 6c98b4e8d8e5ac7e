"""Messages to registrants, queued in the outbox and delivered after the commit."""
from __future__ import annotations

from consult.crypto import decrypt
from consult.hearings.models import ACTIVE, Registration, RegStatus
from consult.messaging.services import queue_sms
from consult.timeutil import format_local

TEMPLATES = {
    "received": "您已报名“{title}”（{when}）。回执码 {receipt}，可凭回执码查看抽签结果或取消报名。",
    "received_first_come": "您已报名“{title}”（{when}），{result}。回执码 {receipt}，可凭回执码查看入场凭证或取消报名。",
    "selected": "您已入选“{title}”参加人员。时间：{when}，地点：{venue}。请凭回执码 {receipt} 查看入场凭证。",
    "waiting": "“{title}”报名结果：您列入候补第 {position} 位。如有入选者取消，将按顺序递补并短信通知。",
    "not_selected": "“{title}”报名结果：很遗憾您未入选。您仍可通过公示页面发表意见，感谢参与。",
    "promoted": "有入选者取消参加，您已由候补递补入选“{title}”。时间：{when}，地点：{venue}。请凭回执码 {receipt} 查看入场凭证。",
    "reminder": "提醒：您报名的“{title}”将于 {when} 在 {venue} 召开，请凭回执码 {receipt} 打开入场凭证签到。",
    "changed": "您报名的“{title}”有变更：时间 {when}，地点 {venue}。如不能参加，请凭回执码取消报名。",
    "cancelled": "您报名的“{title}”已取消。原因：{reason}。感谢您的关注。",
    "cancel_done": "您已取消报名“{title}”。",
}


def venue_of(meeting) -> str:
    return meeting.venue or meeting.online_link or "另行通知"


def body(kind: str, reg: Registration, **extra) -> str:
    m = reg.meeting
    values = dict(title=m.title, when=format_local(m.starts_at), venue=venue_of(m), public_id=reg.public_id,
                  receipt=reg.receipt_display, ticket=reg.ticket_code, position=reg.waitlist_position or "",
                  result=reg.status_label, reason=m.cancel_reason or "")
    values.update(extra)
    return TEMPLATES[kind].format(**values)


def tell(reg: Registration, kind: str, **extra) -> None:
    phone = decrypt(reg.phone_enc)
    if phone:
        queue_sms(phone, body(kind, reg, **extra), purpose=f"hearing.{kind}")


def tell_result(reg: Registration) -> None:
    kind = {RegStatus.SELECTED: "selected", RegStatus.PROMOTED: "promoted", RegStatus.WAITING: "waiting",
            RegStatus.NOT_SELECTED: "not_selected"}.get(reg.status)
    if kind:
        tell(reg, kind)


def tell_all(registrations, kind: str) -> int:
    n = 0
    for reg in registrations:
        if reg.status in ACTIVE:
            tell(reg, kind)
            n += 1
    return n
