"""Benchmark: the voice list of a matter with 20,000 texts, at the server, on PostgreSQL.

Seeds 14,000 comments (mirrored into the pool when the page opens) and 6,000 staff-entered
texts (visits, letters) written by the demo text generator, syncs the pool once, then times
through the app in-process as the assessor (median of 7 after one warm-up):
the unfiltered list, filtered lists (search + stance, a facet, a date range, a late page),
the flagged list, the JSON API page, sync_voices with nothing changed, and the list right
after a new comment (the signature differs, so the page re-syncs). The baseline, in
the same run, is the staff dashboard (a page that reads almost nothing).

  createdb -h 127.0.0.1 -U postgres test_voices_bench
  BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_voices_bench \
  /work/main/.venv/bin/python tests/bench/bench_pool.py
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_voices_bench")
N_COMMENTS = int(os.environ.get("BENCH_COMMENTS", 14_000))
N_STAFF = int(os.environ.get("BENCH_STAFF", 6_000))
TARGET_MS = 300


def _comments(gen, w, base) -> list[dict]:
    from consult.notices.comments import body_fingerprint, new_receipt_code
    from consult.notices.models import CommentStatus, Stance

    rows = []
    for i in range(N_COMMENTS):
        concern = gen.concern()
        body = f"{gen.comment(concern)}（{i}）"
        rows.append(dict(matter_id=w["matter"].id, notice_id=w["notice"].id, receipt_code=new_receipt_code(),
                         body=body, body_hash=body_fingerprint(body), stance=Stance(gen.stance(concern)),
                         status=CommentStatus.PUBLISHED, created_at=base + timedelta(minutes=13 * i)))
    return rows


def _staff(gen, w, base) -> list[dict]:
    from consult.analysis.escalation import escalation_of, is_flagged
    from consult.analysis.models import VoiceSource, VoiceStance
    from consult.analysis.voices import text_hash

    rows = []
    for i in range(N_STAFF):
        concern = gen.concern()
        text = gen.petition() if i % 10 == 0 else gen.comment(concern)
        score, terms = escalation_of(text)
        source = (VoiceSource.VISIT, VoiceSource.LETTER, VoiceSource.SYMPOSIUM)[i % 3]
        rows.append(dict(matter_id=w["matter"].id, source=source, source_ref=f"{source.value}:{i:032x}", text=text,
                         text_hash=text_hash(text), stance=VoiceStance(gen.stance(concern) if i % 10 else "oppose"),
                         group=("紧邻住户", "学生家长", "沿街商户", "")[i % 4], escalation_score=score,
                         escalation_terms=terms, is_flagged=is_flagged(score), channel="",
                         occurred_at=base + timedelta(minutes=29 * i), raw_stance="", household="", author="",
                         recorder="", weight=1.0, source_status="", is_reviewed=i % 5 == 0))
    return rows


def seed(db, w) -> None:
    from consult.analysis.models import Voice
    from consult.analysis.voices import sync_voices
    from consult.demo.voices import TextGen
    from consult.notices.models import Comment

    t0 = time.perf_counter()
    gen, base = TextGen(1), datetime(2026, 6, 1, tzinfo=timezone.utc)
    db.session.execute(db.insert(Comment), _comments(gen, w, base))
    db.session.execute(db.insert(Voice), _staff(gen, w, base))
    sync_voices(w["matter"].id)
    db.session.commit()
    db.session.execute(db.text("ANALYZE voices"))
    db.session.execute(db.text("ANALYZE comments"))
    db.session.commit()
    n = db.session.query(Voice).filter_by(matter_id=w["matter"].id).count()
    print(f"seeded {n} texts in the pool ({N_COMMENTS} comments mirrored, {N_STAFF} staff-entered) "
          f"in {time.perf_counter() - t0:.1f} s")


def timed(client, url, runs=7, headers=None) -> float:
    client.get(url, headers=headers)  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        resp = client.get(url, headers=headers)
        times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, (url, resp.status_code)
    return statistics.median(times)


def after_new_comment(client, w, url, runs=5) -> float:
    from tests import factories

    times = []
    for i in range(runs):
        factories.comment(w["notice"], f"刚提交的新意见：垃圾车太吵（{i}）")
        t = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200 and f"（{i}）" in resp.get_data(as_text=True)
    return statistics.median(times)


def main() -> None:
    from sqlalchemy import create_engine, text

    url = os.environ["BENCH_DATABASE_URL"]
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from consult import create_app
    from consult.extensions import db
    from tests import factories
    from tests.conftest import login

    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret-key-0123456789", "DATABASE_URL": url,
                      "WTF_CSRF_ENABLED": False, "RATE_LIMIT_API": "100000 per minute"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        w = factories.world()
        seed(db, w)
        run(app, db, w)


def run(app, db, w) -> None:
    from consult.analysis.tokens import create_token
    from consult.analysis.voices import sync_voices
    from consult.jobs import commit
    from consult.models import utcnow
    from tests.conftest import login

    client = app.test_client()
    login(client, w["assessor"])
    _t, raw = create_token(actor=w["assessor"], name="bench", now=utcnow())
    commit()
    mid = w["matter"].id
    base = f"/staff/matters/{mid}/voices"
    baseline = timed(client, "/staff/")
    rows = [("baseline: staff dashboard", baseline)]
    t = time.perf_counter()
    for _ in range(5):
        sync_voices(mid)
        db.session.rollback()
    rows.append(("sync_voices, nothing changed", (time.perf_counter() - t) * 200))
    for label, url in (("list, no filter", base), ("filtered: q=臭味 & stance=oppose", base + "?q=臭味&stance=oppose"),
                       ("filtered: group=学生家长 & flagged=1", base + "?group=学生家长&flagged=1"),
                       ("filtered: date range + reviewed=0", base + "?date_from=2026-07-01&date_to=2026-08-15&reviewed=0"),
                       ("filtered: source=letter, page 40", base + "?source=letter&page=40"),
                       ("flagged list", base + "/flagged")):
        rows.append((label, timed(client, url)))
    rows.append(("list after 1 new comment (re-sync)", after_new_comment(client, w, base)))
    rows.append(("API voices, q=学校, per_page=200", timed(
        app.test_client(), f"/api/v1/matters/{mid}/voices?q=学校&per_page=200",
        headers={"Authorization": f"Bearer {raw}"})))
    print(f"{'page':<42}{'median ms':>10}{'× baseline':>12}  target ≤ {TARGET_MS} ms for lists")
    for label, ms in rows:
        print(f"{label:<42}{ms:>10.1f}{ms / baseline:>12.1f}")


if __name__ == "__main__":
    main()
