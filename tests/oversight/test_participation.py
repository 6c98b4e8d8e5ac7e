"""Monthly participation figures and the third-party share against hand-computed figures (March 2026).

Supervised organisation (本单位):
  甲区 M1 project, third party 某咨询公司, level set 3-10; M2 policy, no third party, set 3-12
  乙区 M3 event, third party 某研究院, set 3-20 (the district with one matter)
Other organisation: 丙区 M5 reform, third party, set 3-15, one comment and one response in March.

甲区 in March:
  comments     3-03 published, 3-04 rejected (4-03 is April)                         → 2, 1 counted
  responses    S1 (M1): (know, support) (heard, mostly) (unaware, oppose) (—, oppose) + a duplicate
               S2 (M2): (know, —) (—, oppose)                                          → 6
               知晓率 S1 2/3, S2 1/1 → median 5/6; 支持率 S1 2/4, S2 0/2 → median 0.25
  registrations  meeting A (starts 3-21): selected+checked, promoted+checked, selected, waiting,
               cancelled; meeting B (starts 4-10): selected, registered 3-25            → 6
  attendance   meeting A only: 2 checked in ÷ 3 seat-holding                           → 2/3
  staff voices visit 王大爷 ×2 (one person), two letters without a name, visit 赵 (excluded) → 4
               (paper 李 is in April)
  residents    1 + 6 + 6 + 4 = 17
  voices       2 visits + 2 letters + 1 mirrored comment (赵 excluded); flagged: one visit → 1 / 5
  third party  1 of 2 assessed → 50 %
"""
import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from consult.analysis.models import VoiceSource
from consult.extensions import db
from consult.hearings.models import RegStatus
from consult.matters.models import MatterKind
from consult.notices.models import CommentStatus
from consult.oversight import stats
from consult.oversight.months import Month
from consult.register.models import RiskLevel
from consult.reports.models import Outcome
from tests import factories
from tests.conftest import login
from tests.hearings import factories as hearing_factories
from tests.oversight import builders
from tests.permission_support import add_outside_roles

MARCH = Month(2026, 3)


def _at(month, day, hour=2):
    return datetime(2026, month, day, hour, tzinfo=timezone.utc)  # 10:00 in Shanghai, same day


def _world():
    w = add_outside_roles(factories.world())
    org, other = w["org"], w["other_org"]
    m1 = w["matter"]
    m1.area, m1.third_party = "甲区", "某咨询公司"
    builders.assessed(m1, level=RiskLevel.MEDIUM, outcome=Outcome.IMPLEMENT, set_at=_at(3, 10))
    m2 = factories.matter(org, kind=MatterKind.POLICY, area="甲区")
    builders.assessed(m2, level=RiskLevel.LOW, outcome=Outcome.IMPLEMENT, set_at=_at(3, 12))
    m3 = factories.matter(org, kind=MatterKind.EVENT, area="乙区", third_party="某研究院")
    builders.assessed(m3, level=RiskLevel.HIGH, outcome=Outcome.POSTPONE, set_at=_at(3, 20))
    m5 = factories.matter(other, kind=MatterKind.REFORM, area="丙区", third_party="某公司")
    builders.assessed(m5, level=RiskLevel.LOW, outcome=Outcome.IMPLEMENT, set_at=_at(3, 15))
    factories.comment(w["notice"], created_at=_at(3, 3))
    factories.comment(w["notice"], created_at=_at(3, 4), status=CommentStatus.REJECTED)
    factories.comment(w["notice"], created_at=_at(4, 3))
    factories.comment(factories.notice(m5), created_at=_at(3, 5))
    s1, s2, s5 = builders.survey(w, m1, w["notice"]), builders.survey(w, m2), builders.survey(
        {"organiser": factories.user(organisations=[other])}, m5)
    for aware, support in (("know", "support"), ("heard", "mostly"), ("unaware", "oppose"), (None, "oppose")):
        builders.response(s1, _at(3, 6), aware, support)
    builders.response(s1, _at(3, 6), "know", "support", duplicate=True)
    builders.response(s1, _at(4, 6), "know", "support")
    builders.response(s2, _at(3, 7), "know", None)
    builders.response(s2, _at(3, 7), None, "oppose")
    builders.response(s5, _at(3, 7), "unaware", "oppose")
    meeting_a = hearing_factories.meeting(w, now=_at(3, 1))  # starts 3-21
    meeting_b = hearing_factories.meeting(w, now=_at(3, 21))  # starts 4-10
    for status, checked in ((RegStatus.SELECTED, True), (RegStatus.PROMOTED, True), (RegStatus.SELECTED, False),
                            (RegStatus.WAITING, False), (RegStatus.CANCELLED, False)):
        hearing_factories.registration(meeting_a, status=status, created_at=_at(3, 5),
                                       checked_in_at=_at(3, 21, 1) if checked else None)
    hearing_factories.registration(meeting_b, status=RegStatus.SELECTED, created_at=_at(3, 25))
    builders.voice(m1, VoiceSource.VISIT, _at(3, 6), author="王大爷", flagged=True)
    builders.voice(m1, VoiceSource.VISIT, _at(3, 7), author="王大爷")
    builders.voice(m1, VoiceSource.LETTER, _at(3, 8))
    builders.voice(m1, VoiceSource.LETTER, _at(3, 9))
    builders.voice(m1, VoiceSource.VISIT, _at(3, 10), author="赵", flagged=True, excluded=True)
    builders.voice(m1, VoiceSource.PAPER, _at(4, 2), author="李")
    builders.voice(m1, VoiceSource.COMMENT, _at(3, 3))
    db.session.commit()
    return w


def test_district_figures(app):
    w = _world()
    data = stats.report(w["supervisor"], MARCH)
    assert set(data["districts"]) == {"甲区", "乙区"}
    jia = data["districts"]["甲区"]
    assert (jia.assessed, jia.third_party, jia.third_party_share) == (2, 1, 0.5)
    assert (jia.comments, jia.responses, jia.registrations, jia.staff_voices, jia.residents) == (2, 6, 6, 4, 17)
    assert (jia.seated, jia.attended) == (3, 2) and jia.attendance == pytest.approx(2 / 3)
    assert sorted(jia.awareness_rates) == pytest.approx([2 / 3, 1.0]) and jia.awareness_median == pytest.approx(5 / 6)
    assert sorted(jia.support_rates) == [0.0, 0.5] and jia.support_median == 0.25
    assert (jia.voices, jia.flagged, jia.escalation_share) == (5, 1, 0.2)
    yi = data["districts"]["乙区"]  # one matter, no participation
    assert (yi.assessed, yi.third_party_share, yi.residents, yi.attendance, yi.support_median) == (1, 1.0, 0, None,
                                                                                                   None)
    body = data["bodies"]["本单位"]
    assert (body.assessed, body.third_party, body.residents) == (3, 2, 17)
    assert body.third_party_share == pytest.approx(2 / 3)
    total = data["total"]["全部"].as_dict()
    assert (total["third_party"], total["residents"], total["awareness_median"]) == (2, 17, pytest.approx(5 / 6))


def test_admin_sees_the_other_organisation(app):
    w = _world()
    bing = stats.report(w["admin"], MARCH)["districts"]["丙区"]
    assert (bing.third_party_share, bing.comments, bing.responses, bing.residents) == (1.0, 1, 1, 2)
    assert (bing.awareness_rates, bing.support_rates) == ([0.0], [0.0])


def test_april_and_an_empty_month(app):
    w = _world()
    april = stats.report(w["supervisor"], Month(2026, 4))["districts"]["甲区"]
    # comment 4-03, response 4-06, paper 李; meeting B (4-10) held with its one seat not checked in
    assert (april.assessed, april.third_party_share, april.residents) == (0, None, 3)
    assert (april.seated, april.attended, april.attendance) == (1, 0, 0.0)
    assert (april.awareness_rates, april.support_rates) == ([1.0], [1.0])
    assert stats.report(w["supervisor"], Month(2025, 1)) == {"districts": {}, "bodies": {}, "total": {}}


def test_meeting_not_yet_held_is_left_out(app):
    w = _world()
    before = stats.report(w["supervisor"], Month(2026, 4), now=_at(4, 9))["districts"]["甲区"]
    assert (before.seated, before.attended) == (0, 0)  # meeting B starts 4-10


def test_monthly_page_and_xlsx(app, client):
    w = _world()
    login(client, w["supervisor"])
    resp = client.get("/oversight/monthly?month=2026-03")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "丙区" not in page
    assert "第三方评估占比 66.7%" in page
    assert "群众参与 17 人次，问卷答卷 6 份，会议到会率 66.7%，知晓率中位数 83.3%，支持率中位数 25.0%" in page
    assert "<td>2 / 3</td>" in page and "<td>1 / 5</td>" in page
    wb = load_workbook(io.BytesIO(client.get("/oversight/monthly.xlsx?month=2026-03").data))
    ws = wb["按区县"]
    header = [c.value for c in ws[2]]
    jia = dict(zip(header, [c.value for c in ws[4]]))
    assert jia["名称"] == "甲区" and jia["第三方评估占比"] == "50.0%" and jia["第三方评估事项数"] == 1
    assert (jia["参与人次"], jia["听证报名数"], jia["走访等录入人数"], jia["会议入选人数"], jia["会议签到人数"]) == (17, 6, 4, 3, 2)
    assert (jia["到会率"], jia["知晓率中位数"], jia["支持率中位数"]) == ("66.7%", "83.3%", "25.0%")
    assert (jia["升级信号条数"], jia["民意条数"]) == (1, 5)
    yi = dict(zip(header, [c.value for c in ws[3]]))
    assert (yi["名称"], yi["第三方评估占比"], yi["到会率"], yi["支持率中位数"]) == ("乙区", "100.0%", None, None)
    assert [c.value for c in wb["合计"][3]][:2] == ["全部", 3]


def test_below_target_is_marked(app, client, monkeypatch):
    w = _world()
    monkeypatch.setitem(app.config, "OVERSIGHT_TARGETS", {"third_party_share": 0.6})
    login(client, w["supervisor"])
    page = client.get("/oversight/monthly?month=2026-03").get_data(as_text=True)
    assert "第三方评估 ≥ 60%" in page
    assert '<td class="ov-below">50.0%</td>' in page and '<td class="">100.0%</td>' in page


def test_old_snapshot_without_the_new_keys_renders(app, client):
    from consult.oversight.models import MonthSnapshot

    w = _world()
    old = {"name": "甲区", "assessed": 2, "kinds": {"project": 1, "policy": 1}, "levels": {"medium": 1, "low": 1},
           "outcomes": {"implement": 2}, "decided": 0, "covered": 0, "coverage": None, "policy_share": 0.5,
           "third_party_share": None, "comments": 2, "responses": 5}
    db.session.add(MonthSnapshot(month="2026-03", version=1, figures={
        "districts": {"甲区": old}, "bodies": {"本单位": {**old, "name": "本单位"}}, "total": {"全部": {**old, "name": "全部"}}},
        index_rows=[], formula_version="2026.1", created_by_id=w["admin"].id, created_at=_at(4, 1)))
    db.session.commit()
    login(client, w["admin"])
    resp = client.get("/oversight/monthly?month=2026-03")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "第 1 版冻结数字" in page and "本月评估 2 项" in page
    assert "早于第三方评估、群众参与和风险预警统计" in page and "第三方评估占比 —" in page
    assert client.get("/oversight/monthly?month=2026-03&live=1").status_code == 200
