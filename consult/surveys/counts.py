"""Questionnaire figures for the dashboard and matter page."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.extensions import db
from consult.matters.counts import Figure, register
from consult.surveys.models import Response, Survey


@register
def survey_figures(matter_ids: list[int], now: datetime) -> dict[int, list[Figure]]:
    rows = dict(db.session.execute(
        select(Survey.matter_id, func.count(Response.id)).join(Response, Response.survey_id == Survey.id)
        .where(Survey.matter_id.in_(matter_ids)).group_by(Survey.matter_id)).all())
    return {mid: [Figure(_("份问卷"), rows.get(mid, 0), unit_after=True)] for mid in matter_ids}
