"""Notice text: organisers write Markdown (no HTML needed); residents get sanitised HTML.

Markdown through markdown-it-py (CommonMark plus tables, with single line breaks kept), then the
bleach allow-list of sanitize.py. Script and style blocks are dropped with their contents, so
"<script>alert(1)</script>" pasted by mistake leaves nothing on the public page.
"""
from __future__ import annotations

import html as html_lib
import re

from markdown_it import MarkdownIt

from consult.notices.sanitize import clean_html

_md = MarkdownIt("commonmark", {"breaks": True, "html": True, "linkify": False}).enable("table")
_DANGEROUS_BLOCKS = re.compile(r"<(script|style|iframe|object|template)\b.*?(</\1\s*>|$)", re.I | re.S)


def render_markdown(text: str) -> str:
    """Markdown (or the plain text / simple HTML of older notices) → safe HTML."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _DANGEROUS_BLOCKS.sub("", text)
    return clean_html(_md.render(text))


_BLOCK_END = re.compile(r"</(p|div|h[1-6]|tr|blockquote|table|ul|ol)\s*>", re.I)


def html_to_markdown(html: str) -> str:
    """Readable Markdown from the simple HTML older notices were written in (paragraphs, headings,
    lists, emphasis, links, line breaks); anything else keeps its text and loses its tags."""
    s = _DANGEROUS_BLOCKS.sub("", html or "")
    s = re.sub(r"<br\s*/?>", "\n", s, flags=re.I)
    s = re.sub(r"<h([2-4])[^>]*>", lambda m: "\n\n" + "#" * int(m.group(1)) + " ", s, flags=re.I)
    s = re.sub(r"<li[^>]*>", "\n- ", s, flags=re.I)
    s = re.sub(r"</li\s*>", "", s, flags=re.I)
    s = re.sub(r"</?(strong|b)\s*>", "**", s, flags=re.I)
    s = re.sub(r"</?(em|i)\s*>", "*", s, flags=re.I)
    s = re.sub(r"""<a\s[^>]*href=["']([^"']+)["'][^>]*>(.*?)</a>""", r"[\2](\1)", s, flags=re.I | re.S)
    s = _BLOCK_END.sub("\n\n", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = html_lib.unescape(s)
    s = re.sub(r"[ \t]+\n", "\n", s)
    return re.sub(r"\n{3,}", "\n\n", s).strip()
