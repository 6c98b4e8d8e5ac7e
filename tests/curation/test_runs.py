"""Analysis runs in the app: the job, the stored record, warm re-runs, comparing runs, the CLI."""
from sqlalchemy import select

from consult.analysis import runs
from consult.analysis.matching import compare_runs
from consult.analysis.models import AnalysisRun, PointState, RiskPoint, RunPoint, RunStatus, Voice
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.jobs import commit
from consult.jobs.models import JobRun, JobStatus
from consult.models import utcnow
from consult.notices.models import CommentStatus, Stance
from tests import factories as f
from tests.curation.helpers import add_letters, devset


def _run(w, actor_key="assessor"):
    run = runs.start_run(w["matter"], actor=w[actor_key], now=utcnow())
    run_id = run.id
    commit()
    db.session.expire_all()
    return db.session.get(AnalysisRun, run_id)


def test_run_stores_record_points_and_places_texts():
    w = f.world()
    rejected = f.comment(w["notice"], "垃圾中转站离幼儿园太近，孩子天天闻臭味，坚决反对！", stance=Stance.OPPOSE,
                         status=CommentStatus.REJECTED)
    voices = add_letters(w["matter"].id, devset(160))
    run = _run(w)
    assert run.status == RunStatus.DONE and run.error is None
    assert run.n_texts == 161  # 160 letters + the rejected comment (moderation does not hide a concern)
    assert run.pipeline_version and run.params["cache_path"].endswith(f"matter-{w['matter'].id}.cache")
    assert len(run.input_hash) == 64 and run.provenance["mode"] == "cold"
    assert run.started_by_id == w["assessor"].id and run.finished_at is not None
    job = db.session.get(JobRun, run.job_id)
    assert job.status == JobStatus.DONE and job.percent == 100
    points = run.points
    assert run.n_points == len(points) >= 3
    assert [p.rank for p in points] == list(range(len(points)))
    assert [p.weight for p in points] == sorted((p.weight for p in points), reverse=True)
    placed = sum(p.size for p in points)
    assert placed + run.n_unassigned == 161
    first = points[0]
    assert set(first.details) >= {"stance", "sources", "authors", "escalation", "representatives", "engine"}
    assert sum(first.details["stance"].values()) == first.size == len(first.voice_ids)
    assert first.details["representatives"] and all(str(r["id"]).isdigit() for r in first.details["representatives"])
    # every run point became a new candidate point holding its texts
    curated = db.session.scalars(select(RiskPoint).where(RiskPoint.matter_id == w["matter"].id)).all()
    assert len(curated) == len(points) and all(p.state == PointState.CANDIDATE for p in curated)
    assert sorted(run.summary["new"]) == sorted(p.id for p in curated)
    for rp in points:
        in_db = set(db.session.scalars(select(Voice.id).where(Voice.point_id == rp.risk_point_id)))
        assert in_db == set(rp.voice_ids)
    assert all(v.last_run_id == run.id for v in db.session.scalars(select(Voice)))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "analysis.run.start")).actor_id == \
        w["assessor"].id
    assert rejected.id


def test_rerun_starts_warm_and_a_second_run_while_busy_is_refused():
    w = f.world()
    add_letters(w["matter"].id, devset(150))
    first = _run(w)
    add_letters(w["matter"].id, devset(1, skip=150))
    second = _run(w, "organiser")
    assert second.status == RunStatus.DONE and second.provenance["mode"] == "warm"
    assert second.provenance["warm_from"] == first.provenance["run_fingerprint"]
    assert second.n_texts == 151 and second.summary["matched"] + second.summary["absorbed"] >= second.n_points - 1
    run = runs.start_run(w["matter"], actor=w["assessor"], now=utcnow())
    try:
        runs.start_run(w["matter"], actor=w["assessor"], now=utcnow())
        raise AssertionError("a second run was queued")
    except runs.RunError as exc:
        assert str(exc) == "本事项已有一次分析正在进行，请等待其完成。"
    assert run.status == RunStatus.QUEUED


def test_compare_two_runs_reports_gained_lost_and_changed():
    w = f.world()
    add_letters(w["matter"].id, devset(120))
    old = _run(w)
    add_letters(w["matter"].id, devset(80, skip=400))
    new = _run(w)
    diff = compare_runs(old, new)
    assert len(diff["pairs"]) + len(diff["gained"]) == new.n_points
    assert len(diff["pairs"]) + len(diff["lost"]) == old.n_points
    assert any(p["joined"] > 0 for p in diff["pairs"])
    for p in diff["pairs"]:
        assert p["kept"] == len(set(p["old"].voice_ids) & set(p["new"].voice_ids))


def test_failed_engine_marks_run_and_job_failed(monkeypatch):
    w = f.world()
    add_letters(w["matter"].id, devset(20))

    def broken(*a, **kw):
        raise RuntimeError("engine exploded")
    monkeypatch.setattr(runs.pipeline, "run", broken)
    run = _run(w)
    assert run.status == RunStatus.FAILED and run.error == "engine exploded"
    assert db.session.get(JobRun, run.job_id).status == JobStatus.FAILED
    assert db.session.scalar(select(RunPoint).limit(1)) is None


def test_fields_a_newer_engine_adds_are_kept_in_the_details(monkeypatch):
    import dataclasses

    from consult.analysis import pipeline

    @dataclasses.dataclass
    class NewerPoint(pipeline.RiskPoint):
        future_parts: dict = dataclasses.field(default_factory=dict)

    real = pipeline.run

    def newer(docs, params, progress=None):
        result = real(docs, params, progress=progress)
        result.risk_points = [NewerPoint(**{f.name: getattr(p, f.name) for f in dataclasses.fields(p)},
                                         future_parts={"size": p.size, "escalation": 0.5})
                              for p in result.risk_points]
        return result
    monkeypatch.setattr(runs.pipeline, "run", newer)
    w = f.world()
    add_letters(w["matter"].id, devset(60))
    run = _run(w)
    assert run.status == RunStatus.DONE
    for rp in run.points:
        assert rp.details["engine"]["future_parts"] == {"size": rp.size, "escalation": 0.5}
        assert set(rp.details["engine"]["weight_parts"]) >= {"people", "concentration", "escalation", "recency"}
        assert "cohesion" in rp.details["engine"] and "doc_ids" not in rp.details["engine"]
