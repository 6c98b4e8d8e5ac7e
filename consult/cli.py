"""flask commands: create-admin, seed-demo, demo (prepare and serve), worker, purge."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext



def _upgrade() -> None:
    from flask_migrate import upgrade

    upgrade(revision="heads")


@click.command("create-admin")
@click.option("--username", prompt="用户名")
@click.option("--name", "display_name", prompt="姓名")
@click.password_option(prompt="密码")
@with_appcontext
def create_admin(username: str, display_name: str, password: str) -> None:
    """Create an administrator account (first setup)."""
    from consult.auth.models import Role
    from consult.auth.services import AuthError, create_user
    from consult.jobs import commit

    if len(password) < 10:
        raise click.ClickException("密码至少 10 个字符。")
    try:
        create_user(actor=None, username=username, display_name=display_name, password=password, role=Role.ADMIN)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from None
    commit()
    click.echo(f"管理员 {username} 已创建。")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo consultation (idempotent)."""
    from consult.demo.seed import seed_demo

    _print_logins(seed_demo())


def _print_logins(accounts) -> None:
    click.echo("演示账号（仅用于本地演示）：")
    for role, username, password in accounts:
        click.echo(f"  {role:<6} 用户名 {username:<12} 密码 {password}")


@click.command("demo")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def demo(host: str, port: int) -> None:
    """Upgrade the database, load the demo matter and serve the site."""
    from consult.demo.seed import seed_demo

    _upgrade()
    accounts = seed_demo()
    click.echo(f"\n站点地址: http://{host}:{port}/   工作人员登录: http://{host}:{port}/staff/login")
    _print_logins(accounts)
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True)


@click.command("worker")
@with_appcontext
def worker() -> None:
    """Run an RQ worker for background jobs (needs CONSULT_REDIS_URL)."""
    from consult.jobs import queue

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("CONSULT_REDIS_URL 未设置：未配置 Redis 时任务在进程内执行，无需 worker。")
    q = queue(blocking=True)
    app = current_app._get_current_object()
    _start_sweeper(app)
    make_worker(app, q).work()


def make_worker(app, q):
    """An RQ worker that runs each job inside an app context, in its own process: no fork per
    job, because a fork copies the locks and pooled connections the sweeper thread may hold at
    that moment (the copy can deadlock or share a database socket). Run several workers for
    parallelism; a supervisor (systemd) restarts one that dies."""
    from rq import SimpleWorker

    class AppWorker(SimpleWorker):
        def perform_job(self, job, queue, *args, **kwargs):  # rq 3 passes the execution too
            with app.app_context():
                return super().perform_job(job, queue, *args, **kwargs)

    return AppWorker([q], connection=q.connection)


def _start_sweeper(app) -> None:
    """The worker is the outbox sweeper: re-queue what a failed enqueue left behind."""
    import threading
    import time

    from consult.jobs import maybe_sweep

    def loop():
        while True:
            try:
                with app.app_context():
                    maybe_sweep(app)
            except Exception:  # the database may be away: try again next round, never stop
                app.logger.exception("outbox sweeper round failed")
            time.sleep(app.config["SWEEP_INTERVAL_SECONDS"])

    threading.Thread(target=loop, name="outbox-sweeper", daemon=True).start()


@click.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Queue again messages and jobs still waiting past their deadline (cron, or by hand)."""
    from consult.jobs import sweep
    from consult.models import utcnow

    click.echo(f"已重新排队或处理 {sweep(now=utcnow())} 条消息与任务。")


def run_purge(now) -> None:
    """The retention purge: comments, hearing registrations, personal questionnaire answers, outbox."""
    from consult.hearings.registration import purge_personal_data as purge_registrations
    from consult.messaging.services import purge_message_bodies, purge_message_recipients
    from consult.notices.comments import purge_personal_data as purge_comments
    from consult.surveys.responses import purge_personal_answers

    click.echo(f"已清除 {purge_comments(now=now)} 条意见、{purge_registrations(now=now)} 条听证报名、"
               f"{purge_personal_answers(now=now)} 条问卷个人信息答案中的个人信息，"
               f"{purge_message_bodies(now=now) + purge_message_recipients(now=now)} 条短信/邮件的内容或收件人。")


@click.command("purge-personal-data")
@with_appcontext
def purge() -> None:
    """Delete personal data past the retention period."""
    from consult.jobs import commit
    from consult.models import utcnow

    run_purge(utcnow())
    commit()


@click.command("daily")
@with_appcontext
def daily() -> None:
    """Run once a day (cron): hearing reminders for tomorrow, the voice pools brought up to date, the
    warning sweep, last month's stability index into its history, then the retention purge."""
    from consult.hearings.attendance import queue_reminders
    from consult.jobs import commit
    from consult.models import utcnow

    now = utcnow()
    click.echo(f"已为 {queue_reminders(now=now)} 名参会人员排队发送会前提醒。")
    run_pool_sync()
    run_warnings_sweep(now)
    run_index_record(now)
    run_purge(now)
    commit()


def run_pool_sync() -> None:
    """Mirror new comments, answers and hearing points into every matter's voice pool (only where a
    source changed), so the warning sweep and the index read current texts without anyone opening a pool."""
    from sqlalchemy import select

    from consult.analysis.freshness import ensure_synced
    from consult.extensions import db
    from consult.matters.models import Matter

    synced = sum(ensure_synced(matter_id) for matter_id in db.session.scalars(select(Matter.id).order_by(Matter.id)))
    click.echo(f"已同步 {synced} 个事项的意见汇集。")


def run_index_record(now) -> None:
    """Record last month's stability index under the formula in force (a changed formula adds rows)."""
    from consult.oversight import stability
    from consult.oversight.months import Month
    from consult.timeutil import to_local

    month = Month.of(to_local(now).date()).previous()
    click.echo(f"已记录 {month} 平安稳定指数 {len(stability.record(month, now=now))} 个区县（公式 "
               f"{stability.formula().get('version', '')}）。")


def run_warnings_sweep(now) -> None:
    """Overdue measures and new escalation signals raise warnings; overdue warnings escalate."""
    from consult.oversight.warnings import sweep

    c = sweep(now=now)
    click.echo(f"预警巡查：措施逾期新发预警 {c['measures']} 条，升级信号新发预警 {c['signals']} 条，"
               f"逾期升级 {c['escalated']} 条，通知邮件 {c['emails']} 封。")


@click.command("warnings-sweep")
@with_appcontext
def warnings_sweep_command() -> None:
    """The warning sweep alone (also part of `flask daily`); safe to run more than once a day."""
    from consult.jobs import commit
    from consult.models import utcnow

    run_warnings_sweep(utcnow())
    commit()


@click.command("analyse")
@click.argument("matter_id", type=int)
@click.option("--user", "username", default=None, help="attribute the run to this staff account (checked like the page)")
@click.option("--max-points", type=click.IntRange(1, 200), default=None, help="upper bound on the number of points")
@with_appcontext
def analyse(matter_id: int, username: str | None, max_points: int | None) -> None:
    """Analyse a matter's voice pool in this process; prints: run id, texts, points, unassigned, seconds."""
    import time

    from consult.analysis.runs import RunError, RunStatus, cli_start_run
    from consult.jobs import commit

    started = time.perf_counter()
    try:
        run = cli_start_run(matter_id, username, max_points)
    except RunError as exc:
        raise click.ClickException(str(exc)) from None
    current_app.config["REDIS_URL"] = None  # run the job here, not on a worker
    commit()
    run = cli_reload(run)
    if run.status != RunStatus.DONE:
        raise click.ClickException(f"run {run.id} {run.status.value}: {run.error or ''}")
    click.echo(f"run {run.id}: texts {run.n_texts}, points {run.n_points}, unassigned {run.n_unassigned}, "
               f"seconds {time.perf_counter() - started:.2f}")


def cli_reload(obj):
    from consult.extensions import db

    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


@click.command("matters")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of a table.")
@with_appcontext
def matters_command(as_json: bool) -> None:
    """List matters: id, title, status and the counts of their voice pool."""
    import json

    from consult.analysis.pool import matter_summaries
    from consult.jobs import commit

    rows = matter_summaries()
    commit()  # the pools were synced
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        new = "-" if r["new_since_last_run"] is None else r["new_since_last_run"]
        click.echo(f"{r['id']:>4}  {r['status_label']:<6} 意见 {r['voices']:>6}  预警 {r['flagged']:>4}  "
                   f"新增 {new:>5}  风险点 {r['points']:>3}  {r['title']}")


@click.command("report")
@click.argument("matter_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["html", "docx", "pdf"]), default="pdf", show_default=True)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--version", "number", type=int, default=None, help="版本号（默认：最新版本）")
@with_appcontext
def report(matter_id: int, fmt: str, output: str, number: int | None) -> None:
    """Render a saved report version of a matter to HTML, DOCX or PDF."""
    from consult.reports.cli import render_to_file

    click.echo(render_to_file(matter_id, fmt, output, number))


@click.command("ledger")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of a table.")
@with_appcontext
def ledger_command(as_json: bool) -> None:
    """The ledger (台账): every matter with its steps, level, outcome, decision and filing."""
    from consult.oversight.cli import print_ledger

    print_ledger(as_json)


@click.command("stability-index")
@click.option("--month", "month", required=True, help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of a table.")
@click.option("--record", is_flag=True, help="Also store the figures in the index history (cron: the last month).")
@with_appcontext
def stability_index_command(month: str, as_json: bool, record: bool) -> None:
    """平安稳定指数 per district for one month: index 0–100 and each part with value and weight.
    --record stores them with the formula version and hash (one row per month, district, formula)."""
    from consult.jobs import commit
    from consult.oversight.cli import index_rows, print_index

    rows = index_rows(month, record=record)
    if record:
        commit()
        click.echo(f"已记录 {len(rows)} 个区县 {month} 的指数。", err=True)
    print_index(rows, as_json)


def register(app: Flask) -> None:
    for command in (create_admin, seed_demo_command, demo, worker, purge, daily, sweep_command, analyse,
                    matters_command, report, ledger_command, stability_index_command, warnings_sweep_command):
        app.cli.add_command(command)
