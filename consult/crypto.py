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


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * min(len(name) - 1, 2) if len(name) > 1 else name
