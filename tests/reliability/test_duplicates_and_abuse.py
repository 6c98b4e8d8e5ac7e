"""Items 4 and 10: same-text comments from different people; per-phone SMS caps for hearings."""
from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.matters.models import Matter
from consult.notices.models import Comment, CommentStatus
from tests import factories


def _post(client, notice, body, addr):
    return client.post(f"/notices/{notice.id}/comments", data={"body": body, "stance": "oppose"},
                       environ_base={"REMOTE_ADDR": addr})


def test_same_text_from_another_resident_is_kept(client):
    w = factories.world()
    assert _post(client, w["notice"], "坚决反对在此建设垃圾站", "10.0.0.1").status_code == 302
    assert _post(client, w["notice"], "坚决反对在此建设垃圾站", "10.0.0.2").status_code == 302
    assert db.session.query(Comment).count() == 2
    page = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert page.count("坚决反对在此建设垃圾站") == 2


def test_same_client_repeat_is_refused_within_the_window_only(client, app):
    from datetime import timedelta

    w = factories.world()
    assert _post(client, w["notice"], "重复的意见", "10.0.0.1").status_code == 302
    assert _post(client, w["notice"], "重复的意见", "10.0.0.1").status_code == 422
    first = db.session.scalar(select(Comment))
    first.created_at -= timedelta(hours=app.config["COMMENT_REPEAT_HOURS"] + 1)
    db.session.commit()
    assert _post(client, w["notice"], "重复的意见", "10.0.0.1").status_code == 302


def test_hidden_comment_text_cannot_be_probed(client):
    w = factories.world()
    m = db.session.get(Matter, w["matter"].id)
    m.requires_moderation = True
    db.session.commit()
    factories.comment(w["notice"], body="尚未公开的意见内容", status=CommentStatus.PENDING, client_hash="someone")
    resp = _post(client, w["notice"], "尚未公开的意见内容", "10.0.0.9")
    assert resp.status_code == 302  # no "already exists": nothing about hidden comments leaks
