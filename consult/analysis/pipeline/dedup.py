"""Step 3: group copies and near-copies.

Exact copies (same text after removing punctuation and spaces) are grouped
first; near-copies are found by MinHash LSH over character 3-gram shingles
(signatures from :mod:`.tokenise`) and verified by the signature agreement,
which estimates Jaccard similarity. A group is clustered once and keeps its size.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

BANDS = 8  # 8 bands x 4 rows = 32 permutations


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller index becomes the root: groups are represented by their first member
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def group_duplicates(compact_texts: Sequence[str], signatures: np.ndarray, threshold: float = 0.7) -> list[int]:
    """Return, for each text, the index of its group's representative (its first member)."""
    n = len(compact_texts)
    uf = _UnionFind(n)
    first: dict[str, int] = {}
    for i, c in enumerate(compact_texts):
        j = first.setdefault(c, i)
        if j != i:
            uf.union(j, i)
    if threshold >= 1.0 or n < 2:
        return [uf.find(i) for i in range(n)]
    reps = [i for i in range(n) if first[compact_texts[i]] == i]
    # very short texts (a few characters) are only grouped as exact copies
    reps = [i for i in reps if len(compact_texts[i]) >= 8]
    if len(reps) < 2:
        return [uf.find(i) for i in range(n)]
    sig = signatures[reps]
    rows = sig.shape[1] // BANDS
    reps_arr = np.asarray(reps, dtype=np.int64)
    for b in range(BANDS):
        band = np.ascontiguousarray(sig[:, b * rows : (b + 1) * rows])
        keys = band.view(np.dtype((np.void, band.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        same_as_prev = np.concatenate(([False], sorted_keys[1:] == sorted_keys[:-1]))
        if not same_as_prev.any():
            continue
        # pair every bucket member with the bucket's first member (its pivot)
        bucket_start = np.maximum.accumulate(np.where(~same_as_prev, np.arange(len(order)), 0))
        members = order[same_as_prev]
        pivots = order[bucket_start[same_as_prev]]
        agree = (sig[members] == sig[pivots]).mean(axis=1)
        close = agree >= threshold
        for a, m in zip(reps_arr[pivots[close]].tolist(), reps_arr[members[close]].tolist()):
            uf.union(a, m)
    return [uf.find(i) for i in range(n)]


def groups_from_roots(roots: Sequence[int]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(roots):
        groups[r].append(i)
    return dict(groups)


# --------------------------------------------------------------------------- warm start

_BAND_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63], dtype=np.uint64)


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """(n, BANDS) uint64: one hashed key per LSH band (equal bands give equal keys)."""
    n, width = signatures.shape
    rows = width // BANDS
    s = signatures.astype(np.uint64).reshape(n, BANDS, rows)
    with np.errstate(over="ignore"):
        return np.bitwise_xor.reduce(s * _BAND_MIX[:rows], axis=2)


def compact_hashes(compact_texts: Sequence[str]) -> np.ndarray:
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(c.encode("utf-8"), digest_size=8).digest(), "little") for c in compact_texts),
        dtype=np.uint64, count=len(compact_texts),
    )


@dataclass
class DupIndex:
    """A cold run's duplicate groups, for pairing only new texts against them.

    ``exact_*``: hash of each distinct compact text -> group (unit); ``bucket_*``:
    per band, the sorted keys of the LSH buckets and their pivot (first member);
    ``rep_sig`` / ``rep_unit``: the pivots' signatures and groups.
    """

    exact_hash: np.ndarray  # sorted uint64
    exact_unit: np.ndarray
    bucket_key: list[np.ndarray]  # per band, sorted unique uint64
    bucket_rep: list[np.ndarray]  # per band, index into rep_sig
    rep_sig: np.ndarray
    rep_unit: np.ndarray


def build_index(compact_texts: Sequence[str], signatures: np.ndarray, unit_of_doc: np.ndarray) -> DupIndex:
    h = compact_hashes(compact_texts)
    h_u, first = np.unique(h, return_index=True)
    long_first = first[np.fromiter((len(compact_texts[i]) >= 8 for i in first), dtype=bool, count=len(first))]
    reps = np.sort(long_first)  # input order, as in group_duplicates
    keys = band_keys(signatures[reps]) if len(reps) else np.zeros((0, BANDS), dtype=np.uint64)
    bucket_key, bucket_rep = [], []
    for b in range(BANDS):
        k_u, k_first = np.unique(keys[:, b], return_index=True)  # first = pivot (smallest rep index)
        bucket_key.append(k_u)
        bucket_rep.append(k_first.astype(np.int32))
    return DupIndex(h_u, unit_of_doc[first].astype(np.int64), bucket_key, bucket_rep,
                    np.ascontiguousarray(signatures[reps]), unit_of_doc[reps].astype(np.int64))


def match_index(index: DupIndex, compact_texts: Sequence[str], signatures: np.ndarray, threshold: float) -> np.ndarray:
    """For each new text, the cold group it copies or nearly copies (-1: none).

    Exact copies first; then a near-copy is paired with each band's bucket pivot,
    as :func:`group_duplicates` pairs bucket members with their pivot.
    """
    n = len(compact_texts)
    out = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return out
    h = compact_hashes(compact_texts)
    if len(index.exact_hash):
        pos = np.minimum(np.searchsorted(index.exact_hash, h), len(index.exact_hash) - 1)
        hit = index.exact_hash[pos] == h
        out[hit] = index.exact_unit[pos[hit]]
    if threshold >= 1.0 or len(index.rep_sig) == 0:
        return out
    todo = np.flatnonzero((out < 0) & np.fromiter((len(c) >= 8 for c in compact_texts), dtype=bool, count=n))
    if len(todo) == 0:
        return out
    keys = band_keys(signatures[todo])
    for b in range(BANDS):
        bk = index.bucket_key[b]
        if not len(bk):
            continue
        pos = np.minimum(np.searchsorted(bk, keys[:, b]), len(bk) - 1)
        hit = np.flatnonzero((bk[pos] == keys[:, b]) & (out[todo] < 0))
        if not len(hit):
            continue
        reps = index.bucket_rep[b][pos[hit]]
        agree = (index.rep_sig[reps] == signatures[todo[hit]]).mean(axis=1)
        close = agree >= threshold
        out[todo[hit[close]]] = index.rep_unit[reps[close]]
    return out
