"""API tokens (shown once, stored hashed, revocable) and the read-only /api/v1 endpoints:
a token sees exactly the matters its owner may view, never another organisation's."""
import hashlib
import re

from consult.analysis.models import ApiToken, PointState, RiskPoint
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.register.models import Measure, RiskItem, RiskLevel
from tests import factories
from tests.conftest import login
from tests.pool.helpers import voice

SECRET_RE = re.compile(r'class="token-secret">(cst_[A-Za-z0-9_\-]+)<')


def _create(client, user, name="统计脚本"):
    login(client, user)
    resp = client.post("/staff/account/tokens", data={"name": name})
    assert resp.status_code == 200
    return SECRET_RE.search(resp.get_data(as_text=True)).group(1)


def _get(client, path, token):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_token_is_shown_once_stored_hashed_and_revocable(client):
    w = factories.world()
    raw = _create(client, w["assessor"])
    token = db.session.scalar(db.select(ApiToken))
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest() and token.prefix == raw[:12]
    page = client.get("/staff/account/tokens").get_data(as_text=True)
    assert raw not in page and f"{token.prefix}…" in page
    assert _get(client, "/api/v1/matters", raw).status_code == 200
    client.post(f"/staff/account/tokens/{token.id}/revoke")
    resp = _get(client, "/api/v1/matters", raw)
    assert resp.status_code == 401 and "无效的 API 令牌" in resp.get_json()["error"]
    actions = [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-3:] == ["api_token.create", "api.read", "api_token.revoke"]


def test_someone_elses_token_cannot_be_revoked(client):
    w = factories.world()
    _create(client, w["assessor"])
    token = db.session.scalar(db.select(ApiToken))
    login(client, w["organiser"])
    assert client.post(f"/staff/account/tokens/{token.id}/revoke").status_code == 403
    db.session.refresh(token)
    assert token.revoked_at is None


def test_token_name_is_required(client):
    w = factories.world()
    login(client, w["assessor"])
    resp = client.post("/staff/account/tokens", data={"name": "  "})
    assert resp.status_code == 422 and "请填写令牌用途。" in resp.get_data(as_text=True)
    assert db.session.query(ApiToken).count() == 0


def _register(w):
    m = w["matter"]
    p = RiskPoint(matter_id=m.id, title="臭气扰民", state=PointState.CONFIRMED, keywords=["臭味"], weight=3.5)
    db.session.add(p)
    db.session.flush()
    voice(m, "臭味太大", point_id=p.id)
    item = RiskItem(matter_id=m.id, number=1, title="臭气", likelihood=4, severity=3, level=RiskLevel.HIGH)
    item.points = [p]
    item.measures = [Measure(text="加装除臭设备", responsible_unit="城管局")]
    db.session.add(item)
    db.session.commit()
    return p, item


def test_api_endpoints_serve_the_pool_points_and_register(client):
    w = factories.world()
    point, item = _register(w)
    voice(w["matter"], "我们联名上访，电话13912345678", author="王建国")
    raw = _create(client, w["assessor"])
    mid = w["matter"].id
    listing = _get(client, "/api/v1/matters", raw).get_json()
    assert [m["id"] for m in listing["items"]] == [mid]
    body = _get(client, f"/api/v1/matters/{mid}/voices?per_page=1&flagged=1", raw).get_json()
    assert (body["total"], body["pages"], body["per_page"], body["filters"]) == (1, 1, 1, {"flagged": "1"})
    [v] = body["items"]
    assert (v["text"], v["author"], v["is_flagged"], v["escalation_terms"]) == ("我们联名上访，电话139****5678", "王**", True, ["联名", "上访"])
    body = _get(client, f"/api/v1/matters/{mid}/voices?page=2&per_page=1", raw).get_json()
    assert body["page"] == 2 and body["total"] == 2 and len(body["items"]) == 1
    points = _get(client, f"/api/v1/matters/{mid}/risk-points", raw).get_json()["items"]
    assert points == [{**points[0], "id": point.id, "title": "臭气扰民", "state": "confirmed", "n_texts": 1,
                       "keywords": ["臭味"]}]
    reg = _get(client, f"/api/v1/matters/{mid}/risk-register", raw).get_json()["items"]
    assert reg[0]["level"] == "high" and reg[0]["point_ids"] == [point.id]
    assert reg[0]["measures"][0]["text"] == "加装除臭设备" and reg[0]["measures"][0]["status"] == "planned"
    reads = db.session.query(AuditEntry).filter_by(action="api.read", matter_id=mid).count()
    assert reads == 4


def test_tokens_never_see_another_organisations_matter(client):
    w = factories.world()
    _register(w)
    other_matter = factories.matter(w["other_org"])
    voice(other_matter, "别的单位的意见")
    raw = _create(client, w["other"])  # organiser of the other organisation
    assert [m["id"] for m in _get(client, "/api/v1/matters", raw).get_json()["items"]] == [other_matter.id]
    for path in ("voices", "risk-points", "risk-register"):
        resp = _get(client, f"/api/v1/matters/{w['matter'].id}/{path}", raw)
        assert resp.status_code == 404 and resp.get_json() == {"error": "事项不存在或无权查看。"}, path
        assert _get(client, f"/api/v1/matters/99999/{path}", raw).status_code == 404
    own = _get(client, f"/api/v1/matters/{other_matter.id}/voices", raw).get_json()
    assert [v["text"] for v in own["items"]] == ["别的单位的意见"]
    # an assessor not assigned to the matter sees nothing of it either
    stranger = factories.user(factories.Role.ASSESSOR)
    raw2 = _create(client, stranger)
    assert _get(client, "/api/v1/matters", raw2).get_json() == {"items": []}
    assert _get(client, f"/api/v1/matters/{w['matter'].id}/voices", raw2).status_code == 404


def test_requests_without_a_valid_token_and_rate_limit(client, app):
    w = factories.world()
    mid = w["matter"].id
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                    {"Authorization": "Bearer cst_" + "x" * 43}):
        resp = client.get(f"/api/v1/matters/{mid}/voices", headers=headers)
        assert resp.status_code == 401 and resp.is_json
    login(client, w["assessor"])  # a session cookie is not a token
    assert client.get("/api/v1/matters").status_code == 401
    disabled = factories.user(factories.Role.ORGANISER, [w["org"]])
    raw_disabled = _create(client, disabled)
    disabled.is_enabled = False  # a disabled account's tokens stop working with it
    db.session.commit()
    assert _get(client, "/api/v1/matters", raw_disabled).status_code == 401
    raw = _create(client, w["assessor"])
    app.config["RATE_LIMIT_API"] = "3 per minute"
    try:
        codes = [_get(client, "/api/v1/matters", raw).status_code for _ in range(4)]
        refused = _get(client, "/api/v1/matters", raw).get_json()
        other = _create(client, w["organiser"])  # the limit is per token
        assert _get(client, "/api/v1/matters", other).status_code == 200
    finally:
        app.config["RATE_LIMIT_API"] = "120 per minute;5000 per day"
    assert codes == [200, 200, 200, 429] and refused == {"error": "请求过于频繁，请稍后再试。"}
