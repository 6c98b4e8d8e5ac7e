"""The seed-003 forms as printable documents, drawn by the same renderers as the report.

立项审批表 · 评估小组成员名单 · 重大事项征求意见表 · 会议记录 · 重大事项涉及不稳定因素分析报告.
"""
from __future__ import annotations

from sqlalchemy import select

from consult.extensions import db
from consult.models import utcnow
from consult.reports import data as live
from consult.timeutil import format_local

FORMS = {
    "approval": "社会稳定风险评估立项审批表",
    "team": "社会稳定风险评估小组成员名单",
    "consultation": "重大事项征求意见表",
    "minutes": "重大事项社会稳定风险评估会议记录",
    "instability": "重大事项涉及不稳定因素分析报告",
}
SIGN = [{"t": "p", "text": "填表人：　　　　　　审核人：　　　　　　日期：　　年　　月　　日"}]


def _table(head, rows, caption="") -> dict:
    return {"t": "table", "caption": caption, "head": head, "rows": [[str(c) for c in r] for r in rows]}


def _approval(matter) -> list[dict]:
    rows = [["事项名称", matter.title], ["事项类别", str(matter.kind_label)], ["责任单位", matter.organisation.name],
            ["所在区域及位置", f"{matter.area}{matter.location}"], ["影响范围", matter.scope_description or "—"],
            ["涉及户数 / 人数", f"{matter.est_households or '—'} / {matter.est_persons or '—'}"],
            ["评估程序", str(matter.procedure_label)], ["责任单位意见", "（签章）"], ["维稳办审批意见", "（签章）"]]
    return [_table(["项目", "内容"], rows)] + SIGN


def _team(matter) -> list[dict]:
    from consult.reports import hooks

    rows = [[u.display_name, "评估人员", "、".join(o.name for o in u.organisations) or "—"] for u in matter.assessors]
    rows += [row for fn in hooks.team_members for row in fn(matter)]
    return [_table(["姓名", "职责", "单位"], rows)] + SIGN


def _consultation(matter) -> list[dict]:
    d = live.gather(matter)
    rows = [["公示", f"{n['starts']}—{n['ends']}", "社会公众", f"收到意见 {n['comments']} 条"] for n in d["notices"]]
    rows += [["问卷调查", f"{s['opens']}—{s['closes']}", f"受访者 {s['total']} 人",
              "；".join(f"{r['name']} {r['percent']}%" for r in s["rates"])] for s in d["surveys"]]
    rows += [[m["kind"], m["date"], f"{m['participants']} 人",
              "；".join(f"{k}：{v[0]}" for k, v in m["views"].items())] for m in d["meetings"]]
    rows += [[label, "", "", f"{n} 条"] for label, n in d["voices"]["by_source"]]
    return [_table(["形式", "时间", "参加人", "主要意见"], rows),
            {"t": "p", "text": "注：形式可以是座谈会、听证会、问卷调查、入户等。"}] + SIGN


def _minutes(matter) -> list[dict]:
    from consult.hearings.models import Meeting, Minutes

    blocks: list[dict] = []
    for m in live.meetings_data(matter):
        blocks.append({"t": "h", "text": f"{m['kind']}：{m['title']}"})
        blocks.append(_table(["项目", "内容"], [["时间", m["date"]], ["地点", m["venue"] or "—"],
                                                ["参加人数", m["participants"]]]))
        for stance, texts in m["views"].items():
            blocks.append({"t": "list", "items": [f"{stance}：{t}" for t in texts]})
    for meeting, minutes in db.session.execute(select(Meeting, Minutes).join(Minutes, Minutes.meeting_id == Meeting.id)
                                               .where(Meeting.matter_id == matter.id)):
        blocks.append({"t": "p", "text": f"{meeting.title} 会议议题：{minutes.topic or '—'}；结论：{minutes.conclusion or '—'}"})
    return (blocks or [{"t": "p", "text": "本事项尚无会议记录。"}]) + SIGN


def _instability(matter) -> list[dict]:
    from consult.reports.services import current_assessment
    from consult.register.models import RISK_LEVEL_LABELS

    a = current_assessment(matter)
    items = live.register_data(matter)
    rows = [[i["number"], i["title"], i["level"] or "—", "；".join(m["text"] for m in i["measures"]) or "—"]
            for i in items]
    level = str(RISK_LEVEL_LABELS[a.final_level]) if a and a.final_level else "（待评定）"
    return [_table(["序号", "不稳定因素", "风险等级", "化解措施"], rows),
            {"t": "p", "text": f"综合风险等级：{level}；评估结论：{(a.outcome_label if a else '') or '（待评定）'}。"}] + SIGN


BUILDERS = {"approval": _approval, "team": _team, "consultation": _consultation, "minutes": _minutes,
            "instability": _instability}


def build_form(matter, name: str) -> dict:
    return {"title": FORMS[name], "organisation": matter.organisation.name, "kind": "form",
            "date": format_local(utcnow(), "%Y年%m月%d日"),
            "sections": [{"key": name, "title": f"事项：{matter.title}", "blocks": BUILDERS[name](matter)}]}
