"""Items 13 and 14: personal numbers typed into comments, and what caches may keep."""
from __future__ import annotations

import io

from consult.extensions import db
from consult.notices.models import Attachment
from consult.storage import storage
from tests import factories
from tests.conftest import login

TYPED = "我家电话13812345678，身份证号110101199003071234，座机010-12345678，请联系。"


def test_numbers_typed_in_a_comment_are_masked_on_public_pages(client):
    w = factories.world()
    resp = client.post(f"/notices/{w['notice'].id}/comments", data={"body": TYPED, "stance": "oppose"})
    receipt = client.get(resp.headers["Location"]).get_data(as_text=True)
    page = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    for html in (page, receipt):
        assert "13812345678" not in html and "110101199003071234" not in html and "12345678，" not in html
        assert "138****5678" in html and "110101********1234" in html and "我家电话" in html


def test_the_stored_comment_keeps_what_the_resident_typed(client):
    w = factories.world()
    client.post(f"/notices/{w['notice'].id}/comments", data={"body": TYPED, "stance": "oppose"})
    from consult.notices.models import Comment

    assert db.session.query(Comment).one().body == TYPED


def test_staff_pages_are_not_stored_by_caches(client):
    w = factories.world()
    login(client, w["organiser"])
    for url in ("/staff/", f"/staff/matters/{w['matter'].id}", f"/staff/matters/{w['matter'].id}/comments"):
        resp = client.get(url)
        assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store", url


def _attachment(notice, data=b"%PDF-1.4\n%%EOF\n"):
    key, digest = storage().save(data)
    att = Attachment(notice_id=notice.id, filename="plan.pdf", content_type="application/pdf", size=len(data),
                     storage_key=key, sha256=digest)
    db.session.add(att)
    db.session.commit()
    return att


def test_draft_attachments_are_private_public_ones_cacheable(client):
    w = factories.world()
    draft = factories.notice(w["matter"], status=factories.NoticeStatus.DRAFT)
    public_att, draft_att = _attachment(w["notice"]), _attachment(draft)
    assert client.get(f"/files/{public_att.id}/plan.pdf").headers["Cache-Control"] == "public, max-age=3600"
    assert client.get(f"/files/{draft_att.id}/plan.pdf").status_code == 404
    login(client, w["organiser"])
    resp = client.get(f"/files/{draft_att.id}/plan.pdf")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "private, no-store"


def test_deleted_attachment_is_removed_from_storage(client):
    w = factories.world()
    att = _attachment(w["notice"], b"%PDF-1.4\nunique-bytes-for-delete\n%%EOF\n")
    key = att.storage_key
    login(client, w["organiser"])
    assert client.post(f"/staff/attachments/{att.id}/delete").status_code == 302
    import pytest

    with pytest.raises(Exception):
        storage().read(key)
    assert io  # (storage is a folder by default)
