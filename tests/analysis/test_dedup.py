import numpy as np

from consult.analysis.pipeline import Document, Params, dedup, run, tokenise


def _groups(texts, threshold=0.7):
    compacts = [tokenise.compact(t) for t in texts]
    roots = dedup.group_duplicates(compacts, tokenise.minhash_signatures(texts), threshold)
    return roots


def test_exact_and_near_copies_are_grouped_distinct_texts_are_not():
    base = "坚决反对在幸福家园小区门口建垃圾中转站，离住宅楼只有二十米，夏天臭味怎么办？我们要求重新选址。"
    texts = [
        base,
        base.replace("？", "!"),  # same after punctuation removal
        base + "同意",  # near copy
        "拆迁补偿标准每平米才三千元，周边房价一万二，这个补偿标准太低了，我们不接受。",
        "工地夜间施工噪音太大，打桩机吵到凌晨两点，孩子没法睡觉，请环保局来查。",
    ]
    roots = _groups(texts)
    assert roots[0] == roots[1] == roots[2] == 0
    assert roots[3] == 3 and roots[4] == 4


def test_threshold_one_groups_only_exact_copies():
    base = "坚决反对在幸福家园小区门口建垃圾中转站，离住宅楼只有二十米"
    roots = _groups([base, base + "同意", base], threshold=1.0)
    assert roots == [0, 1, 0]


def test_large_group_is_flagged_as_campaign_and_counts_once():
    campaign = "坚决反对在幸福家园小区门口建垃圾中转站，离住宅楼只有二十米，夏天臭味怎么办？"
    docs = [Document(id=f"c{i}", text=campaign + ("!" * (i % 3))) for i in range(8)]
    others = ["工地夜间施工噪音太大，打桩机吵到凌晨两点", "施工扬尘严重，不洒水不围挡，窗户不敢开",
              "渣土车半夜经过，噪音大还掉土", "晚上十点以后还在施工，环保局说有许可证",
              "施工噪音让老人血压升高，请城管晚上来查", "工地的粉尘太严重了，我们拍了视频"]
    docs += [Document(id=f"o{i}", text=t) for i, t in enumerate(others)]
    result = run(docs, Params(max_points=5, campaign_min_size=5))
    campaigns = [g for g in result.duplicates if g.campaign]
    assert len(campaigns) == 1 and sorted(campaigns[0].doc_ids) == sorted(f"c{i}" for i in range(8))
    assert result.stats["units"] < len(docs)
    small = run(docs, Params(max_points=5, campaign_min_size=50))
    assert not any(g.campaign for g in small.duplicates)


def test_signatures_are_deterministic():
    texts = ["垃圾中转站臭味严重", "补偿标准太低"]
    assert np.array_equal(tokenise.minhash_signatures(texts), tokenise.minhash_signatures(list(texts)))
