"""The demo assessment and the `report` CLI command."""
import io

from docx import Document

from consult.demo.seed import seed_demo
from consult.extensions import db
from consult.matters.models import Matter
from consult.reports.demo import seed_assessment
from consult.reports.models import ReportVersion, Stage
from consult.review.models import ReviewAssignment


def test_seed_assessment_and_cli(app, tmp_path):
    seed_demo()
    matter = db.session.scalars(db.select(Matter).order_by(Matter.id)).first()
    v = seed_assessment(matter)  # the demo made it already: the same version comes back
    db.session.commit()
    assert v.stage == Stage.SUBMITTED and seed_assessment(matter).id == v.id  # idempotent
    reviews = db.session.scalars(db.select(ReviewAssignment)).all()
    assert len(reviews) == 1 and reviews[0].submitted_at and all(p.answer for p in reviews[0].points)
    runner = app.test_cli_runner()
    out = tmp_path / "r.docx"
    res = runner.invoke(args=["report", str(matter.id), "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "第2版 · 送审稿" in res.output
    doc = Document(io.BytesIO(out.read_bytes()))
    assert any(p.text == "六、稳定风险因素分析" for p in doc.paragraphs)
    res = runner.invoke(args=["report", str(matter.id), "--format", "pdf", "-o", str(tmp_path / "r.pdf"),
                              "--version", "1"])
    assert res.exit_code == 0 and "第1版 · 初稿" in res.output
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
    res = runner.invoke(args=["report", str(matter.id), "--format", "html", "-o", str(tmp_path / "r.html"),
                              "--version", "9"])
    assert res.exit_code == 1 and "没有第 9 版报告" in res.output
    res = runner.invoke(args=["report", "99999", "--format", "html", "-o", str(tmp_path / "x.html")])
    assert res.exit_code == 1 and "不存在" in res.output
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportVersion)
                             .where(ReportVersion.matter_id == matter.id)) == 2  # the demo matter's own
