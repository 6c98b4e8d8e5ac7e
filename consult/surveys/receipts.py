"""What a resident submitted, in questionnaire order, for the receipt page."""
from __future__ import annotations

from consult.crypto import mask_value, unseal
from consult.surveys.models import QuestionKind, Response
from consult.surveys.responses import response_answers
from consult.surveys.spec import SurveySpec


def receipt_items(spec: SurveySpec, response: Response) -> list[tuple[str, list[str]]]:
    by_q: dict[int, list] = {}
    for a in response_answers(response):
        by_q.setdefault(a.question_id, []).append(a)
    labels = {o.id: o.label for q in spec.questions for o in (*q.options, *q.rows)}
    items = []
    for q in spec.questions:
        answers = by_q.get(q.id)
        if not answers:
            continue
        shown = []
        # a receipt code is a bearer link: personal answers are masked on it, never shown in full
        text = (lambda t: mask_value(unseal(t))) if q.is_personal else (lambda t: t)
        for a in answers:
            if q.kind == QuestionKind.MATRIX:
                shown.append(f"{labels.get(a.row_id, '')}：{labels.get(a.option_id, '')}")
            elif a.option_id is not None:
                label = labels.get(a.option_id, "")
                shown.append(f"{label}：{text(a.value_text)}" if a.value_text is not None else label)
            else:
                shown.append(text(a.value_text) if a.value_text is not None else str(a.value_number))
        items.append((f"{q.number}. {q.text}", shown))
    return items
