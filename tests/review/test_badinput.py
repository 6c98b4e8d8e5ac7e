"""Every bad-input string through the review and filing forms."""
from consult.crypto import decrypt
from consult.extensions import db
from consult.models import utcnow
from consult.review import services
from consult.review.models import Expert, ReviewAssignment, ReviewerDraw
from tests import factories
from tests.conftest import login
from tests.permission_support import add_outside_roles
from tests.reports.badinput_support import check, strings
from tests.review import builders

TEXT = ("name", "field", "organisation", "title", "conflicts")


def _last_expert():
    db.session.expire_all()
    return db.session.scalars(db.select(Expert).order_by(Expert.id.desc())).first()


def test_expert_fields(client):
    w = add_outside_roles(factories.world())
    login(client, w["admin"])
    added = 0
    for s in strings():
        n = db.session.scalar(db.select(db.func.count()).select_from(Expert))
        resp = client.post("/staff/experts", data={k: s for k in TEXT} | {"contact": s[:40]})
        if resp.status_code == 302:
            e = _last_expert()
            for k in TEXT:
                check(resp, s, k, lambda: getattr(e, k))
            assert decrypt(e.contact_enc) == (s[:40].strip() or None)
            added += 1
        else:
            check(resp, s, "expert", None)
            assert db.session.scalar(db.select(db.func.count()).select_from(Expert)) == n
    assert added > 400
    resp = client.post("/staff/experts", data={"name": "甲", "field": "法律", "username": "organiser"})
    assert resp.status_code == 422 and "不是评审专家角色" in resp.get_data(as_text=True)
    page = client.get("/staff/experts").get_data(as_text=True)
    assert "<script>alert" not in page


def test_draw_pick_and_answer(client):
    w = add_outside_roles(factories.world())
    v = builders.version(w)
    login(client, w["assessor"])
    for s in strings()[::2]:
        resp = client.post(f"/staff/reports/{v.id}/reviewers/draw", data={"field": s, "count": "1", "seed": s[:64]})
        assert resp.status_code == 422, (s, resp.status_code)  # no expert in such a field: refused in Chinese
        check(resp, s, "draw", None)
    for count in ("0", "99", "一", "", "1.5", "<b>"):
        resp = client.post(f"/staff/reports/{v.id}/reviewers/draw", data={"field": "环境", "count": count})
        assert resp.status_code == 422, count
        check(resp, count, "count", None)
    for expert_id in ("abc", "", "-1", "999999", "9" * 30):
        resp = client.post(f"/staff/reports/{v.id}/reviewers/pick", data={"expert_id": expert_id})
        assert resp.status_code == 422 and "专家" in resp.get_data(as_text=True), expert_id
    assert db.session.scalar(db.select(db.func.count()).select_from(ReviewAssignment)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(ReviewerDraw)) == 0
    a = builders.assignment(w, submitted=True)
    point = a.points[0]
    for s in strings()[::2]:
        resp = client.post(f"/staff/review/points/{point.id}/answer", data={"answer": s})
        assert resp.status_code in (302, 303), (s, resp.status_code)
        db.session.expire_all()
        if resp.status_code == 302:
            assert db.session.get(type(point), point.id).answer == s.strip()


def test_opinion_and_confirm_fields(client):
    w = add_outside_roles(factories.world())
    v = builders.version(w)
    login(client, w["expert"])
    w["expert_entry"].user_id = None
    db.session.commit()
    for i, s in enumerate(strings()[::2]):  # a fresh assignment per string, all for the logged-in expert
        e = Expert(name=f"专家{i}", field="环境", organisation="大学", user_id=w["expert"].id)
        db.session.add(e)
        db.session.commit()
        a = services.assign_reviewer(v, e, actor=w["assessor"], now=utcnow())
        db.session.commit()
        resp = client.post(f"/review/a/{a.id}/confirm", data={"conflict": "yes", "reason": s})
        db.session.expire_all()
        a = db.session.get(ReviewAssignment, a.id)
        if resp.status_code == 302:
            assert a.recusal_reason == s.strip()
            a.recused_at, a.confirmed_at = None, utcnow()
            db.session.commit()
        else:
            check(resp, s, "recusal", None)
            assert a.recused_at is None
            client.post(f"/review/a/{a.id}/confirm", data={"conflict": "no"})
        form = {"d0": s, "d1": s, "d2": s, "d3": s, "agree_level": "yes", "agree_outcome": "no", "changes": s,
                "signature": s}
        resp = client.post(f"/review/a/{a.id}/opinion", data=form)
        db.session.expire_all()
        a = db.session.get(ReviewAssignment, a.id)
        if check(resp, s, "opinion", lambda: a.opinion["dimensions"]["合法性"]):
            assert a.opinion["signature"] == s.strip() and a.opinion["changes"] == s.strip()
            assert [p.text for p in a.points] == [x.strip() for x in s.splitlines() if x.strip()]
        else:
            assert a.submitted_at is None and a.points == []
        e.user_id = None
        db.session.commit()


def test_decision_fields(client):
    w = add_outside_roles(factories.world())
    builders.final(w)
    login(client, w["organiser"])
    url = f"/staff/matters/{w['matter'].id}/decision"
    for s in strings()[::2]:
        resp = client.post(url, data={"adopted": "no", "reason": s, "decided_on": "2026-01-05"})
        db.session.expire_all()
        a = builders.services.current_assessment(w["matter"])
        check(resp, s, "decision", lambda: a.decision_reason)
    for d in ("2026-13-01", "", "<script>", "２０２６-０１-０５", "0000-00-00", "9" * 40):
        resp = client.post(url, data={"adopted": "yes", "decided_on": d})
        assert resp.status_code == 422, d
        check(resp, d, "date", None)
