"""Item 1: personal questionnaire answers — no receipt codes in staff views, masked on receipts,
encrypted at rest."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from consult.extensions import db
from consult.models import utcnow
from consult.surveys import questions, responses
from consult.surveys.models import Answer, Response, Section
from consult.surveys.spec import load_spec
from tests import factories
from tests.conftest import login
from tests.surveys.helpers import answers, standard_survey

PHONE = "13987654321"


class Anon:
    is_authenticated = False
    id = None


def _survey_with_personal_answer(w):
    s = standard_survey(w, publish=False)
    section = db.session.scalar(select(Section).where(Section.survey_id == s.id).order_by(Section.position))
    q = questions.add_question(section, actor=w["organiser"], kind="short_text", text="您的联系电话",
                               required=False, is_personal=True, code="contact")
    from consult.surveys.models import SurveyStatus

    s.status = SurveyStatus.PUBLISHED
    db.session.commit()
    spec = load_spec(s.id)
    values = answers(spec)
    values[q.id] = {"text": PHONE}
    _, code = responses.submit_online(spec, values, actor=Anon(), now=utcnow(), device="d1", client_hash=None)
    db.session.commit()
    return s, q, code


def test_personal_answer_is_encrypted_at_rest(app):
    w = factories.world()
    s, q, code = _survey_with_personal_answer(w)
    stored = db.session.scalar(select(Answer.value_text).where(Answer.question_id == q.id))
    assert stored and PHONE not in stored


def test_receipt_page_masks_a_personal_answer(client):
    w = factories.world()
    s, q, code = _survey_with_personal_answer(w)
    page = client.get(f"/surveys/receipts/{code}").get_data(as_text=True)
    assert "您的联系电话" in page and PHONE not in page and "139****4321" in page


def test_staff_texts_page_shows_no_receipt_code(client):
    w = factories.world()
    s, q, code = _survey_with_personal_answer(w)
    login(client, w["assessor"])
    for qq in load_spec(s.id).questions:
        if qq.kind.value in ("short_text", "long_text"):
            resp = client.get(f"/staff/surveys/{s.id}/texts/{qq.id}")
            page = resp.get_data(as_text=True)
            assert resp.status_code == 200
            assert code[:5] not in page and code not in page
            assert PHONE not in page


def test_manager_sees_the_personal_answer_in_full_when_asking(client):
    w = factories.world()
    s, q, code = _survey_with_personal_answer(w)
    login(client, w["organiser"])
    page = client.post(f"/staff/surveys/{s.id}/texts/{q.id}", data={"personal": "1"}).get_data(as_text=True)
    assert PHONE in page


def test_exports_carry_no_receipt_codes_and_mask_personal_answers(client):
    w = factories.world()
    s, q, code = _survey_with_personal_answer(w)
    login(client, w["assessor"])
    data = client.get(f"/staff/surveys/{s.id}/export.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert "回执码" not in rows[0]
    flat = "\n".join(",".join(r) for r in rows)
    assert code not in flat and PHONE not in flat
    login(client, w["organiser"])
    data = client.post(f"/staff/surveys/{s.id}/export.csv", data={"personal": "1"}).get_data().decode("utf-8-sig")
    assert PHONE in data and code not in data
    assert db.session.scalar(select(Response.receipt_code)) == code
