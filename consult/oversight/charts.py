"""Server-rendered SVG for the oversight pages: stacked level bars and index bars, one row per name."""
from __future__ import annotations

from html import escape

LEVEL_COLOURS = (("high", "#c62828", "高"), ("medium", "#f9a825", "中"), ("low", "#2e7d32", "低"))


def level_bars(groups: list) -> str:
    """One stacked bar per group (name, Counter of levels), scaled to the largest total."""
    top = max([sum(g.levels.values()) for g in groups] + [1])
    h = 26 * len(groups) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 {h}" width="560" height="{h}" role="img" '
           f'aria-label="各区县评估事项风险等级分布">']
    for i, g in enumerate(groups):
        y, x = 6 + 26 * i, 130.0
        out.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(g.name[:10])}</text>')
        for key, colour, _label in LEVEL_COLOURS:
            w = g.levels.get(key, 0) / top * 380
            if w:
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="18" fill="{colour}"/>')
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 14}" font-size="12">{sum(g.levels.values())}</text>')
    legend_y = h - 8
    for j, (_key, colour, label) in enumerate(LEVEL_COLOURS):
        out.append(f'<rect x="{130 + 70 * j}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{146 + 70 * j}" y="{legend_y}" font-size="12">{label}风险</text>')
    return "".join(out) + "</svg>"


def index_bars(rows: list[dict]) -> str:
    """Ranking bars of the index (0–100) per district."""
    h = 24 * len(rows) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 {h}" width="560" height="{h}" role="img" '
           f'aria-label="平安稳定指数排名">']
    for i, r in enumerate(rows):
        y = 6 + 24 * i
        out.append(f'<text x="0" y="{y + 13}" font-size="12">{escape(r["district"][:10])}</text>'
                   f'<rect x="130" y="{y}" width="380" height="16" fill="#e8eef5"/>')
        if r["index"] is not None:
            out.append(f'<rect x="130" y="{y}" width="{r["index"] * 3.8:.1f}" height="16" fill="#1f5f9f"/>'
                       f'<text x="516" y="{y + 13}" font-size="12">{r["index"]}</text>')
        else:
            out.append(f'<text x="516" y="{y + 13}" font-size="12">—</text>')
    return "".join(out) + "</svg>"
