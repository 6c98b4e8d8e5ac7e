"""The demo's generated voices: volume, the concerns, near-copies of a petition, determinism."""
from difflib import SequenceMatcher

from consult.analysis.models import Voice, VoiceSource
from consult.analysis.voices import sync_voices
from consult.demo.voices import TextGen
from consult.extensions import db
from consult.notices.models import Comment
from consult.surveys.models import Response, Survey


def test_seed_demo_loads_a_realistic_pool(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    bodies = list(db.session.scalars(db.select(Comment.body)))
    assert len(bodies) >= 300 + 20  # the demo's hand-written ones plus at least 300 generated
    first_matter = db.session.scalar(db.select(db.func.min(Survey.matter_id)))  # not the history's surveys
    assert db.session.query(Response).join(Survey).filter(Survey.matter_id == first_matter).count() == 400
    for words in (("臭",), ("小学", "学校"), ("垃圾车",), ("房价", "贬值"), ("公开", "公示"), ("但", "前提")):
        assert sum(any(w in b for w in words) for b in bodies) >= 15, words
    petitions = [b for b in bodies if "联名" in b and ("上访" in b or "反映" in b)]
    assert len(petitions) >= 40
    near = max(sum(SequenceMatcher(None, p, q).ratio() > 0.7 for q in petitions if q is not p) for p in petitions[:10])
    assert near >= 10 and len(set(petitions)) == len(petitions)  # near-copies, never identical
    from consult.matters.models import Matter
    matter = db.session.scalar(db.select(Matter).order_by(Matter.id))
    sync_voices(matter.id)
    sources = dict(db.session.execute(db.select(Voice.source, db.func.count()).group_by(Voice.source)).all())
    assert sources[VoiceSource.SURVEY] >= 200 and sources[VoiceSource.HEARING] == 8 and sources[VoiceSource.VISIT] == 8
    assert db.session.query(Voice).filter(Voice.is_flagged.is_(True)).count() >= 40


def test_generator_is_deterministic_and_varied():
    a, b = TextGen(7), TextGen(7)
    first = [a.comment(a.concern()) for _ in range(50)]
    assert first == [b.comment(b.concern()) for _ in range(50)]
    assert len(set(first)) >= 45
