"""`flask analyse MATTER_ID` and splitting a point by re-clustering inside it."""
import re

from sqlalchemy import select

from consult.analysis import recluster, runs
from consult.analysis.curation import CurationError
from consult.analysis.models import AnalysisRun, PointState, RiskPoint, RunStatus, Voice
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.jobs import commit
from consult.jobs.models import JobRun, JobStatus
from consult.models import utcnow
from tests import factories as f
from tests.curation.helpers import add_letters, devset


def test_cli_analyse_prints_one_summary_line(app):
    w = f.world()
    add_letters(w["matter"].id, devset(80))
    result = app.test_cli_runner().invoke(args=["analyse", str(w["matter"].id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    run = db.session.scalar(select(AnalysisRun))
    line = result.output.strip()
    assert "\n" not in line
    m = re.fullmatch(r"run (\d+): texts (\d+), points (\d+), unassigned (\d+), seconds (\d+\.\d\d)", line)
    assert m and [int(x) for x in m.groups()[:4]] == [run.id, 80, run.n_points, run.n_unassigned]
    assert run.status == RunStatus.DONE and run.started_by_id is None


def test_cli_refuses_unknown_matter_and_user_without_rights(app):
    w = f.world()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["analyse", "999999"])
    assert result.exit_code == 1 and "事项 999999 不存在。" in result.output
    result = runner.invoke(args=["analyse", str(w["matter"].id), "--user", "other"])
    assert result.exit_code == 1 and "无权分析" in result.output
    assert db.session.scalar(select(AnalysisRun)) is None


def test_recluster_splits_a_mixed_point_and_pins_its_texts():
    w = f.world()
    rows = devset(90)
    voices = add_letters(w["matter"].id, rows)
    point = RiskPoint(matter_id=w["matter"].id, title="混合", state=PointState.CANDIDATE)
    db.session.add(point)
    db.session.flush()
    for v in voices:
        v.point_id = point.id
    db.session.commit()
    job_id = recluster.start_recluster(point, actor=w["assessor"], now=utcnow()).id
    commit()
    db.session.expire_all()
    job = db.session.get(JobRun, job_id)
    assert job.status == JobStatus.DONE, job.error
    points = db.session.scalars(select(RiskPoint).where(RiskPoint.matter_id == w["matter"].id)).all()
    assert len(points) >= 3 and all(p.is_manual for p in points if p.id != point.id)
    held = {p.id: set(db.session.scalars(select(Voice.id).where(Voice.point_id == p.id))) for p in points}
    assert sum(len(s) for s in held.values()) == 90 and all(held.values())
    assert all(v.is_pinned for v in db.session.scalars(select(Voice)))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "analysis.point.split")).actor_id == \
        w["assessor"].id


def test_recluster_refuses_a_tiny_point():
    w = f.world()
    point = RiskPoint(matter_id=w["matter"].id, title="小", state=PointState.CANDIDATE)
    db.session.add(point)
    db.session.commit()
    try:
        recluster.start_recluster(point, actor=w["assessor"], now=utcnow())
        raise AssertionError("accepted")
    except CurationError as exc:
        assert str(exc) == "文本少于 6 条，无法在点内重新聚类；请用“选择文本拆分”。"
    assert runs.latest_run(w["matter"].id) is None
