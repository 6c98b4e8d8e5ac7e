"""Decision, filing with a frozen PDF and hash, the supervisor's view, residents' outcome."""
from datetime import date, timedelta

import pytest

from consult.auth.models import Role
from consult.extensions import db
from consult.matters.models import MatterStatus
from consult.models import utcnow
from consult.reports.models import ReportVersion
from consult.review import filing, services
from consult.storage import storage
from tests import factories
from tests.conftest import login
from tests.permission_support import add_outside_roles
from tests.review import builders


def _world():
    return add_outside_roles(factories.world())


def test_decision_rules(app, client):
    w = _world()
    builders.final(w)
    login(client, w["organiser"])
    url = f"/staff/matters/{w['matter'].id}/decision"
    resp = client.post(url, data={"adopted": "no", "reason": "", "decided_on": "2026-01-05"})
    assert resp.status_code == 422 and "不采纳评估结论时须说明理由" in resp.get_data(as_text=True)
    future = (date.today() + timedelta(days=3)).isoformat()
    resp = client.post(url, data={"adopted": "yes", "decided_on": future})
    assert resp.status_code == 422 and "不能晚于今天" in resp.get_data(as_text=True)
    resp = client.post(url, data={"adopted": "yes", "decided_on": "明天"})
    assert resp.status_code == 422 and "请填写日期" in resp.get_data(as_text=True)
    a = filing.final_version(builders.services.current_assessment(w["matter"])).assessment
    assert a.decision_adopted is None
    assert client.post(url, data={"adopted": "yes", "decided_on": "2026-01-05"}).status_code == 302
    db.session.refresh(a)
    assert a.decision_adopted is True and a.decision_date == date(2026, 1, 5)


def test_filing_freezes_pdf_and_detects_tampering(app, client):
    w = _world()
    a = builders.decided(w)
    assert w["matter"].status == MatterStatus.REPORTED
    login(client, w["organiser"])
    assert client.post(f"/staff/matters/{w['matter'].id}/file").status_code == 302
    db.session.expire_all()
    a = db.session.get(type(a), a.id)
    assert a.matter.status == MatterStatus.FILED and a.frozen_hash and len(a.frozen_hash) == 64
    assert filing.verify(a) == {"ok": True, "pdf": True, "snapshot": True}
    page = client.get(f"/staff/matters/{w['matter'].id}/decision").get_data(as_text=True)
    assert a.frozen_hash in page and "PDF 与数据快照均与备案时一致" in page
    resp = client.post(f"/staff/matters/{w['matter'].id}/file")
    assert resp.status_code == 303 and a.filed_at is not None  # second filing refused
    with pytest.raises(services.ReviewError, match="已备案"):
        filing.record_decision(a, actor=w["organiser"], now=utcnow(), adopted=False, reason="x", decided_on=date.today())
    # tamper with the stored snapshot: re-verification notices
    v = db.session.get(ReportVersion, a.filed_version_id)
    v.document = dict(v.document, title="改过的标题")
    db.session.commit()
    assert filing.verify(a)["snapshot"] is False and filing.verify(a)["ok"] is False
    path = storage()._path(a.frozen_pdf_key)
    path.write_bytes(path.read_bytes() + b"%x")
    assert filing.verify(a)["pdf"] is False


def test_supervisor_sees_only_supervised_and_acknowledges_once(app, client):
    w = _world()
    a = builders.filed(w)
    outsider = factories.user(Role.SUPERVISOR, username="sup2")
    outsider.supervised = [w["other_org"]]
    db.session.commit()
    login(client, outsider)
    assert "暂无备案的报告" in client.get("/supervision/").get_data(as_text=True)
    assert client.get(f"/supervision/{a.id}").status_code == 403
    assert client.post(f"/supervision/{a.id}/acknowledge").status_code == 403
    login(client, w["supervisor"])
    assert w["matter"].title in client.get("/supervision/").get_data(as_text=True)
    page = client.get(f"/supervision/{a.id}").get_data(as_text=True)
    assert a.frozen_hash in page and "一、事项概况" in page
    pdf = client.get(f"/supervision/{a.id}/pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    assert client.post(f"/supervision/{a.id}/acknowledge").status_code == 302
    assert client.post(f"/supervision/{a.id}/acknowledge").status_code == 303
    db.session.refresh(a)
    assert a.acknowledged_by_id == w["supervisor"].id
    for url in (f"/staff/matters/{w['matter'].id}", f"/staff/matters/{w['matter'].id}/assessment",
                f"/staff/reports/{a.filed_version_id}", "/staff/experts", "/review/",
                f"/staff/matters/{w['matter'].id}/decision", f"/staff/surveys/1/results"):
        assert client.get(url).status_code in (403, 404), url


def test_closed_notice_shows_outcome_in_plain_words(app, client):
    from consult.analysis.models import RiskPoint

    w = _world()
    a = builders.filed(w)
    db.session.add(RiskPoint(matter_id=w["matter"].id, title="垃圾车噪声", public_response="改走外环路，夜间停运",
                             response_published_at=utcnow()))
    closed = factories.notice(w["matter"], open_=False)
    page = client.get(f"/notices/{closed.id}").get_data(as_text=True)
    assert "评估结果" in page and "风险较低（绿色）" in page and "评估结论：可实施" in page
    assert "采纳这一结论" in page and "改走外环路，夜间停运" in page
    assert "评估结果" not in client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)  # still open
    assert a.is_filed


def test_admin_sets_supervised_organisations(app, client):
    w = _world()
    login(client, w["admin"])
    page = client.get("/staff/supervisors").get_data(as_text=True)
    assert "supervisor" in page and "其他单位" in page
    key = f"u{w['supervisor'].id}-organisations"
    resp = client.post(f"/staff/supervisors/{w['supervisor'].id}", data={key: [str(w["other_org"].id)]})
    assert resp.status_code == 302
    db.session.refresh(w["supervisor"])
    assert [o.name for o in w["supervisor"].supervised] == ["其他单位"]
    for bad in (["abc"], ["999999"], ["<script>"]):
        resp = client.post(f"/staff/supervisors/{w['supervisor'].id}", data={key: bad})
        assert resp.status_code == 303
    db.session.refresh(w["supervisor"])
    assert [o.name for o in w["supervisor"].supervised] == ["其他单位"]
    resp = client.post(f"/staff/supervisors/{w['organiser'].id}", data={f"u{w['organiser'].id}-organisations": []})
    assert resp.status_code == 303
    assert "只能为“备案审查（政法委）”角色" in client.get("/staff/supervisors").get_data(as_text=True)


def test_history_filed_without_a_frozen_copy_says_it_cannot_be_rechecked(app, client):
    """Filings brought in from before the platform (the demo's history) have no frozen PDF: the pages
    say so instead of failing, and there is no PDF to download."""
    w = _world()
    v = builders.final(w)
    a = v.assessment
    a.decision_adopted, a.decision_date, a.filed_at = True, date(2026, 1, 5), utcnow()
    a.filed_version_id = v.id
    db.session.commit()
    assert filing.verify(a) == {"ok": False, "missing": True, "pdf": False, "snapshot": False}
    login(client, w["organiser"])
    page = client.get(f"/staff/matters/{w['matter'].id}/decision")
    assert page.status_code == 200
    assert "本平台未存档备案时冻结的 PDF（历史数据），无法复核" in page.get_data(as_text=True)
    login(client, w["supervisor"])
    page = client.get(f"/supervision/{a.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "无法复核" in text and "下载备案 PDF" not in text
    assert client.get(f"/supervision/{a.id}/pdf").status_code == 404
