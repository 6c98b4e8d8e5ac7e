"""Item 16: the smaller findings."""
from __future__ import annotations

import pytest

from consult import create_app
from consult.config import ConfigError
from consult.surveys.sheets import _safe_cell
from tests import factories


def test_hsts_only_with_secure_cookies(client, app, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_refuses_insecure_cookies_unless_allowed(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    base = {"ENV": "production", "SECRET_KEY": "s" * 32, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    with pytest.raises(ConfigError, match="SESSION_COOKIE_SECURE"):
        create_app(base)
    assert create_app(base | {"SESSION_COOKIE_SECURE": True}).config["SESSION_COOKIE_SECURE"] is True
    assert create_app(base | {"ALLOW_INSECURE_COOKIES": True}).config["SESSION_COOKIE_SECURE"] is False


def test_429_page_states_the_real_window(client, app, monkeypatch):
    w = factories.world()
    monkeypatch.setitem(app.config, "RATE_LIMIT_COMMENTS", "2 per 10 minutes")
    for i in range(2):
        client.post(f"/notices/{w['notice'].id}/comments", data={"body": f"意见{i}", "stance": "oppose"})
    resp = client.post(f"/notices/{w['notice'].id}/comments", data={"body": "第三条意见", "stance": "oppose"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 429 and "10 分钟" in page and "2 次" in page and "一分钟" not in page
    assert "第三条意见" in page  # the text is kept


@pytest.mark.parametrize("url", ["/receipts/ABCDEFGHJK", "/surveys/receipts/ABCDEFGHJK", "/hearings/r/ABCDEFGHJK",
                                 "/receipts?code=ABCDEFGHJK", "/hearings/lookup?code=ABCDEFGHJK"])
def test_receipt_lookups_are_rate_limited(client, app, monkeypatch, url):
    monkeypatch.setitem(app.config, "RATE_LIMIT_RECEIPTS", "3 per minute")
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes[:3] == [404] * 3 and codes[3] == 429


def test_receipt_limit_is_shared_across_kinds(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATE_LIMIT_RECEIPTS", "3 per minute")
    codes = [client.get(u).status_code for u in ("/receipts/ABCDEFGHJK", "/surveys/receipts/ABCDEFGHJK",
                                                  "/hearings/r/ABCDEFGHJK", "/receipts/ABCDEFGHJK")]
    assert codes == [404, 404, 404, 429]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", "＝1+1", "＋1", "－1", "＠A"])
def test_spreadsheet_cells_never_start_a_formula(value):
    assert _safe_cell(value).startswith("'")


def test_plain_cells_unchanged():
    assert _safe_cell("反对") == "反对" and _safe_cell(3) == 3


def test_500_page_keeps_the_residents_text(client, app, monkeypatch):
    from consult.notices import comments

    w = factories.world()

    def boom(*a, **k):
        raise RuntimeError("database went away")

    monkeypatch.setattr(comments, "submit_comment", boom)
    resp = client.post(f"/notices/{w['notice'].id}/comments", data={"body": "这段话不能丢", "stance": "oppose"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 500 and "系统繁忙" in page and "这段话不能丢" in page


def test_hearing_names_are_encrypted_like_phones(app):
    from sqlalchemy import text

    from consult.extensions import db
    from tests.hearings import factories as hf

    w = factories.world()
    reg = hf.registration(hf.meeting(w), name="欧阳小明")
    raw = db.session.execute(text("SELECT name, name_enc FROM hearing_registrations WHERE id = :i"),
                             {"i": reg.id}).one()
    assert "欧阳小明" not in repr(tuple(raw)) and raw.name_enc
    db.session.expire_all()
    from consult.hearings.models import Registration

    assert db.session.get(Registration, reg.id).name == "欧阳小明"


def test_every_export_uses_the_full_formula_guard():
    """Comment CSV and oversight XLSX neutralise TAB, CR and full-width starts like the others."""
    from consult.notices.exports import _cell
    from consult.oversight.exports import _safe

    for value in ("=1+1", "\t=cmd", "\r=x", "＝SUM(A1)", "＋1", "－1", "＠A1"):
        assert _cell(value).startswith("'") and _safe(value).startswith("'"), value
    assert _safe("坏\x01字符") == "坏\ufffd字符"
