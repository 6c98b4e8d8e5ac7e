"""Item 15: looking at unmasked personal data is a POST (a cross-site link cannot plant an audit
entry or a reveal), and every reveal is audit-logged."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.audit.models import AuditEntry
from consult.extensions import db
from tests import factories
from tests.conftest import login
from consult.hearings.models import RegStatus
from tests.hearings import factories as hf
from tests.reliability.test_personal_answers import PHONE, _survey_with_personal_answer


def _audits() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.fixture
def hearing(client):
    w = factories.world()
    m = hf.meeting(w)
    hf.registration(m, name="王小明", phone="13911112222", status=RegStatus.SELECTED)
    login(client, w["organiser"])
    return w, m


@pytest.mark.parametrize("path", ["registrations", "signin", "signin.xlsx", "attendance"])
def test_get_with_full_shows_masked_data_and_writes_nothing(client, hearing, path):
    w, m = hearing
    before = _audits()
    resp = client.get(f"/staff/hearings/{m.id}/{path}?full=1")
    assert resp.status_code == 200
    assert b"13911112222" not in resp.data
    assert _audits() == before


def test_attendance_names_masked_until_a_recorded_post(client, hearing):
    w, m = hearing
    before = _audits()
    page = client.get(f"/staff/hearings/{m.id}/attendance").get_data(as_text=True)
    assert "王小明" not in page and "显示完整姓名（记入审计日志）" in page and _audits() == before
    resp = client.post(f"/staff/hearings/{m.id}/attendance", data={"full": "1"})
    assert resp.status_code == 200 and "王小明" in resp.get_data(as_text=True)
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert _audits() == before + 1 and entry.action == "hearing.attendance.reveal"


@pytest.mark.parametrize("path", ["registrations", "signin"])
def test_post_reveals_and_is_recorded(client, hearing, path):
    w, m = hearing
    before = _audits()
    resp = client.post(f"/staff/hearings/{m.id}/{path}", data={"full": "1"})
    assert resp.status_code == 200 and "13911112222" in resp.get_data(as_text=True)
    assert _audits() == before + 1


def test_survey_texts_reveal_is_a_recorded_post(client):
    w = factories.world()
    s, q, code = _survey_with_personal_answer(w)
    login(client, w["organiser"])
    before = _audits()
    page = client.get(f"/staff/surveys/{s.id}/texts/{q.id}?personal=1").get_data(as_text=True)
    assert PHONE not in page and _audits() == before
    resp = client.post(f"/staff/surveys/{s.id}/texts/{q.id}", data={"personal": "1"})
    assert resp.status_code == 200 and PHONE in resp.get_data(as_text=True)
    assert _audits() == before + 1


def test_survey_export_with_personal_data_is_a_post(client):
    w = factories.world()
    s, q, code = _survey_with_personal_answer(w)
    login(client, w["organiser"])
    before = _audits()
    data = client.get(f"/staff/surveys/{s.id}/export.csv?personal=1").get_data().decode("utf-8-sig")
    assert PHONE not in data and _audits() == before
    data = client.post(f"/staff/surveys/{s.id}/export.csv", data={"personal": "1"}).get_data().decode("utf-8-sig")
    assert PHONE in data and _audits() == before + 1


def test_assessor_cannot_post_a_reveal(client):
    w = factories.world()
    s, q, code = _survey_with_personal_answer(w)
    login(client, w["assessor"])
    assert client.post(f"/staff/surveys/{s.id}/texts/{q.id}", data={"personal": "1"}).status_code == 403
