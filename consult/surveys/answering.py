"""Read answers from a form (or a sheet row), apply display conditions, validate.

Values are plain dicts keyed by question id:
  single/scale  {"option": id, "other": text|None}
  multiple      {"options": [id, ...], "other": text|None}
  matrix        {"rows": {row_id: option_id}}
  text          {"text": str}          number {"number": float, "raw": str}
Errors are keyed by the form field they belong to, in Chinese.
"""
from __future__ import annotations

from flask_babel import gettext as _

import hashlib
import math
from dataclasses import dataclass, field

from consult.crypto import seal
from consult.forms import has_forbidden_chars
from consult.surveys.models import QuestionKind
from consult.surveys.spec import QSpec, SurveySpec

DEFAULT_MAX_CHARS = {QuestionKind.SHORT_TEXT: 200, QuestionKind.LONG_TEXT: 5000}
OTHER_MAX_CHARS = 200


@dataclass
class Result:
    values: dict[int, dict] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _fmt(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if float(x).is_integer() else str(x))


def _text_error(text: str, limit: int) -> str | None:
    if has_forbidden_chars(text):
        return _("内容含有无法保存的控制字符，请删除后重试。")
    if len(text) > limit:
        return _('内容过长：最多 %(v0)s 个字，当前 %(v1)s 个字。', v0=limit, v1=len(text))
    return None


def _ids(raw: list[str]) -> list[int] | None:
    try:
        return [int(v) for v in raw if v != ""]
    except ValueError:
        return None


def _parse_other(q: QSpec, chosen: list[int], get) -> tuple[str | None, str | None]:
    other = next((o for o in q.options if o.is_other and o.id in chosen), None)
    if other is None:
        return None, None
    text = get(f"{q.field}_other")
    if text is None or not text.strip():
        return None, _("请注明“其他”的具体内容。")
    return text, _text_error(text, OTHER_MAX_CHARS)


def parse_question(q: QSpec, getlist) -> tuple[dict | None, dict[str, str]]:
    """(value or None when unanswered, errors by field)."""
    get = lambda name: (getlist(name) or [None])[0]  # noqa: E731
    f = q.field
    if q.kind in (QuestionKind.SINGLE, QuestionKind.SCALE5, QuestionKind.MULTIPLE):
        ids = _ids(getlist(f))
        valid = {o.id for o in q.options}
        if ids is None or any(i not in valid for i in ids):
            return None, {f: _("选项无效，请重新选择。")}
        ids = list(dict.fromkeys(ids))
        if not ids:
            return None, {}
        if q.kind != QuestionKind.MULTIPLE and len(ids) > 1:
            return None, {f: _("此题只能选择一项。")}
        other, err = _parse_other(q, ids, get)
        if err:
            return None, {f"{f}_other": err}
        if q.kind == QuestionKind.MULTIPLE:
            return {"options": ids, "other": other}, {}
        return {"option": ids[0], "other": other}, {}
    if q.kind == QuestionKind.MATRIX:
        rows, errors, valid = {}, {}, {o.id for o in q.options}
        for r in q.rows:
            ids = _ids(getlist(f"{f}_r{r.id}"))
            if ids is None or any(i not in valid for i in ids) or len(ids) > 1:
                errors[f"{f}_r{r.id}"] = _("选项无效，请重新选择。")
            elif ids:
                rows[r.id] = ids[0]
        return ({"rows": rows} if rows else None), errors
    raw = get(f)
    if raw is None or raw == "":
        return None, {}
    if q.kind == QuestionKind.NUMBER:
        return _parse_number(q, raw)
    err = _text_error(raw, q.max_chars or DEFAULT_MAX_CHARS[q.kind])
    return (None, {f: err}) if err else ({"text": raw}, {})


def _parse_number(q: QSpec, raw: str) -> tuple[dict | None, dict[str, str]]:
    text = raw.strip().translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if len(text) > 30 or not math.isfinite(value):
        return None, {q.field: _("请填写数字。")}
    lo, hi = q.min_value, q.max_value
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            msg = _('请填写 %(v0)s 到 %(v1)s 之间的数字。', v0=_fmt(lo), v1=_fmt(hi))
        else:
            msg = _('请填写不小于 %(v0)s 的数字。', v0=_fmt(lo)) if lo is not None else _('请填写不大于 %(v0)s 的数字。', v0=_fmt(hi))
        return None, {q.field: msg}
    return {"number": value, "raw": raw}, {}


def _required_error(q: QSpec, value: dict | None) -> dict[str, str]:
    if q.kind == QuestionKind.MATRIX:
        got = (value or {}).get("rows", {})
        return {f"{q.field}_r{r.id}": _("请为这一行选择一项。") for r in q.rows if q.required and r.id not in got}
    if value is None:
        if not q.required:
            return {}
        if q.kind == QuestionKind.MULTIPLE:
            return {q.field: _('请至少选择 %(v0)s 项。', v0=max(q.min_picks or 1, 1))}
        if q.is_choice:
            return {q.field: _("请选择一项。")}
        return {q.field: _("请回答此题。")}
    if "text" in value and q.required and not value["text"].strip():
        return {q.field: _("请回答此题。")}
    if q.kind == QuestionKind.MULTIPLE:
        n = len(value["options"])
        if q.min_picks and n < q.min_picks:
            return {q.field: _('请至少选择 %(v0)s 项。', v0=q.min_picks)}
        if q.max_picks and n > q.max_picks:
            return {q.field: _('最多选择 %(v0)s 项，您选择了 %(v1)s 项。', v0=q.max_picks, v1=n)}
    return {}


def chosen_ids(value: dict | None) -> set[int]:
    if not value:
        return set()
    if "option" in value:
        return {value["option"]}
    return set(value.get("options", ()))


def is_visible(q: QSpec, values: dict[int, dict], visible: dict[int, bool]) -> bool:
    if q.condition_qid is None:
        return True
    if not visible.get(q.condition_qid, False):
        return False
    return bool(chosen_ids(values.get(q.condition_qid)) & q.condition_ids)


def read_answers(spec: SurveySpec, getlist, *, check_sections=None) -> Result:
    """Parse every question present; drop answers to questions hidden by conditions; report
    errors for visible questions of `check_sections` (indexes; None = all)."""
    result, visible = Result(), {}
    for q in spec.questions:
        value, errors = parse_question(q, getlist)
        visible[q.id] = is_visible(q, result.values, visible)
        if not visible[q.id]:
            continue
        checking = check_sections is None or q.section_index in check_sections
        if errors:
            if checking:
                result.errors.update(errors)
            continue
        if checking:
            result.errors.update(_required_error(q, value))
        if value is not None:
            result.values[q.id] = value
    return result


def visible_questions(spec: SurveySpec, values: dict[int, dict]) -> set[int]:
    visible: dict[int, bool] = {}
    for q in spec.questions:
        visible[q.id] = is_visible(q, values, visible)
    return {k for k, v in visible.items() if v}


def answer_rows(spec: SurveySpec, values: dict[int, dict]) -> list[dict]:
    """Rows for survey_answers: one per choice, matrix row or value."""
    rows = []
    for qid, v in values.items():
        base = {"question_id": qid, "option_id": None, "row_id": None, "value_text": None, "value_number": None}
        q = spec.by_id[qid]
        if q.is_personal:  # personal answers are stored encrypted, like phones
            v = {k: (seal(t) if k in ("text", "raw", "other") and isinstance(t, str) else t) for k, t in v.items()}
        if "rows" in v:
            rows += [base | {"row_id": r, "option_id": o} for r, o in v["rows"].items()]
        elif "text" in v:
            rows.append(base | {"value_text": v["text"]})
        elif "number" in v:
            rows.append(base | {"value_number": v["number"], "value_text": v["raw"]})
        else:
            other_id = next((o.id for o in q.options if o.is_other), None)
            for oid in sorted(chosen_ids(v)):
                rows.append(base | {"option_id": oid, "value_text": v.get("other") if oid == other_id else None})
    return rows


def choices_fingerprint(rows: list[dict]) -> str:
    """Same choices on every choice question → same fingerprint (near-identical answers)."""
    key = sorted((r["question_id"], r["option_id"] or 0, r["row_id"] or 0) for r in rows if r["option_id"])
    return hashlib.sha256(repr(key).encode()).hexdigest()[:32]
