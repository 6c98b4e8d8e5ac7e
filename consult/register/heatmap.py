"""Layout of the risk-matrix heat map (drawn as SVG by templates/register/_heatmap.svg).

Rows are severity 5 (top) to 1, columns likelihood 1 to 5. Every cell carries its level as
text (高/中/低) and its score, so the map does not rely on colour; each item appears as a
numbered marker in its cell (filled: as graded; dashed: residual after the measures).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from consult.register import matrix

CELL_W, CELL_H = 110, 74
LEFT, TOP = 86, 16
MARKER_R, MARKERS_PER_ROW = 13, 4
LEVEL_TEXT = {"low": "低", "medium": "中", "high": "高"}


@dataclass
class Marker:
    label: str
    x: int
    y: int
    residual: bool
    title: str


@dataclass
class Cell:
    likelihood: int
    severity: int
    level: str
    x: int
    y: int
    markers: list[Marker] = field(default_factory=list)

    @property
    def score(self) -> int:
        return self.likelihood * self.severity

    @property
    def level_text(self) -> str:
        return LEVEL_TEXT[self.level]


def _origin(likelihood: int, severity: int) -> tuple[int, int]:
    return LEFT + (likelihood - 1) * CELL_W, TOP + (5 - severity) * CELL_H


def _place(cell: Cell, label: str, residual: bool, title: str) -> None:
    i = len(cell.markers)
    col, row = i % MARKERS_PER_ROW, i // MARKERS_PER_ROW
    cell.markers.append(Marker(label, cell.x + 18 + col * 28, cell.y + 40 + row * 22, residual, title))


def layout(items, bands) -> dict:
    levels = matrix.grid(bands)
    cells = {}
    for sv in matrix.SCALE:
        for lk in matrix.SCALE:
            x, y = _origin(lk, sv)
            cells[(lk, sv)] = Cell(lk, sv, levels[sv - 1][lk - 1], x, y)
    placed, residual = [], []
    for item in items:
        if item.likelihood and item.severity:
            _place(cells[(item.likelihood, item.severity)], str(item.number), False,
                   f"{item.number}. {item.title}")
            placed.append(item)
        if item.residual_likelihood and item.residual_severity:
            _place(cells[(item.residual_likelihood, item.residual_severity)], f"{item.number}′", True,
                   f"{item.number}′ {item.title}（残余）")
            residual.append(item)
    return {"cells": [cells[(lk, sv)] for sv in reversed(matrix.SCALE) for lk in matrix.SCALE],
            "width": LEFT + 5 * CELL_W + 10, "height": TOP + 5 * CELL_H + 58,
            "cell_w": CELL_W, "cell_h": CELL_H, "left": LEFT, "top": TOP, "r": MARKER_R,
            "placed": placed, "residual": residual,
            "likelihood_labels": matrix.LIKELIHOOD_LABELS, "severity_labels": matrix.SEVERITY_LABELS}
