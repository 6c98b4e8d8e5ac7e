"""Step 4: weighted terms per document and per cluster.

Cluster keywords are class-based TF-IDF: the share of the cluster's unique
texts that use a term, times the term's corpus IDF, optionally blended with a
background IDF (jieba's shipped ``idf.txt``, read from the installed jieba
package, no download). ``tests/bench/quality_analysis.py`` compares the modes.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
import scipy.sparse as sp

_PLACE = re.compile(r"^[a-z]\d{0,2}(?:省|市|区|县|镇|乡|村|街道|社区)$")


def is_place(term: str) -> bool:
    """Masked place names such as 'a市', 'b区', 'a3县' (lower-cased tokens)."""
    return bool(_PLACE.match(term))


def display(term: str) -> str:
    """Upper-case masked place letters again for output: 'a市' -> 'A市'."""
    if is_place(term):
        return term[0].upper() + term[1:]
    return term


@lru_cache(maxsize=1)
def background_idf() -> tuple[dict[str, float], float]:
    """jieba's background IDF table (term -> idf) and its median."""
    import jieba.analyse  # noqa: F401  (locates the shipped file; does not touch jieba.dt)

    path = Path(jieba.analyse.__file__).with_name("idf.txt")
    table: dict[str, float] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, _, value = line.rstrip("\n").partition(" ")
            if value:
                table[word] = float(value)
    median = float(np.median(np.fromiter(table.values(), dtype=np.float64))) if table else 1.0
    return table, median


class KeywordModel:
    """Corpus statistics for keyword weighting over unique texts (units)."""

    def __init__(self, counts: sp.csr_matrix, terms: list[str], mode: str = "corpus"):
        self.terms = terms
        binary = counts.copy().tocsr()
        binary.data[:] = 1
        self.binary = binary
        self.n = counts.shape[0]
        df = np.asarray(binary.sum(axis=0)).ravel()
        self.df = df
        idf = np.log((1.0 + self.n) / (1.0 + df)) + 1.0
        if mode == "blend":
            table, median = background_idf()
            bg = np.array([table.get(t, median) for t in terms], dtype=np.float64)
            idf = np.sqrt(idf * bg)
        elif mode != "corpus":
            raise ValueError("keyword mode must be 'corpus' or 'blend'")
        self.idf = idf

    def column(self, term: str) -> int:
        if not hasattr(self, "_index"):
            self._index = {t: j for j, t in enumerate(self.terms)}
        return self._index[term]

    def cluster_keywords(self, rows: np.ndarray, top: int) -> list[tuple[str, float]]:
        """Top terms of a set of units: share of units using the term x IDF (terms used by 2+ units)."""
        if len(rows) == 0:
            return []
        used = np.asarray(self.binary[rows].sum(axis=0)).ravel()
        min_units = 2 if len(rows) >= 4 else 1
        share = used / len(rows)
        # discriminative: how much more often the cluster uses the term than the corpus
        lift = np.log1p(share / np.maximum(self.df / self.n, 1e-9))
        score = share * self.idf * lift
        score[used < min_units] = 0
        order = np.argsort(-score, kind="stable")[: top * 3]
        out = []
        for j in order:
            if score[j] <= 0:
                break
            out.append((self.terms[j], float(score[j])))
        return _drop_redundant(out, top)


def document_keywords(tokens: Sequence[str], model: KeywordModel, top: int = 8) -> list[tuple[str, float]]:
    """Weighted terms of one document: sublinear tf x IDF."""
    index = {t: i for i, t in enumerate(model.terms)}
    counts: dict[str, int] = {}
    for t in tokens:
        counts[t] = counts.get(t, 0) + 1
    scored = []
    for t, c in counts.items():
        j = index.get(t)
        idf = model.idf[j] if j is not None else float(np.log(1.0 + model.n) + 1.0)
        scored.append((t, float((1 + np.log(c)) * idf)))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[:top]


def _drop_redundant(scored: list[tuple[str, float]], top: int) -> list[tuple[str, float]]:
    """Drop a term that is contained in a stronger term already chosen (补偿 under 补偿标准)."""
    chosen: list[tuple[str, float]] = []
    for term, score in scored:
        if any(term in c for c, _ in chosen if len(c) > len(term)):
            continue
        chosen.append((term, score))
        if len(chosen) >= top:
            break
    return chosen
