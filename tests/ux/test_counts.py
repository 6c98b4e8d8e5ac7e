"""Dashboard and matter page show what waits: 待审核, 待答复, questionnaires, registrations, days left."""
from datetime import timedelta

from flask_login import AnonymousUserMixin

from consult.extensions import db
from consult.models import utcnow
from consult.notices.models import CommentStatus
from tests import factories
from tests.conftest import login
from tests.hearings import factories as hf
from tests.surveys.helpers import answers, spec_of, standard_survey


def test_counts_on_dashboard_and_matter_page(client):
    w = factories.world()
    factories.comment(w["notice"], status=CommentStatus.PENDING)
    factories.comment(w["notice"], status=CommentStatus.PENDING)
    factories.comment(w["notice"], reply="已答复")
    factories.comment(w["notice"])
    m = hf.meeting(w)
    hf.registration(m)
    s = standard_survey(w)
    from consult.surveys import responses

    spec = spec_of(s)
    for i in range(3):
        responses.submit_online(spec, answers(spec), actor=AnonymousUserMixin(), now=utcnow(), device=f"d{i}",
                                client_hash=None, phone=None, invitation_id=None)
    db.session.commit()
    w["notice"].ends_at = utcnow() + timedelta(days=6, hours=1)
    db.session.commit()
    login(client, w["organiser"])
    for url in ("/staff/", f"/staff/matters/{w['matter'].id}"):
        html = client.get(url).get_data(as_text=True)
        assert "待审核 <strong>2</strong>" in html, url
        assert "待答复 <strong>3</strong>" in html  # two pending and one published without a reply
        assert "<strong>3</strong> 份问卷" in html and "<strong>1</strong> 人报名" in html
        assert "公示剩余天数 <strong>7</strong>" in html
        assert f'href="/staff/matters/{w["matter"].id}/comments?status=pending"' in html
