"""Public transparency pages: filed matters only, sensitive ones hidden, 应评尽评率, no personal data."""
from datetime import date

import pytest

from consult.oversight import transparency
from consult.register.models import RiskLevel
from consult.reports.models import Outcome, Stage
from tests import factories
from tests.oversight import builders
from tests.oversight.test_ledger import _at, _world


def _public_world():
    w = _world()  # 甲区: a filed project; 乙区: a decided but unfiled policy; 丙区: unfiled reform
    secret = factories.matter(w["org"], title="敏感的征地补偿方案", area="甲区", is_sensitive=True)
    builders.assessed(secret, level=RiskLevel.HIGH, outcome=Outcome.POSTPONE, set_at=_at(2026, 2, 1),
                      stages=[(Stage.FINAL, _at(2026, 2, 3))], filed_at=_at(2026, 2, 5))
    factories.comment(w["notice"], "我的电话 13800001111", author_name="张三")
    return w


def test_public_pages_show_filed_matters_only(app, client):
    _public_world()
    page = client.get("/transparency/").get_data(as_text=True)
    assert "甲区" in page and "乙区" not in page and "丙区" not in page
    resp = client.get("/transparency/甲区")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "垃圾中转站建设" in page and "中风险" in page and "可实施" in page
    assert "敏感的征地补偿方案" not in page and "张三" not in page and "13800001111" not in page
    assert client.get("/transparency/乙区").status_code == 404  # nothing filed there


def test_coverage_over_twelve_months(app):
    _public_world()
    assert transparency.district("甲区", date(2026, 11, 30))["coverage"] == (1, 1)
    assert transparency.district("甲区", date(2027, 3, 6))["coverage"] == (0, 0)  # the decision is over a year old
    assert transparency.district("不存在的区", date(2026, 11, 30)) is None


@pytest.mark.parametrize("area", ["<script>x</script>", "😀", "x" * 300, "%00", "．．/etc"])
def test_bad_district_is_not_found(app, client, area):
    _public_world()
    resp = client.get(f"/transparency/{area}")
    assert resp.status_code == 404 and "<script>x" not in resp.get_data(as_text=True)


def test_empty_public_index(app, client):
    page = client.get("/transparency/").get_data(as_text=True)
    assert "暂无公开的评估事项" in page
