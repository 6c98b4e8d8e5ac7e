"""Exports as tracked background jobs: progress on the job page, the file when done.

Small questionnaires may still be downloaded directly (EXPORT_DIRECT_MAX responses or fewer);
larger ones go through start_export(). Personal data is included only for users with the right
who ask for it, and that is recorded in the audit log.
"""
from __future__ import annotations

from flask_babel import gettext as _


from sqlalchemy import func, select

from consult.audit.services import record
from consult.extensions import db
from consult.jobs import finish_job, report_progress, start_job
from consult.permissions import require
from consult.surveys.builder import SurveyError
from consult.surveys.models import Response, Survey
from consult.surveys.sheets import export_rows
from consult.tabular import FORMATS, sink as table_sink
from consult.surveys.spec import load_spec

EXPORT_DIRECT_MAX = 5000
PROGRESS_EVERY = 5000


def response_count(survey_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey_id))


def start_export(survey: Survey, *, actor, fmt: str, personal: bool):
    """Queue an export of every response; returns the JobRun to watch."""
    require(actor, "matter.view", survey)
    if fmt not in FORMATS:
        raise SurveyError(_("请选择 CSV 或 Excel 格式。"), "format")
    if personal:
        require(actor, "matter.personal_data", survey)
        record(actor=actor, action="survey.export_personal", obj=survey, matter_id=survey.matter_id,
               note="导出含个人信息的答卷")
    label = f"问卷“{survey.title[:60]}”答卷导出（{'Excel' if fmt == 'xlsx' else 'CSV'}{'，含个人信息' if personal else ''}）"
    return start_job("survey_export", export_job, survey.id, fmt, personal, actor=actor,
                     matter_id=survey.matter_id, label=label)


def export_job(job_id: int, survey_id: int, fmt: str, personal: bool) -> None:
    """The job: write every row, reporting progress, then store the file."""
    spec = load_spec(survey_id)
    if spec is None:
        raise SurveyError(_("问卷已不存在。"))
    total = response_count(survey_id)
    report_progress(job_id, 0, total, "正在导出答卷")
    sink = table_sink(fmt, "答卷")
    for i, row in enumerate(export_rows(spec, personal=personal)):
        sink.add(row)
        if i and i % PROGRESS_EVERY == 0:
            report_progress(job_id, i, total, f"已导出 {i} / {total} 份")
    report_progress(job_id, total, total, "正在生成文件")
    finish_job(job_id, sink.data(), f"问卷{survey_id}-答卷.{fmt}", FORMATS[fmt])
