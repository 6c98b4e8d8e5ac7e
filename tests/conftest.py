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


# Under pytest-xdist each worker (gw0, gw1, …) gets its own database and Redis db.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") else 0


def _per_worker_postgres(url: str) -> str:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    if not WORKER:
        return url
    base = make_url(url)
    name = f"{base.database}_{WORKER}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _per_worker_redis(url: str | None) -> str | None:
    from urllib.parse import urlsplit, urlunsplit

    if not url or not WORKER:
        return url
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(db + WORKER_INDEX) % 16}"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("consult")
    db_url = os.environ.get("CONSULT_TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite3'}"
    if db_url.startswith("postgresql"):
        db_url = _per_worker_postgres(db_url)
        _reset_postgres(db_url)
    redis_url = _per_worker_redis(os.environ.get("CONSULT_TEST_REDIS_URL"))
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
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production keeps scrypt
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
    from consult.surveys.spec import clear_cache  # ids are reused after the tables are emptied

    clear_cache()
    yield
    _db.session.rollback()
    _db.session.remove()
    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name in _migrated_tables(app)]
    with _db.engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())
    if app.config.get("REDIS_URL"):
        limiter.reset()
    ctx.pop()


_TABLES: set[str] = set()


def _migrated_tables(app) -> set[str]:
    """Tables the migrations built (test_migrations checks they match the models)."""
    if not _TABLES:
        from sqlalchemy import inspect

        _TABLES.update(inspect(_db.engine).get_table_names())
    return _TABLES


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
        sess["_user_id"] = user.get_id()
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


# --- browser tests -------------------------------------------------------------------
CHROMIUM = os.environ.get("CONSULT_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def live_server(app):
    """The test app served over HTTP on a free local port, in a thread."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def _browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); CI installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"])
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def phone_page(_browser):
    """A fresh page at phone size (375×667), JavaScript on as on a real phone."""
    context = _browser.new_context(viewport={"width": 375, "height": 667}, locale="zh-CN",
                                   device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def accessibility_violations(page) -> list[str]:
    """axe-core (shipped in axe-playwright-python) on the current page, WCAG 2.1 A and AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['html'][:120]})"
            for v in results.response["violations"]]
