"""Tracking after the decision: entries, measures against deadlines, texts after the decision, scope."""
from datetime import date, timedelta

from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.auth.models import Organisation, Role
from consult.crypto import decrypt
from consult.extensions import db
from consult.messaging.models import Message
from consult.oversight import tracking
from consult.oversight.models import RiskWarning, TrackingEntry, WarningLevel, WarningSource
from consult.register.models import MeasureStatus
from tests import factories
from tests.conftest import login
from tests.oversight_warnings import builders
from tests.oversight_warnings.builders import utc
from tests.permission_support import add_outside_roles

NOW = utc(2026, 3, 10, 2, 0)  # local 2026-03-10 10:00


def _world(decided_days_ago=10):
    w = add_outside_roles(factories.world())
    if decided_days_ago is not None:
        builders.decide(w["matter"], builders.today() - timedelta(days=decided_days_ago))
    return w


def _entry(**kw):
    data = {"observed_on": builders.today().isoformat(), "phase": "after", "observation": "部分住户仍有不满",
            "new_complaints": "3", "level": "yellow", "owner_unit": "", "deadline": ""}
    data.update(kw)
    return data


def test_measure_states_against_their_deadlines(app):
    w = _world(None)
    m = w["matter"]
    builders.measure(m, deadline=date(2026, 3, 9), status=MeasureStatus.DONE, done_at=utc(2026, 3, 9, 15, 59))  # 23:59 local
    builders.measure(m, deadline=date(2026, 3, 9), status=MeasureStatus.DONE, done_at=utc(2026, 3, 9, 16, 0))  # 3/10 00:00
    builders.measure(m, deadline=date(2026, 3, 9), status=MeasureStatus.IN_PROGRESS)
    builders.measure(m, deadline=date(2026, 3, 10))
    builders.measure(m, deadline=None, status=MeasureStatus.DONE, done_at=utc(2026, 3, 1))
    builders.measure(m, deadline=None)
    progress = tracking.measure_progress(m, now=NOW)
    assert [r.state for r in progress.rows] == ["on_time", "late", "overdue", "open", "on_time", "open"]
    assert progress.counts == {"on_time": 2, "late": 1, "overdue": 1, "open": 2}
    assert progress.rows[1].done_on == date(2026, 3, 10)


def test_texts_after_the_decision_are_counted_from_the_next_day_without_personal_data(app, client):
    w = _world(None)
    m = w["matter"]
    builders.decide(m, date(2026, 3, 1))
    builders.voice(m, "决策当天的意见", utc(2026, 3, 1, 12))  # local 3/1 20:00: not after the decision
    builders.voice(m, "补偿款什么时候发", utc(2026, 3, 1, 16, 30))  # local 3/2 00:30
    builders.voice(m, "不给说法就上访，电话13812345678", utc(2026, 3, 4), author="李**", household="7号楼")
    after = tracking.voices_after(m, date(2026, 3, 1))
    assert (after.since, after.total, after.flagged) == (date(2026, 3, 2), 2, 1)
    assert [v["text"] for v in after.latest] == ["不给说法就上访，电话[手机号]", "补偿款什么时候发"]
    login(client, w["supervisor"])
    page = client.get(f"/oversight/matters/{m.id}/tracking").get_data(as_text=True)
    assert "决策后新收到 2 条，其中含升级信号（上访、聚集、堵路等）1 条。" in page
    assert "不给说法就上访，电话[手机号]" in page and "13812345678" not in page
    assert "李**" not in page and "7号楼" not in page and "决策当天的意见" not in page


def test_the_page_says_whether_residents_can_still_comment(app, client):
    w = _world()
    login(client, w["organiser"])
    page = client.get(f"/oversight/matters/{w['matter'].id}/tracking").get_data(as_text=True)
    assert f"公示“{w['notice'].title}”仍在征求意见期内" in page
    w["notice"].ends_at = w["notice"].starts_at + timedelta(hours=1)
    db.session.commit()
    page = client.get(f"/oversight/matters/{w['matter'].id}/tracking").get_data(as_text=True)
    assert "公示征求意见期已于" in page and "此后网上意见无法提交。" in page
    edit = f'href="/staff/notices/{w["notice"].id}/edit"'
    assert "可延长原公示的征求意见期" in page and edit in page  # the organiser can keep it open
    login(client, w["supervisor"])
    page = client.get(f"/oversight/matters/{w['matter'].id}/tracking").get_data(as_text=True)
    assert "可延长原公示的征求意见期" in page and edit not in page  # supervisors do not edit notices


def test_an_entry_is_recorded_and_audited(app, client):
    w = _world()
    login(client, w["assessor"])
    resp = client.post(f"/oversight/matters/{w['matter'].id}/tracking", data=_entry())
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/oversight/matters/{w['matter'].id}/tracking")
    [entry] = db.session.scalars(select(TrackingEntry)).all()
    assert (entry.observation, entry.new_complaints, entry.new_risk, entry.phase.value) == ("部分住户仍有不满", 3, False, "after")
    assert db.session.scalars(select(RiskWarning)).all() == []
    [audit] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "tracking.record")).all()
    assert audit.actor_id == w["assessor"].id and audit.after["new_complaints"] == 3
    page = client.get(f"/oversight/matters/{w['matter'].id}/tracking").get_data(as_text=True)
    assert "跟踪记录已保存。" in page and "跟踪记录（1）" in page and "部分住户仍有不满" in page


def test_a_new_risk_raises_a_warning_and_a_red_one_mails_the_supervisor(app, client):
    w = _world()
    w["supervisor"].email = "zfw@example.gov.cn"
    db.session.commit()
    login(client, w["organiser"])
    resp = client.post(f"/oversight/matters/{w['matter'].id}/tracking",
                       data=_entry(new_risk="y", level="red", owner_unit="区住建局"))
    assert resp.status_code == 303
    [entry] = db.session.scalars(select(TrackingEntry)).all()
    [warning] = db.session.scalars(select(RiskWarning)).all()
    assert (warning.level, warning.source, warning.tracking_entry_id) == (WarningLevel.RED, WarningSource.TRACKING, entry.id)
    assert warning.owner_unit == "区住建局" and warning.deadline == builders.today() + timedelta(days=15)
    assert warning.title == f"跟踪发现新风险（{builders.today().isoformat()}）" and warning.detail == "部分住户仍有不满"
    assert [decrypt(m.recipient_enc) for m in db.session.scalars(select(Message))] == ["zfw@example.gov.cn"]
    page = client.get(f"/oversight/matters/{w['matter'].id}/tracking").get_data(as_text=True)
    assert "跟踪记录已保存，并已发布预警。" in page and "红色预警" in page


def test_a_new_risk_defaults_to_yellow_owned_by_the_body(app, client):
    w = _world()
    login(client, w["organiser"])
    client.post(f"/oversight/matters/{w['matter'].id}/tracking", data=_entry(new_risk="y", level="yellow"))
    [warning] = db.session.scalars(select(RiskWarning)).all()
    assert (warning.level, warning.owner_unit) == (WarningLevel.YELLOW, "本单位")


def test_no_tracking_before_a_decision(app, client):
    w = _world(None)
    login(client, w["organiser"])
    page = client.get(f"/oversight/matters/{w['matter'].id}/tracking").get_data(as_text=True)
    assert "本事项尚未作出决策。" in page and "保存跟踪记录" not in page
    resp = client.post(f"/oversight/matters/{w['matter'].id}/tracking", data=_entry())
    assert resp.status_code == 409 and "本事项尚未作出决策，决策后才能记录跟踪情况。" in resp.get_data(as_text=True)
    assert db.session.scalars(select(TrackingEntry)).all() == []


def test_dates_before_the_decision_or_after_today_are_refused(app, client):
    w = _world(decided_days_ago=3)
    login(client, w["organiser"])
    before = (builders.today() - timedelta(days=4)).isoformat()
    resp = client.post(f"/oversight/matters/{w['matter'].id}/tracking", data=_entry(observed_on=before))
    decided = (builders.today() - timedelta(days=3)).isoformat()
    assert resp.status_code == 422 and f"跟踪日期不能早于决策日期（{decided}）。" in resp.get_data(as_text=True)
    tomorrow = (builders.today() + timedelta(days=1)).isoformat()
    resp = client.post(f"/oversight/matters/{w['matter'].id}/tracking", data=_entry(observed_on=tomorrow))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "跟踪日期不能晚于今天。" in page and "部分住户仍有不满" in page
    assert db.session.scalars(select(TrackingEntry)).all() == []


def test_a_repeated_submission_saves_one_entry(app, client):
    w = _world()
    login(client, w["organiser"])
    assert client.post(f"/oversight/matters/{w['matter'].id}/tracking", data=_entry(new_risk="y")).status_code == 303
    resp = client.post(f"/oversight/matters/{w['matter'].id}/tracking", data=_entry(new_risk="y"))
    assert resp.status_code == 422 and "同一天内容相同的跟踪记录已经保存过，无需重复提交。" in resp.get_data(as_text=True)
    assert len(db.session.scalars(select(TrackingEntry)).all()) == 1
    assert len(db.session.scalars(select(RiskWarning)).all()) == 1


def test_who_sees_the_tracking_page(app, client):
    w = _world()
    url = f"/oversight/matters/{w['matter'].id}/tracking"
    for role, status in (("supervisor", 200), ("admin", 200), ("organiser", 200), ("assessor", 200),
                         ("other", 403), ("expert", 403)):
        client.get("/")  # fresh request
        login(client, w[role])
        assert client.get(url).status_code == status, role
    stranger = factories.user(Role.SUPERVISOR, username="stranger")
    stranger.supervised = [db.session.get(Organisation, w["other_org"].id)]
    db.session.commit()
    login(client, stranger)
    assert client.get(url).status_code == 403
    assert client.get("/oversight/matters/99999/tracking").status_code == 404


def test_a_supervisor_sees_the_page_but_no_tracking_form(app, client):
    w = _world()
    login(client, w["supervisor"])
    page = client.get(f"/oversight/matters/{w['matter'].id}/tracking").get_data(as_text=True)
    assert "保存跟踪记录" not in page and "发布预警" in page  # supervisors may raise, not record


def test_the_matter_page_links_to_tracking(app, client):
    w = _world()
    login(client, w["organiser"])
    page = client.get(f"/staff/matters/{w['matter'].id}").get_data(as_text=True)
    assert f'href="/oversight/matters/{w["matter"].id}/tracking"' in page
    assert f'href="/oversight/warnings?matter_id={w["matter"].id}"' in page
