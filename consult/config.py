"""Configuration: defaults, then CONSULT_* environment variables, then test config.

Every setting is listed in DEFAULTS with its type; README documents each one.
"""
from __future__ import annotations

import json
import os
from typing import Any

DEFAULTS: dict[str, Any] = {
    # "development" allows a generated secret key; anything else requires one.
    "ENV": "development",
    "SECRET_KEY": None,
    # Key for encrypting personal data at rest (Fernet, url-safe base64 32 bytes).
    # Derived from SECRET_KEY when unset.
    "DATA_KEY": None,
    "DATABASE_URL": None,  # default: sqlite file in the instance folder
    "DB_POOL_PRE_PING": True,  # test each pooled connection before use (one extra round trip)
    "REDIS_URL": None,  # set → RQ jobs and shared rate-limit storage
    "UPLOAD_DIR": None,  # default: <instance>/uploads
    "UPLOAD_MAX_MB": 20,
    "NOTICE_MIN_DAYS": 10,
    "COMMENT_MAX_CHARS": 5000,
    "COMMENT_REPEAT_HOURS": 24,  # the same text from the same client within this is a repeat
    "TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": "zh_Hans_CN",  # comma-separated; the first is the default
    "SMS_GATEWAY": "log",  # log | http
    "SMS_HTTP_URL": None,
    "EMAIL_GATEWAY": "log",  # log | smtp
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_FROM": None,
    "NOTIFY_EMAIL": None,  # office mailbox told of new comments awaiting moderation (e-mail gateway)
    "RATE_LIMIT_COMMENTS": "5 per minute;40 per day",
    "RATE_LIMIT_LOGIN": "10 per 15 minutes",
    "RATE_LIMIT_SURVEYS": "120 per minute;2000 per day",
    "RATE_LIMIT_SURVEY_CODES": "5 per minute;30 per day",
    "RATE_LIMIT_API": "120 per minute;5000 per day",  # per API token
    "LOGIN_MAX_FAILURES": 5,
    "PASSWORD_HASH_METHOD": "scrypt",
    "LOGIN_LOCK_MINUTES": 15,
    "RETENTION_DAYS": 365,  # personal data in resident submissions is purged after this
    "PROXY_COUNT": 0,  # number of trusted reverse proxies in front (X-Forwarded-For)
    "LOG_LEVEL": "INFO",
    "HEARING_PUBLISH_LEAD_DAYS": 10,  # a meeting is published at least this long before it
    "HEARING_REGISTRATION_LEAD_DAYS": 3,  # registration closes at least this long before it
    "HEARING_DRAW_DELAY_HOURS": 24,  # the seed is public this long before the draw may run
    "HEARING_RATE_LIMIT_SMS": "5 per minute;30 per day",
    "HEARING_RATE_LIMIT_REGISTER": "10 per minute;60 per day",
    "SESSION_COOKIE_SECURE": False,
    "ANALYSIS_CACHE_DIR": None,  # engine cache per matter (re-runs start warm); default <instance>/analysis-cache
    "ANALYSIS_MATCH_THRESHOLD": 0.3,  # re-run: Jaccard a run point needs to keep a curated point
    "ANALYSIS_ABSORB_SHARE": 0.5,  # re-run: share of a left-over run point's texts in one point to join it
    # Production refuses to start without Secure cookies unless this is set (plain-HTTP intranet).
    "ALLOW_INSECURE_COOKIES": False,
    # Transactional outbox: a message or job still queued this long after its commit is
    # dispatched again by the sweeper (the worker, or the web process when there is none).
    "OUTBOX_DEADLINE_SECONDS": 120,
    "OUTBOX_MAX_DISPATCHES": 8,
    "SWEEP_INTERVAL_SECONDS": 30,
    # A running job whose heartbeat is older than this was lost with its worker: marked failed.
    "JOB_STALE_SECONDS": 900,
    # Bodies of delivered messages (codes, receipt numbers) are erased this long after sending.
    "MESSAGE_BODY_KEEP_HOURS": 24,
    # Request bodies larger than this are refused (413) except on attachment uploads.
    "MAX_FORM_KB": 512,
    "RATE_LIMIT_RECEIPTS": "30 per minute;300 per day",
    "HEARING_SMS_PER_PHONE_HOUR": 3,
}

# Settings given as JSON in the environment; when unset the domain's built-in default applies.
JSON_SETTINGS = ("HEARING_CATEGORIES", "HEARING_RULES", "RISK_MATRIX")

_BOOL_TRUE = {"1", "true", "yes", "on"}


class ConfigError(RuntimeError):
    """Raised at start-up when the configuration cannot work."""


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in _BOOL_TRUE
    if isinstance(default, float):
        return float(value)
    if isinstance(default, int):
        return int(value)
    return value


def load(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Defaults overlaid with CONSULT_* variables from the environment."""
    environ = os.environ if environ is None else environ
    cfg = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        raw = environ.get(f"CONSULT_{key}")
        if raw is None or raw == "":
            continue
        try:
            cfg[key] = _coerce(raw, default)
        except ValueError as exc:
            raise ConfigError(f"CONSULT_{key}: {exc}") from exc
    for key in JSON_SETTINGS:
        raw = environ.get(f"CONSULT_{key}")
        if raw:
            try:
                value = json.loads(raw)
            except ValueError as exc:
                raise ConfigError(f"CONSULT_{key} is not valid JSON: {exc}") from exc
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise ConfigError(f"CONSULT_{key} must be a JSON list of objects")
            cfg[key] = value
    # JSON objects: risk-level cut-offs (consult.reports.levels), the stability index formula and the
    # monthly targets (consult.oversight.stability / stats; README "Oversight")
    for key in ("LEVEL_RULES", "OVERSIGHT_INDEX", "OVERSIGHT_TARGETS"):
        raw = environ.get(f"CONSULT_{key}")
        if raw:
            try:
                cfg[key] = json.loads(raw)
            except ValueError as exc:
                raise ConfigError(f"CONSULT_{key} is not valid JSON: {exc}") from exc
            if not isinstance(cfg[key], dict):
                raise ConfigError(f"CONSULT_{key} must be a JSON object")
    return cfg


def validate(cfg: dict[str, Any]) -> None:
    """Refuse to start with settings that are missing or unsafe."""
    if cfg["ENV"] != "development" and not cfg.get("TESTING") and not cfg["SECRET_KEY"]:
        raise ConfigError("CONSULT_SECRET_KEY must be set outside development")
    if cfg["SMS_GATEWAY"] not in {"log", "http"}:
        raise ConfigError("CONSULT_SMS_GATEWAY must be 'log' or 'http'")
    if cfg["SMS_GATEWAY"] == "http" and not cfg["SMS_HTTP_URL"]:
        raise ConfigError("CONSULT_SMS_HTTP_URL is required with the http SMS gateway")
    if cfg["EMAIL_GATEWAY"] not in {"log", "smtp"}:
        raise ConfigError("CONSULT_EMAIL_GATEWAY must be 'log' or 'smtp'")
    if cfg["EMAIL_GATEWAY"] == "smtp" and not (cfg["SMTP_HOST"] and cfg["SMTP_FROM"]):
        raise ConfigError("CONSULT_SMTP_HOST and CONSULT_SMTP_FROM are required for smtp")
    if not (0 < cfg["ANALYSIS_MATCH_THRESHOLD"] <= 1 and 0 < cfg["ANALYSIS_ABSORB_SHARE"] <= 1):
        raise ConfigError("CONSULT_ANALYSIS_MATCH_THRESHOLD and CONSULT_ANALYSIS_ABSORB_SHARE must be in (0, 1]")
    if cfg["ENV"] == "production" and not cfg.get("TESTING") and not cfg["SESSION_COOKIE_SECURE"] \
            and not cfg["ALLOW_INSECURE_COOKIES"]:
        raise ConfigError("CONSULT_SESSION_COOKIE_SECURE must be on in production (HTTPS); "
                          "set CONSULT_ALLOW_INSECURE_COOKIES=1 only for a plain-HTTP intranet")
    if cfg["NOTICE_MIN_DAYS"] < 0 or cfg["UPLOAD_MAX_MB"] <= 0:
        raise ConfigError("CONSULT_NOTICE_MIN_DAYS must be >= 0, CONSULT_UPLOAD_MAX_MB > 0")
    if cfg.get("RISK_MATRIX") is not None:
        from consult.register.matrix import MatrixError, check_bands  # pure module: no app imports

        try:
            check_bands(cfg["RISK_MATRIX"])
        except MatrixError as exc:
            raise ConfigError(str(exc)) from exc
