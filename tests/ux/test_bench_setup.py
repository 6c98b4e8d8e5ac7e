"""The README's benchmark command works on a fresh machine: the benchmark creates its database."""
import os

import pytest
from sqlalchemy import create_engine, text

from tests.bench._db import ensure_database

SERVER = os.environ.get("UX_BENCH_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")


def _server_answers() -> bool:
    try:
        engine = create_engine(f"{SERVER}/postgres", connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.mark.skipif(not _server_answers(), reason="no PostgreSQL server on 127.0.0.1:5432")
def test_benchmark_creates_its_database_once():
    name = f"test_ux_bench_{os.getpid()}"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        assert ensure_database(f"{SERVER}/{name}") is True
        assert ensure_database(f"{SERVER}/{name}") is False
        with create_engine(f"{SERVER}/{name}").connect() as conn:
            assert conn.scalar(text("SELECT current_database()")) == name
    finally:
        create_engine(f"{SERVER}/{name}").dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_no_server_gives_a_one_line_hint():
    with pytest.raises(SystemExit, match="did not answer.*BENCH_DATABASE_URL"):
        ensure_database("postgresql+psycopg://nobody@127.0.0.1:1/none")
