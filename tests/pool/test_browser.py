"""Desktop browser test (1280×800): an assessor works through the voice pool."""
import re
from datetime import datetime, timezone

import pytest

from consult.analysis.models import Voice, VoiceSource, VoiceStance
from consult.extensions import db
from consult.notices.models import Stance
from tests import factories
from tests.conftest import accessibility_violations, screenshot
from tests.pool.helpers import voice


@pytest.fixture
def desk_page(_browser):
    context = _browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def _world():
    w = factories.world()
    m = w["matter"]
    for i, (text, group) in enumerate((("夏天臭味大，晚上都不敢开窗", "紧邻住户"), ("垃圾车早上五点就进小区，太吵", "紧邻住户"),
                                       ("离和平路小学才一百多米，孩子上学要经过", "学生家长"),
                                       ("我们三百多户已经联名，不改址就去市里上访", "紧邻住户"))):
        voice(m, text, group=group, at=datetime(2026, 11, 1 + i, 2, tzinfo=timezone.utc))
    voice(m, "支持建站，但要全封闭运输并公开监测数据", source=VoiceSource.LETTER, channel="12345热线",
          stance=VoiceStance.CONDITIONAL, group="沿街商户")
    factories.comment(w["notice"], "选址过程一点都不公开，谁定的？", stance=Stance.OPPOSE)
    return w


def test_assessor_filters_enters_and_imports_voices(live_server, desk_page, tmp_path):
    w = _world()
    page = desk_page
    page.goto(f"{live_server}/staff/login")
    page.get_by_label("用户名").fill("assessor")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()
    page.goto(f"{live_server}/staff/matters/{w['matter'].id}")
    panel = page.locator(".pool-panel")
    assert "意见汇集与分析" in panel.inner_text() and "预警信号" in panel.inner_text()
    panel.get_by_role("link", name="查看全部意见").click()
    assert page.locator(".result-count").inner_text().startswith("共 6 条")
    screenshot(page, "pool-1-list")
    assert accessibility_violations(page) == []
    page.locator(".facets").get_by_role("link", name=re.compile("^学生家长")).click()
    assert page.locator(".result-count").inner_text().startswith("共 1 条")
    assert "和平路小学" in page.locator(".voice").inner_text()
    page.get_by_role("link", name="清除条件").click()
    page.get_by_label("搜索内容").fill("臭味")
    page.get_by_role("button", name="筛选").click()
    assert page.locator(".result-count").inner_text().startswith("共 1 条")

    page.get_by_role("link", name="录入纸质意见 / 走访 / 座谈会").click()
    page.get_by_label("入户走访").check()
    page.get_by_label("记录人").fill("王社工")
    page.get_by_label("户 / 楼号 / 单位").fill("和平新村12号楼")
    page.get_by_label("反对").check()
    page.get_by_role("button", name="保存").click()  # no text: refused, input kept
    assert "请填写意见内容。" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("记录人").input_value() == "王社工"
    screenshot(page, "pool-2-intake-error")
    assert accessibility_violations(page) == []
    page.get_by_label("意见内容").fill("老人说晚上垃圾车倒车声音很大，希望改到白天")
    page.get_by_role("button", name="保存").click()
    assert "已保存" in page.locator(".flash").inner_text()
    assert db.session.scalar(db.select(Voice).where(Voice.source == VoiceSource.VISIT, Voice.recorder == "王社工"))

    csv_path = tmp_path / "letters.csv"
    csv_path.write_text("渠道,时间,来信人,内容\n信访,2026-11-20 09:00,业主代表,要求重新论证选址，否则集体到区政府反映\n",
                        encoding="utf-8")
    page.goto(f"{live_server}/staff/matters/{w['matter'].id}/voices/letters")
    page.get_by_label("文件").set_input_files(str(csv_path))
    page.get_by_role("button", name="上传并导入").click()
    assert "已导入 1 封来信" in page.locator(".flash").inner_text()
    page.get_by_role("link", name="预警信号").first.click()
    flagged = page.locator("main").inner_text()
    assert "含预警词的意见（2 条）" in flagged and "集体到区政府反映" in flagged
    screenshot(page, "pool-3-flagged")
    assert accessibility_violations(page) == []
    page.goto(f"{live_server}/staff/matters/{w['matter'].id}/voices")
    page.get_by_role("button", name="导出当前结果").click()
    page.wait_for_load_state()
    assert "已完成" in page.locator("main").inner_text()
    screenshot(page, "pool-4-export-job")
    page.goto(f"{live_server}/staff/matters/{w['matter'].id}/voices")
    screenshot(page, "pool-5-list-after")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_demo_matter_pool_at_desktop_size(live_server, desk_page, app):
    from consult.demo.seed import seed_demo

    seed_demo()
    page = desk_page
    page.goto(f"{live_server}/staff/login")
    page.get_by_label("用户名").fill("assessor")
    page.get_by_label("密码").fill("demo-assessor-2026")
    page.get_by_role("button", name=re.compile("登录")).click()
    page.get_by_role("link", name="B区和平街道生活垃圾转运站选址建设项目").click()
    panel = page.locator(".pool-panel")
    assert re.search(r"意见总数\s*7\d\d", panel.inner_text()), panel.inner_text()
    panel.screenshot(path=str(screenshot(page, "pool-6-demo-matter").with_name("pool-6-demo-panel.png")))
    panel.get_by_role("link", name="查看全部意见").click()
    assert "第 1 / 15 页" in page.content() and page.locator(".voice").count() == 50
    screenshot(page, "pool-7-demo-list")
    page.locator(".facets").get_by_role("link", name=re.compile("^有预警")).click()
    assert page.locator(".badge-flag").count() >= 20
    screenshot(page, "pool-8-demo-flagged-filter")
