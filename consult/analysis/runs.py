"""Analysis runs in the app ("运行分析"): the whole voice pool through the pure pipeline.

start_run() records an AnalysisRun and a tracked job (RQ when Redis is configured, in-process
otherwise). The job brings the pool up to date (sync_voices), feeds every voice that is not
excluded to ``consult.analysis.pipeline.run`` with a persistent engine cache per matter (so a
re-run starts warm), stores the run (version, parameters, input hash, counts, provenance) and
one RunPoint per point, then matches the run's points to the curated RiskPoints
(consult.analysis.matching) and moves the unpinned texts.

Which texts go in:
- every voice not marked "not a risk / off topic" (is_excluded) by an assessor;
- comments whatever their moderation state, rejected (未予公开) ones included: moderation
  decides what the public sees on the notice page, not whether a resident's concern counts
  in the assessment. A rejected comment is usually abusive, off topic or carries personal
  data; the engine scrubs personal data, and the assessor sends off-topic texts to
  "not a risk" (which then stays out of every later run). Leaving them out silently would
  let moderation hide opposition from the assessment.
"""
from __future__ import annotations

import hashlib
import inspect
import os
import time
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from consult.analysis import matching, pipeline
from consult.analysis.models import (PSEUDONYM_SOURCES, AnalysisRun, RunPoint, RunStatus, Voice, VoiceSource,
                                     person_key)
from consult.analysis.voices import sync_voices
from consult.audit.services import record
from consult.extensions import db
from consult.jobs import report_progress, start_job
from consult.models import utcnow
from consult.permissions import require

# the app's channels mapped onto the engine's source vocabulary (pipeline.model.SOURCES)
ENGINE_SOURCE = {
    VoiceSource.COMMENT: "comment", VoiceSource.PAPER: "comment", VoiceSource.SURVEY: "survey",
    VoiceSource.HEARING: "hearing", VoiceSource.REGISTRATION: "hearing", VoiceSource.SYMPOSIUM: "hearing",
    VoiceSource.VISIT: "visit", VoiceSource.LETTER: "other",
}
BUSY_FOR = timedelta(hours=2)  # a queued/running run older than this is taken as dead
CHUNK = 5000
_COLUMNS = (Voice.id, Voice.text, Voice.title, Voice.source, Voice.stance, Voice.group, Voice.weight,
            Voice.occurred_at, Voice.author, Voice.text_hash, Voice.is_pinned, Voice.point_id)


class RunError(Exception):
    """A refusal the assessor can act on (message in Chinese)."""


def cache_path(matter_id: int) -> str:
    """The engine's token cache (and warm-start fit beside it) for one matter."""
    folder = current_app.config.get("ANALYSIS_CACHE_DIR") or os.path.join(current_app.instance_path,
                                                                          "analysis-cache")
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"matter-{matter_id}.cache")


def busy_run(matter_id: int, now: datetime) -> AnalysisRun | None:
    return db.session.scalar(select(AnalysisRun).where(
        AnalysisRun.matter_id == matter_id, AnalysisRun.status.in_([RunStatus.QUEUED, RunStatus.RUNNING]),
        AnalysisRun.created_at > now - BUSY_FOR).order_by(AnalysisRun.id.desc()).limit(1))


def start_run(matter, *, actor, now: datetime, max_points: int | None = None) -> AnalysisRun:
    """Queue a run over the matter's whole pool. ``actor`` is None only from the command line."""
    if actor is not None:
        require(actor, "matter.analyse", matter)
    if busy_run(matter.id, now) is not None:
        raise RunError(_("本事项已有一次分析正在进行，请等待其完成。"))
    params = {} if max_points is None else {"max_points": int(max_points)}
    run = AnalysisRun(matter_id=matter.id, status=RunStatus.QUEUED, created_at=now, params=params,
                      started_by_id=getattr(actor, "id", None))
    db.session.add(run)
    db.session.flush()
    job = start_job("analysis_run", run_job, run.id, actor=actor, matter_id=matter.id,
                    label=f"风险点分析（运行 #{run.id}）：{matter.title[:60]}")
    run.job_id = job.id
    record(actor=actor, action="analysis.run.start", obj=run, matter_id=matter.id,
           after={"run_id": run.id, "job_id": job.id, "params": params})
    return run


def cli_start_run(matter_id: int, username: str | None, max_points: int | None) -> AnalysisRun:
    """`flask analyse`: look up the matter (and the user to attribute the run to), start a run."""
    from sqlalchemy import func
    from werkzeug.exceptions import Forbidden

    from consult.auth.models import User
    from consult.matters.models import Matter

    matter = db.session.get(Matter, matter_id)
    if matter is None:
        raise RunError(_("事项 %(id)s 不存在。", id=matter_id))
    actor = None  # the operator at the server's shell
    if username:
        actor = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if actor is None:
            raise RunError(_("用户 %(name)s 不存在。", name=username))
    try:
        return start_run(matter, actor=actor, now=utcnow(), max_points=max_points)
    except Forbidden:
        raise RunError(_("用户 %(name)s 无权分析事项 %(id)s。", name=username, id=matter_id)) from None


def run_job(job_id: int, run_id: int) -> None:
    """The job: sync, analyse, store, match. A failure marks the run failed (and the job)."""
    try:
        _execute(job_id, run_id)
    except Exception as exc:
        db.session.rollback()
        run = db.session.get(AnalysisRun, run_id)
        run.status, run.error, run.finished_at = RunStatus.FAILED, str(exc)[:2000], utcnow()
        report_progress(job_id, 0, 100, "分析失败")  # commits the failed run; the wrapper fails the job
        raise


def _execute(job_id: int, run_id: int) -> None:
    run = db.session.get(AnalysisRun, run_id)
    if run is None or run.status != RunStatus.QUEUED:
        return
    report_progress(job_id, 0, 100, "正在同步意见池")
    counts = sync_voices(run.matter_id)
    run.status, run.started_at = RunStatus.RUNNING, utcnow()
    rows = list(db.session.execute(select(*_COLUMNS).where(
        Voice.matter_id == run.matter_id, Voice.is_excluded.is_(False)).order_by(Voice.id)))
    docs = [_document(r) for r in rows]
    params = pipeline.Params.from_dict({**run.params, "cache_path": cache_path(run.matter_id)})
    report_progress(job_id, 5, 100, f"正在分析 {len(docs)} 条文本")  # commits the sync and the run's state
    started = time.perf_counter()
    result = _engine(docs, params, _Progress(job_id))
    engine_seconds = time.perf_counter() - started
    report_progress(job_id, 90, 100, "正在保存结果")
    store_result(run, result, rows, input_hash=input_hash(rows))
    run.provenance = {**run.provenance, "sync": counts, "engine_seconds": round(engine_seconds, 3),
                      "excluded": _excluded_count(run.matter_id)}
    run.status, run.finished_at = RunStatus.DONE, utcnow()
    report_progress(job_id, 100, 100, f"完成：{run.n_texts} 条文本，{run.n_points} 个风险点")  # commits


def _document(r) -> pipeline.Document:
    return pipeline.Document(
        id=str(r.id), text=r.text, title=r.title or None, source=ENGINE_SOURCE[r.source],
        stance=r.stance.value, group=r.group or None, weight=float(r.weight or 1.0),
        time=r.occurred_at.isoformat() if r.occurred_at else None,
        author=r.author if r.source in PSEUDONYM_SOURCES and r.author else None)  # masked names are not people


def input_hash(rows) -> str:
    """What went in: every voice id with its text, stance, source, group and weight."""
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r.id}\x1f{r.text_hash}\x1f{r.stance.value}\x1f{r.source.value}\x1f{r.group}\x1f"
                 f"{float(r.weight or 1.0)}\x1e".encode("utf-8"))
    return h.hexdigest()


def _engine(docs, params, progress):
    """pipeline.run(docs, params), with a progress callback when the engine takes one."""
    if "progress" in inspect.signature(pipeline.run).parameters:
        return pipeline.run(docs, params, progress=progress)
    return pipeline.run(docs, params)


class _Progress:
    """Engine stages → the job page, at most once a second (each report commits)."""

    def __init__(self, job_id: int):
        self.job_id, self.last, self.stage = job_id, 0.0, ""

    def __call__(self, stage: str, done: int = 1, total: int = 1) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.last < 1.0:
            return
        self.stage, self.last = stage, now
        share = done / total if total else 1.0
        report_progress(self.job_id, 5 + int(80 * min(1.0, share)) if stage != "done" else 88, 100,
                        f"分析引擎：{stage}")


def _excluded_count(matter_id: int) -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(Voice).where(
        Voice.matter_id == matter_id, Voice.is_excluded.is_(True)))


# --- storing -------------------------------------------------------------------------------

def store_result(run: AnalysisRun, result, rows, *, input_hash: str) -> None:
    """The run record, its points, the match to curated points and the texts' new places."""
    by_id = {r.id: r for r in rows}
    run.pipeline_version = str(getattr(result, "pipeline_version", ""))[:40]
    run.params = _plain(getattr(result, "params", {}))
    run.input_hash = input_hash
    run.n_texts, run.n_unassigned = len(rows), len(getattr(result, "unassigned", []) or [])
    run.provenance = {**_plain(getattr(result, "provenance", {}) or {}),
                      "resources": _plain(getattr(result, "resources", {}) or {}),
                      "timings": _plain((getattr(result, "stats", {}) or {}).get("timings", {}))}
    points = sorted(result.risk_points, key=lambda p: (-float(p.weight), -int(p.size), str(p.id)))
    run_points = [_run_point(run, rank, p, by_id) for rank, p in enumerate(points)]
    db.session.add_all(run_points)
    run.n_points = len(run_points)
    db.session.flush()
    run.summary = matching.apply_run(run, run_points, now=utcnow())
    _touch_voices(run.id, [r.id for r in rows])


def _run_point(run: AnalysisRun, rank: int, p, by_id: dict) -> RunPoint:
    ids = [int(d) for d in p.doc_ids if int(d) in by_id]
    return RunPoint(run_id=run.id, rank=rank, engine_id=str(p.id)[:40], title=str(p.title)[:200],
                    keywords=keyword_terms(p.keywords),
                    area=str(p.area or "")[:40], dimension=str(p.dimension or "")[:20], size=len(ids),
                    weight=float(p.weight), voice_ids=ids, details=point_details(p, [by_id[i] for i in ids]))


def keyword_terms(keywords) -> list[str]:
    """The engine's keywords ([{"term", "weight"}] today; plain strings accepted) as terms."""
    return [str(k.get("term", "")) if isinstance(k, dict) else str(k) for k in keywords or []]


KNOWN = {"id", "title", "keywords", "area", "dimension", "doc_ids", "size", "weight", "representatives",
         "stance", "escalation", "representative_ids"}


def point_details(p, members) -> dict[str, Any]:
    """Stance mix, source mix and people from the app's own records; the rest from the engine."""
    from collections import Counter

    esc = getattr(p, "escalation", None)
    esc = esc if isinstance(esc, dict) else {"score": getattr(esc, "score", 0.0), "terms": getattr(esc, "terms", [])}
    extras = {}
    if hasattr(p, "__dataclass_fields__"):
        extras = {k: _plain(getattr(p, k)) for k in p.__dataclass_fields__ if k not in KNOWN}
    return {
        "stance": dict(Counter(m.stance.value for m in members)),
        "sources": dict(Counter(m.source.value for m in members)),
        "authors": len({person_key(m.source, m.author, m.id) for m in members}),
        "escalation": {"score": float(esc.get("score") or 0.0), "terms": [str(t) for t in esc.get("terms") or []]},
        "representatives": [{"id": str(r.get("id")), "text": str(r.get("text", ""))}
                            for r in (p.representatives or []) if isinstance(r, dict)],
        "engine": extras,  # weight parts, confidences, cohesion … whatever this engine version adds
    }


def _plain(value):
    """JSON-safe copy of what the engine gives (dataclasses, tuples, numpy numbers)."""
    import dataclasses

    if dataclasses.is_dataclass(value):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _touch_voices(run_id: int, ids: list[int]) -> None:
    """Every text in this run is no longer "new since the last run" (moved texts already are)."""
    for i in range(0, len(ids), CHUNK):
        db.session.execute(update(Voice).where(
            Voice.id.in_(ids[i:i + CHUNK]), (Voice.last_run_id.is_(None)) | (Voice.last_run_id != run_id))
            .values(last_run_id=run_id).execution_options(synchronize_session=False))


# --- reading -------------------------------------------------------------------------------

def latest_run(matter_id: int, *, done: bool = True) -> AnalysisRun | None:
    stmt = select(AnalysisRun).where(AnalysisRun.matter_id == matter_id)
    if done:
        stmt = stmt.where(AnalysisRun.status == RunStatus.DONE)
    return db.session.scalar(stmt.order_by(AnalysisRun.id.desc()).limit(1))


def runs_of(matter_id: int) -> list[AnalysisRun]:
    return list(db.session.scalars(select(AnalysisRun).where(AnalysisRun.matter_id == matter_id)
                                   .order_by(AnalysisRun.id.desc())))
