"""The read-only JSON API for assessors' own tools, serialised straight from the models.

GET /api/v1/matters                          the matters the token's owner may view
GET /api/v1/matters/<id>/voices              the voice pool (paginated; the list page's filters)
GET /api/v1/matters/<id>/risk-points         curated risk points with their text counts
GET /api/v1/matters/<id>/risk-register       risk items with levels and measures
"""
from __future__ import annotations

from sqlalchemy import func, select

from consult.analysis.exports import _masked
from consult.crypto import mask_numbers_in_text
from consult.analysis.models import RiskPoint, Voice
from consult.analysis.pool import PoolFilter, search_voices
from consult.extensions import db

MAX_PER_PAGE = 200


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def matter_json(m) -> dict:
    return {"id": m.id, "title": m.title, "status": m.status.value, "kind": m.kind.value,
            "organisation": m.organisation.name, "area": m.area}


def voice_json(v: Voice) -> dict:
    return {"id": v.id, "source": v.source.value, "source_ref": v.source_ref, "channel": v.channel,
            "title": mask_numbers_in_text(v.title) if v.title else v.title, "text": mask_numbers_in_text(v.text),
            "stance": v.stance.value, "raw_stance": v.raw_stance,
            "group": v.group, "household": v.household, "author": _masked(v.author), "weight": v.weight,
            "occurred_at": _iso(v.occurred_at), "is_flagged": v.is_flagged, "escalation_score": v.escalation_score,
            "escalation_terms": list(v.escalation_terms or []), "point_id": v.point_id,
            "is_reviewed": v.is_reviewed, "is_excluded": v.is_excluded, "is_new": v.is_new}


def voices_page(matter, args) -> dict:
    f = PoolFilter.from_args(args)
    raw = args.get("per_page") or ""
    per_page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else 50
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = search_voices(matter.id, f, per_page=per_page, with_facets=False)
    return {"matter_id": matter.id, "page": page.page, "pages": page.pages, "per_page": per_page,
            "total": page.total, "filters": f.args(page=1), "ignored": list(f.ignored),
            "items": [voice_json(v) for v in page.items]}


def risk_points(matter) -> dict:
    counts = dict(db.session.execute(select(Voice.point_id, func.count(Voice.id)).where(
        Voice.matter_id == matter.id, Voice.point_id.is_not(None)).group_by(Voice.point_id)).all())
    points = db.session.scalars(select(RiskPoint).where(RiskPoint.matter_id == matter.id)
                                .order_by(RiskPoint.weight.desc(), RiskPoint.id))
    return {"matter_id": matter.id, "items": [{
        "id": p.id, "title": p.title, "description": p.description, "keywords": list(p.keywords or []),
        "area": p.area, "dimension": p.dimension, "state": p.state.value, "dismiss_reason": p.dismiss_reason,
        "merged_into_id": p.merged_into_id, "weight": p.weight, "is_reviewed": p.is_reviewed,
        "is_vanished": p.is_vanished, "n_texts": counts.get(p.id, 0), "public_response": p.public_response,
        "response_published_at": _iso(p.response_published_at)} for p in points]}


def risk_register(matter) -> dict:
    # the register sits above analysis; the API is the one read surface over both
    from consult.register.models import RiskItem

    items = db.session.scalars(select(RiskItem).where(RiskItem.matter_id == matter.id).order_by(RiskItem.number))
    return {"matter_id": matter.id, "items": [{
        "id": i.id, "number": i.number, "title": i.title, "description": i.description, "area": i.area,
        "dimension": i.dimension, "affected_groups": i.affected_groups, "affected_size": i.affected_size,
        "likelihood": i.likelihood, "severity": i.severity, "level": i.level.value if i.level else None,
        "residual_likelihood": i.residual_likelihood, "residual_severity": i.residual_severity,
        "residual_level": i.residual_level.value if i.residual_level else None,
        "residual_reason": i.residual_reason, "point_ids": [p.id for p in i.points],
        "measures": [{"id": m.id, "text": m.text, "responsible_unit": m.responsible_unit,
                      "deadline": _iso(m.deadline), "status": m.status.value, "done_at": _iso(m.done_at)}
                     for m in i.measures]} for i in items]}
