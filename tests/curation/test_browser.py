"""An assessor runs an analysis and merges two points, in headless Chromium at 1280×800."""
import re

import pytest
from sqlalchemy import select

from consult.analysis.models import AnalysisRun, PointState, RiskPoint
from consult.extensions import db
from tests import factories
from tests.conftest import accessibility_violations, screenshot
from tests.curation.helpers import add_letters, devset

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_page(_browser):
    context = _browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def test_assessor_runs_analysis_and_merges_two_points(live_server, desk_page):
    w = factories.world()
    add_letters(w["matter"].id, devset(200))
    page = desk_page
    page.goto(f"{live_server}/staff/login")
    page.get_by_label("用户名").fill("assessor")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/staff/matters/{w['matter'].id}")
    page.get_by_role("link", name="整理风险点").click()
    page.wait_for_load_state()
    assert "还没有运行过分析" in page.content()
    page.get_by_role("button", name="运行分析").click()
    page.wait_for_load_state()
    page.wait_for_selector("text=查看并整理风险点", timeout=60000)  # the page refreshes until the run is done
    screenshot(page, "curation-01-run-done")
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="查看并整理风险点").click()
    page.wait_for_load_state()
    db.session.expire_all()
    run = db.session.scalar(select(AnalysisRun))
    first, second = (db.session.get(RiskPoint, rp.risk_point_id) for rp in run.points[:2])
    assert page.locator("table.table tbody tr").count() == run.n_points
    page.locator(f"#sel{second.id}").check()
    page.get_by_label("把勾选的风险点合并到").select_option(str(first.id))
    screenshot(page, "curation-02-points-before-merge")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="合并所选风险点").click()
    page.wait_for_load_state()
    assert "已合并 1 个风险点。" in page.content()
    assert page.locator("h1").inner_text() == first.title
    screenshot(page, "curation-03-merged-point")
    assert accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    db.session.expire_all()
    assert db.session.get(RiskPoint, second.id).state == PointState.MERGED
    assert db.session.get(RiskPoint, second.id).merged_into_id == first.id
