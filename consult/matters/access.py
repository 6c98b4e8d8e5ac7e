"""The staff pages' way to load a matter: 404 when it does not exist, 403 unless the actor may."""
from __future__ import annotations

from flask_login import current_user

from consult.extensions import db
from consult.matters.models import Matter
from consult.permissions import require


def matter_for(matter_id: int, action: str = "matter.view", actor=None) -> Matter:
    matter = db.get_or_404(Matter, matter_id)
    require(current_user if actor is None else actor, action, matter)
    return matter
