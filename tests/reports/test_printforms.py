"""The seed-003 forms as printable outputs from the same data."""
import io

import pytest
from docx import Document

from consult.extensions import db
from consult.hearings.models import HearingStance
from consult.models import utcnow
from tests.conftest import login
from tests.hearings import factories as hf
from tests.reports.helpers import assessed_world, submitted
from tests.reports.test_report import pdf_text


@pytest.fixture
def world(app):
    from consult.hearings import minutes

    w = assessed_world()
    meeting = hf.meeting(w)
    minutes.add_point(meeting, actor=w["organiser"], text="希望站点远离学校", stance=HearingStance.OPPOSE,
                      registration=None, category=None, speaker="居民甲", answer="", now=utcnow())
    db.session.commit()
    submitted(w)
    return w


def test_forms_in_three_formats(world, client):
    w = world
    login(client, w["assessor"])
    base = f"/staff/matters/{w['matter'].id}/forms"
    html = client.get(f"{base}/consultation.html")
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and "重大事项征求意见表" in text
    assert "知晓率 75.0%；支持率 50.0%" in text and "反对：希望站点远离学校" in text
    team = client.get(f"{base}/team.html").get_data(as_text=True)
    assert "社会稳定风险评估小组成员名单" in team and "测试用户" in team
    approval = Document(io.BytesIO(client.get(f"{base}/approval.docx").data))
    rows = {r.cells[0].text: r.cells[1].text for r in approval.tables[0].rows}
    assert rows["事项名称"] == w["matter"].title and rows["责任单位"] == "本单位"
    minutes_pdf = pdf_text(client.get(f"{base}/minutes.pdf").data)
    assert "会议记录" in minutes_pdf and "希望站点远离学校" in minutes_pdf
    instab = client.get(f"{base}/instability.html").get_data(as_text=True)
    assert "垃圾站臭味扰民" in instab and "综合风险等级：中风险" in instab
    assert client.get(f"{base}/nothing.html").status_code == 404
    assert client.get(f"{base}/team.exe").status_code == 404
    login(client, w["other"])
    assert client.get(f"{base}/team.html").status_code == 403
