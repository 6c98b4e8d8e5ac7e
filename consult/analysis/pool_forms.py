"""Forms of the voice pool pages: staff intake, imports, export, API tokens."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from consult.analysis.models import SOURCE_LABELS, VOICE_STANCE_LABELS, VoiceSource
from consult.forms import MaxChars, NotBlank, SafeText

_DT = dict(format="%Y-%m-%dT%H:%M")
STAFF_SOURCE_CHOICES = [(s.value, SOURCE_LABELS[s]) for s in (VoiceSource.PAPER, VoiceSource.VISIT,
                                                             VoiceSource.SYMPOSIUM)]


class VoiceForm(FlaskForm):
    key = HiddenField(_l("录入表单"))
    source = RadioField(_l("来源"), choices=STAFF_SOURCE_CHOICES, validators=[InputRequired(_l("请选择来源。"))])
    occurred_at = DateTimeLocalField(_l("时间（北京时间）"), validators=[InputRequired(_l("请填写时间。"))], **_DT)
    recorder = StringField(_l("记录人"), validators=[NotBlank(_l("请填写记录人。")), MaxChars(100), SafeText()],
                           description=_l("走访或记录的工作人员。"))
    household = StringField(_l("户 / 楼号 / 单位"), validators=[Optional(), MaxChars(200), SafeText()],
                            description=_l("如：和平新村 12 号楼 3 单元。请勿填写姓名、电话等个人信息。"))
    group = StringField(_l("群体"), validators=[Optional(), MaxChars(100), SafeText()],
                        description=_l("如：紧邻住户、学生家长、沿街商户。"))
    author = StringField(_l("受访人（化名或姓氏，可空）"), validators=[Optional(), MaxChars(100), SafeText()])
    stance = RadioField(_l("态度"), choices=[(k.value, v) for k, v in VOICE_STANCE_LABELS.items()],
                        validators=[InputRequired(_l("请选择态度。"))])
    title = StringField(_l("标题或议题（可空）"), validators=[Optional(), MaxChars(300), SafeText()])
    text = TextAreaField(_l("意见内容"), validators=[NotBlank(_l("请填写意见内容。")), MaxChars(10000), SafeText()])


class FileForm(FlaskForm):
    file = FileField(_l("文件"))


class ExportForm(FlaskForm):
    format = SelectField(_l("格式"), choices=[("csv", "CSV"), ("xlsx", "Excel（.xlsx）")])


class TokenForm(FlaskForm):
    name = StringField(_l("用途（如：评估机构内部统计脚本）"),
                       validators=[NotBlank(_l("请填写令牌用途。")), MaxChars(100), SafeText()])
