from datetime import timedelta

import pytest
from werkzeug.exceptions import Forbidden

from consult.audit.models import AuditEntry
from consult.auth import services
from consult.auth.models import Role, User
from consult.extensions import db
from consult.models import utcnow
from tests import factories
from tests.conftest import login


def test_password_is_hashed_with_a_current_scheme(app):
    u = factories.user()
    assert factories.PASSWORD not in u.password_hash
    assert u.check_password(factories.PASSWORD) and not u.check_password("wrong")
    with app.test_request_context():
        app.config["PASSWORD_HASH_METHOD"] = "scrypt"
        try:
            u.set_password("another long password")
        finally:
            app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    assert u.password_hash.startswith("scrypt:")


def test_account_locks_after_repeated_failures(app):
    u = factories.user(username="zhang")
    now = utcnow()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(services.AuthError):
            services.authenticate("zhang", "wrong", now=now)
    with pytest.raises(services.AuthError, match="锁定"):
        services.authenticate("zhang", factories.PASSWORD, now=now)
    later = now + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    assert services.authenticate("ZHANG", factories.PASSWORD, now=later).id == u.id


def test_disabled_account_cannot_log_in(app):
    factories.user(username="off", is_enabled=False)
    with pytest.raises(services.AuthError, match="停用"):
        services.authenticate("off", factories.PASSWORD, now=utcnow())


def test_login_view_and_next_redirect(client):
    factories.user(username="li")
    resp = client.post("/staff/login?next=/staff/", data={"username": "li", "password": factories.PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/staff/")
    assert client.get("/staff/").status_code == 200


def test_login_refuses_open_redirect(client):
    factories.user(username="li")
    resp = client.post("/staff/login?next=//evil.example", data={"username": "li", "password": factories.PASSWORD})
    assert "evil" not in resp.headers["Location"]


def test_login_failure_shows_chinese_error(client):
    resp = client.post("/staff/login", data={"username": "nobody", "password": "x"})
    assert resp.status_code == 422
    assert "用户名或密码不正确" in resp.get_data(as_text=True)


def test_login_is_rate_limited_per_client(app, client):
    limit = int(app.config["RATE_LIMIT_LOGIN"].split()[0])
    codes = [client.post("/staff/login", data={"username": "x", "password": "y"}).status_code
             for _ in range(limit + 1)]
    assert codes[-1] == 429 and 429 not in codes[:-1]


def test_admin_creates_users_and_is_audited(client):
    admin = factories.user(Role.ADMIN)
    org = factories.organisation()
    login(client, admin)
    resp = client.post("/admin/users/new", data={
        "username": "wang", "display_name": "王五", "role": "organiser", "organisations": [org.id],
        "password": "a long enough password", "is_enabled": "y"})
    assert resp.status_code == 302
    u = db.session.query(User).filter_by(username="wang").one()
    assert u.organisation_ids == {org.id} and u.role == Role.ORGANISER
    entry = db.session.query(AuditEntry).filter_by(action="user.create").one()
    assert entry.actor_id == admin.id and entry.after["username"] == "wang"


def test_admin_cannot_demote_self(client):
    admin = factories.user(Role.ADMIN)
    with pytest.raises(services.AuthError):
        services.update_user(admin, actor=admin, display_name="x", role=Role.ORGANISER, is_enabled=True,
                             organisations=[])


def test_only_admin_manages_accounts():
    organiser = factories.user(Role.ORGANISER)
    with pytest.raises(Forbidden):
        services.create_organisation(actor=organiser, name="X")


def test_duplicate_username_refused_case_insensitive():
    admin = factories.user(Role.ADMIN)
    factories.user(username="Chen")
    with pytest.raises(services.AuthError, match="已被使用"):
        services.create_user(actor=admin, username="chen", display_name="陈", password="x" * 12,
                             role=Role.ASSESSOR)


def test_csrf_is_required_on_login(client, csrf):
    factories.user(username="li")
    resp = client.post("/staff/login", data={"username": "li", "password": factories.PASSWORD})
    assert resp.status_code == 400
    assert "安全校验失败" in resp.get_data(as_text=True)


def test_admin_renames_organisation_with_audit(client):
    admin = factories.user(Role.ADMIN)
    org, other = factories.organisation("城管局"), factories.organisation("人社局")
    login(client, admin)
    resp = client.post(f"/admin/organisations/{org.id}", data={"name": "人社局"})
    assert resp.status_code == 200 and "已存在同名单位" in resp.get_data(as_text=True)
    resp = client.post(f"/admin/organisations/{org.id}", data={"name": "城市管理局", "description": "B区"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(org), org.id).name == "城市管理局"
    entry = db.session.query(AuditEntry).filter_by(action="organisation.update").one()
    assert entry.before["name"] == "城管局" and entry.after["name"] == "城市管理局"
