"""PDF with fpdf2 (pure Python): the same page geometry as the DOCX (A4, top 37 mm, left 28 mm,
text block 156 × 225 mm), Noto Sans CJK embedded as a subset, vector charts, page numbers."""
from __future__ import annotations

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, WrapMode, XPos, YPos

from consult.reports import charts
from consult.reports.fonts import font_path

LEFT, TOP, RIGHT, BOTTOM = 28, 37, 26, 35
WIDTH = 210 - LEFT - RIGHT  # 156 mm


class ReportPDF(FPDF):
    def footer(self):
        self.set_y(-BOTTOM + 7)
        self.set_font("cjk", size=14)
        self.cell(0, 8, f"— {self.page_no()} —", align="C")


def _text(pdf, text: str, size: float = 16, h: float = 9.9, align="J", indent=True) -> None:
    pdf.set_font("cjk", size=size)
    for line in text.splitlines() or [""]:
        pdf.multi_cell(WIDTH, h, ("　　" if indent else "") + line, align=align, wrapmode=WrapMode.CHAR,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf, b: dict) -> None:
    pdf.set_font("cjk", size=11)
    pdf.cell(WIDTH, 8, b["caption"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", size=9)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(width=WIDTH, line_height=5.5, text_align="LEFT", first_row_as_headings=True,
                   cell_fill_mode=TableCellFillMode.NONE, wrapmode=WrapMode.CHAR,
                   headings_style=FontFace(emphasis=None, fill_color=(235, 235, 235))) as t:
        for row in [b["head"], *b["rows"]]:
            r = t.row()
            for cell in row:
                r.cell(cell)
    pdf.ln(3)


def _chart(pdf, b: dict) -> None:
    pdf.set_font("cjk", size=11)
    need = 9 * len(b.get("bars", [])) + 14 if b["t"] == "bars" else 82
    if pdf.get_y() + need > 297 - BOTTOM:
        pdf.add_page()
    y = pdf.get_y() + 2
    used = charts.bars_pdf(pdf, b["bars"], LEFT, y) if b["t"] == "bars" else charts.matrix_pdf(pdf, b["cells"], LEFT + 20, y)
    pdf.set_xy(LEFT, y + used)
    pdf.cell(WIDTH, 7, b["caption"], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _block(pdf, b: dict) -> None:
    if b["t"] == "p":
        _text(pdf, b["text"])
    elif b["t"] == "h":
        _text(pdf, b["text"], indent=True)
    elif b["t"] == "list":
        for n, item in enumerate(b["items"], 1):
            _text(pdf, f"（{n}）{item}")
    elif b["t"] == "table":
        _table(pdf, b)
    elif b["t"] in ("bars", "matrix"):
        _chart(pdf, b)


def render_pdf(doc: dict) -> bytes:
    pdf = ReportPDF(format="A4", unit="mm")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.add_font("cjk", "", font_path())
    pdf.set_title(doc["title"])
    pdf.set_creator("consult")
    pdf.add_page()
    pdf.set_font("cjk", size=22)
    pdf.multi_cell(WIDTH, 13, doc["title"], align="C", wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _text(pdf, f"{doc['organisation']}　{doc['date']}", align="C", indent=False)
    pdf.ln(4)
    for section in doc["sections"]:
        if pdf.get_y() > 297 - BOTTOM - 30:  # keep a heading with the text that follows it
            pdf.add_page()
        _text(pdf, section["title"], size=16, indent=False, align="L")
        for b in section["blocks"]:
            _block(pdf, b)
    return bytes(pdf.output())
