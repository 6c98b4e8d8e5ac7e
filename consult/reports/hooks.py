"""Extension points filled by a higher package (consult.review), so reports never imports it.

review_answers(matter, before_number) -> [{"version", "expert", "point", "answer"}]
final_checks(assessment) -> a refusal message, or None, before a 定稿 is saved
team_members(matter) -> [[name, role, organisation]] for the 评估小组成员名单
"""
from __future__ import annotations

from typing import Callable

review_answers: list[Callable] = []
final_checks: list[Callable] = []
team_members: list[Callable] = []


def register(target: list, fn: Callable) -> None:
    if fn not in target:
        target.append(fn)
