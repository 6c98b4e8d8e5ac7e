"""One entry point for the three outputs of a report document."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template

FORMATS = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render(document: dict, fmt: str) -> tuple[bytes, str]:
    if fmt == "html":
        css = Path(current_app.static_folder, "report-doc.css").read_text("utf-8")  # the pages link the same file
        data = render_template("reports/standalone.html", doc=document, css=css).encode()
    elif fmt == "docx":
        from consult.reports.docx_render import render_docx

        data = render_docx(document)
    elif fmt == "pdf":
        from consult.reports.pdf_render import render_pdf

        data = render_pdf(document)
    else:
        raise ValueError(fmt)
    return data, FORMATS[fmt]
