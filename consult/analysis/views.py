"""Assessor workspace pages (民意汇集, analysis runs, curation) under /staff/matters/<id>/analysis.

This module: analysis runs — start one ("运行分析"), watch it, read it, compare two.
Curation pages live in consult.analysis.point_views.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from consult.analysis import matching, runs
from consult.analysis.curation import progress_of
from consult.analysis.forms import RunForm
from consult.analysis.models import AnalysisRun, RiskPoint
from consult.auth.models import User
from consult.extensions import db
from consult.jobs import commit
from consult.matters.access import matter_for as _matter
from consult.jobs.models import JobRun
from consult.matters.models import Matter
from consult.models import utcnow
from consult.permissions import can

bp = Blueprint("analysis", __name__, url_prefix="/staff/matters/<int:matter_id>/analysis")


@bp.before_request
@login_required
def _staff_only():
    return None


def _run(matter: Matter, run_id: int) -> AnalysisRun:
    run = db.get_or_404(AnalysisRun, run_id)
    if run.matter_id != matter.id:
        abort(404)
    return run


@bp.route("/runs")
def run_list(matter_id: int):
    matter = _matter(matter_id)
    all_runs = runs.runs_of(matter.id)
    return render_template("analysis/runs/list.html", matter=matter, runs=all_runs, form=RunForm(),
                           can_analyse=can(current_user, "matter.analyse", matter), rule=matching.rule_text(),
                           progress=progress_of(matter.id), busy=runs.busy_run(matter.id, utcnow()))


@bp.route("/runs", methods=["POST"])
def run_start(matter_id: int):
    matter = _matter(matter_id, "matter.analyse")
    form = RunForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        run = runs.start_run(matter, actor=current_user, now=utcnow())
    except runs.RunError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("analysis.run_list", matter_id=matter.id))
    run_id = run.id
    commit()  # the job runs after this (in-process: right now; with Redis: on a worker)
    return redirect(url_for("analysis.run_detail", matter_id=matter.id, run_id=run_id))


@bp.route("/runs/<int:run_id>")
def run_detail(matter_id: int, run_id: int):
    matter = _matter(matter_id)
    run = _run(matter, run_id)
    job = db.session.get(JobRun, run.job_id) if run.job_id else None
    starter = db.session.get(User, run.started_by_id) if run.started_by_id else None
    curated = {p.id: p.title for p in db.session.scalars(select(RiskPoint).where(RiskPoint.matter_id == matter.id))}
    return render_template("analysis/runs/detail.html", matter=matter, run=run, job=job, starter=starter,
                           curated=curated, rule=matching.rule_text())


@bp.route("/runs/compare")
def run_compare(matter_id: int):
    matter = _matter(matter_id)
    a, b = request.args.get("a", ""), request.args.get("b", "")
    if not (a.isdigit() and b.isdigit()) or a == b:
        flash(_("请选择两次不同的运行进行比较。"), "error")
        return redirect(url_for("analysis.run_list", matter_id=matter.id))
    old, new = sorted((_run(matter, int(a)), _run(matter, int(b))), key=lambda r: r.id)
    if old.status.value != "done" or new.status.value != "done":
        flash(_("只能比较已完成的运行。"), "error")
        return redirect(url_for("analysis.run_list", matter_id=matter.id))
    return render_template("analysis/runs/compare.html", matter=matter, old=old, new=new,
                           diff=matching.compare_runs(old, new))
