"""Steps 2-5 for the engine: texts -> units (groups of copies) -> vectors -> clusters.

``cold_units`` fits everything from scratch and can hand back a :class:`FitState`;
``warm_units`` reuses a cached run's state: texts it saw keep their cached
tokens-derived rows, groups and escalation terms; only new texts are cleaned,
tokenised, paired against the duplicate index, and projected with the cached
vocabulary, IDF and LSA components; k-means restarts from the cached centroids
(no k search).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from . import cluster as cluster_mod
from . import dedup, describe, discover, fitstate, tokenise, vectorise
from .model import Params

Progress = Callable[[str, int, int], None]


@dataclass
class Units:
    full: list[str | None]  # clean, scrubbed text per document (warm: only where needed)
    escalation: list[Sequence[str]]  # escalation terms per document
    heads: list[int]  # first member of each unit, input order
    members: list[list[int]]
    x: np.ndarray  # (units, d)
    binary: sp.csr_matrix  # (units, terms) term presence
    terms: list[str]
    clustering: cluster_mod.Clustering
    stats: dict = field(default_factory=dict)
    state: fitstate.FitState | None = None  # the fit a cold run can cache
    names: Sequence[str] = ()  # words discovered in this corpus (or the cached fit's)


def discover_names(raw_full: Sequence[str], keys: Sequence[bytes], params: Params, spec,
                   cache_path: str | None) -> tuple[tuple[str, ...], bool]:
    """This corpus's new words (see discover.py) and whether they came from the cache.

    All of them are names of places for splitting and titles; :func:`forced` are
    the ones the tokenizer must be told to keep whole."""
    if not params.discover_names or not raw_full:
        return (), False
    settings = (params.discover_min_count, params.discover_min_pmi, params.discover_min_entropy)
    words, hit = discover.cached_discover(raw_full, keys, cache_path, params.discover_sample, settings)
    return tuple(words), hit


def forced(names: Sequence[str], params: Params, spec) -> tuple[str, ...]:
    """The names the dictionary does not know: the tokenizer cuts them out whole."""
    seg = tokenise.get_segmenter(params.tokenizer, spec)
    return tuple(w for w in names if not seg.has_word(w))


def _fit_rows(keys: Sequence[bytes], limit: int) -> np.ndarray:
    """A deterministic sample that is stable when texts are added: smallest hashes first."""
    n = len(keys)
    if n <= limit:
        return np.arange(n)
    order = sorted(range(n), key=lambda i: keys[i])
    return np.sort(np.asarray(order[:limit]))


def _featurise(raw_full: list[str], raw_titles: list[str], idx: Sequence[int], params: Params,
               spec, cache_path: str | None, progress: Progress | None, names: Sequence[str] = ()):
    """Clean text, tokens (title counted ``title_repeat`` times) and signatures of docs ``idx``."""
    title_pos = [j for j, i in enumerate(idx) if raw_titles[i]]
    batch = [raw_full[i] for i in idx] + [raw_titles[idx[j]] for j in title_pos]
    cleaned, toks, sigs, stats = tokenise.featurise(
        batch, params.tokenizer, spec, cache_path, params.workers, params.parallel_min_docs, progress, names
    )
    m = len(idx)
    tokens = toks[:m]
    if params.title_repeat > 1:
        for t, j in enumerate(title_pos):
            tokens[j] = " ".join([tokens[j]] + [toks[m + t]] * (params.title_repeat - 1))
    return cleaned[:m], tokens, sigs[:m], stats


def _groups(labels: np.ndarray) -> tuple[list[int], list[list[int]]]:
    """Units from a group label per document: heads (first members) in input order, members sorted."""
    if len(labels) == 0:
        return [], []
    order = np.argsort(labels, kind="stable")
    bounds = np.concatenate(([0], np.flatnonzero(np.diff(labels[order])) + 1, [len(order)])).tolist()
    flat = order.tolist()
    parts = [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    parts.sort(key=itemgetter(0))
    return [p[0] for p in parts], parts


def _vectors(tokens: list[str], texts: list[str], params: Params, fit: fitstate.FitState) -> np.ndarray:
    """Project texts with a cached vocabulary, IDF and LSA components."""
    vocab = {t: j for j, t in enumerate(fit.terms)}
    counts, _ = vectorise.word_counts(tokens, vocab)
    parts = [(vectorise.tfidf_apply(counts, fit.word_keep, fit.word_idf), 1.0)]
    if fit.char_keep is not None:
        parts.append((vectorise.tfidf_apply(vectorise.char_bigram_counts(texts), fit.char_keep, fit.char_idf),
                      params.char_weight))
    return vectorise.lsa_apply(vectorise.combine(parts), fit.components)


def cold_units(raw_full, raw_titles, keys, params: Params, spec, cache_path, keep_state: bool,
               fit_fp: str, run_fp: str, tell, progress, lap) -> Units:
    n = len(raw_full)
    names, names_cached = discover_names(raw_full, keys, params, spec, cache_path)
    lap("discover")
    full, doc_tokens, sigs, tok_stats = _featurise(raw_full, raw_titles, range(n), params, spec, cache_path, progress,
                                                   forced(names, params, spec))
    tok_stats = {**tok_stats, "names": len(names), "names_cached": names_cached}
    lap("tokenise")

    tell("duplicates")
    compacts = [tokenise.compact(f) for f in full]
    roots = dedup.group_duplicates(compacts, sigs, params.dup_threshold)
    heads, members = _groups(np.asarray(roots, dtype=np.int64))
    unit_sizes = np.array([len(m) for m in members], dtype=np.float64)
    lap("duplicates")

    tell("features")
    unit_tokens = [doc_tokens[h] for h in heads]
    counts, terms = vectorise.word_counts(unit_tokens)
    word_x, word_keep, word_idf = vectorise.tfidf(counts, min_df=2, max_df=0.5, max_features=params.max_word_features)
    parts = [(word_x, 1.0)]
    char_keep = char_idf = None
    if params.char_bigrams:
        char_x, char_keep, char_idf = vectorise.tfidf(
            vectorise.char_bigram_counts([full[h] for h in heads]), min_df=2, max_df=0.5,
            max_features=params.max_char_features,
        )
        parts.append((char_x, params.char_weight))
    matrix = vectorise.combine(parts)
    fit_rows = _fit_rows([tokenise.text_key(full[h]) for h in heads], params.fit_sample)
    if matrix.shape[1]:
        x, components = vectorise.lsa_fit(matrix, fit_rows, params.svd_dims, params.seed)
    else:
        x, components = np.zeros((len(heads), 1), np.float32), None
    binary = counts.tocsr(copy=True)
    binary.data[:] = 1
    lap("features")

    tell("cluster")
    result = cluster_mod.cluster(
        x, unit_sizes, fit_rows, params.max_points, params.min_cluster_size, params.merge_threshold,
        params.assign_threshold, int(params.max_unassigned * len(heads)), params.n_init, params.seed,
        params.k_tolerance,
    )
    lap("cluster")
    escalation = [describe.escalation_terms(t) for t in full]
    units = Units(list(full), escalation, heads, members, x, binary, terms, result, dict(tok_stats), names=names)
    if keep_state and n:
        unit_of_doc = np.empty(n, dtype=np.int64)
        for u, mem in enumerate(members):
            unit_of_doc[mem] = u
        units.state = fitstate.FitState(
            fit_fingerprint=fit_fp, run_fingerprint=run_fp,
            doc_unit={k: int(u) for k, u in zip(keys, unit_of_doc)},
            head_unit={keys[h]: u for u, h in enumerate(heads)},
            head_text=[full[h] for h in heads],
            escalation={k: tuple(e) for k, e in zip(keys, escalation) if e},
            x=x, binary=binary, terms=terms, word_keep=word_keep, word_idf=word_idf,
            char_keep=char_keep, char_idf=char_idf, components=components,
            centroids=result.centroids, nearest=result.nearest, k_initial=result.k_initial, k_scores=result.k_scores,
            dup=dedup.build_index(compacts, sigs, unit_of_doc), extra={"names": list(names)},
        )
    return units


def warm_units(raw_full, raw_titles, keys, params: Params, spec, fit: fitstate.FitState, tell, progress, lap) -> Units:
    n = len(raw_full)
    known = np.fromiter((fit.doc_unit.get(k, -1) for k in keys), dtype=np.int64, count=n)
    new = np.flatnonzero(known < 0)
    full: list[str | None] = [None] * n
    tokens: dict[int, str] = {}
    names = tuple(fit.extra.get("names", ()))  # the cached fit's words: its vocabulary was built with them
    cleaned, toks, sigs, tok_stats = _featurise(raw_full, raw_titles, new.tolist(), params, spec, None, progress,
                                                forced(names, params, spec))
    for j, i in enumerate(new):
        full[i], tokens[int(i)] = cleaned[j], toks[j]
    lap("tokenise")

    # --- duplicates: cached groups; only new texts are paired, against the index and each other
    tell("duplicates")
    n_cold = len(fit.head_text)
    compacts = [tokenise.compact(t) for t in cleaned]
    to_cold = dedup.match_index(fit.dup, compacts, sigs, params.dup_threshold)
    among_new = dedup.group_duplicates(compacts, sigs, params.dup_threshold)
    uf = dedup._UnionFind(n_cold + len(new))
    for j in range(len(new)):
        if among_new[j] != j:
            uf.union(n_cold + among_new[j], n_cold + j)
        if to_cold[j] >= 0:
            uf.union(int(to_cold[j]), n_cold + j)
    group = known.copy()
    group[new] = n_cold + np.arange(len(new))
    if len(new):
        roots = np.asarray(uf.parent, dtype=np.int64)
        while True:  # pointer jumping: every entry ends at its root
            nxt = roots[roots]
            if np.array_equal(nxt, roots):
                break
            roots = nxt
        group = roots[group]
    heads, members = _groups(group)
    unit_sizes = np.array([len(m) for m in members], dtype=np.float64)
    lap("duplicates")

    # --- features: cached rows for units whose first member was a cached unit's first member
    tell("features")
    cached = np.fromiter((fit.head_unit.get(keys[h], -1) for h in heads), dtype=np.int64, count=len(heads))
    fresh = np.flatnonzero(cached < 0)
    redo = [heads[u] for u in fresh if heads[u] not in tokens]  # known texts that now lead a changed group
    if redo:
        c2, t2, _, _ = _featurise(raw_full, raw_titles, redo, params, spec, None, None, forced(names, params, spec))
        for j, i in enumerate(redo):
            full[i], tokens[i] = c2[j], t2[j]
    for u in np.flatnonzero(cached >= 0):
        full[heads[u]] = fit.head_text[cached[u]]
    fresh_heads = [heads[u] for u in fresh]
    d = fit.x.shape[1]
    x = np.zeros((len(heads), d), dtype=np.float32)
    x[cached >= 0] = fit.x[cached[cached >= 0]]
    vocab = {t: j for j, t in enumerate(fit.terms)}
    counts, terms = vectorise.word_counts([tokens[h] for h in fresh_heads], vocab)
    if len(fresh):
        x[fresh] = _vectors([tokens[h] for h in fresh_heads], [full[h] for h in fresh_heads], params, fit)
    width = len(terms)
    old = fit.binary[cached[cached >= 0]]
    old = sp.csr_matrix((old.data, old.indices, old.indptr), shape=(old.shape[0], width))
    newb = counts.tocsr(copy=True)
    newb.data[:] = 1
    stacked = sp.vstack([old, newb]).tocsr()
    order = np.concatenate([np.flatnonzero(cached >= 0), fresh])
    binary = stacked[np.argsort(order, kind="stable")]
    lap("features")

    tell("cluster")
    result = cluster_mod.warm_cluster(
        x, unit_sizes, fit.centroids, params.min_cluster_size, params.assign_threshold,
        int(params.max_unassigned * len(heads)), fit.k_initial, fit.k_scores,
        np.where(cached >= 0, fit.nearest[np.maximum(cached, 0)], -1),
    )
    lap("cluster")
    cached_terms = fit.escalation
    escalation = [cached_terms.get(k, ()) for k in keys]
    for i in new.tolist():
        escalation[i] = describe.escalation_terms(full[i])
    tok_stats = {**tok_stats, "new_texts": int(len(new)), "fresh_units": int(len(fresh)), "names": len(names)}
    return Units(full, escalation, heads, members, x, binary, terms, result, tok_stats, names=names)
