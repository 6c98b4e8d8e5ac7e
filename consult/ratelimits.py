"""Rate-limit helpers shared by the resident forms.

Residents who make a mistake and correct it must not run into the limit: only a submission
the site accepted (a redirect to the receipt or the next step) counts against it.
"""
from __future__ import annotations

from flask import request, url_for
from flask_babel import lazy_gettext as _l


def only_accepted(response) -> bool:
    """deduct_when for Flask-Limiter: a 4xx/5xx answer (form errors, refusals) is not counted."""
    return response.status_code < 400


# Field names used by the resident forms → the label the resident saw.
KEPT_LABELS = {
    "body": _l("意见内容"), "name": _l("姓名"), "phone": _l("手机号"), "relation": _l("与本事项的关系"),
    "address": _l("住址"), "points": _l("发言要点"), "text": _l("填写内容"),
}
# Fields not worth copying back: choices the resident sees again, checkboxes, codes.
SKIPPED = {"csrf_token", "website", "consent", "stance", "category", "code", "_page", "_action"}


def kept_fields(form) -> list[tuple[str, str]]:
    """(label, value) pairs of the free text a refused submission carried."""
    kept = []
    for key, value in form.items():
        if key in SKIPPED or not value or not value.strip():
            continue
        label = KEPT_LABELS.get(key)
        if label is None:
            if len(value) < 2:  # single choices ("y", an option id) are not text to copy
                continue
            label = _l("您填写的其他内容")
        kept.append((str(label), value))
    return kept


def way_back() -> tuple[str, str]:
    """Link (url, label) back to the page the refused form was on."""
    from flask_babel import gettext as _

    args = request.view_args or {}
    if request.endpoint == "notices.comment" and "notice_id" in args:
        return url_for("notices.detail", notice_id=args["notice_id"]) + "#comment", _("返回公示页面")
    if request.endpoint and request.url_rule and "GET" in (request.url_rule.methods or ()):
        return request.path, _("返回填写页面")
    return url_for("notices.index"), _("返回首页")
