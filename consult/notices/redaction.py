"""Redact a phone number or a name inside an otherwise substantive comment, instead of hiding it.

The public text (and the text the analysis reads) loses the personal detail; the original is kept
for staff with access to personal data; the audit log says that and how much was redacted, without
copying the personal data into the log.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _

from consult.audit.services import record
from consult.notices.comments import CommentError
from consult.notices.models import Comment
from consult.permissions import require

MARK = "（已隐去）"
PHONE_LIKE = re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d){8}(?!\d)")


def suggested_redactions(comment: Comment) -> list[str]:
    """Phone numbers in the text, offered to the moderator."""
    return PHONE_LIKE.findall(comment.body)


def redact_comment(comment: Comment, *, actor, words: list[str], now: datetime) -> Comment:
    require(actor, "matter.manage", comment)
    words = [w.strip() for w in words if w and w.strip()]
    if not words:
        raise CommentError(_("请填写要隐去的文字（每行一处，例如手机号或姓名）。"), "words")
    missing = [w for w in words if w not in comment.body]
    if missing:
        raise CommentError(_("意见中没有找到：%(w)s", w="、".join(missing)), "words")
    body, count = comment.body, 0
    for w in sorted(set(words), key=len, reverse=True):
        count += body.count(w)
        body = body.replace(w, MARK)
    if not body.replace(MARK, "").strip():
        raise CommentError(_("隐去后意见没有剩下内容，请改用“不予公开”。"), "words")
    if comment.body_original is None:
        comment.body_original = comment.body
    comment.body, comment.redacted_at = body, now
    record(actor=actor, action="comment.redact", obj=comment, matter_id=comment.matter_id,
           after={"redacted": count}, note=_("隐去个人信息 %(n)s 处（原文保留，仅有权查看个人信息的人员可见）", n=count))
    return comment
