"""Jobs run after the transaction that asked for them commits.

Tracked jobs (start_job) add a JobRun row with progress that staff can watch at
/staff/jobs/<id>, and may leave a file to download.

enqueue_after_commit(fn, *args) records the call on the session; commit() commits and
then dispatches: to RQ when CONSULT_REDIS_URL is set, otherwise in this process, at once.
A rollback drops the pending calls. Job functions take ids, load what they need, call
services and commit through commit() themselves.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from consult.extensions import db

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


def commit() -> None:
    """Commit the request's (or job's) one transaction, then dispatch its jobs."""
    db.session.commit()
    pending = db.session.info.pop(_KEY, [])
    for fn, args, kwargs in pending:
        dispatch(fn, *args, **kwargs)


def queue():
    from redis import Redis
    from rq import Queue

    return Queue("consult", connection=Redis.from_url(current_app.config["REDIS_URL"]),
                 is_async=current_app.config.get("RQ_ASYNC", True))


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

    job = JobRun(kind=kind, label=label, matter_id=matter_id, requested_by_id=getattr(actor, "id", None))
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(run_tracked, job.id, fn, *args)
    return job


def run_tracked(job_id: int, fn: Callable[..., Any], *args: Any) -> None:
    """Job wrapper: mark running, call fn, record failure; progress is committed as it goes."""
    from consult.jobs.models import JobRun, JobStatus
    from consult.models import utcnow

    job = db.session.get(JobRun, job_id)
    if job is None or job.is_finished:
        return
    job.status, job.started_at = JobStatus.RUNNING, utcnow()
    commit()
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
