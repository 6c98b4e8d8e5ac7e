"""Benchmark: register pages with a big pool, against the matter page measured in the same run.

A matter with 20,000 texts in 40 risk points, 30 register items (graded, with measures and
residual levels) and 40 published responses, one comment per point in the pool. Times are
server-side (Flask test client, best of 5); the baseline is the staff matter page, the ratio
shows what the register adds on top of an ordinary staff page.

Run: .venv/bin/python tests/bench/bench_register.py        (SQLite in a temp folder)
     CONSULT_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/NAME  .venv/bin/python …
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

N_POINTS, PER_POINT, N_ITEMS = 40, 500, 30


def best_of(fn, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def build(app):
    from sqlalchemy import insert

    from consult.analysis.models import RiskPoint, Voice
    from consult.extensions import db
    from consult.models import utcnow
    from consult.register import items, measures, responses
    from consult.register.models import MeasureStatus
    from tests import factories as f

    w = f.world()
    m, now = w["matter"], utcnow()
    points = [RiskPoint(matter_id=m.id, title=f"风险点{i}", description="描述", weight=float(N_POINTS - i))
              for i in range(N_POINTS)]
    db.session.add_all(points)
    db.session.flush()
    rows = [{"matter_id": m.id, "source": "letter", "source_ref": f"letter:{p.id}:{j}", "text": f"来信{j}：垃圾车噪音",
             "text_hash": f"{p.id}-{j}", "point_id": p.id, "occurred_at": now, "created_at": now, "updated_at": now}
            for p in points for j in range(PER_POINT)]
    db.session.execute(insert(Voice), rows)
    comments = []
    for p in points:
        c = f.comment(w["notice"], f"关于{p.title}的意见")
        db.session.add(Voice(matter_id=m.id, source="comment", source_ref=f"comment:{c.id}", text=c.body,
                             text_hash=c.body_hash, point_id=p.id))
        comments.append(c)
    for i in range(N_ITEMS):
        it = items.promote_points(m, [points[i]], actor=w["assessor"], title="", now=now)
        items.grade_item(it, actor=w["assessor"], likelihood=1 + i % 5, severity=1 + (i // 5) % 5, now=now)
        measures.add_measure(it, actor=w["assessor"], now=now, values={
            "text": "措施", "responsible_unit": "单位", "deadline": None, "status": MeasureStatus.PLANNED})
        items.set_residual(it, actor=w["assessor"], likelihood=1, severity=1 + i % 3, reason="理由", now=now)
    for p in points:
        responses.publish_response(p, actor=w["assessor"], text=f"对{p.title}的答复", now=now)
    db.session.commit()
    return w, points, comments


def main() -> None:
    tmp = tempfile.mkdtemp()
    os.environ["CONSULT_INSTANCE_PATH"] = tmp
    url = os.environ.get("CONSULT_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    from consult import create_app

    app = create_app({"TESTING": True, "ENV": "test", "SECRET_KEY": "bench", "DATABASE_URL": url,
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        from flask_migrate import upgrade

        if url.startswith("postgresql"):
            from sqlalchemy import text

            from consult.extensions import db
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        from tests.conftest import login

        w, points, comments = build(app)
        client = app.test_client()
        login(client, w["assessor"])
        mid = w["matter"].id
        from consult.register.items import items_of

        biggest = items_of(mid)[0].id
        pages = {"matter page (baseline)": f"/staff/matters/{mid}", "register page": f"/staff/matters/{mid}/register",
                 "item page (501 texts)": f"/staff/register/items/{biggest}",
                 "responses page": f"/staff/matters/{mid}/responses"}
        public = {"notice page (40 responses)": f"/notices/{w['notice'].id}",
                  "comment receipt": f"/receipts/{comments[0].receipt_code}"}
        results = {}
        for name, path in pages.items():
            assert client.get(path).status_code == 200, path
            results[name] = best_of(lambda p=path: client.get(p))
        anon = app.test_client()
        for name, path in public.items():
            assert anon.get(path).status_code == 200, path
            results[name] = best_of(lambda p=path: anon.get(p))
        base = results["matter page (baseline)"]
        print(f"{url.split(':')[0]}: {N_POINTS * PER_POINT + N_POINTS} texts, {N_ITEMS} items")
        for name, t in results.items():
            print(f"{name:<28} {t * 1000:8.1f} ms   {t / base:5.2f}× baseline")


if __name__ == "__main__":
    main()
