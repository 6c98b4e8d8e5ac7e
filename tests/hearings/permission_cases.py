"""Access cases for every state-changing hearing endpoint."""
from datetime import timedelta

from consult.extensions import db
from consult.hearings import drawing, minutes, schedule
from consult.hearings.models import HearingStance, OfficialRole, RegStatus
from consult.models import utcnow
from tests.hearings import factories as hf
from tests.permission_support import EVERYONE, Case

ORG = frozenset({"organiser"})


def _m(w, **kw):
    if "meeting" not in w:
        w["meeting"] = hf.meeting(w, **kw)
    return w["meeting"]


def _ticket(w) -> str:
    """A selected registrant's ticket code, so the allowed check-in really succeeds."""
    from consult.hearings.models import RegStatus

    return hf.registration(_m(w), status=RegStatus.SELECTED).ticket_code


def _url(path):
    return lambda w: f"/staff/hearings/{_m(w).id}{path}"


def _draft(w):
    w["meeting"] = hf.meeting(w, publish=False)
    return f"/staff/hearings/{w['meeting'].id}/publish"


def _drawn(w):
    m = _m(w)
    hf.registration(m)
    drawing.publish_seed(m, actor=w["organiser"], now=utcnow() - timedelta(hours=25), early_reason="测试")
    db.session.commit()
    return m


def _selected(w):
    m = _drawn(w)
    drawing.run_selection(m, actor=w["organiser"], now=utcnow())
    db.session.commit()
    return m


def _official(w):
    o = schedule.add_official(_m(w), actor=w["organiser"], role=OfficialRole.CHAIR, name="甲", organisation="乙")
    db.session.commit()
    return f"/staff/officials/{o.id}/delete"


def _point(w):
    p = minutes.add_point(_m(w), actor=w["organiser"], text="要点", stance=HearingStance.NEUTRAL, registration=None,
                          category=None, speaker="", answer="", now=utcnow())
    db.session.commit()
    return f"/staff/points/{p.id}/delete"


def _meeting_form(w):
    v = hf.meeting_values()
    fmt = "%Y-%m-%dT%H:%M"
    return {"kind": "hearing", "allocation": "draw", "title": "新会议", "agenda": "议程", "venue": "礼堂",
            "capacity": "20", "waitlist_size": "5", "starts_at": (v["starts_at"] + timedelta(hours=8)).strftime(fmt),
            "registration_opens_at": (v["registration_opens_at"] + timedelta(hours=8)).strftime(fmt),
            "registration_closes_at": (v["registration_closes_at"] + timedelta(hours=8)).strftime(fmt)}


def _registration(w):
    reg = hf.registration(_m(w), status=RegStatus.REGISTERED)
    return f"/hearings/r/{reg.receipt_code}/cancel"


def _details(w):
    return f"/hearings/{_m(w).id}/register/details"


CAT = {"new-name": "新类别", "new-seats": "0", "new-min_seats": "0"}


def _cat_save(w):
    c = hf.category(_m(w), "media")
    return {f"c{c.id}-name": "媒体", f"c{c.id}-seats": "1", f"c{c.id}-min_seats": "0"}

CASES = [
    Case("hearings_staff.meeting_new", lambda w: f"/staff/matters/{w['matter'].id}/hearings/new", ORG, _meeting_form, status=302),
    Case("hearings_staff.meeting_edit", _url("/edit"), ORG, _meeting_form, status=302),
    Case("hearings_staff.meeting_publish", _draft, ORG, status=302),
    Case("hearings_staff.meeting_cancel", _url("/cancel"), ORG, lambda w: {"reason": "方案调整"}, status=302),
    Case("hearings_staff.official_add", _url("/officials"), ORG,
         lambda w: {"role": "chair", "name": "王五", "organisation": "司法局"}, status=302),
    Case("hearings_staff.official_delete", _official, ORG, status=302),
    Case("hearings_staff.category_add", _url("/categories"), ORG, lambda w: CAT, status=302),
    Case("hearings_staff.category_save", lambda w: f"/staff/categories/{hf.category(_m(w), 'media').id}", ORG,
         _cat_save, status=302),
    Case("hearings_staff.category_delete", lambda w: f"/staff/categories/{hf.category(_m(w), 'media').id}/delete", ORG, status=302),
    Case("hearings_staff.rules_save", _url("/rules"), ORG, lambda w: {"rules": "affected >= 50"}, status=302),
    Case("hearings_staff.seed_publish", _url("/seed"), ORG, status=302),
    Case("hearings_staff.select_run", lambda w: f"/staff/hearings/{_drawn(w).id}/select", ORG, status=302),
    Case("hearings_staff.confirm", lambda w: f"/staff/hearings/{_selected(w).id}/confirm", ORG,
         lambda w: {"reason": "已核对"}, status=302),
    Case("hearings_staff.remind", _url("/remind"), ORG, status=302),
    Case("hearings_staff.checkin", _url("/checkin"), ORG, lambda w: {"code": _ticket(w)}, status=200),
    Case("hearings_staff.minutes_page", _url("/minutes"), ORG, lambda w: {"topic": "议题"}, status=302),
    Case("hearings_staff.point_add", _url("/points"), ORG, lambda w: {"text": "要点", "stance": "oppose"}, status=302),
    Case("hearings_staff.point_delete", _point, ORG, status=302),
    Case("hearings_staff.summary", _url("/summary"), ORG, lambda w: {"summary": "摘要"}, status=302),
    Case("hearings.register_phone", lambda w: f"/hearings/{_m(w).id}/register", EVERYONE,
         lambda w: {"phone": hf.phone()}, status=302),
    Case("hearings.register_details", _details, EVERYONE, lambda w: {"name": "张三"}, status=302),
    Case("hearings.cancel", _registration, EVERYONE, status=302),
]
