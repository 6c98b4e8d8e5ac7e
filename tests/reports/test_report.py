"""Report versions and the three outputs, checked by reading them back."""
import io
import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from pypdf import PdfReader

from consult.extensions import db
from consult.models import utcnow
from consult.reports import narrative, render, services
from consult.reports.models import ReportVersion, Stage
from tests.conftest import login
from tests.reports.helpers import assessed_world, submitted

OUTLINE = [t for _k, t, _d in narrative.SECTIONS]


def _squash(text: str) -> str:
    return re.sub(r"[\s\x00]+", "", text)


def test_versions_are_immutable_and_ordered(app):
    w = assessed_world()
    a, v1 = submitted(w)
    frozen = dict(v1.document)
    services.save_narrative(a, actor=w["assessor"], texts={"overview": "新的概况：{{事项名称}}。"}, emergency={})
    v2 = services.save_version(a, actor=w["assessor"], now=utcnow(), stage=Stage.REVISED, note="按专家意见修改")
    db.session.commit()
    db.session.refresh(v1)
    assert v1.document == frozen and v1.number == 1 and v2.number == 2
    with pytest.raises(services.AssessmentError, match="顺序"):
        services.save_version(a, actor=w["assessor"], now=utcnow(), stage=Stage.DRAFT)
    diff = {s["key"]: s for s in services.compare(v1, v2)}
    assert diff["overview"]["changed"] and not diff["risks"]["changed"]
    assert f"+新的概况：{w['matter'].title}。" in diff["overview"]["diff"]


def test_unknown_live_field_refused_and_nothing_saved(app):
    w = assessed_world(survey=False)
    a = services.ensure_assessment(w["matter"], actor=w["assessor"])
    db.session.commit()
    with pytest.raises(services.AssessmentError, match="未知的数据字段"):
        services.save_narrative(a, actor=w["assessor"], texts={"overview": "率为{{满意率}}"}, emergency={})
    db.session.rollback()
    assert db.session.get(type(a), a.id).narrative == {}


def test_markdown_is_sanitised():
    html = narrative.to_html("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=y>")
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_medium_final_needs_second_review(app):
    w = assessed_world()
    a, _v = submitted(w)
    with pytest.raises(services.AssessmentError, match="二次过审"):
        services.save_version(a, actor=w["assessor"], now=utcnow(), stage=Stage.FINAL)


def test_survey_numbers_equal_results_page(app, client):
    w = assessed_world()
    w["matter"].est_households = 40
    db.session.commit()
    _a, v = submitted(w)
    login(client, w["organiser"])
    page = client.get(f"/staff/surveys/{w['survey'].id}/results.json").get_json()
    page_rates = {r["name"]: r for r in page["rates"]}
    sec = next(s for s in v.document["sections"] if s["key"] == "survey")
    assert v.document["fields"]["知晓率"] == f"{page_rates['知晓率']['percent']}%" == "75.0%"
    assert v.document["fields"]["支持率"] == f"{page_rates['支持率']['percent']}%" == "50.0%"
    bars = next(b for b in sec["blocks"] if b["t"] == "bars")["bars"]
    assert bars == [["知晓率", page_rates["知晓率"]["percent"]], ["支持率", page_rates["支持率"]["percent"]]]
    table = next(b for b in sec["blocks"] if b["t"] == "table" and "支持率" in b["caption"])
    by_group = {row[0]: row[3] for row in table["rows"]}
    for row in page_rates["支持率"]["by"]["距离"]:
        assert by_group[f"距离：{row['label']}"] == f"{row['percent']}%"
    html = client.get(f"/staff/reports/{v.id}").get_data(as_text=True)
    assert "知晓率为75.0%，支持率为50.0%" in html
    assert "参与度：回收问卷 8 份，涉及约 40 户，问卷覆盖率 20.0%。" in html


def test_docx_layout_headings_and_register(app):
    w = assessed_world()
    _a, v = submitted(w)
    data, mime = render.render(v.document, "docx")
    doc = Document(io.BytesIO(data))
    sec = doc.sections[0]
    mm = lambda v: round(Emu(v).mm, 1)  # noqa: E731 (Word stores twips: 1/20 pt)
    assert (mm(sec.page_width), mm(sec.page_height)) == (210.0, 297.0)
    assert (mm(sec.top_margin), mm(sec.left_margin)) == (37.0, 28.0)
    assert (mm(sec.page_width - sec.left_margin - sec.right_margin),
            mm(sec.page_height - sec.top_margin - sec.bottom_margin)) == (156.0, 225.0)
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1 == OUTLINE
    title = doc.paragraphs[0]
    assert title.style.name == "Title" and title.text.endswith("社会稳定风险评估报告")
    fonts = lambda st: st.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))  # noqa: E731
    assert fonts(doc.styles["Title"]) == "方正小标宋简体" and doc.styles["Title"].font.size == Pt(22)
    assert fonts(doc.styles["Normal"]) == "仿宋_GB2312" and doc.styles["Normal"].font.size == Pt(16)
    assert fonts(doc.styles["Heading 1"]) == "黑体" and doc.styles["Heading 1"].font.size == Pt(16)
    assert fonts(doc.styles["Heading 2"]) == "楷体_GB2312"
    register = next(t for t in doc.tables if t.rows[0].cells[1].text == "风险因素")
    assert [c.text for c in register.rows[1].cells][:3] == ["1", "垃圾站臭味扰民", "环境"]
    assert register.rows[1].cells[4].text == "6"  # evidence: voices of its risk point
    assert "PAGE" in sec.footer.paragraphs[0]._p.xml
    images = [r for r in doc.part.rels.values() if "image" in r.reltype]
    assert len(images) == 2  # survey bars + risk matrix
    from PIL import Image

    img = Image.open(io.BytesIO(images[0].target_part.blob))
    assert round(img.info["dpi"][0]) >= 200


def pdf_text(data: bytes) -> str:
    """Text as poppler reads it (pypdf mis-decodes some glyph codes of fpdf2's Type0 fonts)."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_pdf_text_and_embedded_subset_font(app):
    w = assessed_world()
    _a, v = submitted(w)
    data, mime = render.render(v.document, "pdf")
    assert mime == "application/pdf"
    reader = PdfReader(io.BytesIO(data))
    text = _squash(pdf_text(data))
    for title in OUTLINE:
        assert _squash(title) in text
    assert "知晓率为75.0%，支持率为50.0%" in text and "垃圾站臭味扰民" in text
    fonts = {str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any(re.match(r"/[A-Z]{6}\+", f) for f in fonts), fonts  # subset prefix
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)


def test_html_output_has_print_css(app):
    w = assessed_world(survey=False)
    _a, v = submitted(w)
    html = render.render(v.document, "html")[0].decode()
    assert "@media print" in html and "<svg" in html and "七、风险等级评价" in html
    assert 'font-family: "FangSong"' in html  # the stylesheet is inlined unescaped


def test_version_pages(app, client):
    w = assessed_world(survey=False)
    _a, v = submitted(w)
    login(client, w["assessor"])
    assert client.get(f"/staff/matters/{w['matter'].id}/assessment").status_code == 200
    resp = client.get(f"/staff/reports/{v.id}/docx")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    assert client.get(f"/staff/reports/{v.id}/pdf").data[:5] == b"%PDF-"
    assert client.get(f"/staff/reports/{v.id}/exe").status_code == 404
    assert client.get(f"/staff/matters/{w['matter'].id}/report/preview").status_code == 200
    assert client.get(f"/staff/matters/{w['matter'].id}/report/edit").status_code == 200
    cmp = client.get(f"/staff/matters/{w['matter'].id}/report/compare?a={v.id}&b={v.id}")
    assert cmp.status_code == 200 and "无变化" in cmp.get_data(as_text=True)
    login(client, w["other"])
    assert client.get(f"/staff/reports/{v.id}").status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportVersion)) == 1


def test_render_as_tracked_job(app, client):
    from consult.jobs.models import JobRun

    w = assessed_world(survey=False)
    _a, v = submitted(w)
    login(client, w["assessor"])
    resp = client.post(f"/staff/reports/{v.id}/render", data={"format": "pdf"})
    assert resp.status_code == 302 and "/jobs/" in resp.headers["Location"]
    job = db.session.scalars(db.select(JobRun)).one()
    assert job.kind == "report.render" and job.result_name == f"report-{w['matter'].id}-v1.pdf"
    assert job.done == job.total == 1
    download = client.get(resp.headers["Location"].rstrip("/") + "/download")
    assert download.status_code == 200 and download.data[:5] == b"%PDF-"
    resp = client.post(f"/staff/reports/{v.id}/render", data={"format": "exe"})
    assert resp.status_code == 303 and db.session.scalar(db.select(db.func.count()).select_from(JobRun)) == 1


def test_hearing_without_participants_is_not_called_compliant():
    from consult.reports.document import _hearings

    meeting = {"kind": "听证会", "title": "选址听证会", "date": "2026年12月16日", "participants": 0, "views": {},
               "composition": [{"rule": "利益群体代表不少于40%", "share": 0.0, "ok": True}]}
    texts = [b.get("text", "") for b in _hearings({"meetings": [meeting]})]
    assert "尚无参会人员记录，人员构成是否符合规则待签到后统计。" in texts
    assert not any(b.get("t") == "table" for b in _hearings({"meetings": [meeting]}))
    held = dict(meeting, participants=10, composition=[{"rule": "利益群体代表不少于40%", "share": 50.0, "ok": True}])
    assert [b["t"] for b in _hearings({"meetings": [held]})][:2] == ["h", "table"]
