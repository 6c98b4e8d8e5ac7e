"""The daily sweep with a fixed now: overdue measures, new escalation signals, escalation and e-mail."""
from datetime import date, timedelta

from sqlalchemy import select

from consult.audit.models import AuditEntry
from consult.auth.models import Role
from consult.crypto import decrypt
from consult.extensions import db
from consult.messaging.models import Message
from consult.oversight import warnings as service
from consult.oversight.models import RiskWarning, WarningLevel, WarningSource, WarningStatus
from consult.register.models import MeasureStatus
from tests import factories
from tests.oversight_warnings import builders
from tests.oversight_warnings.builders import utc
from tests.permission_support import add_outside_roles

NOW = utc(2026, 3, 10, 2, 0)  # local (Asia/Shanghai) 2026-03-10 10:00


def _world_with_mailboxes():
    w = add_outside_roles(factories.world())
    w["supervisor"].email = "zfw@example.gov.cn"
    w["organiser"].email = "body@example.gov.cn"  # an organiser is not told by the sweep
    w["mute"] = factories.user(Role.SUPERVISOR, username="mute")  # supervises the body, no address
    w["mute"].supervised = [w["org"]]
    w["elsewhere"] = factories.user(Role.SUPERVISOR, username="elsewhere", email="other@example.gov.cn")
    w["elsewhere"].supervised = [w["other_org"]]
    db.session.commit()
    return w


def _warnings():
    return list(db.session.scalars(select(RiskWarning).order_by(RiskWarning.id)))


def _mail():
    return [(decrypt(m.recipient_enc), m.purpose, m.body) for m in db.session.scalars(select(Message).order_by(Message.id))]


def test_an_overdue_measure_raises_one_yellow_warning_however_often_the_sweep_runs(app):
    w = _world_with_mailboxes()
    late = builders.measure(w["matter"], deadline=date(2026, 3, 9), status=MeasureStatus.IN_PROGRESS)
    builders.measure(w["matter"], deadline=date(2026, 3, 10), text="今天到期")  # due today: not overdue yet
    builders.measure(w["matter"], deadline=date(2026, 3, 1), status=MeasureStatus.DONE, done_at=utc(2026, 3, 5))
    builders.measure(w["matter"], deadline=None, text="未定时限")
    assert service.sweep(now=NOW) == {"measures": 1, "signals": 0, "escalated": 0, "emails": 0}
    assert service.sweep(now=NOW + timedelta(hours=1)) == {"measures": 0, "signals": 0, "escalated": 0, "emails": 0}
    [warning] = _warnings()
    assert (warning.level, warning.source, warning.measure_id) == (WarningLevel.YELLOW, WarningSource.MEASURE_OVERDUE, late.id)
    assert warning.title == "化解措施逾期未完成：入户解释补偿标准"
    assert warning.owner_unit == "街道办" and warning.deadline == date(2026, 3, 25)  # 10 March + 15 days
    assert warning.raised_by_id is None and warning.raised_at == NOW and warning.status == WarningStatus.OPEN
    assert "完成时限为 2026-03-09" in warning.detail
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "warning.raise")).all()
    assert [(a.actor_id, a.object_id, a.after["source"]) for a in audit] == [(None, warning.id, "measure_overdue")]
    assert _mail() == []  # yellow: nobody is e-mailed on raise


def test_a_closed_measure_warning_is_not_raised_again(app):
    w = _world_with_mailboxes()
    builders.measure(w["matter"], deadline=date(2026, 3, 9))
    service.sweep(now=NOW)
    [warning] = _warnings()
    warning.status, warning.closed_at, warning.resolved = WarningStatus.CLOSED, NOW, False
    db.session.commit()
    assert service.sweep(now=NOW + timedelta(days=2))["measures"] == 0
    assert len(_warnings()) == 1


def test_an_overdue_warning_escalates_once_and_only_the_bodys_supervisor_with_an_address_is_mailed(app):
    w = _world_with_mailboxes()
    overdue = builders.warning(w["matter"], deadline=date(2026, 3, 9), title="拆迁户聚集")
    due_today = builders.warning(w["matter"], deadline=date(2026, 3, 10), title="今天到期")  # not past it yet
    builders.warning(w["matter"], deadline=date(2026, 3, 1), status=WarningStatus.CLOSED, closed_at=utc(2026, 3, 2),
                     resolved=True, title="已销号")
    assert service.sweep(now=NOW) == {"measures": 0, "signals": 0, "escalated": 1, "emails": 1}
    assert service.sweep(now=NOW + timedelta(hours=5)) == {"measures": 0, "signals": 0, "escalated": 0, "emails": 0}
    db.session.refresh(overdue)
    assert overdue.escalated_at == NOW and overdue.status == WarningStatus.OPEN
    assert due_today.escalated_at is None
    [(to, purpose, body)] = _mail()
    assert (to, purpose) == ("zfw@example.gov.cn", "warning.escalated")
    assert body.startswith(f"预警逾期未化解：{w['matter'].title}\n\n以下预警已超过处置时限（2026-03-09）仍未销号")
    assert "预警：拆迁户聚集" in body and f"预警编号 {overdue.id}" in body
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "warning.escalate")).all()
    assert entry.actor_id is None and entry.object_id == overdue.id and entry.note == "逾期 1 天，已升级报送监督单位。"
    assert entry.before["escalated_at"] is None and entry.after["escalated_at"] == NOW.isoformat()
    # the next local day the other one is past its deadline: it escalates, the first does not again
    assert service.sweep(now=NOW + timedelta(days=1)) == {"measures": 0, "signals": 0, "escalated": 1, "emails": 1}
    db.session.refresh(overdue)
    assert overdue.escalated_at == NOW and due_today.escalated_at == NOW + timedelta(days=1)


def test_a_red_warning_mails_the_supervisor_when_raised_and_a_yellow_one_does_not(app):
    w = _world_with_mailboxes()
    service.raise_warning(w["matter"], actor=w["organiser"], now=NOW, level=WarningLevel.YELLOW, title="黄色的",
                          owner_unit="街道办")
    assert _mail() == []
    red = service.raise_warning(w["matter"], actor=w["organiser"], now=NOW, level=WarningLevel.RED, title="红色的",
                                owner_unit="街道办", deadline=date(2026, 3, 12))
    [(to, purpose, body)] = _mail()
    assert (to, purpose) == ("zfw@example.gov.cn", "warning.red")
    assert body.startswith(f"红色预警：{w['matter'].title}\n\n以下事项发布了红色预警：")
    assert "责任单位：街道办；处置时限：2026-03-12" in body and red.raised_by_id == w["organiser"].id


def test_signals_after_the_decision_raise_one_warning_while_it_is_open(app):
    w = _world_with_mailboxes()
    builders.decide(w["matter"], date(2026, 3, 1))
    builders.voice(w["matter"], "再不解决我们就去上访", utc(2026, 3, 1, 12))  # local 3/1 20:00: the decision day
    assert service.sweep(now=NOW)["signals"] == 0
    builders.voice(w["matter"], "大家约好明天去堵路", utc(2026, 3, 1, 16, 30))  # local 3/2 00:30
    builders.voice(w["matter"], "施工时间能否调整", utc(2026, 3, 3))  # not a signal
    assert service.sweep(now=NOW)["signals"] == 1
    assert service.sweep(now=NOW + timedelta(hours=2))["signals"] == 0  # one is open
    [warning] = _warnings()
    assert (warning.source, warning.level, warning.owner_unit) == (WarningSource.SIGNALS, WarningLevel.YELLOW, "本单位")
    assert warning.detail.startswith("决策后新收到 1 条含升级信号")
    warning.status, warning.closed_at, warning.resolved = WarningStatus.CLOSED, NOW + timedelta(hours=3), True
    db.session.commit()
    assert service.sweep(now=NOW + timedelta(days=1))["signals"] == 0  # nothing new since it was raised
    builders.voice(w["matter"], "有人组织联名上访", NOW + timedelta(days=1))
    assert service.sweep(now=NOW + timedelta(days=2))["signals"] == 1
    assert len(_warnings()) == 2


def test_an_undecided_matter_raises_no_signals_warning(app):
    w = _world_with_mailboxes()
    builders.voice(w["matter"], "我们要去上访", utc(2026, 3, 5))
    assert service.sweep(now=NOW)["signals"] == 0


def test_the_command_and_daily_run_the_sweep(app):
    w = _world_with_mailboxes()
    builders.measure(w["matter"], deadline=date(2020, 1, 1))
    runner = app.test_cli_runner()
    out = runner.invoke(args=["warnings-sweep"])
    assert out.exit_code == 0, out.output
    assert "措施逾期新发预警 1 条，升级信号新发预警 0 条，逾期升级 0 条，通知邮件 0 封" in out.output
    out = runner.invoke(args=["daily"])
    assert out.exit_code == 0, out.output
    assert "措施逾期新发预警 0 条" in out.output
    assert len(_warnings()) == 1
