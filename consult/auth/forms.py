from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from consult.auth.models import ROLE_LABELS, Role
from consult.forms import CheckboxList, MaxChars, NotBlank, SafeText


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[NotBlank(_l("请输入用户名。")), MaxChars(60), SafeText()])
    password = PasswordField(_l("密码"), validators=[NotBlank(_l("请输入密码。")), MaxChars(200)])


class OrganisationForm(FlaskForm):
    name = StringField(_l("单位名称"), validators=[NotBlank(), MaxChars(200), SafeText()])
    description = StringField(_l("说明"), validators=[Optional(), MaxChars(1000), SafeText()])


def _role_choices():
    return [(r.value, ROLE_LABELS[r]) for r in Role]


class UserForm(FlaskForm):
    username = StringField(
        _l("用户名"),
        validators=[NotBlank(), Length(3, 60, message=_l("用户名长度为 3–60 个字符。")),
                    Regexp(r"^[A-Za-z0-9_.\-]+$", message=_l("用户名只能包含字母、数字、下划线、点和连字符。"))],
    )
    display_name = StringField(_l("姓名"), validators=[NotBlank(), MaxChars(100), SafeText()])
    role = SelectField(_l("角色"), choices=_role_choices())
    organisations = CheckboxList(_l("所属单位（组织者）"), coerce=int, validators=[Optional()])
    email = StringField(_l("通知邮箱"), validators=[Optional(), MaxChars(254), SafeText(), Regexp(
        r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("请填写有效的邮箱地址，例如 name@example.gov.cn。"))],
        description=_l("选填。预警逾期升级、红色预警等通知发送到此邮箱（主要用于备案审查（政法委）账号）。"))
    is_enabled = BooleanField(_l("启用"), default=True)
    password = PasswordField(
        _l("密码"),
        validators=[Optional(), Length(10, 200, message=_l("密码至少 10 个字符。"))],
    )
