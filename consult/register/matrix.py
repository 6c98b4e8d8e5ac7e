"""The risk matrix: likelihood (可能性) 1–5 × severity of consequences (后果损失程度) 1–5 → level.

Method: seed 003 (杨继君、李波《基层社会稳定风险评估方法创新及其应用》, 桂海论丛 2014 年第 5 期)
places each risk factor on a matrix of the likelihood that a conflict happens and the degree
of loss it would cause. The copy of the paper in the seed corpus stops before its figure, so the
default cut-offs below are local practice, not the paper's numbers: the score is the product
likelihood × severity (1–25) and the three colours of the Baiyin 三色预警 are given by bands

    score 1–4    低风险 (green)
    score 5–12   中风险 (yellow)
    score 15–25  高风险 (red)      (13 and 14 cannot occur as a product of two numbers 1–5)

so, for example, 1×4 = 4 is low, 1×5 = 5 and 3×4 = 12 are medium, 3×5 = 15 and 4×4 = 16 are high.
A deployment sets its own bands with CONSULT_RISK_MATRIX, a JSON list such as
``[{"level": "low", "max_score": 4}, {"level": "medium", "max_score": 12},
{"level": "high", "max_score": 25}]``: each band runs from the previous band's max_score + 1 up
to and including its own. It is checked when the app starts (check_bands) and the bands in
force are shown on the register page. Pure: no flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("low", "medium", "high")
SCALE = range(1, 6)
MAX_SCORE = 25

DEFAULT_BANDS: tuple[dict, ...] = (
    {"level": "low", "max_score": 4},
    {"level": "medium", "max_score": 12},
    {"level": "high", "max_score": 25},
)

LIKELIHOOD_LABELS = {1: "极不可能", 2: "不太可能", 3: "可能", 4: "很可能", 5: "几乎肯定"}
SEVERITY_LABELS = {1: "轻微", 2: "较小", 3: "一般", 4: "较大", 5: "重大"}


class MatrixError(ValueError):
    """The configured bands cannot work."""


@dataclass(frozen=True)
class Band:
    level: str
    min_score: int
    max_score: int

    @property
    def scores(self) -> list[int]:
        """The products of two numbers 1–5 that fall in this band."""
        possible = sorted({a * b for a in SCALE for b in SCALE})
        return [s for s in possible if self.min_score <= s <= self.max_score]


def check_bands(raw) -> tuple[Band, ...]:
    """Bands from the configured list; MatrixError names exactly what is wrong."""
    if not isinstance(raw, (list, tuple)) or len(raw) != len(LEVELS):
        raise MatrixError("CONSULT_RISK_MATRIX must list exactly three bands: low, medium, high")
    bands, low = [], 1
    for expected, entry in zip(LEVELS, raw):
        if not isinstance(entry, dict) or set(entry) != {"level", "max_score"}:
            raise MatrixError("each CONSULT_RISK_MATRIX band is an object with 'level' and 'max_score' only")
        if entry["level"] != expected:
            raise MatrixError(f"CONSULT_RISK_MATRIX bands must be in the order low, medium, high; got {entry['level']!r}")
        top = entry["max_score"]
        if isinstance(top, bool) or not isinstance(top, int) or not low <= top <= MAX_SCORE:
            raise MatrixError(f"CONSULT_RISK_MATRIX {expected} max_score must be an integer from {low} to {MAX_SCORE}")
        bands.append(Band(expected, low, top))
        low = top + 1
    if bands[-1].max_score != MAX_SCORE:
        raise MatrixError(f"CONSULT_RISK_MATRIX high band must end at {MAX_SCORE}")
    if not all(b.scores for b in bands):
        raise MatrixError("CONSULT_RISK_MATRIX: every band must contain at least one possible score")
    return tuple(bands)


def level_of(likelihood: int, severity: int, bands: tuple[Band, ...]) -> str:
    if likelihood not in SCALE or severity not in SCALE:
        raise MatrixError("likelihood and severity are 1–5")
    score = likelihood * severity
    return next(b.level for b in bands if b.min_score <= score <= b.max_score)


def grid(bands: tuple[Band, ...]) -> list[list[str]]:
    """Level of every cell: grid[severity - 1][likelihood - 1]."""
    return [[level_of(lk, sv, bands) for lk in SCALE] for sv in SCALE]
