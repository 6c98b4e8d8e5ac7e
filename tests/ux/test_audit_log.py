"""The audit log reads in Chinese with Beijing time, filters by who/what/when; admins see changes
that belong to no matter."""
from datetime import datetime, timezone

from consult.audit.services import record
from consult.auth import services as auth_services
from consult.extensions import db
from consult.hearings import minutes
from consult.hearings.models import HearingStance
from consult.models import utcnow
from consult.notices import comments
from consult.notices.models import Adoption
from tests import factories
from tests.conftest import login
from tests.hearings import factories as hf


def test_matter_log_in_chinese_with_beijing_time(client):
    w = factories.world()
    c = factories.comment(w["notice"])
    comments.reply_comment(c, actor=w["organiser"], reply="已采纳", adoption=Adoption.ADOPTED,
                           adoption_reason=None, now=utcnow())
    m = hf.meeting(w)
    minutes.add_point(m, actor=w["organiser"], text="担心臭味", stance=HearingStance.OPPOSE, registration=None,
                      category=None, speaker="居民", answer="", now=utcnow())
    record(actor=w["organiser"], action="matter.status", obj=w["matter"], matter_id=w["matter"].id,
           before={"status": "consulting"}, after={"status": "closed"})
    entry = record(actor=w["organiser"], action="notice.update", obj=w["notice"], matter_id=w["matter"].id,
                   before={"ends_at": "2026-11-27T08:35:00+00:00"}, after={"ends_at": "2026-12-12T08:35:00+00:00"})
    entry.at = datetime(2026, 11, 29, 8, 35, 7, tzinfo=timezone.utc)
    db.session.commit()
    login(client, w["organiser"])
    html = client.get(f"/staff/matters/{w['matter'].id}/audit").get_data(as_text=True)
    assert "答复意见" in html and "记录发言要点" in html and "发言要点 " in html and "变更事项状态" in html
    assert "<strong>采纳情况</strong>：<span class=\"old\">—</span> → <span class=\"new\">采纳</span>" in html
    assert "<strong>状态</strong>：<span class=\"old\">征求意见中</span> → <span class=\"new\">已结束</span>" in html
    assert "2026年11月27日 16:35" in html and "2026年12月12日 16:35" in html
    assert "hearing.point.add" not in html and "SpeakerPoint" not in html and "stance: oppose" not in html
    assert "T08:35:00" not in html and "2026年11月29日 16:35:07".replace("年", "\u2060年\u2060").replace(
        "月", "\u2060月\u2060").replace("日", "\u2060日\u2060").replace(" ", "\u00a0") in html


def test_filters_who_what_when(client):
    w = factories.world()
    record(actor=w["organiser"], action="notice.publish", obj=w["notice"], matter_id=w["matter"].id)
    e = record(actor=w["admin"], action="matter.update", obj=w["matter"], matter_id=w["matter"].id)
    e.at = datetime(2025, 1, 1, 2, 0, tzinfo=timezone.utc)
    db.session.commit()
    login(client, w["organiser"])
    url = f"/staff/matters/{w['matter'].id}/audit"
    html = client.get(f"{url}?who={w['organiser'].id}").get_data(as_text=True)
    assert "发布公示" in html and "修改事项" not in html
    html = client.get(f"{url}?what=matter").get_data(as_text=True)
    assert "修改事项" in html and "发布公示" not in html
    html = client.get(f"{url}?from=2024-12-31&to=2025-01-01").get_data(as_text=True)
    assert "修改事项" in html and "发布公示" not in html
    assert client.get(f"{url}?from=bad&who=x&what=<b>").status_code == 200


def test_admin_log_has_accounts_and_organisations_only(client):
    w = factories.world()
    auth_services.create_organisation(actor=w["admin"], name="新单位")
    record(actor=w["organiser"], action="notice.publish", obj=w["notice"], matter_id=w["matter"].id)
    db.session.commit()
    login(client, w["admin"])
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "新建单位" in html and "发布公示" not in html
    login(client, w["organiser"])
    assert client.get("/admin/audit").status_code == 403
