"""The supervisor's desk (/supervision/) lists the open warnings escalated to them, of their
organisations only, above the filed reports."""
from __future__ import annotations

from datetime import timedelta

from consult.oversight.models import WarningStatus
from tests import factories
from tests.conftest import login
from tests.oversight_warnings.builders import today, utc, warning
from tests.permission_support import add_outside_roles


def test_desk_shows_escalated_open_warnings_in_scope(app, client):
    w = add_outside_roles(factories.world())
    late = today() - timedelta(days=5)
    mine = warning(w["matter"], title="补偿款未按期发放", deadline=late, escalated_at=utc(2026, 1, 1))
    warning(w["matter"], title="尚未升级的预警", deadline=late)
    warning(w["matter"], title="已销号的预警", deadline=late, escalated_at=utc(2026, 1, 1),
            status=WarningStatus.CLOSED, closed_at=utc(2026, 1, 2), resolved=True)
    other = factories.matter(w["other_org"])
    warning(other, title="其他单位的预警", deadline=late, escalated_at=utc(2026, 1, 1))
    login(client, w["supervisor"])
    resp = client.get("/supervision/")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "逾期升级的风险预警（1）" in page and f'href="/oversight/warnings/{mine.id}"' in page
    assert "逾期 5 天" in page
    for hidden in ("尚未升级的预警", "已销号的预警", "其他单位的预警"):
        assert hidden not in page


def test_desk_without_escalations_shows_only_filings(app, client):
    w = add_outside_roles(factories.world())
    login(client, w["supervisor"])
    page = client.get("/supervision/").get_data(as_text=True)
    assert "逾期升级的风险预警" not in page and "暂无备案的报告。" in page


def test_warning_list_pages_by_a_hundred(app, client, monkeypatch):
    from consult.oversight import warning_list

    monkeypatch.setattr(warning_list, "PAGE_SIZE", 2)
    w = add_outside_roles(factories.world())
    for n in range(5):
        warning(w["matter"], title=f"预警第{n}号", deadline=today() + timedelta(days=n))
    login(client, w["admin"])
    first = client.get("/oversight/warnings").get_data(as_text=True)
    assert "共 5 条 · 第 1 / 3 页" in first and first.count('href="/oversight/warnings/') == 2
    assert "预警第0号" in first and "预警第2号" not in first and 'href="/oversight/warnings?page=2"' in first
    last = client.get("/oversight/warnings?page=3").get_data(as_text=True)
    assert "预警第4号" in last and last.count('href="/oversight/warnings/') == 1 and "下一页" not in last
    for bad in ("0", "-1", "abc", "99999999999999999999"):
        resp = client.get(f"/oversight/warnings?page={bad}")
        assert resp.status_code == 200 and "预警第" in resp.get_data(as_text=True)
    # the figures count every warning in scope, not the page
    assert "<dt>发布预警</dt><dd>5</dd>" in first
