"""Charts of the report as vector drawings: SVG for HTML, PDF primitives, and PNG at 200 dpi for DOCX.

Two kinds: horizontal percentage bars (知晓率 / 支持率) and the 5 × 5 risk matrix
(likelihood × severity, cells coloured by the level that cell gives, counts of items in it).
"""
from __future__ import annotations

import io
from html import escape

from consult.reports.fonts import font_path

GREEN, YELLOW, RED = (0x4C, 0xAF, 0x50), (0xF2, 0xC0, 0x37), (0xD3, 0x2F, 0x2F)
BAR = (0x1F, 0x5F, 0x9F)


def cell_colour(likelihood: int, severity: int):
    score = likelihood * severity
    return RED if score >= 15 else YELLOW if score >= 6 else GREEN


def _hex(rgb) -> str:
    return "#%02x%02x%02x" % rgb


def bars_svg(bars: list) -> str:
    h = 28 * len(bars) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 420 {h}" width="420" height="{h}" role="img">']
    for i, (label, pct) in enumerate(bars):
        y = 8 + 28 * i
        w = max(0.0, min(100.0, float(pct))) * 2.6
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{escape(str(label))}</text>'
                     f'<rect x="80" y="{y}" width="260" height="20" fill="#e8eef5"/>'
                     f'<rect x="80" y="{y}" width="{w:.1f}" height="20" fill="{_hex(BAR)}"/>'
                     f'<text x="348" y="{y + 15}" font-size="13">{pct}%</text>')
    return "".join(parts) + "</svg>"


def matrix_svg(cells: dict) -> str:
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 250" width="300" height="250" role="img">']
    for lk in range(1, 6):
        for sv in range(1, 6):
            x, y = 40 + (sv - 1) * 50, 10 + (5 - lk) * 40
            n = cells.get(f"{lk},{sv}", 0)
            parts.append(f'<rect x="{x}" y="{y}" width="48" height="38" fill="{_hex(cell_colour(lk, sv))}"/>'
                         + (f'<text x="{x + 18}" y="{y + 25}" font-size="15" font-weight="bold">{n}</text>' if n else ""))
        parts.append(f'<text x="22" y="{10 + (5 - lk) * 40 + 25}" font-size="12">{lk}</text>')
    parts += [f'<text x="{40 + (s - 1) * 50 + 20}" y="225" font-size="12">{s}</text>' for s in range(1, 6)]
    parts.append('<text x="110" y="245" font-size="12">后果 →　（纵轴：可能性）</text>')
    return "".join(parts) + "</svg>"


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(font_path(), size)


def bars_png(bars: list, dpi: int = 200) -> bytes:
    from PIL import Image, ImageDraw

    s = dpi / 72.0
    img = Image.new("RGB", (int(420 * s), int((28 * len(bars) + 10) * s)), "white")
    d, f = ImageDraw.Draw(img), _font(int(13 * s))
    for i, (label, pct) in enumerate(bars):
        y = (8 + 28 * i) * s
        d.text((0, y), str(label), font=f, fill="black")
        d.rectangle([80 * s, y, 340 * s, y + 20 * s], fill=(0xE8, 0xEE, 0xF5))
        d.rectangle([80 * s, y, (80 + max(0.0, min(100.0, float(pct))) * 2.6) * s, y + 20 * s], fill=BAR)
        d.text((348 * s, y), f"{pct}%", font=f, fill="black")
    return _png(img, dpi)


def matrix_png(cells: dict, dpi: int = 200) -> bytes:
    from PIL import Image, ImageDraw

    s = dpi / 72.0
    img = Image.new("RGB", (int(300 * s), int(250 * s)), "white")
    d, f = ImageDraw.Draw(img), _font(int(12 * s))
    for lk in range(1, 6):
        for sv in range(1, 6):
            x, y = (40 + (sv - 1) * 50) * s, (10 + (5 - lk) * 40) * s
            d.rectangle([x, y, x + 48 * s, y + 38 * s], fill=cell_colour(lk, sv))
            n = cells.get(f"{lk},{sv}", 0)
            if n:
                d.text((x + 18 * s, y + 10 * s), str(n), font=_font(int(15 * s)), fill="black")
        d.text((22 * s, (10 + (5 - lk) * 40 + 12) * s), str(lk), font=f, fill="black")
    for sv in range(1, 6):
        d.text(((40 + (sv - 1) * 50 + 20) * s, 214 * s), str(sv), font=f, fill="black")
    d.text((110 * s, 232 * s), "后果 →　（纵轴：可能性）", font=f, fill="black")
    return _png(img, dpi)


def _png(img, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def bars_pdf(pdf, bars: list, x: float, y: float) -> float:
    """Draw bars (mm units) at (x, y); returns the height used."""
    for i, (label, pct) in enumerate(bars):
        yy = y + 9 * i
        pdf.set_xy(x, yy)
        pdf.cell(25, 7, str(label))
        pdf.set_fill_color(0xE8, 0xEE, 0xF5)
        pdf.rect(x + 26, yy + 1, 90, 6, style="F")
        pdf.set_fill_color(*BAR)
        pdf.rect(x + 26, yy + 1, max(0.0, min(100.0, float(pct))) * 0.9, 6, style="F")
        pdf.set_xy(x + 118, yy)
        pdf.cell(25, 7, f"{pct}%")
    return 9 * len(bars) + 2


def matrix_pdf(pdf, cells: dict, x: float, y: float) -> float:
    for lk in range(1, 6):
        for sv in range(1, 6):
            cx, cy = x + 10 + (sv - 1) * 16, y + (5 - lk) * 11
            pdf.set_fill_color(*cell_colour(lk, sv))
            pdf.rect(cx, cy, 15, 10, style="F")
            n = cells.get(f"{lk},{sv}", 0)
            if n:
                pdf.set_xy(cx, cy)
                pdf.cell(15, 10, str(n), align="C")
        pdf.set_xy(x, y + (5 - lk) * 11)
        pdf.cell(8, 10, str(lk), align="C")
    for sv in range(1, 6):
        pdf.set_xy(x + 10 + (sv - 1) * 16, y + 55)
        pdf.cell(15, 6, str(sv), align="C")
    pdf.set_xy(x + 10, y + 61)
    pdf.cell(80, 6, "后果 →（纵轴：可能性）")
    return 70
