"""The personal-data walk: every staff page and export, as an assessor, shows no personal data
in full — no phone, ID number, address, name or personal answer that a resident gave.

Pages are found from the URL map, so a new staff page is walked without being listed here;
a page whose URL needs an id this walk cannot fill fails loudly (add it to ARGS)."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from consult.crypto import encrypt
from consult.extensions import db
from consult.hearings.models import RegStatus
from consult.models import utcnow
from consult.notices.models import Comment, CommentStatus
from tests import factories
from tests.conftest import login
from tests.hearings import factories as hf
from tests.reliability.test_personal_answers import PHONE as ANSWER_PHONE, _survey_with_personal_answer

SECRETS = {
    "commenter's name": "欧阳娜娜", "commenter's phone": "13700001111",
    "phone typed in a comment": "13700002222", "ID number typed in a comment": "110101199003071234",
    "personal answer": ANSWER_PHONE, "comment receipt code": "ABCDEFGHJK",
    "registrant's name": "司马光明", "registrant's phone": "13600003333", "registrant's address": "幸福路88号3单元",
}
SKIP = {"auth.login", "static"}


def _world():
    w = factories.world()
    body = f"我反对。请回电{SECRETS['phone typed in a comment']}，身份证{SECRETS['ID number typed in a comment']}。"
    c = Comment(matter_id=w["matter"].id, notice_id=w["notice"].id, receipt_code="ABCDEFGHJK", body=body,
                body_hash="h1", stance=factories.Stance.OPPOSE, status=CommentStatus.PUBLISHED,
                author_name=SECRETS["commenter's name"], phone_enc=encrypt(SECRETS["commenter's phone"]),
                phone_masked="137****1111", consent_version="v", created_at=utcnow())
    db.session.add(c)
    survey, q, code = _survey_with_personal_answer(w)
    SECRETS["questionnaire receipt code"] = code
    m = hf.meeting(w)
    reg = hf.registration(m, name=SECRETS["registrant's name"], phone=SECRETS["registrant's phone"],
                          status=RegStatus.SELECTED)
    reg.address_enc = encrypt(SECRETS["registrant's address"])
    db.session.commit()
    return w, {"matter_id": w["matter"].id, "notice_id": w["notice"].id, "survey_id": survey.id,
               "question_id": q.id, "meeting_id": m.id, "org_id": w["org"].id, "user_id": w["assessor"].id}


def _text(resp) -> str:
    if resp.mimetype.endswith("spreadsheetml.sheet"):
        wb = load_workbook(io.BytesIO(resp.data))
        return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    return resp.get_data(as_text=True)


def _leaks(text: str) -> list[str]:
    text = text.replace("-", "")  # receipt codes are shown as ABCDE-FGHJK
    return [what for what, value in SECRETS.items() if value in text]


def _urls(app, ids, client):
    urls, unknown = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        if not rule.rule.startswith(("/staff", "/admin")):
            continue
        missing = [a for a in rule.arguments if a not in ids]
        if missing:
            unknown.append(f"{rule.rule} ({', '.join(missing)})")
            continue
        urls.append(rule.rule.replace("<int:", "<").format_map({}) if False else
                    re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule))
    return sorted(set(urls)), unknown


def test_assessor_sees_no_personal_data_anywhere(app, client):
    w, ids = _world()
    login(client, w["assessor"])
    # the assessor's own background export, so the job page and its download are walked too
    resp = client.post(f"/staff/surveys/{ids['survey_id']}/exports", data={"format": "xlsx"})
    ids["job_id"] = int(resp.headers["Location"].rsplit("/", 1)[-1])
    urls, unknown = _urls(app, ids, client)
    assert not unknown, f"staff pages this walk cannot fill (add their ids to the walk): {unknown}"
    visited, leaks = [], {}
    for url in urls:
        resp = client.get(url)
        if resp.status_code in (302, 403, 404, 405):
            continue
        assert resp.status_code == 200, (url, resp.status_code)
        visited.append(url)
        if found := _leaks(_text(resp)):
            leaks[url] = found
    assert not leaks, f"personal data shown in full to an assessor: {leaks}"
    assert len(visited) >= 20, visited  # the walk really saw the staff side


def test_the_walk_finds_a_leak_when_there_is_one(app, client):
    """The check itself works: an organiser's reveal does show the data the walk looks for."""
    w, ids = _world()
    login(client, w["organiser"])
    resp = client.post(f"/staff/hearings/{ids['meeting_id']}/registrations", data={"full": "1"})
    assert "registrant's name" in _leaks(_text(resp)) and "registrant's phone" in _leaks(_text(resp))
