"""The printable ledger (/oversight/ledger.pdf): text read back with pypdf, pages, scope, filters."""
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import insert

from consult.extensions import db
from consult.matters.models import Matter, MatterKind
from consult.oversight import ledger_pdf
from tests import factories
from tests.conftest import login
from tests.oversight import builders
from tests.oversight_plan.world import planned_world


def _pdf(client, **args):
    resp = client.get("/oversight/ledger.pdf", query_string=args)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "application/pdf" and resp.data[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(resp.data))
    # pypdf reads fpdf2's two-byte CID text with a NUL before each character; drop those and layout spaces
    return reader, ["".join(p.extract_text().replace("\x00", "").split()) for p in reader.pages]


def test_pdf_for_the_supervisor(app, client):
    w = planned_world()
    flagged = factories.matter(w["org"], title="停车场收费先决", kind=MatterKind.POLICY)
    builders.assessed(flagged, decided=date(2026, 4, 1))
    factories.matter(w["org"], title="很长的事项名称" * 28)
    login(client, w["supervisor"])
    reader, pages = _pdf(client)
    text = pages[0]
    assert len(pages) == 1 and reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert round(float(reader.pages[0].mediabox.width)) == 842 and round(float(reader.pages[0].mediabox.height)) == 595
    assert "社会稳定风险评估工作台账" in text and "筛选条件：无（全部事项）" in text and "共8项" in text
    assert "生成时间：" in text and "第1页/共1页" in text
    for title in ("垃圾中转站建设", "停车收费调整", "公厕选址", "停车场收费先决"):
        assert title in text
    assert "港口扩建" not in text  # not supervised
    assert "未评先决" in text and "不公示：涉及个人隐私" in text and "某评估咨询公司" in text
    assert "计划内" in text and "计划外" in text and "定稿2026-03-01" in text and "采纳2026-03-05" in text
    assert text.count("…") == 1 and ("很长的事项名称" * 28) not in text  # a long cell is cut, not spilled


def test_filters_are_applied_and_named(app, client):
    w = planned_world()
    login(client, w["admin"])
    _reader, pages = _pdf(client, kind="policy", third_party="no", q="停车")
    text = pages[0]
    assert "筛选条件：事项类型：重大政策；第三方评估：否；搜索：停车" in text and "共1项" in text
    assert "停车收费调整" in text and "垃圾中转站建设" not in text


def test_many_rows_make_many_pages_each_with_the_header(app, client):
    w = planned_world()
    db.session.execute(insert(Matter), [dict(title=f"批量事项第{i:03d}号", kind=MatterKind.PROJECT, organisation_id=w["org"].id,
                                            area="甲区") for i in range(300)])
    db.session.commit()
    login(client, w["admin"])
    reader, pages = _pdf(client)
    n = len(pages)
    assert n > 1
    for number, text in enumerate(pages, start=1):
        assert "序号事项名称类型程序责任单位" in text  # the table header repeated on every page
        assert f"第{number}页/共{n}页" in text
    everything = "".join(pages)
    assert "批量事项第000号" in everything and "批量事项第299号" in everything and "共307项" in pages[0]


def test_too_many_rows_are_refused_with_a_message(app, client, monkeypatch):
    w = planned_world()
    monkeypatch.setattr(ledger_pdf, "MAX_ROWS", 3)
    login(client, w["admin"])
    resp = client.get("/oversight/ledger.pdf")
    assert resp.status_code == 422
    assert resp.get_data(as_text=True) == "筛选结果共 7 项，超过打印版上限 3 项；请先按单位、区县或年份筛选，或导出 Excel。"


def test_empty_ledger_pdf(app, client):
    w = planned_world()
    login(client, w["admin"])
    _reader, pages = _pdf(client, q="不存在的事项")
    assert "共0项" in pages[0] and "没有符合条件的事项。" in pages[0]


@pytest.mark.parametrize("role", ["organiser", "assessor", "expert"])
def test_other_roles_are_refused(app, client, role):
    w = planned_world()
    login(client, w[role])
    assert client.get("/oversight/ledger.pdf").status_code == 403


def test_out_of_scope_organisation_is_refused(app, client):
    w = planned_world()
    login(client, w["supervisor"])
    resp = client.get("/oversight/ledger.pdf", query_string={"organisation_id": w["other_org"].id})
    assert resp.status_code == 422 and "所选责任单位不在您的监督范围内。" in resp.get_data(as_text=True)



def test_a_large_ledger_is_made_by_a_tracked_job_for_the_requester(app, client, monkeypatch):
    w = planned_world()
    monkeypatch.setattr(ledger_pdf, "SYNC_ROWS", 3)
    login(client, w["supervisor"])
    resp = client.get("/oversight/ledger.pdf", query_string={"third_party": "no"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "筛选结果共 5 项，超过 3 项时在后台生成" in page and "稳评台账打印版" in page
    assert 'action="/oversight/ledger.pdf?third_party=no"' in page
    resp = client.post("/oversight/ledger.pdf", query_string={"third_party": "no"})
    assert resp.status_code == 303 and "/staff/jobs/" in resp.headers["Location"]
    status = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "稳评台账打印版（5 项）" in status and "下载 稳评台账.pdf" in status
    download = client.get(resp.headers["Location"] + "/download")
    assert download.status_code == 200 and download.data[:5] == b"%PDF-"
    text = "".join(PdfReader(io.BytesIO(download.data)).pages[0].extract_text().replace("\x00", "").split())
    assert "筛选条件：第三方评估：否" in text and "共5项" in text and "公厕选址" in text and "垃圾中转站建设" not in text
    assert "港口扩建" not in text  # the job keeps the requester's scope
    login(client, w["admin"])
    assert client.get(resp.headers["Location"] + "/download").status_code == 403  # only the requester


def test_a_large_ledger_xlsx_is_made_by_a_tracked_job_too(app, client, monkeypatch):
    from openpyxl import load_workbook

    w = planned_world()
    monkeypatch.setattr(ledger_pdf, "SYNC_ROWS", 3)
    login(client, w["supervisor"])
    resp = client.get("/oversight/ledger.xlsx", query_string={"third_party": "no"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "筛选结果共 5 项，超过 3 项时在后台生成" in page and "在后台生成 Excel" in page
    assert 'action="/oversight/ledger.xlsx?third_party=no"' in page
    resp = client.post("/oversight/ledger.xlsx", query_string={"third_party": "no"})
    assert resp.status_code == 303 and "/staff/jobs/" in resp.headers["Location"]
    status = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "稳评台账 Excel（5 项）" in status and "下载 稳评台账.xlsx" in status
    ws = load_workbook(io.BytesIO(client.get(resp.headers["Location"] + "/download").data)).active
    titles = [r[1] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert len(titles) == 5 and "公厕选址" in " ".join(titles) and "港口扩建" not in " ".join(titles)
    monkeypatch.setattr(ledger_pdf, "SYNC_ROWS", 5)  # at the limit it is made in the request
    resp = client.get("/oversight/ledger.xlsx", query_string={"third_party": "no"})
    assert resp.status_code == 200 and resp.data[:2] == b"PK"


def test_job_refuses_bad_filters_and_too_many_rows(app, client, monkeypatch):
    w = planned_world()
    login(client, w["admin"])
    resp = client.post("/oversight/ledger.pdf", query_string={"level": "紫色"})
    assert resp.status_code == 422 and resp.get_data(as_text=True) == "风险等级的取值无效。"
    monkeypatch.setattr(ledger_pdf, "MAX_ROWS", 3)
    resp = client.post("/oversight/ledger.pdf")
    assert resp.status_code == 422 and "超过打印版上限 3 项" in resp.get_data(as_text=True)
    from consult.jobs.models import JobRun
    assert db.session.query(JobRun).count() == 0
