"""Early close needs a confirmation and a public reason; the draw waits a day after the seed;
a registrant keeps one code (the receipt code) and is told when the draw happens."""
from datetime import timedelta

import pytest

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.hearings import drawing, notify
from consult.hearings.common import HearingError
from consult.hearings.models import Draw
from consult.models import utcnow
from tests import factories
from tests.conftest import login
from tests.hearings import factories as hf


def test_early_close_needs_confirmation_and_a_public_reason(client):
    w = factories.world()
    m = hf.meeting(w)
    hf.registration(m)
    login(client, w["organiser"])
    staff = client.get(f"/staff/hearings/{m.id}").get_data(as_text=True)
    assert '<details class="confirm">' in staff and "将提前截止报名" in staff and 'name="early_reason"' in staff
    client.post(f"/staff/hearings/{m.id}/seed", data={"early_reason": "报名人数已远超名额"})  # not confirmed
    assert db.session.query(Draw).count() == 0
    client.post(f"/staff/hearings/{m.id}/seed", data={"confirm": "y"})  # no reason
    assert db.session.query(Draw).count() == 0
    resp = client.post(f"/staff/hearings/{m.id}/seed", data={"confirm": "y", "early_reason": "报名人数已远超名额"})
    assert resp.status_code == 302 and db.session.query(Draw).count() == 1
    public = client.get(f"/hearings/{m.id}").get_data(as_text=True)
    assert "提前截止报名的理由" in public and "报名人数已远超名额" in public
    entry = db.session.query(AuditEntry).filter_by(action="hearing.registration.close").one()
    assert entry.note == "报名人数已远超名额"


def test_draw_only_after_the_configured_delay(app):
    w = factories.world()
    m = hf.meeting(w)
    hf.registration(m)
    now = utcnow()
    drawing.publish_seed(m, actor=w["organiser"], now=now, early_reason="测试")
    db.session.commit()
    with pytest.raises(HearingError, match="须公开满 24 小时"):
        drawing.run_selection(m, actor=w["organiser"], now=now + timedelta(hours=23, minutes=59))
    db.session.rollback()
    app.config["HEARING_DRAW_DELAY_HOURS"] = 2
    try:
        drawing.run_selection(m, actor=w["organiser"], now=now + timedelta(hours=2))
    finally:
        app.config["HEARING_DRAW_DELAY_HOURS"] = 24
    assert drawing.draw_of(m).ran_at is not None


def test_receipt_shows_one_code_and_when_the_draw_happens(client):
    w = factories.world()
    m = hf.meeting(w)
    reg = hf.registration(m)
    page = client.get(f"/hearings/r/{reg.receipt_code}").get_data(as_text=True)
    assert reg.receipt_display in page and "何时抽签" in page and "以后公开抽签" in page
    assert reg.public_id not in page and reg.ticket_code not in page and "报名编号" not in page
    assert "报名编号" not in notify.body("received", reg) and reg.ticket_code not in notify.body("selected", reg)
