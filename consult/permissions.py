"""One place for access rules: require(actor, action, obj) raises Forbidden.

Actors are Flask-Login users (staff) or the anonymous user (residents). Rules are
predicates keyed by action name; a domain adds its actions here, not in its views.
"""
from __future__ import annotations

from typing import Any, Callable

from werkzeug.exceptions import Forbidden

from consult.auth.models import Role

Rule = Callable[[Any, Any], bool]


def _is_staff(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and actor.is_active


def is_admin(actor, obj=None) -> bool:
    return _is_staff(actor) and actor.role == Role.ADMIN


def _organiser_of(actor, organisation_id) -> bool:
    return (
        _is_staff(actor)
        and actor.role == Role.ORGANISER
        and organisation_id in actor.organisation_ids
    )


def _matter_of(obj):
    """Anything that hangs off a matter exposes it as .matter (or is one)."""
    return obj if hasattr(obj, "assessors") else getattr(obj, "matter", None)


def manages_matter(actor, obj) -> bool:
    matter = _matter_of(obj)
    return matter is not None and _organiser_of(actor, matter.organisation_id)


def assesses_matter(actor, obj) -> bool:
    matter = _matter_of(obj)
    return (
        matter is not None
        and _is_staff(actor)
        and actor.role == Role.ASSESSOR
        and any(a.id == actor.id for a in matter.assessors)
    )


def views_matter(actor, obj) -> bool:
    return is_admin(actor) or manages_matter(actor, obj) or assesses_matter(actor, obj)


def creates_matter(actor, organisation) -> bool:
    if organisation is None:
        return _is_staff(actor) and actor.role == Role.ORGANISER and bool(actor.organisation_ids)
    return _organiser_of(actor, organisation.id)


def supervises_matter(actor, obj) -> bool:
    """政法委 / 维稳办 staff: the filed reports of the organisations they supervise."""
    matter = _matter_of(obj)
    return (matter is not None and _is_staff(actor) and actor.role == Role.SUPERVISOR
            and matter.organisation_id in {o.id for o in actor.supervised})


def oversees(actor, obj=None) -> bool:
    """Admins and supervisors reach the oversight pages; the ledger scopes rows by organisation."""
    return _is_staff(actor) and actor.role in (Role.ADMIN, Role.SUPERVISOR)


def reviews_version(actor, assignment) -> bool:
    """The expert an assignment (one report version sent for review) belongs to."""
    return (_is_staff(actor) and actor.role == Role.EXPERT and assignment is not None
            and assignment.expert is not None and assignment.expert.user_id == actor.id)


def anyone(actor, obj=None) -> bool:
    return True


RULES: dict[str, Rule] = {
    "admin.manage": is_admin,
    "matter.create": creates_matter,
    "matter.view": views_matter,
    "matter.manage": manages_matter,
    "matter.audit": views_matter,
    "matter.personal_data": lambda a, o: manages_matter(a, o) or is_admin(a),
    "matter.analyse": lambda a, o: assesses_matter(a, o) or manages_matter(a, o),
    "matter.decide": manages_matter,  # the responsible body records its decision and files
    "filing.receive": supervises_matter,
    "review.take": reviews_version,
    "oversight.view": oversees,
    "oversight.close": is_admin,  # closing a month freezes the figures of every organisation
    # after the decision: the responsible body and its assessors record tracking; supervisors read it
    "tracking.view": lambda a, o: views_matter(a, o) or supervises_matter(a, o),
    "tracking.record": lambda a, o: manages_matter(a, o) or assesses_matter(a, o) or is_admin(a),
    # warnings (预警): raised by the body or its supervisor, worked by the owner and the body,
    # closed (销号) after a closing review by the supervisor (or an admin)
    "warning.view": lambda a, o: views_matter(a, o) or supervises_matter(a, o),
    "warning.list": lambda a, o: _is_staff(a) and a.role != Role.EXPERT,  # the list scopes rows by role
    "warning.raise": lambda a, o: manages_matter(a, o) or supervises_matter(a, o) or is_admin(a),
    "warning.act": lambda a, o: (manages_matter(a, o) or is_admin(a)
                                 or (_is_staff(a) and o is not None and getattr(o, "owner_id", None) == a.id)),
    "warning.close": lambda a, o: supervises_matter(a, o) or is_admin(a),
    # annual assessment plan (年度评估计划): a body's organisers (obj: the Organisation) or an admin
    "plan.manage": lambda a, o: is_admin(a) or (o is not None and _organiser_of(a, o.id)),
    # reading a plan: its body's organisers, the supervisors of that body, admins; obj None: the page
    "plan.view": lambda a, o: is_admin(a) or (_is_staff(a) and (
        a.role in (Role.ORGANISER, Role.SUPERVISOR) if o is None
        else _organiser_of(a, o.id) or (a.role == Role.SUPERVISOR and o.id in {s.id for s in a.supervised}))),
    "resident.submit": anyone,
    # personal API tokens: the staff who work on matters (experts and supervisors have no API)
    "api.token": lambda a, o: _is_staff(a) and a.role in (Role.ADMIN, Role.ORGANISER, Role.ASSESSOR),
}


def can(actor, action: str, obj: Any = None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise LookupError(f"unknown action {action!r}") from None
    return bool(rule(actor, obj))


def require(actor, action: str, obj: Any = None) -> None:
    if not can(actor, action, obj):
        raise Forbidden()
