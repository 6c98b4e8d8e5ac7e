"""The voice pool mirrors every resident channel, with one stance scale and escalation flags."""
from consult.analysis.models import Voice, VoiceSource, VoiceStance
from consult.analysis.stance import unify
from consult.analysis.voices import sync_voices
from consult.extensions import db
from consult.hearings.models import HearingStance
from consult.notices.models import CommentStatus, Stance
from tests import factories as f
from tests.hearings import factories as hf


def _pool(matter_id):
    return {v.source_ref: v for v in db.session.scalars(db.select(Voice).where(Voice.matter_id == matter_id))}


def test_comments_and_registrations_are_mirrored_with_unified_stance_and_flags():
    w = f.world()
    c1 = f.comment(w["notice"], "中转站离幼儿园太近，我们已经联名三百多户，要去区里和市里反映", stance=Stance.OPPOSE)
    c2 = f.comment(w["notice"], "支持建设，但要密闭运输", stance=Stance.CONDITIONAL, status=CommentStatus.PENDING)
    m = hf.meeting(w)
    reg = hf.registration(m, stance=HearingStance.NEUTRAL)
    reg.points = "希望说明臭气怎么处理"
    db.session.commit()
    counts = sync_voices(w["matter"].id)
    db.session.commit()
    assert counts == {"added": 3, "updated": 0, "removed": 0}
    pool = _pool(w["matter"].id)
    v1, v2, v3 = pool[f"comment:{c1.id}"], pool[f"comment:{c2.id}"], pool[f"registration:{reg.public_id}"]
    assert (v1.source, v1.stance, v1.is_flagged, v1.escalation_terms) == (
        VoiceSource.COMMENT, VoiceStance.OPPOSE, True, ["联名"])
    assert (v2.stance, v2.source_status, v2.is_flagged) == (VoiceStance.CONDITIONAL, "pending", False)
    assert (v3.source, v3.stance, v3.text) == (VoiceSource.REGISTRATION, VoiceStance.OTHER, "希望说明臭气怎么处理")
    assert all(v.is_new for v in pool.values())


def test_resync_keeps_curation_and_follows_changes_and_removals():
    w = f.world()
    c1 = f.comment(w["notice"], "垃圾车噪音太大")
    c2 = f.comment(w["notice"], "选址程序不公开")
    sync_voices(w["matter"].id)
    pool = _pool(w["matter"].id)
    pool[f"comment:{c1.id}"].is_reviewed = True
    db.session.commit()
    assert sync_voices(w["matter"].id) == {"added": 0, "updated": 0, "removed": 0}
    c2.status = CommentStatus.REJECTED
    db.session.delete(c1)
    db.session.commit()
    assert sync_voices(w["matter"].id) == {"added": 0, "updated": 1, "removed": 1}
    db.session.commit()
    pool = _pool(w["matter"].id)
    assert list(pool) == [f"comment:{c2.id}"] and pool[f"comment:{c2.id}"].source_status == "rejected"


def test_unify_maps_each_channel_scale():
    assert [unify(x) for x in ("support", "neutral", "不太支持", "基本支持", "坚决反对", "赞成", "", None, "无所谓")] == [
        VoiceStance.SUPPORT, VoiceStance.OTHER, VoiceStance.OPPOSE, VoiceStance.CONDITIONAL, VoiceStance.OPPOSE,
        VoiceStance.SUPPORT, VoiceStance.OTHER, VoiceStance.OTHER, VoiceStance.OTHER]
