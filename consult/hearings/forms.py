"""Hearing forms: input shape only."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, NumberRange, Optional

from consult.forms import Honeypot, MaxChars, MobileNumber, NotBlank, SafeText, normalise_mobile
from consult.hearings.models import (ALLOCATION_LABELS, HEARING_STANCE_LABELS, KIND_LABELS, OFFICIAL_ROLE_LABELS)

_DT = dict(format="%Y-%m-%dT%H:%M")


def _text(label, n, required=False, **kw):
    return StringField(label, validators=[NotBlank() if required else Optional(), MaxChars(n), SafeText()], **kw)


def _area(label, n, required=False, **kw):
    return TextAreaField(label, validators=[NotBlank() if required else Optional(), MaxChars(n), SafeText()], **kw)


def _when(label, required=True):
    return DateTimeLocalField(label, validators=[InputRequired(_l("请选择时间。")) if required else Optional()], **_DT)


class MeetingForm(FlaskForm):
    kind = SelectField(_l("会议类型"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    title = _text(_l("会议名称"), 200, required=True)
    agenda = _area(_l("议程和议题"), 5000, required=True)
    starts_at = _when(_l("会议开始时间（北京时间）"))
    venue = _text(_l("会议地点"), 300, description=_l("视频听证可不填，但须填写线上链接。"))
    online_link = _text(_l("线上参会链接（视频听证）"), 500)
    capacity = IntegerField(_l("参会人数上限"), validators=[InputRequired(_l("请填写人数。")), NumberRange(1, 2000)])
    registration_opens_at = _when(_l("报名开始时间"))
    registration_closes_at = _when(_l("报名截止时间"))
    promotion_cutoff_at = _when(_l("候补递补截止时间（选填，默认会前 24 小时）"), required=False)
    allocation = SelectField(_l("参加人员确定方式"), choices=[(k.value, v) for k, v in ALLOCATION_LABELS.items()])
    waitlist_size = IntegerField(_l("每类候补人数"), default=10, validators=[InputRequired(), NumberRange(0, 500)])
    questions = _area(_l("报名表自定义问题（每行一个，最多 5 个）"), 1100,
                      description=_l("报名表已有姓名、手机号、报名类别、与本事项的关系、住址、态度和发言要点，"
                                     "请勿重复提问。自定义问题均为选填。"))
    short_schedule_reason = _area(_l("缩短时限的理由"), 2000,
                                  description=_l("发布时间或报名截止距会议不足规定天数时必填，理由将公开并留存。"))


class ReasonForm(FlaskForm):
    reason = _area(_l("理由"), 2000)


class SeedForm(FlaskForm):
    """No seed field: the seed is generated at publication, after the entrants are frozen, so nobody
    (the organiser included) can try seeds against the known entrants before publishing one.
    Closing registration before the advertised time needs a reason, shown publicly."""

    early_reason = _area(_l("提前截止报名的理由（将在会议页面公开）"), 1000)
    confirm = BooleanField(_l("我确认：公布种子后报名立即截止，种子和名单不能更改"),
                           validators=[InputRequired(_l("请勾选确认。"))])


class OfficialForm(FlaskForm):
    role = SelectField(_l("职责"), choices=[(k.value, v) for k, v in OFFICIAL_ROLE_LABELS.items()])
    name = _text(_l("姓名"), 100, required=True)
    organisation = _text(_l("工作单位"), 200, required=True)


class CategoryForm(FlaskForm):
    name = _text(_l("类别名称"), 100, required=True)
    seats = IntegerField(_l("名额"), validators=[InputRequired(_l("请填写名额。")), NumberRange(0, 2000)])
    min_seats = IntegerField(_l("最低名额"), default=0, validators=[InputRequired(), NumberRange(0, 2000)])
    is_affected = BooleanField(_l("受影响群众（敏感事项中反对者优先）"))
    counts_in_share = BooleanField(_l("计入比例"), default=True)
    is_public = BooleanField(_l("居民可报名"), default=True)


class RulesForm(FlaskForm):
    rules = TextAreaField(_l("比例规则"), validators=[Optional(), MaxChars(2000), SafeText()],
                          description=_l("每行一条：类别代码 >= 百分比，或 类别代码, 类别代码 <= 百分比。"))


class CheckInForm(FlaskForm):
    code = StringField(_l("入场码"), validators=[NotBlank(_l("请输入入场码。")), MaxChars(100), SafeText()],
                       render_kw={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters"})


class MinutesForm(FlaskForm):
    topic = _area(_l("会议议题"), 5000)
    answers = _area(_l("组织方现场答复"), 20000)
    conclusion = _area(_l("会议结论"), 10000)


class PointForm(FlaskForm):
    registration = SelectField(_l("发言人（参会人员）"), choices=[], validate_choice=False)
    category = SelectField(_l("类别（未报名的发言人）"), choices=[], validate_choice=False)
    speaker = _text(_l("发言人称谓（选填）"), 100)
    stance = SelectField(_l("态度"), choices=[(k.value, v) for k, v in HEARING_STANCE_LABELS.items()])
    text = _area(_l("发言要点"), 10000, required=True)
    answer = _area(_l("现场答复"), 10000)


class SummaryForm(FlaskForm):
    summary = _area(_l("公开的会议纪要摘要"), 20000)
    held = BooleanField(_l("会议已召开（公开页面改为显示摘要）"))


# --- residents ---------------------------------------------------------------------------
class PhoneForm(FlaskForm):
    phone = StringField(_l("手机号"), filters=[normalise_mobile],
                        validators=[NotBlank(_l("请填写手机号。")), MobileNumber()],
                        render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
    website = StringField(_l("请勿填写此项"), validators=[Honeypot()])


# What each default category means, for a resident choosing one (custom categories have none).
CATEGORY_HINTS = {
    "affected": _l("住在或经营在项目影响范围内，利益直接受影响的居民、村民、商户"),
    "heads": _l("有关部门或单位的负责人，以单位身份参加"),
    "figures": _l("在本地有威望、热心公益的人士，如社区老党员、乡贤"),
    "experts": _l("相关领域的专家学者，以专业身份参加"),
    "deputies": _l("现任各级人大代表、政协委员"),
    "observers": _l("只旁听、不发言"),
}


class RegistrationForm(FlaskForm):
    code = StringField(_l("短信验证码"), validators=[NotBlank(_l("请填写短信验证码。")), MaxChars(10), SafeText()],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    name = _text(_l("姓名"), 50, required=True)
    category = RadioField(_l("报名类别"), choices=[], validate_choice=False,
                          validators=[InputRequired(_l("请选择报名类别。"))])
    relation = _text(_l("与本事项的关系"), 300, required=True,
                     description=_l("例如：项目沿线住户、商户、村民代表、相关企业职工。"))
    address = _text(_l("住址或所在户（选填）"), 300, description=_l("受影响范围内的住址，便于确认利益群体代表身份。"))
    stance = RadioField(_l("您对该事项的态度"), choices=[(k.value, v) for k, v in HEARING_STANCE_LABELS.items()],
                        validators=[InputRequired(_l("请选择您的态度。"))])
    points = _area(_l("发言要点"), 3000, description=_l("您希望在会上表达的主要意见，最多 3000 字。报名旁听人员可不填。"))
    consent = BooleanField(_l("我已阅读并同意个人信息说明"))
    website = StringField(_l("请勿填写此项"), validators=[Honeypot()])


def registration_form(questions: list[str], **kw) -> RegistrationForm:
    """The registration form with the organiser's custom questions as extra fields answer_0..n."""
    attrs = {f"answer_{i}": TextAreaField(q, validators=[Optional(), MaxChars(1000), SafeText()])
             for i, q in enumerate(questions)}
    cls = type("MeetingRegistrationForm", (RegistrationForm,), attrs)
    return cls(**kw)


class LookupForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("回执码"), validators=[NotBlank(_l("请输入回执码。")), MaxChars(40)])
