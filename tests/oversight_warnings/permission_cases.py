"""Access cases for tracking and the warning loop (rules in consult/permissions.py):
tracking.record — the body's organiser, the matter's assessor, admin;
warning.raise — organiser, the organisation's supervisor, admin;
warning.act — organiser, admin, the warning's owner (none here);
warning.close (销号) — the supervisor, admin."""
from datetime import timedelta

from tests.permission_support import Case


def _decided(w):
    from tests.oversight_warnings import builders

    builders.decide(w["matter"], builders.today() - timedelta(days=10))
    return w["matter"].id


def _warning(w):
    from tests.oversight_warnings import builders

    return builders.warning(w["matter"], deadline=builders.today() + timedelta(days=5)).id


def _today():
    from tests.oversight_warnings import builders

    return builders.today().isoformat()


CASES = [
    Case("warnings.tracking_record", lambda w: f"/oversight/matters/{_decided(w)}/tracking",
         frozenset({"organiser", "assessor", "admin"}), status=303,
         data=lambda w: {"observed_on": _today(), "phase": "during", "observation": "施工正常，未见聚集",
                         "new_complaints": "0", "level": "yellow"}),
    Case("warnings.warning_raise", lambda w: f"/oversight/matters/{w['matter'].id}/warnings",
         frozenset({"organiser", "supervisor", "admin"}), status=303,
         data=lambda w: {"level": "yellow", "title": "部分住户拒绝搬迁", "owner_unit": "街道办", "owner_id": ""}),
    Case("warnings.warning_act", lambda w: f"/oversight/warnings/{_warning(w)}/actions",
         frozenset({"organiser", "admin"}), status=303,
         data=lambda w: {"taken_on": _today(), "text": "召开协调会"}),
    Case("warnings.warning_close", lambda w: f"/oversight/warnings/{_warning(w)}/close",
         frozenset({"supervisor", "admin"}), status=303,
         data=lambda w: {"review": "经核查已化解", "resolved": "yes"}),
]
