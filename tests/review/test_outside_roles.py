"""Experts and supervisors see nothing but their own pages: every staff GET page of the app."""
import re

import pytest

from tests import factories
from tests.conftest import login
from tests.permission_support import add_outside_roles
from tests.review import builders

OWN = {"expert": "/review/", "supervisor": "/supervision/"}
ALLOWED = {"auth.login", "matters.dashboard", "expert.inbox", "supervision.filings"}


def _urls(app, w, a):
    ids = {"matter_id": w["matter"].id, "notice_id": w["notice"].id, "version_id": a.filed_version_id,
           "assessment_id": a.id, "assignment_id": 999999}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ALLOWED or rule.endpoint == "static":
            continue
        if not (rule.rule.startswith("/staff") or rule.rule.startswith("/admin") or rule.rule.startswith("/review")
                or rule.rule.startswith("/supervision")):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(ids.get(name, 1)), url)
        yield rule.endpoint, url


@pytest.mark.parametrize("role", ["expert", "supervisor"])
def test_outside_roles_see_nothing_else(app, client, role):
    w = add_outside_roles(factories.world())
    a = builders.filed(w)
    login(client, w[role])
    for endpoint, url in _urls(app, w, a):
        code = client.get(url).status_code
        if role == "supervisor" and endpoint.startswith("supervision."):
            assert code == 200, url
        else:
            assert code in (403, 404), f"{role} reached {endpoint} {url}: {code}"
    dashboard = client.get("/staff/").get_data(as_text=True)
    assert w["matter"].title not in dashboard
    assert client.get(OWN[role]).status_code == 200
