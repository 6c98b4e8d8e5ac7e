"""Figures shown next to each matter on the dashboard and the matter page (待审核 3, 待答复 5, …).

The consultation domains sit above matters, so they register a counter here instead of matters
importing them. A counter takes many matter ids at once (one grouped query, no query per row).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    url: str | None = None
    urgent: bool = False  # something waits for the organiser
    unit_after: bool = False  # "12 份问卷" rather than "待审核 3"


Counter = Callable[[list[int], datetime], dict[int, list[Figure]]]
_COUNTERS: list[Counter] = []


def register(counter: Counter) -> Counter:
    if counter not in _COUNTERS:
        _COUNTERS.append(counter)
    return counter


def figures(matter_ids: list[int], now: datetime) -> dict[int, list[Figure]]:
    out: dict[int, list[Figure]] = {mid: [] for mid in matter_ids}
    if not matter_ids:
        return out
    for counter in _COUNTERS:
        for mid, figs in counter(matter_ids, now).items():
            out.setdefault(mid, []).extend(figs)
    return out
