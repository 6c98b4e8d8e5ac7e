from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.exceptions import Forbidden

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.matters.models import MatterStatus
from consult.models import utcnow
from consult.notices import services
from consult.notices.models import Attachment, Notice, NoticeStatus
from consult.notices.sanitize import clean_html
from tests import factories
from tests.conftest import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 30
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _values(days=14, reason=None, **kw):
    now = utcnow()
    v = dict(title="公示", body="<p>正文</p>", starts_at=now, ends_at=now + timedelta(days=days),
             short_period_reason=reason)
    v.update(kw)
    return v


def test_bleach_allow_list_and_link_rel():
    html = clean_html('<p onclick="x()">你好<script>alert(1)</script><a href="https://a.cn">链接</a>'
                      '<a href="javascript:alert(1)">坏</a><img src=x onerror=alert(1)></p>')
    assert "<script" not in html and "onclick" not in html and "onerror" not in html and "javascript:" not in html
    assert 'rel="noopener nofollow"' in html and "https://a.cn" in html


def test_short_period_needs_reason(app):
    w = factories.world()
    with pytest.raises(services.NoticeError, match="理由"):
        services.create_notice(w["matter"], actor=w["organiser"], **_values(days=5))
    n = services.create_notice(w["matter"], actor=w["organiser"], **_values(days=5, reason="紧急民生项目"))
    assert n.short_period_reason == "紧急民生项目"
    long_ = services.create_notice(w["matter"], actor=w["organiser"], **_values(days=10, reason="不需要"))
    assert long_.short_period_reason is None  # only kept where it was needed


def test_end_before_start_refused():
    w = factories.world()
    with pytest.raises(services.NoticeError, match="结束时间"):
        services.create_notice(w["matter"], actor=w["organiser"], **_values(days=-1, reason="x"))


def test_notice_opens_and_closes_by_itself():
    w = factories.world()
    start = datetime(2030, 1, 1, 1, 0, tzinfo=timezone.utc)
    n = factories.notice(w["matter"], starts_at=start, ends_at=start + timedelta(days=10))
    assert not n.is_open(start - timedelta(seconds=1)) and not n.is_public(start - timedelta(seconds=1))
    assert n.is_open(start) and n.is_open(start + timedelta(days=9, hours=23))
    assert not n.is_open(start + timedelta(days=10)) and n.is_public(start + timedelta(days=10))


def test_publish_moves_draft_matter_into_consultation_and_audits():
    w = factories.world()
    m = factories.matter(w["org"], status=MatterStatus.DRAFT)
    n = services.create_notice(m, actor=w["organiser"], **_values())
    services.publish_notice(n, actor=w["organiser"], now=utcnow())
    assert n.status == NoticeStatus.PUBLISHED and m.status == MatterStatus.CONSULTING
    actions = {e.action for e in db.session.query(AuditEntry).filter_by(matter_id=m.id)}
    assert {"notice.create", "notice.publish", "matter.status"} <= actions


def test_other_organiser_cannot_edit_notice():
    w = factories.world()
    with pytest.raises(Forbidden):
        services.update_notice(w["notice"], actor=w["other"], **_values())
    with pytest.raises(Forbidden):
        services.update_notice(w["notice"], actor=w["assessor"], **_values())


def test_attachment_type_checked_by_content(app):
    w = factories.world()
    att = services.add_attachment(w["notice"], actor=w["organiser"], filename="图.png", data=PNG)
    assert att.content_type == "image/png"
    pdf = services.add_attachment(w["notice"], actor=w["organiser"], filename="说明", data=PDF)
    assert pdf.content_type == "application/pdf" and pdf.filename == "说明.pdf"
    with pytest.raises(services.NoticeError, match="按文件内容判断"):
        services.add_attachment(w["notice"], actor=w["organiser"], filename="fake.pdf", data=b"<html>hi</html>")
    with pytest.raises(services.NoticeError, match="空文件"):
        services.add_attachment(w["notice"], actor=w["organiser"], filename="e.pdf", data=b"")
    app.config["UPLOAD_MAX_MB"] = 1
    try:
        with pytest.raises(services.NoticeError, match="超过"):
            services.add_attachment(w["notice"], actor=w["organiser"], filename="big.pdf",
                                    data=PDF + b"0" * (1024 * 1024))
    finally:
        app.config["UPLOAD_MAX_MB"] = 20


def test_upload_through_editor_is_all_or_nothing(client):
    w = factories.world()
    login(client, w["organiser"])
    import io

    resp = client.post(f"/staff/notices/{w['notice'].id}/edit", content_type="multipart/form-data", data={
        "title": "改过的标题", "body": "<p>正文</p>", "starts_at": "2030-01-01T09:00",
        "ends_at": "2030-02-01T09:00",
        "attachments": [(io.BytesIO(PNG), "ok.png"), (io.BytesIO(b"MZ\x90\x00exe"), "virus.pdf")]})
    assert resp.status_code == 422 and "virus.pdf" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notice, w["notice"].id).title != "改过的标题"
    assert db.session.query(Attachment).count() == 0


def test_attachment_download_public_only_when_notice_public(client):
    w = factories.world()
    att = services.add_attachment(w["notice"], actor=w["organiser"], filename="图.png", data=PNG)
    draft = factories.notice(w["matter"], status=NoticeStatus.DRAFT)
    hidden = services.add_attachment(draft, actor=w["organiser"], filename="草稿.png", data=PNG)
    db.session.commit()
    resp = client.get(f"/files/{att.id}/x.png")
    assert resp.status_code == 200 and resp.data == PNG and resp.mimetype == "image/png"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/files/{hidden.id}/x.png").status_code == 404


def test_public_list_filters(client):
    w = factories.world()
    closed = factories.notice(w["matter"], open_=False, title="已结束的公示")
    draft = factories.notice(w["matter"], status=NoticeStatus.DRAFT, title="草稿公示")
    future = factories.notice(w["matter"], starts_at=utcnow() + timedelta(days=2),
                              ends_at=utcnow() + timedelta(days=20), title="将来公示")
    other = factories.matter(w["org"], kind=factories.MatterKind.POLICY, area="C区")
    pol = factories.notice(other, title="政策公示")
    page = lambda q: client.get("/" + q).get_data(as_text=True)  # noqa: E731
    default = page("")
    assert w["notice"].title in default and pol.title in default
    assert closed.title not in default and draft.title not in default and future.title not in default
    assert closed.title in page("?state=closed") and w["notice"].title not in page("?state=closed")
    assert pol.title in page("?kind=policy") and w["notice"].title not in page("?kind=policy")
    assert pol.title in page("?area=C区") and w["notice"].title not in page("?area=C区")
    assert pol.title in page("?q=政策") and w["notice"].title not in page("?q=政策")
    assert client.get("/?q=%25&kind=bogus&page=-3&state=zzz").status_code == 200


def test_draft_notice_is_404_for_public(client):
    w = factories.world()
    draft = factories.notice(w["matter"], status=NoticeStatus.DRAFT)
    assert client.get(f"/notices/{draft.id}").status_code == 404
    login(client, w["organiser"])
    assert client.get(f"/notices/{draft.id}").status_code == 200


def test_notice_editor_round_trip_in_local_time(client):
    w = factories.world()
    login(client, w["organiser"])
    resp = client.post(f"/staff/matters/{w['matter'].id}/notices/new", data={
        "title": "新公示", "body": "<p>内容</p>", "starts_at": "2030-03-01T09:00",
        "ends_at": "2030-03-15T09:00"})
    assert resp.status_code == 302
    n = db.session.query(Notice).filter_by(title="新公示").one()
    assert n.starts_at == datetime(2030, 3, 1, 1, 0, tzinfo=timezone.utc)  # 09:00 Beijing
    page = client.get(f"/staff/notices/{n.id}/edit").get_data(as_text=True)
    assert 'value="2030-03-01T09:00"' in page
