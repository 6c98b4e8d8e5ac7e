"""Benchmark: oversight pages with 10,000 matters across 50 districts and 5 years (2022–2026).

10 organisations; every matter has a current assessment (80 % graded, 70 % with a 定稿, 60 %
decided, 45 % filed) and 40 % have a register item with two measures; 3,000 warnings (70 % closed)
and 20,000 voices (10 % flagged) spread over the five years. Times are server-side
(Flask test client as admin, best of 5); the baseline is the API-token page (an ordinary staff page
with no data), measured in the same run.

Run: .venv/bin/python tests/bench/bench_oversight.py        (SQLite in a temp folder)
     CONSULT_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_oversight .venv/bin/python …
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

N_MATTERS, N_DISTRICTS, N_ORGS = 10_000, 50, 10


def best_of(fn, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _table(model):
    return model.__table__


def build():
    from sqlalchemy import insert, select

    from consult.auth.models import Organisation, Role
    from consult.extensions import db
    from consult.matters.models import Matter, MatterKind, MatterStatus, Procedure
    from consult.register.models import Measure, RiskItem, RiskLevel
    from consult.reports.models import Assessment, Outcome, ReportVersion, Stage
    from tests import factories as f

    rng = random.Random(7)
    orgs = [Organisation(name=f"单位{i}") for i in range(N_ORGS)]
    db.session.add_all(orgs)
    db.session.flush()
    admin = f.user(Role.ADMIN, username="benchadmin")
    start = datetime(2022, 1, 1, tzinfo=timezone.utc)
    matters = []
    for i in range(N_MATTERS):
        created = start + timedelta(days=rng.randint(0, 5 * 365 - 60))
        matters.append({"title": f"事项{i}", "kind": rng.choice(list(MatterKind)).value, "organisation_id": orgs[i % N_ORGS].id,
                        "area": f"区县{i % N_DISTRICTS:02d}", "location": "", "scope_description": "",
                        "procedure": rng.choice(list(Procedure)).value, "is_sensitive": False,
                        "requires_moderation": False, "status": MatterStatus.ASSESSING.value,
                        "created_at": created, "updated_at": created})
    db.session.execute(insert(_table(Matter)), matters)
    rows = db.session.execute(select(Matter.id, Matter.created_at).order_by(Matter.id)).all()
    assessments, versions, items, measures = [], [], [], []
    for mid, created in rows:
        graded = rng.random() < 0.8
        set_at = created + timedelta(days=20)
        decided = graded and rng.random() < 0.75
        assessments.append({"matter_id": mid, "round": 1, "is_current": True, "methods": {}, "narrative": {},
                            "emergency": {}, "level_reason": "", "conditions": "", "round_reason": "",
                            "decision_reason": "",
                            "final_level": rng.choice(list(RiskLevel)).value if graded else None,
                            "outcome": rng.choice(list(Outcome)).value if graded else None,
                            "set_at": set_at if graded else None,
                            "decision_adopted": True if decided else None,
                            "decision_date": (set_at + timedelta(days=25)).date() if decided else None,
                            "filed_at": set_at + timedelta(days=27) if decided and rng.random() < 0.75 else None,
                            "created_at": created, "updated_at": created})
    db.session.execute(insert(_table(Assessment)), assessments)
    for aid, mid, set_at in db.session.execute(select(Assessment.id, Assessment.matter_id, Assessment.set_at)):
        if set_at is not None and rng.random() < 0.875:
            versions.append({"matter_id": mid, "assessment_id": aid, "number": 1, "stage": Stage.FINAL.value,
                             "kind": "full", "document": {}, "content_hash": "0" * 64, "note": "",
                             "created_at": set_at + timedelta(days=10)})
        if set_at is not None and rng.random() < 0.5:
            items.append({"matter_id": mid, "number": 1, "title": "风险", "description": "", "area": "",
                          "dimension": "", "affected_groups": "", "created_at": set_at, "updated_at": set_at})
    db.session.execute(insert(_table(ReportVersion)), versions)
    db.session.execute(insert(_table(RiskItem)), items)
    for iid, created in db.session.execute(select(RiskItem.id, RiskItem.created_at)):
        for days in (40, 70):
            due = created + timedelta(days=days)
            done = due - timedelta(days=3) if rng.random() < 0.7 else None
            measures.append({"item_id": iid, "text": "措施", "responsible_unit": "", "deadline": due.date(),
                             "status": "done" if done else "planned", "done_at": done,
                             "created_at": created, "updated_at": created})
    db.session.execute(insert(_table(Measure)), measures)
    _warnings_and_voices(rng, [mid for mid, _created in rows], start)
    db.session.commit()
    return admin


def _warnings_and_voices(rng, matter_ids, start):
    from sqlalchemy import insert

    from consult.analysis.models import Voice
    from consult.extensions import db
    from consult.oversight.models import RiskWarning

    warnings, voices = [], []
    for i in range(3_000):
        raised = start + timedelta(days=rng.randint(0, 5 * 365 - 60), hours=rng.randint(0, 23))
        closed = raised + timedelta(days=rng.randint(2, 50)) if rng.random() < 0.7 else None
        warnings.append({"matter_id": rng.choice(matter_ids), "level": rng.choice(["red", "yellow"]),
                         "source": "manual", "title": f"预警{i}", "detail": "", "owner_unit": "",
                         "deadline": (raised + timedelta(days=rng.randint(10, 40))).date(),
                         "status": "closed" if closed else "open", "raised_at": raised, "closed_at": closed,
                         "closing_review": "", "resolved": (rng.random() < 0.8) if closed else None,
                         "created_at": raised, "updated_at": raised})
    db.session.execute(insert(_table(RiskWarning)), warnings)
    for i in range(20_000):
        at = start + timedelta(days=rng.randint(0, 5 * 365 - 1), hours=rng.randint(0, 23))
        flagged = rng.random() < 0.1
        voices.append({"matter_id": rng.choice(matter_ids), "source": rng.choice(["comment", "visit", "letter"]),
                       "source_ref": f"bench:{i}", "channel": "", "text": "意见", "text_hash": "0" * 64,
                       "raw_stance": "", "stance": "other", "group": "", "household": "",
                       "author": rng.choice(["", "甲", "乙"]), "weight": 1.0, "source_status": "",
                       "occurred_at": at, "recorder": "", "escalation_score": 0.9 if flagged else 0.0,
                       "escalation_terms": [], "is_flagged": flagged, "is_pinned": False, "is_excluded": False,
                       "is_reviewed": False, "created_at": at, "updated_at": at})
    db.session.execute(insert(_table(Voice)), voices)


def main() -> None:
    tmp = tempfile.mkdtemp()
    os.environ["CONSULT_INSTANCE_PATH"] = tmp
    url = os.environ.get("CONSULT_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    if url.startswith("postgresql"):
        from tests.bench._db import ensure_database

        ensure_database(url)
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

        admin = build()
        client = app.test_client()
        login(client, admin)
        pages = {"API-token page (baseline)": "/staff/account/tokens",
                 "ledger, first page": "/oversight/ledger",
                 "ledger, filters + search": "/oversight/ledger?area=区县07&level=high&filing=filed&q=事项1",
                 "ledger, 未评先决 filter": "/oversight/ledger?flagged=1&year=2024",
                 "monthly report 2025-06": "/oversight/monthly?month=2025-06",
                 "index, 50 districts + 6-month trend": "/oversight/index?month=2025-06",
                 "public district page (三率)": "/transparency/区县07",
                 "warning list (3,000 warnings), first page": "/oversight/warnings",
                 "warning list, overdue in one district": "/oversight/warnings?overdue=1&district=区县07",
                 "annual plan, one body (no plan items)": "/oversight/plan"}
        results = {}
        for name, path in pages.items():
            assert client.get(path).status_code == 200, path
            results[name] = best_of(lambda p=path: client.get(p))
        base = results["API-token page (baseline)"]
        print(f"{url.split(':')[0]}: {N_MATTERS} matters, {N_DISTRICTS} districts, 5 years")
        for name, t in results.items():
            print(f"{name:<36} {t * 1000:8.1f} ms   {t / base:5.2f}× baseline")


if __name__ == "__main__":
    main()
