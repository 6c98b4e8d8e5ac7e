"""Matching a run's points to the curated risk points, so re-runs keep the assessor's work.

The rule (also shown on the runs page, see RULE_TEXT):

1. Only texts that are neither pinned (placed by an assessor: moved, split, merged) nor excluded
   ("not a risk / off topic") take part. Pinned texts stay where the assessor put them;
   excluded texts are not analysed and stay excluded.
2. Candidates are the matter's curated points except merged ones (their texts already
   follow the point they were merged into) and dismissed points left without any text.
3. For a run point R and a curated point C, over their unpinned texts:
   overlap = |R ∩ C|, Jaccard = overlap / |R ∪ C|. Pairs with Jaccard ≥ ANALYSIS_MATCH_THRESHOLD
   (default 0.3) are taken one-to-one, greedily, largest overlap first (ties: higher Jaccard,
   heavier run point, older curated point).
4. A run point left over whose unpinned texts lie mostly (≥ ANALYSIS_ABSORB_SHARE, default 0.5)
   in one candidate point joins that point: the engine may cut a curated point in two (for
   instance two points the assessor merged), but only the assessor splits points.
5. Any other run point becomes a new candidate point (marked "new"). A candidate point that
   no run point matched is marked "vanished"; it keeps its title, description, decision and
   pinned texts.
6. A matched point takes the run's keywords, area, dimension and run id, and its title unless
   the assessor renamed it. Its state (confirmed, dismissed with the reason) is kept.
7. Every unpinned, non-excluded text then belongs to the point its run point went to, or to
   none when the engine left it unassigned. How many texts joined each point is kept in the
   run's summary and shown beside the point (so texts joining a dismissed point are seen).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update

from consult.analysis.models import AnalysisRun, PointState, RiskPoint, RunPoint, Voice
from consult.extensions import db

DEFAULT_THRESHOLD = 0.3
DEFAULT_ABSORB = 0.5
CHUNK = 1000
RULE_TEXT = (
    "重新分析时，新结果中的每个风险点按“未固定文本”的重合度与已整理的风险点对应：两者 Jaccard 相似度"
    "（共同文本数 ÷ 合并后文本数）不低于 {threshold:.0%} 的，按共同文本数从多到少一对一对应；"
    "余下的新风险点若 {absorb:.0%} 以上的文本已在某个风险点中，则并入该点（只有评估人员才能拆分风险点）；"
    "其余作为“新出现”的待整理风险点。没有对应的已整理风险点标记为“本次未出现”，其名称、说明、"
    "处理决定和已固定的文本都保留。改过的名称、合并、排除的文本和排除的风险点在重新分析后保持不变；"
    "评估人员移动、拆分或合并过的文本（已固定）不会被重新分配。")


def threshold() -> float:
    return float(current_app.config.get("ANALYSIS_MATCH_THRESHOLD") or DEFAULT_THRESHOLD)


def absorb_share() -> float:
    return float(current_app.config.get("ANALYSIS_ABSORB_SHARE") or DEFAULT_ABSORB)


def rule_text() -> str:
    return RULE_TEXT.format(threshold=threshold(), absorb=absorb_share())


def greedy_pairs(sets_a: dict, sets_b: dict, minimum: float, order_a: dict | None = None) -> list[tuple]:
    """One-to-one pairs (a, b, overlap, jaccard) with Jaccard ≥ minimum, largest overlap first."""
    owner = defaultdict(list)
    for b, members in sets_b.items():
        for x in members:
            owner[x].append(b)
    scored = []
    for a, members in sets_a.items():
        counts = Counter(b for x in members for b in owner.get(x, ()))
        for b, overlap in counts.items():
            jac = overlap / (len(members) + len(sets_b[b]) - overlap)
            if jac >= minimum:
                scored.append((-overlap, -jac, (order_a or {}).get(a, 0), str(b), a, b, overlap, jac))
    scored.sort(key=lambda s: s[:4])
    taken_a, taken_b, pairs = set(), set(), []
    for *_key, a, b, overlap, jac in scored:
        if a not in taken_a and b not in taken_b:
            taken_a.add(a)
            taken_b.add(b)
            pairs.append((a, b, overlap, jac))
    return pairs


def apply_run(run: AnalysisRun, run_points: list[RunPoint], *, now: datetime) -> dict:
    """Match, create new points, mark vanished ones, move unpinned texts. Returns the summary."""
    placed, fixed = _current(run.matter_id)
    points = {p.id: p for p in db.session.scalars(select(RiskPoint).where(
        RiskPoint.matter_id == run.matter_id, RiskPoint.state != PointState.MERGED))}
    holding = set(db.session.scalars(select(Voice.point_id).where(
        Voice.matter_id == run.matter_id, Voice.point_id.is_not(None)).distinct()))
    eligible = {pid: placed.get(pid, set()) for pid, p in points.items()
                if not (p.state == PointState.DISMISSED and pid not in holding)}
    loose = {rp.id: set(rp.voice_ids) - fixed for rp in run_points}
    order = {rp.id: rp.rank for rp in run_points}
    target = {a: b for a, b, _o, _j in greedy_pairs(loose, eligible, threshold(), order)}
    matched = len(target)
    absorbed = _absorb(loose, eligible, target)
    new_ids = []
    for rp in run_points:
        if rp.id not in target:
            point = _new_point(run, rp)
            target[rp.id] = point.id
            new_ids.append(point.id)
        rp.risk_point_id = target[rp.id]
    by_rp = {rp.id: rp for rp in run_points}
    for rp_id, pid in target.items():
        if pid in points:
            _refresh(points[pid], by_rp[rp_id], run)
    vanished = [pid for pid in eligible if pid not in set(target.values())]
    for pid in vanished:
        points[pid].is_vanished = True
    joined = _move(run.matter_id, loose, target, placed, run.id)
    refresh_weights(run.matter_id)
    return {"matched": matched, "absorbed": absorbed, "new": new_ids, "vanished": vanished,
            "moved": sum(joined.values()), "joined": {str(k): n for k, n in joined.items() if k is not None},
            "threshold": threshold(), "absorb_share": absorb_share()}


def _current(matter_id: int) -> tuple[dict[int, set], set]:
    """Unpinned, non-excluded texts per point, and the ids of texts that never move."""
    placed: dict[int, set] = defaultdict(set)
    fixed: set[int] = set()
    for vid, pid, pinned, excluded in db.session.execute(select(
            Voice.id, Voice.point_id, Voice.is_pinned, Voice.is_excluded).where(Voice.matter_id == matter_id)):
        if pinned or excluded:
            fixed.add(vid)
        elif pid is not None:
            placed[pid].add(vid)
    return placed, fixed


def _absorb(loose: dict, eligible: dict, target: dict) -> int:
    owner = {v: pid for pid, members in eligible.items() for v in members}
    n = 0
    for rp_id, members in loose.items():
        if rp_id in target or not members:
            continue
        pid, count = Counter(owner[v] for v in members if v in owner).most_common(1)[0] if any(
            v in owner for v in members) else (None, 0)
        if pid is not None and count / len(members) >= absorb_share():
            target[rp_id] = pid
            n += 1
    return n


def _new_point(run: AnalysisRun, rp: RunPoint) -> RiskPoint:
    point = RiskPoint(matter_id=run.matter_id, title=rp.title or "未命名风险点", keywords=list(rp.keywords),
                      area=rp.area, dimension=rp.dimension, state=PointState.CANDIDATE, weight=rp.weight,
                      first_run_id=run.id, last_run_id=run.id, created_by_id=run.started_by_id)
    db.session.add(point)
    db.session.flush()
    return point


def _refresh(point: RiskPoint, rp: RunPoint, run: AnalysisRun) -> None:
    if point.last_run_id == run.id:  # a second run point absorbed into it: the first describes it
        return
    point.keywords, point.area, point.dimension = list(rp.keywords), rp.area, rp.dimension
    point.last_run_id, point.is_vanished = run.id, False
    if not point.is_title_custom and rp.title:
        point.title = rp.title


def _move(matter_id: int, loose: dict, target: dict, placed: dict, run_id: int) -> dict:
    """Unpinned texts to their run point's curated point; texts the engine left out to none.
    Returns how many texts joined each point (None: left without a point)."""
    now_at = {v: pid for pid, members in placed.items() for v in members}
    wanted: dict[int, int | None] = {v: None for v in now_at}
    for rp_id, members in loose.items():
        for v in members:
            wanted[v] = target[rp_id]
    groups: dict[int | None, list[int]] = defaultdict(list)
    for v, pid in wanted.items():
        if now_at.get(v) != pid:
            groups[pid].append(v)
    for pid, ids in groups.items():
        for i in range(0, len(ids), CHUNK):
            db.session.execute(update(Voice).where(
                Voice.id.in_(ids[i:i + CHUNK]), Voice.matter_id == matter_id, Voice.is_pinned.is_(False),
                Voice.is_excluded.is_(False)).values(point_id=pid, last_run_id=run_id)  # one write per row
                .execution_options(synchronize_session=False))
    return {pid: len(ids) for pid, ids in groups.items()}


def refresh_weights(matter_id: int) -> None:
    """A point's weight is the weight of the texts it holds now (excluded texts do not count)."""
    sums = dict(db.session.execute(select(Voice.point_id, func.sum(Voice.weight)).where(
        Voice.matter_id == matter_id, Voice.point_id.is_not(None), Voice.is_excluded.is_(False))
        .group_by(Voice.point_id)).all())
    for point in db.session.scalars(select(RiskPoint).where(RiskPoint.matter_id == matter_id)):
        point.weight = round(float(sums.get(point.id) or 0.0), 4)


# --- comparing two stored runs -----------------------------------------------------------

def compare_runs(old: AnalysisRun, new: AnalysisRun) -> dict:
    """Points gained, lost and changed between two runs, paired by text overlap (same rule)."""
    a = {rp.id: set(rp.voice_ids) for rp in old.points}
    b = {rp.id: set(rp.voice_ids) for rp in new.points}
    pairs = greedy_pairs(b, a, threshold())
    old_by, new_by = {rp.id: rp for rp in old.points}, {rp.id: rp for rp in new.points}
    paired = []
    for nb, oa, overlap, jac in pairs:
        paired.append({"old": old_by[oa], "new": new_by[nb], "jaccard": jac, "kept": overlap,
                       "joined": len(b[nb]) - overlap, "left": len(a[oa]) - overlap,
                       "unchanged": b[nb] == a[oa] and old_by[oa].title == new_by[nb].title})
    paired.sort(key=lambda p: p["new"].rank)
    used_new, used_old = {p["new"].id for p in paired}, {p["old"].id for p in paired}
    return {"pairs": paired, "gained": [rp for rp in new.points if rp.id not in used_new],
            "lost": [rp for rp in old.points if rp.id not in used_old]}
