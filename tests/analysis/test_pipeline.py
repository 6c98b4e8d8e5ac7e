import json
from collections import Counter

import pytest

from consult.analysis.pipeline import PIPELINE_VERSION, Document, Params, run
from consult.analysis.pipeline import describe, keywords
from consult.analysis.pipeline.model import AnalysisResult



def _public(result: AnalysisResult) -> dict:
    return result.to_dict(include_stats=False)


@pytest.fixture(scope="module")
def matter_result(matter_docs):
    return run(matter_docs, Params(max_points=8))


def test_every_id_appears_exactly_once(matter_docs, matter_result):
    seen = [i for p in matter_result.risk_points for i in p.doc_ids] + matter_result.unassigned
    assert Counter(seen) == Counter(d.id for d in matter_docs)
    assert matter_result.documents == len(matter_docs)


def test_deterministic(matter_docs, matter_result):
    again = run(list(matter_docs), Params(max_points=8))
    assert json.dumps(_public(again), ensure_ascii=False) == json.dumps(_public(matter_result), ensure_ascii=False)


def test_result_records_version_and_every_parameter(matter_result):
    data = _public(matter_result)
    assert data["pipeline_version"] == PIPELINE_VERSION
    assert set(data["params"]) == set(Params().to_dict())
    assert data["params"]["max_points"] == 8
    assert set(data["resources"]) >= {"user_dict", "stopwords", "escalation", "taxonomy"}


def test_output_shape(matter_result):
    data = _public(matter_result)
    assert set(data) >= {"pipeline_version", "params", "documents", "risk_points", "duplicates", "unassigned"}
    weights = [p["weight"] for p in data["risk_points"]]
    assert weights == sorted(weights, reverse=True)
    for p in data["risk_points"]:
        assert {"id", "title", "keywords", "area", "area_confidence", "dimension", "doc_ids",
                "representative_ids", "size", "weight", "stance", "escalation"} <= set(p)
        assert set(p["escalation"]) >= {"score", "terms"}
        assert 1 <= len(p["representative_ids"]) <= 5
        assert set(p["representative_ids"]) <= set(p["doc_ids"])
        assert p["size"] == len(p["doc_ids"])
        assert 0 <= p["area_confidence"] <= 1 and p["dimension"] in ("合法性", "合理性", "可行性", "可控性")


def test_concerns_of_a_realistic_matter_are_recognisable(matter_result):
    points = matter_result.risk_points
    by_id = {i: p for p in points for i in p.doc_ids}
    waste = by_id["c02"]
    assert "垃圾中转站" in waste.title or "垃圾中转站" in [k["term"] for k in waste.keywords]
    assert waste.area == "生态环境"
    # the campaign copies belong to the waste-station concern and make it the heaviest point
    assert all(by_id.get(i) is waste for i in ("c01", "c23", "c24", "c25", "c26", "c27"))
    assert points[0] is waste
    comp = by_id["c09"]
    assert comp is not waste and comp.area == "土地房屋征收"
    assert any("补偿" in k["term"] for k in comp.keywords)
    assert by_id["c17"] is not waste and by_id["c17"] is not comp
    assert any(g.campaign and "c01" in g.doc_ids for g in matter_result.duplicates)


def test_stance_authors_weight_and_escalation(matter_result):
    waste = next(p for p in matter_result.risk_points if "c02" in p.doc_ids)
    assert waste.stance.get("oppose", 0) >= 5
    assert waste.unique_authors is not None and waste.unique_authors <= waste.size
    assert waste.weight_parts["people"] >= waste.size  # c01 has weight 3 (weight itself: see points.py)
    assert waste.escalation.score > 0 and set(waste.escalation.terms) & {"上访", "集体上访", "拉横幅", "维权"}


def test_personal_data_never_reaches_the_output(matter_result):
    text = json.dumps(_public(matter_result), ensure_ascii=False)
    for secret in ("13812345678", "110101199003077777", "foo@bar.com"):
        assert secret not in text


def test_max_points_caps_the_number_of_points(devset_module):
    rows = devset_module.generate(300, seed=3)
    docs = [Document(id=r["id"], text=r["text"], title=r.get("title")) for r in rows]
    for cap in (1, 4, 12):
        result = run(docs, Params(max_points=cap))
        assert 1 <= len(result.risk_points) <= cap
        assert len(result.unassigned) <= 0.1 * len(docs)


def test_clusters_match_labels_on_generated_letters(devset_module):
    rows = devset_module.generate(600, seed=11)
    docs = [Document(id=r["id"], text=r["text"], title=r.get("title")) for r in rows]
    label = {r["id"]: r["topic"] for r in rows}
    result = run(docs, Params(max_points=20))
    correct = sum(Counter(label[i] for i in p.doc_ids).most_common(1)[0][1] for p in result.risk_points)
    assert correct / len(docs) >= 0.8


def test_tiny_and_degenerate_inputs():
    assert run([], Params()).risk_points == []
    one = run([Document(id="a", text="垃圾中转站太臭了")], Params())
    assert one.assignment() == {"a": one.assignment()["a"]} and len(one.assignment()) == 1
    same = run([Document(id=str(i), text="同意") for i in range(5)], Params())
    assert Counter(i for p in same.risk_points for i in p.doc_ids) + Counter(same.unassigned) == Counter(map(str, range(5)))


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError):
        run([Document(id="a", text="x"), Document(id="a", text="y")], Params())


def test_params_validation():
    with pytest.raises(ValueError):
        Params.from_dict({"max_points": 0})
    with pytest.raises(ValueError):
        Params.from_dict({"no_such_knob": 1})
    with pytest.raises(ValueError):
        Params.from_dict({"tokenizer": "spacy"})


def test_taxonomy_classification():
    area, conf, dim, dconf = describe.classify([("征地", 2.0), ("补偿标准", 1.5), ("太低", 1.0)])
    assert area == "土地房屋征收" and conf > 0.3 and dim == "合理性"
    area, conf, _, _ = describe.classify([("天气", 1.0), ("心情", 1.0)])
    assert area == "其他" and conf == 0.0


def test_escalation_lexicon():
    terms = describe.escalation_terms("再不解决我们就集体上访，还要拉横幅")
    assert "集体上访" in terms and "拉横幅" in terms and "上访" not in terms
    score, top, _ = describe.escalation_summary([terms, []], [1.0, 1.0])
    assert score == 0.5 and top[0] in ("集体上访", "拉横幅")


def test_title_uses_keywords_and_place():
    kws = [("a区", 1.0), ("垃圾中转站", 0.9), ("臭味", 0.5), ("扰民", 0.4)]
    # no text: place + topic + the next key terms
    assert describe.make_title(kws, place="a区") == "A区垃圾中转站：臭味、扰民"
    # the central text's clause carrying the other key terms names the problem
    text = "领导您好，A区垃圾中转站臭味扰民，夏天更严重，请尽快处理！"
    assert describe.make_title(kws, place="a区", central_text=text) == "A区垃圾中转站：臭味扰民"
    # topic inside the clause: the clause itself; no clause with other key terms: the terms
    assert describe.make_title([("噪音", 1.0), ("夜间施工", 0.6)], None, "工地夜间施工噪音太大。") == "工地夜间施工噪音太大"
    assert describe.make_title([("噪音", 1.0), ("夜间施工", 0.6)], None, "睡不着。") == "噪音：夜间施工"
    assert describe.make_title([], None, "随便") == "其他意见"
    # deterministic: the same inputs give the same title
    assert describe.make_title(kws, "a区", text) == describe.make_title(list(kws), "a区", str(text))
    assert keywords.is_place("a3县") and not keywords.is_place("安置房")


def test_titles_of_a_realistic_matter_read_as_concerns(matter_result):
    by_id = {i: p for p in matter_result.risk_points for i in p.doc_ids}
    waste, comp = by_id["c02"], by_id["c09"]
    assert waste.title.startswith("垃圾中转站：") and len(waste.title) <= 30
    assert comp.title.startswith("拆迁补偿") and "太低" in comp.title
    for p in matter_result.risk_points:
        assert "[" not in p.title and 4 <= len(p.title) <= 30
    assert keywords.is_place("a3县") and not keywords.is_place("安置房")


def test_k_grid_and_lower_bound():
    from consult.analysis.pipeline import cluster

    assert cluster.candidate_ks(40, 20)[0] == 20 and cluster.candidate_ks(40, 20)[-1] == 40
    assert cluster.candidate_ks(8) == sorted(set(cluster.candidate_ks(8))) and cluster.candidate_ks(8)[0] == 2
    assert cluster.lowest_k(30, 8) == 2  # a small matter may have only a few concerns
    assert cluster.lowest_k(9000, 40) == 20  # a large collection gets at least half the cap
    assert cluster.lowest_k(3000, 40) == 15


def test_keyword_modes_both_work(matter_docs):
    corpus = run(matter_docs, Params(max_points=6, keyword_idf="corpus"))
    blend = run(matter_docs, Params(max_points=6, keyword_idf="blend"))
    assert [p.doc_ids for p in corpus.risk_points] == [p.doc_ids for p in blend.risk_points]
    assert all(p.keywords for p in blend.risk_points)
