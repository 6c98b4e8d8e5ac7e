"""Every string of ../shared/badinput through every text field of the register and the
responses page: no 500, stored exactly (and shown back escaped) or refused in Chinese with
nothing saved."""
import re

from markupsafe import escape

from consult.analysis.models import RiskPoint
from consult.extensions import db
from consult.models import utcnow
from consult.register import items
from consult.register.models import Measure, RiskItem
from tests import factories as f
from tests.conftest import http_safe, load_badinput, login
from tests.register import factories as rf

ERROR_RE = re.compile(r'<p class="error" id="[^"]+">([^<]+)</p>')
HAN = re.compile(r"[\u4e00-\u9fff]")
ITEM_BASE = {"title": "名称", "description": "描述", "area": "其他", "dimension": "合法性", "affected_groups": "居民",
             "affected_size": ""}


def _outcome(resp, s, label):
    """True if stored, False if refused in Chinese; anything else fails."""
    assert resp.status_code in (302, 422), f"{label} {s!r}: HTTP {resp.status_code}"
    if resp.status_code == 302:
        return True
    errors = ERROR_RE.findall(resp.get_data(as_text=True))
    assert errors and all(HAN.search(e) for e in errors), f"{label} {s!r}: unclear refusal {errors}"
    return False


def _strings():
    return [s for s in load_badinput() if http_safe(s)]


def _item_values(item_id):
    db.session.expire_all()
    it = db.session.get(RiskItem, item_id)
    return {k: getattr(it, k) for k in ("title", "description", "area", "dimension", "affected_groups",
                                        "affected_size", "residual_reason", "residual_level")}


def test_item_text_fields(client):
    """title, description and affected groups get the string together (title alone keeps a
    placeholder when the string is longer than the title may be, so the others still see it)."""
    w = f.world()
    it = rf.item(w)
    login(client, w["assessor"])
    strings, stored = _strings(), []
    for s in strings:
        data = {**ITEM_BASE, "title": s if len(s) <= 200 else "名称", "description": s, "affected_groups": s}
        before = _item_values(it.id)
        resp = client.post(f"/staff/register/items/{it.id}", data=data)
        after = _item_values(it.id)
        if _outcome(resp, s, "item"):
            assert [after[k] for k in ("title", "description", "affected_groups")] == [
                data["title"], s, s], f"{s!r} not stored exactly"
            stored.append(s)
        else:
            assert after == before, f"half-saved {s!r}"
    assert len(stored) > len(strings) * 0.8
    for s in stored[::25]:
        client.post(f"/staff/register/items/{it.id}",
                    data={**ITEM_BASE, "title": s if s.strip() and len(s) <= 200 else "名称", "description": s})
        page = client.get(f"/staff/register/items/{it.id}").get_data(as_text=True)
        assert str(escape(s)) in page, f"{s!r} not shown back escaped"


def test_residual_reason(client):
    w = f.world()
    it = rf.item(w)
    items.grade_item(it, actor=w["assessor"], likelihood=4, severity=4, now=utcnow())
    db.session.commit()
    login(client, w["organiser"])
    for s in _strings():
        before = _item_values(it.id)
        resp = client.post(f"/staff/register/items/{it.id}/residual",
                           data={"residual_likelihood": "2", "residual_severity": "2", "reason": s})
        after = _item_values(it.id)
        if _outcome(resp, s, "reason"):
            assert after["residual_reason"] == s
        else:
            assert after == before, f"half-saved reason {s!r}"


def _drop(measure) -> None:
    db.session.delete(measure)
    db.session.commit()


def test_measure_fields(client):
    w = f.world()
    it = rf.item(w)
    login(client, w["assessor"])
    for s in _strings():
        data = {"text": s, "responsible_unit": s if len(s) <= 200 else "单位", "deadline": s, "status": "planned"}
        count = db.session.query(Measure).count()
        resp = client.post(f"/staff/register/items/{it.id}/measures", data=data)
        if _outcome(resp, s, "measure"):
            m = db.session.scalars(db.select(Measure).order_by(Measure.id.desc())).first()
            assert (m.text, m.responsible_unit) == (s, data["responsible_unit"])
            assert (m.deadline.isoformat() if m.deadline else None) == (s if s.strip() else None)
            _drop(m)  # keep the item small: its page lists every measure with its form
        else:
            assert db.session.query(Measure).count() == count, f"half-saved {s!r}"
        if not s.strip():
            continue
        resp = client.post(f"/staff/register/items/{it.id}/measures", data={**data, "deadline": ""})
        if _outcome(resp, s, "measure text"):
            m = db.session.scalars(db.select(Measure).order_by(Measure.id.desc())).first()
            assert (m.text, m.responsible_unit, m.deadline) == (s, data["responsible_unit"], None)
            _drop(m)
        else:
            assert db.session.query(Measure).count() == count, f"half-saved {s!r}"


def test_promote_title_and_response_text(client):
    w = f.world()
    login(client, w["assessor"])
    p = rf.point(w["matter"], "点")
    for s in _strings():
        before = db.session.get(RiskPoint, p.id).public_response
        resp = client.post(f"/staff/risk-points/{p.id}/response", data={f"p{p.id}-text": s})
        db.session.expire_all()
        got = db.session.get(RiskPoint, p.id)
        if _outcome(resp, s, "response"):
            assert got.public_response == s
        else:
            assert got.public_response == before, f"half-saved {s!r}"
    notice = client.get(f"/notices/{w['notice'].id}")
    assert notice.status_code == 200
    for i, s in enumerate(_strings()[:120]):
        q = rf.point(w["matter"], f"待列入{i}")
        n = db.session.query(RiskItem).count()
        resp = client.post(f"/staff/matters/{w['matter'].id}/register/promote", data={"points": [str(q.id)], "title": s})
        if _outcome(resp, s, "promote title"):
            newest = db.session.scalars(db.select(RiskItem).order_by(RiskItem.id.desc())).first()
            assert newest.title == (s or f"待列入{i}")
        else:
            assert db.session.query(RiskItem).count() == n
