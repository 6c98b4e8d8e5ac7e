"""Benchmarks make the PostgreSQL database they need, so the README commands run as written."""
from __future__ import annotations

import sys


def ensure_database(url: str) -> bool:
    """Create the database named in `url` if it does not exist (through the server's `postgres`
    database). Returns True when it was created. Exits with a one-line hint if no server answers."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}):
                return False
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
            return True
    except OperationalError as exc:
        sys.exit(f"PostgreSQL at {target.host}:{target.port} did not answer ({str(exc.orig).splitlines()[0]}); "
                 "start it or set BENCH_DATABASE_URL=postgresql+psycopg://USER@HOST:PORT/DBNAME")
    finally:
        admin.dispose()
