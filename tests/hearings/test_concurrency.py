"""No overbooking under concurrency: real parallel HTTP requests against PostgreSQL.

500 residents register at once for 100 first-come seats (each through the SMS-code step),
then 40 seated residents cancel at once and the waiting lists promote. The list must stay
consistent: never more seat holders than seats, waiting positions 1..n without gaps or
repeats, every registration answered.
"""
import os
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from sqlalchemy import func, select

from consult.crypto import mask_phone
from consult.extensions import db, limiter
from consult.hearings.models import SEAT_HOLDING, Allocation, Registration, RegStatus
from consult.messaging.models import Message
from tests import factories
from tests.hearings import factories as hf

N, WORKERS = 500, 32
SEATS = {"affected": (50, 0), "heads": (10, 0), "figures": (10, 0), "experts": (20, 0), "deputies": (10, 0)}
pytestmark = pytest.mark.skipif(
    not os.environ.get("CONSULT_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (CONSULT_TEST_DATABASE_URL): SQLite serialises all writes to one file, "
           "so parallel requests there would not exercise the row lock this test is about")


@pytest.fixture
def no_rate_limit():
    limiter.enabled = False
    yield
    limiter.enabled = True


def _post(opener, url, data):
    with opener.open(url, data=urlencode(data).encode(), timeout=120) as resp:
        return resp.status, resp.geturl()


def _sms_code(app, phone):
    with app.app_context():
        body = db.session.scalar(select(Message.body).where(
            Message.purpose == "hearing.code", Message.recipient_masked == mask_phone(phone)))
        db.session.remove()
    return body.split("验证码 ")[1][:6]


def _resident(app, base, m_id, cats, i):
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    phone = f"1390000{i:04d}"
    _post(opener, f"{base}/hearings/{m_id}/register", {"phone": phone})
    status, url = _post(opener, f"{base}/hearings/{m_id}/register/details", {
        "code": _sms_code(app, phone), "name": f"居民{i}", "category": cats[i % len(cats)], "relation": "住户",
        "stance": "oppose", "points": "意见", "consent": "y"})
    return status, url


def _check_consistent(m):
    db.session.expire_all()
    for c in m.categories:
        regs = list(db.session.scalars(select(Registration).where(Registration.category_id == c.id)))
        seated = [r for r in regs if r.status in SEAT_HOLDING]
        waiting = sorted(r.waitlist_position for r in regs if r.status == RegStatus.WAITING)
        assert len(seated) <= c.seats, f"{c.code}: {len(seated)} seated for {c.seats} seats"
        assert waiting == list(range(1, len(waiting) + 1)), f"{c.code}: waiting positions {waiting}"
        if waiting:
            assert len(seated) == c.seats, f"{c.code}: free seats while people wait"
    return {c.code: sum(1 for r in db.session.scalars(select(Registration).where(
        Registration.category_id == c.id)) if r.status in SEAT_HOLDING) for c in m.categories}


def test_500_parallel_registrations_for_100_seats(app, live_server, no_rate_limit):
    w = factories.world()
    m = hf.meeting(w, allocation=Allocation.FIRST_COME, seats=SEATS, capacity=100, waitlist_size=60)
    cats = [str(c.id) for c in m.categories if c.seats]
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda i: _resident(app, live_server, m.id, cats, i), range(N)))
    elapsed = time.perf_counter() - started
    assert all(status == 200 and "/hearings/r/" in url for status, url in results), \
        [r for r in results if "/hearings/r/" not in r[1]][:3]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == N
    seated = _check_consistent(m)
    assert seated == {"affected": 50, "heads": 10, "figures": 10, "experts": 20, "deputies": 10,
                      "media": 0, "observers": 0}
    by_status = dict(db.session.execute(select(Registration.status, func.count()).group_by(Registration.status)).all())
    # 100 applicants per category; up to 60 wait per category: 50 + 4 * 60 wait, the rest are not selected
    assert by_status[RegStatus.SELECTED] == 100 and by_status[RegStatus.WAITING] == 290
    assert by_status[RegStatus.NOT_SELECTED] == 110
    print(f"\n{N} registrations (2 requests each) with {WORKERS} clients in {elapsed:.1f} s "
          f"= {2 * N / elapsed:.0f} requests/s; seated {sum(seated.values())}/100")

    # 40 seated residents cancel at once: each freed seat goes to exactly one waiting resident
    leaving = list(db.session.scalars(select(Registration).where(Registration.status == RegStatus.SELECTED)
                                      .order_by(Registration.id).limit(40)))
    codes = [r.receipt_code for r in leaving]
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(lambda code: _post(build_opener(), f"{live_server}/hearings/r/{code}/cancel", {}), codes))
    elapsed = time.perf_counter() - started
    seated = _check_consistent(m)
    assert sum(seated.values()) == 100
    promoted = db.session.scalar(select(func.count()).select_from(Registration)
                                 .where(Registration.status == RegStatus.PROMOTED))
    assert promoted == 40
    print(f"40 parallel cancellations in {elapsed:.1f} s; {promoted} promoted, seated still {sum(seated.values())}/100")
