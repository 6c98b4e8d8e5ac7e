import html as html_lib
import io
import re

from sqlalchemy import func, select

from consult.extensions import db
from consult.surveys.models import Answer, Response
from consult.surveys.spec import load_spec
from tests import factories
from tests.conftest import login
from tests.surveys.helpers import DEFAULT, form_for, q_by_code, standard_survey


def _walk(client, spec, answers: dict):
    """Go through the pages like a phone without JavaScript: POST each section."""
    data = {k: v for k, v in form_for(spec, **answers).items()}
    url = f"/surveys/{spec.id}/fill"
    resp = client.get(url)
    assert resp.status_code == 200
    page, carried = 0, {}
    for _ in range(10):
        here = {k: v for k, v in data.items() if int(re.match(r"q(\d+)", k).group(1)) in
                {q.id for q in spec.sections[page].questions}}
        html = resp.get_data(as_text=True)
        carried = {}
        for name, value in re.findall(r'<input type="hidden" name="(q[\d_a-z]+)" value="([^"]*)">', html):
            carried.setdefault(name, []).append(html_lib.unescape(value))  # as a browser sends it
        action = "submit" if "提交问卷" in html else "next"
        resp = client.post(url, data={**carried, **here, "_page": str(page), "_action": action})
        if resp.status_code == 302:
            return resp
        if resp.status_code == 422:
            return resp
        page = int(re.search(r'name="_page" value="(\d+)"', resp.get_data(as_text=True)).group(1))
    raise AssertionError("did not finish")


def test_resident_answers_without_javascript_and_sees_receipt(client):
    w = factories.world()
    spec = load_spec(standard_survey(w).id)
    notice_html = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    assert f"/surveys/{spec.id}" in notice_html
    resp = _walk(client, spec, DEFAULT | {"support": "oppose", "oppose_reason": "施工噪声<script>", "suggestions": "夜间停工"})
    assert resp.status_code == 302 and "/surveys/receipts/" in resp.location
    html = client.get(resp.location).get_data(as_text=True)
    assert "问卷已提交" in html and "施工噪声&lt;script&gt;" in html and "夜间停工" in html
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert "sv_device" in resp.headers.get("Set-Cookie", "") or client.get_cookie("sv_device")


def test_condition_skips_question_between_sections(client):
    w = factories.world()
    spec = load_spec(standard_survey(w).id)
    resp = _walk(client, spec, DEFAULT | {"support": "support", "oppose_reason": "不该保存"})
    assert resp.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Answer).where(
        Answer.question_id == q_by_code(spec, "oppose_reason").id)) == 0


def test_error_keeps_answers_and_is_shown_next_to_field(client):
    w = factories.world()
    spec = load_spec(standard_survey(w).id)
    rel, dist = q_by_code(spec, "relation"), q_by_code(spec, "distance")
    data = form_for(spec, relation="direct")
    resp = client.post(f"/surveys/{spec.id}/fill", data={**data, "_page": "0", "_action": "next"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert f'id="{dist.field}-error">请选择一项。' in html
    assert re.search(rf'name="{rel.field}" value="{data[rel.field][0]}"\s+checked', html)
    assert f'aria-describedby="{dist.field}-error"' in html


def test_closed_or_draft_survey(client):
    w = factories.world()
    s = standard_survey(w, publish=False)
    assert client.get(f"/surveys/{s.id}").status_code == 404
    assert client.post(f"/surveys/{s.id}/fill", data={}).status_code == 404


def test_staff_pages_render_and_results_figures(client):
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    _walk(client, spec, DEFAULT)
    login(client, w["organiser"])
    for url in (f"/staff/surveys/{s.id}", f"/staff/surveys/{s.id}/results", f"/staff/surveys/{s.id}/entry",
                f"/staff/matters/{w['matter'].id}", f"/staff/surveys/{s.id}/invitations",
                f"/staff/questions/{spec.questions[0].id}/edit",
                f"/staff/surveys/{s.id}/texts/{q_by_code(spec, 'suggestions').id}?q=x",
                f"/staff/surveys/{s.id}/results?x={spec.questions[0].id}&y={q_by_code(spec, 'support').id}"):
        assert client.get(url).status_code == 200, url
    data = client.get(f"/staff/surveys/{s.id}/results.json").get_json()
    assert data["totals"]["total"] == 1 and data["rates"][1]["percent"] == 100.0
    assert client.get(f"/staff/surveys/{s.id}/export.csv").status_code == 200
    assert client.get(f"/staff/surveys/{s.id}/export.xlsx").status_code == 200
    assert client.get(f"/staff/surveys/{s.id}/template.xlsx").status_code == 200


def test_assessor_sees_results_but_cannot_export_personal_data(client):
    w = factories.world()
    s = standard_survey(w)
    login(client, w["assessor"])
    assert client.get(f"/staff/surveys/{s.id}/results").status_code == 200
    # a personal export is a POST (never a link); GET ?personal=1 gives the masked file
    assert client.get(f"/staff/surveys/{s.id}/export.csv?personal=1").status_code == 200
    assert client.post(f"/staff/surveys/{s.id}/export.csv", data={"personal": "1"}).status_code == 403
    login(client, w["other"])
    assert client.get(f"/staff/surveys/{s.id}/results").status_code == 403
    assert client.get(f"/staff/surveys/{s.id}/results.json").status_code == 403


def test_invitation_mode_through_pages(client):
    from consult.surveys import responses

    w = factories.world()
    s = standard_survey(w, mode="invitation")
    codes = responses.generate_invitations(s, actor=w["organiser"], count=1, batch="")
    db.session.commit()
    spec = load_spec(s.id)
    assert client.get(f"/surveys/{s.id}/fill").status_code == 302
    resp = client.post(f"/surveys/{s.id}/invite", data={"code": "NOPE1234"})
    assert resp.status_code == 422 and "邀请码不正确" in resp.get_data(as_text=True)
    assert client.post(f"/surveys/{s.id}/invite", data={"code": codes[0].code}).status_code == 302
    assert _walk(client, spec, DEFAULT).status_code == 302
    resp = client.post(f"/surveys/{s.id}/invite", data={"code": codes[0].code})
    assert "已被使用" in resp.get_data(as_text=True)


def test_sms_mode_through_pages(client):
    from consult.messaging.models import Message

    w = factories.world()
    s = standard_survey(w, mode="sms")
    spec = load_spec(s.id)
    resp = client.post(f"/surveys/{s.id}/sms", data={"phone": "12345"})
    assert resp.status_code == 422 and "11 位" in resp.get_data(as_text=True)
    assert client.post(f"/surveys/{s.id}/sms", data={"phone": "138 1234 5678"}).status_code == 302
    code = re.search(r"验证码 (\d{6})", db.session.scalar(select(Message.body))).group(1)
    assert client.post(f"/surveys/{s.id}/sms/verify", data={"code": code}).status_code == 302
    assert _walk(client, spec, DEFAULT).status_code == 302
    resp = client.post(f"/surveys/{s.id}/sms", data={"phone": "13812345678"})
    assert "已提交过" in resp.get_data(as_text=True)


def test_paper_entry_and_import_views(client):
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    login(client, w["assessor"])
    data = form_for(spec, **DEFAULT)
    resp = client.post(f"/staff/surveys/{s.id}/entry", data={**data, "channel": "paper", "enumerator": ""})
    assert resp.status_code == 422
    resp = client.post(f"/staff/surveys/{s.id}/entry", data={**data, "channel": "door", "enumerator": "王五"})
    assert resp.status_code == 302
    resp = client.post(f"/staff/surveys/{s.id}/import", data={"file": (io.BytesIO(b"junk"), "a.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and "无法读取" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
