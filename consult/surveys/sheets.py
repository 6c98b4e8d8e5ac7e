"""Spreadsheets: the paper-entry template and import (all rows valid or nothing stored),
and CSV / XLSX exports streamed from the database in chunks."""
from __future__ import annotations

from flask_babel import gettext as _

import csv
import io
import re
from datetime import datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from consult.audit.services import record
from consult.crypto import mask_value, unseal
from consult.extensions import db
from consult.permissions import require
from consult.surveys.answering import read_answers
from consult.surveys.builder import SurveyError
from consult.surveys.models import CHANNEL_LABELS, Answer, Channel, QuestionKind, Response
from consult.surveys.responses import _insert_response
from consult.surveys.spec import QSpec, SurveySpec
from consult.tabular import safe_cell as _safe_cell, xlsx_cell as _xlsx_cell  # noqa: F401 (used by tests)
from consult.timeutil import format_local

MAX_IMPORT_ROWS = 5000
SEPARATORS = re.compile(r"[,，、;；\s]+")
PAPER_CHANNELS = {CHANNEL_LABELS[c]: c for c in (Channel.PAPER, Channel.DOOR, Channel.SYMPOSIUM)}


def columns(spec: SurveySpec) -> list[tuple[str, str, QSpec | None]]:
    """(machine key, header, question) for every answer column."""
    cols = []
    for q in spec.questions:
        head = f"Q{q.number} {q.text[:40]}"
        if q.kind == QuestionKind.MATRIX:
            cols += [(f"{q.field}_r{r.id}", f"{head}：{r.label}", q) for r in q.rows]
            continue
        cols.append((q.field, head, q))
        if q.has_other:
            cols.append((f"{q.field}_other", f"Q{q.number} 其他（请注明）", q))
    return cols


def _codes(q: QSpec) -> str:
    if q.kind == QuestionKind.NUMBER:
        rng = f"{'' if q.min_value is None else q.min_value}–{'' if q.max_value is None else q.max_value}"
        return f"填数字 {rng}"
    if not q.is_choice:
        return "填文字"
    listed = "；".join(f"{i}={o.label}" for i, o in enumerate(q.options, 1))
    return ("多选，编号用逗号分隔：" if q.kind == QuestionKind.MULTIPLE else "填编号：") + listed


def template_xlsx(spec: SurveySpec) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "录入"
    keys = [("channel", "渠道（纸质问卷/入户走访/座谈会）", None), ("enumerator", "调查员", None)] + columns(spec)
    ws.append([h for _, h, _ in keys])
    ws.append([k for k, _, _ in keys])
    ws.row_dimensions[2].hidden = True
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="FDF1F0")
    for i in range(1, len(keys) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 18
    ws.freeze_panes = "A3"
    help_ws = wb.create_sheet("说明")
    help_ws.append(["题号", "题目", "填写方法", "条件"])
    for q in spec.questions:
        cond = ""
        if q.condition_qid:
            src = spec.by_id[q.condition_qid]
            cond = f"仅当 Q{src.number} 选择 " + "、".join(o.label for o in src.options if o.id in q.condition_ids)
        help_ws.append([f"Q{q.number}", q.text, _codes(q), cond])
    help_ws.append([])
    help_ws.append(["从第 3 行开始每行录入一份问卷；第 2 行为系统列标识，请勿修改。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_values(q: QSpec | None, value) -> list[str] | None:
    """Cell → form values; None when a choice cannot be recognised."""
    if value is None or (isinstance(value, str) and value == ""):
        return []
    if q is None or not q.is_choice:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return [value if isinstance(value, str) else str(value)]
    parts = [value] if not isinstance(value, str) or q.kind != QuestionKind.MULTIPLE else \
        [p for p in SEPARATORS.split(value.strip()) if p]
    out = []
    for p in parts:
        label = p.strip() if isinstance(p, str) else p
        match = next((o for o in q.options if o.label == label), None)
        if match is None:
            try:
                n = int(float(label))
                match = q.options[n - 1] if 1 <= n <= len(q.options) and float(label) == n else None
            except (TypeError, ValueError):
                match = None
        if match is None:
            return None
        out.append(str(match.id))
    return out


def _read_row(spec, keys, by_key, row, rownum, errors):
    form, col_of = {}, {}
    for idx, key in enumerate(keys):
        if not key:
            continue
        col_of[key] = get_column_letter(idx + 1)
        cell = row[idx] if idx < len(row) else None
        if key in ("channel", "enumerator"):
            form[key] = "" if cell is None else str(cell).strip()
            continue
        q = by_key.get(key)
        vals = _cell_values(q if not key.endswith("_other") else None, cell)
        if vals is None:
            errors.append((rownum, col_of[key], f"无法识别的选项“{cell}”，请填写选项编号 1–{len(q.options)} 或完整选项文字。"))
            vals = []
        form[key] = vals
    return form, col_of


def import_xlsx(survey, spec: SurveySpec, data: bytes, *, actor, now: datetime) -> tuple[int, list[tuple[int, str, str]]]:
    """Import a filled template. Returns (rows stored, errors as (row, column, message));
    when there is any error nothing is stored."""
    require(actor, "matter.analyse", survey)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb["录入"] if "录入" in wb.sheetnames else wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True, max_row=MAX_IMPORT_ROWS + 3))
    except Exception:  # not an xlsx file, or a damaged one
        raise SurveyError(_("无法读取该文件，请上传由本系统下载的 Excel 模板（.xlsx）。"), "file") from None
    if len(rows) < 2 or "channel" not in (rows[1] or ()):
        raise SurveyError(_("文件不是本问卷的录入模板（缺少第 2 行列标识），请重新下载模板。"), "file")
    if len(rows) > MAX_IMPORT_ROWS + 2:
        raise SurveyError(_('一次最多导入 %(v0)s 份问卷，请拆分文件。', v0=MAX_IMPORT_ROWS), "file")
    keys = [k if isinstance(k, str) else "" for k in rows[1]]
    known = {k for k, _, _ in columns(spec)}
    missing = known - set(keys)
    if missing:
        raise SurveyError(_("模板与当前问卷不一致（题目有增加），请重新下载模板。"), "file")
    by_key = {k: q for k, _, q in columns(spec)}
    errors, ready = [], []
    for rownum, row in enumerate(rows[2:], start=3):
        if row is None or all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
            continue
        form, col_of = _read_row(spec, keys, by_key, row, rownum, errors)
        channel = PAPER_CHANNELS.get(form["channel"])
        if channel is None:
            errors.append((rownum, col_of["channel"], "渠道应为“纸质问卷”“入户走访”或“座谈会”。"))
        if not form["enumerator"]:
            errors.append((rownum, col_of["enumerator"], "请填写调查员。"))
        res = read_answers(spec, lambda k: form.get(k, []))
        for key, msg in res.errors.items():
            errors.append((rownum, col_of.get(key, col_of.get(key.rsplit("_", 1)[0], "?")), msg))
        ready.append((channel, form["enumerator"], res.values))
    if not ready and not errors:
        raise SurveyError(_("文件中没有可导入的问卷（从第 3 行开始填写）。"), "file")
    if errors:
        return 0, sorted(errors)
    for channel, enumerator, values in ready:
        _insert_response(spec, values, channel=channel, now=now, enumerator=enumerator, entered_by_id=actor.id)
    record(actor=actor, action="survey.import", obj=survey, matter_id=survey.matter_id, after={"rows": len(ready)})
    return len(ready), []


# --- exports ---------------------------------------------------------------------------
def mask_text(value: str) -> str:
    return mask_value(unseal(value)) if value else value


def export_rows(spec: SurveySpec, *, personal: bool, chunk: int = 2000):
    """Header, then one list per response, read in id-ordered chunks."""
    cols = columns(spec)
    head = ["答卷编号", "提交时间", "渠道", "调查员", "重复设备"] + (["设备标识", "网络标识"] if personal else [])
    yield head + [h for _, h, _ in cols]
    index = {k: i for i, (k, _, _) in enumerate(cols)}
    labels = {o.id: o.label for q in spec.questions for o in q.options}
    after = 0
    while True:
        resp = db.session.execute(
            select(Response.id, Response.submitted_at, Response.channel, Response.enumerator,
                   Response.is_duplicate, Response.device_hash, Response.client_hash)
            .where(Response.survey_id == spec.id, Response.id > after).order_by(Response.id).limit(chunk)).all()
        if not resp:
            return
        lo, hi = resp[0].id, resp[-1].id
        cells: dict[int, list] = {r.id: [""] * len(cols) for r in resp}
        for a in db.session.execute(
                select(Answer.response_id, Answer.question_id, Answer.option_id, Answer.row_id, Answer.value_text,
                       Answer.value_number)
                .where(Answer.survey_id == spec.id, Answer.response_id.between(lo, hi))
                .order_by(Answer.response_id, Answer.id)):
            _place(spec, cells[a.response_id], index, labels, a, personal)
        for r in resp:
            meta = [r.id, format_local(r.submitted_at), CHANNEL_LABELS[r.channel], r.enumerator or "",
                    "是" if r.is_duplicate else ""] + ([r.device_hash or "", r.client_hash or ""] if personal else [])
            yield meta + cells[r.id]
        after = hi


def _place(spec, row, index, labels, a, personal):
    q = spec.by_id.get(a.question_id)
    if q is None:
        return
    if a.row_id is not None:
        row[index[f"{q.field}_r{a.row_id}"]] = labels.get(a.option_id, "")
        return
    i = index[q.field]
    if a.option_id is not None:
        label = labels.get(a.option_id, "")
        row[i] = f"{row[i]}；{label}" if row[i] else label
        if a.value_text is not None:
            row[index[f"{q.field}_other"]] = _personal_text(q, a.value_text, personal)
    elif q.kind == QuestionKind.NUMBER:
        row[i] = a.value_number
    else:
        row[i] = _personal_text(q, a.value_text or "", personal)


def _personal_text(q, value: str, personal: bool) -> str:
    if not q.is_personal:
        return value
    return unseal(value) if personal else mask_text(value)





def export_csv(spec: SurveySpec, *, personal: bool):
    buf = io.StringIO()
    writer = csv.writer(buf)
    yield "\ufeff"
    for row in export_rows(spec, personal=personal):
        writer.writerow([_safe_cell(v) for v in row])
        if buf.tell() > 64 * 1024:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def export_xlsx(spec: SurveySpec, *, personal: bool) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("答卷")
    for row in export_rows(spec, personal=personal):
        ws.append([_xlsx_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


