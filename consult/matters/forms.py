from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from consult.forms import CheckboxList, MaxChars, NotBlank, SafeText
from consult.matters.models import KIND_LABELS, PROCEDURE_LABELS

_COUNT = [Optional(), NumberRange(0, 100_000_000, message=_l("请填写 0 到 1 亿之间的整数。"))]


class MatterForm(FlaskForm):
    title = StringField(_l("事项名称"), validators=[NotBlank(), MaxChars(200), SafeText()])
    kind = SelectField(_l("事项类别"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    organisation_id = SelectField(_l("评估主体（责任单位）"), coerce=int)
    area = StringField(_l("所在区域"), validators=[Optional(), MaxChars(200), SafeText()],
                       description=_l("如：A市B区C街道"))
    location = StringField(_l("具体位置"), validators=[Optional(), MaxChars(300), SafeText()])
    scope_description = TextAreaField(_l("影响范围说明"), validators=[Optional(), MaxChars(5000), SafeText()])
    est_households = IntegerField(_l("预计涉及户数"), validators=_COUNT)
    est_persons = IntegerField(_l("预计涉及人数"), validators=_COUNT)
    procedure = SelectField(_l("评估程序"), choices=[(k.value, v) for k, v in PROCEDURE_LABELS.items()],
                            default="general")
    is_sensitive = BooleanField(_l("敏感事项（听证时优先选取反对者）"))
    requires_moderation = BooleanField(_l("意见需审核后公开"))
    third_party = StringField(_l("第三方评估机构"), validators=[Optional(), MaxChars(200), SafeText(scrub=True)],
                              description=_l("委托第三方评估时填写机构名称；自行评估的留空"))
    withhold_public = BooleanField(_l("不在公开页面公示"))
    public_withheld_reason = TextAreaField(
        _l("不公示的理由"), validators=[MaxChars(500), SafeText(scrub=True)],
        description=_l("如涉及国家秘密、商业秘密或个人隐私；勾选“不在公开页面公示”时必填"))

    def validate_public_withheld_reason(self, field):
        if self.withhold_public.data and not (field.data or "").strip():
            raise ValidationError(_l("勾选“不在公开页面公示”时，请填写不公示的理由。"))

    def values(self) -> dict:
        from consult.matters.models import MatterKind, Procedure

        return {
            "title": self.title.data, "kind": MatterKind(self.kind.data),
            "organisation_id": self.organisation_id.data, "area": self.area.data or "",
            "location": self.location.data or "", "scope_description": self.scope_description.data or "",
            "est_households": self.est_households.data, "est_persons": self.est_persons.data,
            "procedure": Procedure(self.procedure.data), "is_sensitive": self.is_sensitive.data,
            "requires_moderation": self.requires_moderation.data,
            "third_party": (self.third_party.data or "").strip(),
            "public_withheld_reason": (self.public_withheld_reason.data or "").strip() if self.withhold_public.data else "",
        }


class AssessorsForm(FlaskForm):
    assessors = CheckboxList(_l("评估人员"), coerce=int, validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField(_l("新状态"), choices=[("consulting", ""), ("closed", ""), ("assessing", "")])
