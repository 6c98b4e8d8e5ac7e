"""Stability index (平安稳定指数) per district per month: a weighted mean of parts, each 0–100.

The formula (parts, labels, weights, a version) is index_formula.json, or the app setting
OVERSIGHT_INDEX with the same shape. Parts, each a share turned into a score (share × 100):
  coverage          decisions of the month whose round was assessed ÷ decisions (stats.Group.coverage)
  low_risk_share    1 − high-risk items ÷ items assessed in the month
  measures_on_time  measures of the district due by the end of the month that were done by their
                    deadline ÷ measures due by then
  open_warnings     1 − (warnings open at month end + those of them overdue) ÷ the district's matters
                    created by month end, floored at 0: an overdue warning weighs twice (no matters → no data)
  warnings_resolved 风险预警化解率 of the month (warning_stats: settled on time ÷ settled in the month)
  calm_voices       1 − voices flagged by the escalation lexicon ÷ voices dated in the month (the pool;
                    excluded voices left out)
  satisfaction      median 支持率 of the district's questionnaires over their responses in the month
                    (stats: awareness / support medians)
A part with no data that month is left out and the other weights are scaled up; with no part at
all the index is None. Every figure carries the formula version that produced it.

History (IndexFigure): record() stores each district's figure with the formula version and the
SHA-256 of the formula (canonical JSON), one row per (month, district, formula hash); recording
again with the same formula refreshes that row, a changed formula adds rows and the old ones stay.
It runs when an admin closes a month and from `flask stability-index --month M --record` (cron).
Live figures on the page always use the current formula.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Optional

from flask import current_app
from sqlalchemy import func, select

from consult.extensions import db
from consult.matters.models import Matter
from consult.oversight import stats, warning_stats
from consult.oversight.ledger import scope_ids
from consult.oversight.models import IndexFigure
from consult.oversight.months import Month
from consult.register.models import Measure, RiskItem
from consult.timeutil import local_to_utc, local_tz

_DEFAULT = Path(__file__).with_name("index_formula.json")


def formula() -> dict[str, Any]:
    configured = current_app.config.get("OVERSIGHT_INDEX")
    value = configured if configured else json.loads(_DEFAULT.read_text("utf-8"))
    weights = [p.get("weight") for p in value.get("parts", {}).values()]
    if not weights or not all(isinstance(w, (int, float)) and w >= 0 for w in weights) or sum(weights) <= 0:
        raise ValueError("OVERSIGHT_INDEX: parts need non-negative weights with a positive sum")
    return value


def formula_hash(f: Optional[dict] = None) -> str:
    """SHA-256 of the formula as canonical JSON (sorted keys): the same formula, the same hash."""
    f = formula() if f is None else f
    return hashlib.sha256(json.dumps(f, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


def measure_rows(end: date, ids) -> list[tuple[str, date, bool]]:
    """(district, deadline, done by the end of the deadline's local day) for measures due before `end`."""
    stmt = select(Matter.area, Measure.deadline, Measure.done_at).join(RiskItem, RiskItem.matter_id == Matter.id) \
        .join(Measure, Measure.item_id == RiskItem.id).where(Measure.deadline.is_not(None), Measure.deadline < end)
    if ids is not None:
        stmt = stmt.where(Matter.organisation_id.in_(ids or [-1]))
    tz = local_tz()
    return [(area or "（未填写区县）", deadline, done_at is not None and done_at.astimezone(tz).date() <= deadline)
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


def _shares(group: Optional[stats.Group], measures: Optional[tuple[int, int]], matters: int
            ) -> dict[str, Optional[float]]:
    low = open_part = None
    if group and group.assessed:
        low = 1 - group.levels.get("high", 0) / group.assessed
    warnings = group.warnings if group else stats.WarningCounts()
    if matters:
        open_part = max(0.0, 1 - (warnings.open_at_end + warnings.overdue_at_end) / matters)
    escalation = group.escalation_share if group else None
    return {"coverage": group.coverage if group else None, "low_risk_share": low,
            "measures_on_time": measures[0] / measures[1] if measures and measures[1] else None,
            "open_warnings": open_part, "warnings_resolved": warnings.rate,
            "calm_voices": None if escalation is None else 1 - escalation,
            "satisfaction": group.support_median if group else None}


def matter_counts(end: date, ids) -> dict[str, int]:
    """{district: matters created before the local day `end`}."""
    stmt = select(Matter.area, func.count()).group_by(Matter.area) \
        .where(Matter.created_at < local_to_utc(datetime(end.year, end.month, end.day)))
    if ids is not None:
        stmt = stmt.where(Matter.organisation_id.in_(ids or [-1]))
    out: dict[str, int] = {}
    for area, n in db.session.execute(stmt):
        out[area or stats.NO_AREA] = out.get(area or stats.NO_AREA, 0) + n
    return out


def compute(actor, month: Month, measures_due: Optional[list] = None, *, now: Optional[datetime] = None,
            warning_rows: Optional[list] = None) -> list[dict[str, Any]]:
    """One object per district in scope, ranked by index (highest first, None last). measures_due:
    measure_rows() loaded for this month or a later one; warning_rows: warning_stats.load() for a period
    containing the month (the trend loads both once)."""
    f = formula()
    digest = formula_hash(f)
    ids = scope_ids(actor)
    groups = stats.report(actor, month, now=now, index_only=True, warning_rows=warning_rows)["districts"]
    if measures_due is None:
        measures_due = measure_rows(month.next().first_day, ids)
    measures = _measures_on_time(month, measures_due)
    matters = matter_counts(month.next().first_day, ids)
    districts = sorted(set(groups) | set(measures) | set(_districts(ids)))
    rows = [_row(d, month, f, digest, _shares(groups.get(d), measures.get(d), matters.get(d, 0))) for d in districts]
    rows.sort(key=lambda r: (r["index"] is None, -(r["index"] or 0), r["district"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["index"] is not None else None
    return rows


def _districts(ids) -> list[str]:
    stmt = select(Matter.area).distinct()
    if ids is not None:
        stmt = stmt.where(Matter.organisation_id.in_(ids or [-1]))
    return [a or "（未填写区县）" for a in db.session.scalars(stmt)]


def _row(district: str, month: Month, f: dict, digest: str, shares: dict[str, Optional[float]]) -> dict[str, Any]:
    parts = []
    for key, spec in f["parts"].items():
        share = shares.get(key)
        parts.append({"key": key, "label": spec.get("label", key), "weight": spec["weight"],
                      "value": None if share is None else round(share * 100, 1)})
    counted = [p for p in parts if p["value"] is not None and p["weight"] > 0]
    total = sum(p["weight"] for p in counted)
    index = round(sum(p["value"] * p["weight"] for p in counted) / total, 1) if total else None
    return {"district": district, "month": str(month), "index": index, "parts": parts,
            "formula": f.get("version", ""), "formula_hash": digest}


def trend(actor, month: Month, months: int = 6, *, now: Optional[datetime] = None
          ) -> list[tuple[str, list[dict[str, Any]]]]:
    """[(month, compute() rows)] for the months up to and including month, oldest first."""
    ids = scope_ids(actor)
    due = measure_rows(month.next().first_day, ids)
    first = month
    for _ in range(months - 1):
        first = first.previous()
    warnings = warning_stats.load(ids, first.first_day, month.next().first_day - timedelta(days=1))
    series, m = [], month
    for _ in range(months):
        series.append((str(m), compute(actor, m, due, now=now, warning_rows=warnings)))
        m = m.previous()
    return list(reversed(series))


def record(month: Month, *, now: datetime, actor=None, rows: Optional[list] = None) -> list[IndexFigure]:
    """Store every district's figure for the month under the current formula (all organisations).
    actor None: the system (CLI, cron); a person must be allowed to close months. rows: compute(None,
    month) already at hand under the same formula."""
    if actor is not None:
        from consult.permissions import require

        require(actor, "oversight.close")
    f = formula()
    digest = formula_hash(f)
    existing = {x.district: x for x in db.session.scalars(select(IndexFigure).where(
        IndexFigure.month == str(month), IndexFigure.formula_hash == digest))}
    out = []
    for row in rows if rows is not None else compute(None, month, now=now):
        fig = existing.get(row["district"])
        if fig is None:
            fig = IndexFigure(month=str(month), district=row["district"], formula_hash=digest)
            db.session.add(fig)
        fig.formula_version = str(f.get("version", ""))[:40]
        fig.index, fig.parts, fig.computed_at = row["index"], row["parts"], now
        out.append(fig)
    db.session.flush()
    return out


def history(*, month: Optional[Month] = None, district: Optional[str] = None, limit: int = 500) -> list[IndexFigure]:
    """Recorded figures (all organisations), newest month first, then district and time of computing."""
    stmt = select(IndexFigure)
    if month is not None:
        stmt = stmt.where(IndexFigure.month == str(month))
    if district is not None:
        stmt = stmt.where(IndexFigure.district == district)
    return list(db.session.scalars(stmt.order_by(IndexFigure.month.desc(), IndexFigure.district,
                                                 IndexFigure.computed_at, IndexFigure.id).limit(limit)))
