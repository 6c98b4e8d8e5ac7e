"""Public transparency pages: districts and their filed matters with outcomes (no personal data)."""
from __future__ import annotations

import unicodedata

from flask import Blueprint, abort, render_template

from consult.models import utcnow
from consult.oversight import transparency
from consult.timeutil import to_local

bp = Blueprint("transparency", __name__, url_prefix="/transparency")


@bp.route("/")
def index():
    return render_template("oversight/public_index.html", districts=transparency.districts())


@bp.route("/<path:area>")
def district(area: str):
    if len(area) > 200 or any(unicodedata.category(c) in ("Cc", "Cs") for c in area):
        abort(404)  # PostgreSQL cannot even compare a NUL: no such district
    data = transparency.district(area, to_local(utcnow()).date())
    if data is None:
        abort(404)
    return render_template("oversight/public_district.html", d=data)
