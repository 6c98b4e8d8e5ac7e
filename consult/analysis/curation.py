"""Curation (整理风险点): the assessor's actions on risk points and their texts.

Every action calls require(actor, "matter.analyse", …) first, is audit-logged and flushes;
the request commits. Texts an assessor places (move, split, and the texts of a point merged
into another) are pinned, so re-runs leave them where they are (see consult.analysis.matching
for the re-run rule).
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from consult.analysis.matching import refresh_weights
from consult.analysis.models import PointState, RiskPoint, Voice
from consult.audit.services import record, snapshot
from consult.extensions import db
from consult.permissions import require

TITLE_MAX, DESCRIPTION_MAX, REASON_MAX = 200, 5000, 2000
MAX_TEXTS_PER_ACTION = 5000


class CurationError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _text(value: str | None, maximum: int, field: str, *, required: bool, what: str) -> str:
    value = value or ""
    if required and not value.strip():
        raise CurationError(_("请填写%(what)s。", what=what), field)
    if len(value) > maximum:
        raise CurationError(_("%(what)s过长：最多 %(maximum)s 个字，当前 %(n)s 个字。", what=what, maximum=maximum, n=len(value)), field)
    return value


def _live(point: RiskPoint) -> None:
    if point.state == PointState.MERGED:
        raise CurationError(_("该风险点已合并到其他风险点，请在合并后的风险点上操作。"))


def _log(actor, action: str, obj, before=None, after=None, note=None) -> None:
    record(actor=actor, action=action, obj=obj, matter_id=obj.matter_id, before=before, after=after, note=note)


# --- point actions -------------------------------------------------------------------------

def rename_point(point: RiskPoint, *, actor, now: datetime, title: str) -> RiskPoint:
    require(actor, "matter.analyse", point)
    _live(point)
    title = _text(title, TITLE_MAX, "title", required=True, what=_("风险点名称"))
    before = snapshot(point, ("title", "is_title_custom"))
    point.title, point.is_title_custom = title, True
    _log(actor, "analysis.point.rename", point, before, snapshot(point, ("title", "is_title_custom")))
    return point


def describe_point(point: RiskPoint, *, actor, now: datetime, description: str) -> RiskPoint:
    require(actor, "matter.analyse", point)
    _live(point)
    description = _text(description, DESCRIPTION_MAX, "description", required=False, what=_("说明"))
    before = snapshot(point, ("description",))
    point.description = description
    _log(actor, "analysis.point.describe", point, before, snapshot(point, ("description",)))
    return point


def confirm_point(point: RiskPoint, *, actor, now: datetime) -> RiskPoint:
    require(actor, "matter.analyse", point)
    _live(point)
    before = snapshot(point, ("state", "dismiss_reason"))
    point.state, point.dismiss_reason = PointState.CONFIRMED, None
    _log(actor, "analysis.point.confirm", point, before, snapshot(point, ("state", "dismiss_reason")))
    return point


def dismiss_point(point: RiskPoint, *, actor, now: datetime, reason: str) -> RiskPoint:
    require(actor, "matter.analyse", point)
    _live(point)
    reason = _text(reason, REASON_MAX, "reason", required=True, what=_("排除理由"))
    before = snapshot(point, ("state", "dismiss_reason"))
    point.state, point.dismiss_reason = PointState.DISMISSED, reason
    _log(actor, "analysis.point.dismiss", point, before, snapshot(point, ("state", "dismiss_reason")))
    return point


def review_point(point: RiskPoint, *, actor, now: datetime, reviewed: bool = True) -> RiskPoint:
    require(actor, "matter.analyse", point)
    before = snapshot(point, ("is_reviewed",))
    point.is_reviewed = bool(reviewed)
    _log(actor, "analysis.point.review", point, before, snapshot(point, ("is_reviewed",)))
    return point


def merge_points(target: RiskPoint, sources: Iterable[RiskPoint], *, actor, now: datetime) -> RiskPoint:
    """Merge sources into target: their texts move there and are pinned; the sources become merged."""
    require(actor, "matter.analyse", target)
    _live(target)
    sources = [s for s in sources if s.id != target.id]
    if not sources:
        raise CurationError(_("请至少选择一个要并入的其他风险点。"), "point_ids")
    for source in sources:
        require(actor, "matter.analyse", source)
        if source.matter_id != target.matter_id:
            raise CurationError(_("只能合并同一事项的风险点。"), "point_ids")
        _live(source)
    ids = [s.id for s in sources]
    moved = db.session.execute(update(Voice).where(Voice.point_id.in_(ids)).values(point_id=target.id, is_pinned=True)
                               .execution_options(synchronize_session=False)).rowcount
    for source in sources:
        before = snapshot(source, ("state", "merged_into_id"))
        source.state, source.merged_into_id, source.is_vanished = PointState.MERGED, target.id, False
        _log(actor, "analysis.point.merge", source, before, snapshot(source, ("state", "merged_into_id")))
    _log(actor, "analysis.point.merge_into", target, after={"merged": ids, "texts_moved": moved})
    refresh_weights(target.matter_id)
    db.session.flush()
    db.session.expire_all()  # the bulk update moved texts that may be loaded in this session
    return target


def split_point(point: RiskPoint, voice_ids: Iterable[int], *, actor, now: datetime, title: str) -> RiskPoint:
    """Picked texts of a point become a new point (made by the assessor); they are pinned."""
    require(actor, "matter.analyse", point)
    _live(point)
    title = _text(title, TITLE_MAX, "new_title", required=True, what=_("新风险点名称"))
    voices = _voices(point.matter_id, voice_ids, point_id=point.id)
    if len(voices) >= _count(point):
        raise CurationError(_("拆分时请保留至少一条文本在原风险点中（全部移走请用“移动”）。"), "voice_ids")
    new = RiskPoint(matter_id=point.matter_id, title=title, is_title_custom=True, is_manual=True,
                    state=PointState.CANDIDATE, area=point.area, dimension=point.dimension,
                    created_by_id=getattr(actor, "id", None), first_run_id=point.last_run_id,
                    last_run_id=point.last_run_id)
    db.session.add(new)
    db.session.flush()
    _place(voices, new.id)
    _log(actor, "analysis.point.split", point, after={"new_point": new.id, "voices": [v.id for v in voices]})
    refresh_weights(point.matter_id)
    return new


def move_voices(voice_ids: Iterable[int], target: RiskPoint, *, actor, now: datetime, matter_id: int) -> int:
    """Move texts to another point; they are pinned there."""
    require(actor, "matter.analyse", target)
    _live(target)
    if target.matter_id != matter_id:
        raise CurationError(_("只能移动到同一事项的风险点。"), "target_id")
    voices = _voices(matter_id, voice_ids)
    before = {v.id: v.point_id for v in voices}
    _place(voices, target.id)
    _log(actor, "analysis.voice.move", target, before={"from": before}, after={"to": target.id})
    refresh_weights(matter_id)
    return len(voices)


def _place(voices: list[Voice], point_id: int) -> None:
    for v in voices:
        v.point_id, v.is_pinned = point_id, True


def _count(point: RiskPoint) -> int:
    return db.session.scalar(select(func.count()).select_from(Voice).where(Voice.point_id == point.id))


def _voices(matter_id: int, voice_ids: Iterable[int], point_id: int | None = None) -> list[Voice]:
    ids = sorted({int(i) for i in voice_ids})
    if not ids:
        raise CurationError(_("请至少选择一条文本。"), "voice_ids")
    if len(ids) > MAX_TEXTS_PER_ACTION:
        raise CurationError(_("一次最多处理 %(n)s 条文本。", n=MAX_TEXTS_PER_ACTION), "voice_ids")
    stmt = select(Voice).where(Voice.id.in_(ids), Voice.matter_id == matter_id, Voice.is_excluded.is_(False))
    if point_id is not None:
        stmt = stmt.where(Voice.point_id == point_id)
    voices = list(db.session.scalars(stmt))
    if len(voices) != len(ids):
        raise CurationError(_("所选文本已不在此处（可能已被移动或排除），请刷新后重试。"), "voice_ids")
    return voices


# --- text actions --------------------------------------------------------------------------

def exclude_voice(voice: Voice, *, actor, now: datetime, reason: str) -> Voice:
    """"Not a risk / off topic": the text leaves its point and every later run."""
    require(actor, "matter.analyse", voice)
    reason = _text(reason, REASON_MAX, "reason", required=True, what=_("排除理由"))
    if voice.is_excluded:
        raise CurationError(_("该文本已被排除。"))
    before = snapshot(voice, ("is_excluded", "exclude_reason", "point_id"))
    voice.is_excluded, voice.exclude_reason, voice.point_id = True, reason, None
    _log(actor, "analysis.voice.exclude", voice, before, snapshot(voice, ("is_excluded", "exclude_reason", "point_id")))
    refresh_weights(voice.matter_id)
    return voice


def include_voice(voice: Voice, *, actor, now: datetime) -> Voice:
    """Undo an exclusion: the text takes part in the next run again."""
    require(actor, "matter.analyse", voice)
    before = snapshot(voice, ("is_excluded", "exclude_reason"))
    voice.is_excluded, voice.exclude_reason, voice.is_pinned = False, None, False
    _log(actor, "analysis.voice.include", voice, before, snapshot(voice, ("is_excluded", "exclude_reason")))
    return voice


def review_voices(voice_ids: Iterable[int], *, actor, now: datetime, matter, reviewed: bool = True) -> int:
    require(actor, "matter.analyse", matter)
    ids = sorted({int(i) for i in voice_ids})
    if not ids:
        raise CurationError(_("请至少选择一条文本。"), "voice_ids")
    voices = list(db.session.scalars(select(Voice).where(Voice.id.in_(ids), Voice.matter_id == matter.id)))
    if len(voices) != len(ids):
        raise CurationError(_("所选文本不属于本事项，请刷新后重试。"), "voice_ids")
    for v in voices:
        v.is_reviewed = bool(reviewed)
        v.reviewed_by_id, v.reviewed_at = (getattr(actor, "id", None), now) if reviewed else (None, None)
    record(actor=actor, action="analysis.voice.review", obj=matter, matter_id=matter.id,
           after={"voices": ids, "reviewed": bool(reviewed)})
    return len(voices)


# --- progress ------------------------------------------------------------------------------

def progress_of(matter_id: int) -> dict:
    """"% of texts reviewed" (excluded texts count as decided) and "% of points decided"."""
    texts, reviewed = db.session.execute(select(
        func.count(), func.count().filter((Voice.is_reviewed.is_(True)) | (Voice.is_excluded.is_(True))))
        .where(Voice.matter_id == matter_id)).one()
    points, decided = db.session.execute(select(
        func.count(), func.count().filter(RiskPoint.state != PointState.CANDIDATE))
        .where(RiskPoint.matter_id == matter_id)).one()
    return {"texts": texts, "reviewed": reviewed, "points": points, "decided": decided,
            "pct_reviewed": round(100 * reviewed / texts) if texts else 0,
            "pct_decided": round(100 * decided / points) if points else 0}
