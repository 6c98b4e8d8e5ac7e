"""Risk points and voices made directly (the curation branch builds them from runs)."""
from __future__ import annotations

import itertools

from consult.analysis.models import PointState, RiskPoint, Voice, VoiceSource, VoiceStance
from consult.analysis.voices import text_hash
from consult.extensions import db

_seq = itertools.count(1)


def voice(matter, *, point=None, text=None, source=VoiceSource.LETTER, ref=None, excluded=False, **kw) -> Voice:
    text = text or f"居民来信{next(_seq)}：垃圾车太多"
    v = Voice(matter_id=matter.id, source=source, source_ref=ref or f"letter:{next(_seq)}", text=text,
              text_hash=text_hash(text), stance=kw.pop("stance", VoiceStance.OPPOSE), is_excluded=excluded,
              point_id=point.id if point is not None else None, **kw)
    db.session.add(v)
    db.session.commit()
    return v


def comment_voice(matter, comment, point) -> Voice:
    return voice(matter, point=point, text=comment.body, source=VoiceSource.COMMENT, ref=f"comment:{comment.id}")


def point(matter, title="臭气影响", *, n_voices=0, state=PointState.CANDIDATE, **kw) -> RiskPoint:
    p = RiskPoint(matter_id=matter.id, title=title, state=state, description=kw.pop("description", f"{title}的描述"),
                  area=kw.pop("area", "生态环境"), dimension=kw.pop("dimension", "合理性"), weight=kw.pop("weight", 1.0),
                  **kw)
    db.session.add(p)
    db.session.commit()
    for _ in range(n_voices):
        voice(matter, point=p)
    return p


def item(w, *points, actor=None, title=""):
    """A register item promoted through the service, committed."""
    from consult.models import utcnow
    from consult.register.items import promote_points

    points = points or (point(w["matter"], n_voices=2),)
    it = promote_points(w["matter"], list(points), actor=actor or w["assessor"], title=title, now=utcnow())
    db.session.commit()
    return it
