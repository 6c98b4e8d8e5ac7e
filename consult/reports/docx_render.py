"""DOCX in the official document layout (GB/T 9704-2012, 党政机关公文格式).

A4; margins top 37 mm, left 28 mm, right 26 mm, bottom 35 mm (text block 156 × 225 mm);
title 2号 (22 pt) 方正小标宋简体 centred; body 3号 (16 pt) 仿宋_GB2312, fixed 28 pt line spacing,
first-line indent of two characters; level-1 headings 3号 黑体; level-2 headings 3号 楷体_GB2312;
page numbers "— n —" in 4号 宋体 at the foot. East Asian font names are set with w:eastAsia so
Word on an office PC picks the Chinese fonts (the Latin name alone would not).
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from consult.reports import charts

TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)


def set_font(target, name: str, size=None, bold=None) -> None:
    """Set Latin and East Asian font names (target: a run or a style)."""
    target.font.name = name
    if size is not None:
        target.font.size = size
    if bold is not None:
        target.font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, SIZE_3)
    pf = normal.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    for name, font in (("Heading 1", H1_FONT), ("Heading 2", H2_FONT), ("Title", TITLE_FONT)):
        st = doc.styles[name]
        set_font(st, font, SIZE_2 if name == "Title" else SIZE_3, bold=False)
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.font.italic = False
        st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        st.paragraph_format.line_spacing = Pt(36 if name == "Title" else 28)
        st.paragraph_format.space_before = st.paragraph_format.space_after = Pt(0)
        st.paragraph_format.first_line_indent = None if name == "Title" else Pt(32)


def _page(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.left_margin = Mm(37), Mm(28)
    section.right_margin, section.bottom_margin = Mm(26), Mm(35)
    section.footer_distance = Mm(28) - Mm(7)  # page number about 7 mm below the text block
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run("— "), PAGE_FONT, SIZE_4)
    run = p.add_run()
    set_font(run, PAGE_FONT, SIZE_4)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    set_font(p.add_run(" —"), PAGE_FONT, SIZE_4)


def _para(doc, text: str, style: str | None = None):
    p = doc.add_paragraph(style=style)
    if style is None:
        p.paragraph_format.first_line_indent = Pt(32)
    p.add_run(text)
    return p


def _table(doc, block: dict) -> None:
    cap = doc.add_paragraph()
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(cap.add_run(block["caption"]), H1_FONT, Pt(12))
    table = doc.add_table(rows=1, cols=len(block["head"]))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block["head"]):
        _cell(cell, text, bold=True)
    for row in block["rows"]:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            _cell(cell, text)


def _cell(cell, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = None
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    set_font(p.add_run(text), BODY_FONT, Pt(12), bold=bold)


def _figure(doc, png: bytes, caption: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.add_run().add_picture(io.BytesIO(png), width=Mm(120))
    cap = doc.add_paragraph()
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(cap.add_run(caption), BODY_FONT, Pt(12))


def _block(doc, b: dict) -> None:
    if b["t"] == "p":
        for line in b["text"].splitlines() or [""]:
            _para(doc, line)
    elif b["t"] == "h":
        _para(doc, b["text"], "Heading 2")
    elif b["t"] == "list":
        for item in b["items"]:
            _para(doc, f"（{b['items'].index(item) + 1}）{item}")
    elif b["t"] == "table":
        _table(doc, b)
    elif b["t"] == "bars":
        _figure(doc, charts.bars_png(b["bars"]), b["caption"])
    elif b["t"] == "matrix":
        _figure(doc, charts.matrix_png(b["cells"]), b["caption"])


def render_docx(doc_data: dict) -> bytes:
    doc = Document()
    _styles(doc)
    _page(doc.sections[0])
    title = doc.add_paragraph(doc_data["title"], style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(f"{doc_data['organisation']}　{doc_data['date']}")
    for section in doc_data["sections"]:
        doc.add_paragraph(section["title"], style="Heading 1")
        for b in section["blocks"]:
            _block(doc, b)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

