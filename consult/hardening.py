"""Request hardening shared by every blueprint: body size, ids and parameters, caching headers.

install(app) runs before the blueprints are registered (the id converter must be in place).
"""
from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# PostgreSQL's INTEGER: a larger id cannot exist and must not reach the database (500).
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


class IdConverter(IntegerConverter):
    """<int:...> with an upper bound: /notices/2147483648 is "not found", not a database error."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BadParameter(BadRequest):
    """400 whose Chinese text tells the user what was wrong."""

    user_message = _l("请求参数含有无法处理的字符，请检查链接后重试。")


_UNITS = {"second": "秒", "minute": "分钟", "hour": "小时", "day": "天", "month": "个月", "year": "年"}


def rate_limit_text(exc) -> str | None:
    """The 429 text with the limit that was hit ("每 15 分钟最多 10 次"), not a guess."""
    item = getattr(getattr(exc, "limit", None), "limit", None)
    if item is None:
        return None
    from flask_babel import gettext

    unit = _UNITS.get(item.GRANULARITY.name, item.GRANULARITY.name)
    return gettext("您的操作过于频繁：此操作每 %(n)s %(unit)s最多 %(amount)s 次。请稍后再试。",
                   n=item.multiples, unit=unit, amount=item.amount)


# Looking up a receipt by code: one budget shared by every kind, so codes cannot be guessed.
RECEIPT_ENDPOINTS = ("notices.receipt_lookup", "notices.receipt", "surveys.receipt_lookup", "surveys.receipt",
                     "hearings.lookup", "hearings.receipt", "hearings.ticket", "hearings.qr")


def limit_receipts(app: Flask) -> None:
    """Called once the blueprints are registered."""
    from consult.extensions import limiter

    shared = limiter.shared_limit(lambda: app.config["RATE_LIMIT_RECEIPTS"], scope="receipts")
    for endpoint in RECEIPT_ENDPOINTS:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = shared(app.view_functions[endpoint])


def page_number(args) -> int:
    """?page= as a bounded positive int (a huge number is past the last page, not an error)."""
    return min(max(1, args.get("page", 1, type=int) or 1), MAX_PAGE)


def _is_staff_upload() -> bool:
    from flask_login import current_user

    return request.mimetype == "multipart/form-data" and bool(getattr(current_user, "is_authenticated", False))


def install(app: Flask) -> None:
    from consult.crypto import mask_name, mask_numbers_in_text

    app.url_map.converters["int"] = IdConverter
    app.jinja_env.filters["mask_numbers"] = mask_numbers_in_text
    app.jinja_env.filters["mask_name"] = mask_name
    form_limit = app.config["MAX_FORM_KB"] * 1024
    upload_limit = (app.config["UPLOAD_MAX_MB"] * 5 + 1) * 1024 * 1024
    app.config["MAX_CONTENT_LENGTH"] = form_limit

    @app.before_request
    def _limits():
        # Only signed-in staff upload files; everyone else's body is a small form, refused
        # (413) before it is read, so a 100 MB anonymous POST costs nothing.
        if request.method in ("POST", "PUT", "PATCH") and request.content_length and \
                request.content_length > form_limit and _is_staff_upload():
            request.max_content_length = upload_limit
        if any("\x00" in k or "\x00" in v for k, vs in request.args.lists() for v in vs):
            raise BadParameter()

    @app.after_request
    def _headers(resp):
        if app.config.get("SESSION_COOKIE_SECURE"):
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith(("/staff", "/admin")):  # personal data: never stored on the way
            resp.headers["Cache-Control"] = "no-store"
        return resp
