"""Per-response facts for the rate breakdowns (see Response.group_option_id ...).

They are written with the response (responses.facts); when a definition is pointed at another
question they are derived again from the stored answers, in one UPDATE.
"""
from __future__ import annotations

from sqlalchemy import null, select, update

from consult.extensions import db
from consult.surveys.models import Answer, Response, Survey
from consult.surveys.spec import definitions_of


def refresh_facts(survey: Survey, before: dict[str, int | None] | None = None) -> None:
    """Re-derive the fact columns whose question changed (all of them when `before` is None)."""
    now = definitions_of(survey).fact_questions()
    changed = {col: qid for col, qid in now.items() if before is None or before.get(col) != qid}
    if not changed:
        return
    table = Response.__table__
    values = {}
    for col, qid in changed.items():
        values[col] = null() if qid is None else (
            select(Answer.option_id).where(Answer.response_id == table.c.id, Answer.question_id == qid,
                                           Answer.row_id.is_(None)).limit(1).scalar_subquery())
    db.session.execute(update(table).where(table.c.survey_id == survey.id).values(**values))
