from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from consult.forms import Honeypot, MaxChars, MobileNumber, NotBlank, SafeText, normalise_mobile
from consult.notices.models import ADOPTION_LABELS, STANCE_LABELS

_DT = dict(format="%Y-%m-%dT%H:%M")


class NoticeForm(FlaskForm):
    title = StringField(_l("公示标题"), validators=[NotBlank(), MaxChars(200), SafeText()])
    body = TextAreaField(_l("公示正文"), validators=[NotBlank(), MaxChars(200_000), SafeText()],
                         description=_l("直接输入文字即可，换行会保留；空一行开始新段落。可选格式：“## 小标题”、"
                                        "“**加粗**”、以“- ”开头的列表、[链接文字](https://…)。点“预览”查看居民看到的效果。"))
    starts_at = DateTimeLocalField(_l("公示开始时间（北京时间）"), validators=[InputRequired(_l("请选择开始时间。"))], **_DT)
    ends_at = DateTimeLocalField(_l("公示结束时间（北京时间）"), validators=[InputRequired(_l("请选择结束时间。"))], **_DT)
    short_period_reason = TextAreaField(_l("缩短公示期的理由"), validators=[Optional(), MaxChars(2000), SafeText()])
    attachments = MultipleFileField(_l("附件（PDF、JPEG、PNG）"))


class WithdrawForm(FlaskForm):
    reason = StringField(_l("撤回理由"), validators=[NotBlank(), MaxChars(500), SafeText()])


class _CommentMaxChars(MaxChars):
    def __init__(self):
        super().__init__(0)

    def __call__(self, form, field):
        self.maximum = current_app.config["COMMENT_MAX_CHARS"]
        super().__call__(form, field)


class CommentForm(FlaskForm):
    body = TextAreaField(_l("您的意见建议"), validators=[NotBlank(_l("请填写意见内容。")), _CommentMaxChars(), SafeText()])
    stance = RadioField(_l("您对该事项的态度"), choices=[(k.value, v) for k, v in STANCE_LABELS.items()],
                        validators=[InputRequired(_l("请选择您的态度。"))])
    name = StringField(_l("姓名（选填）"), validators=[Optional(), MaxChars(50), SafeText()])
    phone = StringField(_l("手机号（选填，便于回访）"), filters=[normalise_mobile],
                        validators=[Optional(), MobileNumber()])
    consent = BooleanField(_l("我已阅读并同意个人信息说明"))
    website = StringField(_l("请勿填写此项"), validators=[Honeypot()])


class ModerateForm(FlaskForm):
    decision = SelectField(_l("审核结果"), choices=[("publish", _l("公开")), ("reject", _l("不予公开"))])
    reason = StringField(_l("不予公开的理由"), validators=[Optional(), MaxChars(500), SafeText()])


class RedactForm(FlaskForm):
    words = TextAreaField(_l("要隐去的文字（每行一处）"), validators=[NotBlank(), MaxChars(1000), SafeText()],
                          description=_l("例如意见中的手机号、姓名或门牌号；公开页面显示为“（已隐去）”，原文保留。"))


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("答复内容"), validators=[NotBlank(), MaxChars(5000), SafeText()])
    adoption = SelectField(_l("采纳情况"), choices=[(k.value, v) for k, v in ADOPTION_LABELS.items()])
    adoption_reason = TextAreaField(_l("理由"), validators=[Optional(), MaxChars(2000), SafeText()])


class ReceiptLookupForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("回执码"), validators=[NotBlank(_l("请输入回执码。")), MaxChars(40)])
