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
         frozenset({"organiser", "assessor", "admin"}), status=302),
]


def _meeting(w) -> int:
    from tests.hearings import factories as hf

    return hf.meeting(w).id


def _survey(w) -> int:
    from tests.surveys.helpers import standard_survey

    w["survey"] = standard_survey(w)
    return w["survey"].id


def _survey_text_url(w) -> str:
    from tests.reliability.test_personal_answers import _survey_with_personal_answer

    survey, q, _code = _survey_with_personal_answer(w)
    return f"/staff/surveys/{survey.id}/texts/{q.id}"


# Unmasked personal data is shown only on a POST (a reveal), to those entitled to it.
PERSONAL = frozenset({"organiser", "admin"})
CASES += [
    Case("hearings_staff.registrations", lambda w: f"/staff/hearings/{_meeting(w)}/registrations", PERSONAL,
         lambda w: {"full": "1"}, status=200),
    Case("hearings_staff.attendance_page", lambda w: f"/staff/hearings/{_meeting(w)}/attendance", PERSONAL,
         lambda w: {"full": "1"}, status=200),
    Case("hearings_staff.signin_sheet", lambda w: f"/staff/hearings/{_meeting(w)}/signin", PERSONAL,
         lambda w: {"full": "1"}, status=200),
    Case("hearings_staff.signin_xlsx", lambda w: f"/staff/hearings/{_meeting(w)}/signin.xlsx", PERSONAL,
         lambda w: {"full": "1"}, status=200),
    Case("surveys_staff.export_csv", lambda w: f"/staff/surveys/{_survey(w)}/export.csv", PERSONAL,
         lambda w: {"personal": "1"}, status=200),
    Case("surveys_staff.export_xlsx", lambda w: f"/staff/surveys/{_survey(w)}/export.xlsx", PERSONAL,
         lambda w: {"personal": "1"}, status=200),
    Case("surveys_staff.survey_texts", _survey_text_url, PERSONAL, lambda w: {"personal": "1"}, status=200),
]
