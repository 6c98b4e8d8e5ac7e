"""Load and fault drills against a real deployment shape on loopback only:
gunicorn + PostgreSQL + Redis + an RQ worker, with a TCP relay in front of PostgreSQL and
Redis so an outage is simulated without touching anybody else's services.

Used by tests/reliability/test_drills.py (short, for CI) and tests/bench/drill_long.py
(200 residents for 60 s). Every loop is bounded in count and time.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("CONSULT_DRILL_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_PORT = int(os.environ.get("CONSULT_DRILL_REDIS_PORT", "6379"))
REDIS_DB = 13  # the test suite uses 0..n per xdist worker
DB_NAME = "test_security_drill"


def service_answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay:
    """127.0.0.1:<port> → 127.0.0.1:<target>. cut() drops every connection and refuses new
    ones at once (the dependency is unreachable); restore() lets them through again."""

    def __init__(self, target: int):
        self.target, self.up, self.conns, self.lock = target, True, [], threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            try:
                self._connect(client)
            except Exception:  # never let one connection stop the relay
                client.close()

    def _connect(self, client):
        if not self.up:
            client.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
        upstream.settimeout(None)
        with self.lock:
            self.conns += [client, upstream]
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.up = False
        with self.lock:
            conns, self.conns = self.conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def restore(self):
        self.up = True

    def close(self):
        self.closed = True
        self.cut()
        self.sock.close()


class Stack:
    """Migrated database with a seeded matter, gunicorn and an RQ worker, all behind relays."""

    def __init__(self, tmp: Path, workers: int = 2, threads: int = 8):
        self.tmp, self.workers, self.threads = tmp, workers, threads
        self.pg_relay = Relay(5432)
        self.redis_relay = Relay(REDIS_PORT)
        self.port = free_port()
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = dict(os.environ, **{
            "CONSULT_ENV": "development", "CONSULT_SECRET_KEY": "drill-secret-key-0123456789",
            "CONSULT_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{self.pg_relay.port}/{DB_NAME}",
            "CONSULT_REDIS_URL": f"redis://127.0.0.1:{self.redis_relay.port}/{REDIS_DB}",
            "CONSULT_INSTANCE_PATH": str(tmp / "instance"), "CONSULT_UPLOAD_DIR": str(tmp / "uploads"),
            "CONSULT_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "CONSULT_LOG_LEVEL": "WARNING",
            "CONSULT_RATE_LIMIT_COMMENTS": "100000 per minute", "CONSULT_RATE_LIMIT_SURVEYS": "100000 per minute",
            "CONSULT_HEARING_RATE_LIMIT_SMS": "100000 per minute",
            "CONSULT_HEARING_RATE_LIMIT_REGISTER": "100000 per minute",
            "CONSULT_RATE_LIMIT_RECEIPTS": "100000 per minute", "CONSULT_RATE_LIMIT_LOGIN": "100000 per minute",
            "CONSULT_OUTBOX_DEADLINE_SECONDS": "3", "CONSULT_SWEEP_INTERVAL_SECONDS": "1",
            "CONSULT_JOB_STALE_SECONDS": "3", "PYTHONPATH": str(ROOT),
        })
        self.env.pop("CONSULT_TEST_DATABASE_URL", None)

    # --- life cycle -----------------------------------------------------------------
    def start(self) -> dict:
        from sqlalchemy import create_engine, text

        admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
        admin.dispose()
        import redis

        redis.Redis(port=REDIS_PORT, db=REDIS_DB).flushdb()
        out = subprocess.run([sys.executable, str(ROOT / "tests/reliability/drill_seed.py")], env=self.env,
                             cwd=ROOT, capture_output=True, text=True, timeout=180, check=True)
        self.ids = json.loads(out.stdout.strip().splitlines()[-1])
        self.start_web()
        self.start_worker()
        return self.ids

    def start_web(self):
        self.procs["web"] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "--threads", str(self.threads),
             "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=open(self.tmp / "web.log", "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("/"), timeout=2).read()
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s; see web.log")

    def start_worker(self):
        log = self.tmp / "worker.log"
        offset = log.stat().st_size if log.exists() else 0
        self.procs["worker"] = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env=self.env,
            stdout=open(log, "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.procs["worker"].poll() is None:
            if b"Listening on" in log.read_bytes()[offset:]:
                return
            time.sleep(0.1)

    def supervise(self, until: float) -> int:
        """What systemd or supervisord does: start the worker again when it exits. Returns restarts."""
        restarts = 0
        while time.monotonic() < until:
            if "worker" in self.procs and self.procs["worker"].poll() is not None:
                restarts += 1
                time.sleep(1)
                self.start_worker()
            time.sleep(0.2)
        return restarts

    def kill_worker(self):
        """kill -9 the worker (its supervisor, see supervise(), starts a new one)."""
        proc = self.procs["worker"]
        proc.send_signal(signal.SIGKILL)  # the job runs inside the worker process: it dies with it
        proc.wait(timeout=10)

    def stop(self):
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.pg_relay.close()
        self.redis_relay.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # --- direct database checks (not through the relay) --------------------------------
    def scalar(self, sql: str, **params):
        from sqlalchemy import create_engine, text

        engine = create_engine(f"{PG}/{DB_NAME}")
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).scalar()
        finally:
            engine.dispose()

    def rows(self, sql: str, **params):
        from sqlalchemy import create_engine, text

        engine = create_engine(f"{PG}/{DB_NAME}")
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).all()
        finally:
            engine.dispose()


# --- residents ---------------------------------------------------------------------------
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    def __init__(self, stack: Stack):
        self.stack, self.last_status = stack, 0
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.stack.url(path)))

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        return self._open(urllib.request.Request(self.stack.url(path), data=body, method="POST"))

    def token(self, path: str) -> str | None:
        self.last_status, _, html = self.get(path)
        m = _TOKEN.search(html)
        return m.group(1) if self.last_status == 200 and m else None

    def _open(self, req) -> tuple[int, str, str]:
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.headers.get("Location", ""), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode("utf-8", "replace")
        except OSError as exc:  # connection refused/reset: the client sees a failure, nothing claims success
            return 0, "", str(exc)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


@dataclass
class Results:
    latencies: list = field(default_factory=list)  # (started, seconds, kind, status)
    comments: list = field(default_factory=list)  # bodies answered 302
    surveys: list = field(default_factory=list)  # receipt codes answered 302
    hearings: list = field(default_factory=list)  # receipt codes answered 302
    errors: list = field(default_factory=list)  # (kind, status, page title) of the first failures
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind, started, status, extra=None, page=""):
        with self.lock:
            self.latencies.append((started, time.monotonic() - started, kind, status))
            if extra is not None and status == 302:
                getattr(self, kind).append(extra)
            if status not in (200, 302) and len(self.errors) < 20:
                title = re.search(r"<title>(.*?)</title>", page or "", re.S)
                errs = re.findall(r'class="(?:error|field-error)[^"]*"[^>]*>([^<]{1,80})', page or "")
                self.errors.append((kind, status, (title.group(1).strip() if title else page[:80]), errs[:2]))

    def summary(self) -> dict:
        times = sorted(d for _, d, _, _ in self.latencies)
        fails = sum(1 for *_, s in self.latencies if s not in (200, 302))
        p = (lambda q: times[min(len(times) - 1, int(q * len(times)))] if times else 0.0)
        return {"requests": len(times), "failures": fails, "p50_ms": round(p(0.5) * 1000, 1),
                "p99_ms": round(p(0.99) * 1000, 1), "comments": len(self.comments), "surveys": len(self.surveys),
                "hearings": len(self.hearings)}


def resident(stack: Stack, results: Results, n: int, until: float, max_actions: int = 1000) -> None:
    """One resident: read the notice, comment, answer the questionnaire, register for the hearing."""
    ids, rnd = stack.ids, random.Random(n)
    for i in range(max_actions):
        if time.monotonic() >= until:
            return
        b = Browser(stack)
        kind = rnd.choice(("comments", "comments", "surveys", "hearings"))
        t = time.monotonic()
        token = b.token(f"/notices/{ids['notice']}")
        results.add("read", t, b.last_status if token or b.last_status != 200 else 0)
        if token is None:
            time.sleep(0.2)
            continue
        if kind == "comments":
            body = f"演练意见 居民{n} 第{i}条 {rnd.random():.6f}"
            t = time.monotonic()
            status, loc, page = b.post(f"/notices/{ids['notice']}/comments",
                                       {"csrf_token": token, "body": body, "stance": "oppose"})
            results.add("comments", t, status, body, page)
        elif kind == "surveys":
            t = time.monotonic()
            status, loc, page = b.post(f"/surveys/{ids['survey']}/fill", {
                "csrf_token": token, "_page": "0", "_action": "submit", ids["q1"]: ids["q1_option"],
                ids["q2"]: f"演练建议 {n}-{i}"})
            results.add("surveys", t, status, loc.rsplit("/", 1)[-1].split("?")[0] if status == 302 else None,
                        page)
        else:
            _register(stack, b, results, token, n, i)


def _register(stack, b, results, token, n, i):
    ids = stack.ids
    # unique per (resident, try); the masked form (first 3, last 4) is unique per resident
    phone = f"13{i % 10}{i // 10 % 10000:04d}{n % 10000:04d}"
    t = time.monotonic()
    status, _, page = b.post(f"/hearings/{ids['meeting']}/register", {"csrf_token": token, "phone": phone})
    if status != 302:
        results.add("hearings", t, status, page=page)
        return
    code = None
    for _ in range(50):  # the SMS is a row in the outbox; the log gateway "sends" it
        code = stack.scalar("SELECT body FROM messages WHERE purpose = 'hearing.code' AND recipient_masked = :m "
                            "ORDER BY id DESC LIMIT 1", m=phone[:3] + "****" + phone[-4:])
        if code:
            break
        time.sleep(0.1)
    code = re.search(r"验证码 (\d{6})", code or "")
    status, loc, page = b.post(f"/hearings/{ids['meeting']}/register/details", {
        "csrf_token": token, "code": code.group(1) if code else "000000", "name": f"演练{n}",
        "relation": "沿线住户", "category": ids["category"], "stance": "oppose", "points": "演练发言要点",
        "consent": "y"})
    results.add("hearings", t, status, loc.split("/hearings/r/")[-1].split("?")[0] if status == 302 else None,
                page)


_RUNS = iter(range(1, 10))


def run_load(stack: Stack, users: int, seconds: float, results: Results | None = None) -> Results:
    """users ≤ 1000 residents for `seconds`; residents of each run are new people."""
    results = results or Results()
    until = time.monotonic() + seconds
    first = next(_RUNS) * 1000
    threads = [threading.Thread(target=resident, args=(stack, results, first + n, until), daemon=True)
               for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    return results


def lost_and_duplicated(stack: Stack, results: Results) -> dict:
    """Every answered submission has exactly one row."""
    stored = {b for (b,) in stack.rows("SELECT body FROM comments")}
    counts = dict(stack.rows("SELECT body, count(*) FROM comments GROUP BY body HAVING count(*) > 1"))
    survey_codes = {c for (c,) in stack.rows("SELECT receipt_code FROM survey_responses")}
    hearing_codes = {c for (c,) in stack.rows("SELECT receipt_code FROM hearing_registrations")}
    lost = ([b for b in results.comments if b not in stored] + [c for c in results.surveys if c not in survey_codes]
            + [c for c in results.hearings if c not in hearing_codes])
    return {"lost": len(lost), "duplicated": len(counts), "examples": lost[:5]}


def time_until_ok(stack: Stack, timeout: float = 30.0) -> float:
    """Seconds until a resident's comment is accepted again (probing every 50 ms)."""
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < timeout:
        b = Browser(stack)
        token = b.token(f"/notices/{stack.ids['notice']}")
        if token:
            status, _, _ = b.post(f"/notices/{stack.ids['notice']}/comments",
                                  {"csrf_token": token, "body": f"恢复探测 {n} {time.time()}", "stance": "support"})
            if status == 302:
                return time.monotonic() - start
        n += 1
        time.sleep(0.05)
    return float("inf")
