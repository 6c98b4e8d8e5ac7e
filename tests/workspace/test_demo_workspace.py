"""The demo shows the assessor's work on first start: a run, curation in progress, a register,
public responses and a 送审稿 with one expert review."""
from sqlalchemy import func, select

from consult.analysis.models import AnalysisRun, PointState, RiskPoint, RunStatus, Voice
from consult.demo.seed import seed_demo
from consult.extensions import db
from consult.matters.models import Matter
from consult.register.models import RiskItem
from consult.reports.models import ReportVersion, Stage


def test_demo_matter_has_a_run_partial_curation_register_and_submitted_report(app):
    seed_demo()
    matter = db.session.scalars(select(Matter).order_by(Matter.id)).first()
    run = db.session.scalar(select(AnalysisRun).where(AnalysisRun.matter_id == matter.id))
    voices = db.session.scalar(select(func.count(Voice.id)).where(Voice.matter_id == matter.id))
    assert run.status == RunStatus.DONE and run.n_texts == voices >= 700 and run.n_points >= 10
    states = dict(db.session.execute(select(RiskPoint.state, func.count(RiskPoint.id))
                                     .where(RiskPoint.matter_id == matter.id).group_by(RiskPoint.state)).all())
    assert states[PointState.CONFIRMED] == 5 and states[PointState.MERGED] == 1
    assert states[PointState.CANDIDATE] >= 5  # left for the newcomer to curate
    items = db.session.scalars(select(RiskItem).where(RiskItem.matter_id == matter.id)
                               .order_by(RiskItem.number)).all()
    assert len(items) == 4 and all(i.level and i.measures for i in items)
    assert [bool(i.residual_level) for i in items] == [True, True, False, False]
    published = db.session.scalar(select(func.count(RiskPoint.id)).where(
        RiskPoint.matter_id == matter.id, RiskPoint.response_published_at.is_not(None)))
    assert published == 2
    stages = set(db.session.scalars(select(ReportVersion.stage).where(ReportVersion.matter_id == matter.id)))
    assert stages == {Stage.DRAFT, Stage.SUBMITTED}
