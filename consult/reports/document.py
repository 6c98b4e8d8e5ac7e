"""The report as one JSON document: sections of blocks, built from live data and narrative.

Blocks: {"t": "p"|"h", "text"}, {"t": "list", "items"}, {"t": "table", "caption", "head", "rows"},
{"t": "bars", "caption", "bars": [[label, percent]]}, {"t": "matrix", "caption", "cells": {"l,s": n}}.
The HTML, DOCX and PDF renderers draw the same document, and a saved version keeps it frozen.
"""
from __future__ import annotations

import hashlib
import json

from consult.models import utcnow
from consult.reports import data as live
from consult.reports import levels, narrative
from consult.register.models import RISK_LEVEL_COLOURS, RISK_LEVEL_LABELS
from consult.timeutil import format_local

COLOUR_WORDS = {"red": "红色预警", "yellow": "黄色预警", "green": "绿色（无预警）"}


def _table(caption, head, rows) -> dict:
    return {"t": "table", "caption": caption, "head": head, "rows": [[str(c) for c in r] for r in rows]}


def _process(d: dict) -> list[dict]:
    rows = [["公示", n["title"], f"{n['starts']}—{n['ends']}", f"意见 {n['comments']} 条"] for n in d["notices"]]
    rows += [["问卷调查", s["title"], f"{s['opens']}—{s['closes']}", f"{s['total']} 份"] for s in d["surveys"]]
    rows += [[m["kind"], m["title"], m["date"], f"参加 {m['participants']} 人，发言 {m['points']} 条"]
             for m in d["meetings"]]
    rows += [["意见汇集", label, "", f"{n} 条"] for label, n in d["voices"]["by_source"]]
    return [_table("表1 评估工作开展情况", ["方式", "名称", "时间", "数量"], rows)]


def _survey(d: dict, households: int | None = None) -> list[dict]:
    blocks: list[dict] = []
    total = sum(s["total"] for s in d["surveys"])
    if d["surveys"] and households:
        blocks.append({"t": "p", "text": f"参与度：回收问卷 {total} 份，涉及约 {households} 户，"
                                         f"问卷覆盖率 {round(100.0 * total / households, 1)}%。"})
    for s in d["surveys"]:
        blocks.append({"t": "h", "text": f"{s['title']}（有效问卷 {s['total']} 份）"})
        blocks.append({"t": "bars", "caption": f"图 {s['title']} 知晓率与支持率",
                       "bars": [[r["name"], r["percent"]] for r in s["rates"]]})
        for r in s["rates"]:
            rows = [["全部", r["yes"], r["answered"], f"{r['percent']}%"]]
            for by in ("受访者类别", "距离"):
                rows += [[f"{by}：{label}", y, n, f"{round(100.0 * y / n, 1) if n else 0.0}%"]
                         for label, y, n in r["by"].get(by, [])]
            blocks.append(_table(f"表 {r['name']}（按受访者类别与距离）", ["分组", "人数", "作答", r["name"]], rows))
    return blocks or [{"t": "p", "text": "本事项未开展问卷调查。"}]


def _hearings(d: dict) -> list[dict]:
    blocks: list[dict] = []
    for m in d["meetings"]:
        blocks.append({"t": "h", "text": f"{m['kind']}：{m['title']}（{m['date']}，参加 {m['participants']} 人）"})
        if m["composition"] and not m["participants"]:  # no one to count: a share of 0 % proves nothing
            blocks.append({"t": "p", "text": "尚无参会人员记录，人员构成是否符合规则待签到后统计。"})
        elif m["composition"]:
            blocks.append(_table("人员构成与规则", ["规则", "占比", "是否符合"],
                                 [[c["rule"], f"{c['share']}%", "符合" if c["ok"] else "不符合"]
                                  for c in m["composition"]]))
        for stance, texts in m["views"].items():
            blocks.append({"t": "list", "items": [f"{stance}：{t}" for t in texts]})
    return blocks


def _risks(d: dict) -> list[dict]:
    rows = [[i["number"], i["title"], i["area"], i["dimension"], i["evidence"],
             f"{i['likelihood'] or '—'}×{i['severity'] or '—'}", i["level"], i["residual"]] for i in d["register"]]
    cells: dict[str, int] = {}
    for i in d["register"]:
        if i["likelihood"] and i["severity"]:
            key = f"{i['likelihood']},{i['severity']}"
            cells[key] = cells.get(key, 0) + 1
    return [_table("表2 风险清单", ["序号", "风险因素", "领域", "维度", "意见数", "可能性×后果", "等级", "措施后"], rows),
            {"t": "matrix", "caption": "图 风险矩阵（可能性 × 后果损失程度）", "cells": cells}]


def _level(assessment, evaluation: dict) -> list[dict]:
    methods = evaluation["methods"]
    rows = [[m.name, "；".join(f"{k}：{v}" for k, v in m.inputs), m.rule, m.level_label] for m in methods]
    blocks = [_table("表3 风险等级评价方法", ["方法", "输入", "判定规则", "结果"], rows)]
    if evaluation["disagree"]:
        blocks.append({"t": "p", "text": "各方法结果不一致：" + "、".join(f"{m.name}为{m.level_label}" for m in methods
                                                                   if m.level) + "。"})
    if assessment.final_level:
        colour = COLOUR_WORDS[RISK_LEVEL_COLOURS[assessment.final_level]]
        text = f"评定等级：{RISK_LEVEL_LABELS[assessment.final_level]}（{colour}）。"
        if assessment.level_reason:
            text += f"评定理由：{assessment.level_reason}"
        blocks.append({"t": "p", "text": text})
    return blocks


def _conclusion(assessment) -> list[dict]:
    if not assessment.outcome:
        return []
    blocks = [{"t": "p", "text": f"评估结论：{assessment.outcome_label}。"}]
    conditions = [c.strip() for c in (assessment.conditions or "").splitlines() if c.strip()]
    if conditions:
        blocks += [{"t": "p", "text": "实施前须完成："}, {"t": "list", "items": conditions}]
    return blocks


def _measures(d: dict) -> list[dict]:
    rows = [[i["number"], i["title"], m["text"], m["unit"], m["deadline"], m["status"]]
            for i in d["register"] for m in i["measures"]]
    return [_table("表4 化解风险措施", ["序号", "风险因素", "措施", "责任单位", "完成时限", "状态"], rows)]


EMERGENCY_FIELDS = [("triggers", "启动条件"), ("leading_group", "领导小组"), ("contacts", "联络人（按职责）"),
                    ("steps", "处置步骤")]


def _emergency(assessment) -> list[dict]:
    plan = assessment.emergency or {}
    blocks = []
    for key, label in EMERGENCY_FIELDS:
        lines = [x.strip() for x in (plan.get(key) or "").splitlines() if x.strip()]
        if lines:
            blocks += [{"t": "h", "text": label}, {"t": "list", "items": lines}]
    return blocks


def _annex(d: dict) -> list[dict]:
    blocks = [{"t": "list", "items": ["社会稳定风险评估立项审批表", "评估小组成员名单", "重大事项征求意见表",
                                      "会议记录", "专家评估意见表及答复"]}]
    if d["answers"]:
        blocks.append(_table("专家意见及答复", ["版本", "专家", "意见", "答复"],
                             [[f"第{a['version']}版", a["expert"], a["point"], a["answer"]] for a in d["answers"]]))
    return blocks


def generated(assessment, d: dict, evaluation: dict, households: int | None = None) -> dict[str, list[dict]]:
    return {"process": _process(d), "survey": _survey(d, households), "hearings": _hearings(d), "risks": _risks(d),
            "level": _level(assessment, evaluation), "conclusion": _conclusion(assessment),
            "measures": _measures(d), "emergency": _emergency(assessment), "annex": _annex(d)}


SHORT_KEYS = ["overview", "process", "risks", "level", "conclusion", "measures"]


def build(matter, assessment, *, before_number: int | None = None) -> dict:
    d = live.gather(matter, before_number)
    evaluation = levels.evaluate(matter)
    flds = live.fields(matter, d, assessment)
    gen = generated(assessment, d, evaluation, matter.est_households)
    short = matter.procedure.value == "simple"
    sections = []
    for key in (SHORT_KEYS if short else narrative.SECTION_KEYS):
        text = narrative.resolve(assessment.narrative.get(key, narrative.DEFAULTS[key]), flds)
        sections.append({"key": key, "title": narrative.TITLES[key], "markdown": text,
                         "blocks": narrative.to_blocks(text) + gen.get(key, [])})
    title = f"{matter.title}{'不稳定因素分析报告（简易程序）' if short else '社会稳定风险评估报告'}"
    return {"title": title, "organisation": matter.organisation.name, "kind": "short" if short else "full",
            "date": format_local(utcnow(), "%Y年%m月%d日"), "fields": flds, "sections": sections,
            "level": assessment.final_level.value if assessment.final_level else None,
            "outcome": assessment.outcome.value if assessment.outcome else None,
            "methods": [m.as_dict() for m in evaluation["methods"]]}


def content_hash(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def section_text(section: dict) -> list[str]:
    """A section as lines of plain text, for comparing versions."""
    lines: list[str] = []
    for b in section["blocks"]:
        if b["t"] in ("p", "h"):
            lines += b["text"].splitlines()
        elif b["t"] == "list":
            lines += [f"· {x}" for x in b["items"]]
        elif b["t"] == "table":
            lines += [b["caption"]] + [" | ".join(r) for r in b["rows"]]
        elif b["t"] == "bars":
            lines += [f"{b['caption']}：" + "，".join(f"{k} {v}%" for k, v in b["bars"])]
        elif b["t"] == "matrix":
            lines += [f"{b['caption']}：" + "，".join(f"{k}={v}" for k, v in sorted(b["cells"].items()))]
    return lines
