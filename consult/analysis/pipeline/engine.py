"""The pipeline entry point: ``run(docs, params) -> AnalysisResult``."""
from __future__ import annotations

import os
import time
from collections import Counter
from typing import Callable, Sequence

import numpy as np

from . import cluster as cluster_mod
from . import dedup, describe, keywords as kw, resources, tokenise, vectorise
from .model import AnalysisResult, Document, DuplicateGroup, Escalation, Params, RiskPoint

PIPELINE_VERSION = "0.1.0"
EXCERPT_CHARS = 160

Progress = Callable[[str, int, int], None]


def _fit_rows(keys: Sequence[bytes], limit: int) -> np.ndarray:
    """A deterministic sample that is stable when texts are added: smallest hashes first."""
    n = len(keys)
    if n <= limit:
        return np.arange(n)
    order = sorted(range(n), key=lambda i: keys[i])
    return np.sort(np.asarray(order[:limit]))


def run(docs: Sequence[Document], params: Params | None = None, progress: Progress | None = None) -> AnalysisResult:
    params = params or Params()
    params.validate()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - start, 3)
        return now

    def tell(stage: str, done: int = 1, total: int = 1) -> None:
        if progress:
            progress(stage, done, total)

    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be unique")
    n = len(docs)
    # raw title + body; normalising, scrubbing and tokenising happen together (cached, in parallel)
    raw_titles = [d.title.strip() if d.title and d.title.strip() else "" for d in docs]
    raw_full = [f"{t}\n{d.text}" if t else d.text for t, d in zip(raw_titles, docs)]
    title_idx = [i for i in range(n) if raw_titles[i]]
    batch = raw_full + [raw_titles[i] for i in title_idx]
    t = lap("prepare", t0)

    spec = resources.dictionary_spec(params.user_dict)
    cache_path = params.cache_path or os.environ.get("CONSULT_ANALYSIS_CACHE") or None
    cleaned, token_lists, sigs, tok_stats = tokenise.featurise(
        batch, params.tokenizer, spec, cache_path, params.workers, params.parallel_min_docs, progress
    )
    full = cleaned[:n]  # normalised and scrubbed: the only text that reaches the output
    doc_tokens = token_lists[:n]  # space-joined strings
    if params.title_repeat > 1:
        for j, i in enumerate(title_idx):
            doc_tokens[i] = " ".join([doc_tokens[i]] + [token_lists[n + j]] * (params.title_repeat - 1))
    sigs = sigs[:n]
    t = lap("tokenise", t)

    # --- near-duplicates: units are groups of copies, represented by their first member
    tell("duplicates")
    compacts = [tokenise.compact(f) for f in full]
    roots = dedup.group_duplicates(compacts, sigs, params.dup_threshold)
    groups = dedup.groups_from_roots(roots)
    unit_heads = sorted(groups)  # first member of each group, input order
    unit_members = [groups[h] for h in unit_heads]
    unit_sizes = np.array([len(m) for m in unit_members], dtype=np.float64)
    t = lap("duplicates", t)

    # --- features over units
    tell("features")
    unit_tokens = [doc_tokens[h] for h in unit_heads]
    counts, terms = vectorise.word_counts(unit_tokens)
    word_x, _, _ = vectorise.tfidf(counts, min_df=2, max_df=0.5, max_features=params.max_word_features)
    parts = [(word_x, 1.0)]
    if params.char_bigrams:
        cjk_texts = [full[h] for h in unit_heads]
        char_x, _, _ = vectorise.tfidf(
            vectorise.char_bigram_counts(cjk_texts), min_df=2, max_df=0.5, max_features=params.max_char_features
        )
        parts.append((char_x, params.char_weight))
    matrix = vectorise.combine(parts)
    unit_keys = [tokenise.text_key(full[h]) for h in unit_heads]
    fit_rows = _fit_rows(unit_keys, params.fit_sample)
    x = vectorise.lsa(matrix, fit_rows, params.svd_dims, params.seed) if matrix.shape[1] else np.zeros((len(unit_heads), 1), np.float32)
    t = lap("features", t)

    # --- clustering
    tell("cluster")
    max_unassigned_units = int(params.max_unassigned * len(unit_heads))
    result = cluster_mod.cluster(
        x,
        unit_sizes,
        fit_rows,
        params.max_points,
        params.min_cluster_size,
        params.merge_threshold,
        params.assign_threshold,
        max_unassigned_units,
        params.n_init,
        params.seed,
        params.k_tolerance,
    )
    t = lap("cluster", t)

    # --- describe
    tell("describe")
    kw_model = kw.KeywordModel(counts, terms, mode=params.keyword_idf)
    # masked places (A区, B镇 ...) that are specific enough to name a point: used by < 30 % of texts
    n_units = max(1, len(unit_heads))
    place_cols = np.array([j for j, term in enumerate(terms) if kw.is_place(term)], dtype=np.int64)
    if len(place_cols):
        place_df = np.asarray(kw_model.binary[:, place_cols].sum(axis=0)).ravel()
        place_cols = place_cols[place_df / n_units < 0.3]

    points: list[RiskPoint] = []
    unassigned: list[int] = []
    labels = result.labels
    for c in range(len(result.centroids)):
        rows = np.flatnonzero(labels == c)
        if len(rows) == 0:
            continue
        doc_idx = sorted(i for r in rows for i in unit_members[r])
        if len(doc_idx) < params.min_cluster_size:
            unassigned.extend(doc_idx)
            continue
        keywords = kw_model.cluster_keywords(rows, params.n_keywords)
        places = Counter()
        if len(place_cols):
            used = np.asarray(kw_model.binary[rows][:, place_cols].sum(axis=0)).ravel()
            places = Counter({terms[j]: int(c) for j, c in zip(place_cols, used) if c})
        place = describe.dominant_place(places, len(rows))
        title = describe.make_title(keywords, place)
        weights = [float(docs[i].weight) for i in doc_idx]
        esc_terms = [describe.escalation_terms(full[i]) for i in doc_idx]
        esc_score, esc_top, esc_counts = describe.escalation_summary(esc_terms, weights)
        area, area_conf, dim, dim_conf = describe.classify(keywords, esc_score)
        central = rows[np.argsort(-result.similarity[rows], kind="stable")][: params.n_representatives]
        reps = [unit_heads[r] for r in central]
        stance = Counter(docs[i].stance for i in doc_idx if docs[i].stance)
        authors = {docs[i].author for i in doc_idx if docs[i].author}
        campaign_docs = sum(len(unit_members[r]) for r in rows if len(unit_members[r]) >= params.campaign_min_size)
        points.append(
            RiskPoint(
                id="",
                title=title,
                keywords=[{"term": kw.display(term), "weight": round(w, 4)} for term, w in keywords],
                area=area,
                area_confidence=area_conf,
                dimension=dim,
                dimension_confidence=dim_conf,
                doc_ids=[ids[i] for i in doc_idx],
                representative_ids=[ids[i] for i in reps],
                representatives=[{"id": ids[i], "text": _excerpt(full[i])} for i in reps],
                size=len(doc_idx),
                unique_authors=len(authors) if authors else None,
                weight=round(sum(weights), 4),
                stance=dict(sorted(stance.items())),
                escalation=Escalation(esc_score, esc_top, esc_counts),
                campaign_doc_count=int(campaign_docs),
                cohesion=round(float(result.similarity[rows].mean()), 4),
            )
        )
    for r in np.flatnonzero(labels < 0):
        unassigned.extend(unit_members[r])
    points.sort(key=lambda p: (-p.weight, -p.size, p.doc_ids[0]))
    width = max(2, len(str(len(points))))
    for k, p in enumerate(points, 1):
        p.id = f"R{k:0{width}d}"

    dup_groups = [
        DuplicateGroup([ids[i] for i in members], len(members) >= params.campaign_min_size)
        for members in unit_members
        if len(members) > 1
    ]
    dup_groups.sort(key=lambda g: (-len(g.doc_ids), g.doc_ids[0]))
    t = lap("describe", t)
    timings["total"] = round(time.perf_counter() - t0, 3)
    tell("done")
    return AnalysisResult(
        pipeline_version=PIPELINE_VERSION,
        params=params.to_dict(),
        documents=n,
        risk_points=points,
        duplicates=dup_groups,
        unassigned=[ids[i] for i in sorted(unassigned)],
        resources=resources.resource_hashes(params.user_dict),
        stats={
            "timings": timings,
            "units": len(unit_heads),
            "k_chosen": result.k_initial,
            "k_silhouette": {str(k): v for k, v in result.k_scores.items()},
            **tok_stats,
        },
    )


def _excerpt(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
