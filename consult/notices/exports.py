"""The organiser's comment list as CSV (UTF-8 with BOM for Excel); personal data masked.

Names and phones are always masked. For a role without personal-data access (an assessor) the
phone and ID numbers a resident typed into the text are masked too and receipt codes are left
out, as on the staff comment list."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from consult.crypto import mask_name, mask_numbers_in_text
from consult.notices.models import Comment
from consult.tabular import safe_cell
from consult.timeutil import format_local

def _cell(value) -> str:
    return safe_cell("" if value is None else str(value))  # never a formula in Excel


def comments_csv(comments: list[Comment], *, personal: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("回执码"), _("提交时间"), _("态度"), _("状态"), _("意见内容"), _("姓名"), _("手机号"),
                     _("答复"), _("采纳情况"), _("理由")])
    for c in comments:
        writer.writerow([_cell(v) for v in (
            c.receipt_display if personal else "", format_local(c.created_at), c.stance_label, c.status_label,
            c.body if personal else mask_numbers_in_text(c.body),
            mask_name(c.author_name) if c.author_name else "", c.phone_masked or "", c.reply or "",
            c.adoption_label, c.adoption_reason or "")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
