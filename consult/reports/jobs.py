"""Rendering a report version as a tracked background job (large reports, slow machines)."""
from __future__ import annotations

from flask_babel import gettext as _

from consult.extensions import db
from consult.jobs import finish_job, report_progress, start_job
from consult.permissions import require
from consult.reports import render
from consult.reports.models import ReportVersion
from consult.reports.services import AssessmentError


def start_render(version: ReportVersion, *, actor, fmt: str):
    require(actor, "matter.view", version)
    if fmt not in render.FORMATS:
        raise AssessmentError(_("不支持的格式。"))
    return start_job("report.render", render_job, version.id, fmt, actor=actor, matter_id=version.matter_id,
                     label=f"生成报告 {version.label}（{fmt.upper()}）")


def render_job(job_id: int, version_id: int, fmt: str) -> None:
    version = db.session.get(ReportVersion, version_id)
    report_progress(job_id, 0, 1, "正在排版")
    data, mimetype = render.render(version.document, fmt)
    finish_job(job_id, data, f"report-{version.matter_id}-v{version.number}.{fmt}", mimetype)
