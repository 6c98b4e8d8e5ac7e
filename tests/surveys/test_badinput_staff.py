"""Every bad-input string through the organisers' text fields: survey title and intro, section
title and description, question text and help text, option labels (new and edited). Each is
stored exactly or refused with a Chinese message; never a 500, never half-saved, shown escaped."""
from datetime import timedelta

import pytest

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import utcnow
from consult.surveys import builder, questions
from consult.surveys.models import Option, Question, Section, Survey
from tests import factories
from tests.conftest import http_safe, load_badinput, login
from tests.surveys.helpers import standard_survey

REFUSALS = ("控制字符", "内容过长", "此项为必填项", "至少需要两个选项", "选项最多")


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _check_refused(resp, text, counts):
    assert resp.status_code == 422, (text, resp.status_code)
    html = resp.get_data(as_text=True)
    assert any(r in html for r in REFUSALS), text
    assert {m: _count(m) for m in counts} == counts, text


def _shown_escaped(client, url, text):
    if "<" in text and len(text) > 3:  # markup must come back escaped, never verbatim
        assert text not in client.get(url).get_data(as_text=True), text


CHUNKS = 4  # the corpus is split so that pytest-xdist can spread the work


def _strings(chunk: int) -> list[str]:
    return [s for s in load_badinput() if http_safe(s)][chunk::CHUNKS]


def _small_survey(w):
    now = utcnow()  # a small questionnaire: the builder page is rendered for markup strings
    s = builder.create_survey(w["matter"], actor=w["organiser"], title="小问卷", opens_at=now,
                              closes_at=now + timedelta(days=5))
    builder.add_section(s, actor=w["organiser"], title="第一部分")
    db.session.flush()
    choice = questions.add_question(s.sections[0], actor=w["organiser"], kind="single", text="原题",
                                    options=["甲", "乙"])
    db.session.commit()
    return s, choice


def _counts():
    return {m: _count(m) for m in (Survey, Section, Question, Option)}


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_survey_title_and_intro(client, chunk):
    strings, w = _strings(chunk), factories.world()
    login(client, w["organiser"])
    accepted = 0
    for text in strings:
        counts = _counts()
        resp = client.post(f"/staff/matters/{w['matter'].id}/surveys/new", data={
            "title": text, "intro": text, "opens_at": "2030-01-01T08:00", "closes_at": "2030-02-01T08:00",
            "mode": "open", "notice_id": "0"})
        assert resp.status_code in (302, 422), (text, resp.status_code)
        if resp.status_code == 302:
            new = db.session.scalar(select(Survey).order_by(Survey.id.desc()).limit(1))
            assert (new.title, new.intro) == (text, text), text
            _shown_escaped(client, resp.location, text)
            accepted += 1
        else:
            _check_refused(resp, text, counts)
    assert accepted > len(strings) // 2


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_section_title_and_description(client, chunk):
    strings, w = _strings(chunk), factories.world()
    s, _choice = _small_survey(w)
    login(client, w["organiser"])
    accepted = 0
    for text in strings:
        counts = _counts()
        resp = client.post(f"/staff/surveys/{s.id}/sections", data={"title": text, "description": text})
        assert resp.status_code in (302, 422), (text, resp.status_code)
        if resp.status_code == 302:
            sec = db.session.scalar(select(Section).order_by(Section.id.desc()).limit(1))
            assert (sec.title, sec.description) == (text, text), text
            accepted += 1
        else:
            _check_refused(resp, text, counts)
    assert accepted > len(strings) // 2


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_new_question_text_help_and_options(client, chunk):
    strings, w = _strings(chunk), factories.world()
    s, _choice = _small_survey(w)
    section_id, survey_id = s.sections[0].id, s.id
    login(client, w["organiser"])
    accepted = 0
    for text in strings:
        counts = _counts()
        resp = client.post(f"/staff/sections/{section_id}/questions", data={
            "kind": "single", "text": text, "help_text": text, "options": text + "\n普通选项", "required": "y"})
        assert resp.status_code in (302, 422), (text, resp.status_code)
        if resp.status_code == 302:
            q = db.session.scalar(select(Question).order_by(Question.id.desc()).limit(1))
            assert (q.text, q.help_text) == (text, text), text
            lines = [ln for ln in text.splitlines() if ln.strip()] + ["普通选项"]
            assert [o.label for o in sorted(q.options, key=lambda o: o.position)] == lines, text
            _shown_escaped(client, f"/staff/surveys/{survey_id}", text)
            questions.delete_question(q, actor=w["organiser"])  # keep the builder page small
            db.session.commit()
            accepted += 1
        else:
            _check_refused(resp, text, counts)
    assert accepted > len(strings) // 2


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_question_edit_text_help_and_option_label(client, chunk):
    strings, w = _strings(chunk), factories.world()
    s, choice = _small_survey(w)
    question_id, opt_id, survey_id = choice.id, choice.options[0].id, s.id
    login(client, w["organiser"])
    accepted = 0
    for text in strings:
        before = db.session.execute(select(Question.text, Question.help_text).where(Question.id == question_id)).one()
        label_before = db.session.scalar(select(Option.label).where(Option.id == opt_id))
        resp = client.post(f"/staff/questions/{question_id}/edit", data={
            "kind": "single", "text": text, "help_text": text, "required": "y", f"opt-{opt_id}": text})
        assert resp.status_code in (302, 422), (text, resp.status_code)
        db.session.expire_all()
        got = db.session.execute(select(Question.text, Question.help_text).where(Question.id == question_id)).one()
        label = db.session.scalar(select(Option.label).where(Option.id == opt_id))
        if resp.status_code == 302:
            assert tuple(got) == (text, text) and label == text, text
            _shown_escaped(client, f"/staff/questions/{question_id}/edit", text)
            accepted += 1
        else:
            assert any(r in resp.get_data(as_text=True) for r in REFUSALS), text
            assert tuple(got) == tuple(before) and label == label_before, text  # nothing half-saved
    assert accepted > len(strings) // 2
    assert builder.has_answers(db.session.get(Survey, survey_id)) is False


def test_non_ascii_digits_in_id_and_number_fields_are_refused_not_500(client):
    w = factories.world()
    s = standard_survey(w, publish=False)
    login(client, w["organiser"])
    group = next(q for q in s.questions if q.id == s.group_question_id)
    for value in ("²", "١٢", "1²", "９"):
        resp = client.post(f"/staff/surveys/{s.id}/targets", data={f"target-{group.options[0].id}": value})
        assert resp.status_code == 302
        assert "目标样本量请填写整数" in client.get(resp.location).get_data(as_text=True)
        resp = client.post(f"/staff/surveys/{s.id}/definitions", data={
            "awareness_question_id": value, "awareness_option_ids": value, "support_question_id": value})
        assert resp.status_code == 302
        q = s.questions[0]
        resp = client.post(f"/staff/questions/{q.id}/edit", data={"kind": q.kind.value, "text": q.text,
                                                                   "remove": value, "condition_option_ids": value})
        assert resp.status_code in (302, 422)
