"""Demo: the assessor's work on the transfer-station matter, done through the same services.

After the generated voices are in (consult/demo/voices.py), the demo
1. runs the analysis over the whole pool (in this process, whatever the queue settings);
2. curates part of it: confirms the heaviest points, merges the two that share most keywords,
   dismisses the most supportive point with a reason, marks a few points and texts reviewed,
   and leaves the rest as candidates (so a newcomer sees work in progress);
3. promotes the heaviest confirmed points to the risk register, grades them from their own
   figures (likelihood from the opposition share, severity from escalation), adds a measure each
   (chosen by the concern the title names) and a residual level for the first two;
4. publishes a "you said, we did" response for the two heaviest points;
5. writes the assessment and a complete 送审稿 with one expert review (consult/reports/demo.py).
The choices depend only on the analysis output, which is deterministic for the demo texts.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from consult.analysis import curation, runs
from consult.analysis.models import PointState, RiskPoint, Voice, VoiceStance
from consult.extensions import db
from consult.jobs import commit
from consult.register import items as register_items
from consult.register import measures, responses
from consult.register.models import MeasureStatus

# concern named in a point's title or keywords -> (measure, responsible unit, days to deadline)
MEASURES = (
    (("臭", "异味", "味道", "除臭"), "加装全封闭负压除臭系统，委托第三方每季度监测臭气浓度并公开结果", "区城管局", 90),
    (("学校", "幼儿园", "小学", "孩子", "上学"), "垃圾运输车辆避开 7:00–8:30、16:30–18:00 上下学时段，校门口路段限速", "区城管局、交警大队", 30),
    (("车", "交通", "噪音", "路"), "规划专用运输线路，夜间 22:00 后停止作业，车辆全密闭", "区城管局", 60),
    (("房价", "房子", "贬值", "补偿"), "评估周边房产影响，制定公开的邻避补偿与社区回馈方案", "区住建局", 120),
    (("程序", "公开", "公示", "听证", "知情"), "公开选址论证材料与环评报告全文，召开第二次居民座谈会", "区发改委", 45),
)
GENERIC_MEASURE = ("由责任单位牵头，逐户回访反映该问题的居民并书面答复", "街道办事处", 30)


def _measure_for(point: RiskPoint) -> tuple[str, str, int]:
    words = point.title + "".join(point.keywords or [])
    return next(((text, unit, days) for terms, text, unit, days in MEASURES if any(t in words for t in terms)),
                GENERIC_MEASURE)


def _run_analysis(matter, assessor, now: datetime) -> None:
    run = runs.start_run(matter, actor=assessor, now=now)
    redis_url = current_app.config.get("REDIS_URL")
    current_app.config["REDIS_URL"] = None  # the demo's run happens here, not on a worker
    try:
        commit()
    finally:
        current_app.config["REDIS_URL"] = redis_url
    db.session.expire_all()
    run = db.session.get(type(run), run.id)
    if run.status != runs.RunStatus.DONE:
        raise RuntimeError(f"demo analysis run failed: {run.error}")


def _points(matter_id: int) -> list[RiskPoint]:
    return list(db.session.scalars(select(RiskPoint).where(
        RiskPoint.matter_id == matter_id, RiskPoint.state == PointState.CANDIDATE)
        .order_by(RiskPoint.weight.desc(), RiskPoint.id)))


def _share(point: RiskPoint, stance: VoiceStance) -> float:
    total, hits = db.session.execute(select(func.count(Voice.id), func.count(Voice.id).filter(
        Voice.stance == stance)).where(Voice.point_id == point.id)).one()
    return hits / total if total else 0.0


def _flagged(point: RiskPoint) -> int:
    return db.session.scalar(select(func.count(Voice.id)).where(Voice.point_id == point.id,
                                                                Voice.is_flagged.is_(True))) or 0


def _closest_pair(points: list[RiskPoint]) -> tuple[RiskPoint, RiskPoint] | None:
    best, pair = 0.0, None
    for i, a in enumerate(points):
        for b in points[i + 1:]:
            ka, kb = set(a.keywords or []), set(b.keywords or [])
            score = len(ka & kb) / len(ka | kb) if ka | kb else 0.0
            if score > best:
                best, pair = score, (a, b)
    return pair


def _curate(matter, assessor, now: datetime) -> list[RiskPoint]:
    points = _points(matter.id)
    supportive = max(points, key=lambda p: (_share(p, VoiceStance.SUPPORT), -p.id), default=None)
    if supportive is not None and _share(supportive, VoiceStance.SUPPORT) >= 0.5:
        curation.dismiss_point(supportive, actor=assessor, now=now,
                               reason="以支持和有条件支持意见为主，所提条件已在其他风险点中处理，不单列风险。")
        points.remove(supportive)
    pair = _closest_pair(points[:8])
    if pair is not None:
        target, source = pair
        curation.merge_points(target, [source], actor=assessor, now=now)
        points.remove(source)
    top = _points(matter.id)[:5]
    for point in top:
        curation.confirm_point(point, actor=assessor, now=now)
        curation.review_point(point, actor=assessor, now=now)
    if top:
        ids = list(db.session.scalars(select(Voice.id).where(Voice.point_id == top[0].id).order_by(Voice.id).limit(20)))
        curation.review_voices(ids, actor=assessor, now=now, matter=matter)
    return top


def _register(matter, assessor, points: list[RiskPoint], now: datetime) -> None:
    for i, point in enumerate(points[:4]):
        item = register_items.promote_points(matter, [point], actor=assessor, title=point.title, now=now)
        likelihood = min(5, 2 + round(3 * _share(point, VoiceStance.OPPOSE)))
        severity = min(5, 2 + min(3, _flagged(point) // 5))
        register_items.grade_item(item, actor=assessor, likelihood=likelihood, severity=severity, now=now)
        text, unit, days = _measure_for(point)
        measures.add_measure(item, actor=assessor, now=now, values={
            "text": text, "responsible_unit": unit, "deadline": date.today() + timedelta(days=days),
            "status": MeasureStatus.IN_PROGRESS if i == 0 else MeasureStatus.PLANNED})
        if i < 2:
            register_items.set_residual(item, actor=assessor, likelihood=max(1, likelihood - 2),
                                        severity=max(1, severity - 1), now=now,
                                        reason="措施落实后，问题发生的可能性明显下降，影响范围可控。")


def _respond(organiser, points: list[RiskPoint], now: datetime) -> None:
    for point in points[:2]:
        text, unit, _days = _measure_for(point)
        responses.publish_response(point, actor=organiser, now=now,
                                   text=f"我们听到了大家对“{point.title}”的意见。{unit}将{text}。")


def seed_workspace(matter, organiser, assessor, *, now: datetime) -> None:
    """Analysis, partial curation, a register, responses and a 送审稿 for the demo matter."""
    from consult.reports.demo import seed_assessment

    commit()  # the generated voices are committed before the run reads them
    _run_analysis(matter, assessor, now)
    top = _curate(matter, assessor, now)
    _register(matter, assessor, top, now)
    _respond(organiser, top, now)
    seed_assessment(matter)
