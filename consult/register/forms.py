"""Register forms: input shape only, with Chinese messages for every refusal."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from consult.forms import CheckboxList, MaxChars, NotBlank, SafeText
from consult.register import matrix
from consult.register.models import MEASURE_STATUS_LABELS

SCALE_VALUES = tuple(str(i) for i in matrix.SCALE)
_ASCII_INT = re.compile(r"^[0-9]{1,9}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class OneOfChoices:
    """The submitted value must be one of the field's choices, not the empty placeholder."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data not in {str(v) for v, _label in field.choices if str(v) != ""}:
            field.errors[:] = []
            raise ValidationError(self.message)


class ScaleValue:
    """1–5 written with the half-width digits of the form; anything else is refused."""

    field_flags = {"required": True}

    def __init__(self, what):
        self.what = what

    def __call__(self, form, field):
        value = field.data or ""
        field.errors[:] = []
        if not value.strip():
            raise ValidationError(_l("请选择%(w)s（1–5）。", w=self.what))
        if value not in SCALE_VALUES:
            raise ValidationError(_l("%(w)s须为 1 至 5 的整数（半角数字，1 最低、5 最高）。", w=self.what))


def _scale_field(label, what):
    choices = [(v, f"{v} {matrix.LIKELIHOOD_LABELS[int(v)] if what == 'L' else matrix.SEVERITY_LABELS[int(v)]}")
               for v in SCALE_VALUES]
    return RadioField(label, choices=choices, validate_choice=False,
                      validators=[ScaleValue(_l("可能性") if what == "L" else _l("后果损失程度"))])


class PromoteForm(FlaskForm):
    points = CheckboxList(_l("要列入清单的风险点（可多选，多选时合并为一个风险项）"), choices=[], coerce=str,
                          validate_choice=False)
    title = StringField(_l("风险项名称（不填则用第一个风险点的名称）"), validators=[Optional(), MaxChars(200), SafeText()])

    def validate_points(self, field):
        if not field.data:
            raise ValidationError(_l("请至少选择一个风险点。"))
        allowed = {str(v) for v, _label in field.choices}
        if any(v not in allowed for v in field.data):
            raise ValidationError(_l("所选风险点已列入清单、已排除或不属于本事项，请刷新页面后重选。"))


class LinkPointsForm(PromoteForm):
    """More points for an existing item: the promote form's point list without a title."""

    title = None


class RemoveItemForm(FlaskForm):
    reason = TextAreaField(_l("移出清单的理由"), validators=[NotBlank(_l("请说明移出清单的理由。")), MaxChars(500),
                                                       SafeText()])


class ItemForm(FlaskForm):
    title = StringField(_l("风险项名称"), validators=[NotBlank(_l("请填写风险项名称。")), MaxChars(200), SafeText()])
    description = TextAreaField(_l("风险描述"), validators=[Optional(), MaxChars(10000), SafeText()])
    area = SelectField(_l("风险领域"), choices=[], validate_choice=False,
                       validators=[OneOfChoices(_l("请从列表中选择风险领域。"))])
    dimension = SelectField(_l("评估维度"), choices=[], validate_choice=False,
                            validators=[OneOfChoices(_l("请从列表中选择评估维度。"))])
    affected_groups = TextAreaField(_l("涉及群体"), validators=[Optional(), MaxChars(2000), SafeText()],
                                    description=_l("例如：中转站周边三个小区居民、小学学生家长"))
    affected_size = StringField(_l("涉及人数（约）"), validators=[Optional(), MaxChars(9)],
                                description=_l("填写整数，例如 350；不清楚可不填。"))

    def validate_affected_size(self, field):
        if field.data and not _ASCII_INT.match(field.data):
            raise ValidationError(_l("涉及人数须为整数（半角数字），例如 350。"))

    def values(self) -> dict:
        return {"title": self.title.data, "description": self.description.data or "",
                "area": self.area.data, "dimension": self.dimension.data,
                "affected_groups": self.affected_groups.data or "",
                "affected_size": int(self.affected_size.data) if (self.affected_size.data or "").strip() else None}


class GradeForm(FlaskForm):
    likelihood = _scale_field(_l("可能性（发生社会矛盾冲突的可能）"), "L")
    severity = _scale_field(_l("后果损失程度"), "S")


class ResidualForm(FlaskForm):
    residual_likelihood = _scale_field(_l("采取措施后的可能性"), "L")
    residual_severity = _scale_field(_l("采取措施后的后果损失程度"), "S")
    reason = TextAreaField(_l("理由"), validators=[NotBlank(_l("请说明残余风险等级的理由。")), MaxChars(2000), SafeText()],
                           description=_l("说明哪些措施如何降低了可能性或后果，依据是什么。"))


class MeasureForm(FlaskForm):
    text = TextAreaField(_l("化解措施"), validators=[NotBlank(_l("请填写化解措施。")), MaxChars(2000), SafeText()])
    responsible_unit = StringField(_l("责任单位"), validators=[NotBlank(_l("请填写责任单位。")), MaxChars(200), SafeText()])
    deadline = StringField(_l("完成时限"), validators=[Optional(), MaxChars(10)],
                           description=_l("格式：2026-12-31，可不填。"))
    status = SelectField(_l("状态"), choices=[(k.value, v) for k, v in MEASURE_STATUS_LABELS.items()],
                         validate_choice=False, validators=[OneOfChoices(_l("请从列表中选择措施状态。"))])

    def validate_deadline(self, field):
        if field.data:
            try:
                if not _ISO_DATE.match(field.data):
                    raise ValueError
                date.fromisoformat(field.data)
            except ValueError:
                raise ValidationError(_l("完成时限须为有效日期，格式如 2026-12-31。")) from None

    def values(self) -> dict:
        from consult.register.models import MeasureStatus

        return {"text": self.text.data, "responsible_unit": self.responsible_unit.data,
                "deadline": date.fromisoformat(self.deadline.data) if (self.deadline.data or "").strip() else None,
                "status": MeasureStatus(self.status.data)}


class ResponseForm(FlaskForm):
    text = TextAreaField(_l("公开答复（您说，我们做）"),
                         validators=[NotBlank(_l("请填写答复内容。")), MaxChars(5000), SafeText()],
                         description=_l("说明将作出哪些改变，或不能采纳的原因。发布后在公示页和居民回执页公开。"))


class ConfirmForm(FlaskForm):
    """Buttons with nothing to fill in (withdraw, delete): CSRF only."""
