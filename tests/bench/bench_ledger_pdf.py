"""Benchmark: the printable ledger PDF of 10,000 matters (the bench_oversight.py data set).

Prints the server-side time of /oversight/ledger.pdf (all rows, and one district) against the
ledger's first HTML page and the XLSX of all rows, measured in the same run (best of 3). The PDF is
made within the request here (SYNC_ROWS raised to 10,000): the time a background job takes for it.

Run: .venv/bin/python tests/bench/bench_ledger_pdf.py
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_oversight import N_MATTERS, best_of, build  # noqa: E402


def main() -> None:
    tmp = tempfile.mkdtemp()
    os.environ["CONSULT_INSTANCE_PATH"] = tmp
    url = f"sqlite:///{tmp}/bench.sqlite3"
    from consult import create_app

    app = create_app({"TESTING": True, "ENV": "test", "SECRET_KEY": "bench", "DATABASE_URL": url,
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        from tests.conftest import login

        from consult.oversight import ledger_pdf

        ledger_pdf.SYNC_ROWS = N_MATTERS
        admin = build()
        client = app.test_client()
        login(client, admin)
        pages = {"ledger, first page (baseline)": "/oversight/ledger",
                 "ledger XLSX, all rows": "/oversight/ledger.xlsx",
                 "ledger PDF, all rows": "/oversight/ledger.pdf",
                 "ledger PDF, one district": "/oversight/ledger.pdf?area=区县07"}
        results = {}
        for name, path in pages.items():
            resp = client.get(path)
            assert resp.status_code == 200, path
            results[name] = best_of(lambda p=path: client.get(p), repeat=3)
            if path.endswith(".pdf"):
                print(f"{name}: {len(resp.data) // 1024} KiB")
        base = results["ledger, first page (baseline)"]
        print(f"sqlite: {N_MATTERS} matters")
        for name, t in results.items():
            print(f"{name:<34} {t * 1000:8.1f} ms   {t / base:6.2f}× baseline")


if __name__ == "__main__":
    main()
