"""Shipped, editable data files: user dictionary, stop words, escalation lexicon, taxonomy."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
USER_DICT = DATA_DIR / "user_dict.txt"
STOPWORDS = DATA_DIR / "stopwords.txt"
ESCALATION = DATA_DIR / "escalation.txt"
TAXONOMY = DATA_DIR / "taxonomy.json"


def _lines(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def file_hash(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest()


def parse_user_dict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Parse a jieba-format user dictionary: ``word [freq] [tag]`` per line."""
    entries = []
    for line in _lines(path):
        parts = line.split()
        word = parts[0]
        freq = None
        tag = None
        if len(parts) > 1:
            if parts[1].isdigit():
                freq = int(parts[1])
                tag = parts[2] if len(parts) > 2 else None
            else:
                tag = parts[1]
        entries.append((word, freq, tag))
    return entries


@lru_cache(maxsize=8)
def stopwords(path: Path = STOPWORDS) -> frozenset[str]:
    return frozenset(_lines(path))


@lru_cache(maxsize=8)
def escalation_lexicon(path: Path = ESCALATION) -> dict[str, float]:
    lexicon = {}
    for line in _lines(path):
        term, _, severity = line.partition("\t")
        lexicon[term.strip()] = float(severity) if severity.strip() else 1.0
    return lexicon


@lru_cache(maxsize=8)
def taxonomy(path: Path = TAXONOMY) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DictionarySpec:
    """The user dictionaries a tokenizer loads, and a hash that identifies them."""

    paths: tuple[str, ...]
    digest: str


def dictionary_spec(extra: str | None = None) -> DictionarySpec:
    paths = [USER_DICT]
    if extra:
        paths.append(Path(extra))
    h = hashlib.blake2b(digest_size=8)
    for p in paths:
        h.update(p.read_bytes())
        h.update(b"\0")
    h.update(STOPWORDS.read_bytes())
    return DictionarySpec(tuple(str(p) for p in paths), h.hexdigest())


def resource_hashes(extra_user_dict: str | None = None) -> dict[str, str]:
    out = {
        "user_dict": file_hash(USER_DICT),
        "stopwords": file_hash(STOPWORDS),
        "escalation": file_hash(ESCALATION),
        "taxonomy": file_hash(TAXONOMY),
    }
    if extra_user_dict:
        out["extra_user_dict"] = file_hash(Path(extra_user_dict))
    return out
