"""Stability index parts from warnings, voices and questionnaires; the recorded history (IndexFigure).

March 2026. 甲区 (supervised): M1–M4 created in January. M1 assessed (medium, 定稿, decided 3-20).
  warnings  Wa on M1 raised 3-01, due 3-10, closed 3-09 resolved (on time); Wb on M1 raised 3-02, due
            3-15, open (overdue); Wc on M2 raised 3-20, due 4-30, open
  voices    four in March, one flagged
  surveys   S1 (M1) support, mostly, oppose → 2/3; S2 (M2) support → 1; median 5/6
乙区: M5 created in January, nothing else.

Parts of 甲区 (formula 2026.2):
  coverage 100 ×0.25 · low_risk_share 100 ×0.15 · measures_on_time — (no measures)
  open_warnings 1 − (2 open + 1 overdue) ÷ 4 matters = 25 ×0.15 · warnings_resolved 1 of 2 settled = 50 ×0.1
  calm_voices 1 − 1/4 = 75 ×0.1 · satisfaction 83.3 ×0.1
  index = (25 + 15 + 3.75 + 5 + 7.5 + 8.33) ÷ 0.85 = 64.58 ÷ 0.85 = 75.98 → 76.0
乙区: open_warnings 1 − 0 ÷ 1 = 100 is its only part → 100.0
"""
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from consult.analysis.models import VoiceSource
from consult.extensions import db
from consult.oversight import stability
from consult.oversight.models import IndexFigure
from consult.oversight.months import Month
from consult.register.models import RiskLevel
from consult.reports.models import Outcome, Stage
from tests import factories
from tests.conftest import login
from tests.oversight import builders
from tests.permission_support import add_outside_roles

MARCH = Month(2026, 3)
JANUARY = datetime(2026, 1, 5, 2, tzinfo=timezone.utc)
ONLY_COVERAGE = {"version": "test-2", "parts": {"coverage": {"label": "应评尽评率", "weight": 1}}}


def _at(month, day, hour=2):
    return datetime(2026, month, day, hour, tzinfo=timezone.utc)


def _world():
    w = add_outside_roles(factories.world())
    m1 = w["matter"]
    m1.area, m1.created_at = "甲区", JANUARY
    m2, m3, m4 = (factories.matter(w["org"], area="甲区", created_at=JANUARY) for _ in range(3))
    factories.matter(w["org"], area="乙区", created_at=JANUARY)
    builders.assessed(m1, level=RiskLevel.MEDIUM, outcome=Outcome.IMPLEMENT, set_at=_at(3, 10),
                      stages=[(Stage.FINAL, _at(3, 18))], decided=date(2026, 3, 20))
    builders.warning(m1, _at(3, 1), date(2026, 3, 10), closed=_at(3, 9), resolved=True)
    builders.warning(m1, _at(3, 2), date(2026, 3, 15))
    builders.warning(m2, _at(3, 20), date(2026, 4, 30))
    for day, flagged in ((3, True), (4, False), (5, False), (6, False)):
        builders.voice(m1, VoiceSource.COMMENT, _at(3, day), flagged=flagged)
    s1, s2 = builders.survey(w, m1), builders.survey(w, m2)
    for support in ("support", "mostly", "oppose"):
        builders.response(s1, _at(3, 8), None, support)
    builders.response(s2, _at(3, 8), None, "support")
    db.session.commit()
    return w


def _parts(row):
    return {p["key"]: (p["value"], p["weight"]) for p in row["parts"]}


def test_parts_and_index(app):
    w = _world()
    rows = {r["district"]: r for r in stability.compute(w["supervisor"], MARCH, now=_at(4, 10))}
    jia = rows["甲区"]
    assert _parts(jia) == {"coverage": (100.0, 0.25), "low_risk_share": (100.0, 0.15),
                           "measures_on_time": (None, 0.15), "open_warnings": (25.0, 0.15),
                           "warnings_resolved": (50.0, 0.1), "calm_voices": (75.0, 0.1), "satisfaction": (83.3, 0.1)}
    assert (jia["index"], jia["rank"], jia["formula"]) == (76.0, 2, "2026.2")
    assert (rows["乙区"]["index"], rows["乙区"]["rank"]) == (100.0, 1)
    assert jia["formula_hash"] == stability.formula_hash() and len(jia["formula_hash"]) == 64


def test_open_warnings_floor_at_zero(app):
    w = _world()
    m = factories.matter(w["org"], area="丁区", created_at=JANUARY)
    for _ in range(2):
        builders.warning(m, _at(3, 1), date(2026, 3, 2))  # two overdue on one matter: 1 − 4/1 → 0
    db.session.commit()
    ding = {r["district"]: r for r in stability.compute(w["supervisor"], MARCH)}["丁区"]
    assert _parts(ding)["open_warnings"] == (0.0, 0.15) and _parts(ding)["warnings_resolved"] == (0.0, 0.1)
    assert ding["index"] == 0.0


def test_weights_are_configurable(app, monkeypatch):
    w = _world()
    monkeypatch.setitem(app.config, "OVERSIGHT_INDEX", {"version": "t", "parts": {
        "satisfaction": {"label": "满意", "weight": 3}, "calm_voices": {"label": "平稳", "weight": 1}}})
    jia = {r["district"]: r for r in stability.compute(w["supervisor"], MARCH)}["甲区"]
    assert jia["index"] == 81.2  # (83.3 × 3 + 75 × 1) ÷ 4 = 81.225


def test_record_history_per_formula(app, client, monkeypatch):
    w = _world()
    stability.record(MARCH, now=_at(4, 1))
    stability.record(MARCH, now=_at(4, 2))  # the same formula: the rows are refreshed, not added
    db.session.commit()
    first = list(db.session.scalars(select(IndexFigure).order_by(IndexFigure.district)))
    assert [(x.district, x.index, x.formula_version) for x in first] == [("乙区", 100.0, "2026.2"),
                                                                          ("甲区", 76.0, "2026.2")]
    assert first[0].computed_at == _at(4, 2) and first[1].parts[3] == {
        "key": "open_warnings", "label": "未关闭预警（逾期加倍）", "weight": 0.15, "value": 25.0}
    monkeypatch.setitem(app.config, "OVERSIGHT_INDEX", ONLY_COVERAGE)
    stability.record(MARCH, now=_at(4, 3))
    db.session.commit()
    jia = list(db.session.scalars(select(IndexFigure).where(IndexFigure.district == "甲区").order_by(IndexFigure.id)))
    assert [(x.formula_version, x.index) for x in jia] == [("2026.2", 76.0), ("test-2", 100.0)]
    assert jia[0].formula_hash != jia[1].formula_hash == stability.formula_hash(ONLY_COVERAGE)
    login(client, w["admin"])
    page = client.get("/oversight/index?month=2026-03").get_data(as_text=True)
    history = page.split("已记录的指数")[-1]
    assert history.count("<td>2026.2 <span class=\"badge badge-warn\">与现行公式不同</span></td>") == 2
    assert history.count("<td>test-2</td>") == 2 and "<strong>76.0</strong>" in history
    page = client.get("/oversight/index", query_string={"month": "2026-03", "district": "甲区"}).get_data(as_text=True)
    assert "甲区 的全部记录" in page
    login(client, w["supervisor"])
    page = client.get("/oversight/index?month=2026-03").get_data(as_text=True)
    assert "仅管理员可见" in page and "与现行公式不同" not in page


def test_cli_record(app):
    _world()
    result = app.test_cli_runner().invoke(args=["stability-index", "--month", "2026-03", "--json", "--record"])
    assert result.exit_code == 0, result.output
    rows = {r["district"]: r for r in json.loads(result.stdout)}
    assert {d: (r["index"], r["month"], r["formula"]) for d, r in rows.items()} == {
        "甲区": (76.0, "2026-03", "2026.2"), "乙区": (100.0, "2026-03", "2026.2")}
    assert all({"key", "label", "value", "weight"} == set(p) for r in rows.values() for p in r["parts"])
    db.session.expire_all()
    assert sorted((x.district, x.index) for x in db.session.scalars(select(IndexFigure))) == [
        ("乙区", 100.0), ("甲区", 76.0)]
    plain = app.test_cli_runner().invoke(args=["stability-index", "--month", "2026-03"])
    assert plain.exit_code == 0 and "甲区" in plain.stdout
    assert len(list(db.session.scalars(select(IndexFigure)))) == 2  # without --record nothing is stored


def test_closing_records_the_figures(app, client):
    w = _world()
    login(client, w["admin"])
    assert client.post("/oversight/monthly/close", data={"month": "2026-03", "reason": ""}).status_code == 303
    db.session.expire_all()
    assert sorted((x.district, x.index) for x in db.session.scalars(select(IndexFigure))) == [
        ("乙区", 100.0), ("甲区", 76.0)]


@pytest.mark.parametrize("value, status, message", [
    ("长" * 201, 422, "区县名称不能超过 200 个字"), ("甲\x01区", 422, "区县名称含有无效的控制字符"),
    ("<script>x</script>", 200, "该区县没有已记录的指数"), ("😀", 200, "该区县没有已记录的指数"),
    ("甲区\x00", 400, "请求参数含有无法处理的字符"),
])
def test_bad_district_argument(app, client, value, status, message):
    w = _world()
    login(client, w["admin"])
    resp = client.get("/oversight/index", query_string={"month": "2026-03", "district": value})
    page = resp.get_data(as_text=True)
    assert resp.status_code == status and message in page and "<script>x" not in page
    if status == 422:
        assert 'value="2026-03"' in page  # the month typed is kept


def test_formula_from_the_environment():
    from consult.config import ConfigError, load

    cfg = load({"CONSULT_OVERSIGHT_INDEX": json.dumps(ONLY_COVERAGE), "CONSULT_OVERSIGHT_TARGETS": '{"policy_share": 0.4}'})
    assert cfg["OVERSIGHT_INDEX"] == ONLY_COVERAGE and cfg["OVERSIGHT_TARGETS"] == {"policy_share": 0.4}
    with pytest.raises(ConfigError, match="CONSULT_OVERSIGHT_INDEX must be a JSON object"):
        load({"CONSULT_OVERSIGHT_INDEX": "[1]"})
    with pytest.raises(ConfigError, match="not valid JSON"):
        load({"CONSULT_OVERSIGHT_INDEX": "{"})
