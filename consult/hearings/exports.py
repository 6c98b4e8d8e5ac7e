"""Sign-in sheet (签到表) and participant list: rows with personal data masked unless allowed."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from sqlalchemy import select

from consult.crypto import decrypt, mask_name
from consult.extensions import db
from consult.hearings.models import SEAT_HOLDING, Meeting, Registration
from consult.timeutil import format_local

HEADERS = ["序号", "类别", "姓名", "手机号", "与事项关系", "态度", "入场码", "签到时间", "本人签名"]


def sheet_rows(meeting: Meeting, *, show_personal: bool) -> list[list[str]]:
    regs = db.session.scalars(select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.status.in_(SEAT_HOLDING))
        .order_by(Registration.category_id, Registration.draw_rank, Registration.id))
    rows = []
    for n, r in enumerate(regs, start=1):
        name = (r.name or "") if show_personal else mask_name(r.name)
        phone = (decrypt(r.phone_enc) or "") if show_personal else (r.phone_masked or "")
        rows.append([str(n), r.category.name, name, phone, r.relation, r.stance_label, r.ticket_code,
                     format_local(r.checked_in_at, "%H:%M") if r.checked_in_at else "", ""])
    return rows


def sheet_xlsx(meeting: Meeting, *, show_personal: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "签到表"
    ws.append([f"{meeting.title} 签到表"])
    ws.append([f"时间：{format_local(meeting.starts_at)}    地点：{meeting.venue or meeting.online_link}"])
    ws.append(HEADERS)
    for row in sheet_rows(meeting, show_personal=show_personal):
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # text starting with "=" is the resident's text, never a formula
                cell.data_type = "s"
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws["A1"].font = Font(size=14, bold=True)
    for col, width in zip("ABCDEFGHI", (6, 16, 10, 14, 24, 10, 10, 10, 16)):
        ws.column_dimensions[col].width = width
    ws.print_title_rows = "3:3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
