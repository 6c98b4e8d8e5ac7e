import pytest

from consult import config, create_app


def test_env_overrides_and_types():
    cfg = config.load({"CONSULT_NOTICE_MIN_DAYS": "7", "CONSULT_SESSION_COOKIE_SECURE": "true",
                       "CONSULT_DATABASE_URL": "postgresql://x"})
    assert cfg["NOTICE_MIN_DAYS"] == 7 and cfg["SESSION_COOKIE_SECURE"] is True
    assert cfg["DATABASE_URL"] == "postgresql://x"


def test_bad_number_is_a_clear_error():
    with pytest.raises(config.ConfigError, match="CONSULT_NOTICE_MIN_DAYS"):
        config.load({"CONSULT_NOTICE_MIN_DAYS": "ten"})


def test_missing_secret_outside_development_refuses_to_start(monkeypatch):
    monkeypatch.setenv("CONSULT_ENV", "production")
    monkeypatch.delenv("CONSULT_SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app()


def test_gateway_settings_are_checked():
    cfg = config.load({})
    cfg.update(SMS_GATEWAY="http", SECRET_KEY="x")
    with pytest.raises(config.ConfigError, match="SMS_HTTP_URL"):
        config.validate(cfg)
    cfg.update(SMS_GATEWAY="carrier-pigeon")
    with pytest.raises(config.ConfigError):
        config.validate(cfg)
