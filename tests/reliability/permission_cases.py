"""Access cases for the endpoints added by the reliability work (job retry)."""
import json

from consult.extensions import db
from consult.jobs.models import JobRun, JobStatus
from tests.permission_support import Case


def _failed_job(w) -> int:
    job = JobRun(kind="test", label="导出", matter_id=w["matter"].id, requested_by_id=w["organiser"].id,
                 status=JobStatus.FAILED, error="后台任务中断", func="consult.jobs:report_progress",
                 args_json=json.dumps([0, 0]))
    db.session.add(job)
    db.session.commit()
    return job.id


CASES = [
    Case("jobs.retry", lambda w: f"/staff/jobs/{_failed_job(w)}/retry",
         frozenset({"organiser", "assessor", "admin"})),
]
