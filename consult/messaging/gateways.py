"""Pluggable SMS and e-mail gateways. The default 'log' gateways write to the log."""
from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from email.message import EmailMessage

from flask import current_app

from consult.crypto import mask_phone

log = logging.getLogger("consult.messages")


def send_sms(phone: str, body: str) -> None:
    cfg = current_app.config
    if cfg["SMS_GATEWAY"] == "log":
        log.info("SMS to %s: %s", mask_phone(phone), body)
        return
    payload = json.dumps({"phone": phone, "text": body}).encode()
    req = urllib.request.Request(
        cfg["SMS_HTTP_URL"], data=payload, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 (configured URL)
        if resp.status >= 300:
            raise RuntimeError(f"SMS gateway answered {resp.status}")


def send_email(address: str, subject: str, body: str) -> None:
    cfg = current_app.config
    if cfg["EMAIL_GATEWAY"] == "log":
        log.info("E-mail to %s: %s\n%s", address, subject, body)
        return
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = cfg["SMTP_FROM"], address, subject
    msg.set_content(body)
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=10) as smtp:
        smtp.send_message(msg)
