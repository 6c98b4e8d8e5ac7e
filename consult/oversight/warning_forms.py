"""Forms of the warning loop and tracking: input shape only, a Chinese message for every refusal.

Dates are typed as 2026-12-31 and counts as whole numbers; full-width digits (２０２６) are read
as the same digits, anything else is refused."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from consult.forms import MaxChars, NotBlank, SafeText
from consult.oversight.models import TRACKING_PHASE_LABELS, WARNING_LEVEL_LABELS, WarningLevel

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_COUNT = re.compile(r"^[0-9]{1,6}$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")
MAX_COMPLAINTS = 100000
TEXT_MAX = 2000


def _digits(value) -> str:
    return (value or "").strip().translate(_FULLWIDTH)


def parse_date(value) -> date | None:
    value = _digits(value)
    if not value:
        return None
    if not _ISO_DATE.match(value):
        raise ValueError(value)
    return date.fromisoformat(value)


class IsoDate:
    def __init__(self, required: bool = False):
        self.required = required
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form, field):
        if not (field.data or "").strip():
            if self.required:
                field.errors[:] = []
                raise ValidationError(_l("请填写日期，格式如 2026-12-31。"))
            return
        try:
            parse_date(field.data)
        except ValueError:
            field.data = (field.data or "")[:10]
            raise ValidationError(_l("日期无效，请按 2026-12-31 的格式填写。")) from None


class Count:
    def __call__(self, form, field):
        value = _digits(field.data)
        if value and not (_COUNT.match(value) and int(value) <= MAX_COMPLAINTS):
            field.data = (field.data or "")[:6]
            raise ValidationError(_l("请填写 0–%(n)s 之间的整数。", n=MAX_COMPLAINTS))


def _levels():
    return [(lv.value, label) for lv, label in WARNING_LEVEL_LABELS.items()]


class OneOf:
    def __init__(self, message, required: bool = True):
        self.message = message
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form, field):
        if field.data not in {str(v) for v, _label in field.choices}:
            field.errors[:] = []
            field.data = None
            raise ValidationError(self.message)


class TrackingForm(FlaskForm):
    observed_on = StringField(_l("跟踪日期"), validators=[IsoDate(required=True), MaxChars(10)],
                              description=_l("格式：2026-12-31，不早于决策日期，不晚于今天。"))
    phase = RadioField(_l("阶段"), choices=[(k.value, v) for k, v in TRACKING_PHASE_LABELS.items()], default="during",
                       validate_choice=False, validators=[OneOf(_l("请选择事中跟踪或事后跟踪。"))])
    observation = TextAreaField(_l("跟踪情况"), validators=[NotBlank(_l("请填写跟踪中看到的情况。")),
                                                         MaxChars(TEXT_MAX), SafeText()])
    new_complaints = StringField(_l("新增投诉、信访件数"), default="0", validators=[Count(), MaxChars(6)])
    new_risk = BooleanField(_l("发现新的风险（将发布预警）"))
    level = SelectField(_l("预警等级"), choices=_levels(), default="yellow", validate_choice=False,
                        validators=[OneOf(_l("请从列表中选择预警等级。"))])
    owner_unit = StringField(_l("责任单位"), validators=[MaxChars(200), SafeText()],
                             description=_l("发现新风险时填写；不填则为本事项的评估主体。"))
    deadline = StringField(_l("处置时限"), validators=[IsoDate(), MaxChars(10)],
                           description=_l("发现新风险时填写；不填则为 15 天后。"))

    def values(self) -> dict:
        from consult.oversight.models import TrackingPhase

        return {"observed_on": parse_date(self.observed_on.data), "phase": TrackingPhase(self.phase.data),
                "observation": self.observation.data, "new_complaints": int(_digits(self.new_complaints.data) or 0),
                "new_risk": bool(self.new_risk.data), "level": WarningLevel(self.level.data),
                "owner_unit": self.owner_unit.data or "", "deadline": parse_date(self.deadline.data)}


class RaiseForm(FlaskForm):
    level = RadioField(_l("预警等级"), choices=_levels(), default="yellow", validate_choice=False,
                       validators=[OneOf(_l("请选择红色预警或黄色预警。"))])
    title = StringField(_l("预警事由"), validators=[NotBlank(_l("请填写预警事由。")), MaxChars(200), SafeText()])
    detail = TextAreaField(_l("具体情况"), validators=[MaxChars(TEXT_MAX), SafeText()])
    owner_unit = StringField(_l("责任单位"), validators=[NotBlank(_l("请填写责任单位。")), MaxChars(200), SafeText()])
    owner_id = SelectField(_l("责任人（选填）"), choices=[], validate_choice=False,
                           validators=[OneOf(_l("请从列表中选择责任人。"), required=False)])
    deadline = StringField(_l("处置时限"), validators=[IsoDate(), MaxChars(10)],
                           description=_l("格式：2026-12-31；不填则为 15 天后。"))

    def values(self) -> dict:
        return {"level": WarningLevel(self.level.data), "title": self.title.data, "detail": self.detail.data or "",
                "owner_unit": self.owner_unit.data, "owner_id": int(self.owner_id.data) if self.owner_id.data else None,
                "deadline": parse_date(self.deadline.data)}


class ActionForm(FlaskForm):
    taken_on = StringField(_l("处置日期"), validators=[IsoDate(required=True), MaxChars(10)],
                           description=_l("格式：2026-12-31。"))
    text = TextAreaField(_l("处置措施"), validators=[NotBlank(_l("请填写采取的处置措施。")), MaxChars(TEXT_MAX), SafeText()])


class CloseForm(FlaskForm):
    review = TextAreaField(_l("销号审查意见"), validators=[NotBlank(_l("请填写销号审查意见。")), MaxChars(TEXT_MAX),
                                                          SafeText()])
    resolved = RadioField(_l("风险是否已化解"), choices=[("yes", _l("已化解")), ("no", _l("未化解"))],
                          validate_choice=False, validators=[OneOf(_l("请选择风险是否已化解。"))])
