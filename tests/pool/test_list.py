"""The voice list: search, filters, facet counts, pagination, "new since the last run";
the flagged list; the matter panel."""
import re
from datetime import datetime, timezone

from consult.analysis.models import AnalysisRun, PointState, RiskPoint, RunStatus, VoiceSource, VoiceStance
from consult.analysis.pool import FACETS, PoolFilter, _all_facets, _facet, facet_counts, panel_stats, search_voices
from consult.extensions import db
from consult.models import utcnow
from consult.notices.models import Stance
from consult.surveys.models import Channel
from consult.surveys.responses import _insert_response
from tests import factories
from tests.conftest import login
from tests.pool.helpers import voice
from tests.surveys.helpers import answers, spec_of, standard_survey

COUNT_RE = re.compile(r'class="result-count">共 (\d+) 条')


def _seed(w):
    m = w["matter"]
    point = RiskPoint(matter_id=m.id, title="臭气扰民", state=PointState.CONFIRMED)
    db.session.add(point)
    db.session.commit()
    voice(m, "臭味太大，夏天没法开窗", group="紧邻住户", point_id=point.id, is_reviewed=True,
          at=datetime(2026, 11, 2, 2, tzinfo=timezone.utc))
    voice(m, "我们要联名去市里上访", group="紧邻住户", at=datetime(2026, 11, 5, 2, tzinfo=timezone.utc))
    voice(m, "支持建站，但是垃圾车不要走学校门口", source=VoiceSource.LETTER, stance=VoiceStance.CONDITIONAL,
          group="学生家长", channel="12345热线", at=datetime(2026, 11, 8, 2, tzinfo=timezone.utc))
    factories.comment(w["notice"], "臭味问题怎么解决？100%_要说清楚", stance=Stance.OPPOSE)
    return point


def _count(client, url):
    resp = client.get(url)
    assert resp.status_code == 200
    return int(COUNT_RE.search(resp.get_data(as_text=True)).group(1))


def test_filters_search_and_facets(client):
    w = factories.world()
    point = _seed(w)
    login(client, w["assessor"])
    base = f"/staff/matters/{w['matter'].id}/voices"
    assert _count(client, base) == 4  # the comment is mirrored when the page is opened
    assert _count(client, base + "?q=臭味") == 2
    assert _count(client, base + "?q=100%25_") == 1  # LIKE wildcards are searched literally
    assert _count(client, base + "?q=%25") == 1
    assert _count(client, base + "?source=letter") == 1
    assert _count(client, base + "?stance=oppose") == 3
    assert _count(client, base + "?group=紧邻住户") == 2
    assert _count(client, base + "?flagged=1") == 1
    assert _count(client, base + "?reviewed=1") == 1 and _count(client, base + "?reviewed=0") == 3
    assert _count(client, f"{base}?point={point.id}") == 1 and _count(client, base + "?point=none") == 3
    assert _count(client, base + "?date_from=2026-11-05&date_to=2026-11-08") == 2
    assert _count(client, base + "?q=臭味&stance=oppose&group=紧邻住户") == 1
    # facet counts apply every other filter, not their own
    facets = facet_counts(w["matter"].id, PoolFilter.from_args({"stance": "oppose"}))
    assert dict((v, n) for v, _l, n in facets["stance"]) == {"oppose": 3, "conditional": 1}
    assert dict((v, n) for v, _l, n in facets["source"]) == {"visit": 2, "comment": 1}
    assert dict((v, n) for v, _l, n in facets["point"]) == {"none": 2, str(point.id): 1}
    assert [label for v, label, _n in facets["point"] if v == str(point.id)] == ["臭气扰民"]
    # the one-scan facets agree with one query per facet, whatever filters are in force
    for args in ({}, {"stance": "oppose"}, {"q": "臭味", "group": "紧邻住户"}, {"flagged": "0", "point": "none"}):
        f = PoolFilter.from_args(args)
        one_each = {name: sorted(_facet(w["matter"].id, f, name), key=str) for name in FACETS}
        assert {k: sorted(v, key=str) for k, v in _all_facets(w["matter"].id, f).items()} == one_each, args


def test_bad_query_strings_are_ignored_not_errors(client):
    w = factories.world()
    _seed(w)
    login(client, w["organiser"])
    base = f"/staff/matters/{w['matter'].id}/voices"
    for qs in ("?page=abc", "?page=99999999999", "?source=nope", "?date_from=2026-13-45", "?point=1%200",
               "?q=" + "长" * 101, "?group=%01", "?flagged=maybe", "?stance[]=x"):
        resp = client.get(base + qs)
        assert resp.status_code == 200, qs
        assert int(COUNT_RE.search(resp.get_data(as_text=True)).group(1)) == 4, qs
    assert "部分筛选条件无法识别，已忽略。" in client.get(base + "?source=nope").get_data(as_text=True)
    resp = client.get(base + "?q=%00")  # a NUL in any query parameter is refused site-wide
    assert resp.status_code == 400 and "请求参数含有无法处理的字符" in resp.get_data(as_text=True)


def test_pagination_and_new_since_last_run(client):
    w = factories.world()
    m = w["matter"]
    run = AnalysisRun(matter_id=m.id, status=RunStatus.DONE)
    db.session.add(run)
    db.session.commit()
    for i in range(53):
        voice(m, f"第{i}条意见", at=datetime(2026, 10, 1, tzinfo=timezone.utc).replace(minute=i),
              last_run_id=run.id if i else None)
    login(client, w["assessor"])
    base = f"/staff/matters/{m.id}/voices"
    page1 = client.get(base).get_data(as_text=True)
    assert "第 1 / 2 页" in page1 and "第52条意见" in page1 and "第2条意见" not in page1
    page2 = client.get(base + "?page=2").get_data(as_text=True)
    assert "第2条意见" in page2 and "第0条意见" in page2 and "上一页" in page2
    assert page2.count('badge-new">上次分析后新增') == 1  # only 第0条 was not in the run
    assert _count(client, base + "?new=1") == 1
    result = search_voices(m.id, PoolFilter.from_args({"page": "7"}))
    assert (result.page, result.pages, len(result.items)) == (2, 2, 3)


def _collective_response(w, reaction, text=None):
    survey = w.get("survey") or standard_survey(w)
    w["survey"] = survey
    spec = spec_of(survey)
    extra = {"suggestions": text} if text else {}
    _insert_response(spec, answers(spec, reaction=reaction, **extra), channel=Channel.ONLINE, now=utcnow())
    db.session.commit()


def test_flagged_list_and_panel(client):
    w = factories.world()
    point = _seed(w)
    db.session.add(RiskPoint(matter_id=w["matter"].id, title="待定", state=PointState.CANDIDATE))
    db.session.commit()
    _collective_response(w, "collective", "不解决就一起去堵路")
    _collective_response(w, "petition")
    _collective_response(w, "negotiate")
    login(client, w["assessor"])
    page = client.get(f"/staff/matters/{w['matter'].id}/voices/flagged").get_data(as_text=True)
    assert "含预警词的意见（2 条）" in page  # 联名/上访 visit + the survey answer with 堵路
    assert "我们要联名去市里上访" in page and "不解决就一起去堵路" in page
    assert "问卷中表示可能上访或集体行动的答卷（2 份）" in page and "集体行动" in page and ">上访<" in page
    stats = panel_stats(w["matter"].id)
    assert stats["flagged"] == 4 and stats["collective"] == 2 and stats["new"] is None
    assert stats["reviewed_pct"] == 20 and stats["decided_pct"] == 50 and stats["points"] == 2
    detail = client.get(f"/staff/matters/{w['matter'].id}").get_data(as_text=True)
    assert "意见汇集与分析" in detail and "预警信号（含预警词 2 条，问卷 2 份）" in detail
    assert "网上意见 1" in detail and "入户走访 2" in detail and "问卷开放题 1" in detail
    assert point.title  # (kept for readability)


def test_other_organisation_and_anonymous_cannot_read(client):
    w = factories.world()
    _seed(w)
    base = f"/staff/matters/{w['matter'].id}/voices"
    assert client.get(base).status_code == 302  # to the login page
    login(client, w["other"])
    for path in ("", "/flagged", "/new", "/letters", "/template.xlsx"):
        assert client.get(base + path).status_code == 403, path
    assert "意见汇集与分析" not in client.get(f"/staff/matters/{w['matter'].id}").get_data(as_text=True)
    login(client, w["admin"])
    assert client.get(base).status_code == 200 and client.get(base + "/new").status_code == 403
