"""Opening the pool re-syncs exactly when a mirrored source changed."""
from datetime import timedelta

from consult.analysis.freshness import ensure_synced, source_signature
from consult.analysis.models import Voice
from consult.extensions import db
from consult.hearings.models import HearingStance
from consult.models import utcnow
from consult.notices.comments import purge_personal_data
from consult.notices.models import CommentStatus
from consult.surveys.models import Channel
from consult.surveys.responses import _insert_response
from tests import factories
from tests.conftest import login
from tests.hearings import factories as hf
from tests.surveys.helpers import answers, spec_of, standard_survey


def _texts(matter_id):
    return sorted(db.session.scalars(db.select(Voice.text).where(Voice.matter_id == matter_id)))


def test_each_kind_of_source_change_triggers_a_sync(app):
    w = factories.world()
    mid = w["matter"].id
    assert ensure_synced(mid) is True and ensure_synced(mid) is False
    c = factories.comment(w["notice"], "臭味太大", author_name="李四",
                          created_at=utcnow() - timedelta(days=app.config["RETENTION_DAYS"] + 1))
    assert ensure_synced(mid) is True and _texts(mid) == ["臭味太大"] and ensure_synced(mid) is False
    c.status = CommentStatus.PENDING
    db.session.commit()
    assert ensure_synced(mid) is True
    assert db.session.scalar(db.select(Voice.source_status)) == "pending"
    purge_personal_data(now=utcnow())
    db.session.commit()
    assert ensure_synced(mid) is True and db.session.scalar(db.select(Voice.author)) == ""
    survey = standard_survey(w)
    assert ensure_synced(mid) is True  # a new survey (its version and time) changes the signature
    spec = spec_of(survey)
    _insert_response(spec, answers(spec, suggestions="建议错开上学时间"), channel=Channel.ONLINE, now=utcnow())
    db.session.commit()
    assert ensure_synced(mid) is True and "建议错开上学时间" in _texts(mid)
    m = hf.meeting(w)
    reg = hf.registration(m, stance=HearingStance.NEUTRAL)
    reg.points = "希望说明臭气怎么处理"
    db.session.commit()
    assert ensure_synced(mid) is True and "希望说明臭气怎么处理" in _texts(mid)
    db.session.delete(c)
    db.session.commit()
    assert ensure_synced(mid) is True and "臭味太大" not in _texts(mid)
    assert ensure_synced(mid) is False


def test_signatures_are_per_matter_and_the_page_syncs(client):
    w = factories.world()
    other = factories.matter(w["org"])
    before = source_signature(other.id)
    factories.comment(w["notice"], "垃圾车太吵")
    assert source_signature(other.id) == before
    login(client, w["assessor"])
    page = client.get(f"/staff/matters/{w['matter'].id}").get_data(as_text=True)
    assert "网上意见 1" in page  # the panel syncs too
    factories.comment(w["notice"], "离学校太近")
    assert "共 2 条" in client.get(f"/staff/matters/{w['matter'].id}/voices").get_data(as_text=True)
