from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from consult.forms import MaxChars, NotBlank, SafeText
from consult.register.models import RISK_LEVEL_LABELS
from consult.reports.document import EMERGENCY_FIELDS
from consult.reports.models import OUTCOME_LABELS, STAGE_LABELS
from consult.reports.narrative import MAX_SECTION_CHARS, SECTIONS

_TEXT = [Optional(), MaxChars(2000), SafeText()]


class LevelForm(FlaskForm):
    level = RadioField(_l("评定风险等级"), choices=[(k.value, v) for k, v in RISK_LEVEL_LABELS.items()],
                       validators=[NotBlank(_l("请选择风险等级。"))])
    reason = TextAreaField(_l("评定理由（与平台建议不同时必填）"), validators=_TEXT)
    outcome = RadioField(_l("评估结论"), choices=[(k.value, v) for k, v in OUTCOME_LABELS.items()],
                         validators=[NotBlank(_l("请选择评估结论。"))])
    conditions = TextAreaField(_l("实施前须完成的措施（每行一条）"), validators=_TEXT)


class ReassessForm(FlaskForm):
    reason = TextAreaField(_l("重新评估原因（已落实的措施、方案调整）"),
                           validators=[NotBlank(), MaxChars(2000), SafeText()])


class VersionForm(FlaskForm):
    stage = SelectField(_l("版本阶段"), choices=[(k.value, v) for k, v in STAGE_LABELS.items()])
    note = StringField(_l("说明"), validators=[Optional(), MaxChars(200), SafeText()])


def narrative_form(assessment, formdata=None):
    """One Markdown box per outline section, plus the structured emergency plan."""

    class NarrativeForm(FlaskForm):
        pass

    for key, title, default in SECTIONS:
        setattr(NarrativeForm, f"s_{key}", TextAreaField(
            title, default=(assessment.narrative or {}).get(key, default),
            validators=[Optional(), MaxChars(MAX_SECTION_CHARS), SafeText()]))
    for key, label in EMERGENCY_FIELDS:
        setattr(NarrativeForm, f"e_{key}", TextAreaField(
            _l("应急预案：") + label, default=(assessment.emergency or {}).get(key, ""), validators=_TEXT))
    return NarrativeForm(formdata=formdata) if formdata is not None else NarrativeForm()
