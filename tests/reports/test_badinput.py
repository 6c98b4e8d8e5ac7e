"""Every bad-input string through every text field of the assessment forms: no 500,
stored exactly (surrounding white space trimmed) or refused in Chinese, nothing half-saved."""
from markupsafe import escape

from consult.extensions import db
from consult.reports.models import Assessment, ReportVersion
from tests import factories
from tests.conftest import login
from tests.reports.badinput_support import ERROR_RE, check, strings


def _assessment(w):
    return db.session.scalar(db.select(Assessment).where(Assessment.matter_id == w["matter"].id,
                                                         Assessment.is_current.is_(True)))


def test_level_reason_and_conditions(client):
    w = factories.world()
    login(client, w["assessor"])
    url = f"/staff/matters/{w['matter'].id}/assessment/level"
    stored = 0
    for s in strings():
        resp = client.post(url, data={"level": "low", "outcome": "partial", "reason": s, "conditions": s})
        db.session.expire_all()
        a = _assessment(w)
        if check(resp, s, "reason", lambda: a.level_reason) and check(resp, s, "conditions", lambda: a.conditions):
            stored += 1
    assert stored > 400
    resp = client.post(url, data={"level": "低", "outcome": "<b>", "reason": "x"})
    assert resp.status_code == 422 and ERROR_RE.findall(resp.get_data(as_text=True)) == ["不是有效的选择。"] * 2
    assert _assessment(w).level_reason != "x"


def test_reassess_reason(client):
    w = factories.world()
    login(client, w["assessor"])
    base = f"/staff/matters/{w['matter'].id}/assessment"
    client.post(base + "/level", data={"level": "low", "outcome": "implement"})
    for s in strings()[::3]:
        before = db.session.scalar(db.select(db.func.count()).select_from(Assessment))
        resp = client.post(base + "/reassess", data={"reason": s})
        db.session.expire_all()
        if check(resp, s, "reassess", lambda: _assessment(w).round_reason):
            client.post(base + "/level", data={"level": "low", "outcome": "implement"})
        else:
            assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == before


def test_narrative_emergency_and_version_note(client):
    w = factories.world()
    login(client, w["assessor"])
    url = f"/staff/matters/{w['matter'].id}/report/edit"
    kept = 0
    for s in strings():
        resp = client.post(url, data={"s_overview": s, "s_basis": "依据", "e_steps": s})
        db.session.expire_all()
        a = _assessment(w)
        if resp.status_code == 302:
            assert a.narrative["overview"] == s and a.emergency["steps"] == s, repr(s)
            kept += 1
        else:
            assert resp.status_code == 422, (s, resp.status_code)
            text = resp.get_data(as_text=True)
            assert "依据" in text  # the other input is kept
            assert a is None or a.narrative.get("overview") != s
    assert kept > 400
    page = client.get(f"/staff/matters/{w['matter'].id}/report/preview").get_data(as_text=True)
    assert "<script>alert" not in page
    vurl = f"/staff/matters/{w['matter'].id}/report/versions"
    for s in strings()[::5]:
        n = db.session.scalar(db.select(db.func.count()).select_from(ReportVersion))
        resp = client.post(vurl, data={"stage": "draft", "note": s})
        assert resp.status_code in (302, 422), (s, resp.status_code)
        db.session.expire_all()
        if resp.status_code == 302:
            v = db.session.scalars(db.select(ReportVersion).order_by(ReportVersion.id.desc())).first()
            assert v.note == s.strip()
            assert str(escape(s.strip())) in client.get(f"/staff/reports/{v.id}").get_data(as_text=True)
        else:
            assert db.session.scalar(db.select(db.func.count()).select_from(ReportVersion)) == n
    resp = client.post(vurl, data={"stage": "published", "note": ""})
    assert resp.status_code == 422 and "不是有效的选择。" in resp.get_data(as_text=True)
