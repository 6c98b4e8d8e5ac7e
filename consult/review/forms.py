from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from consult.forms import CheckboxList, MaxChars, NotBlank, SafeText

_LINE = [Optional(), MaxChars(200), SafeText()]
_TEXT = [Optional(), MaxChars(2000), SafeText()]


class ExpertForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[NotBlank(), MaxChars(100), SafeText()])
    field = StringField(_l("专业领域"), validators=[NotBlank(), MaxChars(100), SafeText()],
                        description=_l("如：法律、环境、规划、社会学"))
    organisation = StringField(_l("工作单位"), validators=_LINE)
    title = StringField(_l("职称"), validators=[Optional(), MaxChars(100), SafeText()])
    contact = StringField(_l("联系方式（加密保存，显示时隐去中间位）"), validators=[Optional(), MaxChars(40), SafeText()])
    conflicts = TextAreaField(_l("声明回避的单位（每行一个）"), validators=_TEXT)
    username = StringField(_l("专家账号用户名"), validators=[Optional(), MaxChars(60), SafeText()],
                           description=_l("先在账号管理中创建“评审专家”角色的账号"))


class ImportForm(FlaskForm):
    file = FileField(_l("专家名单（.xlsx）"), validators=[NotBlank(_l("请选择文件。"))])


class DrawForm(FlaskForm):
    field = StringField(_l("抽取领域"), validators=[NotBlank(), MaxChars(100), SafeText()])
    count = IntegerField(_l("人数"), default=3, validators=[NumberRange(1, 15, message=_l("请填写 1 到 15 之间的整数。"))])
    seed = StringField(_l("随机种子（留空自动生成）"), validators=[Optional(), MaxChars(64), SafeText()])


class PickForm(FlaskForm):
    expert_id = IntegerField(_l("专家编号"), validators=[NumberRange(1, 2**31 - 1, message=_l("请选择专家。"))])


class ConfirmForm(FlaskForm):
    conflict = RadioField(_l("利益冲突声明"), choices=[("no", _l("本人与本事项及其责任单位无利益冲突")),
                                                   ("yes", _l("本人存在利益冲突，申请回避"))],
                          validators=[NotBlank(_l("请选择。"))])
    reason = TextAreaField(_l("冲突情况说明"), validators=_TEXT)


DIMENSIONS = ["合法性", "合理性", "可行性", "可控性"]


class OpinionForm(FlaskForm):
    d0 = TextAreaField(_l("合法性意见"), validators=[NotBlank(), MaxChars(2000), SafeText()])
    d1 = TextAreaField(_l("合理性意见"), validators=[NotBlank(), MaxChars(2000), SafeText()])
    d2 = TextAreaField(_l("可行性意见"), validators=[NotBlank(), MaxChars(2000), SafeText()])
    d3 = TextAreaField(_l("可控性意见"), validators=[NotBlank(), MaxChars(2000), SafeText()])
    agree_level = RadioField(_l("对风险等级"), choices=[("yes", _l("同意")), ("no", _l("不同意"))],
                             validators=[NotBlank(_l("请选择。"))])
    agree_outcome = RadioField(_l("对评估结论"), choices=[("yes", _l("同意")), ("no", _l("不同意"))],
                               validators=[NotBlank(_l("请选择。"))])
    changes = TextAreaField(_l("需修改的内容（每行一条）"), validators=[Optional(), MaxChars(5000), SafeText()])
    signature = StringField(_l("专家签名（填写姓名）"), validators=[NotBlank(), MaxChars(100), SafeText()])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("答复"), validators=[NotBlank(), MaxChars(2000), SafeText()])


class DecisionForm(FlaskForm):
    adopted = RadioField(_l("决策"), choices=[("yes", _l("采纳评估结论")), ("no", _l("不采纳"))],
                         validators=[NotBlank(_l("请选择。"))])
    reason = TextAreaField(_l("理由（不采纳时必填）"), validators=_TEXT)
    decided_on = DateField(_l("决策日期"), validators=[NotBlank(_l("请填写日期，例如 2026-11-30。"))])


class EmptyForm(FlaskForm):
    confirm = BooleanField(default=True)


class SupervisedForm(FlaskForm):
    organisations = CheckboxList(_l("受理备案的单位"), coerce=int, validate_choice=True)
