"""Shared by the audit log pages: read the who / what / when filters, render the log."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template, request

from consult.audit import labels
from consult.audit.services import AuditFilter, actors_in, search_entries
from consult.timeutil import local_to_utc


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime((value or "")[:10], "%Y-%m-%d").date()
    except ValueError:
        return None
    return local_to_utc(datetime.combine(day + timedelta(days=1) if end else day, time()))


def read_filter(**base) -> AuditFilter:
    args = request.args
    group = args.get("what", "")
    return AuditFilter(**base, actor_id=args.get("who", type=int), since=_day(args.get("from")),
                       until=_day(args.get("to"), end=True), group=group if group in labels.ACTION_GROUPS else None)


def render_log(template: str, f: AuditFilter, **context):
    return render_template(template, entries=search_entries(f), actors=actors_in(f), labels=labels,
                           groups=labels.ACTION_GROUPS, args=request.args, **context)
