"""Forms of the analysis runs and curation pages: input shape only."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from consult.analysis.curation import DESCRIPTION_MAX, REASON_MAX, TITLE_MAX
from consult.forms import MaxChars, NotBlank, SafeText


class IdList(Field):
    """Ids from repeated inputs (checkboxes); anything but positive whole numbers is refused."""

    def process_formdata(self, valuelist):
        self.data, self.raw = [], list(valuelist)

    def pre_validate(self, form):
        ids = []
        for raw in self.raw if hasattr(self, "raw") else []:
            if not str(raw).strip().isdigit() or not str(raw).strip().isascii() or len(str(raw).strip()) > 12:
                raise ValidationError(_l("所选内容无效，请刷新后重试。"))
            ids.append(int(raw))
        self.data = ids


class Target(HiddenField):
    """One id from a select; empty or not a number is refused."""

    def pre_validate(self, form):
        raw = (self.data or "").strip()
        if not raw.isdigit() or not raw.isascii() or len(raw) > 12:
            raise ValidationError(_l("请选择目标风险点。"))
        self.data = int(raw)


class RunForm(FlaskForm):
    """No fields: "运行分析" analyses the whole pool with the default parameters."""


class TitleForm(FlaskForm):
    title = StringField(_l("风险点名称"), validators=[NotBlank(_l("请填写风险点名称。")), MaxChars(TITLE_MAX),
                                                 SafeText()])


class DescriptionForm(FlaskForm):
    description = TextAreaField(_l("说明"), validators=[Optional(), MaxChars(DESCRIPTION_MAX), SafeText()])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("理由"), validators=[NotBlank(_l("请填写理由。")), MaxChars(REASON_MAX), SafeText()])


class DismissForm(FlaskForm):
    reason = TextAreaField(_l("排除此风险点的理由"), validators=[NotBlank(_l("请填写理由。")), MaxChars(REASON_MAX),
                                                         SafeText()])


class MergeForm(FlaskForm):
    point_ids = IdList(_l("要合并的风险点"))
    target_id = Target(_l("合并到"))


class SplitForm(FlaskForm):
    voice_ids = IdList(_l("文本"))
    new_title = StringField(_l("新风险点名称"), validators=[NotBlank(_l("请填写新风险点名称。")), MaxChars(TITLE_MAX),
                                                   SafeText()])


class MoveForm(FlaskForm):
    voice_ids = IdList(_l("文本"))
    target_id = Target(_l("移到风险点"))


class ReviewForm(FlaskForm):
    voice_ids = IdList(_l("文本"))
    reviewed = HiddenField(default="1")


def errors_of(form) -> str:
    return "；".join(str(e) for errs in form.errors.values() for e in errs)
