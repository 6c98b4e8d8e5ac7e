"""Validators shared by every domain's forms; messages in Chinese via the translation layer."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import ValidationError

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def has_forbidden_chars(text: str) -> bool:
    """Control characters other than tab/newline, and lone surrogates, cannot be stored
    safely in every database (PostgreSQL refuses NUL) and never come from a keyboard."""
    for ch in text:
        if ch in "\t\n\r":
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc" or cat == "Cs":
            return True
    return False


class SafeText:
    """Refuse characters that cannot be stored; keep everything else exactly.

    scrub=True: the page re-shown with the error echoes the text without those characters."""

    def __init__(self, scrub: bool = False):
        self.scrub = scrub

    def __call__(self, form, field):
        if field.data and has_forbidden_chars(field.data):
            if self.scrub:
                field.data = strip_forbidden_chars(field.data)
            raise ValidationError(_l("内容含有无法保存的控制字符，请删除后重试。"))


def strip_forbidden_chars(text: str) -> str:
    return "".join(ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cs"))


class NotBlank:
    """Required, and not only white space (including full-width spaces)."""

    field_flags = {"required": True}

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        if field.data is None or not str(field.data).strip():
            field.errors[:] = []
            raise ValidationError(self.message or _l("此项为必填项。"))


class MaxChars:
    def __init__(self, maximum: int):
        self.maximum = maximum

    def __call__(self, form, field):
        if field.data and len(field.data) > self.maximum:
            n = len(field.data)
            field.data = field.data[:self.maximum]  # the page echoes at most the limit back
            raise ValidationError(
                _l("内容过长：最多 %(max)s 个字，当前 %(n)s 个字。", max=self.maximum, n=n)
            )


def normalise_mobile(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.translate(_FULLWIDTH_DIGITS)
    value = re.sub(r"[\s\-－]", "", value)
    if value.startswith("+86"):
        value = value[3:]
    return value


class MobileNumber:
    def __call__(self, form, field):
        if field.data and not MOBILE_RE.match(field.data):
            raise ValidationError(_l("请填写 11 位中国大陆手机号码，例如 13812345678。"))


class Honeypot:
    """A field people never see; bots fill it."""

    def __call__(self, form, field):
        if field.data:
            raise ValidationError(_l("提交未被接受，请刷新页面后重试。"))


class CheckboxList(SelectMultipleField):
    """A multiple choice shown as checkboxes (usable on touch screens, unlike <select multiple>)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
