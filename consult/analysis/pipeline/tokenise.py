"""Step 2: tokenise with the engine's own jieba tokenizer, plus per-text MinHash.

Two interchangeable backends read the same jieba-format user dictionary:

* ``rjieba`` (default): a private ``rjieba.Jieba`` instance (jieba-rs: jieba's
  dictionary and algorithm, ~25x faster);
* ``jieba``: a private ``jieba.Tokenizer`` instance.

jieba's global tokenizer (``jieba.dt``) is never used or modified.

Per-text work (tokens and the MinHash signature used by :mod:`.dedup`) is cached
by text hash in a persistent cache (see :class:`TokenCache`) and spread over
worker processes for large inputs.
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from . import resources
from .normalise import clean

# Bump when tokenisation or signature computation changes: old cache entries die.
FEATURE_VERSION = "tok6"
N_PERM = 32

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORDISH = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_NUMBER = re.compile(r"^[0-9.,%:/\-+]+[a-z]?$")
_COMPACT_DROP = re.compile(r"[^\u3400-\u9fffA-Za-z0-9]+")
# Masked place names in published letters: A市, A1区, K8县, B2乡 ... kept as one token each.
_MASKED_PLACE = re.compile(r"(?<![A-Za-z0-9])([A-Z][0-9]{0,2}(?:省|市|区|县|镇|乡|村|街道|社区))")
_HAS_UPPER = re.compile(r"[A-Z]")

# Single characters that carry meaning on their own in resident texts.
KEEP_SINGLE = frozenset("水电气房车路桥树狗猫厕税粮菜油煤矿井坟墓学医药钱债网灯桩站楼墙窗门噪臭脏乱吵堵拆征")


class Segmenter:
    """A private jieba tokenizer with the user dictionaries loaded."""

    def __init__(self, backend: str, spec: resources.DictionarySpec, names: Sequence[str] = ()):
        self.backend = backend
        self.spec = spec
        self.names = tuple(names)  # this run's discovered words: kept whole, like masked places
        alternatives = [_MASKED_PLACE.pattern[1:-1]] + [re.escape(w) for w in sorted(names, key=lambda w: (-len(w), w))]
        self._whole = re.compile("(" + "|".join(alternatives) + ")") if names else _MASKED_PLACE
        entries: list[tuple[str, int | None, str | None]] = []
        for path in spec.paths:
            entries.extend(resources.parse_user_dict(Path(path)))
        self.user_words = frozenset(w for w, _, _ in entries)
        if backend == "rjieba":
            import rjieba

            self._tk = rjieba.Jieba()
            for word, freq, tag in entries:
                self._tk.add_word(word, freq, tag)
            self._cut = self._tk.cut
        elif backend == "jieba":
            import jieba

            logging.getLogger("jieba").setLevel(logging.WARNING)
            self._tk = jieba.Tokenizer()
            self._tk.initialize()
            for word, freq, tag in entries:
                self._tk.add_word(word, freq, tag)
            self._cut = self._tk.lcut
        else:  # pragma: no cover - validated in Params
            raise ValueError(backend)
        self.stopwords = resources.stopwords()

    def cut(self, text: str) -> list[str]:
        return self._cut(text)

    def has_word(self, word: str) -> bool:
        if self.backend == "rjieba":
            return self._tk.has_word(word)
        return bool(self._tk.FREQ.get(word))

    def content_tokens(self, text: str) -> list[str]:
        """Tokens worth counting: no stop words, punctuation, numbers or stray characters.

        Masked places and the run's discovered names are cut out first and kept whole.
        """
        if self.names or _HAS_UPPER.search(text):
            out: list[str] = []
            for i, piece in enumerate(self._whole.split(text)):
                if i % 2:
                    out.append(piece.lower())
                elif piece:
                    out.extend(self._content(piece))
            return out
        return self._content(text)

    def _content(self, text: str) -> list[str]:
        stop = self.stopwords
        keep = self.user_words
        out = []
        for tok in self._cut(text):
            tok = tok.strip().lower()
            if not tok or tok in stop:
                continue
            if len(tok) == 1:
                if tok in KEEP_SINGLE or tok in keep:
                    out.append(tok)
                continue
            if not _WORDISH.search(tok) or _NUMBER.match(tok):
                continue
            if len(tok) > 24:
                continue
            out.append(tok)
        return out


_SEGMENTERS: dict[tuple[str, str, str], Segmenter] = {}


def names_digest(names: Sequence[str]) -> str:
    return hashlib.blake2b("\n".join(names).encode("utf-8"), digest_size=8).hexdigest() if names else "-"


def get_segmenter(backend: str, spec: resources.DictionarySpec, names: Sequence[str] = ()) -> Segmenter:
    key = (backend, spec.digest, names_digest(names))
    seg = _SEGMENTERS.get(key)
    if seg is None:
        if len(_SEGMENTERS) >= 8:  # one per run's word list: keep the few most recent
            _SEGMENTERS.pop(next(iter(_SEGMENTERS)))
        seg = _SEGMENTERS[key] = Segmenter(backend, spec, names)
    return seg


# --------------------------------------------------------------------------- MinHash

_rng = np.random.RandomState(0x5EED)
_PERM_A = (_rng.randint(1, 2**31, size=N_PERM, dtype=np.int64) * 2 + 1).astype(np.uint32)
_PERM_B = _rng.randint(0, 2**32, size=N_PERM, dtype=np.int64).astype(np.uint32)


def compact(text: str) -> str:
    """Text without punctuation and spaces, lower-cased: the basis of shingles."""
    return _COMPACT_DROP.sub("", text).lower()


def minhash_signatures(texts: Sequence[str]) -> np.ndarray:
    """MinHash signatures (n, N_PERM) uint32 over character 3-gram shingles."""
    n = len(texts)
    if n == 0:
        return np.zeros((0, N_PERM), dtype=np.uint32)
    parts = []
    lengths = np.empty(n, dtype=np.int64)
    for i, t in enumerate(texts):
        c = compact(t)
        if len(c) < 3:
            c = c + "\0" * (3 - len(c))
        parts.append(c)
        lengths[i] = len(c)
    cp = np.frombuffer("".join(parts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint32)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    with np.errstate(over="ignore"):
        h = (cp[:-2] * np.uint32(0x9E3779B1)) ^ (cp[1:-1] * np.uint32(0x85EBCA77)) ^ (cp[2:] * np.uint32(0xC2B2AE3D))
        h ^= h >> np.uint32(13)
    valid = np.ones(len(h), dtype=bool)
    # shingles starting in the last two positions of a text cross into the next one
    valid[(ends - 1)[ends - 1 < len(h)]] = False
    valid[(ends - 2)[ends - 2 < len(h)]] = False
    hv = h[valid]
    # segment starts in the filtered array: each text contributes length-2 shingles
    seg_len = lengths - 2
    seg_start = np.concatenate(([0], np.cumsum(seg_len)[:-1]))
    sig = np.empty((n, N_PERM), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for i in range(N_PERM):
            v = hv * _PERM_A[i] + _PERM_B[i]
            v ^= v >> np.uint32(15)
            sig[:, i] = np.minimum.reduceat(v, seg_start)
    del starts
    return sig


# --------------------------------------------------------------------------- cache


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class TokenCache:
    """Persistent cache: raw text hash -> (clean text, tokens, MinHash signature).

    One file holds entries for one namespace (feature version, tokenizer backend,
    dictionary hash); a file written under another namespace is ignored and
    replaced. Writes are atomic (temp file + rename).
    """

    def __init__(self, path: str | None, namespace: str, max_entries: int = 2_000_000):
        self.path = Path(path) if path else None
        self.namespace = namespace
        self.max_entries = max_entries
        self.entries: dict[bytes, tuple[str, str, bytes]] = {}
        self.dirty = False
        if self.path and self.path.exists():
            try:
                with open(self.path, "rb") as fh:
                    data = pickle.load(fh)
                if data.get("namespace") == namespace:
                    self.entries = data["entries"]
            except Exception:  # a corrupt cache is just a cold cache
                self.entries = {}

    def get(self, key: bytes):
        return self.entries.get(key)

    def put(self, key: bytes, value: tuple[str, str, bytes]) -> None:
        self.entries[key] = value
        self.dirty = True

    def save(self, keep: Iterable[bytes] = ()) -> None:
        if not self.path or not self.dirty:
            return
        if len(self.entries) > self.max_entries:
            keep = set(keep)
            self.entries = {k: v for k, v in self.entries.items() if k in keep}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tokcache-")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump({"namespace": self.namespace, "entries": self.entries}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        self.dirty = False


# --------------------------------------------------------------------------- workers

_WORKER: Segmenter | None = None


def _init_worker(backend: str, spec: resources.DictionarySpec, names: Sequence[str] = ()) -> None:
    global _WORKER
    _WORKER = Segmenter(backend, spec, names)


def _process_chunk(raw: list[str], seg: Segmenter | None = None) -> list[tuple[str, str, bytes]]:
    """Normalise + scrub, tokenise and sign a chunk of raw texts."""
    seg = seg or _WORKER
    assert seg is not None
    texts = [clean(t) for t in raw]
    sigs = minhash_signatures(texts)
    return [(t, " ".join(seg.content_tokens(t)), sigs[i].tobytes()) for i, t in enumerate(texts)]


def _pool_chunk(texts: list[str]) -> list[tuple[str, str, bytes]]:
    return _process_chunk(texts)


def namespace(backend: str, spec: resources.DictionarySpec, names: Sequence[str] | None = None) -> str:
    """What token cache entries depend on: version, backend, dictionaries (and the run's discovered words).

    Fitted states use the namespace without words: a warm start reuses the words of its fit.
    """
    base = f"{FEATURE_VERSION}|{backend}|{spec.digest}|{N_PERM}"
    return base if names is None else f"{base}|{names_digest(names)}"


def featurise(
    texts: Sequence[str],
    backend: str,
    spec: resources.DictionarySpec,
    cache_path: str | None = None,
    workers: int = 0,
    parallel_min_docs: int = 20000,
    progress: Callable[[str, int, int], None] | None = None,
    names: Sequence[str] = (),
) -> tuple[list[str], list[str], np.ndarray, dict]:
    """Clean text, tokens (space-joined) and MinHash signature for each raw text.

    Uses the persistent cache (keyed by the raw text's hash) and worker processes.
    """
    cache = TokenCache(cache_path, namespace(backend, spec, names))
    keys = [text_key(t) for t in texts]
    results: list[tuple[str, str, bytes] | None] = [cache.get(k) for k in keys]
    missing = [i for i, r in enumerate(results) if r is None]
    # identical texts are processed once
    todo: dict[bytes, int] = {}
    for i in missing:
        todo.setdefault(keys[i], i)
    todo_idx = list(todo.values())
    n_workers = workers or (os.cpu_count() or 1)
    chunk = 2000
    chunks = [[texts[i] for i in todo_idx[s : s + chunk]] for s in range(0, len(todo_idx), chunk)]
    computed: list[tuple[str, str, bytes]] = []
    done = 0
    parallel = len(todo_idx) >= parallel_min_docs and n_workers > 1 and len(chunks) > 1
    # daemonic processes (some job runners) may not start children: work serially there
    if parallel and multiprocessing.current_process().daemon:
        parallel = False
    if parallel:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ctx.Pool(n_workers, initializer=_init_worker, initargs=(backend, spec, tuple(names))) as pool:
            for part in pool.imap(_pool_chunk, chunks):
                computed.extend(part)
                done += len(part)
                if progress:
                    progress("tokenise", done, len(todo_idx))
    else:
        seg = get_segmenter(backend, spec, names)
        for c in chunks:
            computed.extend(_process_chunk(c, seg))
            done += len(c)
            if progress:
                progress("tokenise", done, len(todo_idx))
    fresh = {}
    for i, value in zip(todo_idx, computed):
        fresh[keys[i]] = value
        cache.put(keys[i], value)
    for i in missing:
        results[i] = fresh[keys[i]]
    cache.save(keep=keys)
    cleaned = [r[0] for r in results]  # type: ignore[index]
    tokens = [r[1] for r in results]  # type: ignore[index]  # space-joined
    sigs = np.frombuffer(b"".join(r[2] for r in results), dtype=np.uint32).reshape(len(texts), N_PERM)  # type: ignore[index]
    stats = {"texts": len(texts), "cache_hits": len(texts) - len(missing), "tokenised": len(todo_idx)}
    return cleaned, tokens, sigs, stats
