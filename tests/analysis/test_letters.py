"""Names kept whole, one concern per point, the hottest first, readable titles (issue 10)."""
from __future__ import annotations

import json
import numpy as np
import pytest
import scipy.sparse as sp

from consult.analysis.pipeline import Document, Params, discover, run
from consult.analysis.pipeline import points as pts
from consult.analysis.pipeline import resources, tokenise
from consult.analysis.pipeline.describe import TITLE_MAX, make_title

from pathlib import Path

DATA = Path(__file__).with_name("data")

CONTEXTS = ["我住在{}，", "{}的业主反映，", "关于{}的问题，", "今天{}门口", "我们{}小区里", "听说{}要", "{}旁边的路"]
FILLER = ["噪音很大晚上睡不着。", "物业不管事。", "希望领导重视。", "垃圾没人清运。", "停车太难了。", "孩子上学远。"]


def _corpus(name: str, n: int = 12) -> list[str]:
    return [CONTEXTS[i % len(CONTEXTS)].format(name) + FILLER[i % len(FILLER)] + FILLER[(i * 5 + 1) % len(FILLER)]
            for i in range(n)] + [FILLER[i % 6] + FILLER[(i + 2) % 6] for i in range(30)]


def test_discovery_keeps_an_unknown_estate_name_whole():
    texts = _corpus("璟澔溪苑")
    spec = resources.dictionary_spec(None)
    plain = tokenise.Segmenter("rjieba", spec).content_tokens(texts[0])
    assert "璟澔溪苑" not in plain  # jieba alone cuts the invented name
    words = discover.discover(texts)
    assert "璟澔溪苑" in words
    assert not any(w.startswith(("我住在", "关于", "听说")) for w in words)  # contexts are no words
    assert discover.discover(texts) == words  # deterministic
    whole = tokenise.Segmenter("rjieba", spec, words).content_tokens(texts[0])
    assert "璟澔溪苑" in whole


def test_discovery_rules_out_phrases_and_contexts():
    assert discover.name_like("璟澔溪苑") and discover.name_like("翡铂金服")
    assert not discover.name_like("健身房卷款跑路")  # ends like a road, is none
    assert not discover.name_like("华庭物业公司")  # starts with a suffix word
    assert not discover.name_like("水泥浆洒了一路")
    assert not discover.name_like("溪苑")  # too short before the suffix


def test_split_by_name_carves_one_place_out_of_a_mixed_point():
    # 30 units in one cluster; units 0..11 name term 0 (a discovered name), the rest do not
    rows, cols = [], []
    for u in range(30):
        cols.append(1)
        rows.append(u)
        if u < 12:
            rows.append(u)
            cols.append(0)
    binary = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(30, 2))
    labels = np.zeros(30, dtype=np.int64)
    sizes = np.ones(30)
    new, parent = pts.split_by_name(labels, binary, sizes, np.array([0]), max_points=5, min_size=8, max_share=0.8)
    assert sorted(np.unique(new).tolist()) == [0, 1] and parent == {1: 0}
    assert (new[:12] == 1).all() and (new[12:] == 0).all()
    same, none = pts.split_by_name(labels, binary, sizes, np.array([0]), max_points=1, min_size=8, max_share=0.8)
    assert (same == 0).all() and none == {}  # no room within max_points


def test_weight_formula_prefers_one_place_one_problem():
    broad = pts.weigh(200, 0.0, 0.3, 0.0, 1.0)
    hot = pts.weigh(45, 1.0, 0.95, 0.5, 1.0)
    assert hot["weight"] > broad["weight"]
    assert hot["weight"] == pytest.approx(45 * (0.25 + 0.975) ** 2 * 1.5, rel=1e-4)
    assert pts.people(["a", "a", None, None, "b"], [1, 3, 1, 1, 2]) == 3 + 1 + 1 + 2
    assert pts.recency([pts.parse_day("2020-01-01")], pts.parse_day("2021-01-01")) == pytest.approx(0.75, abs=0.01)
    assert pts.recency([None], None) == 1.0


def test_titles_are_short_whole_and_say_when_people_escalate():
    kws = [("搅拌站", 3.0), ("粉尘", 2.0), ("噪音", 1.5)]
    text = "25在翎祺府小区围墙外面不到一百米建了一个混凝土搅拌站粉尘和噪音严重影响两千多户居民的正常生活和休息"
    title = make_title(kws, "翎祺府", text)
    assert title.startswith("翎祺府搅拌站") and len(title) <= TITLE_MAX
    long_place = "伊景园滨河苑"
    title = make_title([("车位", 3.0), ("捆绑", 2.0)], long_place, "车位" + "开发商要求必须购买车位才能办理交房手续否则不给钥匙")
    assert title.startswith(long_place) and len(title) <= TITLE_MAX
    assert make_title(kws, "翎祺府", text, escalation=["坚决反对", "联名"]) == "翎祺府搅拌站：坚决反对、联名"
    numbered = make_title([("公交车站", 2.0), ("新桥", 1.0)], None, "25在新桥公交车站等了一个小时")
    assert not numbered[0].isdigit() and not numbered.startswith("在")


@pytest.fixture(scope="module")
def letters():
    rows = [json.loads(line) for line in (DATA / "letters.jsonl").read_text(encoding="utf-8").splitlines()]
    keep = [r for r in rows if r["issue"]] + [r for r in rows if not r["issue"]][:500]
    docs = [Document(id=r["id"], text=r["text"], title=r["title"] or None, author=r["author"], time=r["time"])
            for r in keep]
    return docs, {r["id"]: r["issue"] for r in keep}


def test_hot_issues_on_letters_are_whole_placed_and_on_top(letters, tmp_path):
    docs, issue = letters
    result = run(docs, Params(max_points=60, cache_path=str(tmp_path / "cache")))
    assert result.stats["names"] > 0
    for key in ("hot_mixing_plant", "hot_parking_bundle", "hot_estate_defects"):
        gold = {i for i, v in issue.items() if v == key}
        best = max(result.risk_points, key=lambda p: len(gold.intersection(p.doc_ids)) / (len(gold) + p.size))
        f1 = 2 * len(gold.intersection(best.doc_ids)) / (len(gold) + best.size)
        assert f1 >= 0.8, (key, f1, best.title)
        assert result.risk_points.index(best) < 10
        assert best.place and best.title.startswith(best.place) and len(best.title) <= TITLE_MAX
        assert best.weight_parts["place_share"] >= 0.8 and best.theme
    weights = [p.weight for p in result.risk_points]
    assert weights == sorted(weights, reverse=True)
    every = [i for p in result.risk_points for i in p.doc_ids] + result.unassigned
    assert sorted(every) == sorted(d.id for d in docs)  # every id exactly once, splits included
    assert any(p.theme != p.title for p in result.risk_points)  # some points were split from a theme
    assert set(result.risk_points[0].weight_parts) == {"people", "concentration", "place_share", "problem_share",
                                                       "escalation", "recency"}
    again = run(docs, Params(max_points=60, cache_path=str(tmp_path / "cache"), warm_start=False))
    assert again.stats["names_cached"] is True  # the word list came from the cache
    assert [p.doc_ids for p in again.risk_points] == [p.doc_ids for p in result.risk_points]
    warm = run(docs, Params(max_points=60, cache_path=str(tmp_path / "cache")))
    assert warm.provenance["mode"] == "warm" and warm.stats["names"] == result.stats["names"]
    assert [p.doc_ids for p in warm.risk_points] == [p.doc_ids for p in result.risk_points]


def test_without_discovery_the_names_are_lost(letters):
    docs, issue = letters
    result = run(docs, Params(max_points=60, discover_names=False))
    assert result.stats["names"] == 0
    for name in ("岚湾名邸", "翡铂金服"):  # jieba cuts these invented names (在岚湾 + 名邸, 翡 + 铂金 + 服)
        assert not any(p.place == name or any(k["term"] == name for k in p.keywords) for p in result.risk_points)
    with_names = run(docs, Params(max_points=60))
    for name in ("岚湾名邸", "翡铂金服"):
        assert any(p.place == name and any(k["term"] == name for k in p.keywords) for p in with_names.risk_points)


def test_topic_is_the_word_most_texts_use_not_a_number_or_an_escalation_term():
    from consult.analysis.pipeline.describe import pick_topic

    assert pick_topic([("发生", 0.3), ("景区", 0.8), ("踩踏", 0.3)]) == ("景区", 0.8)
    assert pick_topic([("二十米", 0.9), ("清运", 0.6)]) == ("清运", 0.6)
    assert pick_topic([("维权", 0.9), ("驾校", 0.5)]) == ("驾校", 0.5)
    assert pick_topic([]) == (None, 0.0)
    title = make_title([("发生", 3.0), ("景区", 2.0), ("限流", 1.0)], None, "希望景区节假日限流", topic="景区")
    assert title.startswith("景区") and "希望" not in title


def _problem_case(spread: float):
    """40 units in one point; term 0 (no name) used by units 0..19; two directions ``spread`` apart."""
    rows = [u for u in range(20)] + list(range(40))
    cols = [0] * 20 + [1] * 40
    binary = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(40, 2))
    a = np.array([1.0, 0.0])
    b = np.array([np.cos(spread), np.sin(spread)])
    x = np.vstack([np.tile(a, (20, 1)), np.tile(b, (20, 1))]).astype(np.float32)
    return np.zeros(40, dtype=np.int64), binary, np.ones(40), x


def test_a_problem_term_splits_a_mixed_point_but_not_a_coherent_one():
    labels, binary, sizes, x = _problem_case(1.2)  # two different concerns (cosine 0.36)
    new, parent = pts.split_by_name(labels, binary, sizes, np.array([], dtype=np.int64), 5, 8, 0.8, x)
    assert parent == {1: 0} and (new[:20] == 1).all() and (new[20:] == 0).all()
    labels, binary, sizes, x = _problem_case(0.2)  # one concern in two wordings (cosine 0.98)
    new, parent = pts.split_by_name(labels, binary, sizes, np.array([], dtype=np.int64), 5, 8, 0.8, x)
    assert parent == {} and (new == 0).all()


def test_text_times_may_be_strings_or_objects():
    from datetime import date, datetime

    day = pts.parse_day("2024-05-01")
    assert pts.parse_day("2024-05-01T10:00:00+08:00") == day == pts.parse_day(datetime(2024, 5, 1, 10))
    assert pts.parse_day(date(2024, 5, 1)) == day
    assert pts.parse_day("2024-13-01") is None and pts.parse_day("") is None and pts.parse_day(None) is None
