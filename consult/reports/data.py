"""Live data for the report: every number is queried here, from the same code the pages use.

The questionnaire figures come from consult.surveys.results.figures (the results page's own
function), so 知晓率 / 支持率 in the report are the numbers on the results page.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from consult.analysis.models import SOURCE_LABELS, Voice
from consult.extensions import db
from consult.register.models import RiskItem
from consult.timeutil import format_local

DATE = "%Y年%m月%d日"


def _d(value) -> str:
    return format_local(value, DATE) if value else ""


def notices_data(matter) -> list[dict]:
    from consult.notices.models import Comment

    counts = dict(db.session.execute(select(Comment.notice_id, func.count()).where(
        Comment.matter_id == matter.id).group_by(Comment.notice_id)).all())
    return [{"title": n.title, "starts": _d(n.starts_at), "ends": _d(n.ends_at), "comments": counts.get(n.id, 0)}
            for n in matter.notices if n.published_at is not None]


def surveys_data(matter) -> list[dict]:
    from consult.surveys import results
    from consult.surveys.models import Survey
    from consult.surveys.spec import load_spec

    out = []
    for survey in db.session.scalars(select(Survey).where(Survey.matter_id == matter.id).order_by(Survey.id)):
        spec = load_spec(survey.id)
        if spec is None:
            continue
        figs = results.figures(spec)
        out.append({"id": survey.id, "title": survey.title, "opens": _d(survey.opens_at),
                    "closes": _d(survey.closes_at), "total": figs["totals"]["total"],
                    "rates": [{"name": r.name, "percent": r.percent, "yes": r.overall[0], "answered": r.overall[1],
                               "by": {k: [list(row) for row in rows] for k, rows in r.by.items()}}
                              for r in figs["rates"]]})
    return out


def meetings_data(matter) -> list[dict]:
    from consult.hearings import drawing, rules
    from consult.hearings.models import Meeting, SpeakerPoint

    out = []
    for m in db.session.scalars(select(Meeting).where(Meeting.matter_id == matter.id).order_by(Meeting.starts_at)):
        counts = drawing.seat_counts(m)
        points = list(db.session.scalars(select(SpeakerPoint).where(SpeakerPoint.meeting_id == m.id)
                                          .order_by(SpeakerPoint.id)))
        views: dict[str, list[str]] = {}
        for p in points:
            views.setdefault(p.stance_label, []).append(p.text)
        out.append({"title": m.title, "kind": str(m.kind_label), "date": _d(m.starts_at), "venue": m.venue,
                    "participants": sum(counts.values()), "points": len(points),
                    "composition": [{"rule": c.rule.name, "share": c.share, "ok": c.ok}
                                    for c in rules.composition(m, counts)],
                    "views": {k: v[:5] for k, v in views.items()}})
    return out


def voices_data(matter) -> dict:
    rows = db.session.execute(select(Voice.source, func.count()).where(
        Voice.matter_id == matter.id, Voice.is_excluded.is_(False)).group_by(Voice.source)).all()
    return {"total": sum(n for _s, n in rows), "by_source": [[str(SOURCE_LABELS[s]), n] for s, n in rows]}


def register_data(matter) -> list[dict]:
    items = db.session.scalars(select(RiskItem).where(RiskItem.matter_id == matter.id)
                               .order_by(RiskItem.number, RiskItem.id)).all()
    point_ids = {p.id for i in items for p in i.points}
    evidence = Counter()
    if point_ids:
        evidence.update(dict(db.session.execute(select(Voice.point_id, func.count()).where(
            Voice.point_id.in_(point_ids), Voice.is_excluded.is_(False)).group_by(Voice.point_id)).all()))
    return [{"number": i.number or n, "title": i.title, "description": i.description, "area": i.area,
             "dimension": i.dimension, "groups": i.affected_groups, "evidence": sum(evidence[p.id] for p in i.points),
             "likelihood": i.likelihood, "severity": i.severity, "level": i.level_label,
             "level_key": i.level.value if i.level else "", "residual": i.residual_level_label,
             "measures": [{"text": m.text, "unit": m.responsible_unit, "deadline": m.deadline.isoformat()
                           if m.deadline else "", "status": m.status_label} for m in i.measures]}
            for n, i in enumerate(items, 1)]


def review_answers(matter, before_number: int | None = None) -> list[dict]:
    """Answered expert points of earlier versions (provided by consult.review through hooks)."""
    from consult.reports import hooks

    return [row for fn in hooks.review_answers for row in fn(matter, before_number)]


def fields(matter, data: dict, assessment) -> dict[str, str]:
    """Live fields usable in narrative text as {{名称}}."""
    first = data["surveys"][0] if data["surveys"] else None
    rate = {r["name"]: f"{r['percent']}%" for r in first["rates"]} if first else {}
    items = data["register"]
    return {
        "事项名称": matter.title, "评估主体": matter.organisation.name, "区域": f"{matter.area}{matter.location}",
        "涉及户数": str(matter.est_households or "—"), "涉及人数": str(matter.est_persons or "—"),
        "意见总数": str(data["voices"]["total"]), "公众意见数": str(sum(n["comments"] for n in data["notices"])),
        "问卷份数": str(sum(s["total"] for s in data["surveys"])),
        "知晓率": rate.get("知晓率", "—"), "支持率": rate.get("支持率", "—"),
        "会议场次": str(len(data["meetings"])),
        "风险条目数": str(len(items)), "高风险条目数": str(sum(1 for i in items if i["level_key"] == "high")),
        "中风险条目数": str(sum(1 for i in items if i["level_key"] == "medium")),
        "风险等级": assessment.final_level and _level_label(assessment.final_level) or "（待评定）",
        "评估结论": assessment.outcome_label or "（待评定）",
    }


def _level_label(level) -> str:
    from consult.register.models import RISK_LEVEL_LABELS

    return str(RISK_LEVEL_LABELS[level])


def gather(matter, before_number: int | None = None) -> dict:
    return {"notices": notices_data(matter), "surveys": surveys_data(matter), "meetings": meetings_data(matter),
            "voices": voices_data(matter), "register": register_data(matter),
            "answers": review_answers(matter, before_number)}
