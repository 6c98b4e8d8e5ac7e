"""The format of access cases. Every state-changing endpoint of the app must have one.

A domain lists its cases in tests/<domain>/permission_cases.py as CASES: list[Case];
tests/test_permissions.py collects them and runs each against every role.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

ROLES = ("anonymous", "resident", "other_organiser", "organiser", "assessor", "admin", "expert", "supervisor")
STAFF_MANAGERS = frozenset({"organiser"})
EVERYONE = frozenset(ROLES)


def add_outside_roles(w: dict) -> dict:
    """An expert (in the expert library, with an account) and a supervisor of the world's organisation."""
    from consult.auth.models import Role
    from consult.extensions import db
    from consult.review.models import Expert
    from tests import factories

    w["expert"] = factories.user(Role.EXPERT, username="expert")
    w["expert_entry"] = Expert(name="王专家", field="环境", organisation="某大学", user_id=w["expert"].id)
    w["supervisor"] = factories.user(Role.SUPERVISOR, username="supervisor")
    w["supervisor"].supervised = [w["org"]]
    db.session.add(w["expert_entry"])
    db.session.commit()
    return w


@dataclass
class Case:
    endpoint: str
    # world (dict from factories.world(), plus anything the case adds) -> URL to POST to
    url: Callable[[dict], str]
    allowed: frozenset[str]
    # world -> form data (CSRF is off in these tests; a separate test checks CSRF)
    data: Callable[[dict], dict] = field(default=lambda w: {})
    method: str = "POST"
    # what an allowed role gets: one status for all, or {role: status}. Exact, so a 400/404/422
    # from a broken case or a broken endpoint cannot pass as "allowed".
    status: int | dict[str, int] | None = None

    def expected(self, role: str) -> int | None:
        return self.status.get(role) if isinstance(self.status, dict) else self.status
