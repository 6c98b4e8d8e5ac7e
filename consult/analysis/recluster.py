"""Split a point by re-clustering inside it: the pipeline on that point's texts only.

A tracked job (like a run). The heaviest sub-point keeps the original point; every other
sub-point becomes a new point made by the assessor, and all the point's texts are pinned
(the assessor chose this split, so re-runs keep it). Texts the engine leaves unassigned
stay in the original point. The subset uses its own engine cache file, so it never
replaces the warm-start fit of the matter's full runs.
"""
from __future__ import annotations

import glob
import os

from flask_babel import gettext as _
from sqlalchemy import select

from consult.analysis import pipeline
from consult.analysis.curation import CurationError, _live
from consult.analysis.matching import refresh_weights
from consult.analysis.models import PointState, RiskPoint, Voice
from consult.analysis.runs import _document, cache_path, keyword_terms
from consult.audit.services import record
from consult.extensions import db
from consult.jobs import report_progress, start_job
from consult.permissions import require

MIN_TEXTS = 6
MAX_SUBPOINTS = 8


def start_recluster(point: RiskPoint, *, actor, now):
    require(actor, "matter.analyse", point)
    _live(point)
    if len(_members(point.id)) < MIN_TEXTS:
        raise CurationError(_("文本少于 %(n)s 条，无法在点内重新聚类；请用“选择文本拆分”。", n=MIN_TEXTS))
    job = start_job("point_recluster", recluster_job, point.id, getattr(actor, "id", None), actor=actor,
                    matter_id=point.matter_id, label=f"点内重新聚类：{point.title[:60]}")
    record(actor=actor, action="analysis.point.recluster", obj=point, matter_id=point.matter_id,
           after={"job_id": job.id})
    return job


def _members(point_id: int):
    from consult.analysis.runs import _COLUMNS

    return list(db.session.execute(select(*_COLUMNS).where(
        Voice.point_id == point_id, Voice.is_excluded.is_(False)).order_by(Voice.id)))


def recluster_job(job_id: int, point_id: int, actor_id: int | None) -> None:
    from consult.auth.models import User

    point = db.session.get(RiskPoint, point_id)
    if point is None or point.state == PointState.MERGED:
        report_progress(job_id, 1, 1, "风险点已不存在或已合并，未拆分。")
        return
    rows = _members(point_id)
    report_progress(job_id, 0, 2, f"正在对 {len(rows)} 条文本重新聚类")
    subset_cache = cache_path(point.matter_id).replace(".cache", f"-point{point_id}.cache")
    params = pipeline.Params(max_points=MAX_SUBPOINTS, min_cluster_size=2, cache_path=subset_cache)
    try:
        result = pipeline.run([_document(r) for r in rows], params)
    finally:
        for path in glob.glob(glob.escape(subset_cache) + "*"):  # the token cache and its fit file
            os.remove(path)
    subs = sorted(result.risk_points, key=lambda p: (-float(p.weight), -int(p.size)))
    if len(subs) < 2:
        report_progress(job_id, 2, 2, "分析引擎未能把这些文本再分成两组以上，风险点保持不变。")
        return
    new_ids = [_make_sub(point, sub, actor_id) for sub in subs[1:]]
    db.session.execute(Voice.__table__.update().where(Voice.point_id == point.id).values(is_pinned=True))
    actor = db.session.get(User, actor_id) if actor_id else None
    record(actor=actor, action="analysis.point.split", obj=point, matter_id=point.matter_id,
           after={"new_points": new_ids, "mode": "recluster"})
    refresh_weights(point.matter_id)
    report_progress(job_id, 2, 2, f"已拆分为 {len(new_ids) + 1} 个风险点")  # commits


def _make_sub(point: RiskPoint, sub, actor_id) -> int:
    new = RiskPoint(matter_id=point.matter_id, title=str(sub.title)[:200] or "拆分出的风险点", is_manual=True,
                    keywords=keyword_terms(sub.keywords),
                    area=str(sub.area or "")[:40], dimension=str(sub.dimension or "")[:20],
                    state=PointState.CANDIDATE, created_by_id=actor_id, first_run_id=point.last_run_id,
                    last_run_id=point.last_run_id)
    db.session.add(new)
    db.session.flush()
    ids = [int(d) for d in sub.doc_ids]
    db.session.execute(Voice.__table__.update().where(Voice.id.in_(ids), Voice.point_id == point.id)
                       .values(point_id=new.id, is_pinned=True))
    return new.id
