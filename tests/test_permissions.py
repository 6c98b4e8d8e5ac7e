"""Every state-changing endpoint against every role.

Cases come from tests/*/permission_cases.py; an endpoint without a case fails the
coverage test, so a new endpoint cannot slip in unchecked.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import login
from tests.permission_support import ROLES, Case, add_outside_roles

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _all_cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for path in sorted(Path(__file__).parent.glob("*/permission_cases.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.permission_cases")
        for case in module.CASES:
            assert case.endpoint not in cases, f"two cases for {case.endpoint}"
            cases[case.endpoint] = case
    return cases


CASES = _all_cases()


def test_every_case_states_the_status_allowed_roles_get():
    missing = sorted(e for e, c in CASES.items() if any(c.expected(r) is None for r in c.allowed))
    assert not missing, f"cases without an exact expected status: {missing}"


def test_every_state_changing_endpoint_has_a_case(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.methods & STATE_CHANGING}
    missing = sorted(endpoints - set(CASES))
    assert not missing, f"state-changing endpoints without a permission case: {missing}"
    stale = sorted(set(CASES) - endpoints)
    assert not stale, f"permission cases for endpoints that no longer exist: {stale}"


def _client_for(role: str, client, w):
    if role == "resident":  # a resident has no account: an anonymous client that has commented
        client.post(f"/notices/{w['notice'].id}/comments", data={"body": "居民先前的意见", "stance": "support"})
    elif role != "anonymous":
        login(client, w["other" if role == "other_organiser" else role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_access(client, endpoint, role):
    case = CASES[endpoint]
    w = add_outside_roles(factories.world())
    _client_for(role, client, w)
    url = case.url(w)
    resp = client.open(url, method=case.method, data=case.data(w))
    denied = resp.status_code in (401, 403) or (
        resp.status_code in (302, 303) and "/staff/login" in resp.headers.get("Location", ""))
    if role in case.allowed:
        assert not denied, f"{role} should be allowed {endpoint}: {resp.status_code}"
        assert resp.status_code == case.expected(role), \
            f"{role} on {endpoint}: expected {case.expected(role)}, got {resp.status_code}"
    else:
        assert denied, f"{role} must not be allowed {endpoint}: {resp.status_code}"


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_csrf_token_required(client, csrf, endpoint):
    """Without the CSRF token every state-changing request is refused before it acts."""
    case = CASES[endpoint]
    w = add_outside_roles(factories.world())
    role = next(iter(sorted(case.allowed)))
    _client_for(role if role != "resident" else "anonymous", client, w)
    resp = client.open(case.url(w), method=case.method, data=case.data(w))
    assert resp.status_code == 400, f"{endpoint} accepted a request without CSRF token"
