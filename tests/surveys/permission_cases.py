"""Every POST endpoint of the surveys domain, with the roles allowed to use it."""
from __future__ import annotations

from tests.permission_support import EVERYONE, Case

ORGANISER = frozenset({"organiser"})
FIELDWORK = frozenset({"organiser", "assessor"})  # paper / door-to-door entry and import
VIEWERS = frozenset({"organiser", "assessor", "admin"})  # results and exports


def _invitation(w) -> str:
    """A real invitation code, so the allowed path really lets the resident in."""
    from consult.extensions import db
    from consult.surveys import responses

    inv = responses.generate_invitations(_survey(w, "invitation"), actor=w["organiser"], count=1, batch="测试")[0]
    db.session.commit()
    return inv.code


def _survey(w, mode="open"):
    from tests.surveys.helpers import standard_survey

    key = f"survey_{mode}"
    if key not in w:
        w[key] = standard_survey(w, mode=mode)
    return w[key]


def _q(w, code="suggestions"):
    return next(q for q in _survey(w).questions if q.code == code)


def _s(w):
    return _survey(w).sections[-1]


def _settings(w):
    return {"title": "新标题", "intro": "", "opens_at": "2026-01-01T08:00", "closes_at": "2036-01-01T08:00",
            "mode": "open", "notice_id": "0"}


CASES: list[Case] = [
    Case("surveys.fill", lambda w: f"/surveys/{_survey(w).id}/fill", EVERYONE, lambda w: {"_page": "0"}, status=422),
    Case("surveys.sms_request", lambda w: f"/surveys/{_survey(w, 'sms').id}/sms", EVERYONE,
         lambda w: {"phone": "13812345678"}, status=302),
    Case("surveys.sms_verify", lambda w: f"/surveys/{_survey(w, 'sms').id}/sms/verify", EVERYONE,
         lambda w: {"code": "123456"}, status=422),
    Case("surveys.invite", lambda w: f"/surveys/{_survey(w, 'invitation').id}/invite", EVERYONE,
         lambda w: {"code": _invitation(w)}, status=302),
    Case("surveys_staff.survey_new", lambda w: f"/staff/matters/{w['matter'].id}/surveys/new", ORGANISER, _settings, status=302),
    Case("surveys_staff.survey_edit", lambda w: f"/staff/surveys/{_survey(w).id}", ORGANISER, _settings, status=302),
    Case("surveys_staff.survey_publish", lambda w: f"/staff/surveys/{_survey(w).id}/publish", ORGANISER, status=302),
    Case("surveys_staff.survey_close", lambda w: f"/staff/surveys/{_survey(w).id}/close", ORGANISER, status=302),
    Case("surveys_staff.survey_standard", lambda w: f"/staff/surveys/{_survey(w).id}/standard", ORGANISER,
         lambda w: {"variant": "siting"}, status=302),
    Case("surveys_staff.section_add", lambda w: f"/staff/surveys/{_survey(w).id}/sections", ORGANISER,
         lambda w: {"title": "补充"}, status=302),
    Case("surveys_staff.section_move", lambda w: f"/staff/sections/{_s(w).id}/move", ORGANISER,
         lambda w: {"dir": "up"}, status=302),
    Case("surveys_staff.section_delete", lambda w: f"/staff/sections/{_s(w).id}/delete", ORGANISER, status=302),
    Case("surveys_staff.question_add", lambda w: f"/staff/sections/{_s(w).id}/questions", ORGANISER,
         lambda w: {"kind": "short_text", "text": "补充问题", "required": "y"}, status=302),
    Case("surveys_staff.question_move", lambda w: f"/staff/questions/{_q(w).id}/move", ORGANISER,
         lambda w: {"dir": "up"}, status=302),
    Case("surveys_staff.question_duplicate", lambda w: f"/staff/questions/{_q(w).id}/duplicate", ORGANISER, status=302),
    Case("surveys_staff.question_delete", lambda w: f"/staff/questions/{_q(w).id}/delete", ORGANISER, status=302),
    Case("surveys_staff.question_edit", lambda w: f"/staff/questions/{_q(w).id}/edit", ORGANISER,
         lambda w: {"text": "修改后的题目", "kind": "long_text"}, status=302),
    Case("surveys_staff.survey_definitions", lambda w: f"/staff/surveys/{_survey(w).id}/definitions", ORGANISER, status=302),
    Case("surveys_staff.survey_targets", lambda w: f"/staff/surveys/{_survey(w).id}/targets", ORGANISER, status=302),
    Case("surveys_staff.invitations", lambda w: f"/staff/surveys/{_survey(w).id}/invitations", ORGANISER,
         lambda w: {"count": "3"}, status=302),
    Case("surveys_staff.entry", lambda w: f"/staff/surveys/{_survey(w).id}/entry", FIELDWORK,
         lambda w: {"channel": "paper", "enumerator": "王"}, status=422),
    Case("surveys_staff.entry_import", lambda w: f"/staff/surveys/{_survey(w).id}/import", FIELDWORK, status=422),
    Case("surveys_staff.export_start", lambda w: f"/staff/surveys/{_survey(w).id}/exports", VIEWERS,
         lambda w: {"format": "csv"}, status=302),
]
