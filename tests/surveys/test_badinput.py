"""Every bad-input string through every text question: stored exactly or refused clearly."""
from sqlalchemy import func, select

from consult.extensions import db, limiter
from consult.surveys import questions
from consult.surveys.models import Answer, Response
from consult.surveys.spec import load_spec
from tests import factories
from tests.conftest import http_safe, load_badinput
from tests.surveys.helpers import DEFAULT, form_for, q_by_code, standard_survey

REFUSALS = ("控制字符", "内容过长", "请回答此题", "请注明")


def test_every_string_through_every_text_question(client, monkeypatch):
    strings = [s for s in load_badinput() if http_safe(s)]
    monkeypatch.setattr(limiter, "enabled", False)
    w = factories.world()
    s = standard_survey(w)
    questions.add_question(s.sections[-1], actor=w["organiser"], kind="short_text", text="您的称呼（选填）",
                           required=False, code="short")
    db.session.commit()
    spec = load_spec(s.id)
    texts = {code: q_by_code(spec, code) for code in ("short", "oppose_reason", "suggestions")}
    other = q_by_code(spec, "occupation")
    last = len(spec.sections) - 1
    stored = refused = 0
    for text in strings:
        data = form_for(spec, **(DEFAULT | {"support": "oppose", "occupation": "other"}))
        for q in texts.values():
            data[q.field] = [text]
        data[f"{other.field}_other"] = [text]
        before = db.session.scalar(select(func.count()).select_from(Response))
        resp = client.post(f"/surveys/{spec.id}/fill", data={**data, "_page": str(last), "_action": "submit"})
        assert resp.status_code in (302, 422), (text, resp.status_code)
        db.session.expire_all()
        if resp.status_code == 302:
            stored += 1
            rid = db.session.scalar(select(func.max(Response.id)))
            got = dict(db.session.execute(select(Answer.question_id, Answer.value_text).where(
                Answer.response_id == rid, Answer.value_text.is_not(None))).all())
            for q in (*texts.values(), other):
                assert got.get(q.id) == text, (text, q.code)
            page = client.get(resp.location)
            assert page.status_code == 200
            if "<script" in text.lower() or "<img" in text.lower():
                assert text not in page.get_data(as_text=True)  # shown back escaped
        else:
            refused += 1
            html = resp.get_data(as_text=True)
            assert any(r in html for r in REFUSALS), text
            assert db.session.scalar(select(func.count()).select_from(Response)) == before
    assert stored > 0 and stored + refused == len(strings)
