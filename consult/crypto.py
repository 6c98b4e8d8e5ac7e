"""Personal data at rest: Fernet encryption, keyed hashes, and display masks."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _key() -> bytes:
    configured = current_app.config.get("DATA_KEY")
    if configured:
        return configured.encode()
    digest = hashlib.sha256(b"consult-data-key:" + current_app.config["SECRET_KEY"].encode())
    return base64.urlsafe_b64encode(digest.digest())


def encrypt(value: str | None) -> str | None:
    if not value:
        return None
    return Fernet(_key()).encrypt(value.encode()).decode()


def decrypt(token: str | None) -> str | None:
    if not token:
        return None
    try:
        return Fernet(_key()).decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def keyed_hash(value: str, purpose: str) -> str:
    key = (purpose + ":" + current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


_FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80, base64)


def seal(value: str | None) -> str | None:
    """Encrypt free text that is personal data (a personal questionnaire answer)."""
    return encrypt(value) if value else value


def unseal(value: str | None) -> str | None:
    """The plain text of seal(value); text stored before encryption is returned as is."""
    if value and value.startswith(_FERNET_PREFIX):
        plain = decrypt(value)
        return value if plain is None else plain
    return value


def mask_value(value: str | None) -> str:
    """A personal answer for display: phones and ID numbers keep their ends, other text its first character."""
    if not value:
        return ""
    compact = re.sub(r"[\s-]", "", value)
    if re.fullmatch(r"1\d{10}", compact):
        return mask_phone(compact)
    if re.fullmatch(r"\d{17}[\dXx]|\d{15}", compact):
        return compact[:3] + "*" * (len(compact) - 7) + compact[-4:]
    return value[:1] + "***"


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])((?:\+?86[ -]?)?1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![0-9])")
_LANDLINE_IN_TEXT = re.compile(r"(?<![0-9])(0\d{2,3})([ -])(\d{3,4})(\d{4})(?![0-9])")


def mask_numbers_in_text(text: str | None) -> str:
    """Phone and ID numbers typed into free text, masked for public display."""
    if not text or not any(ch.isdigit() for ch in text):
        return text or ""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    text = _MOBILE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: m.group(1) + m.group(2) + "****" + m.group(4), text)


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * min(len(name) - 1, 2) if len(name) > 1 else name
