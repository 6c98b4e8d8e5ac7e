from datetime import timedelta

from consult.extensions import db
from consult.models import utcnow
from consult.notices.models import Comment
from tests import factories


def test_daily_purges_old_personal_data(app):
    w = factories.world()
    old = factories.comment(w["notice"], author_name="李四",
                            created_at=utcnow() - timedelta(days=app.config["RETENTION_DAYS"] + 1))
    result = app.test_cli_runner().invoke(args=["daily"])
    assert result.exit_code == 0, result.output
    assert "已清除 1 条意见" in result.output and "会前提醒" in result.output
    db.session.expire_all()
    assert db.session.get(Comment, old.id).author_name is None


def test_daily_brings_the_voice_pools_up_to_date(app):
    from sqlalchemy import select

    from consult.analysis.models import Voice

    w = factories.world()
    factories.comment(w["notice"], "再不解决我们就集体上访")
    assert db.session.scalar(select(Voice.id)) is None  # nobody opened the pool
    result = app.test_cli_runner().invoke(args=["daily"])
    assert result.exit_code == 0, result.output
    assert "已同步 1 个事项的意见汇集。" in result.output
    [v] = db.session.scalars(select(Voice)).all()
    assert v.text == "再不解决我们就集体上访" and v.is_flagged
    again = app.test_cli_runner().invoke(args=["daily"])
    assert "已同步 0 个事项的意见汇集。" in again.output  # nothing changed since


def test_daily_records_last_months_index_once_per_formula(app):
    from sqlalchemy import select

    from consult.oversight.models import IndexFigure
    from consult.oversight.months import Month
    from consult.timeutil import to_local

    w = factories.world()  # one matter in 'A市B区'
    runner = app.test_cli_runner()
    last = str(Month.of(to_local(utcnow()).date()).previous())
    for _ in range(2):
        result = runner.invoke(args=["daily"])
        assert result.exit_code == 0, result.output
        assert f"已记录 {last} 平安稳定指数 1 个区县" in result.output
    rows = list(db.session.scalars(select(IndexFigure)))
    assert [(r.month, r.district) for r in rows] == [(last, w["matter"].area)]  # refreshed, not duplicated


def test_seed_demo_is_idempotent_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "organiser" in first.output and "demo-organiser-2026" in first.output
    assert "demo-expert-2026" in first.output and "demo-supervisor-2026" in first.output  # the 送审稿's reviewers
    count = db.session.query(Comment).count()
    assert count >= 20
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and db.session.query(Comment).count() == count


def test_create_admin(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--username", "root1", "--name", "管理员"],
                                          input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    short = app.test_cli_runner().invoke(args=["create-admin", "--username", "root2", "--name", "x"],
                                         input="short\nshort\n")
    assert short.exit_code != 0 and "至少 10 个字符" in short.output


def test_hearing_json_settings_from_environment():
    import pytest

    from consult import config

    cfg = config.load({"CONSULT_HEARING_RULES": '[{"name": "r", "categories": ["affected"], "min_share": 50}]'})
    assert cfg["HEARING_RULES"][0]["min_share"] == 50
    with pytest.raises(config.ConfigError, match="HEARING_RULES"):
        config.load({"CONSULT_HEARING_RULES": "{not json"})
