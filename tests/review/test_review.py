"""Expert library, draw and recusal, the expert's view, opinions and answers."""
import io

import pytest
from openpyxl import Workbook
from werkzeug.exceptions import Forbidden

from consult.crypto import decrypt
from consult.extensions import db
from consult.models import utcnow
from consult.reports import services as reports
from consult.reports.models import Stage
from consult.review import services
from consult.review.models import Expert, ReviewerDraw
from tests import factories
from tests.conftest import login
from tests.permission_support import add_outside_roles
from tests.review import builders


def _world():
    return add_outside_roles(factories.world())


def _expert(name, field="环境", organisation="某大学", user=True, conflicts=""):
    from consult.auth.models import Role

    u = factories.user(Role.EXPERT) if user else None
    e = Expert(name=name, field=field, organisation=organisation, conflicts=conflicts, user_id=u.id if u else None)
    db.session.add(e)
    db.session.commit()
    return e


def test_contact_encrypted_and_masked(app):
    w = _world()
    e = services.add_expert(actor=w["admin"], name="赵专家", field="法律", contact="13912345678")
    db.session.commit()
    assert e.contact_mask == "139****5678" and "13912345678" not in e.contact_enc
    assert decrypt(e.contact_enc) == "13912345678"
    with pytest.raises(Forbidden):
        services.add_expert(actor=w["organiser"], name="x", field="y")


def _xlsx(rows):
    wb = Workbook()
    wb.active.append(["姓名", "领域", "单位", "职称", "联系方式", "声明回避单位"])
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_import_all_or_nothing(app, client):
    w = _world()
    login(client, w["admin"])
    bad = _xlsx([["李专家", "法律", "律所", "", "", ""], ["", "环境", "", "", "", ""], ["钱", "规" * 200, "", "", "", ""]])
    resp = client.post("/staff/experts/import", data={"file": (io.BytesIO(bad), "e.xlsx")})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "第 3 行“姓名”为必填项" in text and "第 4 行“领域”过长" in text
    assert db.session.scalar(db.select(db.func.count()).select_from(Expert)) == 1  # only the world's expert
    resp = client.post("/staff/experts/import", data={"file": (io.BytesIO(b"not a workbook"), "e.xlsx")})
    assert resp.status_code == 422 and "无法读取该文件" in resp.get_data(as_text=True)
    good = _xlsx([["李专家", "法律", "律所", "律师", "13800001111", "本单位"], ["周专家", "环境", "", "", "", ""]])
    resp = client.post("/staff/experts/import", data={"file": (io.BytesIO(good), "e.xlsx")})
    assert resp.status_code == 302
    li = db.session.scalar(db.select(Expert).where(Expert.name == "李专家"))
    assert li.contact_mask == "138****1111" and li.declared_conflicts() == ["本单位"]
    page = client.get("/staff/experts").get_data(as_text=True)
    assert "138****1111" in page and "13800001111" not in page


def test_draw_is_seeded_recorded_and_recuses(app):
    w = _world()
    v = builders.version(w)
    same_org = _expert("同单位", organisation="本单位")
    declared = _expert("声明者", conflicts="本 单 位")
    others = [_expert(f"专家{i}") for i in range(4)]
    _expert("无账号", user=False)
    d = services.draw_reviewers(v, actor=w["assessor"], now=utcnow(), field="环境", count=2, seed="公开种子")
    db.session.commit()
    eligible = sorted([w["expert_entry"].id] + [e.id for e in others])
    assert sorted(d.candidates) == eligible
    assert {r["expert_id"] for r in d.recused} == {same_org.id, declared.id}
    assert d.chosen == services.draw_order("公开种子", d.candidates)[:2]  # anyone can re-run it
    assert sorted(a.expert_id for a in db.session.scalars(db.select(services.ReviewAssignment))) == sorted(d.chosen)
    with pytest.raises(services.ReviewError, match="须回避"):
        services.assign_reviewer(v, same_org, actor=w["assessor"], now=utcnow())
    with pytest.raises(services.ReviewError, match="少于"):
        services.draw_reviewers(v, actor=w["assessor"], now=utcnow(), field="环境", count=9)
    assert db.session.scalar(db.select(db.func.count()).select_from(ReviewerDraw)) == 1


def test_draft_and_simple_reports_not_reviewed(app):
    w = _world()
    v = builders.version(w, Stage.DRAFT)
    with pytest.raises(services.ReviewError, match="送审稿"):
        services.assign_reviewer(v, w["expert_entry"], actor=w["assessor"], now=utcnow())


def test_expert_sees_only_versions_sent_after_confirming(app, client):
    w = _world()
    a = builders.assignment(w)
    other_version = a.version
    stranger = _expert("别人")
    b = services.assign_reviewer(other_version, stranger, actor=w["assessor"], now=utcnow())
    db.session.commit()
    login(client, w["expert"])
    page = client.get(f"/review/a/{a.id}").get_data(as_text=True)
    assert "请确认有无利益冲突" in page and "一、事项概况" not in page
    assert client.get(f"/review/a/{b.id}").status_code == 403
    for url in (f"/staff/reports/{other_version.id}", f"/staff/matters/{w['matter'].id}",
                f"/staff/matters/{w['matter'].id}/assessment", f"/staff/reports/{other_version.id}/pdf",
                f"/staff/reports/{other_version.id}/reviewers", "/staff/experts", "/supervision/",
                f"/staff/matters/{w['matter'].id}/decision"):
        assert client.get(url).status_code == 403, url
    resp = client.post(f"/review/a/{a.id}/confirm", data={"conflict": "yes", "reason": ""})
    assert resp.status_code == 422 and "请说明利益冲突的情况" in resp.get_data(as_text=True)
    client.post(f"/review/a/{a.id}/confirm", data={"conflict": "no"})
    assert "一、事项概况" in client.get(f"/review/a/{a.id}").get_data(as_text=True)
    assert "送审稿" in client.get("/review/").get_data(as_text=True)


def test_opinion_once_answers_in_next_version(app, client):
    w = _world()
    a = builders.assignment(w, confirmed=True)
    login(client, w["expert"])
    form = {"d0": "合法", "d1": "合理", "d2": "可行", "d3": "<script>x</script>", "agree_level": "yes",
            "agree_outcome": "no", "changes": "补充噪声监测数据\n\n说明补偿标准", "signature": "王专家"}
    resp = client.post(f"/review/a/{a.id}/opinion", data=form | {"signature": " "})
    assert resp.status_code == 422 and "合法" in resp.get_data(as_text=True)
    assert client.post(f"/review/a/{a.id}/opinion", data=form).status_code == 302
    resp = client.post(f"/review/a/{a.id}/opinion", data=form)
    assert resp.status_code == 422 and "不能重复提交" in resp.get_data(as_text=True)
    db.session.expire_all()
    a = db.session.get(type(a), a.id)
    assert [p.text for p in a.points] == ["补充噪声监测数据", "说明补偿标准"]
    assert a.opinion["dimensions"]["可控性"] == "<script>x</script>" and a.opinion["agree_outcome"] is False
    login(client, w["assessor"])
    assert client.post(f"/staff/review/points/{a.points[0].id}/answer", data={"answer": " "}).status_code == 303
    assert a.points[0].answer is None
    assert client.post(f"/staff/review/points/{a.points[0].id}/answer",
                       data={"answer": "已补充第三方监测报告"}).status_code == 302
    page = client.get(f"/staff/reports/{a.version_id}/reviewers").get_data(as_text=True)
    assert "已补充第三方监测报告" in page and "&lt;script&gt;x&lt;/script&gt;" in page
    nxt = reports.save_version(a.version.assessment, actor=w["assessor"], now=utcnow(), stage=Stage.REVISED)
    annex = next(s for s in nxt.document["sections"] if s["key"] == "annex")
    table = next(b for b in annex["blocks"] if b["t"] == "table")
    assert table["rows"][0] == ["第1版", "王专家", "补充噪声监测数据", "已补充第三方监测报告"]
    assert table["rows"][1][3] == "（尚未答复）"


def test_final_needs_review_with_every_point_answered(app):
    w = _world()
    a = builders.assignment(w)
    assessment = a.version.assessment
    with pytest.raises(reports.AssessmentError, match="须经专家评审"):
        reports.save_version(assessment, actor=w["assessor"], now=utcnow(), stage=Stage.FINAL)
    services.confirm(a, actor=w["expert"], now=utcnow(), conflict=False)
    services.submit_opinion(a, actor=w["expert"], now=utcnow(), dimensions={}, agree_level=True, agree_outcome=True,
                            changes="补充监测\n说明补偿", signature="王专家")
    services.answer_point(a.points[0], actor=w["assessor"], now=utcnow(), answer="已补充")
    with pytest.raises(reports.AssessmentError, match="还有 1 条专家意见未答复"):
        reports.save_version(assessment, actor=w["assessor"], now=utcnow(), stage=Stage.FINAL)
    services.answer_point(a.points[1], actor=w["assessor"], now=utcnow(), answer="已说明")
    v = reports.save_version(assessment, actor=w["assessor"], now=utcnow(), stage=Stage.FINAL)
    assert v.stage == Stage.FINAL


def test_simple_procedure_short_report_without_review(app):
    from consult.matters.models import Procedure

    w = _world()
    w["matter"].procedure = Procedure.SIMPLE
    db.session.commit()
    v = builders.version(w)
    assert v.kind == "short" and v.document["title"].endswith("不稳定因素分析报告（简易程序）")
    assert [s["key"] for s in v.document["sections"]] == ["overview", "process", "risks", "level", "conclusion",
                                                          "measures"]
    with pytest.raises(services.ReviewError, match="简易程序事项无需专家评审"):
        services.assign_reviewer(v, w["expert_entry"], actor=w["assessor"], now=utcnow())
    final = reports.save_version(v.assessment, actor=w["assessor"], now=utcnow(), stage=Stage.FINAL)
    assert final.stage == Stage.FINAL
