"""Benchmark: results page, JSON and exports for a questionnaire with 100,000 responses.

Seeds the responses and their answers with INSERT ... SELECT generate_series (PostgreSQL),
then times the pages through the app in-process as the organiser: each page cold (figures
cache cleared) and cached, and the background export jobs (in-process without Redis).

  BENCH_DATABASE_URL=postgresql+psycopg://root@127.0.0.1:5432/test_surveys \
  .venv/bin/python tests/bench/bench_surveys_results.py
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test_surveys")
N = int(os.environ.get("BENCH_RESPONSES", 100_000))


def seed(db, spec) -> None:
    from sqlalchemy import text

    t0 = time.perf_counter()
    db.session.execute(text("""
        INSERT INTO survey_responses (survey_id, receipt_code, channel, answers_hash, is_duplicate, flags,
                                      submitted_at, client_hash, device_hash)
        SELECT :s, lpad(to_hex(g), 10, 'Z'), (ARRAY['online','online','paper','door'])[1 + g % 4],
               md5((g % 50)::text), false, '[]', now() - (g || ' seconds')::interval,
               md5((g % 3000)::text), md5(g::text)
        FROM generate_series(1, :n) g"""), {"s": spec.id, "n": N})
    for q in spec.questions:
        if q.kind.value in ("single", "scale5"):
            ids = [o.id for o in q.options]
            db.session.execute(text("""
                INSERT INTO survey_answers (response_id, survey_id, question_id, option_id)
                SELECT r.id, :s, :q, (:ids)[1 + (abs(hashtext(r.id::text || CAST(:q AS text))) % :k)]
                FROM survey_responses r WHERE r.survey_id = :s"""), {"s": spec.id, "q": q.id, "ids": ids, "k": len(ids)})
        elif q.kind.value == "multiple":
            ids = [o.id for o in q.options if not o.is_other]
            for shift in (0, 3):
                db.session.execute(text("""
                    INSERT INTO survey_answers (response_id, survey_id, question_id, option_id)
                    SELECT r.id, :s, :q, (:ids)[1 + ((r.id + :shift) % :k)]
                    FROM survey_responses r WHERE r.survey_id = :s"""),
                    {"s": spec.id, "q": q.id, "ids": ids, "k": len(ids), "shift": shift})
        elif q.code == "suggestions":
            db.session.execute(text("""
                INSERT INTO survey_answers (response_id, survey_id, question_id, value_text)
                SELECT r.id, :s, :q, '建议加强施工期间的噪声和扬尘管控，第 ' || r.id || ' 号'
                FROM survey_responses r WHERE r.survey_id = :s AND r.id % 3 = 0"""), {"s": spec.id, "q": q.id})
    from consult.surveys.facts import refresh_facts
    from consult.surveys.models import Survey

    refresh_facts(db.session.get(Survey, spec.id))  # the per-response facts the submit path writes
    db.session.commit()
    db.session.execute(text("ANALYZE survey_responses"))
    db.session.execute(text("ANALYZE survey_answers"))
    db.session.commit()
    answers = db.session.execute(text("SELECT count(*) FROM survey_answers")).scalar()
    print(f"seeded {N} responses, {answers} answer rows in {time.perf_counter() - t0:.1f} s")


def main() -> None:
    from sqlalchemy import create_engine, text

    from tests.bench._db import ensure_database

    url = os.environ["BENCH_DATABASE_URL"]
    ensure_database(url)
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from consult import create_app
    from consult.extensions import db
    from consult.surveys.spec import load_spec
    from tests import factories
    from tests.conftest import login
    from tests.surveys.helpers import q_by_code, standard_survey

    import tempfile

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "ENV": "bench", "LOG_LEVEL": "WARNING",
                      "UPLOAD_DIR": tempfile.mkdtemp(prefix="bench-surveys-"), "WTF_CSRF_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        w = factories.world()
        survey = standard_survey(w)
        spec = load_spec(survey.id)
        seed(db, spec)
        client = app.test_client()
        login(client, w["organiser"])
        rel, sup = q_by_code(spec, "relation").id, q_by_code(spec, "support").id
        sug = q_by_code(spec, "suggestions").id
        pages = [("results page", f"/staff/surveys/{survey.id}/results"),
                 ("results page + cross-tab", f"/staff/surveys/{survey.id}/results?x={rel}&y={sup}"),
                 ("results.json", f"/staff/surveys/{survey.id}/results.json"),
                 ("text answers search", f"/staff/surveys/{survey.id}/texts/{sug}?q=9999")]
        from consult.surveys import results

        client.get(pages[0][1])  # warm the structure cache and the database
        for name, url in pages:
            for state in ("cold", "cached"):
                if state == "cold":
                    results.clear_cache()  # figures computed from scratch
                t0 = time.perf_counter()
                resp = client.get(url)
                size = len(resp.get_data())
                dt = time.perf_counter() - t0
                target = " (target <= 1 s)" if name == "results page" else ""
                print(f"{name:26s} {state:6s} {resp.status_code} {dt * 1000:8.0f} ms  {size / 1024:9.0f} KB{target}")
        from consult.jobs.models import JobRun

        for fmt in ("csv", "xlsx"):  # background export jobs (run in-process here: no Redis)
            t0 = time.perf_counter()
            resp = client.post(f"/staff/surveys/{survey.id}/exports", data={"format": fmt})
            dt = time.perf_counter() - t0
            job = db.session.scalar(db.select(JobRun).order_by(JobRun.id.desc()))
            size = len(client.get(f"/staff/jobs/{job.id}/download").get_data())
            print(f"export job {fmt:4s} {job.status.value} {job.done}/{job.total} rows {dt * 1000:8.0f} ms  "
                  f"{size / 1024:9.0f} KB")


if __name__ == "__main__":
    main()
