"""Warning figures (warning_stats) against hand-set warnings; March 2026, Asia/Shanghai.

甲区 (M1, supervised):
  W1 raised 3-01, due 3-10, closed 3-09 resolved          on time, settles 3-09
  W2 raised 3-02, due 3-15, closed 3-20 resolved          late, settles on its deadline 3-15
  W3 raised 2-20, due 3-05, open                          overdue, settles 3-05
  W4 raised 3-25, due 4-20, open                          open at month end, not settled
  W5 raised 2-01, due 2-10, closed 2-09 resolved          February only
  W6 raised 3-05, due 3-31, closed 3-31 23:30 local       on time (the local day), settles 3-31
  W7 raised 3-10, due 3-20, closed 3-18 not resolved      closed in time but not resolved: settles 3-18, fails
  W8 raised 3-28, due 4-05, closed 4-01 01:00 local       (3-31 17:00 UTC) open at March end, settles in April
乙区 (M4, supervised): W9 raised 3-03, due 3-06, closed 3-06 resolved → on time
丙区 (other organisation): W10 raised 3-01, due 3-02, open

March 甲区: raised W1 W2 W4 W6 W7 W8 = 6; closed W1 W2 W6 W7 = 4; of them on time W1 W6 = 2;
open at end W3 W4 W8 = 3, overdue W3 = 1; settled W1 W2 W3 W6 W7 = 5, on time W1 W6 = 2 → 40 %.
"""
from datetime import date, datetime, timezone

import pytest

from consult.extensions import db
from consult.oversight import warning_stats
from consult.oversight.warning_stats import WarningCounts
from tests import factories
from tests.conftest import login
from tests.oversight import builders
from tests.permission_support import add_outside_roles

TODAY = date(2026, 4, 10)


def _utc(month, day, hour=2, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=timezone.utc)


def _world():
    w = add_outside_roles(factories.world())
    m1 = w["matter"]
    m1.area = "甲区"
    m4 = factories.matter(w["org"], area="乙区")
    m10 = factories.matter(w["other_org"], area="丙区")
    d = date
    builders.warning(m1, _utc(3, 1), d(2026, 3, 10), closed=_utc(3, 9), resolved=True)
    builders.warning(m1, _utc(3, 2), d(2026, 3, 15), closed=_utc(3, 20), resolved=True)
    builders.warning(m1, _utc(2, 20), d(2026, 3, 5))
    builders.warning(m1, _utc(3, 25), d(2026, 4, 20))
    builders.warning(m1, _utc(2, 1), d(2026, 2, 10), closed=_utc(2, 9), resolved=True)
    builders.warning(m1, _utc(3, 5), d(2026, 3, 31), closed=_utc(3, 31, 15, 30), resolved=True)
    builders.warning(m1, _utc(3, 10), d(2026, 3, 20), closed=_utc(3, 18), resolved=False)
    builders.warning(m1, _utc(3, 28), d(2026, 4, 5), closed=_utc(3, 31, 17), resolved=True)
    builders.warning(m4, _utc(3, 3), d(2026, 3, 6), closed=_utc(3, 6), resolved=True)
    builders.warning(m10, _utc(3, 1), d(2026, 3, 2))
    db.session.commit()
    return w


def _march(actor, **kw):
    return warning_stats.figures(actor, date(2026, 3, 1), date(2026, 3, 31), today=TODAY, **kw)


def test_march_per_district(app):
    w = _world()
    figures = _march(w["supervisor"])
    assert set(figures) == {"甲区", "乙区"}
    assert figures["甲区"] == WarningCounts(raised=6, closed=4, resolved_on_time=2, open_at_end=3, overdue_at_end=1,
                                           settled=5, settled_on_time=2)
    assert figures["甲区"].rate == 0.4
    assert figures["乙区"] == WarningCounts(raised=1, closed=1, resolved_on_time=1, settled=1, settled_on_time=1)
    assert figures["乙区"].rate == 1.0
    bodies = _march(w["supervisor"], by="body")
    assert list(bodies) == ["本单位"] and bodies["本单位"].settled == 6 and bodies["本单位"].rate == 0.5


def test_admin_scope_and_february(app):
    w = _world()
    assert _march(w["admin"])["丙区"] == WarningCounts(raised=1, open_at_end=1, overdue_at_end=1, settled=1)
    feb = warning_stats.figures(w["admin"], date(2026, 2, 1), date(2026, 2, 28), today=TODAY)["甲区"]
    # W3 and W5 raised; W5 closed on time; W3 open at Feb end, due 3-05: not overdue yet
    assert feb == WarningCounts(raised=2, closed=1, resolved_on_time=1, open_at_end=1, settled=1, settled_on_time=1)


def test_april_as_of_today(app):
    """The current month counts up to today: W4 (due 4-20) is open and not yet settled."""
    w = _world()
    april = warning_stats.figures(w["supervisor"], date(2026, 4, 1), date(2026, 4, 30), today=TODAY)["甲区"]
    assert april == WarningCounts(closed=1, resolved_on_time=1, open_at_end=2, overdue_at_end=1, settled=1,
                                  settled_on_time=1)  # W8 closed 4-01; open: W3 (overdue), W4
    later = warning_stats.figures(w["supervisor"], date(2026, 4, 1), date(2026, 4, 30), today=date(2026, 5, 2))
    assert later["甲区"].settled == 2 and later["甲区"].rate == 0.5  # W4 passed its deadline unresolved


def test_on_deadline_day_is_not_overdue(app):
    w = _world()
    counts = warning_stats.figures(w["supervisor"], date(2026, 3, 1), date(2026, 3, 31), today=date(2026, 3, 5))
    assert counts["甲区"].overdue_at_end == 0  # W3 is due 3-05: overdue from 3-06
    counts = warning_stats.figures(w["supervisor"], date(2026, 3, 1), date(2026, 3, 31), today=date(2026, 3, 6))
    assert counts["甲区"].overdue_at_end == 1


def test_monthly_report_carries_the_warning_figures(app, client):
    w = _world()
    from consult.oversight import stats
    from consult.oversight.months import Month

    data = stats.report(w["supervisor"], Month(2026, 3), now=_utc(4, 10))
    assert data["districts"]["甲区"].warnings.rate == 0.4 and data["total"]["全部"].warnings.settled == 6
    assert data["districts"]["乙区"].warnings.open_at_end == 0
    login(client, w["supervisor"])
    page = client.get("/oversight/monthly?month=2026-03").get_data(as_text=True)
    assert "新发风险预警 7 条，关闭 5 条，月末未关闭 3 条（其中逾期 1 条）；风险预警化解率 50.0%" in page
    assert "<td>2 / 5</td><td>40.0%</td>" in page and "丙区" not in page


def test_snapshot_round_trip(app):
    c = WarningCounts(raised=3, settled=2, settled_on_time=1)
    assert WarningCounts.from_dict(c.as_dict()) == c and c.as_dict()["rate"] == 0.5
    assert WarningCounts.from_dict(None) == WarningCounts() and WarningCounts().rate is None


@pytest.mark.parametrize("closed_hour, on_time", [(15, True), (16, False)])
def test_local_day_boundary(app, closed_hour, on_time):
    """Due 3-31: closed 3-31 23:xx local (15:xx UTC) is on time, 4-01 00:xx local (16:xx UTC) is late."""
    w = _world()
    m = factories.matter(w["org"], area="丁区")
    builders.warning(m, _utc(3, 1), date(2026, 3, 31), closed=_utc(3, 31, closed_hour, 30), resolved=True)
    db.session.commit()
    counts = _march(w["supervisor"])["丁区"]
    assert (counts.settled, counts.settled_on_time) == (1, int(on_time))
