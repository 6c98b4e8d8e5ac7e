"""Generate the harder development set: letters to a city mailbox with planted hot issues (seeded).

    .venv/bin/python tests/analysis/data/make_letters.py [-n 2400] [--seed 11] [-o tests/analysis/data/letters.jsonl]

Each letter is a long, informal narrative to an official: greeting, who writes,
what happened, one main concern and often a second, unrelated one, complaints
about earlier replies, sometimes escalation talk, a closing; masked places
(A市, A3区, K9县, B2镇), invented estate names (made of syllables, so no
dictionary knows them), typos, subject lines in ``title`` (sometimes empty or
useless), repeat writers and copy-paste joint letters.

Labels on every line: ``topic`` (7 department-like classes) and ``issue``: one of
five planted hot issues (30-60 letters each, about one place and one problem) or
``""`` for the general mail; ``concern`` names the general concern (or the issue).
Half of a hot issue's letters name its place once and then say "our estate"
(or "the platform"), 15 % never name it; residents of the hot estates also write
about other things (3 % of the general mail names one of them).
The planted issues share their vocabulary with general complaints of the same
kind at other estates (delivery defects, parking, subsidies, fraud, dust and
noise), so only the name and the specific problem tell them apart.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import sys

sys.path.insert(0, str(Path(__file__).resolve().parent))
from letters_phrases import ALT, DECOYS, GENERAL, HOT, SECOND_INTRO, SHARED, SYNONYMS  # noqa: E402 (same directory)

CITY = ["A市", "A市", "A市", "B市"]
DISTRICTS = ["A1区", "A2区", "A3区", "A5区", "A7县", "K9县", "A6区", "A4区"]
TOWNS = ["B2镇", "C3镇", "城南街道", "东湖街道", "D1乡", "新桥街道"]
SYL1 = list("澜熙璟樾珑汀铂悦御瀚翡棠沁玥琨泷澔岚翎琪祺崇睿麓溪栖")
SYL2 = list("庭岸府湾郡邸园苑墅阁")
SUFFIX = ["苑", "府", "新城", "花园", "家园", "小区", "名邸", "公馆", "雅居", "华庭"]
ROADS = ["泉塘路", "云栖路", "望江路", "河西大道", "金桥路", "枫林路", "新华街", "潇湘大道", "星沙大道", "青竹湖路"]
GREET = ["尊敬的市长：您好！", "尊敬的领导：", "市长您好，", "书记您好！", "各位领导好，", "您好！", "领导好，打扰了。",
         "尊敬的市长信箱工作人员：", "", "张书记：您好！", "局长您好，"]
WHO = ["我是{district}{estate}的一名业主，", "本人系{district}{town}居民，", "我是一名普通市民，家住{estate}。",
       "我们是{estate}的住户，", "我是外地来{city}工作的，", "我家住在{road}附近，", "", "", "我叫{surname}先生，",
       "我是{estate}的{surname}女士，", "我是退休职工，住在{district}，"]
NARR = ["事情是这样的，", "这件事说来话长。", "{year}年我们", "去年下半年开始，", "从今年{month}月份起，", "前几天，",
        "自从搬进来以后，", "", ""]
HANDLED = ["之前打过12345热线，说转给了相关部门，就没有下文了。", "我们多次找过社区和街道，都说不归他们管。",
           "各部门互相推诿，踢皮球。", "去年就在这个信箱反映过，回复说正在处理，到现在还是老样子。",
           "给的答复完全是敷衍，根本没有解决问题。", "打电话过去，接电话的人态度很不好。", "材料交了一遍又一遍。"]
ESCALATE = ["如果再不解决，我们只能集体上访。", "业主们已经在准备联名信了，坚决反对！", "实在不行我们就去省里信访。",
            "已经有人在网上发帖，还说要找媒体曝光。", "我们保留起诉的权利。", "大家商量好了，再没人管就去拉横幅。"]
CLOSE = ["望领导百忙之中给予关注，谢谢！", "恳请尽快解决，盼复。", "此致 敬礼！", "谢谢领导！", "希望能得到答复。",
         "期待您的回复。", "", "老百姓真的很无奈，请帮帮我们。", "辛苦了！"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐")
TYPOS = {"反映": "反应", "已经": "以经", "的": "得", "在": "再", "噪音": "燥音", "垃圾": "拉圾", "补贴": "补帖",
         "开发商": "开放商", "物业": "物叶", "赔偿": "陪偿", "工资": "工姿"}
USELESS_TITLES = ["咨询", "投诉", "求助", "反映问题", "关于一个问题", "请领导看看", "建议"]


def estate_name(rng: random.Random) -> str:
    return rng.choice(SYL1) + rng.choice(SYL1 + SYL2) + rng.choice(SUFFIX)


def _ctx(rng: random.Random, estates: list[str], estate: str | None = None) -> dict:
    return {"city": rng.choice(CITY), "district": rng.choice(DISTRICTS), "town": rng.choice(TOWNS),
            "estate": estate or rng.choice(estates), "road": rng.choice(ROADS), "surname": rng.choice(SURNAMES),
            "year": rng.choice([2019, 2020, 2021]), "month": rng.randint(1, 12), "n": rng.choice([3, 5, 8, 12, 20]),
            "money": rng.choice([2, 3, 5, 8, 10, 15, 20, 30]), "k": rng.choice([20, 50, 80, 120, 300])}


def _typos(text: str, rng: random.Random) -> str:
    for a, options in SYNONYMS.items():
        if a in text and rng.random() < 0.5:
            text = text.replace(a, rng.choice(options))
    for a, b in TYPOS.items():
        if a in text and rng.random() < 0.08:
            text = text.replace(a, b, 1)
    if rng.random() < 0.12:
        text = text.replace("，", " ").replace("。", " ")
    return text


def _fragment(sentence: str, rng: random.Random) -> str:
    """Keep a run of the sentence's clauses: people retell things in part."""
    clauses = [c for c in sentence.replace("。", "，").replace("？", "，").split("，") if c]
    if len(clauses) < 2 or rng.random() < 0.6:
        return sentence
    a = rng.randrange(len(clauses))
    return "，".join(clauses[a:rng.randint(a + 1, len(clauses))]) + "。"


def _pick(pool: list[str], rng: random.Random, lo: int, hi: int) -> list[str]:
    return rng.sample(pool, k=min(len(pool), rng.randint(lo, hi)))


def letter(concern: dict, rng: random.Random, ctx: dict, escalate: float, second: dict | None) -> tuple[str, str]:
    parts = [rng.choice(GREET), rng.choice(WHO), rng.choice(NARR)]
    parts += [_fragment(s, rng) for s in _pick(concern["core"], rng, 2, 4)]
    if rng.random() < 0.5:
        parts.append(rng.choice(concern["detail"]))
    if rng.random() < 0.6:
        parts.append(rng.choice(HANDLED))
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        parts.insert(rng.randint(3, len(parts)), rng.choice(SHARED))
    if second is not None:
        parts.append(rng.choice(SECOND_INTRO))
        parts += _pick(second["core"], rng, 1, 3)
    if rng.random() < escalate:
        parts.append(rng.choice(ESCALATE))
    parts += _pick(concern["ask"], rng, 1, 2)
    parts.append(rng.choice(CLOSE))
    text = _typos("".join(parts).format(**ctx), rng)
    r = rng.random()
    if r < 0.15:
        title = ""
    elif r < 0.3:
        title = rng.choice(USELESS_TITLES)
    else:
        title = rng.choice(concern["titles"]).format(**ctx)
    return title, text


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    estates = sorted({estate_name(rng) for _ in range(400)})
    hot_sizes = {"hot_mixing_plant": 48, "hot_parking_bundle": 43, "hot_talent_subsidy": 56, "hot_estate_defects": 40,
                 "hot_p2p_fraud": 37}
    hot_places = {}
    for key in hot_sizes:  # each hot issue gets its own invented estate / project / platform
        hot_places[key] = estates.pop(rng.randrange(len(estates)))
    hot_places["hot_p2p_fraud"] = _platform(rng)
    rows = []
    general = sorted(GENERAL)
    n_general = n - sum(hot_sizes.values())
    people = [f"p{i:05d}" for i in range(int(n * 0.8))]
    n_general -= sum(size for _, size, _ in DECOYS.values())
    # people living at the hot estates write about other things too
    residents = [hot_places[k] for k in ("hot_mixing_plant", "hot_parking_bundle", "hot_estate_defects")]
    for _ in range(n_general):
        key = rng.choice(general)
        concern = GENERAL[key]
        if key in ALT and rng.random() < 0.3:  # the boundary case: another department's part of the concern
            topic, core = ALT[key]
            concern = {**concern, "topic": topic, "core": core + rng.sample(concern["core"], 1)}
        rows.append(_general(concern, key, rng, estates, people, general, residents))
    for key, (like, size, at_estate) in sorted(DECOYS.items()):
        spec = {**HOT[like], "titles": HOT[like]["titles"][1:]}
        for _ in range(size):  # the same problem, each time somewhere else
            place = rng.choice(estates) if at_estate else _platform(rng)
            ctx = {**_ctx(rng, estates, place), "platform": place}
            second = GENERAL[rng.choice(general)] if rng.random() < 0.35 else None
            title, text = letter(spec, rng, ctx, 0.15, second)
            rows.append({"title": title, "text": text, "topic": spec["topic"], "concern": key, "issue": "",
                         "author": rng.choice(people), "time": _time(rng, 0, 730)})
    for key, size in hot_sizes.items():
        rows += _hot(key, size, hot_places[key], rng, estates, people)
    rng.shuffle(rows)
    out = []
    for i, r in enumerate(rows, 1):
        out.append({"id": f"L{i:05d}", **r, "weight": 1})
    return out


def _platform(rng: random.Random) -> str:
    return rng.choice(SYL1) + rng.choice(SYL1) + rng.choice(["贷", "宝", "金服", "财富"])


def _general(concern: dict, key: str, rng: random.Random, estates: list[str], people: list[str], general: list[str],
             residents: list[str]):
    second = GENERAL[rng.choice(general)] if rng.random() < 0.5 else None
    if second is concern:
        second = None
    home = rng.choice(residents) if rng.random() < 0.03 else None
    title, text = letter(concern, rng, _ctx(rng, estates, home), 0.12, second)
    return {"title": title, "text": text, "topic": concern["topic"], "concern": key, "issue": "",
            "author": rng.choice(people), "time": _time(rng, 0, 730)}


def _time(rng: random.Random, lo: int, hi: int) -> str:
    day = rng.randint(lo, hi)
    month_days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    year, d = 2021, day
    while d >= (365 if year % 4 else 366):
        d -= 365 if year % 4 else 366
        year += 1
    m = 0
    while d >= month_days[m] + (1 if m == 1 and year % 4 == 0 else 0):
        d -= month_days[m] + (1 if m == 1 and year % 4 == 0 else 0)
        m += 1
    return f"{year}-{m + 1:02d}-{d + 1:02d}"


def _hot(key: str, size: int, place: str, rng: random.Random, estates: list[str], people: list[str]) -> list[dict]:
    """A hot issue: letters by many people (a few write twice) over a few months, part of them a joint letter."""
    spec = HOT[key]
    start = rng.randint(200, 600)
    district = rng.choice(DISTRICTS)
    joint = rng.randint(size // 6, size // 4) if spec.get("joint") else 0
    writers = rng.sample(people, k=size - size // 8)
    rows = []
    for j in range(size):
        ctx = {**_ctx(rng, estates, place if spec.get("at_estate", True) else None), "district": district,
               "platform": place}
        author = writers[j % len(writers)]
        second = GENERAL[rng.choice(sorted(GENERAL))] if rng.random() < 0.25 else None
        if j < joint:
            text = spec["joint"].format(**ctx) + rng.choice(["", f"（{ctx['surname']}先生代表{rng.randint(20, 300)}户）",
                                                               f"{rng.randint(1, 30)}栋业主", "全体业主"])
            title = spec["titles"][0].format(**ctx)
        else:
            title, text = _unnamed(letter(spec, rng, ctx, spec["escalate"], second), place, spec, rng)
        rows.append({"title": title, "text": text, "topic": spec["topic"], "concern": key, "issue": key,
                     "author": author, "time": _time(rng, start, start + 120)})
    return rows


def _unnamed(letter_: tuple[str, str], place: str, spec: dict, rng: random.Random) -> tuple[str, str]:
    """People name the place once, or never: later mentions become "our estate" (or "the platform")."""
    title, text = letter_
    other = "平台" if not spec.get("at_estate", True) else rng.choice(["我们小区", "小区", "这个楼盘", "我们这里"])
    r = rng.random()
    if r < 0.15:  # no name at all, not even in the subject line
        return title.replace(place, ""), text.replace(place, other)
    if r < 0.5:
        first = text.find(place)
        if first >= 0:
            cut = first + len(place)
            text = text[:cut] + text[cut:].replace(place, other)
    return title, text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("-o", default=str(Path(__file__).with_name("letters.jsonl")))
    args = ap.parse_args()
    rows = generate(args.n, args.seed)
    with open(args.o, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} letters to {args.o}")


if __name__ == "__main__":
    main()
