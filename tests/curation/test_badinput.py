"""Every string of ../shared/badinput through the curation text fields (name, description,
dismiss reason, exclude reason): no 500, stored exactly (and shown back escaped) or refused
with a clear Chinese message, nothing half-saved."""
import re

import pytest
from markupsafe import escape

from consult.analysis.models import PointState, RiskPoint, Voice
from consult.extensions import db
from tests import factories
from tests.conftest import http_safe, load_badinput, login
from tests.curation.permission_cases import _setup

ERROR_RE = re.compile(r'class="(?:error|flash flash-error)"[^>]*>([^<]+)<')
CHUNKS = 3


@pytest.fixture(params=range(CHUNKS), ids=lambda c: f"part{c}")
def strings(request):
    return [s for s in load_badinput() if http_safe(s)][request.param::CHUNKS]


def refused_clearly(resp, s, label):
    assert resp.status_code == 422, f"{label} {s!r}: HTTP {resp.status_code}"
    errors = ERROR_RE.findall(resp.get_data(as_text=True))
    assert errors and all(re.search(r"[\u4e00-\u9fff]", e) for e in errors), f"{label} {s!r}: unclear refusal"


def _post(client, w, path, data):
    return client.post(f"/staff/matters/{w['matter'].id}/points{path}", data=data)


def _page(client, w):
    return client.get(f"/staff/matters/{w['matter'].id}/points/{w['point'].id}").get_data(as_text=True)


def test_point_name_description_and_dismiss_reason(client, strings):
    w = _setup(factories.world())
    login(client, w["assessor"])
    pid = w["point"].id
    for s in strings:
        resp = _post(client, w, f"/{pid}/rename", {"title": s})
        db.session.expire_all()
        point = db.session.get(RiskPoint, pid)
        if resp.status_code == 302:
            assert point.title == s and str(escape(s)) in _page(client, w), f"rename {s!r}"
        else:
            refused_clearly(resp, s, "rename")
            assert point.title != s or s == "臭味"
        before = point.description
        resp = _post(client, w, f"/{pid}/describe", {"description": s})
        db.session.expire_all()
        point = db.session.get(RiskPoint, pid)
        if resp.status_code == 302:
            assert point.description == s, f"describe {s!r}"
        else:
            refused_clearly(resp, s, "describe")
            assert point.description == before
        resp = _post(client, w, f"/{pid}/dismiss", {"dismiss-reason": s})
        db.session.expire_all()
        point = db.session.get(RiskPoint, pid)
        if resp.status_code == 302:
            assert (point.state, point.dismiss_reason) == (PointState.DISMISSED, s), f"dismiss {s!r}"
            assert str(escape(s)) in _page(client, w)
        else:
            refused_clearly(resp, s, "dismiss")
            assert point.dismiss_reason != s
        point.state, point.dismiss_reason = PointState.CANDIDATE, None
        db.session.commit()


def test_exclude_reason(client, strings):
    w = _setup(factories.world())
    login(client, w["assessor"])
    vid, pid = w["voices"][0].id, w["point"].id
    for s in strings:
        resp = _post(client, w, f"/voices/{vid}/exclude", {"exclude-reason": s})
        db.session.expire_all()
        voice = db.session.get(Voice, vid)
        if resp.status_code == 302:
            assert (voice.is_excluded, voice.exclude_reason, voice.point_id) == (True, s, None), f"exclude {s!r}"
            listing = client.get(f"/staff/matters/{w['matter'].id}/points").get_data(as_text=True)
            assert str(escape(s)) in listing
        else:
            refused_clearly(resp, s, "exclude")
            assert (voice.is_excluded, voice.point_id) == (False, pid)
        voice.is_excluded, voice.exclude_reason, voice.point_id = False, None, pid
        db.session.commit()
