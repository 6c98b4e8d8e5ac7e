"""Document vectors: sublinear TF-IDF on words + character bigrams, then LSA."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp

# sklearn is imported where a model is fitted (cold runs only): a warm start never pays for its import

_CJK_LO, _CJK_HI = 0x3400, 0x9FFF
BIGRAM_BITS = 18


def normalize(m, copy: bool = True):
    """L2-normalise rows of a dense array or CSR matrix; zero rows stay zero (as sklearn's normalize)."""
    if sp.issparse(m):
        m = m.tocsr(copy=copy)
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        norms = np.sqrt(np.bincount(rows, weights=np.square(m.data), minlength=m.shape[0]))
        norms[norms == 0] = 1.0
        m.data = (m.data / norms[rows]).astype(m.data.dtype, copy=False)
        return m
    m = np.asarray(m)
    norms = np.sqrt(np.einsum("ij,ij->i", m, m))
    norms[norms == 0] = 1.0
    return (m / norms[:, None]).astype(m.dtype, copy=False)


def word_counts(token_strings: Sequence[str], vocab: dict[str, int] | None = None) -> tuple[sp.csr_matrix, list[str]]:
    """Term-count matrix from space-joined tokens; vocabulary in first-seen order (deterministic).

    With ``vocab`` (term -> column, extended in place), known terms keep their columns
    and new terms are appended: a warm start counts new texts against a cached vocabulary.
    """
    vocab = {} if vocab is None else vocab
    indices: list[int] = []
    indptr = [0]
    setdefault = vocab.setdefault
    for toks in token_strings:
        indices.extend([setdefault(t, len(vocab)) for t in toks.split()])
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    m = sp.csr_matrix(
        (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(token_strings), len(vocab)),
    )
    m.sum_duplicates()
    terms = [""] * len(vocab)
    for t, i in vocab.items():
        terms[i] = t
    return m, terms


def char_bigram_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Counts of adjacent CJK character pairs, vectorised; columns are hashed pair keys."""
    n = len(texts)
    width = 1 << BIGRAM_BITS
    if n == 0:
        return sp.csr_matrix((0, width), dtype=np.float32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n)
    cp = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    if len(cp) < 2:
        return sp.csr_matrix((n, width), dtype=np.float32)
    is_cjk = (cp >= _CJK_LO) & (cp <= _CJK_HI)
    ok = is_cjk[:-1] & is_cjk[1:]  # pair p covers characters p and p+1
    ends = np.cumsum(lengths)
    crossing = ends[:-1] - 1  # the pair that joins a text to the next one
    ok[crossing[(crossing >= 0) & (crossing < len(ok))]] = False
    pos = np.flatnonzero(ok)
    # pairs of text i lie in [starts[i], ends[i] - 1); pos is sorted, so count by binary search
    indptr = np.concatenate(([0], np.searchsorted(pos, np.maximum(ends - 1, 0))))
    a = cp[pos] - np.uint32(_CJK_LO)
    b = cp[pos + 1] - np.uint32(_CJK_LO)
    # hashing trick: (a, b) -> one of 2**BIGRAM_BITS columns; rare collisions only add a little noise
    with np.errstate(over="ignore"):
        keys = a * np.uint32(0x9E3779B1) ^ b * np.uint32(0x85EBCA77)
    cols = (keys >> np.uint32(32 - BIGRAM_BITS)).astype(np.int32)
    m = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), cols, indptr), shape=(n, width))
    m.sum_duplicates()
    return m


def tfidf(
    counts: sp.csr_matrix, min_df: int = 2, max_df: float = 0.5, max_features: int | None = None
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Sublinear TF-IDF with L2 rows. Returns (matrix, kept column indices, idf of kept columns).

    With ``max_features``, only the columns used by most documents are kept (ties by column).
    """
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = np.flatnonzero((df >= min_df) & (df <= max(max_df * n, min_df)))
    if max_features and len(keep) > max_features:
        order = np.argsort(-df[keep], kind="stable")[:max_features]
        keep = np.sort(keep[order])
    m = counts[:, keep].tocsr()
    idf = (np.log((1.0 + n) / (1.0 + df[keep])) + 1.0).astype(np.float32)
    m.data = (1.0 + np.log(m.data)).astype(np.float32)
    m = (m @ sp.diags(idf)).tocsr()
    if m.shape[1] == 0:
        return m, keep, idf
    return normalize(m, copy=False), keep, idf


def tfidf_apply(counts: sp.csr_matrix, keep: np.ndarray, idf: np.ndarray) -> sp.csr_matrix:
    """The transform of :func:`tfidf` with a fitted column selection and IDF (warm start)."""
    m = counts[:, keep].tocsr()
    m.data = (1.0 + np.log(m.data)).astype(np.float32)
    m = (m @ sp.diags(idf)).tocsr()
    if m.shape[1] == 0:
        return m
    return normalize(m, copy=False)


def combine(parts: Sequence[tuple[sp.csr_matrix, float]]) -> sp.csr_matrix:
    mats = [m * w for m, w in parts if m.shape[1] > 0]
    if not mats:
        n = parts[0][0].shape[0]
        return sp.csr_matrix((n, 0), dtype=np.float32)
    return normalize(sp.hstack(mats).tocsr(), copy=False)


def lsa(matrix: sp.csr_matrix, fit_rows: np.ndarray, dims: int, seed: int) -> np.ndarray:
    """Fit truncated SVD on ``fit_rows`` and project every row; rows L2-normalised."""
    return lsa_fit(matrix, fit_rows, dims, seed)[0]


def lsa_fit(matrix: sp.csr_matrix, fit_rows: np.ndarray, dims: int, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`lsa` plus the fitted components (None: no projection, rows used as they are)."""
    n, f = matrix.shape
    if f == 0 or n == 0:
        return np.zeros((n, 1), dtype=np.float32), None
    dims = int(min(dims, f - 1, len(fit_rows) - 1))
    if dims < 2:
        dense = matrix.toarray().astype(np.float32)
        return (normalize(dense) if dense.size else np.zeros((n, 1), dtype=np.float32)), None
    from sklearn.decomposition import TruncatedSVD

    svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=4, random_state=seed)
    svd.fit(matrix[fit_rows])
    x = svd.transform(matrix).astype(np.float32)
    return normalize(x), svd.components_


def lsa_apply(matrix: sp.csr_matrix, components: np.ndarray | None) -> np.ndarray:
    """Project rows with fitted components (warm start); rows L2-normalised."""
    n = matrix.shape[0]
    if matrix.shape[1] == 0:
        return np.zeros((n, 1), dtype=np.float32)
    if components is None:
        dense = matrix.toarray().astype(np.float32)
        return normalize(dense) if dense.size else np.zeros((n, 1), dtype=np.float32)
    x = np.asarray(matrix @ components.T).astype(np.float32)
    return normalize(x)
