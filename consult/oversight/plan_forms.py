"""Forms of the annual assessment plan: input shape only; the service checks the links."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from consult.forms import MaxChars, NotBlank, SafeText, strip_forbidden_chars
from consult.matters.models import KIND_LABELS, MatterKind

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def month_number(raw: str | None) -> int | None:
    """"3", "03", "３" → 3; "" → None; anything else raises ValueError."""
    value = (raw or "").strip().translate(_FULLWIDTH_DIGITS)
    if not value:
        return None
    if len(value) > 2 or not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 12:
        raise ValueError(value)
    return int(value)


class MonthNumber:
    def __call__(self, form, field):
        try:
            month_number(field.data)
        except ValueError:
            field.data = strip_forbidden_chars((field.data or "")[:10])
            raise ValidationError(_l("预计月份须为 1–12 之间的整数。")) from None


class OneOf:
    """The value must be one of the field's choices (a Chinese message, not WTForms' English one)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if (field.data or "") not in {str(v) for v, _label in field.choices}:
            field.data = ""
            raise ValidationError(self.message)


class PlanItemForm(FlaskForm):
    title = StringField(_l("事项名称"), validators=[NotBlank(), MaxChars(200), SafeText(scrub=True)])
    kind = SelectField(_l("事项类别"), choices=[(k.value, v) for k, v in KIND_LABELS.items()],
                       validate_choice=False, validators=[OneOf(_l("请从列表中选择事项类别。"))])
    area = StringField(_l("所在区域"), validators=[Optional(), MaxChars(200), SafeText(scrub=True)])
    expected_month = StringField(_l("预计评估月份"), validators=[MonthNumber()], description=_l("1–12，可不填"))
    matter_id = SelectField(_l("关联事项"), choices=[], validate_choice=False,
                            validators=[OneOf(_l("请从列表中选择本单位的事项。"))])
    note = TextAreaField(_l("备注"), validators=[Optional(), MaxChars(1000), SafeText(scrub=True)])

    def set_matters(self, matters) -> None:
        self.matter_id.choices = [("", _l("（未关联）"))] + [(str(m.id), f"{m.id} · {m.title}") for m in matters]

    def values(self) -> dict:
        return {"title": self.title.data.strip(), "kind": MatterKind(self.kind.data),
                "area": (self.area.data or "").strip(), "expected_month": month_number(self.expected_month.data),
                "matter_id": int(self.matter_id.data) if self.matter_id.data else None,
                "note": (self.note.data or "").strip()}


class DeleteForm(FlaskForm):
    pass
