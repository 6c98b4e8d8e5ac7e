"""Page-level conventions every template shares."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def revision_diff(before: str | None, after: str | None) -> list[tuple[str, str]]:
    """Lines removed ("-") and added ("+") between two texts, for residents to read."""
    import difflib

    a, b = (before or "").splitlines(), (after or "").splitlines()
    return [(line[0], line[2:]) for line in difflib.ndiff(a, b)
            if line[:1] in "+-" and line[2:].strip()]


def iso_to_local(value: str | None) -> str:
    from datetime import datetime

    from consult.timeutil import format_local, unbreakable

    return unbreakable(format_local(datetime.fromisoformat(value))) if value else ""


REVISION_FIELDS = {"title": _l("标题"), "body_md": _l("正文"), "starts_at": _l("开始时间"), "ends_at": _l("结束时间"),
                   "short_period_reason": _l("缩短公示期的理由")}


def install(app: Flask) -> None:
    app.jinja_env.globals["revision_diff"] = revision_diff
    app.jinja_env.filters["revision_field"] = lambda name: str(REVISION_FIELDS.get(name, name))
    app.jinja_env.filters["isotime"] = iso_to_local

    @app.after_request
    def error_title(resp):
        """A page re-shown with errors (422) says so first in its title, for screen readers and tabs."""
        if resp.status_code == 422 and resp.mimetype == "text/html" and not resp.direct_passthrough:
            from flask_babel import gettext as _

            html = resp.get_data(as_text=True)
            resp.set_data(html.replace("<title>", "<title>" + _("错误："), 1))
        return resp
