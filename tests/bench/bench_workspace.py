"""Benchmark of analysis runs and curation on a matter with 20,000 texts (prints figures).

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_curation \
        /work/main/.venv/bin/python tests/bench/bench_workspace.py [-n 20000] [--repeat 2]

Measured in the same process, on the same texts (tests/analysis/data/make_devset.py, seeded):
1. baseline: the bare engine CLI (`python -m consult.analysis`, fresh token cache) on a JSONL
   of the pool's texts, wall time of the process;
2. the analysis job end to end ("运行分析": sync the pool, load, engine with a fresh per-matter
   cache, store the run and its points, match, move texts) — target ≤ 1.5× (1); (1) and (2)
   alternate --repeat times, each job on a fresh matter, and the best of each is compared;
3. the curation page of the biggest point and the points page, at the server (test client,
   median of 5) — target ≤ 300 ms for the point page;
4. a re-run after 1 % new texts (warm engine cache) — target ≤ 0.3× (2).
The database is wiped first (DROP SCHEMA public), so point it at a database of your own.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _devset(n: int, seed: int) -> list[dict]:
    spec = importlib.util.spec_from_file_location("make_devset", ROOT / "tests/analysis/data/make_devset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(n, seed)


def _insert(db, matter_id: int, rows: list[dict]) -> None:
    from consult.analysis.escalation import escalation_of, is_flagged
    from consult.analysis.models import Voice, VoiceSource
    from consult.analysis.stance import unify
    from consult.analysis.voices import text_hash
    from consult.models import utcnow

    now = utcnow()
    values = []
    for r in rows:
        score, terms = escalation_of(f"{r.get('title') or ''} {r['text']}")
        values.append(dict(matter_id=matter_id, source=VoiceSource.LETTER, source_ref=f"letter:{uuid.uuid4().hex}",
                           channel="12345热线", title=r.get("title"), text=r["text"],
                           text_hash=text_hash(r["text"], r.get("title")), raw_stance=r.get("stance", ""),
                           stance=unify(r.get("stance")), group="", household="", author=r.get("author", ""),
                           weight=float(r.get("weight", 1)), source_status="", occurred_at=now,
                           escalation_score=score, escalation_terms=terms, is_flagged=is_flagged(score),
                           is_pinned=False, is_excluded=False, is_reviewed=False, created_at=now, updated_at=now))
    db.session.execute(Voice.__table__.insert(), values)
    db.session.commit()


def _cli_seconds(db, matter_id: int, workdir: str) -> float:
    """The bare engine CLI on exactly the documents the job builds."""
    from sqlalchemy import select

    from consult.analysis.models import Voice
    from consult.analysis.runs import _COLUMNS, _document

    rows = db.session.execute(select(*_COLUMNS).where(Voice.matter_id == matter_id).order_by(Voice.id))
    path = os.path.join(workdir, "pool.jsonl")
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            d = _document(r)
            fh.write(json.dumps({k: v for k, v in d.__dict__.items() if v is not None}, ensure_ascii=False) + "\n")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "consult.analysis", path, "-o", os.path.join(workdir, "out.json"),
                    "--cache", os.path.join(workdir, "cli.cache"), "--progress", "never"], check=True, cwd=ROOT)
    return time.perf_counter() - t0


def _job_seconds(db, w) -> tuple[float, object]:
    from consult.analysis import runs
    from consult.analysis.models import AnalysisRun
    from consult.jobs import commit
    from consult.models import utcnow

    t0 = time.perf_counter()
    run_id = runs.start_run(w["matter"], actor=w["assessor"], now=utcnow()).id
    commit()
    dt = time.perf_counter() - t0
    db.session.expire_all()
    run = db.session.get(AnalysisRun, run_id)
    assert run.status.value == "done", run.error
    return dt, run


def _page_ms(client, url: str) -> tuple[float, int]:
    client.get(url)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200
    return statistics.median(times), len(resp.get_data())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=2, help="CLI/job pairs (the machine may be shared: best of N)")
    args = ap.parse_args()
    from sqlalchemy import create_engine, func, select, text

    url = os.environ.get("BENCH_DATABASE_URL", "")
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from consult import create_app
    from consult.analysis.models import RiskPoint, Voice
    from consult.extensions import db
    from tests import factories
    from tests.conftest import login

    work = tempfile.mkdtemp(prefix="bench-workspace-")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "ENV": "bench", "LOG_LEVEL": "WARNING",
                      "UPLOAD_DIR": os.path.join(work, "uploads"), "WTF_CSRF_ENABLED": False,
                      "ANALYSIS_CACHE_DIR": os.path.join(work, "app-cache")})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        w = factories.world()
        rows = _devset(args.n + args.n // 100, seed=11)
        clis, jobs = [], []
        for r in range(args.repeat):  # alternate CLI and job; each job on a fresh matter with a fresh cache
            m = w["matter"] if r == 0 else factories.matter(w["org"], assessors=[w["assessor"]])
            db.session.commit()
            t0 = time.perf_counter()
            _insert(db, m.id, rows[:args.n])
            db.session.execute(text("ANALYZE voices"))
            db.session.commit()
            print(f"seeded {args.n} texts in {time.perf_counter() - t0:.1f} s ({db.engine.dialect.name})")
            clis.append(_cli_seconds(db, m.id, tempfile.mkdtemp(dir=work)))
            print(f"bare engine CLI                 {clis[-1]:7.2f} s")
            job, run = _job_seconds(db, dict(w, matter=m))
            jobs.append(job)
            print(f"analysis job end to end         {job:7.2f} s  = {job / clis[-1]:.2f}x this CLI run  "
                  f"[{run.n_texts} texts, {run.n_points} points, {run.n_unassigned} unassigned, "
                  f"engine {run.provenance['engine_seconds']:.2f} s, {run.provenance['mode']}]")
            if r == 0:
                first_job = job
        print(f"best of {args.repeat}: job {min(jobs):.2f} s / CLI {min(clis):.2f} s = {min(jobs) / min(clis):.2f}x "
              "(target <= 1.5)")
        job = first_job
        client = app.test_client()
        login(client, w["assessor"])
        biggest = db.session.scalar(select(Voice.point_id).where(Voice.matter_id == w["matter"].id,
                                                                  Voice.point_id.is_not(None))
                                    .group_by(Voice.point_id).order_by(func.count().desc()).limit(1))
        size = db.session.scalar(select(func.count()).select_from(Voice).where(Voice.point_id == biggest))
        w["matter"] = db.session.get(type(w["matter"]), w["matter"].id)
        ms, kb = _page_ms(client, f"/staff/matters/{w['matter'].id}/points/{biggest}")
        print(f"biggest point page ({size} texts) {ms:7.1f} ms  ({kb / 1024:.0f} KB) (target <= 300 ms)")
        ms, kb = _page_ms(client, f"/staff/matters/{w['matter'].id}/points/{biggest}?q=%E5%9E%83%E5%9C%BE&page=3")
        print(f"  same, searched, page 3        {ms:7.1f} ms")
        ms, kb = _page_ms(client, f"/staff/matters/{w['matter'].id}/points")
        print(f"points page                     {ms:7.1f} ms  ({kb / 1024:.0f} KB)")
        _insert(db, w["matter"].id, rows[args.n:])
        again, run2 = _job_seconds(db, w)
        print(f"re-run after 1 % new texts      {again:7.2f} s  = {again / job:.2f}x first run (target <= 0.3)  "
              f"[{run2.provenance['mode']}, engine {run2.provenance['engine_seconds']:.2f} s, "
              f"matched {run2.summary['matched']}, new {len(run2.summary['new'])}, moved {run2.summary['moved']}]")
        print(f"curated points: {db.session.scalar(select(func.count()).select_from(RiskPoint))}")


if __name__ == "__main__":
    main()
