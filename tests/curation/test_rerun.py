"""Re-runs keep the assessor's work: names, merges, splits, moves, exclusions, dismissals."""
from sqlalchemy import select

from consult.analysis import curation, runs
from consult.analysis.matching import greedy_pairs
from consult.analysis.models import AnalysisRun, PointState, RiskPoint, Voice
from consult.extensions import db
from consult.jobs import commit
from consult.models import utcnow
from tests import factories as f
from tests.curation.helpers import add_letters, devset


def _run(w):
    run_id = runs.start_run(w["matter"], actor=w["assessor"], now=utcnow()).id
    commit()
    db.session.expire_all()
    return db.session.get(AnalysisRun, run_id)


def _texts(point_id):
    return set(db.session.scalars(select(Voice.id).where(Voice.point_id == point_id)))


def _points(matter_id):
    return {p.id: p for p in db.session.scalars(select(RiskPoint).where(RiskPoint.matter_id == matter_id))}


def test_curate_add_texts_rerun_nothing_decided_is_lost():
    w = f.world()
    a, now, mid = w["assessor"], utcnow(), w["matter"].id
    add_letters(mid, devset(240))
    run1 = _run(w)
    ids = [rp.risk_point_id for rp in run1.points]
    assert len(ids) >= 6
    p0, p1, p2, p3, p4, p5 = (db.session.get(RiskPoint, i) for i in ids[:6])
    curation.rename_point(p0, actor=a, now=now, title="臭气扰民（已核实）")
    curation.describe_point(p0, actor=a, now=now, description="夏季尤甚。\n需现场核查。")
    curation.confirm_point(p0, actor=a, now=now)
    p2_texts = _texts(p2.id)
    curation.merge_points(p1, [p2], actor=a, now=now)
    split_ids = sorted(_texts(p3.id))[:5]
    s = curation.split_point(p3, split_ids, actor=a, now=now, title="拆分出的：夜间作业")
    moved = sorted(_texts(p4.id))[:3]
    curation.move_voices(moved, p0, actor=a, now=now, matter_id=mid)
    off = db.session.get(Voice, sorted(_texts(p0.id) - set(moved))[0])
    curation.exclude_voice(off, actor=a, now=now, reason="与本事项无关的广告")
    curation.dismiss_point(p5, actor=a, now=now, reason="已由其他部门处理")
    curation.review_point(p1, actor=a, now=now)
    reviewed = sorted(_texts(p1.id))[:4]
    curation.review_voices(reviewed, actor=a, now=now, matter=w["matter"])
    s_id, off_id = s.id, off.id
    commit()
    before = _points(mid)
    new = add_letters(mid, devset(24, skip=240))  # 10 % new texts

    run2 = _run(w)
    assert run2.status.value == "done" and run2.n_texts == 240 + 24 - 1  # the excluded text stays out
    after = _points(mid)
    assert set(before) <= set(after)  # no curated point disappears
    p0, p1, p2, p3, p5, s = (after[i] for i in (ids[0], ids[1], ids[2], ids[3], ids[5], s_id))
    # rename, description and decision kept
    assert (p0.title, p0.is_title_custom, p0.state) == ("臭气扰民（已核实）", True, PointState.CONFIRMED)
    assert p0.description == "夏季尤甚。\n需现场核查。"
    # the merge stays: p2 merged into p1, holds nothing, and its texts followed p1
    assert (p2.state, p2.merged_into_id, _texts(p2.id)) == (PointState.MERGED, p1.id, set())
    assert p2_texts <= _texts(p1.id) and all(db.session.get(Voice, i).is_pinned for i in p2_texts)
    assert all(rp.risk_point_id != p2.id for rp in run2.points)
    # the split stays: the picked texts are pinned in the new point, with its name
    assert set(split_ids) <= _texts(s.id) and s.title == "拆分出的：夜间作业" and s.is_manual
    assert all(db.session.get(Voice, i).is_pinned for i in split_ids)
    assert not set(split_ids) & _texts(p3.id)
    # moved texts stay where the assessor put them
    assert set(moved) <= _texts(p0.id)
    # the excluded text stays excluded with its reason, out of every run point
    off = db.session.get(Voice, off_id)
    assert (off.is_excluded, off.exclude_reason, off.point_id) == (True, "与本事项无关的广告", None)
    assert all(off_id not in rp.voice_ids for rp in run2.points)
    # the dismissal and its reason stay
    assert (p5.state, p5.dismiss_reason) == (PointState.DISMISSED, "已由其他部门处理")
    # reviewed marks stay
    assert p1.is_reviewed and all(db.session.get(Voice, i).is_reviewed for i in reviewed)
    # the new texts took part and most found a point
    fresh = [db.session.get(Voice, v.id) for v in new]
    assert all(v.last_run_id == run2.id for v in fresh)
    assert sum(v.point_id is not None for v in fresh) >= 20
    # how many texts joined each point is kept, and shown
    joined = run2.summary["joined"]
    assert sum(joined.values()) <= run2.summary["moved"] and all(int(k) in after for k in joined)
    assert sum(joined.values()) >= 20  # at least the new texts that found a point
    # decided points are not re-created as new candidates
    assert set(run2.summary["new"]).isdisjoint(before)


def test_a_point_no_run_matches_is_marked_vanished_and_keeps_its_work():
    w = f.world()
    a, now, mid = w["assessor"], utcnow(), w["matter"].id
    add_letters(mid, devset(150))
    run1 = _run(w)
    gone = db.session.get(RiskPoint, run1.points[-1].risk_point_id)
    curation.rename_point(gone, actor=a, now=now, title="评估人员命名")
    for vid in sorted(_texts(gone.id)):
        curation.exclude_voice(db.session.get(Voice, vid), actor=a, now=now, reason="重复")
    commit()
    run2 = _run(w)
    gone = db.session.get(RiskPoint, gone.id)
    assert gone.is_vanished and gone.title == "评估人员命名" and gone.id in run2.summary["vanished"]
    assert gone.state == PointState.CANDIDATE


def test_greedy_pairs_is_one_to_one_by_overlap_with_threshold():
    runs_ = {"r1": {1, 2, 3, 4}, "r2": {5, 6}, "r3": {7, 8, 9}}
    curated = {10: {1, 2, 3, 5}, 11: {5, 6, 1}, 12: {9, 20, 21, 22, 23, 24, 25}}
    pairs = greedy_pairs(runs_, curated, 0.3)
    assert [(a, b, o) for a, b, o, _j in pairs] == [("r1", 10, 3), ("r2", 11, 2)]  # r3~12: Jaccard 1/9 < 0.3
