"""Hearing figures for the dashboard and matter page."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.extensions import db
from consult.hearings.models import ACTIVE, Meeting, Registration
from consult.matters.counts import Figure, register


@register
def hearing_figures(matter_ids: list[int], now: datetime) -> dict[int, list[Figure]]:
    rows = dict(db.session.execute(
        select(Meeting.matter_id, func.count(Registration.id)).join(Registration, Registration.meeting_id == Meeting.id)
        .where(Meeting.matter_id.in_(matter_ids), Registration.status.in_(ACTIVE)).group_by(Meeting.matter_id)).all())
    return {mid: [Figure(_("人报名"), rows.get(mid, 0), unit_after=True)] for mid in matter_ids}
