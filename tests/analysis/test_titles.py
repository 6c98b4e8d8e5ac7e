"""Point titles read as concerns: a place or a concern word, then the problem, never a fragment.

The corpora here are small matters written the way residents write (greetings, time words
up front, house numbers, generic "we residents" words, a petition); each concern is one
group of texts, so the engine's point for it can be found by its documents.
"""
from __future__ import annotations

import itertools

import jieba
import jieba.posseg
import pytest

from consult.analysis.pipeline import Document, Params, describe, run
from consult.analysis.pipeline.describe import TITLE_MAX, make_title

OPENERS = ("", "各位领导好，", "说句实话，", "我家就在旁边，", "邻居们都在议论，", "看了公示，")
CLOSERS = ("", "谢谢。", "希望领导重视！", "请认真考虑。", "望采纳。")
CONCERNS = {
    # time words and fragments lead these sentences; the concern is the smell
    "smell": ("下午{n}点以后一股酸臭味，窗户都不敢开。", "再来个压缩站，臭味飘过来窗户都不敢开。",
              "{b}离站址就隔一条马路，风一吹臭味全进屋了。", "晚上回家一开门就是臭味，窗户都不敢开。"),
    # generic people words (居民, 大家, 代表) dominate; the concern is a hearing
    "hearing": ("希望开个听证会，让居民代表都能说上话。", "居民都要求开听证会，大家的意见要听。",
                "建议召开听证会，居民代表参加。", "我们居民希望开听证会，不能走过场。"),
    # a petition: escalation terms dominate
    "petition": ("我们{n}百户居民联名坚决反对在枫林路建压缩站。", "枫林苑业主联名，坚决反对压缩站建在枫林路。",
                 "坚决反对在枫林路建压缩站，枫林苑居民已经联名。", "枫林苑全体业主坚决反对，已经联名上访。"),
}
POS_BAD_HEAD = {"t", "d", "m", "mq", "q", "r", "z", "i", "o", "p", "c", "u", "y", "e"}
GENERIC_PEOPLE = {"居民", "大家", "我们", "业主", "代表", "群众", "市民", "住户"}


def _corpus(per_concern: int = 14) -> tuple[list[Document], dict[str, str]]:
    docs, concern_of = [], {}
    n = itertools.count()
    for concern, bodies in CONCERNS.items():
        for i in range(per_concern):
            k = next(n)
            body = bodies[i % len(bodies)].format(n=3 + k % 5, b=f"{2 + k % 9}栋")
            text = OPENERS[k % len(OPENERS)] + body + CLOSERS[(k // 2) % len(CLOSERS)]
            docs.append(Document(id=f"{concern}{i:02d}", text=text, author=f"a{k}"))
            concern_of[f"{concern}{i:02d}"] = concern
    return docs, concern_of


@pytest.fixture(scope="module")
def matter():
    docs, concern_of = _corpus()
    result = run(docs, Params(max_points=6, min_cluster_size=3))
    return result, concern_of


def _point_for(result, concern_of, concern):
    return max(result.risk_points, key=lambda p: sum(concern_of[i] == concern for i in p.doc_ids))


def _pos(word: str) -> str:
    return jieba.posseg.POSTokenizer(jieba.Tokenizer()).lcut(word)[-1].flag


def test_every_head_is_a_place_or_a_concern_word_and_no_title_starts_with_a_fragment(matter):
    result, _ = matter
    pos = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    for p in result.risk_points:
        assert 4 <= len(p.title) <= TITLE_MAX, p.title
        assert not p.title[0].isdigit(), p.title
        first = pos.lcut(p.title)[0]
        assert first.flag not in {"m", "q", "u", "uj", "ul", "p", "c", "y"}, (p.title, first)
        if "：" in p.title:
            head = p.title.split("：")[0]
            assert head not in GENERIC_PEOPLE, p.title
            assert (p.place and head.startswith(p.place)) or pos.lcut(head)[-1].flag not in POS_BAD_HEAD, p.title


def test_smell_point_names_the_smell_not_a_time_word(matter):
    result, concern_of = matter
    smell = _point_for(result, concern_of, "smell")
    assert "臭" in smell.title, smell.title
    assert not smell.title.startswith(("下午", "再来", "晚上", "风一吹")), smell.title


def test_hearing_point_names_the_hearing_not_the_residents(matter):
    result, concern_of = matter
    hearing = _point_for(result, concern_of, "hearing")
    assert "听证会" in hearing.title, hearing.title
    assert not hearing.title.startswith(tuple(GENERIC_PEOPLE)), hearing.title


def test_petition_title_says_it_escalates_and_against_what(matter):
    result, concern_of = matter
    petition = _point_for(result, concern_of, "petition")
    assert petition.escalation.score >= describe.ESCALATION_TITLE_SCORE
    assert "坚决反对" in petition.title or "联名" in petition.title, petition.title
    assert "压缩站" in petition.title, petition.title  # the object of the protest, not only the terms


def test_time_word_or_adverb_topic_gives_way_to_a_concern_word():
    kws = [("下午", 3.0), ("一股", 2.5), ("一到", 2.0), ("转运", 1.5), ("臭味", 1.0)]
    text = "现在的垃圾点一到下午就一股酸臭味，新站一天转运八十吨，味道只会更大。"
    title = make_title(kws, None, text, topic="下午")
    assert title.startswith("臭味："), title  # the concern word heads it, not the time word
    assert make_title(kws, None, text, topic="下午") == title  # deterministic


def test_house_number_clause_loses_its_number_not_half_of_it():
    kws = [("风一吹", 3.0), ("站址", 2.0), ("一条", 1.5), ("栋离", 1.2), ("进屋", 1.0)]
    title = make_title(kws, None, "3栋离站址就隔一条路，风一吹味道全进屋了？", topic="风一吹")
    assert not title.startswith(("风一吹：", "栋", "3")), title
    assert not title[0].isdigit() and _pos(title[:2]) not in {"m", "q"}, title


def test_place_head_stays_whole_and_escalation_clause_is_quoted():
    kws = [("改址", 3.0), ("联名", 2.0), ("反对", 1.5), ("区政府", 1.0)]
    text = "我们是枫林苑的居民，已经有两百多户签名联名，坚决反对在枫林路建压缩站。"
    title = make_title(kws, "枫林苑", text, escalation=["联名", "坚决反对"], topic="改址")
    assert title == "枫林苑：坚决反对在枫林路建压缩站"
    # no clause carries the terms: the terms themselves
    assert make_title(kws, "枫林苑", "签名的人很多。", escalation=["联名", "坚决反对"]) == "枫林苑：联名、坚决反对"


def test_problem_after_the_topic_loses_its_fragment_but_keeps_its_question_word():
    kws = [("景区", 3.0), ("餐饮", 2.0), ("价格", 1.5)]
    assert make_title(kws, None, "景区里的餐饮价格高得离谱，希望管管。", topic="景区") == "景区：餐饮价格高得离谱"
    kws = [("臭气", 3.0), ("公示", 2.0), ("一句", 1.5)]
    assert make_title(kws, None, "说句实话，臭气怎么处理公示里就一句话。", topic="臭气") == "臭气：怎么处理公示里就一句话"


def test_a_name_starting_with_a_particle_character_keeps_it():
    """和平路 is a road, not 和 + 平路: only a stand-alone function word is dropped at the start."""
    kws = [("小学", 3.0), ("站址", 2.0), ("上学", 1.5)]
    title = make_title(kws, None, "和平路小学离站址才一百五十米，孩子每天上学都要从门口过。", topic="小学")
    assert "和平路小学" in title and not title.startswith("平路"), title
    assert describe._clean("和小区太近") == "小区太近" and describe._clean("在和平路建站") == "和平路建站"
    assert describe._clean("对面就是小学") == "对面就是小学" and describe._clean("，要求公开") == "公开"


def test_a_clause_that_adds_to_the_previous_one_loses_its_link_word():
    from consult.analysis.pipeline import titlewords

    assert titlewords.strip_fragment("再加上垃圾车太危险") == "垃圾车太危险"
    assert titlewords.strip_fragment("还有垃圾车一路撒漏") == "垃圾车一路撒漏"
