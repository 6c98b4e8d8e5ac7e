"""One place for residents to look up any receipt: a comment, a questionnaire response
or a hearing registration. Each kind has find_by_receipt(code) and a receipt(code) page."""
from __future__ import annotations

import importlib

from flask import current_app, url_for

RECEIPT_KINDS = (
    ("consult.notices.comments", "notices.receipt"),
    ("consult.surveys.responses", "surveys.receipt"),
    ("consult.hearings.registration", "hearings.receipt"),
)


def resolve(code: str) -> str | None:
    """URL of the receipt page for this code, or None."""
    for module_name, endpoint in RECEIPT_KINDS:
        if endpoint not in current_app.view_functions:
            continue
        found = importlib.import_module(module_name).find_by_receipt(code)
        if found is not None:
            return url_for(endpoint, code=found.receipt_code)
    return None
