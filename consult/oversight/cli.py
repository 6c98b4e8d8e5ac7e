"""`flask ledger [--json]`: every matter of every organisation, as the ledger shows it."""
from __future__ import annotations

import json

import click

from consult.oversight.ledger import FILING_STATES, Filters, ledger


def print_ledger(as_json: bool) -> None:
    rows, _total = ledger(None, Filters(), paged=False)
    data = [r.as_dict() for r in rows]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for d in data:
        flag = "  未评先决" if d["flag_decided_without_assessment"] else ""
        click.echo(f"{d['id']:>5}  {d['district'] or '-':<10} {d['kind_label']:<6} {d['level_label'] or '-':<4} "
                   f"{d['outcome_label'] or '-':<6} {FILING_STATES[d['filing']]:<5} {d['title']}{flag}")


def index_rows(raw_month: str, *, record: bool = False) -> list[dict]:
    """The figures of every district; record=True also stores them (stability.record; the caller commits)."""
    from consult.models import utcnow
    from consult.oversight import stability
    from consult.oversight.months import Month

    try:
        month = Month.parse(raw_month)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--month") from None
    now = utcnow()
    rows = stability.compute(None, month, now=now)
    if record:
        stability.record(month, now=now, rows=rows)
    return rows


def print_index(rows: list[dict], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        parts = "  ".join(f"{p['label']} {'-' if p['value'] is None else p['value']}×{p['weight']}" for p in r["parts"])
        index = "-" if r["index"] is None else r["index"]
        click.echo(f"{r['rank'] or '-':>3}  {r['district']:<10} {index:>6}  {parts}")
