"""Public transparency: matters withheld with a reason are not shown (only counted), and the 三率.

Today 2026-11-30: the period is 2025-12-01 … 2026-11-30.
甲区: the filed project (decided 2026-03-05, assessed: 应评尽评 1 / 1), a sensitive filed matter and a
  filed matter withheld with a reason (neither shown: "因故不予公开 2 项").
  warnings: withheld matter raised 5-01, due 5-10, closed 5-08 resolved (on time); project raised
  6-01, due 6-10, open (settles 6-10, failed); one of 2025 (closed 2025-10-20) outside → 1 / 2 = 50 %
  questionnaires: project support + oppose → 1/2; withheld matter support, support, mostly → 1;
  a third one answered only in 2025 → median of (0.5, 1) = 75 %
乙区: a warning on the unfiled policy (not 甲区's).
丙区: only a withheld filed matter: listed, nothing shown.
"""
from datetime import date, datetime, timezone

import pytest

from consult.extensions import db
from consult.oversight import public_views, transparency
from consult.register.models import RiskLevel
from consult.reports.models import Outcome, Stage
from tests import factories
from tests.oversight import builders
from tests.oversight.test_transparency import _public_world

TODAY = date(2026, 11, 30)
REASON = "涉及具体安置户名单"


def _utc(y, m, d):
    return datetime(y, m, d, 2, tzinfo=timezone.utc)


def _world():
    w = _public_world()
    project = w["matter"]
    withheld = factories.matter(w["org"], title="不予公开的安置方案", area="甲区", public_withheld_reason=REASON)
    builders.assessed(withheld, level=RiskLevel.MEDIUM, outcome=Outcome.IMPLEMENT, set_at=_utc(2026, 4, 1),
                      stages=[(Stage.FINAL, _utc(2026, 4, 3))], filed_at=_utc(2026, 4, 5))
    lone = factories.matter(w["other_org"], title="丙区不公开事项", area="丙区", public_withheld_reason="商业秘密")
    builders.assessed(lone, level=RiskLevel.LOW, outcome=Outcome.IMPLEMENT, set_at=_utc(2026, 4, 1),
                      filed_at=_utc(2026, 4, 5))
    builders.warning(withheld, _utc(2026, 5, 1), date(2026, 5, 10), closed=_utc(2026, 5, 8), resolved=True)
    builders.warning(project, _utc(2026, 6, 1), date(2026, 6, 10))
    builders.warning(project, _utc(2025, 10, 1), date(2025, 11, 1), closed=_utc(2025, 10, 20), resolved=True)
    builders.warning(w["flagged"], _utc(2026, 6, 1), date(2026, 6, 2))
    s1, s2, s3 = (builders.survey(w, m) for m in (project, withheld, factories.matter(w["org"], area="甲区")))
    for support in ("support", "oppose"):
        builders.response(s1, _utc(2026, 4, 10), "know", support)
    for support in ("support", "support", "mostly"):
        builders.response(s2, _utc(2026, 5, 10), None, support)
    builders.response(s3, _utc(2025, 6, 1), None, "oppose")
    db.session.commit()
    return w


def test_three_rates(app):
    _world()
    d = transparency.district("甲区", TODAY)
    assert d["period"] == (date(2025, 12, 1), TODAY)
    assert (d["coverage"], d["warnings"], d["satisfaction"]) == ((1, 1), (1, 2), (0.75, 2))
    assert [m["title"] for m in d["matters"]] == ["垃圾中转站建设"] and d["withheld"] == 2
    later = transparency.district("甲区", date(2027, 5, 9))  # 2026-05-10 … : the project's warning only
    assert (later["warnings"], later["satisfaction"]) == ((0, 1), (1.0, 1))


def test_public_pages(app, client, monkeypatch):
    _world()
    monkeypatch.setattr(public_views, "utcnow", lambda: datetime(2026, 11, 30, 4, tzinfo=timezone.utc))
    index = client.get("/transparency/").get_data(as_text=True)
    assert "甲区</a> · 公开 1 项 · 因故不予公开 2 项" in index and "丙区</a> · 公开 0 项 · 因故不予公开 1 项" in index
    assert "乙区" not in index
    resp = client.get("/transparency/甲区")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "三率（2025-12-01 至 2026-11-30）" in page
    assert "<dt>应评尽评率</dt><dd>100.0%（1 / 1）</dd>" in page
    assert "<dt>风险预警化解率</dt><dd>50.0%（1 / 2）</dd>" in page
    assert "<dt>群众满意率</dt><dd>75.0%（2 份问卷的中位数）</dd>" in page
    assert "因故不予公开 2 项。" in page and "垃圾中转站建设" in page
    # on a phone each matter is a card whose cells name their column (site.css .stack-table)
    assert 'class="table stack-table"' in page and '<td data-label="风险等级">' in page
    for hidden in ("不予公开的安置方案", REASON, "敏感的征地补偿方案", "张三", "13800001111"):
        assert hidden not in page
    lone = client.get("/transparency/丙区").get_data(as_text=True)
    assert "没有可公开的评估事项" in lone and "丙区不公开事项" not in lone and "商业秘密" not in lone
    assert "期间没有决策事项" in lone and "期间没有到期或关闭的风险预警" in lone and "期间没有问卷答卷" in lone


def test_withholding_a_matter_hides_it(app, client):
    w = _world()
    w["matter"].public_withheld_reason = "涉及国家秘密"
    db.session.commit()
    page = client.get("/transparency/甲区").get_data(as_text=True)
    assert "垃圾中转站建设" not in page and "因故不予公开 3 项" in page and "涉及国家秘密" not in page


@pytest.mark.parametrize("area", ["乙区", "不存在的区"])
def test_district_without_filed_matters_is_not_found(app, client, area):
    _world()
    assert client.get(f"/transparency/{area}").status_code == 404
