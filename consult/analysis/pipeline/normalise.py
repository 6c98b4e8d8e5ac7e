"""Step 1: normalise text and scrub personal data.

Full-width letters, digits and ASCII symbols become half-width, punctuation is
unified, URLs and markup are stripped, and mainland mobile numbers, ID-card
numbers, landline numbers and e-mail addresses are replaced by placeholders.
Everything the engine outputs is derived from scrubbed text.
"""
from __future__ import annotations

import html
import re

# Full-width ASCII (U+FF01..U+FF5E) -> half-width, ideographic space -> space.
_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)}
_WIDTH[0x3000] = 0x20
# Unify punctuation variants to one form each (Chinese comma/stop kept as they are
# after width folding: ， -> ',' etc.).
_PUNCT = {
    ord("、"): ",",
    ord("。"): ".",
    ord("“"): '"',
    ord("”"): '"',
    ord("„"): '"',
    ord("「"): '"',
    ord("」"): '"',
    ord("『"): '"',
    ord("』"): '"',
    ord("‘"): "'",
    ord("’"): "'",
    ord("【"): "[",
    ord("】"): "]",
    ord("〔"): "[",
    ord("〕"): "]",
    ord("《"): "<",
    ord("》"): ">",
    ord("〈"): "<",
    ord("〉"): ">",
    ord("…"): "...",
    ord("—"): "-",
    ord("–"): "-",
    ord("－"): "-",
    ord("·"): "·",
    ord("\u00a0"): " ",
    ord("\u200b"): "",
    ord("\ufeff"): "",
}
_TABLE = {**_WIDTH, **_PUNCT}

_URL = re.compile(r"(?:https?|ftp)://[^\s\u4e00-\u9fff]+|www\.[^\s\u4e00-\u9fff]+", re.I)
_TAG = re.compile(r"<(?:/?[a-zA-Z][^<>]{0,300}|!--.*?--)>", re.S)
_REPEAT_PUNCT = re.compile(r"([!?.,~\-=*#])\1+")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# 18-digit ID (last may be X) and old 15-digit ID, with optional separators of 6-8-4.
ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])(?:[1-9]\d{5}[ -]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ -]?\d{3}[0-9Xx]"
    r"|[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])"
)
MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9])")
LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}[ -]\d{7,8}(?![0-9])")

_DIGIT = re.compile(r"[0-9]")

PLACEHOLDERS = {"email": "[邮箱]", "id_card": "[身份证号]", "mobile": "[手机号]", "landline": "[电话]"}


def normalise(text: str) -> str:
    """Width-fold, unify punctuation, strip URLs/markup, collapse whitespace."""
    if "&" in text:
        text = html.unescape(text)
    text = text.translate(_TABLE)
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    text = _REPEAT_PUNCT.sub(r"\1", text)
    text = _SPACE.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    return text.strip()


def scrub(text: str) -> str:
    """Replace personal data by placeholders. Run after :func:`normalise`."""
    if "@" in text:
        text = EMAIL.sub(PLACEHOLDERS["email"], text)
    if _DIGIT.search(text):
        text = ID_CARD.sub(PLACEHOLDERS["id_card"], text)
        text = MOBILE.sub(PLACEHOLDERS["mobile"], text)
        text = LANDLINE.sub(PLACEHOLDERS["landline"], text)
    return text


def clean(text: str) -> str:
    return scrub(normalise(text))
