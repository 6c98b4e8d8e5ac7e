"""The personal-data walk: every staff page and export, as an assessor, shows no personal data
in full — no phone, ID number, address, name or personal answer that a resident gave.

Pages are found from the URL map, so a new staff page is walked without being listed here;
a page whose URL needs an id this walk cannot fill fails loudly (add it to ARGS)."""
from __future__ import annotations

import io
import itertools
import re
import subprocess

from docx import Document
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
    "letter writer's name": "诸葛明亮",
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
               "question_id": q.id, "meeting_id": m.id, "org_id": w["org"].id, "user_id": w["assessor"].id,
               **_workspace(w, c)}


def _workspace(w, comment) -> dict:
    """The assessor workspace over the same matter: the pool (the comment above mirrored into it),
    an analysis run with points, a register item, a report version; path values the views accept."""
    from consult.analysis import runs
    from consult.analysis.models import AnalysisRun, RiskPoint, Voice
    from consult.jobs import commit
    from consult.register.items import promote_points
    from consult.reports import render, services
    from consult.reports.models import Outcome, Stage
    from consult.reports.printforms import FORMS
    from consult.register.models import RiskLevel
    from tests.curation.helpers import add_letters, devset

    rows = devset(60)
    rows[0] = {**rows[0], "author": SECRETS["letter writer's name"]}  # a staff-recorded letter, signed in full
    letter = add_letters(w["matter"].id, rows)[0]
    run_id = runs.start_run(w["matter"], actor=w["assessor"], now=utcnow()).id
    commit()  # runs the job in-process: syncs the pool, analyses, stores the run's points
    db.session.expire_all()
    run = db.session.get(AnalysisRun, run_id)
    point = db.session.get(RiskPoint, run.points[0].risk_point_id)
    voice = db.session.scalar(db.select(Voice).where(Voice.source_ref == f"comment:{comment.id}"))
    for v in (voice, letter):  # the commenter's and the letter writer's texts are evidence of the point
        v.point_id, v.is_pinned = point.id, True
    db.session.commit()
    item = promote_points(w["matter"], [point], actor=w["assessor"], title="", now=utcnow())
    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    services.set_level(a, actor=w["assessor"], now=utcnow(), level=RiskLevel.MEDIUM, reason="综合判断",
                       outcome=Outcome.IMPROVE, conditions="安装除臭设施")
    version = services.save_version(a, actor=w["assessor"], now=utcnow(), stage=Stage.SUBMITTED)
    db.session.commit()
    return {"run_id": run_id, "point_id": point.id, "item_id": item.id, "version_id": version.id,
            "fmt": sorted(render.FORMATS), "name": sorted(FORMS)}


def _text(resp) -> str:
    if resp.mimetype.endswith("spreadsheetml.sheet"):
        wb = load_workbook(io.BytesIO(resp.data))
        return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    if resp.mimetype.endswith("wordprocessingml.document"):
        doc = Document(io.BytesIO(resp.data))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    if resp.mimetype == "application/pdf":  # poppler reads fpdf2's CJK subset fonts right
        return subprocess.run(["pdftotext", "-", "-"], input=resp.data, capture_output=True, check=True).stdout.decode()
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
        # an id given as a list (formats, form names) is walked with each of its values
        values = [ids[a] if isinstance(ids[a], list) else [ids[a]] for a in rule.arguments]
        for combo in itertools.product(*values):
            filled = dict(zip(rule.arguments, combo))
            urls.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(filled[m.group(1)]), rule.rule))
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
