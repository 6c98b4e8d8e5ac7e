"""Refused submissions do not count against the limit; the 429 page keeps labelled text."""
from consult.extensions import db
from consult.notices.models import Comment
from tests import factories


def _post(client, notice, **data):
    payload = {"body": "垃圾站离学校太近，建议换址。", "stance": "conditional"}
    payload.update(data)
    return client.post(f"/notices/{notice.id}/comments", data=payload)


def test_invalid_submits_do_not_count(app, client):
    w = factories.world()
    per_minute = int(app.config["RATE_LIMIT_COMMENTS"].split()[0])
    bad = [_post(client, w["notice"], body="").status_code for _ in range(per_minute + 3)]
    assert bad == [422] * (per_minute + 3)
    resp = _post(client, w["notice"], body="改正后的有效意见")
    assert resp.status_code == 302
    assert db.session.query(Comment).count() == 1


def test_429_page_labels_fields_and_links_back(app, client):
    w = factories.world()
    per_minute = int(app.config["RATE_LIMIT_COMMENTS"].split()[0])
    for i in range(per_minute):
        assert _post(client, w["notice"], body=f"第{i}条意见").status_code == 302
    resp = _post(client, w["notice"], body="被限流的这段话", name="王五", phone="13812345678", consent="y")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 429
    assert '<label for="kept-1">意见内容</label>' in page and "被限流的这段话" in page
    assert '<label for="kept-2">姓名</label>' in page
    assert ">conditional<" not in page and ">y<" not in page
    assert f'href="/notices/{w["notice"].id}#comment"' in page and "返回公示页面" in page


def test_hearing_phone_step_counts_only_codes_sent(app, client):
    from tests.hearings import factories as hf

    w = factories.world()
    m = hf.meeting(w)
    per_minute = int(app.config["HEARING_RATE_LIMIT_SMS"].split()[0])
    bad = [client.post(f"/hearings/{m.id}/register", data={"phone": "123"}).status_code for _ in range(per_minute + 2)]
    assert bad == [422] * (per_minute + 2)
    assert client.post(f"/hearings/{m.id}/register", data={"phone": "13912345678"}).status_code == 302
