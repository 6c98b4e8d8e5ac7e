"""Local time (Asia/Shanghai by default) for display and form input; UTC in storage."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def local_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(value: datetime | None) -> datetime | None:
    return value.astimezone(local_tz()) if value else None


def local_to_utc(value: datetime) -> datetime:
    """A naive datetime typed in local time → aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_tz())
    return value.astimezone(timezone.utc)


WORD_JOINER, NBSP = "\u2060", "\u00a0"


def format_local(value: datetime | None, fmt: str | None = None) -> str:
    """One date format everywhere people read it: 2026年11月29日 16:35 (no zero padding)."""
    if not value:
        return ""
    local = to_local(value)
    if fmt == "seconds":  # the audit log
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M:%S}"
    if fmt:
        return local.strftime(fmt)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def format_local_date(value: datetime | None) -> str:
    return format_local(value).rsplit(" ", 1)[0]


def unbreakable(text: str) -> str:
    """Keep a date on one line: CJK text may break next to 年/月/日, a word joiner forbids it."""
    for ch in "年月日":
        text = text.replace(ch, f"{WORD_JOINER}{ch}{WORD_JOINER}")
    return text.replace(" ", NBSP).strip(WORD_JOINER)
