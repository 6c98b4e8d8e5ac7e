"""Page-level conventions every template shares."""
from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    @app.after_request
    def error_title(resp):
        """A page re-shown with errors (422) says so first in its title, for screen readers and tabs."""
        if resp.status_code == 422 and resp.mimetype == "text/html" and not resp.direct_passthrough:
            from flask_babel import gettext as _

            html = resp.get_data(as_text=True)
            resp.set_data(html.replace("<title>", "<title>" + _("错误："), 1))
        return resp
