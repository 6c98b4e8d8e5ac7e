"""Bad input through every form of tracking and the warning loop: a Chinese message and 422, the other
answers kept, at most the field's limit echoed, nothing saved, never a 500."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from consult.auth.models import Role, User
from consult.extensions import db
from consult.oversight.models import RiskWarning, TrackingEntry, WarningAction
from tests import factories
from tests.conftest import http_safe, load_badinput, login
from tests.oversight_warnings import builders
from tests.permission_support import add_outside_roles

KEEP = "保留的内容ABC"


def _setup(form):
    w = add_outside_roles(factories.world())
    builders.decide(w["matter"], builders.today() - timedelta(days=5))
    today = builders.today().isoformat()
    if form == "tracking":
        login(client_of[0], w["organiser"])
        return (f"/oversight/matters/{w['matter'].id}/tracking",
                {"observed_on": today, "phase": "during", "observation": KEEP, "new_complaints": "2", "level": "yellow",
                 "owner_unit": KEEP, "deadline": ""}, TrackingEntry)
    if form == "raise":
        login(client_of[0], w["organiser"])
        return (f"/oversight/matters/{w['matter'].id}/warnings",
                {"level": "yellow", "title": KEEP, "detail": KEEP, "owner_unit": KEEP, "owner_id": "", "deadline": ""},
                RiskWarning)
    warning = builders.warning(w["matter"], deadline=builders.today() + timedelta(days=3))
    if form == "action":
        login(client_of[0], w["organiser"])
        return f"/oversight/warnings/{warning.id}/actions", {"taken_on": today, "text": KEEP}, WarningAction
    login(client_of[0], w["supervisor"])
    return f"/oversight/warnings/{warning.id}/close", {"review": KEEP, "resolved": "yes"}, None


client_of: list = []


@pytest.fixture
def post(client):
    client_of[:] = [client]
    yield client
    client_of.clear()


def _count(model):
    if model is None:
        return db.session.scalar(select(func.count(RiskWarning.id)).where(RiskWarning.status == "closed"))
    return db.session.scalar(select(func.count(model.id)))


TEXT = {("tracking", "observation", 2000, True), ("tracking", "owner_unit", 200, False), ("raise", "title", 200, True),
        ("raise", "detail", 2000, False), ("raise", "owner_unit", 200, True), ("action", "text", 2000, True),
        ("close", "review", 2000, True)}
DATES = {("tracking", "observed_on", True), ("tracking", "deadline", False), ("raise", "deadline", False),
         ("action", "taken_on", True)}
CHOICES = {("tracking", "phase", "请选择事中跟踪或事后跟踪。"), ("tracking", "level", "请从列表中选择预警等级。"),
           ("raise", "level", "请选择红色预警或黄色预警。"), ("raise", "owner_id", "请从列表中选择责任人。"),
           ("close", "resolved", "请选择风险是否已化解。")}
REQUIRED_TEXT = {"observation": "请填写跟踪中看到的情况。", "title": "请填写预警事由。", "owner_unit": "请填写责任单位。",
                 "text": "请填写采取的处置措施。", "review": "请填写销号审查意见。"}


def _refused(resp, model, before, message, keep_field=None):
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422, resp.status_code
    assert message in page
    assert _count(model) == before
    if keep_field:
        assert KEEP in page  # the user's other answers are kept
    return page


@pytest.mark.parametrize("form, name, limit, required", sorted(TEXT))
def test_text_fields(app, post, form, name, limit, required):
    url, data, model = _setup(form)
    if (form, name) == ("tracking", "owner_unit"):
        data["new_risk"] = "y"  # the unit is that of the warning a new risk raises
    before = _count(model)
    if required:
        _refused(post.post(url, data={**data, name: " \u3000 "}), model, before, REQUIRED_TEXT[name])
    page = _refused(post.post(url, data={**data, name: "长" * (limit + 1)}), model, before,
                    f"内容过长：最多 {limit} 个字，当前 {limit + 1} 个字。")
    assert "长" * (limit + 1) not in page and "长" * limit in page  # echoes at most the limit
    _refused(post.post(url, data={**data, name: "空\x00字节"}), model, before, "内容含有无法保存的控制字符")
    # markup, emoji, mixed scripts and full-width digits are text like any other: kept as typed, shown escaped
    value = "<script>alert(1)</script>😀 Ünïcode мир ２０２６"
    resp = post.post(url, data={**data, name: value})
    assert resp.status_code == 303, resp.get_data(as_text=True)[-3000:]
    assert _count(model) == before + 1
    page = post.get(resp.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;😀 Ünïcode мир ２０２６" in page


@pytest.mark.parametrize("form, name, required", sorted(DATES))
@pytest.mark.parametrize("value", ["明天", "2026-02-30", "2026/03/01", "<b>2026</b>", "😀", "1" * 5000, "2026-01-01\x00"])
def test_date_fields(app, post, form, name, required, value):
    url, data, model = _setup(form)
    page = _refused(post.post(url, data={**data, name: value}), model, _count(model), "日期无效，请按 2026-12-31 的格式填写。",
                    keep_field=True)
    assert "1" * 11 not in page


@pytest.mark.parametrize("form, name, required", sorted(DATES))
def test_empty_and_full_width_dates(app, post, form, name, required):
    url, data, model = _setup(form)
    before = _count(model)
    if required:
        _refused(post.post(url, data={**data, name: ""}), model, before, "请填写日期，格式如 2026-12-31。", keep_field=True)
    full_width = builders.today().isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    if name == "deadline":
        full_width = (builders.today() + timedelta(days=3)).isoformat().translate(
            str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert post.post(url, data={**data, name: full_width}).status_code == 303
    assert _count(model) == before + 1


@pytest.mark.parametrize("value", ["三", "-1", "1.5", "100001", "😀", "<i>1</i>", "1\x00"])
def test_complaint_count(app, post, value):
    url, data, model = _setup("tracking")
    _refused(post.post(url, data={**data, "new_complaints": value}), model, 0, "请填写 0–100000 之间的整数。", keep_field=True)


def test_complaint_count_full_width_and_empty(app, post):
    url, data, model = _setup("tracking")
    assert post.post(url, data={**data, "new_complaints": "１２"}).status_code == 303
    assert post.post(url, data={**data, "observation": "第二条", "new_complaints": ""}).status_code == 303
    assert [e.new_complaints for e in db.session.scalars(select(TrackingEntry).order_by(TrackingEntry.id))] == [12, 0]


@pytest.mark.parametrize("form, name, message", sorted(CHOICES))
@pytest.mark.parametrize("value", ["", "purple", "<script>", "９"])
def test_choices(app, post, form, name, message, value):
    if name == "owner_id" and value == "":
        return  # "不指定" is a choice
    url, data, model = _setup(form)
    _refused(post.post(url, data={**data, name: value}), model, _count(model), message)


FORMS = {"tracking": "TrackingForm", "raise": "RaiseForm", "action": "ActionForm", "close": "CloseForm"}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_corpus_never_breaks_a_form(app, post, form):
    """Every corpus string in every text and date field through the form itself (fast), and a sample of
    them through the page with the string in all those fields at once: never a 500."""
    from werkzeug.datastructures import MultiDict

    from consult.oversight import warning_forms

    strings = [s for s in load_badinput() if http_safe(s)]
    url, data, model = _setup(form)
    fields = [f for (fm, f, _l, _r) in TEXT if fm == form] + [f for (fm, f, _r) in DATES if fm == form]
    cls = getattr(warning_forms, FORMS[form])
    with app.test_request_context(method="POST"):
        for s in strings:
            f = cls(formdata=MultiDict({**data, **{name: s for name in fields}}))
            if form == "raise":
                f.owner_id.choices = [("", "")]
            if f.validate():
                assert "\x00" not in s
    for s in strings[::9]:
        resp = post.post(url, data={**data, **{name: s for name in fields}})
        assert resp.status_code in (303, 409, 422), (s, resp.status_code)


def test_the_notification_email_on_the_account_form(app, client):
    admin = factories.user(Role.ADMIN, username="boss")
    sup = factories.user(Role.SUPERVISOR, username="zfw", display_name="政法委")
    login(client, admin)
    data = {"username": "zfw", "display_name": "政法委", "role": "supervisor", "is_enabled": "y", "password": ""}
    for bad in ("not-an-address", "a@b", "a b@c.cn", "x@" + "y" * 260 + ".cn", "a@b.cn\x00"):
        resp = client.post(f"/admin/users/{sup.id}", data={**data, "email": bad})
        assert resp.status_code == 200 and "请修改以下内容后再提交" in resp.get_data(as_text=True), bad
    assert db.session.get(User, sup.id).email is None
    assert client.post(f"/admin/users/{sup.id}", data={**data, "email": "zfw@example.gov.cn"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, sup.id).email == "zfw@example.gov.cn"
    assert client.post(f"/admin/users/{sup.id}", data={**data, "email": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, sup.id).email is None
