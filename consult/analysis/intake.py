"""Staff intake: paper comments, door-to-door visits (入户走访) and symposium notes (座谈会).

One record at a time through the form (a double submission of the same form stores it once:
the form carries a key that becomes the voice's source_ref), or a batch from the Excel
template: every row valid or nothing stored, errors by row and column.
"""
from __future__ import annotations

import io
import re
import uuid
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import select

from consult.analysis.imports import Cells, PoolImportError, Result, read_xlsx, row_ref, store_rows
from consult.analysis.models import (SOURCE_LABELS, VOICE_STANCE_LABELS, Voice, VoiceSource, VoiceStance)
from consult.analysis.voices import apply_escalation, text_hash
from consult.audit.services import record
from consult.extensions import db
from consult.permissions import require

STAFF_SOURCES = (VoiceSource.PAPER, VoiceSource.VISIT, VoiceSource.SYMPOSIUM)
MAX_TEXT = 10000
KEY_RE = re.compile(r"^[0-9a-f]{32}$")


class IntakeError(Exception):
    def __init__(self, message: str, field: str = "text"):
        super().__init__(message)
        self.field = field


def new_key() -> str:
    return uuid.uuid4().hex


def add_voice(matter, *, actor, now: datetime, source: VoiceSource, key: str, text: str, occurred_at: datetime,
              stance: VoiceStance, recorder: str, household: str = "", group: str = "", author: str = "",
              title: str | None = None) -> tuple[Voice, bool]:
    """Store one staff-entered text. Returns (voice, created); the same key twice stores it once."""
    require(actor, "matter.analyse", matter)
    if source not in STAFF_SOURCES:
        raise IntakeError(_("请选择来源：纸质意见、入户走访或座谈会。"), "source")
    if not KEY_RE.match(key or ""):
        raise IntakeError(_("页面已过期，请刷新后重新录入。"), "key")
    if not text or not text.strip():
        raise IntakeError(_("请填写意见内容。"), "text")
    if occurred_at > now or occurred_at.year < 2000:
        raise IntakeError(_("时间应在 2000 年之后，且不晚于现在。"), "occurred_at")
    ref = f"{source.value}:{key}"
    existing = db.session.scalar(select(Voice).where(Voice.matter_id == matter.id, Voice.source_ref == ref))
    if existing is not None:
        return existing, False
    voice = Voice(matter_id=matter.id, source=source, source_ref=ref, title=title or None, text=text,
                  text_hash=text_hash(text, title), raw_stance=stance.value, stance=stance, group=group,
                  household=household, author=author, recorder=recorder, occurred_at=occurred_at,
                  recorded_by_id=actor.id, created_at=now, updated_at=now)
    apply_escalation(voice)
    db.session.add(voice)
    record(actor=actor, action="voice.add", obj=voice, matter_id=matter.id,
           after={"source": source.value, "source_ref": ref, "stance": stance.value, "chars": len(text)})
    return voice, True


# --- batch import ---------------------------------------------------------------------

INTAKE_ALIASES = {
    "来源": "source", "source": "source", "时间": "time", "time": "time", "记录人": "recorder",
    "recorder": "recorder", "户/楼号/单位": "household", "户": "household", "household": "household",
    "群体": "group", "group": "group", "受访人": "author", "author": "author", "态度": "stance",
    "stance": "stance", "标题或议题": "title", "标题": "title", "title": "title", "内容": "text", "text": "text",
}
COLUMNS = (("来源", "纸质意见 / 入户走访 / 座谈会记录"), ("时间", "如 2026-11-20 14:30"), ("记录人", "走访或记录的工作人员"),
           ("户/楼号/单位", "如 和平新村12号楼3单元，不写姓名"), ("群体", "如 紧邻住户、学生家长"),
           ("受访人", "化名或姓氏，可空"), ("态度", "支持 / 有条件支持 / 中立或其他 / 反对"),
           ("标题或议题", "可空"), ("内容", "意见原文"))
_SOURCE_BY_LABEL = {str(SOURCE_LABELS[s]): s for s in STAFF_SOURCES} | {s.value: s for s in STAFF_SOURCES} | {
    "纸质": VoiceSource.PAPER, "走访": VoiceSource.VISIT, "座谈会": VoiceSource.SYMPOSIUM}
_STANCE_BY_LABEL = {str(label): s for s, label in VOICE_STANCE_LABELS.items()} | {s.value: s for s in VoiceStance} | {
    "中立": VoiceStance.OTHER, "其他": VoiceStance.OTHER}


def template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "录入"
    ws.append([name for name, _ in COLUMNS])
    ws.append([f"（{hint}）" for _, hint in COLUMNS])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="FDF1F0")
    for letter in "ABCDEFGHI":
        ws.column_dimensions[letter].width = 20
    ws.column_dimensions["I"].width = 60
    ws.freeze_panes = "A3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _is_hint_row(values: dict) -> bool:
    return all(isinstance(v, str) and v.startswith("（") for v in values.values() if v not in (None, ""))


def _choice(cells: Cells, key: str, table: dict, message: str):
    value = cells.values.get(key)
    value = value.strip() if isinstance(value, str) else value
    if value in table:
        return table[value]
    cells.error(key, message if value in (None, "") else f"无法识别“{str(value)[:20]}”：{message}")
    return None


def _intake_row(cells: Cells, now: datetime) -> dict:
    source = _choice(cells, "source", _SOURCE_BY_LABEL, "来源应为“纸质意见”“入户走访”或“座谈会记录”。")
    at = cells.time("time", now)
    recorder = cells.text("recorder", "记录人", required=True, max_chars=100)
    household = cells.text("household", "户/楼号/单位", required=False, max_chars=200)
    group = cells.text("group", "群体", required=False, max_chars=100)
    author = cells.text("author", "受访人", required=False, max_chars=100)
    stance = _choice(cells, "stance", _STANCE_BY_LABEL, "态度应为“支持”“有条件支持”“中立或其他”或“反对”。")
    title = cells.text("title", "标题或议题", required=False, max_chars=300)
    text = cells.text("text", "内容", required=True, max_chars=MAX_TEXT)
    ref = row_ref(source.value if source else "", source, at, recorder, household, author, title, text)
    return {"source": source, "occurred_at": at, "recorder": recorder, "household": household, "group": group,
            "author": author, "raw_stance": stance.value if stance else "", "stance": stance,
            "title": title or None, "text": text, "source_ref": ref}


def import_intake(matter, data: bytes, *, actor, now: datetime) -> Result:
    """Import the filled template; all rows valid or nothing stored."""
    require(actor, "matter.analyse", matter)
    if not data:
        raise PoolImportError(_("请选择要上传的文件。"))
    sheet = read_xlsx(data, INTAKE_ALIASES)
    if {"source", "time", "recorder", "stance", "text"} - sheet.keys:
        raise PoolImportError(_("文件不是本系统的录入模板（缺少列），请重新下载模板。"))
    rows = [r for r in sheet.rows if not _is_hint_row(r[1])]
    if not rows:
        raise PoolImportError(_("文件中没有可导入的记录（从第 3 行开始填写）。"))
    result, ready = Result(), []
    for rownum, values, names in rows:
        ready.append(_intake_row(Cells(rownum, values, names, result.errors), now))
    if result.errors:
        return result
    result.stored, result.skipped = store_rows(matter, ready, actor=actor, now=now)
    record(actor=actor, action="voice.import_intake", obj=matter, matter_id=matter.id,
           after={"stored": result.stored, "skipped": result.skipped})
    return result
