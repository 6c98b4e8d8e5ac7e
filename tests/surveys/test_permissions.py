"""Runs this domain's permission cases against every role (the global test does the same for
all domains), and checks every POST endpoint of the domain has a case and CSRF is enforced."""
import pytest

from consult.auth.models import Role
from tests import factories
from tests.conftest import login
from tests.permission_support import ROLES
from tests.surveys.permission_cases import CASES


def _as(client, w, role):
    users = {"other_organiser": w["other"], "organiser": w["organiser"], "assessor": w["assessor"],
             "admin": w["admin"]}
    if role in users:
        login(client, users[role])


@pytest.mark.parametrize("case", CASES, ids=[c.endpoint for c in CASES])
@pytest.mark.parametrize("role", ROLES)
def test_case(app, role, case):
    client = app.test_client()
    w = factories.world()
    url, data = case.url(w), case.data(w)
    _as(client, w, role)
    resp = client.open(url, method=case.method, data=data)
    refused = resp.status_code == 403 or (resp.status_code == 302 and "/login" in resp.location)
    assert refused == (role not in case.allowed), (role, url, resp.status_code)
    assert resp.status_code < 500


def test_every_post_endpoint_has_a_case(app):
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods
             and r.endpoint.split(".")[0] in ("surveys", "surveys_staff")}
    assert posts == {c.endpoint for c in CASES}


def test_csrf_required(app, client, csrf):
    w = factories.world()
    url = CASES[0].url(w)
    assert client.post(url, data={"_page": "0"}).status_code == 400
    login(client, w["organiser"])
    assert client.post(CASES[6].url(w)).status_code == 400
