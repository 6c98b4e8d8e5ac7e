"""Pool test data: voices straight into the pool, spreadsheets in memory."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from openpyxl import Workbook

from consult.analysis.models import Voice, VoiceSource, VoiceStance
from consult.analysis.voices import apply_escalation, text_hash
from consult.extensions import db

HEAD = ["来源", "时间", "记录人", "户/楼号/单位", "群体", "受访人", "态度", "标题或议题", "内容"]


def voice(matter, text="垃圾车每天早上五点就来，太吵了", *, source=VoiceSource.VISIT, stance=VoiceStance.OPPOSE,
          group="", at=None, ref=None, **kw) -> Voice:
    v = Voice(matter_id=matter.id, source=source, source_ref=ref or f"{source.value}:{text_hash(text + str(kw))[:32]}",
              text=text, text_hash=text_hash(text), stance=stance, group=group,
              occurred_at=at or datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc), **kw)
    apply_escalation(v)
    db.session.add(v)
    db.session.commit()
    return v


def xlsx(rows, head=HEAD) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pool_of(matter_id):
    return list(db.session.scalars(db.select(Voice).where(Voice.matter_id == matter_id).order_by(Voice.id)))
