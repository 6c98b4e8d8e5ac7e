from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateTimeLocalField, FloatField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, NumberRange, Optional

from consult.forms import MaxChars, NotBlank, SafeText
from consult.surveys.models import CHANNEL_LABELS, KIND_LABELS, MODE_LABELS, Channel

_DT = dict(format="%Y-%m-%dT%H:%M")


class SurveyForm(FlaskForm):
    title = StringField(_l("问卷标题"), validators=[NotBlank(), MaxChars(200), SafeText()])
    intro = TextAreaField(_l("填写说明"), validators=[Optional(), MaxChars(5000), SafeText()])
    opens_at = DateTimeLocalField(_l("开始时间（北京时间）"), validators=[InputRequired(_l("请选择开始时间。"))], **_DT)
    closes_at = DateTimeLocalField(_l("结束时间（北京时间）"), validators=[InputRequired(_l("请选择结束时间。"))], **_DT)
    mode = SelectField(_l("一人一份的方式"), choices=[(k.value, v) for k, v in MODE_LABELS.items()])
    notice_id = SelectField(_l("关联公示"), coerce=int, choices=[])


class SectionForm(FlaskForm):
    title = StringField(_l("部分标题"), validators=[NotBlank(), MaxChars(200), SafeText()])
    description = TextAreaField(_l("说明"), validators=[Optional(), MaxChars(2000), SafeText()])


class QuestionForm(FlaskForm):
    kind = SelectField(_l("题型"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    text = TextAreaField(_l("题目"), validators=[NotBlank(), MaxChars(2000), SafeText()])
    help_text = StringField(_l("提示文字"), validators=[Optional(), MaxChars(500), SafeText()])
    required = BooleanField(_l("必答"), default=True)
    is_personal = BooleanField(_l("答案属于个人信息（导出时打码）"))
    options = TextAreaField(_l("选项（每行一个）"), validators=[Optional(), MaxChars(10000), SafeText()])
    rows = TextAreaField(_l("矩阵行（每行一个）"), validators=[Optional(), MaxChars(10000), SafeText()])
    allow_other = BooleanField(_l("增加“其他（请注明）”"))
    min_picks = IntegerField(_l("最少选择"), validators=[Optional(), NumberRange(0, 40)])
    max_picks = IntegerField(_l("最多选择"), validators=[Optional(), NumberRange(1, 40)])
    min_value = FloatField(_l("最小值"), validators=[Optional()])
    max_value = FloatField(_l("最大值"), validators=[Optional()])


class EntryMetaForm(FlaskForm):
    channel = SelectField(_l("渠道"), choices=[(c.value, CHANNEL_LABELS[c]) for c in Channel if c != Channel.ONLINE])
    enumerator = StringField(_l("调查员"), validators=[NotBlank(_l("请填写调查员姓名。")), MaxChars(100), SafeText()])


class ImportForm(FlaskForm):
    file = FileField(_l("已填写的 Excel 模板（.xlsx）"))


class InvitationForm(FlaskForm):
    count = IntegerField(_l("数量"), validators=[InputRequired(_l("请填写数量。")), NumberRange(1, 2000)])
    batch = StringField(_l("批次说明（如：一组 · 东村）"), validators=[Optional(), MaxChars(100), SafeText()])
