"""Monthly statistics and the stability index against hand-computed figures (March 2026).

Supervised organisation: 甲区 M1 project (medium, 定稿, decided 3-20), M2 policy (high, no 定稿, decided
3-25), M3 policy (low, set in February); 乙区 one matter (event, decided 3-05 without assessment).
Other organisation: 丙区 M5 reform (high, set 3-01). Measures of M1: due 3-10 done 3-09 (on time),
due 3-20 done 3-25 (late), due 3-31 open, due 4-15 open.
"""
import io
import json
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from consult.extensions import db
from consult.matters.models import MatterKind
from consult.oversight import stability, stats
from consult.oversight.months import Month
from consult.register.models import Measure, RiskItem, RiskLevel
from consult.reports.models import Outcome, Stage
from tests import factories
from tests.conftest import login
from tests.oversight import builders
from tests.permission_support import add_outside_roles

MARCH = Month(2026, 3)


def _at(*args):
    return datetime(*args, 2, tzinfo=timezone.utc)  # 10:00 in Shanghai, same day


def _world():
    w = add_outside_roles(factories.world())
    org, other = w["org"], w["other_org"]
    m1 = w["matter"]
    m1.area = "甲区"
    builders.assessed(m1, level=RiskLevel.MEDIUM, outcome=Outcome.IMPLEMENT, set_at=_at(2026, 3, 10),
                      stages=[(Stage.FINAL, _at(2026, 3, 18))], decided=date(2026, 3, 20))
    m2 = factories.matter(org, kind=MatterKind.POLICY, area="甲区")
    builders.assessed(m2, level=RiskLevel.HIGH, outcome=Outcome.POSTPONE, set_at=_at(2026, 3, 15),
                      decided=date(2026, 3, 25))
    m3 = factories.matter(org, kind=MatterKind.POLICY, area="甲区")
    builders.assessed(m3, level=RiskLevel.LOW, outcome=Outcome.IMPLEMENT, set_at=_at(2026, 2, 10))
    m4 = factories.matter(org, kind=MatterKind.EVENT, area="乙区")
    builders.assessed(m4, decided=date(2026, 3, 5))
    m5 = factories.matter(other, kind=MatterKind.REFORM, area="丙区")
    builders.assessed(m5, level=RiskLevel.HIGH, outcome=Outcome.REJECT, set_at=_at(2026, 3, 1))
    item = RiskItem(matter_id=m1.id, number=1, title="噪声")
    db.session.add(item)
    db.session.flush()
    for deadline, done in ((date(2026, 3, 10), _at(2026, 3, 9)), (date(2026, 3, 20), _at(2026, 3, 25)),
                           (date(2026, 3, 31), None), (date(2026, 4, 15), None)):
        db.session.add(Measure(item_id=item.id, text="措施", deadline=deadline, done_at=done))
    factories.comment(w["notice"], created_at=_at(2026, 3, 3))
    factories.comment(w["notice"], created_at=_at(2026, 4, 3))
    db.session.commit()
    return w


def test_monthly_figures_for_a_supervisor(app):
    w = _world()
    data = stats.report(w["supervisor"], MARCH)
    assert set(data["districts"]) == {"甲区", "乙区"}  # 丙区 belongs to an unsupervised organisation
    jia = data["districts"]["甲区"].as_dict()
    assert (jia["assessed"], jia["kinds"], jia["levels"]) == (2, {"project": 1, "policy": 1}, {"medium": 1, "high": 1})
    assert jia["outcomes"] == {"implement": 1, "postpone": 1}
    assert (jia["decided"], jia["covered"], jia["coverage"], jia["policy_share"]) == (2, 1, 0.5, 0.5)
    assert (jia["comments"], jia["third_party"], jia["third_party_share"]) == (1, 0, 0.0)
    yi = data["districts"]["乙区"].as_dict()  # the district with one matter
    assert (yi["assessed"], yi["decided"], yi["covered"], yi["coverage"], yi["policy_share"]) == (0, 1, 0, 0.0, None)
    body = data["bodies"]["本单位"]
    assert (body.assessed, body.decided, body.covered) == (2, 3, 1)
    assert list(data["bodies"]) == ["本单位"]


def test_monthly_admin_and_empty_month(app):
    w = _world()
    bing = stats.report(w["admin"], MARCH)["districts"]["丙区"]
    assert (bing.assessed, bing.decided, bing.coverage, bing.policy_share) == (1, 0, None, 0.0)
    assert stats.report(w["admin"], Month(2025, 1)) == {"districts": {}, "bodies": {}, "total": {}}
    feb = stats.report(w["supervisor"], Month(2026, 2))["districts"]["甲区"]
    assert (feb.assessed, feb.policy_share, feb.decided) == (1, 1.0, 0)


def test_index_parts_and_ranking(app):
    w = _world()
    rows = {r["district"]: r for r in stability.compute(w["supervisor"], MARCH)}
    assert set(rows) == {"甲区", "乙区"}
    jia = rows["甲区"]
    assert [(p["key"], p["value"], p["weight"]) for p in jia["parts"]] == [
        ("coverage", 50.0, 0.25), ("low_risk_share", 50.0, 0.15), ("measures_on_time", 33.3, 0.15),
        ("open_warnings", None, 0.15), ("warnings_resolved", None, 0.1), ("calm_voices", None, 0.1),
        ("satisfaction", None, 0.1)]  # the matters were created after March: no warning part yet
    # (12.5 + 7.5 + 4.995) ÷ 0.55 = 45.445…
    assert jia["index"] == 45.4 and jia["rank"] == 1 and jia["formula"] == "2026.2"
    assert rows["乙区"]["index"] == 0.0 and rows["乙区"]["rank"] == 2  # coverage 0 is the only part
    april = {r["district"]: r for r in stability.compute(w["supervisor"], Month(2026, 4))}
    assert april["甲区"]["index"] == 25.0  # only measures: 1 of 4 due by April 30 on time
    empty = stability.compute(w["supervisor"], Month(2025, 1))
    assert sorted((r["district"], r["index"], r["rank"]) for r in empty) == [("乙区", None, None), ("甲区", None, None)]


def test_changing_the_formula_recomputes(app, monkeypatch):
    w = _world()
    monkeypatch.setitem(app.config, "OVERSIGHT_INDEX", {"version": "test-1", "parts": {
        "coverage": {"label": "应评尽评率", "weight": 1}, "low_risk_share": {"label": "低", "weight": 0}}})
    jia = {r["district"]: r for r in stability.compute(w["supervisor"], MARCH)}["甲区"]
    assert jia["index"] == 50.0 and jia["formula"] == "test-1" and len(jia["parts"]) == 2
    monkeypatch.setitem(app.config, "OVERSIGHT_INDEX", {"parts": {"coverage": {"weight": -1}}})
    with pytest.raises(ValueError, match="non-negative"):
        stability.compute(w["supervisor"], MARCH)


def test_cli_stability_index(app):
    _world()
    result = app.test_cli_runner().invoke(args=["stability-index", "--month", "2026-03", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["district"]: r for r in json.loads(result.output)}
    assert {d: r["index"] for d, r in rows.items()} == {"甲区": 45.4, "乙区": 0.0, "丙区": 0.0}
    assert all(r["month"] == "2026-03" and {"value", "weight"} <= set(r["parts"][0]) for r in rows.values())
    bad = app.test_cli_runner().invoke(args=["stability-index", "--month", "2026-13"])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output


def test_pages_and_exports(app, client):
    w = _world()
    login(client, w["supervisor"])
    page = client.get("/oversight/monthly?month=2026-03").get_data(as_text=True)
    assert "月报表" in page and "甲区" in page and "丙区" not in page and "<svg" in page and "50.0%" in page
    ws = load_workbook(io.BytesIO(client.get("/oversight/monthly.xlsx?month=2026-03").data))["按区县"]
    row = [c.value for c in ws[3]]
    assert row[:2] == ["乙区", 0] and [c.value for c in ws[4]][:2] == ["甲区", 2]
    assert [c.value for c in ws[4]][9:13] == [2, 1, "50.0%", "50.0%"]
    page = client.get("/oversight/index?month=2026-03").get_data(as_text=True)
    assert "平安稳定指数" in page and "<strong>45.4</strong>" in page and "丙区" not in page and "2026-03" in page
    empty = client.get("/oversight/monthly?month=2025-01").get_data(as_text=True)
    assert "本月没有评估、决策或群众参与记录" in empty


@pytest.mark.parametrize("value", ["2026-13", "2026-3", "2026－3", "<script>x</script>", "😀", "1999-12", "9" * 500])
@pytest.mark.parametrize("path", ["/oversight/monthly", "/oversight/index"])
def test_bad_month(app, client, path, value):
    w = add_outside_roles(factories.world())
    login(client, w["supervisor"])
    resp = client.get(path, query_string={"month": value})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "月份须为 YYYY-MM 格式" in page and "<script>x" not in page
    assert client.get("/oversight/monthly.xlsx", query_string={"month": value}).status_code == 422


def test_full_width_month_is_read(app, client):
    w = _world()
    login(client, w["supervisor"])
    resp = client.get("/oversight/index", query_string={"month": "２０２６-０３"})
    assert resp.status_code == 200 and "<strong>45.4</strong>" in resp.get_data(as_text=True)


@pytest.mark.parametrize("role", ["organiser", "assessor", "expert"])
def test_reports_refused_to_other_roles(app, client, role):
    w = add_outside_roles(factories.world())
    login(client, w[role])
    for path in ("/oversight/monthly", "/oversight/monthly.xlsx", "/oversight/index"):
        assert client.get(path).status_code == 403
