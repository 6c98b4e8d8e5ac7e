"""Every string of ../shared/badinput through every text field of the hearing forms:
no 500, stored exactly (and shown back escaped) or refused with a clear Chinese message, nothing half-saved."""
import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from consult.crypto import decrypt
from consult.extensions import db, limiter
from consult.hearings import drawing
from consult.hearings.models import (Meeting, MeetingOfficial, Minutes, Registration, SeatCategory, SpeakerPoint)
from consult.messaging.models import Message
from consult.models import utcnow
from tests import factories
from tests.conftest import http_safe, load_badinput, login
from tests.hearings import factories as hf

ERROR_RE = re.compile(r'class="(?:error|flash flash-error)"[^>]*>([^<]+)<')
FMT = "%Y-%m-%dT%H:%M"


CHUNKS = 3  # the corpus is split so that pytest-xdist can spread the work


@pytest.fixture(params=range(CHUNKS), ids=lambda c: f"part{c}")
def strings(request):
    return [s for s in load_badinput() if http_safe(s)][request.param::CHUNKS]


@pytest.fixture
def no_rate_limit():
    limiter.enabled = False
    yield
    limiter.enabled = True


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused_clearly(resp, s, label):
    assert resp.status_code == 422, f"{label} {s!r}: HTTP {resp.status_code}"
    errors = ERROR_RE.findall(resp.get_data(as_text=True))
    assert errors and all(re.search(r"[\u4e00-\u9fff]", e) for e in errors), f"{label} {s!r}: unclear refusal"


def _register(client, m, phone, **fields):
    assert client.post(f"/hearings/{m.id}/register", data={"phone": phone}).status_code == 302
    code = re.search(r"验证码 (\d{6})", db.session.scalars(
        select(Message.body).where(Message.purpose == "hearing.code").order_by(Message.id.desc()).limit(1)).first()).group(1)
    data = {"code": code, "name": "甲", "category": str(hf.category(m, "affected").id), "relation": "乙",
            "stance": "neutral", "points": "丙", "consent": "y"}
    data.update(fields)
    return client.post(f"/hearings/{m.id}/register/details", data=data)


def test_registration_form(client, strings, no_rate_limit):
    w = factories.world()
    m = hf.meeting(w, questions="问题一")
    stored = 0
    for i, s in enumerate(strings):
        for n, fields in enumerate(({"name": s}, {"relation": s, "address": s, "points": s, "answer_0": s})):
            before = count(Registration)
            resp = _register(client, m, hf.phone(50000 + 2 * i + n), **fields)
            if resp.status_code == 302:
                reg = db.session.scalars(select(Registration).order_by(Registration.id.desc()).limit(1)).first()
                got = {"name": reg.name, "relation": reg.relation, "address": decrypt(reg.address_enc) or "",
                       "points": reg.points, "answer_0": reg.answers[0][1]}
                assert all(got[k] == s for k in fields), f"{s!r} not stored exactly"
                stored += n
            else:
                refused_clearly(resp, s, "registration")
                assert count(Registration) == before, f"half-saved {s!r}"
        # the code field itself
        resp = client.post(f"/hearings/{m.id}/register/details", data={"code": s, "name": "甲", "relation": "乙",
                                                                      "category": str(hf.category(m, "affected").id),
                                                                      "stance": "neutral", "points": "丙", "consent": "y"})
        assert resp.status_code in (302, 422), f"code {s!r}: HTTP {resp.status_code}"
        expected = (400,) if "\x00" in s else (200, 302, 404)  # NUL in a parameter: a clear 400
        assert client.get("/hearings/lookup", query_string={"code": s}).status_code in expected
    assert stored > len(strings) * 0.9
    login(client, w["organiser"])
    page = client.get(f"/staff/hearings/{m.id}/registrations?full=1").get_data(as_text=True)
    for reg in db.session.scalars(select(Registration)):
        assert str(escape(reg.points)) in page and str(escape(reg.name)) in page, f"{reg.points!r} not shown escaped"
    assert "<script>alert" not in page


def meeting_form(s, *, short=True, **kw):
    now = utcnow() + timedelta(hours=8)  # the form takes Beijing time
    start = now + timedelta(days=5 if short else 20)
    data = {"kind": "hearing", "allocation": "draw", "title": s, "agenda": s, "venue": s, "online_link": "",
            "capacity": "20", "waitlist_size": "5", "questions": s, "short_schedule_reason": s,
            "starts_at": start.strftime(FMT), "registration_opens_at": now.strftime(FMT),
            "registration_closes_at": (start - timedelta(days=1)).strftime(FMT)}
    data.update(kw)
    return data


def test_meeting_form(client, strings):
    w = factories.world()
    login(client, w["organiser"])
    stored = 0
    for s in strings:
        before = count(Meeting)
        resp = client.post(f"/staff/matters/{w['matter'].id}/hearings/new", data=meeting_form(s))
        if resp.status_code == 302:
            m = db.session.scalars(select(Meeting).order_by(Meeting.id.desc()).limit(1)).first()
            assert (m.title, m.agenda, m.venue, m.short_schedule_reason) == (s, s, s, s), f"{s!r}"
            assert m.questions == [q for q in re.split(r"\r\n|\r|\n", s) if q.strip()]
            page = client.get(resp.location).get_data(as_text=True)
            assert str(escape(s)) in page, f"{s!r} not shown back escaped"
            stored += 1
        else:
            refused_clearly(resp, s, "meeting")
            assert count(Meeting) == before
        resp = client.post(f"/staff/matters/{w['matter'].id}/hearings/new",
                           data=meeting_form("视频听证", kind="video", venue="", online_link=s, capacity=s[:20] or "5"))
        if resp.status_code == 302:
            m = db.session.scalars(select(Meeting).order_by(Meeting.id.desc()).limit(1)).first()
            assert m.online_link == s
        else:
            refused_clearly(resp, s, "online_link")
    assert stored > len(strings) * 0.7


def _kept(resp, s, label, model, before, stored_value=None):
    """302 + stored exactly, or refused (422, or a flashed error after redirect) with nothing stored."""
    assert resp.status_code in (302, 422), f"{label} {s!r}: HTTP {resp.status_code}"
    if count(model) > before or stored_value is not None:
        assert stored_value == s, f"{label} {s!r} not stored exactly"
        return True
    if resp.status_code == 422:
        refused_clearly(resp, s, label)
    return False


def test_staff_text_fields(client, strings):
    w = factories.world()
    m, quiet = hf.meeting(w), hf.meeting(w)  # quiet: pages that list categories stay small
    login(client, w["organiser"])
    for s in strings:
        before = count(MeetingOfficial)
        resp = client.post(f"/staff/hearings/{m.id}/officials", data={"role": "officer", "name": s, "organisation": s})
        o = db.session.scalars(select(MeetingOfficial).order_by(MeetingOfficial.id.desc()).limit(1)).first()
        if _kept(resp, s, "official", MeetingOfficial, before, o.name if o and count(MeetingOfficial) > before else None):
            assert o.organisation == s
            db.session.delete(o)  # keep the meeting's lists short: the loop is about the fields
        before = count(SeatCategory)
        resp = client.post(f"/staff/hearings/{m.id}/categories", data={"new-name": s, "new-seats": "0", "new-min_seats": "0"})
        c = db.session.scalars(select(SeatCategory).order_by(SeatCategory.id.desc()).limit(1)).first()
        if _kept(resp, s, "category", SeatCategory, before, c.name if count(SeatCategory) > before else None):
            db.session.delete(c)
        db.session.commit()
        resp = client.post(f"/staff/hearings/{m.id}/minutes", data={"topic": s, "answers": s, "conclusion": s})
        db.session.expire_all()
        mins = db.session.scalars(select(Minutes)).first()
        if resp.status_code == 302:
            assert (mins.topic, mins.answers, mins.conclusion) == (s, s, s)
        else:
            refused_clearly(resp, s, "minutes")
        before = count(SpeakerPoint)
        resp = client.post(f"/staff/hearings/{m.id}/points", data={"text": s, "speaker": s, "answer": s, "stance": "oppose"})
        p = db.session.scalars(select(SpeakerPoint).order_by(SpeakerPoint.id.desc()).limit(1)).first()
        if _kept(resp, s, "point", SpeakerPoint, before, p.text if count(SpeakerPoint) > before else None):
            assert (p.speaker, p.answer) == (s, s)
        resp = client.post(f"/staff/hearings/{m.id}/summary", data={"summary": s})
        db.session.expire_all()
        if resp.status_code == 302:
            assert db.session.get(Meeting, m.id).public_summary == s
        else:
            refused_clearly(resp, s, "summary")
        for path, field in (("/checkin", "code"), ("/rules", "rules")):
            resp = client.post(f"/staff/hearings/{quiet.id}{path}", data={field: s})
            assert resp.status_code in (200, 302, 422), f"{path} {s!r}: HTTP {resp.status_code}"
            if resp.status_code == 422:
                refused_clearly(resp, s, path)
    page = client.get(f"/staff/hearings/{m.id}/minutes").get_data(as_text=True)
    assert "<script>alert" not in page
    page = client.get(f"/staff/hearings/{m.id}").get_data(as_text=True)
    assert "<script>alert" not in page


def test_reasons_and_seed(client, strings):
    """Confirm reason (on a list that breaks a rule) and cancel reason: one meeting each."""
    w = factories.world()
    login(client, w["organiser"])
    for s in strings[::3] + [s for s in strings if len(s) > 200]:
        m = hf.meeting(w, seats={"affected": (2, 0), "experts": (1, 1)})
        hf.registration(m, "experts")
        drawing.publish_seed(m, actor=w["organiser"], now=utcnow() - timedelta(hours=25), early_reason="测试")
        drawing.run_selection(m, actor=w["organiser"], now=utcnow())
        db.session.commit()
        client.post(f"/staff/hearings/{m.id}/confirm", data={"reason": s})
        db.session.expire_all()
        m = db.session.get(Meeting, m.id)
        assert m.confirm_reason in (None, s) and (m.list_confirmed_at is None) == (m.confirm_reason is None)
        client.post(f"/staff/hearings/{m.id}/cancel", data={"reason": s})
        db.session.expire_all()
        assert db.session.get(Meeting, m.id).cancel_reason in (None, s)
