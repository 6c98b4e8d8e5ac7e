"""The format of access cases. Every state-changing endpoint of the app must have one.

A domain lists its cases in tests/<domain>/permission_cases.py as CASES: list[Case];
tests/test_permissions.py collects them and runs each against every role.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

ROLES = ("anonymous", "resident", "other_organiser", "organiser", "assessor", "admin")
STAFF_MANAGERS = frozenset({"organiser"})
EVERYONE = frozenset(ROLES)


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
