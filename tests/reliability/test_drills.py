"""Load and fault drills (short versions for CI): gunicorn + PostgreSQL + Redis + RQ worker on
loopback, outages made by relays in front of the services. Run only where PostgreSQL and
Redis answer; tests/bench/drill_long.py is the 200-resident / 60 s version.

Each test prints its figures (requests, failures, lost, p99, recovery time)."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from tests.reliability import drill

pytestmark = pytest.mark.drill

USERS, SECONDS, OUTAGE = 8, 6, 10.0
DRAIN = 120  # seconds the outbox may take to drain after an outage (one fork per message on 2 cores)


def _available() -> str | None:
    if not drill.service_answers(5432):
        return "PostgreSQL does not answer on 127.0.0.1:5432"
    if not drill.service_answers(drill.REDIS_PORT):
        return f"Redis does not answer on 127.0.0.1:{drill.REDIS_PORT}"
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return "gunicorn is not installed"
    return None


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if reason := _available():
        pytest.skip(f"drill needs the real services: {reason}")
    s = drill.Stack(tmp_path_factory.mktemp("drill"))
    s.start()
    stop_at = time.monotonic() + 900  # bounded, like everything here
    threading.Thread(target=s.supervise, args=(stop_at,), daemon=True).start()
    yield s
    s.stop()


def _report(name: str, results: drill.Results, **extra) -> dict:
    figures = {**results.summary(), **drill.lost_and_duplicated(results=results, stack=STACK[0]), **extra}
    print(f"\n[drill] {name}: {figures}")
    if results.errors:
        print(f"[drill] {name}: first failures {results.errors[:8]}")
    return figures


STACK: list = []


@pytest.fixture(autouse=True)
def _remember(stack):
    STACK[:] = [stack]


def _during_load(stack, action, users=USERS, seconds=SECONDS + OUTAGE + 4):
    results = drill.Results()
    t = threading.Thread(target=drill.run_load, args=(stack, users, seconds, results))
    t.start()
    time.sleep(2)
    extra = action()
    t.join(timeout=seconds + 90)
    return results, extra


def test_load_loses_nothing(stack):
    figures = _report("load", drill.run_load(stack, USERS, SECONDS))
    assert figures["requests"] > 0 and figures["failures"] == 0
    assert figures["lost"] == 0 and figures["duplicated"] == 0


def test_postgres_outage_loses_nothing_and_recovers(stack):
    def outage():
        stack.pg_relay.cut()
        time.sleep(OUTAGE)
        stack.pg_relay.restore()
        return {"recovery_s": round(drill.time_until_ok(stack), 2)}

    results, extra = _during_load(stack, outage)
    figures = _report("postgres down 10 s", results, **extra)
    assert figures["lost"] == 0 and figures["duplicated"] == 0
    assert extra["recovery_s"] < 5
    # what residents saw during the outage: the Chinese "busy" page, never a claim of success
    assert all(status in (200, 302, 500, 0) for *_, status in results.latencies)


def test_redis_outage_refuses_nothing(stack):
    def outage():
        stack.redis_relay.cut()
        time.sleep(OUTAGE)
        stack.redis_relay.restore()
        start = time.monotonic()  # the worker (restarted by its supervisor if it died) sweeps the outbox
        while time.monotonic() - start < DRAIN and stack.scalar(
                "SELECT count(*) FROM messages WHERE status = 'QUEUED'"):
            time.sleep(0.2)
        return {"outbox_drained_s": round(time.monotonic() - start, 2),
                "still_queued": stack.scalar("SELECT count(*) FROM messages WHERE status = 'QUEUED'")}

    results, extra = _during_load(stack, outage)
    figures = _report("redis down 10 s", results, **extra)
    assert figures["failures"] == 0 and figures["lost"] == 0 and figures["duplicated"] == 0
    assert extra["still_queued"] == 0


def test_worker_killed_mid_job_never_leaves_it_running(stack):
    out = subprocess.run([sys.executable, str(drill.ROOT / "tests/reliability/drill_seed.py"), "job", "40"],
                         env=stack.env, cwd=drill.ROOT, capture_output=True, text=True, timeout=120, check=True)
    job_id = int(out.stdout.strip().splitlines()[-1])
    status = lambda: stack.scalar("SELECT status FROM job_runs WHERE id = :i", i=job_id)  # noqa: E731
    _wait(lambda: not stack.scalar("SELECT count(*) FROM messages WHERE status = 'QUEUED'"), DRAIN)
    _wait(lambda: status() == "running", 60)
    stack.kill_worker()  # its supervisor starts a new one
    killed_at = time.monotonic()
    _wait(lambda: status() in ("failed", "done"), 60)
    detected_s = round(time.monotonic() - killed_at, 2)
    if status() == "failed":  # staff press "retry" on the job page
        b = drill.Browser(stack)
        token = b.token("/staff/login")
        assert b.post("/staff/login", {"csrf_token": token, "username": "organiser",
                                       "password": stack.ids["password"]})[0] == 302
        token = b.token(f"/staff/jobs/{job_id}")
        assert b.post(f"/staff/jobs/{job_id}/retry", {"csrf_token": token})[0] == 302
    _wait(lambda: status() == "done", 120)
    print(f"\n[drill] worker killed mid-job: interruption detected after {detected_s} s, job done after retry")
    assert status() == "done"


def _wait(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
