"""``flask --app wsgi analyse MATTER_ID``: the same run as "运行分析", in this process."""
from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("analyse")
@click.argument("matter_id", type=int)
@click.option("--user", "username", default=None, help="attribute the run to this staff account (checked like the page)")
@click.option("--max-points", type=click.IntRange(1, 200), default=None, help="upper bound on the number of points")
@with_appcontext
def analyse(matter_id: int, username: str | None, max_points: int | None) -> None:
    """Analyse a matter's voice pool; prints: run id, texts, points, unassigned, seconds."""
    from sqlalchemy import func, select
    from werkzeug.exceptions import Forbidden

    from consult.analysis.models import AnalysisRun, RunStatus
    from consult.analysis.runs import RunError, start_run
    from consult.auth.models import User
    from consult.extensions import db
    from consult.jobs import commit
    from consult.matters.models import Matter
    from consult.models import utcnow

    matter = db.session.get(Matter, matter_id)
    if matter is None:
        raise click.ClickException(f"事项 {matter_id} 不存在。")
    actor = None  # the operator at the server's shell
    if username:
        actor = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
        if actor is None:
            raise click.ClickException(f"用户 {username} 不存在。")
    started = time.perf_counter()
    try:
        run_id = start_run(matter, actor=actor, now=utcnow(), max_points=max_points).id
    except RunError as exc:
        raise click.ClickException(str(exc)) from None
    except Forbidden:
        raise click.ClickException(f"用户 {username} 无权分析事项 {matter_id}。") from None
    current_app.config["REDIS_URL"] = None  # run the job here, not on a worker
    commit()
    db.session.expire_all()
    run = db.session.get(AnalysisRun, run_id)
    seconds = time.perf_counter() - started
    if run.status != RunStatus.DONE:
        raise click.ClickException(f"run {run.id} {run.status.value}: {run.error or ''}")
    click.echo(f"run {run.id}: texts {run.n_texts}, points {run.n_points}, unassigned {run.n_unassigned}, "
               f"seconds {seconds:.2f}")
