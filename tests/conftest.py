"""Test set-up shared by every domain.

The database is SQLite in a temporary folder unless CONSULT_TEST_DATABASE_URL is set
(CI sets it to PostgreSQL); Redis is used for jobs and rate limits when
CONSULT_TEST_REDIS_URL is set. The schema is built by the Alembic migrations, so the
migrations are tested on every run; every table is emptied after each test.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from consult import create_app
from consult.extensions import db as _db
from consult.extensions import limiter

BADINPUT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "badinput"


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("consult")
    db_url = os.environ.get("CONSULT_TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite3'}"
    if db_url.startswith("postgresql"):
        _reset_postgres(db_url)
    redis_url = os.environ.get("CONSULT_TEST_REDIS_URL")
    os.environ["CONSULT_INSTANCE_PATH"] = str(tmp / "instance")
    app = create_app({
        "TESTING": True,
        "ENV": "test",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "RQ_ASYNC": False,  # with Redis: jobs go through Redis and RQ, run at once
        "UPLOAD_DIR": str(tmp / "uploads"),
        "WTF_CSRF_ENABLED": False,  # the csrf fixture turns it on where tested
        "SERVER_NAME": None,
    })
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(app):
    """Each test gets an app context and leaves every table empty."""
    ctx = app.app_context()
    ctx.push()
    limiter.reset()
    yield
    _db.session.rollback()
    _db.session.remove()
    tables = [t for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())
    if app.config.get("REDIS_URL"):
        limiter.reset()
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf(app):
    """Turn CSRF protection on for one test."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def login(client, user) -> None:
    """Log a staff user in without going through the form."""
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True


def load_badinput() -> list[str]:
    """Every string of ../shared/badinput/*.json; skips the test where absent."""
    if not BADINPUT_DIR.is_dir():
        pytest.skip(f"bad-input corpus not found at {BADINPUT_DIR} (it sits beside the checkout in CI)")
    strings: list[str] = []
    for path in sorted(BADINPUT_DIR.glob("*.json")):
        strings.extend(s for s in json.loads(path.read_text("utf-8")) if isinstance(s, str))
    return strings


def http_safe(s: str) -> bool:
    """Strings HTTP can carry at all (lone surrogates cannot be encoded as UTF-8)."""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
