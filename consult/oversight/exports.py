"""The ledger as a workbook in the layout a 稳评台账 is kept in: one row per matter, a title row."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from consult.oversight.ledger import FILING_STATES, Row
from consult.reports.models import STAGE_LABELS, STAGE_ORDER
from consult.tabular import xlsx_cell

HEADERS = (["序号", "事项名称", "事项类型", "评估程序", "责任单位", "区县", "第三方评估机构", "年度计划",
            "公示日期", "定级日期"]
           + [f"{STAGE_LABELS[s]}日期" for s in STAGE_ORDER]
           + ["风险等级", "评估结论", "评估轮次", "决策", "决策日期", "备案状态", "备案日期", "未评先决", "不公示理由"])


def _decision(value) -> str:
    return "" if value is None else ("采纳" if value else "不采纳")


def row_values(number: int, row: Row) -> list:
    d = row.as_dict()
    return ([number, d["title"], d["kind_label"], d["procedure_label"], d["organisation"], d["district"],
             d["third_party"], "计划内" if d["in_plan"] else "计划外", d["notice_on"] or "", d["level_set_on"] or ""]
            + [d["stages"][s.value] or "" for s in STAGE_ORDER]
            + [d["level_label"], d["outcome_label"], d["rounds"], _decision(d["decision"]), d["decided_on"] or "",
               FILING_STATES[d["filing"]], d["filed_on"] or "", "是" if d["flag_decided_without_assessment"] else "",
               d["public_withheld_reason"]])


def ledger_xlsx(rows: list[Row], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "稳评台账"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font, ws["A1"].alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=1):
        ws.append([_safe(v) for v in row_values(number, row)])
    ws.freeze_panes = "C3"
    ws.column_dimensions["B"].width = 36
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _safe(value):
    """Formula-safe (= + - @, TAB, CR, full-width) and storable in XLSX."""
    return xlsx_cell(value)


MONTHLY_HEADERS = ["名称", "评估事项数", "重大政策", "重大改革改制", "重大项目", "重大活动", "高风险", "中风险", "低风险",
                   "决策事项数", "经评估", "应评尽评率", "政策类占比", "第三方评估占比", "群众意见数", "问卷答卷数",
                   "第三方评估事项数", "参与人次", "听证报名数", "走访等录入人数", "会议入选人数", "会议签到人数", "到会率",
                   "知晓率中位数", "支持率中位数", "升级信号条数", "民意条数", "新发预警", "关闭预警", "其中按期化解",
                   "月末未关闭预警", "月末逾期预警", "到期或关闭预警", "其中按期化解（化解率分子）", "风险预警化解率"]


def _pct(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def monthly_rows(groups) -> list[list]:
    rows = []
    for g in groups:
        w = g.warnings
        rows.append([_safe(g.name), g.assessed] + [g.kinds.get(k, 0) for k in ("policy", "reform", "project", "event")]
                    + [g.levels.get(k, 0) for k in ("high", "medium", "low")]
                    + [g.decided, g.covered, _pct(g.coverage), _pct(g.policy_share), _pct(g.third_party_share),
                       g.comments, g.responses, g.third_party, g.residents, g.registrations, g.staff_voices, g.seated,
                       g.attended, _pct(g.attendance), _pct(g.awareness_median), _pct(g.support_median), g.flagged,
                       g.voices, w.raised, w.closed, w.resolved_on_time, w.open_at_end, w.overdue_at_end, w.settled,
                       w.settled_on_time, _pct(w.rate)])
    return rows


def monthly_xlsx(data: dict, month, targets: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for part, title in (("districts", "按区县"), ("bodies", "按责任单位"), ("total", "合计")):
        ws = wb.create_sheet(title)
        ws.append([f"社会稳定风险评估月报表 {month}（政策类目标 ≥{targets['policy_share'] * 100:.0f}%，"
                   f"第三方评估目标 ≥{targets['third_party_share'] * 100:.0f}%）"])
        ws.append(MONTHLY_HEADERS)
        for row in monthly_rows(sorted(data[part].values(), key=lambda g: g.name)):
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
