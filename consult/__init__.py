"""consult: public consultation for social stability risk assessment."""
from __future__ import annotations

import logging
import os
import secrets
from typing import Any

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from consult import config as config_module
from consult import hardening

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
        instance_path=os.environ.get("CONSULT_INSTANCE_PATH") or os.path.join(ROOT, "instance"),
    )
    _configure(app, test_config)
    _init_extensions(app)
    hardening.install(app)
    _register_blueprints(app)
    hardening.limit_receipts(app)
    _register_errors(app)
    _register_template_helpers(app)
    from consult import cli

    cli.register(app)
    return app


def _configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    cfg = config_module.load()
    cfg.update(test_config or {})
    config_module.validate(cfg)
    os.makedirs(app.instance_path, exist_ok=True)
    if not cfg["SECRET_KEY"]:  # development only (validate() refuses otherwise)
        key_file = os.path.join(app.instance_path, "dev-secret-key")
        if not os.path.exists(key_file):
            with open(key_file, "w") as fh:
                fh.write(secrets.token_hex(32))
        with open(key_file) as fh:
            cfg["SECRET_KEY"] = fh.read().strip()
    cfg["DATABASE_URL"] = cfg["DATABASE_URL"] or "sqlite:///" + os.path.join(app.instance_path, "consult.sqlite3")
    cfg["UPLOAD_DIR"] = cfg["UPLOAD_DIR"] or os.path.join(app.instance_path, "uploads")
    app.config.update(cfg)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=cfg["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": cfg["DB_POOL_PRE_PING"], "pool_recycle": 1800},
        MAX_CONTENT_LENGTH=(cfg["UPLOAD_MAX_MB"] * 5 + 1) * 1024 * 1024,
        BABEL_DEFAULT_LOCALE=cfg["LANGUAGES"].split(",")[0].strip(),
        BABEL_DEFAULT_TIMEZONE=cfg["TIMEZONE"],
        RATELIMIT_STORAGE_URI=cfg["REDIS_URL"] or "memory://",
        # Redis away: count in this process instead, and never fail a request over a counter
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1} if cfg["REDIS_URL"] else {},
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_HEADERS_ENABLED=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None if cfg.get("TESTING") else 8 * 3600,
    )
    if cfg["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=cfg["PROXY_COUNT"], x_proto=cfg["PROXY_COUNT"])
    logging.basicConfig(level=cfg["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _init_extensions(app: Flask) -> None:
    from consult import jobs
    from consult.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    languages = [lang.strip() for lang in app.config["LANGUAGES"].split(",") if lang.strip()]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(ROOT, "consult", "translations")

    def select_locale():
        from flask import has_request_context

        if not has_request_context():  # CLI and jobs speak the default language
            return languages[0]
        return request.accept_languages.best_match(languages) or languages[0]

    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"
    with app.app_context():
        jobs.install(app)
    _import_models()

    @app.teardown_request
    def _forget_user(exc=None):
        # Flask reuses an already-pushed app context for a request (tests, CLI); the
        # user Flask-Login cached in g must not outlive the request that loaded it.
        from flask import g

        g.pop("_login_user", None)

    @login_manager.user_loader
    def load_user(user_id: str):
        from consult.auth.models import User

        uid, _, version = user_id.partition(":")
        user = db.session.get(User, int(uid)) if uid.isdigit() and version.isdigit() else None
        if user is None or int(version) != (user.session_version or 0):
            return None  # logged out everywhere, password or role changed since this cookie
        return user


# Each domain package contributes models and blueprints; listed here once. A listed module
# that is missing or fails to import stops the app from starting (never skipped silently).
MODEL_MODULES = (
    "consult.audit.models", "consult.auth.models", "consult.matters.models",
    "consult.messaging.models", "consult.notices.models", "consult.surveys.models",
    "consult.hearings.models", "consult.analysis.models", "consult.register.models",
    "consult.jobs.models", "consult.reports.models", "consult.review.models", "consult.oversight.models",
)
VIEW_MODULES = (
    "consult.notices.views", "consult.auth.views", "consult.matters.views",
    "consult.notices.staff_views", "consult.surveys.views", "consult.surveys.staff_views",
    "consult.hearings.views", "consult.hearings.staff_views", "consult.analysis.views",
    "consult.analysis.point_views", "consult.analysis.pool_views", "consult.analysis.api_views",
    "consult.jobs.views", "consult.reports.views", "consult.review.views", "consult.review.expert_views",
    "consult.audit.views", "consult.register.views", "consult.register.response_views", "consult.oversight.views",
    "consult.oversight.report_views", "consult.oversight.public_views", "consult.oversight.warning_views",
    "consult.oversight.plan_views",
)


def _import_all(modules):
    import importlib

    return [importlib.import_module(name) for name in modules]


def _import_models() -> None:
    """Every model module, so metadata (and Alembic) sees all tables."""
    _import_all(MODEL_MODULES)


def _register_blueprints(app: Flask) -> None:
    from flask import Blueprint

    for module in _import_all(VIEW_MODULES):
        found = [v for v in vars(module).values() if isinstance(v, Blueprint) and v.import_name == module.__name__]
        if not found:
            raise RuntimeError(f"{module.__name__} is listed in VIEW_MODULES but defines no blueprint")
        for blueprint in found:
            app.register_blueprint(blueprint)


ERROR_TEXT = {
    400: (_l("请求无效"), _l("提交的内容无法处理，请返回上一页重试。")),
    403: (_l("没有权限"), _l("您没有权限进行此操作。如需帮助，请联系事项的组织单位。")),
    404: (_l("页面不存在"), _l("您访问的页面不存在或已被撤回。")),
    405: (_l("请求方式不正确"), _l("请从页面上的按钮或链接进入。")),
    409: (_l("无法执行"), _l("当前状态下不能执行此操作，请刷新页面后重试。")),
    413: (_l("文件过大"), _l("上传的内容超过了大小限制，请压缩或拆分后再试。")),
    422: (_l("内容有误"), _l("提交的内容有误，请返回修改。")),
    429: (_l("提交过于频繁"), _l("您的操作过于频繁，请稍等一分钟后再试。")),
    500: (_l("系统繁忙"), _l("服务器出现了问题，我们已记录此错误。请稍后再试。")),
}


def _register_errors(app: Flask) -> None:
    def render(code: int, detail: str | None = None):
        title, text = (str(t) for t in ERROR_TEXT.get(code, ERROR_TEXT[500]))
        from consult.ratelimits import kept_fields, way_back

        keep = request.method == "POST" and code in (400, 429, 500) and bool(request.content_length)
        limit = app.config["COMMENT_MAX_CHARS"]  # the longest resident field: never echo more
        kept = [(label, value[:limit]) for label, value in kept_fields(request.form)] if keep else []
        back = way_back() if keep else None
        return render_template("errors/error.html", code=code, title=title, text=detail or text,
                               kept=kept, back=back), code

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        from flask_babel import gettext

        return render(400, gettext("页面已过期或来源无法验证（安全校验失败）。请返回上一页，刷新后重新提交。"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = getattr(exc, "user_message", None) or hardening.rate_limit_text(exc)
        return render(exc.code or 500, str(message) if message else None)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        app.logger.exception("unhandled error")
        from consult.extensions import db

        db.session.rollback()
        return render(500)


def _register_template_helpers(app: Flask) -> None:
    from consult.timeutil import format_local, format_local_date, unbreakable

    app.jinja_env.filters["localtime"] = lambda v, fmt=None: unbreakable(format_local(v, fmt))
    app.jinja_env.filters["localdate"] = lambda v: unbreakable(format_local_date(v))

    @app.template_global()
    def endpoint_exists(name: str) -> bool:
        return name in app.view_functions

    @app.context_processor
    def labels():
        from consult.notices.models import COMMENT_STATUS_LABELS, STANCE_LABELS

        return {"stance_labels": STANCE_LABELS, "comment_status_labels": COMMENT_STATUS_LABELS}

    from consult import ui

    ui.install(app)

    @app.after_request
    def security_headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        return resp
