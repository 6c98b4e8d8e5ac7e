"""Facts copied onto the response for the rate breakdowns; the submit path's version guard."""
import pytest
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import utcnow
from consult.surveys import questions, responses
from consult.surveys.models import Answer, Channel, Response, Survey
from consult.surveys.spec import cached_spec, load_spec
from tests import factories
from tests.conftest import login
from tests.surveys.helpers import DEFAULT, answers, form_for, q_by_code, standard_survey


class Anon:
    is_authenticated = False
    id = None


def _opt(spec, code, opt):
    return next(o.id for o in q_by_code(spec, code).options if o.code == opt)


def test_facts_are_stored_with_online_and_paper_responses():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    rid, _ = responses.submit_online(spec, answers(spec, relation="indirect", distance="d3k", aware="unaware",
                                                   aware_channel=None, support="oppose"),
                                     actor=Anon(), now=utcnow(), device="d", client_hash="c")
    pid, _ = responses.enter_paper(s, spec, answers(spec), actor=w["organiser"], channel=Channel.DOOR,
                                   enumerator="王调查员", now=utcnow())
    db.session.commit()
    r, p = db.session.get(Response, rid), db.session.get(Response, pid)
    assert (r.group_option_id, r.distance_option_id, r.aware_option_id, r.support_option_id) == (
        _opt(spec, "relation", "indirect"), _opt(spec, "distance", "d3k"), _opt(spec, "aware", "unaware"),
        _opt(spec, "support", "oppose"))
    assert p.support_option_id == _opt(spec, "support", "support") and p.group_option_id == _opt(spec, "relation", "direct")


def test_pointing_a_definition_at_another_question_rederives_the_facts():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    rid, _ = responses.submit_online(spec, answers(spec, in_scope="no", tolerance="hard"), actor=Anon(),
                                     now=utcnow(), device=None, client_hash=None)
    db.session.commit()
    version = s.version
    tol = q_by_code(spec, "tolerance")
    questions.set_definitions(s, actor=w["organiser"], awareness_question_id=spec.definitions.aware_qid,
                              awareness_option_ids=list(spec.definitions.aware_ids),
                              support_question_id=tol.id, support_option_ids=[_opt(spec, "tolerance", "full")],
                              group_question_id=q_by_code(spec, "in_scope").id, distance_question_id=None)
    db.session.commit()
    r = db.session.get(Response, rid)
    db.session.refresh(r)
    assert r.group_option_id == _opt(spec, "in_scope", "no")
    assert r.support_option_id == _opt(spec, "tolerance", "hard")
    assert r.distance_option_id is None and r.aware_option_id == _opt(spec, "aware", "know")
    assert s.version > version  # the cached structure (with the definitions) is rebuilt
    assert load_spec(s.id).definitions.support_qid == tol.id


def test_a_stale_structure_is_refused_and_nothing_is_stored():
    w = factories.world()
    s = standard_survey(w)
    old = load_spec(s.id)
    q = next(q for q in s.questions if q.code == "suggestions")
    questions.update_question(q, actor=w["organiser"], text="您还有哪些建议？")
    db.session.commit()
    with pytest.raises(responses.SpecChanged):
        responses.submit_online(old, answers(old), actor=Anon(), now=utcnow(), device="x", client_hash=None)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_submit_with_a_stale_cached_structure_retries_with_the_current_one(client):
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    assert cached_spec(s.id) is spec
    data = form_for(spec, **(DEFAULT | {"suggestions": "夜间停工"}))
    # another process changes the wording: this process's cache is now stale
    db.session.execute(Survey.__table__.update().where(Survey.__table__.c.id == s.id)
                       .values(version=Survey.__table__.c.version + 1))
    db.session.commit()
    assert cached_spec(s.id) is spec
    resp = client.post(f"/surveys/{s.id}/fill", data={**data, "_page": "3", "_action": "submit"})
    assert resp.status_code == 302 and "/surveys/receipts/" in resp.location
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert cached_spec(s.id).version == spec.version + 1


def test_closing_is_seen_by_a_process_with_a_cached_structure(app, client):
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    data = form_for(spec, **DEFAULT)
    login(client, w["organiser"])
    assert client.post(f"/staff/surveys/{s.id}/close").status_code == 302
    from consult.surveys import spec as spec_module

    spec_module._cache[s.id] = (None, spec)  # as a worker that cached it before the close sees it
    resident = app.test_client()
    resp = resident.post(f"/surveys/{s.id}/fill", data={**data, "_page": "3", "_action": "submit"})
    assert resp.status_code == 200 and "已结束" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
