"""Step 1b: corpus-level new-word discovery (names no dictionary knows stay whole).

Character n-grams (2..``MAX_N`` CJK characters, within runs of CJK text) of the
corpus (a deterministic sample of at most ``sample`` distinct texts: smallest
text hashes first) are counted with numpy (64-bit polynomial hashes, ``np.unique``).
An n-gram ``w`` becomes a word of this run when

* it occurs at least ``min_count`` times;
* cohesion: its weakest split ``w = a + b`` still has PMI
  ``log(p(w) / (p(a) p(b))) >= min_pmi`` (p: count / number of positions);
* freedom: the entropy of the characters just left of it and just right of it
  are both ``>= min_entropy`` nats (a text edge counts as a distinct neighbour);
* closure: it makes up at least ``min_ratio`` of the occurrences of its own
  prefix and suffix one character shorter ("家住X" is no word: 家住 is mostly
  followed by something else);
* it looks like a name: it ends with a place or organisation suffix
  (``NAME_SUFFIXES``: 小区, 新城, 花园, 苑, 家园, 村, 社区, 路, 街道, 府, 公馆,
  金服, 贷 ...), has at least two characters before it, does not start with a
  suffix word (华庭物业公司 is "a 华庭's property company") and has no
  function character (的, 了, 在 ...) next to the suffix or at its start;
* it is not mostly the context of a shorter accepted word ending it (家住X苑 for
  X苑: less than half its count), nor only part of a longer accepted word (kept
  when its count exceeds the longer word's by at least a quarter).

Discovery is for names, on purpose: in letters a repeated phrase ("物业说没钱修")
is just as cohesive as a name, but merging it into one token would hide its words
(物业) from clustering and keywords, while a name split in pieces loses its meaning.

The accepted words are added to the run's private tokenizer (``tokenise.Segmenter``)
and never to a shipped dictionary or jieba's global state. The word list depends
only on the sample, so it is cached per sample (``<cache>.words``) and stored
with a warm-start fit.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

MAX_N = 7
NAME_SUFFIXES = ("小区", "新城", "花园", "家园", "社区", "街道", "新村", "公寓", "广场", "大厦", "名邸", "公馆", "华庭",
                 "雅居", "山庄", "别墅", "金服", "财富", "大道", "苑", "府", "园", "城",
                 "湾", "村", "路", "街", "邸", "庭", "居", "墅", "阁", "院", "厂", "场", "贷", "宝")
EDGE_CHARS = frozenset("的了在是和与及也都就还又把被给让向对从到说要有我你他她们这那个些很太更最啊吧呢吗呀么不没请能会可将并而或等")
INNER_BAD = frozenset("的了着吗呢吧啊呀么说")
BAD_ENDINGS = ("跑路", "一路", "马路", "道路", "走路", "修路", "堵路", "出路", "上路", "让路", "车站", "公园")
_MASKED = re.compile(r"[A-Z][0-9]{0,2}(?:省|市|区|县|镇|乡|村|街道|社区)")
_CJK_LO, _CJK_HI = 0x3400, 0x9FFF
_MUL = np.uint64(0x100000001B3)


def _codepoints(texts: Sequence[str]) -> np.ndarray:
    """All texts as one uint64 array; every non-CJK character (and each text end) becomes 0."""
    texts = [_MASKED.sub(" ", t) for t in texts]  # masked places are tokens of their own already
    cp = np.frombuffer("\0".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    cp[(cp < _CJK_LO) | (cp > _CJK_HI)] = 0
    return cp


def _ngram_hashes(cp: np.ndarray, max_n: int) -> list[np.ndarray]:
    """hashes[n][p]: hash of the n-gram starting at p (0 where it would cross a boundary); n = 1..max_n."""
    out = [np.zeros(0, np.uint64), cp.copy()]
    h = cp.copy()
    ok = cp > 0
    with np.errstate(over="ignore"):
        for n in range(2, max_n + 1):
            h = h[:-1] * _MUL + cp[n - 1:]
            ok = ok[:-1] & (cp[n - 1:] > 0)
            out.append(np.where(ok, h | np.uint64(1), np.uint64(0)))
    return out


def _entropy(keys: np.ndarray, neighbours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct key: entropy of its neighbour distribution (zeros = text edges, each distinct)."""
    edge = neighbours == 0
    neighbours = neighbours.copy()
    neighbours[edge] = np.arange(1, int(edge.sum()) + 1, dtype=np.uint64) << np.uint64(40)
    order = np.lexsort((neighbours, keys))
    k, nb = keys[order], neighbours[order]
    new_pair = np.ones(len(k), dtype=bool)
    new_pair[1:] = (k[1:] != k[:-1]) | (nb[1:] != nb[:-1])
    pair_start = np.flatnonzero(new_pair)
    pair_count = np.diff(np.append(pair_start, len(k))).astype(np.float64)
    pair_key = k[pair_start]
    key_start = np.flatnonzero(np.append(True, pair_key[1:] != pair_key[:-1]))
    totals = np.add.reduceat(pair_count, key_start)
    p = pair_count / np.repeat(totals, np.diff(np.append(key_start, len(pair_key))))
    ent = -np.add.reduceat(p * np.log(p), key_start)
    return pair_key[key_start], ent


def name_like(word: str) -> bool:
    """Ends with a name suffix after 2+ characters, starts with no suffix word, no function character at the seams."""
    if word[0] in EDGE_CHARS or any(word.startswith(s) for s in NAME_SUFFIXES if len(s) > 1):
        return False
    if any(c in INNER_BAD for c in word) or word.endswith(BAD_ENDINGS):
        return False
    for suffix in NAME_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[-len(suffix) - 1] not in EDGE_CHARS
    return False


def discover(texts: Sequence[str], min_count: int = 5, min_pmi: float = 3.0, min_entropy: float = 1.0,
             min_ratio: float = 0.6, max_n: int = MAX_N) -> list[str]:
    """New words of a corpus (see the module docstring), sorted; deterministic."""
    if not texts:
        return []
    cp = _codepoints(texts)
    hashes = _ngram_hashes(cp, max_n + 0)
    total = float(max(1, int((cp > 0).sum())))
    uniq = {}
    for n in range(1, max_n + 1):  # counts of every n-gram (sub-grams are needed for cohesion)
        h = hashes[n]
        u, c = np.unique(h[h > 0], return_counts=True)
        uniq[n] = (u, c)

    def count_of(n: int, h: np.ndarray) -> np.ndarray:
        u, c = uniq[n]
        i = np.clip(np.searchsorted(u, h), 0, max(0, len(u) - 1))
        return np.where((len(u) > 0) & (u[i] == h), c[i], 0) if len(u) else np.zeros(len(h), np.int64)

    ends = np.zeros(_CJK_HI + 1, dtype=bool)
    ends[[ord(x[-1]) for x in NAME_SUFFIXES]] = True
    name_end = ends[np.minimum(cp, _CJK_HI).astype(np.int64)] & (cp > 0)
    found: dict[str, int] = {}
    for n in range(3, max_n + 1):
        h = hashes[n]
        u, c = uniq[n]
        frequent = u[c >= min_count]
        if len(frequent) == 0:
            continue
        pos = np.flatnonzero(name_end[n - 1:][: len(h)] & (h > 0))  # only n-grams that end like a name
        slot = np.clip(np.searchsorted(frequent, h[pos]), 0, len(frequent) - 1)
        pos = pos[frequent[slot] == h[pos]]
        if len(pos) == 0:
            continue
        keys = h[pos]
        # one position per n-gram for cohesion and the string
        first_keys, first = np.unique(keys, return_index=True)
        p0 = pos[first]
        cw = count_of(n, first_keys).astype(np.float64)
        pmi = np.full(len(p0), np.inf)
        for i in range(1, n):
            ca = count_of(i, hashes[i][p0]).astype(np.float64)
            cb = count_of(n - i, hashes[n - i][p0 + i]).astype(np.float64)
            pmi = np.minimum(pmi, np.log(cw * total / np.maximum(ca * cb, 1.0)))
        shorter = np.minimum(count_of(n - 1, hashes[n - 1][p0]), count_of(n - 1, hashes[n - 1][p0 + 1]))
        closed = cw >= min_ratio * shorter
        left = np.where(pos > 0, cp[np.maximum(pos - 1, 0)], 0)
        right_at = pos + n
        right = np.where(right_at < len(cp), cp[np.minimum(right_at, len(cp) - 1)], 0)
        _, lent = _entropy(keys, left)
        _, rent = _entropy(keys, right)
        ok = closed & (pmi >= min_pmi) & (lent >= min_entropy) & (rent >= min_entropy)
        for j in np.flatnonzero(ok):
            word = "".join(chr(int(x)) for x in cp[p0[j]:p0[j] + n])
            if not name_like(word):
                continue
            found[word] = int(cw[j])
    # a longer word that is mostly a context of a shorter one (家住X苑 for X苑) goes,
    # then a word that only occurs inside a longer accepted one
    words = [w for w in found if not any(s != w and w.endswith(s) and found[w] < 0.5 * found[s] for s in found)]
    kept: list[str] = []
    for w in sorted(words, key=lambda w: (-len(w), w)):
        if any(w in longer and found[w] < 1.25 * found[longer] for longer in kept):
            continue
        kept.append(w)
    return sorted(kept)


def sample_texts(texts: Sequence[str], keys: Sequence[bytes], limit: int) -> list[str]:
    """Distinct texts, smallest hashes first, at most ``limit`` (stable when texts are added)."""
    seen: dict[bytes, str] = {}
    for k, t in zip(keys, texts):
        seen.setdefault(k, t)
    chosen = sorted(seen)[:limit]
    return [seen[k] for k in chosen]


def sample_digest(keys: Sequence[bytes], limit: int, settings: tuple) -> str:
    h = hashlib.blake2b(repr(settings).encode(), digest_size=8)
    for k in sorted(set(keys))[:limit]:
        h.update(k)
    return h.hexdigest()


def cached_discover(texts: Sequence[str], keys: Sequence[bytes], cache_path: str | None, limit: int,
                    settings: tuple) -> tuple[list[str], bool]:
    """``discover`` over the sample, reusing ``<cache>.words`` when the sample is the same. (words, cache hit)"""
    digest = sample_digest(keys, limit, settings)
    path = Path(f"{cache_path}.words") if cache_path else None
    store: dict[str, list[str]] = {}
    if path and path.exists():
        try:
            with open(path, "rb") as fh:
                store = pickle.load(fh)
            if digest in store:
                return list(store[digest]), True
        except Exception:  # a damaged file is an empty one
            store = {}
    from .normalise import clean

    min_count, min_pmi, min_entropy = settings
    distinct = len(set(keys))
    if distinct > limit:  # a name as frequent in the whole corpus is rarer in the sample
        min_count = max(3, round(min_count * limit / distinct))
    words = discover([clean(t) for t in sample_texts(texts, keys, limit)], min_count, min_pmi, min_entropy)
    if path:
        store = dict(list(store.items())[-7:])
        store[digest] = words
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".words-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(store, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    return words, False
