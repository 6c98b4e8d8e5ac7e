"""Registration form: observers need no speaking points; optional fields say so; categories explained."""
from sqlalchemy import select

from consult.extensions import db
from consult.hearings.models import Registration
from tests import factories
from tests.hearings import factories as hf
from tests.hearings.test_views import form_data


def _start(client, m, phone="13912345678"):
    assert client.post(f"/hearings/{m.id}/register", data={"phone": phone}).status_code == 302


def test_observers_need_no_points_but_speakers_do(client):
    w = factories.world()
    m = hf.meeting(w, questions="您最希望讨论的问题")
    _start(client, m)
    r = client.post(f"/hearings/{m.id}/register/details", data=form_data(m, points="", name=""))
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "请填写发言要点（报名旁听人员可不填）。" in page and "请填写" in page
    r = client.post(f"/hearings/{m.id}/register/details",
                    data=form_data(m, points="", category=str(hf.category(m, "observers").id)))
    assert r.status_code == 302
    assert db.session.scalars(select(Registration)).one().points == ""


def test_optional_fields_are_marked_and_categories_explained(client):
    w = factories.world()
    m = hf.meeting(w, questions="您最希望讨论的问题")
    _start(client, m)
    page = client.get(f"/hearings/{m.id}/register/details").get_data(as_text=True)
    assert '您最希望讨论的问题 <span class="opt">（选填）</span>' in page
    assert '发言要点 <span class="opt">（选填）</span>' in page
    assert "现任各级人大代表、政协委员" in page and "组织单位会核实身份" in page


def test_demo_hearing_does_not_ask_for_the_address_twice():
    from consult.demo.seed import _data

    questions = _data()["hearing"]["questions"]
    assert not any("小区" in q or "楼号" in q or "住址" in q for q in questions)
