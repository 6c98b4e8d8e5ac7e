"""Items 8 and 9: oversized bodies, echoed fields, odd ids and parameters."""
from __future__ import annotations

import io

import pytest

from consult.notices.models import Comment
from consult.extensions import db
from tests import factories
from tests.conftest import login

PDF = b"%PDF-1.4\n" + b"0" * 1024 + b"\n%%EOF\n"


def test_huge_anonymous_form_is_refused_before_parsing(client):
    w = factories.world()
    resp = client.post(f"/notices/{w['notice'].id}/comments",
                       data={"body": "意" * 1_000_000, "stance": "oppose"})  # ~9 MB url-encoded
    assert resp.status_code == 413
    assert "超过了大小限制" in resp.get_data(as_text=True)
    assert db.session.query(Comment).count() == 0


def test_staff_upload_may_exceed_the_form_limit(client, app):
    w = factories.world()
    login(client, w["organiser"])
    big = b"%PDF-1.4\n" + b"0" * (app.config["MAX_FORM_KB"] * 1024 * 2) + b"\n%%EOF\n"
    resp = client.post(f"/staff/matters/{w['matter'].id}/notices/new", content_type="multipart/form-data", data={
        "title": "附件较大的公示", "body": "正文", "starts_at": "2030-01-01T09:00",
        "ends_at": "2030-02-01T09:00", "attachments": (io.BytesIO(big), "plan.pdf")})
    assert resp.status_code == 302, resp.status_code


def test_anonymous_multipart_is_held_to_the_form_limit(client, app):
    w = factories.world()
    big = b"0" * (app.config["MAX_FORM_KB"] * 1024 * 2)
    resp = client.post(f"/notices/{w['notice'].id}/comments", content_type="multipart/form-data",
                       data={"body": "意见", "stance": "oppose", "f": (io.BytesIO(big), "x.pdf")})
    assert resp.status_code == 413


def test_422_page_echoes_no_more_than_the_field_limit(client, app):
    w = factories.world()
    limit = app.config["COMMENT_MAX_CHARS"]
    resp = client.post(f"/notices/{w['notice'].id}/comments", data={"body": "假" * (limit * 4), "stance": "oppose"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "内容过长" in page
    assert "假" * limit in page and "假" * (limit + 1) not in page


def test_400_page_keeps_text_but_no_more_than_the_field_limit(client, app, csrf):
    w = factories.world()
    limit = app.config["COMMENT_MAX_CHARS"]
    resp = client.post(f"/notices/{w['notice'].id}/comments", data={"body": "假" * (limit * 4), "stance": "oppose"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "您填写的内容没有丢失" in page
    assert "假" * limit in page and "假" * (limit + 1) not in page


@pytest.mark.parametrize("path", [
    "/notices/2147483648", "/notices/9223372036854775808", "/notices/99999999999999999999999",
    "/receipts/AAAAAAAAAA", "/staff/notices/9223372036854775808/edit", "/surveys/9223372036854775808",
    "/hearings/9223372036854775808",
])
def test_ids_out_of_range_are_not_found(client, path):
    w = factories.world()
    login(client, w["admin"])
    resp = client.get(path)
    assert resp.status_code == 404, (path, resp.status_code)
    assert "页面不存在" in resp.get_data(as_text=True)


@pytest.mark.parametrize("query", ["q=%00", "area=%00", "kind=%00", "q=a%00b"])
def test_nul_in_parameters_is_a_clear_400(client, query):
    factories.world()
    resp = client.get(f"/?{query}")
    assert resp.status_code == 400
    assert "无法处理的字符" in resp.get_data(as_text=True)


@pytest.mark.parametrize("page", ["99999999999999999999", "9223372036854775807", "-5", "abc", "1e9"])
def test_huge_or_odd_page_numbers(client, page):
    factories.world()
    resp = client.get(f"/?page={page}")
    assert resp.status_code == 200, resp.status_code
