from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from consult.forms import MaxChars, NotBlank, SafeText


class CloseMonthForm(FlaskForm):
    month = StringField(_l("月份"), validators=[NotBlank(_l("请填写月份。")), MaxChars(20)])
    reason = TextAreaField(_l("更正理由（已关账的月份须填写）"), validators=[SafeText(), MaxChars(2000)])
