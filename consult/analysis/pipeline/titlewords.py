"""Word classes for point titles: which key terms may head a title, and where a clause may start.

A title's head is a place or a *topic*: a noun-like concern word (臭味, 听证会, 垃圾车).
Word classes come from jieba's part-of-speech tags (a private ``rjieba`` instance with
jieba's default dictionary, or jieba's own ``posseg`` when rjieba is missing); a term the
dictionary does not know is tagged by its last word, the head of a Chinese compound
(渗滤液 -> 滤液/nz). On top of the tags, a small shipped list (``NOT_TOPICS``) drops words
that are nouns to jieba but name no concern: generic people (居民, 大家, 业主), vague
things (问题, 情况), time units (小时) and times of day phrased as activities (上学, 放学).

A clause for the problem part never starts with a fragment: leading framing words (希望, 建议),
generic subjects (居民都要求开听证会 -> 开听证会), house numbers, numbers, measure words, adverbs,
conjunctions, prepositions, particles and pronouns are dropped (``3栋离站址就隔一条路`` ->
``离站址就隔一条路``); a clause that would still start with one is no candidate. Everything here depends
only on its arguments and jieba's shipped dictionary: deterministic.
"""
from __future__ import annotations

import re
from functools import lru_cache

# jieba tags of noun-like words: nouns, proper nouns (not person names), organisations,
# verbal and adjectival nouns and abbreviations (环评, 中介); place names are places, not topics.
TOPIC_FLAGS = frozenset({"n", "nz", "nt", "nw", "ng", "vn", "an", "j"})
# tags a clause may not start with: numbers, measure words, adverbs, prepositions,
# conjunctions, particles, pronouns, interjections, modal particles, onomatopoeia.
FRAGMENT_FLAGS = frozenset({"m", "mq", "q", "d", "p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "r", "rr", "rz",
                            "e", "y", "o", "x", "zg", "f"})
PEOPLE = frozenset(
    "居民 大家 我们 你们 他们 群众 老百姓 市民 业主 住户 户主 代表 居民代表 人 人们 家长 邻居 领导 本人 自己 各位 村民 朋友 "
    "网友 同志 师傅 全体 全体业主 全体居民".split())
NOT_TOPICS = PEOPLE | frozenset(
    "问题 情况 事情 东西 地方 时候 方面 意见 建议 说法 部门 政府 有关部门 相关部门 好多 一句 事 "
    "上学 放学 上班 下班 早晚 平时 现在 以后 之前 当初 当时 定期 笼统 好事 小时 分钟 星期 礼拜 月份 年底 月底".split())
# leading words that only frame a request (the request itself is the problem) or add to what came
# before (加上, 还有), and adverbs jieba tags
# as adjectives (正好 赶上…)
FRAME_WORDS = ("说句实话", "反映", "投诉", "关于", "正好", "刚好", "恰好", "本来", "再加上", "加上", "还有就是", "还有",
               "强烈要求", "强烈建议", "坚决要求", "恳请", "请求", "希望", "建议", "要求", "麻烦", "请问", "请",
               "本人", "我们", "我")
# roads and estates are places, never a topic after a place (枫林苑枫林路)
_PLACE_ENDS = ("路", "街", "巷", "苑", "小区", "社区", "花园", "新村", "家园", "大道", "广场", "市区", "城区", "片区", "郊区",
               "县城")
_QUESTIONS = frozenset("怎么 怎样 怎么办 如何 为什么 为何 什么 谁 哪 哪里 哪儿 多少 几时 是否".split())
# generic subjects dropped at a clause's start (a named one such as 家长 stays: it says who objects)
_SUBJECTS = frozenset("居民 大家 我们 你们 他们 群众 老百姓 市民 业主 住户 本人 各位 全体业主 全体居民".split())
_NUMBER_START = re.compile(r"^[0-9０-９一二三四五六七八九十两几半每]")
# a leading house number with its measure word: 3栋, 12号楼, 6单元
_LEADING_NUMBER = re.compile(r"^[0-9０-９]+(?:号楼|单元|[栋幢号层楼户座排个条米])?")


@lru_cache(maxsize=1)
def _tagger():
    try:
        import rjieba

        tk = rjieba.Jieba()
        return tk.tag
    except ImportError:  # pragma: no cover - rjieba ships with the engine's dependencies
        import jieba
        import jieba.posseg

        pos = jieba.posseg.POSTokenizer(jieba.Tokenizer())
        return lambda text: [(p.word, p.flag) for p in pos.cut(text)]


@lru_cache(maxsize=8192)
def tags(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(_tagger()(text))


def word_flag(word: str) -> str:
    """The jieba tag of ``word`` taken alone: of its last piece when jieba cuts it."""
    tagged = tags(word)
    return tagged[-1][1] if tagged else "x"


def is_topic(word: str) -> bool:
    """A noun-like concern word that can head a title (not a time, adverb, pronoun or generic person)."""
    if len(word) < 2 or _NUMBER_START.match(word) or word.endswith(_PLACE_ENDS):
        return False
    if any(word.endswith(w) for w in NOT_TOPICS if len(w) >= 2) or word in NOT_TOPICS:
        return False  # 居民, 区政府, 居民代表
    tagged = tags(word)
    first = tagged[0][1] if tagged else "x"
    if first in ("m", "d", "r"):
        return False
    # a noun compound (渗滤液 -> 滤液/nz) or a noun with its predicate (墙体开裂 -> 墙体/n 开裂/v)
    if word_flag(word) in TOPIC_FLAGS or (len(tagged) > 1 and first in TOPIC_FLAGS):
        return True
    # a four-character set phrase that starts with a noun (墙体开裂 is one idiom token to jieba)
    return len(word) >= 4 and first in ("i", "l") and tags(word[:2]) == ((word[:2], "n"),)


def starts_badly(text: str) -> bool:
    """True when ``text`` starts with a time word or a number (a weaker problem clause)."""
    tagged = tags(text)
    return bool(tagged) and (tagged[0][1] in ("t", "m", "mq") or bool(_NUMBER_START.match(text)))


def starts_with_fragment(text: str) -> bool:
    """True when ``text`` still starts with a fragment word (个垃圾站, 就隔一条路)."""
    tagged = tags(text)
    return bool(tagged) and _fragment(tagged[0])


def _fragment(token: tuple[str, str]) -> bool:
    # jieba tags some verb + measure pairs as measure words (开个/q): only a bare measure word is a fragment
    # and a question word (怎么处理…, 谁来补偿…) is the question, not a fragment
    return token[1] in FRAGMENT_FLAGS and not (token[1] == "q" and len(token[0]) > 1) and token[0] not in _QUESTIONS


def strip_fragment(text: str) -> str:
    """``text`` without leading framing words and fragment words; unchanged when too little would be left."""
    out = text
    bare = _LEADING_NUMBER.sub("", out)
    if len(bare) >= 4:
        out = bare
    for _ in range(6):
        before = out
        for frame in FRAME_WORDS:
            if out.startswith(frame) and len(out) - len(frame) >= 4:
                out = out[len(frame):]
                break
        tagged = tags(out)
        lead = tagged[0] if tagged else ("", "x")
        if (_fragment(lead) or lead[0] in _SUBJECTS) and len(out) - len(lead[0]) >= 4:
            out = out[len(lead[0]):]
        if out == before:
            break
    tagged = tags(out)
    while tagged and tagged[-1][1] in ("y", "e", "ul", "uj") and len(out) - len(tagged[-1][0]) >= 4:
        out = out[: -len(tagged[-1][0])]
        tagged = tags(out)
    return out
