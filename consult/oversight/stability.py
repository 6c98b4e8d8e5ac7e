"""Stability index (平安稳定指数) per district per month: a weighted mean of parts, each 0–100.

The formula (parts, labels, weights, a version) is index_formula.json, or the app setting
OVERSIGHT_INDEX with the same shape. Parts, each a share turned into a score (share × 100):
  coverage          decisions of the month whose round was assessed ÷ decisions (stats.Group.coverage)
  low_risk_share    1 − high-risk items ÷ items assessed in the month
  measures_on_time  measures of the district due by the end of the month that were done by their
                    deadline ÷ measures due by then
A part with no data that month is left out and the other weights are scaled up; with no part at
all the index is None. Every figure carries the formula version that produced it.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Optional

from flask import current_app
from sqlalchemy import select

from consult.extensions import db
from consult.matters.models import Matter
from consult.oversight import stats
from consult.oversight.ledger import scope_ids
from consult.oversight.months import Month
from consult.register.models import Measure, RiskItem
from consult.timeutil import local_to_utc

_DEFAULT = Path(__file__).with_name("index_formula.json")


def formula() -> dict[str, Any]:
    configured = current_app.config.get("OVERSIGHT_INDEX")
    value = configured if configured else json.loads(_DEFAULT.read_text("utf-8"))
    weights = [p.get("weight") for p in value.get("parts", {}).values()]
    if not weights or not all(isinstance(w, (int, float)) and w >= 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("OVERSIGHT_INDEX: parts need non-negative weights with a positive sum")
    return value


def measure_rows(end: date, ids) -> list[tuple[str, date, bool]]:
    """(district, deadline, done by the deadline's local day end) for measures due before `end`."""
    stmt = select(Matter.area, Measure.deadline, Measure.done_at).join(RiskItem, RiskItem.matter_id == Matter.id) \
        .join(Measure, Measure.item_id == RiskItem.id).where(Measure.deadline.is_not(None), Measure.deadline < end)
    if ids is not None:
        stmt = stmt.where(Matter.organisation_id.in_(ids or [-1]))
    return [(area or "（未填写区县）", deadline, done_at is not None and done_at < local_to_utc(_day_end(deadline)))
            for area, deadline, done_at in db.session.execute(stmt)]


def _measures_on_time(month: Month, rows: list[tuple[str, date, bool]]) -> dict[str, tuple[int, int]]:
    """{district: (done by deadline, due by month end)}."""
    end = month.next().first_day
    out: dict[str, list[int]] = {}
    for area, deadline, on_time in rows:
        if deadline < end:
            counts = out.setdefault(area, [0, 0])
            counts[0] += int(on_time)
            counts[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def _day_end(day: date) -> datetime:
    return datetime(day.year, day.month, day.day) + timedelta(days=1)


def _shares(group: Optional[stats.Group], measures: Optional[tuple[int, int]]) -> dict[str, Optional[float]]:
    low = None
    if group and group.assessed:
        low = 1 - group.levels.get("high", 0) / group.assessed
    return {"coverage": group.coverage if group else None, "low_risk_share": low,
            "measures_on_time": measures[0] / measures[1] if measures and measures[1] else None}


def compute(actor, month: Month, measures_due: Optional[list] = None) -> list[dict[str, Any]]:
    """One object per district in scope, ranked by index (highest first, None last). measures_due:
    measure_rows() loaded for this month or a later one (the trend loads them once)."""
    f = formula()
    ids = scope_ids(actor)
    groups = stats.report(actor, month)["districts"]
    if measures_due is None:
        measures_due = measure_rows(month.next().first_day, ids)
    measures = _measures_on_time(month, measures_due)
    districts = sorted(set(groups) | set(measures) | set(_districts(ids)))
    rows = [_row(d, month, f, _shares(groups.get(d), measures.get(d))) for d in districts]
    rows.sort(key=lambda r: (r["index"] is None, -(r["index"] or 0), r["district"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["index"] is not None else None
    return rows


def _districts(ids) -> list[str]:
    stmt = select(Matter.area).distinct()
    if ids is not None:
        stmt = stmt.where(Matter.organisation_id.in_(ids or [-1]))
    return [a or "（未填写区县）" for a in db.session.scalars(stmt)]


def _row(district: str, month: Month, f: dict, shares: dict[str, Optional[float]]) -> dict[str, Any]:
    parts = []
    for key, spec in f["parts"].items():
        share = shares.get(key)
        parts.append({"key": key, "label": spec.get("label", key), "weight": spec["weight"],
                      "value": None if share is None else round(share * 100, 1)})
    counted = [p for p in parts if p["value"] is not None and p["weight"] > 0]
    total = sum(p["weight"] for p in counted)
    index = round(sum(p["value"] * p["weight"] for p in counted) / total, 1) if total else None
    return {"district": district, "month": str(month), "index": index, "parts": parts,
            "formula": f.get("version", "")}


def trend(actor, month: Month, months: int = 6) -> list[tuple[str, list[dict[str, Any]]]]:
    """[(month, compute() rows)] for the months up to and including month, oldest first."""
    due = measure_rows(month.next().first_day, scope_ids(actor))
    series, m = [], month
    for _ in range(months):
        series.append((str(m), compute(actor, m, due)))
        m = m.previous()
    return list(reversed(series))
