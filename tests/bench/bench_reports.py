"""Benchmark: a report with 300 risk texts and 40 register items, built, then rendered to DOCX and PDF.

Target (issue 9): DOCX and PDF each ≤ 10 s. Baselines measured in the same run: the same text
written as plain paragraphs with python-docx (no layout, tables or charts) and with fpdf2 (one
font, no tables or charts): the ratio shows what the official layout, tables and charts cost.

Run (from the repository root): .venv/bin/python tests/bench/bench_reports.py
"""
from __future__ import annotations

import io
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

TOPICS = ["臭味扰民", "离学校太近", "垃圾车噪声", "房价下跌", "程序不公开", "补偿标准低", "施工扬尘", "交通拥堵"]


def build(app):
    from consult.analysis.models import RiskPoint, VoiceStance
    from consult.extensions import db
    from consult.models import utcnow
    from consult.register.models import Measure, RiskItem, RiskLevel
    from consult.reports import services
    from consult.reports.models import Outcome, Stage
    from tests import factories
    from tests.reports.helpers import voice

    w = factories.world()
    m = w["matter"]
    points = []
    for i in range(40):
        p = RiskPoint(matter_id=m.id, title=f"风险点{i}{TOPICS[i % 8]}")
        db.session.add(p)
        points.append(p)
    db.session.flush()
    for i in range(300):
        voice(m, f"第{i}条意见：{TOPICS[i % 8]}的问题很严重，希望政府认真考虑居民的诉求，" * 3,
              VoiceStance.OPPOSE if i % 4 == 0 else VoiceStance.SUPPORT, point=points[i % 40], author=f"居民{i}")
    levels = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
    for i in range(40):
        it = RiskItem(matter_id=m.id, number=i + 1, title=f"{TOPICS[i % 8]}引发的不满{i}", area="环境", dimension="合理性",
                      description="居民集中反映的问题，" * 10, likelihood=1 + i % 5, severity=1 + (i * 3) % 5,
                      level=levels[i % 3], residual_level=RiskLevel.LOW)
        it.points = [points[i]]
        it.measures = [Measure(text=f"措施{i}-{k}：加强沟通，公开信息，落实补偿", responsible_unit="区住建局") for k in range(2)]
        db.session.add(it)
    db.session.commit()
    a = services.ensure_assessment(m, actor=w["assessor"])
    services.set_level(a, actor=w["assessor"], now=utcnow(), level=RiskLevel.HIGH, reason="基准测试",
                       outcome=Outcome.REJECT, conditions="")
    t = time.perf_counter()
    v = services.save_version(a, actor=w["assessor"], now=utcnow(), stage=Stage.SUBMITTED)
    db.session.commit()
    return v, time.perf_counter() - t


def lines_of(doc) -> list[str]:
    from consult.reports.document import section_text

    return [line for s in doc["sections"] for line in [s["title"], *section_text(s)]]


def baseline_docx(lines) -> bytes:
    from docx import Document

    d = Document()
    for line in lines:
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def baseline_pdf(lines) -> bytes:
    from fpdf import FPDF

    from consult.reports.fonts import font_path

    p = FPDF()
    p.add_font("cjk", "", font_path())
    p.add_page()
    p.set_font("cjk", size=12)
    for line in lines:
        p.multi_cell(0, 7, line, wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
    return bytes(p.output())


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main() -> None:
    from consult import create_app
    from consult.reports import render

    tmp = tempfile.mkdtemp()
    os.environ["CONSULT_INSTANCE_PATH"] = tmp
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/b.sqlite3",
                      "UPLOAD_DIR": tmp, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(revision="heads")
        v, t_build = build(app)
        lines = lines_of(v.document)
        print(f"document: {len(v.document['sections'])} sections, {len(lines)} lines, built and saved in {t_build:.2f} s")
        print(f"{'output':>6} {'baseline s':>11} {'report s':>9} {'ratio':>6} {'bytes':>9} {'target':>8}")
        for fmt, base in (("docx", baseline_docx), ("pdf", baseline_pdf)):
            tb, _ = timed(base, lines)
            tr, (data, _m) = timed(render.render, v.document, fmt)
            ok = "ok" if tr <= 10 else "SLOW"
            print(f"{fmt:>6} {tb:>11.2f} {tr:>9.2f} {tr / tb:>6.1f} {len(data):>9} {'≤10 s ' + ok:>8}")


if __name__ == "__main__":
    main()
