"""Organiser comment list: search, stance/status filter, CSV export (masked); redaction keeps the original."""
from consult.audit.models import AuditEntry
from consult.crypto import encrypt
from consult.extensions import db
from consult.notices.models import Comment, CommentStatus, Stance
from tests import factories
from tests.conftest import login


def _world(client):
    w = factories.world()
    factories.comment(w["notice"], body="垃圾站离学校太近", stance=Stance.OPPOSE)
    factories.comment(w["notice"], body="=HYPERLINK(\"http://x\")支持建站", stance=Stance.SUPPORT,
                      author_name="王小明", phone_enc=encrypt("13812345678"), phone_masked="138****5678")
    factories.comment(w["notice"], body="希望加强除臭", stance=Stance.CONDITIONAL, status=CommentStatus.PENDING)
    login(client, w["organiser"])
    return w


def test_search_and_filters(client):
    w = _world(client)
    url = f"/staff/matters/{w['matter'].id}/comments"
    html = client.get(url + "?q=学校").get_data(as_text=True)
    assert "垃圾站离学校太近" in html and "希望加强除臭" not in html and "当前显示 1 条" in html
    html = client.get(url + "?stance=conditional").get_data(as_text=True)
    assert "希望加强除臭" in html and "垃圾站离学校太近" not in html
    html = client.get(url + "?stance=support&status=pending").get_data(as_text=True)
    assert "当前显示 0 条" in html
    code = db.session.query(Comment).filter_by(stance=Stance.OPPOSE).one().receipt_code
    assert "垃圾站离学校太近" in client.get(url + f"?q={code.lower()}").get_data(as_text=True)
    assert client.get(url + "?q=%25_%5C&stance=<script>").status_code == 200


def test_export_is_masked_and_formula_safe(client):
    w = _world(client)
    resp = client.get(f"/staff/matters/{w['matter'].id}/comments.csv?stance=support")
    text = resp.get_data().decode("utf-8-sig")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "王*" in text and "138****5678" in text and "王小明" not in text and "13812345678" not in text
    assert "'=HYPERLINK" in text and "垃圾站" not in text
    assert db.session.query(AuditEntry).filter_by(action="comment.export").count() == 1
    login(client, w["other"])
    assert client.get(f"/staff/matters/{w['matter'].id}/comments.csv").status_code == 403


def test_redaction_keeps_the_original_and_is_logged(client):
    w = factories.world()
    c = factories.comment(w["notice"], body="我是张建国，电话 138-1234-5678，楼下噪音太大")
    login(client, w["organiser"])
    page = client.get(f"/staff/matters/{w['matter'].id}/comments").get_data(as_text=True)
    assert "138-1234-5678</textarea>" in page  # the phone number is suggested
    resp = client.post(f"/staff/comments/{c.id}/redact", data={f"x{c.id}-words": "138-1234-5678\n张建国"})
    assert resp.status_code == 302
    db.session.expire_all()
    c = db.session.get(Comment, c.id)
    assert c.body == "我是（已隐去），电话 （已隐去），楼下噪音太大"
    assert c.body_original == "我是张建国，电话 138-1234-5678，楼下噪音太大"
    public = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert "张建国" not in public and "5678" not in public and "楼下噪音太大" in public
    entry = db.session.query(AuditEntry).filter_by(action="comment.redact").one()
    assert "2 处" in entry.note and "张建国" not in str(entry.after) + entry.note
    resp = client.post(f"/staff/comments/{c.id}/redact", data={f"x{c.id}-words": "不存在的字"})
    assert resp.status_code == 422 and "意见中没有找到：不存在的字" in resp.get_data(as_text=True)
    resp = client.post(f"/staff/comments/{c.id}/redact", data={f"x{c.id}-words": c.body})
    assert resp.status_code == 422 and "不予公开" in resp.get_data(as_text=True)
