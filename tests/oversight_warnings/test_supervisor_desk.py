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
