"""What the curation pages show: points heaviest first with their mixes, and a point's texts.

Stance mix, source mix, distinct people and weight are counted live from the texts a point
holds now (so they follow moves, merges and exclusions); keywords, area and dimension are the
curated point's; escalation terms and representatives come from the latest run's point.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select

from consult.analysis.models import (PSEUDONYM_SOURCES, SOURCE_LABELS, VOICE_STANCE_LABELS, AnalysisRun, PointState,
                                     RiskPoint, RunPoint, Voice, VoiceSource, VoiceStance)
from consult.extensions import db

PER_PAGE = 50
STANCE_ORDER = [VoiceStance.OPPOSE, VoiceStance.CONDITIONAL, VoiceStance.OTHER, VoiceStance.SUPPORT]


@dataclass
class PointRow:
    point: RiskPoint
    size: int = 0
    weight: float = 0.0
    people: int = 0
    stance: dict = field(default_factory=dict)   # label -> count, in STANCE_ORDER
    sources: dict = field(default_factory=dict)  # label -> count
    run_point: RunPoint | None = None
    is_new: bool = False

    @property
    def escalation_terms(self) -> list[str]:
        return list((self.run_point.details.get("escalation") or {}).get("terms", [])) if self.run_point else []

    @property
    def representatives(self) -> list[dict]:
        return list(self.run_point.details.get("representatives", [])) if self.run_point else []


def point_rows(matter_id: int, run: AnalysisRun | None, *, include_merged: bool = False) -> list[PointRow]:
    """Every curated point of a matter, heaviest first (merged ones left out unless asked)."""
    stmt = select(RiskPoint).where(RiskPoint.matter_id == matter_id)
    if not include_merged:
        stmt = stmt.where(RiskPoint.state != PointState.MERGED)
    rows = {p.id: PointRow(point=p) for p in db.session.scalars(stmt)}
    _fill_counts(matter_id, rows)
    if run is not None:
        for rp in db.session.scalars(select(RunPoint).where(RunPoint.run_id == run.id).order_by(RunPoint.rank)):
            row = rows.get(rp.risk_point_id)
            if row is not None and row.run_point is None:
                row.run_point = rp
        for row in rows.values():
            row.is_new = row.point.first_run_id == run.id and not row.point.is_manual
    return sorted(rows.values(), key=lambda r: (-r.weight, -r.size, r.point.id))


def point_row(point: RiskPoint, run: AnalysisRun | None) -> PointRow:
    """The same figures for one point (the point page)."""
    row = PointRow(point=point)
    _fill_counts(point.matter_id, {point.id: row}, only=point.id)
    if run is not None:
        row.run_point = db.session.scalar(select(RunPoint).where(
            RunPoint.run_id == run.id, RunPoint.risk_point_id == point.id).order_by(RunPoint.rank).limit(1))
        row.is_new = point.first_run_id == run.id and not point.is_manual
    return row


def _fill_counts(matter_id: int, rows: dict[int, PointRow], only: int | None = None) -> None:
    base = (Voice.matter_id == matter_id, Voice.is_excluded.is_(False),
            Voice.point_id.is_not(None) if only is None else Voice.point_id == only)
    stance, sources, weights = defaultdict(dict), defaultdict(dict), defaultdict(float)
    for pid, st, src, n, weight in db.session.execute(  # one scan for both mixes and the weight
            select(Voice.point_id, Voice.stance, Voice.source, func.count(), func.sum(Voice.weight))
            .where(*base).group_by(Voice.point_id, Voice.stance, Voice.source)):
        stance[pid][st] = stance[pid].get(st, 0) + n
        sources[pid][src] = sources[pid].get(src, 0) + n
        weights[pid] += float(weight or 0.0)
    named = (Voice.source.in_(list(PSEUDONYM_SOURCES)), Voice.author != "")  # see person_key()
    people = defaultdict(int, db.session.execute(select(Voice.point_id, func.count(func.distinct(Voice.author)))
                                                 .where(*base, *named).group_by(Voice.point_id)).all())
    for pid, n in db.session.execute(select(Voice.point_id, func.count()).where(*base, ~and_(*named))
                                     .group_by(Voice.point_id)):
        people[pid] += n
    for pid, row in rows.items():
        row.stance = {str(VOICE_STANCE_LABELS[s]): stance[pid][s] for s in STANCE_ORDER if stance[pid].get(s)}
        row.sources = {str(SOURCE_LABELS[s]): n for s, n in sorted(sources[pid].items(), key=lambda x: -x[1])}
        row.size = sum(stance[pid].values())
        row.people = people.get(pid, 0)
        row.weight = round(weights.get(pid, 0.0), 2)


def point_texts(point: RiskPoint, *, q: str = "", page: int = 1, source: str = "") -> tuple[list[Voice], int]:
    """One page of a point's texts (searchable by a phrase in text, title or author)."""
    stmt = select(Voice).where(Voice.point_id == point.id, Voice.matter_id == point.matter_id)
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Voice.text.like(like, escape="\\"), Voice.title.like(like, escape="\\"),
                              Voice.author.like(like, escape="\\")))
    if source in {s.value for s in VoiceSource}:
        stmt = stmt.where(Voice.source == VoiceSource(source))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, min(page, max(1, (total + PER_PAGE - 1) // PER_PAGE)))
    voices = list(db.session.scalars(stmt.order_by(Voice.is_reviewed, Voice.weight.desc(), Voice.id)
                                      .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    return voices, total


def merged_into(point: RiskPoint) -> list[RiskPoint]:
    """Points merged into this one (their texts are here now)."""
    return list(db.session.scalars(select(RiskPoint).where(RiskPoint.merged_into_id == point.id)
                                   .order_by(RiskPoint.id)))


def excluded_texts(matter_id: int, *, limit: int = 200) -> list[Voice]:
    return list(db.session.scalars(select(Voice).where(Voice.matter_id == matter_id, Voice.is_excluded.is_(True))
                                   .order_by(Voice.id.desc()).limit(limit)))


def targets(matter_id: int, exclude_id: int | None = None) -> list[RiskPoint]:
    """Points texts may be moved or merged into (not merged ones), by title."""
    stmt = select(RiskPoint).where(RiskPoint.matter_id == matter_id, RiskPoint.state != PointState.MERGED)
    if exclude_id is not None:
        stmt = stmt.where(RiskPoint.id != exclude_id)
    return list(db.session.scalars(stmt.order_by(RiskPoint.weight.desc(), RiskPoint.id)))
