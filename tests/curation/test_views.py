"""Curation and run pages: what the assessor sees and does, through HTTP."""
from sqlalchemy import select

from consult.analysis import runs
from consult.analysis.models import AnalysisRun, PointState, RiskPoint, Voice
from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.jobs import commit
from consult.models import utcnow
from tests import factories as f
from tests.conftest import login
from tests.curation.helpers import add_letters, devset


def _analysed(n=150):
    w = f.world()
    add_letters(w["matter"].id, devset(n))
    run_id = runs.start_run(w["matter"], actor=w["assessor"], now=utcnow()).id
    commit()
    db.session.expire_all()
    w["run"] = db.session.get(AnalysisRun, run_id)
    w["points"] = [db.session.get(RiskPoint, rp.risk_point_id) for rp in w["run"].points]
    return w


def _url(w, path=""):
    return f"/staff/matters/{w['matter'].id}{path}"


def test_run_button_runs_and_shows_the_run(client):
    w = f.world()
    add_letters(w["matter"].id, devset(60))
    login(client, w["assessor"])
    resp = client.post(_url(w, "/analysis/runs"))
    assert resp.status_code == 302
    run = db.session.scalar(select(AnalysisRun))
    assert resp.headers["Location"].endswith(f"/analysis/runs/{run.id}")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已完成" in page and "查看并整理风险点" in page and f"{run.n_texts}" in page
    assert w["assessor"].display_name in page and run.input_hash[:16] in page
    listing = client.get(_url(w, "/analysis/runs")).get_data(as_text=True)
    assert f">#{run.id}</a>" in listing and "Jaccard" in listing


def test_points_page_lists_heaviest_first_with_mixes_and_progress(client):
    w = _analysed()
    login(client, w["organiser"])
    page = client.get(_url(w, "/points")).get_data(as_text=True)
    titles = [p.title for p in sorted(w["points"], key=lambda p: (-p.weight, p.id))]
    positions = [page.index(f'/points/{p.id}"') for p in sorted(w["points"], key=lambda p: (-p.weight, p.id))]
    assert positions == sorted(positions) and titles[0] in page
    assert "新出现" in page and "网上意见" not in page and "其他渠道来信" in page
    assert "文本已审阅" in page and "0%" in page and "风险点已处理" in page


def test_point_page_search_pages_and_actions_are_audited(client):
    w = _analysed()
    login(client, w["assessor"])
    big, other = w["points"][0], w["points"][1]
    page = client.get(_url(w, f"/points/{big.id}")).get_data(as_text=True)
    sample = db.session.scalars(select(Voice).where(Voice.point_id == big.id).order_by(Voice.id)).first()
    found = client.get(_url(w, f"/points/{big.id}"), query_string={"q": sample.text[:8]}).get_data(as_text=True)
    assert sample.text in found and "文本（" in page
    assert client.post(_url(w, f"/points/{big.id}/rename"), data={"title": "新名称"}).status_code == 302
    assert client.post(_url(w, f"/points/{big.id}/confirm")).status_code == 302
    resp = client.post(_url(w, "/points/merge"), data={"point_ids": [str(other.id)], "target_id": str(big.id)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(RiskPoint, other.id).state == PointState.MERGED
    assert (db.session.get(RiskPoint, big.id).title, db.session.get(RiskPoint, big.id).state) == (
        "新名称", PointState.CONFIRMED)
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"analysis.point.rename", "analysis.point.confirm", "analysis.point.merge",
            "analysis.point.merge_into"} <= actions


def test_split_move_exclude_review_through_the_page(client):
    w = _analysed()
    login(client, w["assessor"])
    p, q = w["points"][0], w["points"][1]
    ids = sorted(db.session.scalars(select(Voice.id).where(Voice.point_id == p.id)))
    resp = client.post(_url(w, f"/points/{p.id}/split"), data={"voice_ids": [str(i) for i in ids[:2]],
                                                               "new_title": "拆出来的"})
    assert resp.status_code == 302
    new = db.session.scalar(select(RiskPoint).where(RiskPoint.title == "拆出来的"))
    assert new.is_manual and set(db.session.scalars(select(Voice.id).where(Voice.point_id == new.id))) == set(ids[:2])
    assert client.post(_url(w, f"/points/{p.id}/move"), data={"voice_ids": [str(ids[2])], "target_id": str(q.id)}
                       ).status_code == 302
    assert client.post(_url(w, f"/points/voices/{ids[3]}/exclude"), data={"exclude-reason": "广告"}).status_code == 302
    assert client.post(_url(w, f"/points/{p.id}/review-texts"), data={"voice_ids": [str(ids[4])], "reviewed": "1"}
                       ).status_code == 302
    db.session.expire_all()
    v2, v3, v4 = (db.session.get(Voice, i) for i in ids[2:5])
    assert (v2.point_id, v2.is_pinned) == (q.id, True)
    assert (v3.is_excluded, v3.exclude_reason, v3.point_id) == (True, "广告", None)
    assert v4.is_reviewed and v4.reviewed_by_id == w["assessor"].id
    progress = client.get(_url(w, "/points")).get_data(as_text=True)
    assert "已排除的文本" in progress and "广告" in progress


def test_refusals_keep_input_and_say_why_in_chinese(client):
    w = _analysed()
    login(client, w["assessor"])
    p = w["points"][0]
    resp = client.post(_url(w, f"/points/{p.id}/split"), data={"new_title": "没选文本"})
    assert resp.status_code == 422 and "请至少选择一条文本。" in resp.get_data(as_text=True)
    assert 'value="没选文本"' in resp.get_data(as_text=True)
    resp = client.post(_url(w, f"/points/{p.id}/dismiss"), data={"dismiss-reason": "   "})
    assert resp.status_code == 422 and "请填写理由。" in resp.get_data(as_text=True)
    resp = client.post(_url(w, f"/points/{p.id}/rename"), data={"title": "名" * 201})
    body = resp.get_data(as_text=True)
    # the input is kept, but never echoed beyond the field's own limit (no content spoofing)
    assert resp.status_code == 422 and "最多 200 个字" in body and "名" * 200 in body and "名" * 201 not in body
    vid = db.session.scalar(select(Voice.id).where(Voice.point_id == p.id))
    resp = client.post(_url(w, f"/points/voices/{vid}/exclude"), data={"exclude-reason": "理" * 2001})
    assert resp.status_code == 422 and "理" * 2000 in resp.get_data(as_text=True)
    resp = client.post(_url(w, f"/points/{p.id}/move"), data={"voice_ids": ["abc"], "target_id": "x"})
    assert resp.status_code == 422 and "所选内容无效" in resp.get_data(as_text=True)
    resp = client.post(_url(w, "/points/merge"), data={"target_id": str(p.id)})
    assert resp.status_code == 302
    assert "请至少选择一个要并入的其他风险点。" in client.get(resp.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RiskPoint, p.id).state == PointState.CANDIDATE


def test_other_organisation_and_other_matter_points_are_refused(client):
    w = _analysed(60)
    login(client, w["other"])
    assert client.get(_url(w, "/points")).status_code == 403
    assert client.get(_url(w, "/analysis/runs")).status_code == 403
    login(client, w["admin"])
    assert client.get(_url(w, "/points")).status_code == 200
    assert client.post(_url(w, "/analysis/runs")).status_code == 403
    other_matter = f.matter(w["org"])
    login(client, w["organiser"])
    assert client.get(f"/staff/matters/{other_matter.id}/points/{w['points'][0].id}").status_code == 404


def test_point_texts_are_paged_and_new_texts_are_marked(client):
    w = _analysed(120)
    login(client, w["assessor"])
    p = w["points"][0]
    for v in db.session.scalars(select(Voice).limit(70)):
        v.point_id = p.id
    db.session.commit()
    ids = sorted(db.session.scalars(select(Voice.id).where(Voice.point_id == p.id)))
    fresh = add_letters(w["matter"].id, devset(1, skip=400))[0]
    fresh.point_id = p.id
    db.session.commit()
    first = client.get(_url(w, f"/points/{p.id}")).get_data(as_text=True)
    assert f"文本（{len(ids) + 1} 条）" in first and "第 1 / 2 页" in first and "上次分析后新增" in first
    second = client.get(_url(w, f"/points/{p.id}"), query_string={"page": "2"}).get_data(as_text=True)
    shown = [i for i in ids if f'id="v{i}"' in first] + [i for i in ids if f'id="v{i}"' in second]
    assert sorted(shown) == ids
    assert client.get(_url(w, f"/points/{p.id}"), query_string={"page": "x%"}).status_code == 200


def test_progress_counts_reviewed_excluded_texts_and_decided_points(client):
    from consult.analysis import curation
    w = _analysed(60)
    a, now = w["assessor"], utcnow()
    vids = sorted(db.session.scalars(select(Voice.id)))
    curation.review_voices(vids[:12], actor=a, now=now, matter=w["matter"])
    curation.exclude_voice(db.session.get(Voice, vids[20]), actor=a, now=now, reason="无关")
    curation.confirm_point(w["points"][0], actor=a, now=now)
    curation.dismiss_point(w["points"][1], actor=a, now=now, reason="不是风险")
    commit()
    n = len(w["points"])
    assert curation.progress_of(w["matter"].id) == {
        "texts": 60, "reviewed": 13, "points": n, "decided": 2, "pct_reviewed": round(1300 / 60),
        "pct_decided": round(200 / n)}
    login(client, w["organiser"])
    page = client.get(_url(w, "/points")).get_data(as_text=True)
    assert f"{round(1300 / 60)}%" in page and "（13 / 60）" in page and f"（2 / {n}）" in page


def test_compare_page_and_merged_point_page(client):
    w = _analysed(100)
    old = w["run"]
    add_letters(w["matter"].id, devset(30, skip=500))
    login(client, w["assessor"])
    client.post(_url(w, "/analysis/runs"))
    new = db.session.scalar(select(AnalysisRun).order_by(AnalysisRun.id.desc()))
    page = client.get(_url(w, "/analysis/runs/compare"), query_string={"a": old.id, "b": new.id})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and f"分析运行 #{old.id} 与 #{new.id} 比较" in body and "对应的风险点" in body
    bad = client.get(_url(w, "/analysis/runs/compare"), query_string={"a": old.id, "b": old.id})
    assert bad.status_code == 302
    target, source = w["points"][0], w["points"][1]
    client.post(_url(w, "/points/merge"), data={"point_ids": [str(source.id)], "target_id": str(target.id)})
    merged = client.get(_url(w, f"/points/{source.id}")).get_data(as_text=True)
    assert "此风险点已合并到" in merged and "保存名称" not in merged
    resp = client.post(_url(w, f"/points/{source.id}/rename"), data={"title": "改名"})
    assert resp.status_code == 422 and "该风险点已合并到其他风险点" in resp.get_data(as_text=True)
