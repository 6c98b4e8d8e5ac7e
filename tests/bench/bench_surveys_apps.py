"""WSGI apps for the survey benchmark (run under gunicorn by bench_surveys_submit.py).

consult_app: the real application (rate limits off so one loopback address can load it).
bare_app:    Flask + Flask-SQLAlchemy, one endpoint inserting one row: the baseline.
"""
import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

DB_URL = os.environ["BENCH_DATABASE_URL"]
PRE_PING = os.environ.get("BENCH_PRE_PING", "1") == "1"  # the same engine settings for both apps


def _consult():
    from consult import create_app

    return create_app({"DATABASE_URL": DB_URL, "SECRET_KEY": "bench-secret-key", "ENV": "bench",
                       "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING", "DB_POOL_PRE_PING": PRE_PING})


bare_app = Flask("bare")
bare_app.config["SQLALCHEMY_DATABASE_URI"] = DB_URL
bare_app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": PRE_PING, "pool_recycle": 1800}  # as consult's
bare_db = SQLAlchemy(bare_app)


class BenchRow(bare_db.Model):
    __tablename__ = "bench_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)


@bare_app.post("/row")
def row():
    from flask import request

    bare_db.session.add(BenchRow(body=request.form.get("body", "")))
    bare_db.session.commit()
    return "ok", 201


consult_app = _consult() if os.environ.get("BENCH_APP") == "consult" else None
