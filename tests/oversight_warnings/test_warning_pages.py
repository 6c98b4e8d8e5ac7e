"""Warning list (scope, filters, figures), warning page, actions, closing (销号)."""
import re
from datetime import date, timedelta

from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.auth.models import Role
from consult.extensions import db
from consult.oversight import warning_list
from consult.oversight.models import RiskWarning, WarningAction, WarningLevel, WarningStatus
from tests import factories
from tests.conftest import login
from tests.oversight_warnings import builders
from tests.oversight_warnings.builders import utc
from tests.permission_support import add_outside_roles


def _world():
    w = add_outside_roles(factories.world())
    w["other_matter"] = factories.matter(w["other_org"], title="其他单位的事项", area="C县")
    return w


def _titles(page: str) -> list[str]:
    return re.findall(r'<a href="/oversight/warnings/\d+">([^<]+)</a>', page)


def test_figures_by_hand():
    today = date(2026, 3, 10)
    W = lambda **kw: RiskWarning(level=WarningLevel.YELLOW, status=kw.pop("status", WarningStatus.OPEN), **kw)  # noqa: E731
    rows = [
        W(deadline=date(2026, 3, 9), status=WarningStatus.CLOSED, closed_at=utc(2026, 3, 8), resolved=True),  # on time
        W(deadline=date(2026, 3, 5), status=WarningStatus.CLOSED, closed_at=utc(2026, 3, 7), resolved=True),  # late
        # closed 3/9 17:00 UTC = 3/10 01:00 local: after a 3/9 deadline, so not on time
        W(deadline=date(2026, 3, 9), status=WarningStatus.CLOSED, closed_at=utc(2026, 3, 9, 17), resolved=True),
        W(deadline=date(2026, 3, 20), status=WarningStatus.CLOSED, closed_at=utc(2026, 3, 8), resolved=False),
        W(deadline=date(2026, 3, 9), escalated_at=utc(2026, 3, 10)),  # open, overdue, escalated
        W(deadline=date(2026, 3, 10)),  # open, due today: not overdue
    ]
    assert warning_list.figures(rows, today) == {
        "raised": 6, "open": 2, "overdue": 1, "escalated": 1, "closed": 4, "resolved_on_time": 1, "due": 5,
        "rate": 20.0}
    assert warning_list.figures([], today)["rate"] is None


def _seed(w):
    t = builders.today()
    m, other = w["matter"], w["other_matter"]
    builders.warning(m, title="甲 红色逾期", level=WarningLevel.RED, deadline=t - timedelta(days=3),
                     escalated_at=utc(2026, 1, 1))
    builders.warning(m, title="乙 黄色处置中", deadline=t + timedelta(days=5))
    builders.warning(m, title="丙 已销号", deadline=t - timedelta(days=1), status=WarningStatus.CLOSED,
                     closed_at=builders.utc(2026, 1, 1), resolved=True)  # closed long before its deadline
    builders.warning(other, title="丁 其他单位", deadline=t + timedelta(days=1))


def test_each_role_sees_its_own_warnings(app, client):
    w = _world()
    _seed(w)
    owner = factories.user(Role.ASSESSOR, username="owner")
    builders.warning(w["other_matter"], title="戊 我负责的", owner_id=owner.id, deadline=builders.today())
    expected = {"supervisor": ["甲 红色逾期", "乙 黄色处置中", "丙 已销号"],
                "organiser": ["甲 红色逾期", "乙 黄色处置中", "丙 已销号"],
                "assessor": ["甲 红色逾期", "乙 黄色处置中", "丙 已销号"],
                "other": ["戊 我负责的", "丁 其他单位"], "admin": ["甲 红色逾期", "乙 黄色处置中", "戊 我负责的", "丁 其他单位", "丙 已销号"]}
    for role, titles in expected.items():
        login(client, w[role])
        resp = client.get("/oversight/warnings")
        assert resp.status_code == 200 and sorted(_titles(resp.get_data(as_text=True))) == sorted(titles), role
    login(client, owner)
    assert _titles(client.get("/oversight/warnings").get_data(as_text=True)) == ["戊 我负责的"]
    login(client, w["expert"])
    assert client.get("/oversight/warnings").status_code == 403


def test_the_supervisor_figures_and_definition(app, client):
    w = _world()
    _seed(w)
    login(client, w["supervisor"])
    page = client.get("/oversight/warnings").get_data(as_text=True)
    figures = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page)
    # 3 raised; 甲 overdue & escalated; 丙 closed on time; due = 1 closed + 1 overdue → 1 / 2 = 50%
    assert figures == [("发布预警", "3"), ("处置中", "2"), ("逾期", "1"), ("已升级", "1"), ("已销号", "1"),
                       ("按期化解", "1"), ("风险预警化解率", "50.0%")]
    assert "风险预警化解率 = 按期化解数 ÷（已销号数 + 逾期未销号数）= 1 ÷ 2。" in page
    assert "逾期 3 天" in page and 'class="badge wl-red">红色预警<' in page


def test_filters(app, client):
    w = _world()
    _seed(w)
    login(client, w["admin"])
    cases = {"status=closed": ["丙 已销号"], "level=red": ["甲 红色逾期"], "overdue=1": ["甲 红色逾期"],
             "escalated=1": ["甲 红色逾期"], "district=C县": ["丁 其他单位"],
             f"matter_id={w['other_matter'].id}": ["丁 其他单位"], "status=open&level=yellow": ["乙 黄色处置中", "丁 其他单位"]}
    for query, titles in cases.items():
        resp = client.get(f"/oversight/warnings?{query}")
        assert resp.status_code == 200 and sorted(_titles(resp.get_data(as_text=True))) == sorted(titles), query
    page = client.get("/oversight/warnings?district=C县").get_data(as_text=True)
    assert ("发布预警", "1") in re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page)


def test_bad_filters_are_refused_in_chinese(app, client):
    w = _world()
    login(client, w["supervisor"])
    for query, message in (("status=gone", "状态的取值无效。"), ("level=%3Cscript%3E", "预警等级的取值无效。"),
                           ("matter_id=%EF%BC%91", "事项编号无效。"), ("district=" + "长" * 101, "区县不能超过 100 个字。"),
                           ("district=a%01b", "区县含有无效的控制字符。")):
        resp = client.get(f"/oversight/warnings?{query}&level=red")
        assert resp.status_code == 422 and message in resp.get_data(as_text=True), query
    assert client.get("/oversight/warnings?district=a%00b").status_code == 400


def test_the_warning_page(app, client):
    w = _world()
    warning = builders.warning(w["matter"], level=WarningLevel.RED, deadline=builders.today() - timedelta(days=2),
                               escalated_at=utc(2026, 1, 1))
    login(client, w["supervisor"])
    page = client.get(f"/oversight/warnings/{warning.id}").get_data(as_text=True)
    assert "红色预警" in page and "人工发布" in page and "街道办" in page and "逾期 2 天" in page
    assert w["matter"].title in page and "升级报送监督单位" in page and "销号审查意见" in page
    for role in ("other", "expert"):
        login(client, w[role])
        assert client.get(f"/oversight/warnings/{warning.id}").status_code == 403
    assert client.get("/oversight/warnings/99999").status_code == 404


def test_actions_are_added_once_and_not_after_closing(app, client):
    w = _world()
    warning = builders.warning(w["matter"], deadline=builders.today() + timedelta(days=3))
    login(client, w["organiser"])
    data = {"taken_on": builders.today().isoformat(), "text": "召开协调会，解释补偿标准"}
    url = f"/oversight/warnings/{warning.id}/actions"
    assert client.post(url, data=data).status_code == 303
    resp = client.post(url, data=data)
    assert resp.status_code == 422 and "这条处置措施已经记录过，无需重复提交。" in resp.get_data(as_text=True)
    resp = client.post(url, data={**data, "taken_on": (builders.today() + timedelta(days=1)).isoformat(), "text": "新的"})
    assert resp.status_code == 422 and "处置日期不能晚于今天。" in resp.get_data(as_text=True)
    assert [a.text for a in db.session.scalars(select(WarningAction))] == ["召开协调会，解释补偿标准"]
    [audit] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "warning.act")).all()
    assert audit.actor_id == w["organiser"].id and audit.after["warning_id"] == warning.id
    warning.status, warning.closed_at = WarningStatus.CLOSED, utc(2026, 1, 1)
    db.session.commit()
    resp = client.post(url, data={**data, "text": "另一项措施"})
    assert resp.status_code == 409 and "该预警已关闭（销号），不能再添加处置措施。" in resp.get_data(as_text=True)


def test_the_owner_may_act(app, client):
    w = _world()
    owner = factories.user(Role.ASSESSOR, username="owner")
    warning = builders.warning(w["other_matter"], owner_id=owner.id, deadline=builders.today())
    login(client, owner)
    resp = client.post(f"/oversight/warnings/{warning.id}/actions",
                       data={"taken_on": builders.today().isoformat(), "text": "走访住户"})
    assert resp.status_code == 303


def test_closing_needs_a_review_and_happens_once(app, client):
    w = _world()
    warning = builders.warning(w["matter"], deadline=builders.today() + timedelta(days=3))
    login(client, w["supervisor"])
    url = f"/oversight/warnings/{warning.id}/close"
    resp = client.post(url, data={"review": "  ", "resolved": "no"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "请填写销号审查意见。" in page
    assert re.search(r'value="no"[^>]*checked|checked[^>]*value="no"', page)  # the other answer is kept
    resp = client.post(url, data={"review": "经核查，住户已签约", "resolved": "yes"})
    assert resp.status_code == 303
    db.session.refresh(warning)
    assert (warning.status, warning.resolved, warning.closed_by_id) == (WarningStatus.CLOSED, True, w["supervisor"].id)
    resp = client.post(url, data={"review": "再次提交", "resolved": "no"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and f"该预警已于 {builders.today().isoformat()} 关闭（销号），不能重复关闭。" in page
    db.session.refresh(warning)
    assert warning.closing_review == "经核查，住户已签约" and warning.resolved is True
    [audit] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "warning.close")).all()
    assert audit.before["status"] == "open" and audit.after["status"] == "closed" and audit.after["resolved"] is True
    page = client.get(f"/oversight/warnings/{warning.id}").get_data(as_text=True)
    assert "审查认定：风险已化解" in page and "按期化解" in page


def test_manual_raise(app, client):
    w = _world()
    login(client, w["supervisor"])
    url = f"/oversight/matters/{w['matter'].id}/warnings"
    data = {"level": "red", "title": "部分住户拒绝搬迁", "detail": "3 户表示将上访", "owner_unit": "街道办",
            "owner_id": str(w["organiser"].id), "deadline": (builders.today() + timedelta(days=7)).isoformat()}
    resp = client.post(url, data=data)
    [warning] = db.session.scalars(select(RiskWarning)).all()
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/oversight/warnings/{warning.id}")
    assert (warning.level, warning.owner_id, warning.raised_by_id) == (WarningLevel.RED, w["organiser"].id, w["supervisor"].id)
    assert warning.deadline == builders.today() + timedelta(days=7)
    resp = client.post(url, data=data)
    assert resp.status_code == 422 and "本事项已有一条同名的处置中预警，无需重复发布。" in resp.get_data(as_text=True)
    resp = client.post(url, data={**data, "title": "另一条", "deadline": "2020-01-01"})
    assert resp.status_code == 422 and "处置时限不能早于今天。" in resp.get_data(as_text=True)
    resp = client.post(url, data={**data, "title": "第三条", "owner_id": "99999"})
    assert resp.status_code == 422 and "请从列表中选择责任人。" in resp.get_data(as_text=True)
    assert len(db.session.scalars(select(RiskWarning)).all()) == 1
    [audit] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "warning.raise")).all()
    assert audit.actor_id == w["supervisor"].id and audit.after["level"] == "red"
