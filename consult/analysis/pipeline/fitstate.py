"""The fitted state of a cold run, kept next to the token cache for warm starts.

A cold run with a cache writes ``<cache>.fit-<fit fingerprint>``: the vocabulary
and IDF, the LSA components, per-unit feature rows and term sets, the chosen k
and final centroids, the duplicate index and per-text escalation terms, plus
the text hashes of its corpus. A later run with the same fit fingerprint
(pipeline version, tokenizer namespace, shipped data hashes, every parameter
that shapes the fit) whose corpus overlaps that corpus by at least
``warm_min_overlap`` (Jaccard over distinct text hashes) starts warm from it.

Only cold runs write the state, so every warm run is at most one threshold's
drift away from a full fit; once the corpus has moved further, the next run is
cold and refreshes the state.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from .dedup import DupIndex

STATE_VERSION = 1
# parameters that change no fitted quantity: execution, warm-start policy, description only
NOT_FITTED = frozenset({"workers", "parallel_min_docs", "cache_path", "warm_start", "warm_min_overlap",
                        "keyword_idf", "n_keywords", "n_representatives"})


@dataclass
class FitState:
    fit_fingerprint: str
    run_fingerprint: str
    doc_unit: dict[bytes, int]  # text hash of every document -> cold unit
    head_unit: dict[bytes, int]  # text hash of each unit's first member -> unit
    head_text: list[str]  # clean (scrubbed) text of each unit's first member
    escalation: dict[bytes, tuple[str, ...]]  # text hash -> escalation terms (non-empty only)
    x: np.ndarray  # (units, d) LSA rows
    binary: sp.csr_matrix  # (units, terms) term presence, for keywords
    terms: list[str]
    word_keep: np.ndarray
    word_idf: np.ndarray
    char_keep: np.ndarray | None
    char_idf: np.ndarray | None
    components: np.ndarray | None
    centroids: np.ndarray
    nearest: np.ndarray  # per unit: index of its nearest centroid (-1: empty text)
    k_initial: int
    k_scores: dict
    dup: DupIndex
    extra: dict[str, Any] = field(default_factory=dict)


def fit_fingerprint(params: dict[str, Any], namespace: str, resource_hashes: dict[str, str], version: str) -> str:
    fitted = {k: v for k, v in sorted(params.items()) if k not in NOT_FITTED}
    blob = json.dumps([STATE_VERSION, version, namespace, resource_hashes, fitted], sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=8).hexdigest()


def run_fingerprint(fit_fp: str, keys: Sequence[bytes]) -> str:
    """Names one run: its fit fingerprint and the set of its texts (order-free)."""
    h = hashlib.blake2b(fit_fp.encode("ascii"), digest_size=8)
    for k in sorted(set(keys)):
        h.update(k)
    return h.hexdigest()


def state_path(cache_path: str, fit_fp: str) -> Path:
    return Path(f"{cache_path}.fit-{fit_fp}")


def save(cache_path: str, state: FitState) -> None:
    path = state_path(cache_path, state.fit_fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".fitstate-")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump({"version": STATE_VERSION, "state": state}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(cache_path: str, fit_fp: str) -> FitState | None:
    path = state_path(cache_path, fit_fp)
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
        state = data["state"]
        if data.get("version") != STATE_VERSION or state.fit_fingerprint != fit_fp:
            return None
        return state
    except Exception:  # a damaged state is no state: the run is cold
        return None


def overlap(state: FitState, keys: Sequence[bytes]) -> float:
    """Jaccard similarity of the distinct text hashes of this corpus and the cached run's."""
    mine = set(keys)
    if not mine and not state.doc_unit:
        return 1.0
    common = sum(1 for k in mine if k in state.doc_unit)
    return common / (len(mine) + len(state.doc_unit) - common)
