"""Reading and validating JSONL input for the command line (and any other caller)."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from .model import SOURCES, STANCES, Document

MAX_TEXT_BYTES = 64 * 1024
MAX_LINE_BYTES = 256 * 1024
_FIELDS = {"id", "text", "title", "source", "stance", "group", "weight", "time", "author"}


class InputError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class ReadReport:
    documents: list[Document]
    skipped: list[dict]  # [{"line": int, "error": str}]


_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ue000-\uf8ff]")


def _looks_binary(text: str) -> bool:
    """Control characters, replacement characters or private-use code points in bulk."""
    if not text or not _BINARY.search(text):
        return False
    return len(_BINARY.findall(text)) / len(text) > 0.05


def _optional_str(obj: dict, key: str, line: int) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key in ("group", "time", "author"):
        return str(value)
    if not isinstance(value, str):
        raise InputError(line, f"'{key}' must be a string")
    return value


def parse_line(raw: bytes, line: int) -> Document:
    if len(raw) > MAX_LINE_BYTES:
        raise InputError(line, f"line is {len(raw) // 1024} KB, more than the {MAX_LINE_BYTES // 1024} KB allowed")
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(line, "not valid UTF-8 (binary data?)") from None
    if "\x00" in s or _looks_binary(s):
        raise InputError(line, "looks like binary data, not a JSON object")
    try:
        obj = json.loads(s)
    except json.JSONDecodeError as exc:
        raise InputError(line, f"malformed JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise InputError(line, "expected a JSON object")
    doc_id = obj.get("id")
    if doc_id is None or doc_id == "":
        raise InputError(line, "missing 'id'")
    if isinstance(doc_id, (int,)) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str):
        raise InputError(line, "'id' must be a string")
    text = obj.get("text")
    if text is None:
        raise InputError(line, f"missing 'text' (id {doc_id!r})")
    if not isinstance(text, str):
        raise InputError(line, f"'text' must be a string (id {doc_id!r})")
    title_value = obj.get("title")
    has_title = isinstance(title_value, str) and bool(title_value.strip())
    if not text.strip() and not has_title:  # a letter with a subject line but no body is still usable
        raise InputError(line, f"empty 'text' (id {doc_id!r})")
    size = len(text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise InputError(line, f"'text' is {size // 1024} KB, more than the {MAX_TEXT_BYTES // 1024} KB allowed (id {doc_id!r})")
    if _looks_binary(text):
        raise InputError(line, f"'text' looks like binary data (id {doc_id!r})")
    source = _optional_str(obj, "source", line)
    if source is not None and source not in SOURCES:
        raise InputError(line, f"'source' must be one of {', '.join(SOURCES)} (id {doc_id!r})")
    stance = _optional_str(obj, "stance", line)
    if stance is not None and stance not in STANCES:
        raise InputError(line, f"'stance' must be one of {', '.join(STANCES)} (id {doc_id!r})")
    weight = obj.get("weight", 1)
    if weight is None:
        weight = 1
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) or weight < 0:
        raise InputError(line, f"'weight' must be a non-negative number (id {doc_id!r})")
    title = _optional_str(obj, "title", line)
    if title is not None and len(title.encode("utf-8")) > MAX_TEXT_BYTES:
        raise InputError(line, f"'title' is too long (id {doc_id!r})")
    return Document(
        id=doc_id,
        text=text,
        title=title,
        source=source,
        stance=stance,
        group=_optional_str(obj, "group", line),
        weight=float(weight),
        time=_optional_str(obj, "time", line),
        author=_optional_str(obj, "author", line),
    )


def _lines(fh: BinaryIO) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(fh, 1):
        raw = raw.rstrip(b"\r\n")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        yield number, raw


def read_jsonl(fh: BinaryIO, skip_bad: bool = False) -> ReadReport:
    """Parse every line; raise :class:`InputError` on the first bad one unless ``skip_bad``."""
    docs: list[Document] = []
    skipped: list[dict] = []
    seen: dict[str, int] = {}
    for number, raw in _lines(fh):
        try:
            doc = parse_line(raw, number)
            if doc.id in seen:
                raise InputError(number, f"duplicate id {doc.id!r} (first on line {seen[doc.id]})")
        except InputError as exc:
            if not skip_bad:
                raise
            skipped.append({"line": exc.line, "error": exc.message})
            continue
        seen[doc.id] = number
        docs.append(doc)
    return ReadReport(docs, skipped)
