"""Benchmark: residents submitting the standard questionnaire vs a bare one-row insert.

gunicorn (2 sync workers each) + PostgreSQL, 32 concurrent client threads over loopback.
Both servers run side by side with the same engine settings (pool_pre_ping on or off, see
BENCH_PRE_PING: "1", "0" or "1,0" for both) and are loaded in turn - bare, survey, bare,
survey, ... (BENCH_ROUNDS rounds) - because the machine is shared; the figures are medians over
the rounds and the ratios are of the medians (each round's ratios are printed too). Checks
that the rows in the database equal the successful responses.

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
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 3000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
PRE_PING = os.environ.get("BENCH_PRE_PING", "1,0").split(",")
MAX_SECONDS = float(os.environ.get("BENCH_SECONDS", 60))
WARMUP = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup() -> int:
    """Fresh schema, the bare table, one published standard questionnaire. Returns its id."""
    from sqlalchemy import create_engine, text

    from tests.bench._db import ensure_database

    ensure_database(DB_URL)
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


def start(target: str, port: int, pre_ping: str) -> subprocess.Popen:
    env = dict(os.environ, BENCH_APP="consult" if "consult" in target else "bare", PYTHONPATH=str(ROOT),
               BENCH_PRE_PING=pre_ping)
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


TARGETS = {"bare": ("tests.bench.bench_surveys_apps:bare_app", bare_request),
           "survey": ("tests.bench.bench_surveys_apps:consult_app", None)}


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2


def measure(survey_id: int, pre_ping: str) -> dict:
    """Both servers up; warm each, then alternate bare and survey runs. Returns ok counts and medians."""
    makers = {"bare": bare_request, "survey": survey_request_factory(survey_id)}
    procs, ports, runs, ok = {}, {}, {"bare": [], "survey": []}, {"bare": 0, "survey": 0}
    try:
        for name, (target, _) in TARGETS.items():
            ports[name] = free_port()
            procs[name] = start(target, ports[name], pre_ping)
        for name in TARGETS:
            ok[name] += run(ports[name], makers[name], WARMUP)["ok"]
        for i in range(ROUNDS):
            for name in TARGETS:
                r = run(ports[name], makers[name], REQUESTS)
                ok[name] += r["ok"]
                runs[name].append(r)
                print(f"  pre_ping={pre_ping} round {i + 1} {name:6s} ok={r['ok']:5d} failed={r['failed']:3d} "
                      f"{r['rps']:7.1f} req/s  p50={r['p50']:6.1f} ms  p99={r['p99']:6.1f} ms", flush=True)
            b, s = runs["bare"][-1], runs["survey"][-1]
            print(f"  round {i + 1} ratios: throughput {s['rps'] / b['rps']:.2f}  p99 {s['p99'] / b['p99']:.2f}")
    finally:
        for proc in procs.values():
            proc.terminate()
            proc.wait(10)
    med = {name: {k: median([r[k] for r in rs]) for k in ("rps", "p50", "p99")} for name, rs in runs.items()}
    failed = {name: sum(r["failed"] for r in rs) for name, rs in runs.items()}
    pairs = list(zip(runs["bare"], runs["survey"]))
    round_ratios = (median([s["rps"] / b["rps"] for b, s in pairs]), median([s["p99"] / b["p99"] for b, s in pairs]))
    return {"ok": ok, "median": med, "failed": failed, "round_ratios": round_ratios}


def main() -> None:
    survey_id = setup()
    build_form(survey_id)
    print(f"clients={CLIENTS} requests={REQUESTS} per run, {ROUNDS} rounds (+{WARMUP} warm-up each), "
          f"gunicorn sync x2 per app, PostgreSQL", flush=True)
    ok = {"bare": 0, "survey": 0}
    summary = []
    for pre_ping in PRE_PING:
        m = measure(survey_id, pre_ping)
        for name in ok:
            ok[name] += m["ok"][name]
        summary.append((pre_ping, m))
    for pre_ping, m in summary:
        b, s = m["median"]["bare"], m["median"]["survey"]
        print(f"pool_pre_ping={'on' if pre_ping == '1' else 'off'} (both apps), medians of {ROUNDS} alternating rounds:")
        for name, r in m["median"].items():
            print(f"  {name:7s} {r['rps']:7.1f} req/s  p50={r['p50']:6.1f} ms  p99={r['p99']:6.1f} ms  "
                  f"failed={m['failed'][name]}")
        print(f"  throughput ratio survey/bare = {s['rps'] / b['rps']:.2f} (target >= 0.60)")
        print(f"  p99 ratio survey/bare        = {s['p99'] / b['p99']:.2f} (target <= 1.50)")
        print(f"  median of the rounds' own ratios: throughput {m['round_ratios'][0]:.2f}, "
              f"p99 {m['round_ratios'][1]:.2f}")
    survey_rows, bare_rows = count_rows(survey_id)
    print(f"rows: survey_responses={survey_rows} successful={ok['survey']} "
          f"{'OK' if survey_rows == ok['survey'] else 'MISMATCH'}; "
          f"bench_rows={bare_rows} successful={ok['bare']} {'OK' if bare_rows == ok['bare'] else 'MISMATCH'}")


if __name__ == "__main__":
    main()
