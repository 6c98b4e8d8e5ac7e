"""Closing a month: frozen figures, corrections with a reason (audit-logged), bad input."""
import pytest
from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.matters.models import MatterKind
from consult.oversight.models import MonthSnapshot
from consult.register.models import RiskLevel
from consult.reports.models import Outcome
from tests import factories
from tests.conftest import login
from tests.oversight import builders
from tests.oversight.test_monthly_index import _at, _world

URL = "/oversight/monthly/close"


def _snapshots():
    return list(db.session.scalars(select(MonthSnapshot).order_by(MonthSnapshot.version)))


def test_close_freeze_and_correct(app, client, monkeypatch):
    w = _world()
    login(client, w["admin"])
    resp = client.post(URL, data={"month": "2026-03", "reason": ""})
    assert resp.status_code == 303 and "month=2026-03" in resp.headers["Location"]
    (snap,) = _snapshots()
    assert snap.version == 1 and snap.formula_version == "2026.2"
    assert snap.figures["total"]["全部"]["assessed"] == 3 and snap.figures["districts"]["甲区"]["coverage"] == 0.5
    assert {r["district"]: r["index"] for r in snap.index_rows} == {"甲区": 45.4, "乙区": 0.0, "丙区": 0.0}
    # a late entry for March: the closed month keeps its figures, the live view shows the change
    late = factories.matter(w["org"], kind=MatterKind.POLICY, area="甲区")
    builders.assessed(late, level=RiskLevel.LOW, outcome=Outcome.IMPLEMENT, set_at=_at(2026, 3, 28))
    page = client.get("/oversight/monthly?month=2026-03").get_data(as_text=True)
    assert "本月已关账：以下为第 1 版冻结数字" in page and "本月评估 3 项" in page
    assert "本月评估 4 项" in client.get("/oversight/monthly?month=2026-03&live=1").get_data(as_text=True)
    # a second closing without a reason is refused (also a double submission)
    resp = client.post(URL, data={"month": "2026-03", "reason": "  "})
    assert resp.status_code == 422 and "该月已关账；更正须说明理由" in resp.get_data(as_text=True)
    assert len(_snapshots()) == 1
    monkeypatch.setitem(app.config, "OVERSIGHT_INDEX", {"version": "test-2", "parts": {
        "coverage": {"label": "应评尽评率", "weight": 1}}})
    assert client.post(URL, data={"month": "2026-03", "reason": "补录3月28日定级的事项"}).status_code == 303
    first, second = _snapshots()
    assert (first.formula_version, second.formula_version, second.version) == ("2026.2", "test-2", 2)
    assert second.figures["total"]["全部"]["assessed"] == 4 and first.figures["total"]["全部"]["assessed"] == 3
    entries = {e.action: e for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("oversight.%")))}
    assert entries["oversight.correct"].before["assessed"] == 3 and entries["oversight.correct"].after["assessed"] == 4
    assert entries["oversight.correct"].note == "补录3月28日定级的事项" and entries["oversight.close"].before is None
    page = client.get("/oversight/monthly?month=2026-03").get_data(as_text=True)
    assert "第 2 版冻结数字" in page and "更正理由：补录3月28日定级的事项" in page


def test_month_not_over_cannot_be_closed(app, client):
    w = _world()
    login(client, w["admin"])
    resp = client.post(URL, data={"month": "2100-01", "reason": ""})
    assert resp.status_code == 422 and "只能在月份结束后关账" in resp.get_data(as_text=True)
    assert _snapshots() == []


@pytest.mark.parametrize("month, message", [
    ("", "请填写月份"), ("2026-13", "月份须为 YYYY-MM 格式"), ("<script>x</script>", "月份须为 YYYY-MM 格式"),
    ("😀", "月份须为 YYYY-MM 格式"), ("3" * 5000, "20"), ("2026-03\x00", "月份须为 YYYY-MM 格式"),
])
def test_bad_month_input(app, client, month, message):
    w = _world()
    login(client, w["admin"])
    resp = client.post(URL, data={"month": month, "reason": "理由保留"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and message in page and "理由保留" in page and "<script>x" not in page
    assert _snapshots() == []


@pytest.mark.parametrize("reason, message", [("长" * 2001, "2000"), ("理由\x00", "控制字符")])
def test_bad_reason(app, client, reason, message):
    w = _world()
    login(client, w["admin"])
    resp = client.post(URL, data={"month": "2026-03", "reason": reason})
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert _snapshots() == []


def test_supervisor_cannot_close_and_sees_live_scoped_figures(app, client):
    w = _world()
    login(client, w["admin"])
    client.post(URL, data={"month": "2026-03", "reason": ""})
    login(client, w["supervisor"])
    assert client.post(URL, data={"month": "2026-03", "reason": "x"}).status_code == 403
    page = client.get("/oversight/monthly?month=2026-03").get_data(as_text=True)
    assert "本月已关账（第 1 版）；以下为实时数字" in page and "丙区" not in page and "关账（冻结本月数字）" not in page
