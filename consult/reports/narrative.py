"""Narrative sections: Markdown written by the assessor, with live fields for numbers.

Markdown is parsed by markdown-it-py with raw HTML disabled (typed tags come out as text) and
the result passes bleach with a short allow-list, so no markup from the editor reaches a page.
A live field is written ``{{知晓率}}``; it is replaced by the number from the data when the page
or a version is rendered, so no figure in the text is typed by hand. Unknown names are refused.
"""
from __future__ import annotations

import re

import bleach
from markdown_it import MarkdownIt

# (key, title, narrative default) in the order of the official outline
SECTIONS = [
    ("overview", "一、事项概况", "{{事项名称}}由{{评估主体}}提出，位于{{区域}}，涉及约{{涉及户数}}户。"),
    ("basis", "二、评估依据", "依据国家和地方关于重大决策社会稳定风险评估的规定，以及本事项的审批程序开展评估。"),
    ("process", "三、开展评估情况", "评估期间共收到意见{{意见总数}}条，回收问卷{{问卷份数}}份。"),
    ("survey", "四、民意调查", "问卷调查显示，知晓率为{{知晓率}}，支持率为{{支持率}}。"),
    ("hearings", "五、听证与座谈", ""),
    ("risks", "六、稳定风险因素分析", "经分析论证，共识别风险因素{{风险条目数}}项，其中高风险{{高风险条目数}}项、"
                                  "中风险{{中风险条目数}}项。"),
    ("level", "七、风险等级评价", "综合评定本事项社会稳定风险等级为{{风险等级}}。"),
    ("conclusion", "八、评估结论与实施建议", "建议在落实下列措施并完成相关准备工作后推进本事项。"),
    ("measures", "九、化解风险措施", ""),
    ("emergency", "十、应急处置预案", ""),
    ("annex", "十一、附件", ""),
]
SECTION_KEYS = [k for k, _t, _d in SECTIONS]
TITLES = {k: t for k, t, _d in SECTIONS}
DEFAULTS = {k: d for k, _t, d in SECTIONS}
MAX_SECTION_CHARS = 20000

FIELD_RE = re.compile(r"\{\{\s*([^{}\s]{1,20})\s*\}\}")
_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
ALLOWED_TAGS = ["p", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "code", "br", "a"]


def unknown_fields(text: str, fields: dict) -> list[str]:
    return sorted({m.group(1) for m in FIELD_RE.finditer(text or "") if m.group(1) not in fields})


def resolve(text: str, fields: dict) -> str:
    return FIELD_RE.sub(lambda m: str(fields.get(m.group(1), m.group(0))), text or "")


def to_html(markdown: str) -> str:
    html = _md.render(markdown or "")
    html = re.sub(r"<h[12]>", "<h3>", re.sub(r"</h[12]>", "</h3>", html))
    return bleach.clean(html, tags=ALLOWED_TAGS, attributes={"a": ["href"]}, protocols=["http", "https"],
                        strip=True)


def _inline_text(token) -> str:
    return "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline", "softbreak")
                   ) if token.children else token.content


def to_blocks(markdown: str) -> list[dict]:
    """Block structure for DOCX / PDF: paragraphs, level-3 headings, list items (plain text)."""
    blocks: list[dict] = []
    kind = "p"
    for tok in _md.parse(markdown or ""):
        if tok.type == "heading_open":
            kind = "h"
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            blocks.append({"t": "list", "items": []})
        elif tok.type == "list_item_open":
            kind = "li"
        elif tok.type == "inline":
            text = "".join((c.content if c.type != "softbreak" else "\n") for c in tok.children or [])
            if kind == "li" and blocks and blocks[-1]["t"] == "list":
                blocks[-1]["items"].append(text)
            else:
                blocks.append({"t": kind, "text": text})
        elif tok.type in ("heading_close", "list_item_close"):
            kind = "p"
        elif tok.type in ("code_block", "fence"):
            blocks.append({"t": "p", "text": tok.content.rstrip()})
    return blocks
