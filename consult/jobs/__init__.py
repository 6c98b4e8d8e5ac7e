"""Jobs run after the transaction that asked for them commits.

Tracked jobs (start_job) add a JobRun row with progress that staff can watch at
/staff/jobs/<id>, and may leave a file to download.

enqueue_after_commit(fn, *args) records the call on the session; commit() commits and
then dispatches: to RQ when CONSULT_REDIS_URL is set, otherwise in this process, at once.
A rollback drops the pending calls. Job functions take ids, load what they need, call
services and commit through commit() themselves.

The commit is the source of truth (a transactional outbox): messages and tracked jobs are
rows first. When queuing fails after the commit the request still succeeds; sweep() — run
by the worker, and by the web process every SWEEP_INTERVAL_SECONDS — dispatches anything
still QUEUED past its deadline again, with growing backoff, and marks jobs whose worker died
(no heartbeat for JOB_STALE_SECONDS) failed so staff can run them again.
"""
from __future__ import annotations

import importlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any, Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.extensions import db
from consult.models import utcnow

log = logging.getLogger(__name__)
_KEY = "consult_pending_jobs"


def enqueue_after_commit(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    db.session.connection()  # begin the transaction, so its rollback is seen and drops the job
    db.session.info.setdefault(_KEY, []).append((fn, args, kwargs))


def _drop_pending(session, previous_transaction) -> None:
    # every rollback() call fires this, even with nothing begun; a savepoint's rollback
    # leaves the outer transaction (and the jobs it queued) in place
    if not session.in_transaction():
        session.info.pop(_KEY, None)


def install(app) -> None:
    if not event.contains(Session, "after_soft_rollback", _drop_pending):
        event.listen(Session, "after_soft_rollback", _drop_pending)

    @app.teardown_request
    def _sweep_in_process(exc=None):
        # without a worker (no Redis) the web process is the sweeper; tests call sweep() directly
        if not app.config.get("REDIS_URL") and not app.testing and exc is None:
            maybe_sweep(app)


def commit() -> None:
    """Commit the request's (or job's) one transaction, then dispatch its jobs.

    A dispatch that fails is logged, not raised: the rows are committed and the sweeper
    sends them later, so the caller's answer ("received") stays true."""
    db.session.commit()
    pending = db.session.info.pop(_KEY, [])
    for fn, args, kwargs in pending:
        try:
            dispatch(fn, *args, **kwargs)
        except Exception as exc:  # queue unreachable: the outbox row waits for the sweeper
            log.warning("could not queue %s%s (%s); the sweeper will retry",
                        getattr(fn, "__name__", fn), args, exc)


def queue(*, blocking: bool = False):
    """The RQ queue. Web requests fail fast when Redis is away (short timeouts); the worker's
    connection (blocking=True) waits in BLPOP, so it has no read timeout."""
    from redis import Redis
    from rq import Queue

    timeouts = {"socket_connect_timeout": 2} if blocking else {"socket_connect_timeout": 2, "socket_timeout": 5}
    redis = Redis.from_url(current_app.config["REDIS_URL"], health_check_interval=30, **timeouts)
    return Queue("consult", connection=redis, is_async=current_app.config.get("RQ_ASYNC", True))


def dispatch(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    if current_app.config.get("REDIS_URL"):
        from rq import Retry

        queue().enqueue(fn, *args, retry=Retry(max=3, interval=[10, 60, 300]), **kwargs)
        return
    try:
        fn(*args, **kwargs)
    except Exception:  # an in-process job must not break the request that queued it
        db.session.rollback()
        log.exception("in-process job %s failed", getattr(fn, "__name__", fn))


# --- tracked jobs -----------------------------------------------------------------------

def start_job(kind: str, fn: Callable[..., Any], *args: Any, actor, matter_id: int | None, label: str):
    """Create a JobRun and run fn(job_id, *args) after the commit. Callers check permission."""
    from consult.jobs.models import JobRun

    job = JobRun(kind=kind, label=label, matter_id=matter_id, requested_by_id=getattr(actor, "id", None),
                 func=f"{fn.__module__}:{fn.__qualname__}", args_json=json.dumps(list(args)),
                 next_attempt_at=utcnow() + timedelta(seconds=current_app.config["OUTBOX_DEADLINE_SECONDS"]))
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(run_tracked, job.id, fn, *args)
    return job


def run_tracked(job_id: int, fn: Callable[..., Any], *args: Any) -> None:
    """Job wrapper: mark running, call fn, record failure; progress is committed as it goes."""
    from sqlalchemy import update

    from consult.jobs.models import JobRun, JobStatus

    now = utcnow()
    claimed = db.session.execute(  # one runner per job, even when the sweeper queued it twice
        update(JobRun).where(JobRun.id == job_id, JobRun.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, error=None)
        .execution_options(synchronize_session=False)).rowcount
    commit()
    if not claimed:
        return
    job = db.session.get(JobRun, job_id)
    try:
        fn(job_id, *args)
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        job = db.session.get(JobRun, job_id)
        job.status, job.error, job.finished_at = JobStatus.FAILED, str(exc)[:2000], utcnow()
        commit()
        return
    job = db.session.get(JobRun, job_id)
    if not job.is_finished:
        job.status, job.finished_at = JobStatus.DONE, utcnow()
    commit()


def report_progress(job_id: int, done: int, total: int, message: str = "") -> None:
    """Called from inside a job; commits so that the status page sees it at once."""
    from consult.jobs.models import JobRun

    job = db.session.get(JobRun, job_id)
    job.done, job.total, job.message = done, total, message[:500]
    job.heartbeat_at = utcnow()
    commit()


def finish_job(job_id: int, data: bytes, filename: str, mimetype: str) -> None:
    """Store a job's file through the storage layer and mark the job done."""
    from consult.jobs.models import JobRun, JobStatus
    from consult.models import utcnow
    from consult.storage import storage

    key, _digest = storage().save(data)
    job = db.session.get(JobRun, job_id)
    job.result_key, job.result_name, job.result_mimetype = key, filename, mimetype
    job.status, job.finished_at, job.done = JobStatus.DONE, utcnow(), job.total
    commit()


# --- the sweeper ------------------------------------------------------------------------

def backoff(deadline: int, dispatches: int) -> timedelta:
    """Deadline × 2^(dispatches-1), at most a day."""
    return timedelta(seconds=min(deadline * 2 ** max(dispatches - 1, 0), 86400))


def resolve_func(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def redispatch_job(job) -> None:
    """Queue a tracked job again (sweeper, or staff pressing "retry"). Commits first."""
    from consult.jobs.models import JobStatus

    cfg = current_app.config
    job.status, job.error, job.finished_at = JobStatus.QUEUED, None, None
    job.dispatches += 1
    job.next_attempt_at = utcnow() + backoff(cfg["OUTBOX_DEADLINE_SECONDS"], job.dispatches)
    enqueue_after_commit(run_tracked, job.id, resolve_func(job.func), *json.loads(job.args_json or "[]"))


def _sweep_jobs(now: datetime) -> int:
    from sqlalchemy import select

    from consult.jobs.models import JobRun, JobStatus

    cfg = current_app.config
    count = 0
    due = select(JobRun).where(JobRun.status == JobStatus.QUEUED, JobRun.func.is_not(None),
                               JobRun.next_attempt_at < now).limit(100)
    for job in db.session.scalars(due):
        if job.dispatches >= cfg["OUTBOX_MAX_DISPATCHES"]:
            job.status, job.error, job.finished_at = JobStatus.FAILED, "多次排队失败，请重新运行。", now
        else:
            redispatch_job(job)
        count += 1
    stale = select(JobRun).where(JobRun.status == JobStatus.RUNNING,
                                 JobRun.heartbeat_at < now - timedelta(seconds=cfg["JOB_STALE_SECONDS"]))
    for job in db.session.scalars(stale.limit(100)):
        job.status, job.finished_at = JobStatus.FAILED, now
        job.error = "后台任务中断（工作进程停止），请点击“重新运行”。"
        count += 1
    return count


def sweep(*, now: datetime) -> int:
    """Dispatch again what is still queued past its deadline; fail jobs lost with a worker."""
    from consult.messaging.services import sweep_messages

    if current_app.config.get("REDIS_URL"):
        try:
            queue().connection.ping()
        except Exception as exc:  # the queue is still away: leave rows (and their backoff) alone
            log.warning("outbox sweep skipped, queue unreachable: %s", exc)
            return 0
    count = sweep_messages(now=now) + _sweep_jobs(now)
    commit()
    return count


_last_sweep: dict[str, datetime] = {}


def maybe_sweep(app) -> None:
    """Run sweep() at most every SWEEP_INTERVAL_SECONDS in this process (no-worker default)."""
    now = utcnow()
    last = _last_sweep.get(app.name)
    if last is not None and now - last < timedelta(seconds=app.config["SWEEP_INTERVAL_SECONDS"]):
        return
    _last_sweep[app.name] = now
    try:
        sweep(now=now)
    except Exception:  # the sweeper never breaks a request
        db.session.rollback()
        log.exception("outbox sweep failed")
