"""One place for residents to look up any receipt: a comment, a questionnaire response
or a hearing registration. Each kind has find_by_receipt(code) and a receipt(code) page."""
from __future__ import annotations

import importlib
import re
import secrets
import unicodedata

from flask import current_app, url_for

# No 0/O, 1/I: codes are read out over the phone and typed on small keyboards.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_receipt_code(length: int = 10) -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(length))


def normalise_receipt(code: str) -> str:
    """What people type: lower case, full-width letters, spaces and dashes are all fine."""
    return re.sub(r"[^A-Z0-9]", "", unicodedata.normalize("NFKC", code or "").upper())

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
