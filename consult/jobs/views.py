"""Staff page of one tracked job: progress while it runs, the file when it is done."""
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult import jobs

from consult.extensions import db
from consult.jobs.models import JobRun
from consult.permissions import require
from consult.storage import storage

bp = Blueprint("jobs", __name__, url_prefix="/staff/jobs")


def _job_or_404(job_id: int) -> JobRun:
    job = db.get_or_404(JobRun, job_id)
    if job.matter is not None:
        require(current_user, "matter.view", job.matter)
    elif job.requested_by_id != current_user.id:
        abort(403)
    return job


@bp.route("/<int:job_id>")
@login_required
def status(job_id: int):
    return render_template("jobs/status.html", job=_job_or_404(job_id))


@bp.route("/<int:job_id>/download")
@login_required
def download(job_id: int):
    job = _job_or_404(job_id)
    if job.requested_by_id != current_user.id:
        abort(403)  # a job's file may hold personal data the requester was entitled to, others not
    if not job.result_key:
        abort(404)
    resp = current_app.response_class(storage().read(job.result_key), mimetype=job.result_mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.result_name)}"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.route("/<int:job_id>/retry", methods=["POST"])
@login_required
def retry(job_id: int):
    """Run a failed job again (its worker died, or the queue was away too long)."""
    job = _job_or_404(job_id)
    if not job.can_retry:
        abort(409)
    jobs.redispatch_job(job)
    jobs.commit()
    flash(_("任务已重新排队。"), "success")
    return redirect(url_for("jobs.status", job_id=job.id))
