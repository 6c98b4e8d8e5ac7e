"""Benchmark: residents submitting the standard questionnaire vs a bare one-row insert.

gunicorn (2 sync workers) + PostgreSQL, 32 concurrent client threads over loopback,
bounded by count and time. Prints throughput, p50/p99, the ratios, and checks that the
rows in the database equal the successful responses.

  BENCH_DATABASE_URL=postgresql+psycopg://root@127.0.0.1:5432/test_surveys \
  .venv/bin/python tests/bench/bench_surveys_submit.py
"""
from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.setdefault("BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test_surveys")
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 32))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 4000))
MAX_SECONDS = float(os.environ.get("BENCH_SECONDS", 60))
WARMUP = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup() -> int:
    """Fresh schema, the bare table, one published standard questionnaire. Returns its id."""
    from sqlalchemy import create_engine, text

    engine = create_engine(DB_URL)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    os.environ["BENCH_APP"] = "consult"
    import tests.bench.bench_surveys_apps as apps
    from tests import factories
    from tests.surveys.helpers import standard_survey

    app = apps._consult()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        with apps.bare_app.app_context():
            apps.bare_db.create_all()
        survey = standard_survey(factories.world())
        return survey.id


def start(target: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, BENCH_APP="consult" if "consult" in target else "bare", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", target], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")




class Client(threading.Thread):
    def __init__(self, port, make_request, budget, deadline):
        super().__init__(daemon=True)
        self.port, self.make_request, self.budget, self.deadline = port, make_request, budget, deadline
        self.latencies, self.ok, self.failed = [], 0, 0

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        method, path, body, headers, expect = self.make_request(conn)
        while time.perf_counter() < self.deadline:
            with self.budget_lock:
                if self.budget[0] <= 0:
                    break
                self.budget[0] -= 1
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                good = resp.status == expect
            except (OSError, http.client.HTTPException):
                conn.close()
                good = False
            self.latencies.append(time.perf_counter() - t0)
            self.ok += good
            self.failed += not good


def run(port, make_request, n) -> dict:
    budget, lock = [n], threading.Lock()
    deadline = time.perf_counter() + MAX_SECONDS
    clients = []
    for _ in range(CLIENTS):
        c = Client(port, make_request, budget, deadline)
        c.budget_lock = lock
        clients.append(c)
    t0 = time.perf_counter()
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    elapsed = time.perf_counter() - t0
    lat = sorted(x for c in clients for x in c.latencies)
    ok = sum(c.ok for c in clients)
    return {"ok": ok, "failed": sum(c.failed for c in clients), "seconds": elapsed, "rps": ok / elapsed,
            "p50": lat[len(lat) // 2] * 1000, "p99": lat[int(len(lat) * 0.99) - 1] * 1000}


def bare_request(conn):
    return "POST", "/row", urlencode({"body": "一行"}), {"Content-Type": "application/x-www-form-urlencoded"}, 201


def survey_request_factory(survey_id: int):
    from consult import create_app  # noqa: F401  (spec built from the database)

    def make(conn):
        conn.request("GET", f"/surveys/{survey_id}/fill")
        resp = conn.getresponse()
        html = resp.read().decode()
        cookies = "; ".join(c.split(";")[0] for k, c in resp.getheaders() if k.lower() == "set-cookie")
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        body = urlencode(dict(FORM, csrf_token=token, _page=str(LAST_PAGE), _action="submit"), doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies}
        return "POST", f"/surveys/{survey_id}/fill", body, headers, 302
    return make


FORM: dict = {}
LAST_PAGE = 3


def build_form(survey_id: int) -> None:
    import tests.bench.bench_surveys_apps as apps
    from consult.surveys.spec import load_spec
    from tests.surveys.helpers import DEFAULT, form_for

    with apps._consult().app_context():
        spec = load_spec(survey_id)
        FORM.update(form_for(spec, **(DEFAULT | {"suggestions": "建议夜间停止施工，减少扬尘。"})))


def count_rows(survey_id: int) -> tuple[int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(DB_URL)
    with engine.connect() as c:
        survey = c.execute(text("SELECT count(*) FROM survey_responses WHERE survey_id = :s"), {"s": survey_id}).scalar()
        bare = c.execute(text("SELECT count(*) FROM bench_rows")).scalar()
    engine.dispose()
    return survey, bare


def main() -> None:
    survey_id = setup()
    build_form(survey_id)
    results = {}
    for name, target, make in (("bare", "tests.bench.bench_surveys_apps:bare_app", bare_request),
                               ("survey", "tests.bench.bench_surveys_apps:consult_app",
                                survey_request_factory(survey_id))):
        port = free_port()
        proc = start(target, port)
        try:
            warm = run(port, make, WARMUP)
            results[name] = run(port, make, REQUESTS)
            results[name]["warm_ok"] = warm["ok"]
        finally:
            proc.terminate()
            proc.wait(10)
    survey_rows, bare_rows = count_rows(survey_id)
    b, s = results["bare"], results["survey"]
    print(f"clients={CLIENTS} requests={REQUESTS} (+{WARMUP} warm-up each) gunicorn sync x2, PostgreSQL")
    for name, r in results.items():
        print(f"{name:7s} ok={r['ok']:5d} failed={r['failed']:3d} {r['rps']:7.1f} req/s  "
              f"p50={r['p50']:6.1f} ms  p99={r['p99']:6.1f} ms  ({r['seconds']:.1f} s)")
    print(f"throughput ratio survey/bare = {s['rps'] / b['rps']:.2f} (target >= 0.60)")
    print(f"p99 ratio survey/bare       = {s['p99'] / b['p99']:.2f} (target <= 1.50)")
    s_ok, b_ok = s["ok"] + s["warm_ok"], b["ok"] + b["warm_ok"]
    print(f"rows: survey_responses={survey_rows} successful={s_ok} {'OK' if survey_rows == s_ok else 'MISMATCH'}; "
          f"bench_rows={bare_rows} successful={b_ok} {'OK' if bare_rows == b_ok else 'MISMATCH'}")


if __name__ == "__main__":
    main()
