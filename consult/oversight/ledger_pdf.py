"""The ledger (台账) as a PDF for printing: A4 landscape, the filters applied, the time it was made,
page numbers, the table header repeated on every page, the 三个一律 flag and the not-public mark.

fpdf2's table() and cell() lay out 10,000 rows in 7–45 s; this module wraps each cell itself
(character widths cached) and places text and rules directly: 10,000 rows take 3–10 s with loading
(tests/bench/bench_ledger_pdf.py). Up to SYNC_ROWS rows (1–2 s) the PDF is made within the request;
above that the page offers a tracked background job (progress page, download for the requester);
above MAX_ROWS it asks to filter first. Each cell keeps at most MAX_LINES lines.
"""
from __future__ import annotations

from datetime import datetime
from typing import Mapping

from flask_babel import gettext as _
from fpdf import FPDF

from consult.auth.models import User
from consult.extensions import db
from consult.jobs import finish_job, report_progress, start_job
from consult.oversight import filters as ledger_filters
from consult.oversight.ledger import FILING_STATES, Filters, Row, ledger, organisations, scope_ids
from consult.permissions import require
from consult.reports.fonts import font_path
from consult.reports.models import STAGE_LABELS, STAGE_ORDER
from consult.timeutil import format_local

PAGE_W, PAGE_H = 297, 210
MARGIN, BOTTOM = 10, 12
SIZE = 7  # pt
LINE = 3.1  # mm per text line
PAD = 0.8
MAX_LINES = 6
SYNC_ROWS = 2000  # made within the request up to this many rows
MAX_ROWS = 20000  # a printout beyond this is not read; the page asks to filter or take the XLSX
FILTER_KEYS = ("organisation_id", "area", "kind", "procedure", "level", "outcome", "filing", "year", "q", "flagged",
               "third_party")


def _columns() -> list[tuple[str, float]]:
    return [(_("序号"), 9), (_("事项名称"), 54), (_("类型"), 13), (_("程序"), 12), (_("责任单位"), 24),
            (_("区县"), 13), (_("第三方"), 20), (_("计划"), 10), (_("各步骤日期"), 32), (_("等级"), 10),
            (_("结论"), 14), (_("轮次"), 7), (_("决策"), 17), (_("备案"), 17), (_("标记"), 25)]


def _words() -> dict[str, str]:
    """Translated once per PDF, not once per row."""
    return {"notice": _("公示"), "level": _("定级"), "adopted": _("采纳"), "rejected": _("不采纳"),
            "flag": _("未评先决"), "withheld": _("不公示："), "in": _("计划内"), "out": _("计划外"),
            "stages": {s.value: str(STAGE_LABELS[s]) for s in STAGE_ORDER},
            "filing": {k: str(v) for k, v in FILING_STATES.items()}}


def cells(number: int, row: Row, words: dict | None = None) -> list[str]:
    w = words or _words()
    d = row.as_dict()
    steps = [(w["notice"], d["notice_on"]), (w["level"], d["level_set_on"])]
    steps += [(w["stages"][s.value], d["stages"][s.value]) for s in STAGE_ORDER]
    decision = "" if d["decision"] is None else f"{w['adopted'] if d['decision'] else w['rejected']}\n{d['decided_on'] or ''}"
    marks = ([w["flag"]] if d["flag_decided_without_assessment"] else []) + (
        [w["withheld"] + d["public_withheld_reason"]] if d["public_withheld_reason"] else [])
    filing = w["filing"][d["filing"]] + (f"\n{d['filed_on']}" if d["filed_on"] else "")
    return [str(number), d["title"], d["kind_label"], d["procedure_label"], d["organisation"], d["district"],
            d["third_party"], w["in"] if d["in_plan"] else w["out"],
            "\n".join(f"{label} {day}" for label, day in steps if day), d["level_label"],
            d["outcome_label"], str(d["rounds"]), decision, filing, "\n".join(marks)]


def describe(f: Filters, names: dict[int, str], labels: dict[str, dict]) -> str:
    """The filters applied, in words; labels maps kind/procedure/level/outcome to their label dicts."""
    parts = []
    if f.organisation_id is not None:
        parts.append(_("责任单位：%(v)s", v=names.get(f.organisation_id, f.organisation_id)))
    if f.area:
        parts.append(_("区县：%(v)s", v=f.area))
    for key, label in (("kind", _("事项类型")), ("procedure", _("评估程序")), ("level", _("风险等级")),
                       ("outcome", _("评估结论"))):
        value = getattr(f, key)
        if value is not None:
            parts.append(f"{label}：{labels[key][value]}")
    if f.filing:
        parts.append(_("备案状态：%(v)s", v=FILING_STATES[f.filing]))
    if f.third_party is not None:
        parts.append(_("第三方评估：%(v)s", v=_("是") if f.third_party else _("否")))
    if f.year is not None:
        parts.append(_("立项年份：%(v)s", v=f.year))
    if f.q:
        parts.append(_("搜索：%(v)s", v=f.q))
    if f.flagged:
        parts.append(_("只看未评先决"))
    return "；".join(parts) or _("无（全部事项）")


class _PDF(FPDF):
    def footer(self):
        self.set_y(-BOTTOM + 3)
        self.set_font("cjk", size=8)
        self.cell(0, 5, _("第 %(n)s 页 / 共 %(t)s 页", n=self.page_no(), t="{nb}"), align="C")


class _Writer:
    def __init__(self, pdf: FPDF):
        self.pdf, self.widths, self.y, self.top = pdf, {}, 0.0, 0.0
        self.columns = _columns()

    def width(self, ch: str) -> float:
        w = self.widths.get(ch)
        if w is None:
            w = self.widths[ch] = self.pdf.get_string_width(ch)
        return w

    def wrap(self, text: str, room: float) -> list[str]:
        lines: list[str] = []
        for part in text.splitlines() or [""]:
            line, used = "", 0.0
            for ch in part:
                w = self.width(ch)
                if used + w > room and line:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + ch, used + w
            lines.append(line)
        if len(lines) > MAX_LINES:
            lines = lines[:MAX_LINES - 1] + [lines[MAX_LINES - 1][:-1] + "…"]
        return lines

    def row(self, values: list[str], fill: bool = False) -> None:
        wrapped = [self.wrap(v, w - 2 * PAD) for v, (_label, w) in zip(values, self.columns)]
        height = max(len(lines) for lines in wrapped) * LINE + 1.2
        if self.y + height > PAGE_H - BOTTOM:
            self.close_block()
            self.pdf.add_page()
            self.y = MARGIN
            self.header_row()
        pdf, x = self.pdf, MARGIN
        if fill:
            pdf.rect(MARGIN, self.y, PAGE_W - 2 * MARGIN, height, style="F")
        last = len(self.columns) - 1
        for i, (lines, (_label, w)) in enumerate(zip(wrapped, self.columns)):
            if i == last and not fill and lines != [""]:
                pdf.set_text_color(198, 40, 40)  # the marks column in red
            for n, line in enumerate(lines):
                if line:
                    pdf.text(x + PAD, self.y + LINE * (n + 1) - 0.1, line)
            x += w
        pdf.set_text_color(0, 0, 0)
        self.y += height
        pdf.line(MARGIN, self.y, PAGE_W - MARGIN, self.y)

    def header_row(self) -> None:
        self.top = self.y
        self.row([label for label, _w in self.columns], fill=True)
        self.pdf.line(MARGIN, self.top, PAGE_W - MARGIN, self.top)

    def close_block(self) -> None:
        """The vertical rules of the rows on this page."""
        x = MARGIN
        for _label, w in [("", 0)] + self.columns:
            x += w
            self.pdf.line(x, self.top, x, self.y)


def render(rows: list[Row], *, title: str, filters_text: str, now: datetime, total: int) -> bytes:
    pdf = _PDF(orientation="L", format="A4", unit="mm")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", "", font_path())
    pdf.set_title(title)
    pdf.set_creator("consult")
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    pdf.cell(PAGE_W - 2 * MARGIN, 9, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    info = _("筛选条件：%(f)s　　共 %(n)s 项　　生成时间：%(t)s", f=filters_text, n=total, t=format_local(now))
    pdf.multi_cell(PAGE_W - 2 * MARGIN, 4.2, info, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.set_font("cjk", size=SIZE)
    pdf.set_line_width(0.15)
    pdf.set_fill_color(232, 232, 232)
    writer = _Writer(pdf)
    writer.y = pdf.get_y()
    writer.header_row()
    words = _words()
    for number, row in enumerate(rows, start=1):
        writer.row(cells(number, row, words))
    writer.close_block()
    if not rows:
        pdf.text(MARGIN, writer.y + 6, _("没有符合条件的事项。"))
    return bytes(pdf.output())


def labels() -> dict[str, dict]:
    from consult.matters.models import KIND_LABELS, PROCEDURE_LABELS
    from consult.register.models import RISK_LEVEL_LABELS
    from consult.reports.models import OUTCOME_LABELS

    return {"kind": KIND_LABELS, "procedure": PROCEDURE_LABELS, "level": RISK_LEVEL_LABELS, "outcome": OUTCOME_LABELS}


def ledger_pdf(actor, f: Filters, rows: list[Row], total: int, now: datetime) -> bytes:
    names = {o.id: o.name for o in organisations(actor)}
    return render(rows, title=_("社会稳定风险评估工作台账"), total=total, now=now,
                  filters_text=describe(f, names, labels()))


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def start_pdf_job(*, actor, args: Mapping[str, str], total: int):
    """A tracked job making the PDF of a large ledger; the requester downloads it from the job page."""
    return _start(actor, args, "pdf", _("稳评台账打印版（%(n)s 项）", n=total))


def start_xlsx_job(*, actor, args: Mapping[str, str], total: int):
    """A tracked job making the XLSX of a large ledger (above SYNC_ROWS rows), like the PDF."""
    return _start(actor, args, "xlsx", _("稳评台账 Excel（%(n)s 项）", n=total))


def _start(actor, args: Mapping[str, str], fmt: str, label: str):
    require(actor, "oversight.view")
    clean = {k: args[k] for k in FILTER_KEYS if args.get(k)}
    return start_job(f"ledger_{fmt}", export_job, actor.id, clean, fmt, actor=actor, matter_id=None, label=label)


def export_job(job_id: int, user_id: int, args: dict, fmt: str = "pdf") -> None:
    from consult.models import utcnow
    from consult.oversight.exports import ledger_xlsx

    user = db.session.get(User, user_id)
    require(user, "oversight.view")  # still a supervisor or admin when the job runs
    ids = scope_ids(user)
    f, errors = ledger_filters.parse(args, None if ids is None else set(ids))
    if errors:
        raise ValueError("；".join(errors))
    rows, total = ledger(user, f, paged=False)
    if fmt == "xlsx":
        report_progress(job_id, 0, total, _("正在生成 Excel"))
        finish_job(job_id, ledger_xlsx(rows, _("社会稳定风险评估工作台账")), _("稳评台账.xlsx"), XLSX_MIME)
    else:
        report_progress(job_id, 0, total, _("正在生成打印版"))
        finish_job(job_id, ledger_pdf(user, f, rows, total, utcnow()), _("稳评台账.pdf"), "application/pdf")
