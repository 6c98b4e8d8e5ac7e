"""The message catalogue: extract every translatable string, keep zh_Hans_CN (the source language,
msgstr = msgid) complete, compile the .mo. Run after changing interface text:

    .venv/bin/python -m consult.translations.catalogue

tests/ux/test_translations.py fails when a string in the code or templates is missing here.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCE_LOCALE = "zh_Hans_CN"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def po_path(locale: str = SOURCE_LOCALE) -> Path:
    return HERE / locale / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every message id in consult/ and templates/ (the mapping in babel.cfg)."""
    with open(HERE / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = Catalog(project="consult", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        if "/.venv/" in f"/{filename}" or filename.startswith("tests"):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(locale: str = SOURCE_LOCALE) -> Catalog:
    with open(po_path(locale), "rb") as fh:
        return read_po(fh, locale=locale)


def refresh() -> tuple[int, int]:
    """Write the zh_Hans_CN .po (msgstr = msgid) and .mo. Returns (messages, newly added)."""
    fresh = extract()
    old = read() if po_path().exists() else Catalog(locale=SOURCE_LOCALE)
    out = Catalog(locale=SOURCE_LOCALE, project="consult", charset="utf-8", fuzzy=False)
    added = 0
    for msg in fresh:
        if not msg.id:
            continue
        added += msg.id not in old
        out.add(msg.id, msg.id, msg.locations, flags=msg.flags, context=msg.context)
    os.makedirs(po_path().parent, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, out, sort_output=True, omit_header=False, include_lineno=False)
    po_path().write_bytes(buf.getvalue())
    with open(po_path().with_suffix(".mo"), "wb") as fh:
        write_mo(fh, out)
    return len(out), added


if __name__ == "__main__":
    total, added = refresh()
    print(f"{SOURCE_LOCALE}: {total} messages ({added} new) in {po_path().relative_to(ROOT)}")
