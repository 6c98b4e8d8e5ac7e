"""One 风险预警化解率: the warning list's all-time figure and the monthly figures
(consult/oversight/warning_stats.py, which assigns each warning to the period it settles in) agree
when the period covers every warning."""
from __future__ import annotations

from datetime import date, timedelta

from consult.oversight import warning_list, warning_stats
from consult.oversight.models import WarningStatus
from tests import factories
from tests.oversight_warnings.builders import today, utc, warning


def test_list_rate_equals_the_rate_over_all_periods(app):
    w = factories.world()
    m, t = w["matter"], today()
    past, future = t - timedelta(days=10), t + timedelta(days=10)
    closed_ok = warning(m, deadline=past, status=WarningStatus.CLOSED, raised_at=utc(2026, 1, 1),
                        closed_at=utc(2026, 1, 2), resolved=True)  # closed by the deadline, resolved
    warning(m, deadline=date(2026, 1, 1), status=WarningStatus.CLOSED, raised_at=utc(2025, 12, 1),
            closed_at=utc(2026, 1, 20), resolved=True)  # resolved, but late
    warning(m, deadline=past, status=WarningStatus.CLOSED, raised_at=utc(2026, 1, 1),
            closed_at=utc(2026, 1, 3), resolved=False)  # closed in time, not resolved
    warning(m, deadline=past, raised_at=utc(2026, 1, 1))  # open past its deadline
    warning(m, deadline=future, raised_at=utc(2026, 1, 1))  # open, not due: not counted yet
    rows, figures = warning_list.listing(w["admin"], warning_list.parse({})[0], t)
    assert (figures["due"], figures["resolved_on_time"], figures["rate"]) == (4, 1, 25.0)
    counts = warning_stats.count(warning_stats.load(None, date(2000, 1, 1), t), date(2000, 1, 1), t, t)
    assert (counts.settled, counts.settled_on_time) == (4, 1) and counts.rate == 0.25
    assert closed_ok in rows
