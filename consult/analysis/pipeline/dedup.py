"""Step 3: group copies and near-copies.

Exact copies (same text after removing punctuation and spaces) are grouped
first; near-copies are found by MinHash LSH over character 3-gram shingles
(signatures from :mod:`.tokenise`) and verified by the signature agreement,
which estimates Jaccard similarity. A group is clustered once and keeps its size.
"""
from __future__ import annotations

from collections import defaultdict
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
