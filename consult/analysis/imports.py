"""Reading tabular imports into the pool, and the letters import (12345 热线, 信访, media, forums).

A file is read into rows of {column key: value}; each cell is checked, and every problem is
reported as (row, column, message). Nothing is stored unless every row is valid. Rows already
in the pool (same source, time, author, title and text) are skipped, so importing the same
file twice does not count a letter twice.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from consult.analysis.models import Voice, VoiceSource
from consult.analysis.stance import unify
from consult.analysis.voices import apply_escalation, text_hash
from consult.audit.services import record
from consult.extensions import db
from consult.forms import has_forbidden_chars
from consult.permissions import require
from consult.timeutil import local_to_utc

MAX_ROWS = 5000
MAX_TEXT = 10000
FORMATS = ("csv", "xlsx", "jsonl")


class PoolImportError(Exception):
    """The file as a whole cannot be read (message in Chinese)."""


@dataclass
class Sheet:
    """Rows of one file: keys found, and per row (row number, {key: raw value}, {key: column name})."""

    rows: list[tuple[int, dict, dict]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # the known columns the file has


@dataclass
class Result:
    stored: int = 0
    skipped: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)


def _key_of(header, aliases: dict[str, str]) -> str | None:
    if not isinstance(header, str):
        return None
    return aliases.get(header.strip().split("（")[0].split("(")[0].strip().lower())


def _blank(row) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _tabular(header: list, body, aliases: dict[str, str], first_row: int, letters: bool) -> Sheet:
    keys = [_key_of(h, aliases) for h in header]
    sheet = Sheet(keys={k for k in keys if k})
    names = {}
    for i, (h, k) in enumerate(zip(header, keys)):
        if k:
            names[k] = f"{get_column_letter(i + 1)}（{str(h).strip()}）" if letters else str(h).strip()
    for rownum, row in enumerate(body, start=first_row):
        if row is None or _blank(row):
            continue
        if rownum - first_row >= MAX_ROWS:
            raise PoolImportError(_("一次最多导入 %(n)s 行，请拆分文件。", n=MAX_ROWS))
        values = {k: (row[i] if i < len(row) else None) for i, k in enumerate(keys) if k}
        sheet.rows.append((rownum, values, names))
    return sheet


def read_xlsx(data: bytes, aliases: dict[str, str]) -> Sheet:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except Exception:  # not an xlsx file, or a damaged one
        raise PoolImportError(_("无法读取该文件，请上传 Excel 文件（.xlsx）。")) from None
    if not rows:
        raise PoolImportError(_("文件是空的。"))
    return _tabular(list(rows[0]), rows[1:], aliases, 2, letters=True)


def read_csv(data: bytes, aliases: dict[str, str]) -> Sheet:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise PoolImportError(_("无法识别文件编码，请以 UTF-8 或 GBK 编码保存 CSV 文件。"))
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise PoolImportError(_("CSV 文件格式有误（可能含有无法识别的字符），请检查后重新导出。")) from None
    if not rows:
        raise PoolImportError(_("文件是空的。"))
    return _tabular(rows[0], rows[1:], aliases, 2, letters=True)


def read_jsonl(data: bytes, aliases: dict[str, str]) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PoolImportError(_("JSONL 文件必须为 UTF-8 编码。")) from None
    sheet = Sheet()
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise PoolImportError(_("一次最多导入 %(n)s 行，请拆分文件。", n=MAX_ROWS))
        try:
            obj = json.loads(line)
        except ValueError:
            obj = None
        if not isinstance(obj, dict):
            raise PoolImportError(_("第 %(n)s 行不是一个 JSON 对象，请每行写一条记录，如 {\"text\": \"…\"}。", n=lineno))
        values, names = {}, {}
        for k, v in obj.items():
            key = _key_of(k, aliases)
            if key:
                values[key], names[key] = v, k
                sheet.keys.add(key)
        sheet.rows.append((lineno, values, names))
    return sheet


def read_file(data: bytes, fmt: str, aliases: dict[str, str]) -> Sheet:
    if not data:
        raise PoolImportError(_("请选择要上传的文件。"))
    reader = {"csv": read_csv, "xlsx": read_xlsx, "jsonl": read_jsonl}.get(fmt)
    if reader is None:
        raise PoolImportError(_("请上传 CSV、Excel（.xlsx）或 JSONL 文件。"))
    sheet = reader(data, aliases)
    if not sheet.rows and sheet.keys:
        raise PoolImportError(_("文件中没有可导入的记录。"))
    return sheet


def format_of(filename: str | None) -> str:
    name = (filename or "").lower()
    if name.endswith(".json"):
        return "jsonl"
    return name.rsplit(".", 1)[-1] if "." in name else ""


# --- cell checks (shared with the staff intake batch) ------------------------------------

class Cells:
    """Checks the cells of one row, collecting (row, column, message) errors."""

    def __init__(self, rownum: int, values: dict, names: dict, errors: list):
        self.rownum, self.values, self.names, self.errors = rownum, values, names, errors

    def error(self, key: str, message: str) -> None:
        self.errors.append((self.rownum, self.names.get(key, key), message))

    def text(self, key: str, label: str, *, required: bool, max_chars: int) -> str:
        value = self.values.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = "" if value is None else value if isinstance(value, str) else str(value)
        if not value.strip():
            if required:
                self.error(key, f"请填写{label}。")
            return ""
        if has_forbidden_chars(value):
            self.error(key, f"{label}含有无法保存的控制字符，请删除后重试。")
        elif len(value) > max_chars:
            self.error(key, f"{label}过长：最多 {max_chars} 个字，当前 {len(value)} 个字。")
        return value

    def time(self, key: str, now: datetime) -> datetime | None:
        value = self.values.get(key)
        parsed = _parse_time(value)
        if parsed is None:
            self.error(key, "请填写时间，格式如 2026-11-20 14:30 或 2026-11-20。" if value in (None, "")
                       else f"无法识别的时间“{str(value)[:40]}”，格式如 2026-11-20 14:30。")
            return None
        if parsed.year < 2000 or parsed > now:
            self.error(key, "时间应在 2000 年之后，且不晚于现在。")
            return None
        return parsed

    def number(self, key: str, label: str, *, default: float, maximum: float) -> float:
        value = self.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return default
        try:
            n = float(str(value).strip().translate(str.maketrans("０１２３４５６７８９．", "0123456789.")))
        except ValueError:
            n = -1.0
        if not (0 < n <= maximum) or n != n:
            self.error(key, f"{label}应为大于 0、不超过 {maximum:g} 的数字。")
            return default
        return n


_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
                 "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")


def _parse_time(value) -> datetime | None:
    """A local (Beijing) time from a cell: a spreadsheet date, or text in a common format → UTC."""
    if isinstance(value, datetime):
        return local_to_utc(value) if value.tzinfo is None else value
    if isinstance(value, date):
        return local_to_utc(datetime(value.year, value.month, value.day))
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        return None
    for fmt in _TIME_FORMATS:
        try:
            return local_to_utc(datetime.strptime(value.strip(), fmt))
        except ValueError:
            continue
    return None


def existing_refs(matter_id: int, refs: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(refs), 500):
        found.update(db.session.scalars(select(Voice.source_ref).where(
            Voice.matter_id == matter_id, Voice.source_ref.in_(refs[i:i + 500]))))
    return found


def store_rows(matter, rows: list[dict], *, actor, now: datetime) -> tuple[int, int]:
    """Add valid rows (each a dict of Voice fields with source_ref); skip refs already there."""
    have = existing_refs(matter.id, [r["source_ref"] for r in rows])
    stored = 0
    for row in rows:
        if row["source_ref"] in have:
            continue
        have.add(row["source_ref"])
        voice = Voice(matter_id=matter.id, recorded_by_id=actor.id, text_hash=text_hash(row["text"], row.get("title")),
                      created_at=now, updated_at=now, **row)
        apply_escalation(voice)
        db.session.add(voice)
        stored += 1
    db.session.flush()
    return stored, len(rows) - stored


def row_ref(prefix: str, *parts) -> str:
    digest = hashlib.sha256("\x00".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}:{digest}"


# --- letters ------------------------------------------------------------------------------

LETTER_ALIASES = {
    "渠道": "channel", "来源渠道": "channel", "来源": "channel", "channel": "channel", "source": "channel",
    "时间": "time", "来信时间": "time", "日期": "time", "time": "time", "date": "time",
    "来信人": "author", "作者": "author", "署名": "author", "author": "author",
    "标题": "title", "title": "title",
    "内容": "text", "正文": "text", "text": "text", "content": "text",
    "态度": "stance", "stance": "stance",
    "权重": "weight", "户数": "weight", "weight": "weight",
}
LETTER_COLUMNS = ("渠道", "时间", "来信人", "标题", "内容", "态度", "权重")


def _letter_row(cells: Cells, now: datetime) -> dict:
    channel = cells.text("channel", "渠道", required=True, max_chars=60)
    at = cells.time("time", now)
    author = cells.text("author", "来信人（化名）", required=False, max_chars=100)
    title = cells.text("title", "标题", required=False, max_chars=300)
    text = cells.text("text", "内容", required=True, max_chars=MAX_TEXT)
    raw_stance = cells.text("stance", "态度", required=False, max_chars=60)
    weight = cells.number("weight", "权重", default=1.0, maximum=100000)
    return {"source": VoiceSource.LETTER, "channel": channel, "occurred_at": at, "author": author,
            "title": title or None, "text": text, "raw_stance": raw_stance, "stance": unify(raw_stance),
            "weight": weight, "source_ref": row_ref("letter", channel, at, author, title, text)}


def import_letters(matter, data: bytes, fmt: str, *, actor, now: datetime) -> Result:
    """Import letters from another channel; all rows valid or nothing stored."""
    require(actor, "matter.analyse", matter)
    sheet = read_file(data, fmt, LETTER_ALIASES)
    missing = {"channel", "time", "text"} - sheet.keys
    if missing:
        label = {"channel": "渠道", "time": "时间", "text": "内容"}
        raise PoolImportError("文件缺少必需的列：" + "、".join(label[k] for k in ("channel", "time", "text") if k in missing) +
                           "（第一行应为列名：" + "、".join(LETTER_COLUMNS) + "）。")
    result, rows = Result(), []
    for rownum, values, names in sheet.rows:
        rows.append(_letter_row(Cells(rownum, values, names, result.errors), now))
    if result.errors:
        return result
    result.stored, result.skipped = store_rows(matter, rows, actor=actor, now=now)
    record(actor=actor, action="voice.import_letters", obj=matter, matter_id=matter.id,
           after={"format": fmt, "stored": result.stored, "skipped": result.skipped})
    return result
