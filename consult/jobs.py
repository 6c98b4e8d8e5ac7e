"""Jobs run after the transaction that asked for them commits.

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
