"""The resident's way through a questionnaire, one section per page, without JavaScript.

Answers of the other sections travel in hidden fields, so no server state is needed; display
conditions are applied on the server between sections (sections left empty are skipped).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from consult.surveys.answering import Result, read_answers, visible_questions
from consult.surveys.spec import SurveySpec

FIELD_RE = re.compile(r"^q(\d+)(?:_other|_r\d+)?$")


@dataclass
class Step:
    page: int  # section index to show
    result: Result
    done: bool = False  # everything valid: store it


def visible_pages(spec: SurveySpec, values: dict) -> list[int]:
    shown = visible_questions(spec, values)
    return [s.index for s in spec.sections if any(q.id in shown for q in s.questions)]


def step(spec: SurveySpec, getlist, *, page: int, action: str) -> Step:
    page = min(max(page, 0), len(spec.sections) - 1)
    here = read_answers(spec, getlist, check_sections={page})
    pages = visible_pages(spec, here.values)
    if action == "back":
        earlier = [p for p in pages if p < page]
        return Step(earlier[-1] if earlier else page, Result(here.values, {}))
    if here.errors:
        return Step(page, here)
    later = [p for p in pages if p > page]
    if later and action != "submit":
        return Step(later[0], Result(here.values, {}))
    full = read_answers(spec, getlist)
    if full.errors:  # an earlier page is incomplete (e.g. a condition now shows a required question)
        first = min(spec.by_id[int(FIELD_RE.match(k).group(1))].section_index for k in full.errors)
        return Step(first, full)
    return Step(page, full, done=True)


def carried_fields(spec: SurveySpec, items, page: int) -> list[tuple[str, str]]:
    """(name, value) of answers on other pages, for hidden inputs."""
    here = {q.id for q in spec.sections[page].questions}
    out = []
    for name, values in items:
        m = FIELD_RE.match(name)
        if m and int(m.group(1)) in spec.by_id and int(m.group(1)) not in here:
            out += [(name, v) for v in values]
    return out


def is_last(spec: SurveySpec, values: dict, page: int) -> bool:
    return not [p for p in visible_pages(spec, values) if p > page]
