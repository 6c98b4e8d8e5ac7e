"""Items 5, 6 and 7: login throttling, session revocation, the next= redirect."""
from __future__ import annotations

import pytest

from consult.auth import services
from consult.auth.models import Role
from consult.extensions import db
from consult.models import utcnow
from tests import factories
from tests.conftest import login


def _post_login(client, username, password, addr="10.0.0.1"):
    return client.post("/staff/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(client, app):
    factories.user(username="wang")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _post_login(client, "wang", "wrong", addr="10.9.9.9").status_code == 422
    locked = _post_login(client, "wang", factories.PASSWORD, addr="10.9.9.9")
    assert locked.status_code == 422 and "锁定" in locked.get_data(as_text=True)
    # the real user at the office is not locked out by the attacker
    assert _post_login(client, "wang", factories.PASSWORD, addr="10.1.1.1").status_code == 302


def test_lock_per_username_and_address_in_service(app):
    factories.user(username="zhao")
    now = utcnow()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(services.AuthError):
            services.authenticate("zhao", "wrong", now=now, client="attacker")
    with pytest.raises(services.AuthError, match="锁定"):
        services.authenticate("zhao", factories.PASSWORD, now=now, client="attacker")
    assert services.authenticate("zhao", factories.PASSWORD, now=now, client="office").username == "zhao"


def test_unknown_username_costs_a_password_hash_too(app, monkeypatch):
    from werkzeug import security

    calls = []
    real = security.check_password_hash
    monkeypatch.setattr("consult.auth.models.check_password_hash",
                        lambda h, p: calls.append(h) or real(h, p))
    factories.user(username="known")
    for name in ("known", "nobody-has-this-name"):
        with pytest.raises(services.AuthError):
            services.authenticate(name, "wrong", now=utcnow(), client="x")
    assert len(calls) == 2  # the unknown name is hashed as well: no timing difference


def test_good_logins_behind_one_nat_address_are_not_rate_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATE_LIMIT_LOGIN", "3 per 15 minutes")
    factories.user(username="office")
    codes = []
    for _ in range(6):
        codes.append(_post_login(client, "office", factories.PASSWORD, addr="10.2.2.2").status_code)
        client.post("/staff/logout")
    assert codes == [302] * 6
    bad = [_post_login(client, "office", "wrong", addr="10.2.2.2").status_code for _ in range(4)]
    assert bad == [422, 422, 422, 429]


def _logged_in_cookie_client(app, username):
    c = app.test_client()
    assert _post_login(c, username, factories.PASSWORD).status_code == 302
    assert c.get("/staff/").status_code == 200
    return c


def _replay(app, c):
    """A second client carrying a copy of c's session cookie (a stolen or replayed cookie)."""
    cookie = c.get_cookie("session")
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def test_replayed_cookie_stops_working_after_logout(app):
    factories.user(username="sun")
    c = _logged_in_cookie_client(app, "sun")
    thief = _replay(app, c)
    assert thief.get("/staff/").status_code == 200
    c.post("/staff/logout")
    resp = thief.get("/staff/")
    assert resp.status_code == 302 and "/staff/login" in resp.headers["Location"]


def test_password_reset_and_role_change_end_other_sessions(app):
    admin = factories.user(Role.ADMIN, username="root")
    u = factories.user(Role.ASSESSOR, username="qian")
    c = _logged_in_cookie_client(app, "qian")
    services.update_user(u, actor=admin, display_name="钱", role=Role.ASSESSOR, is_enabled=True,
                         organisations=[], password="a brand new long password")
    db.session.commit()
    assert c.get("/staff/").status_code == 302
    c = app.test_client()  # password changed: log in anew
    assert c.post("/staff/login", data={"username": "qian", "password": "a brand new long password"}).status_code == 302
    services.update_user(u, actor=admin, display_name="钱", role=Role.ASSESSOR, is_enabled=True, organisations=[])
    db.session.commit()
    assert c.get("/staff/").status_code == 200  # nothing changed that matters: still in
    org = factories.organisation("某单位")
    services.update_user(u, actor=admin, display_name="钱", role=Role.ORGANISER, is_enabled=True, organisations=[org])
    db.session.commit()
    assert c.get("/staff/").status_code == 302


def test_test_login_helper_still_works(client):
    u = factories.user(username="zhou")
    login(client, u)
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/\t/evil.example", "/%5Cevil.example", "/\\evil.example", "//evil.example",
    "https://evil.example/", "/%0d%0a/evil.example", " //evil.example", "/%2F/evil.example",
])
def test_login_never_redirects_off_site(client, target):
    factories.user(username="li")
    resp = client.post(f"/staff/login?next={target}", data={"username": "li", "password": factories.PASSWORD})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert "evil" not in location, location


def test_login_keeps_a_safe_next(client):
    factories.user(username="li")
    resp = client.post("/staff/login?next=/staff/matters/new", data={"username": "li", "password": factories.PASSWORD})
    assert resp.headers["Location"] == "/staff/matters/new"
