"""Test data for analysis runs and curation: a matter whose pool holds generated letters."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

from consult.analysis.models import Voice, VoiceSource
from consult.analysis.stance import unify
from consult.analysis.voices import apply_escalation, text_hash
from consult.extensions import db
from consult.models import utcnow

DEVSET = Path(__file__).resolve().parents[1] / "analysis" / "data" / "devset.jsonl"


def devset(n: int, skip: int = 0) -> list[dict]:
    rows = []
    with open(DEVSET, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i < skip:
                continue
            if len(rows) >= n:
                break
            rows.append(json.loads(line))
    return rows


def add_letters(matter_id: int, rows: list[dict], *, source: VoiceSource = VoiceSource.LETTER) -> list[Voice]:
    """Staff-only pool texts (sync_voices leaves them alone), one per devset row."""
    now = utcnow()
    voices = []
    for i, r in enumerate(rows):
        v = Voice(matter_id=matter_id, source=source, source_ref=f"letter:{uuid.uuid4().hex}", channel="12345热线",
                  title=r.get("title"), text=r["text"], text_hash=text_hash(r["text"], r.get("title")),
                  raw_stance=r.get("stance", ""), stance=unify(r.get("stance")), author=r.get("author", ""),
                  weight=float(r.get("weight", 1)), occurred_at=now - timedelta(minutes=i), group="")
        apply_escalation(v)
        voices.append(v)
    db.session.add_all(voices)
    db.session.commit()
    return voices


def concern_of(voices: list[Voice], rows: list[dict]) -> dict[int, str]:
    return {v.id: r["concern"] for v, r in zip(voices, rows)}
