"""The long drill: 200 residents for 60 s against gunicorn + PostgreSQL + Redis (+ RQ worker),
then PostgreSQL and Redis each unreachable for 10 s under load. Prints figures; loopback only,
every loop bounded. Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.

    python tests/bench/drill_long.py [residents] [seconds]
"""
from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.reliability import drill  # noqa: E402


def outage(stack, relay, users, seconds):
    results = drill.Results()
    t = threading.Thread(target=drill.run_load, args=(stack, users, seconds, results))
    t.start()
    time.sleep(5)
    relay.cut()
    time.sleep(10)
    relay.restore()
    recovery = drill.time_until_ok(stack)
    t.join()
    return results, recovery


def main(users: int = 200, seconds: float = 60) -> None:
    for reason_port in (5432, drill.REDIS_PORT):
        if not drill.service_answers(reason_port):
            sys.exit(f"nothing answers on 127.0.0.1:{reason_port}")
    stack = drill.Stack(Path(tempfile.mkdtemp()), workers=4, threads=16)
    stack.start()
    threading.Thread(target=stack.supervise, args=(time.monotonic() + 3 * seconds + 600,), daemon=True).start()
    try:
        base = drill.run_load(stack, users, seconds)
        print("load       ", base.summary(), drill.lost_and_duplicated(stack, base))
        for name, relay in (("postgres", stack.pg_relay), ("redis", stack.redis_relay)):
            res, recovery = outage(stack, relay, min(users, 100), 30)
            print(f"{name:<11}", res.summary(), drill.lost_and_duplicated(stack, res),
                  {"recovery_s": round(recovery, 2)})
    finally:
        stack.stop()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
