"""The open CJK font embedded (as a subset) in PDFs and used for chart images.

Noto Sans CJK (SIL Open Font License), shipped on PyPI by the cvttf-NotoSansCJK-Regular package,
so a fresh clone gets it with pip alone. CONSULT_REPORT_FONT may point to another OTF/TTF.
"""
from __future__ import annotations

import os

from flask import current_app, has_app_context


class FontMissing(RuntimeError):
    """No CJK font: PDF output is not available (HTML and DOCX still are)."""


def font_path() -> str:
    configured = current_app.config.get("REPORT_FONT") if has_app_context() else None
    configured = configured or os.environ.get("CONSULT_REPORT_FONT")
    if configured and os.path.exists(configured):
        return configured
    try:
        import cvttf_NotoSansCJK_Regular as pkg
    except ImportError:
        raise FontMissing("未安装中文字体包 cvttf-NotoSansCJK-Regular，无法生成 PDF（pip install "
                          "cvttf-NotoSansCJK-Regular，或设置 CONSULT_REPORT_FONT 指向一个中文 OTF/TTF 字体）。") from None
    path = os.path.join(os.path.dirname(pkg.__file__), "NotoSansCJKtc-Regular.otf")
    if not os.path.exists(path):
        raise FontMissing("中文字体文件缺失，无法生成 PDF。")
    return path
