"""The pipeline entry point: ``run(docs, params) -> AnalysisResult``."""
from __future__ import annotations

import os
import time
from collections import Counter
from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from . import describe, fitstate, keywords as kw, points as pts, resources, tokenise
from .units import cold_units, warm_units
from .model import AnalysisResult, Document, DuplicateGroup, Escalation, Params, RiskPoint

PIPELINE_VERSION = "0.3.1"
EXCERPT_CHARS = 160

Progress = Callable[[str, int, int], None]


def run(docs: Sequence[Document], params: Params | None = None, progress: Progress | None = None) -> AnalysisResult:
    params = params or Params()
    params.validate()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    clock = [t0]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now

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
    keys = [tokenise.text_key(t) for t in raw_full]
    spec = resources.dictionary_spec(params.user_dict)
    res_hashes = resources.resource_hashes(params.user_dict)
    cache_path = params.cache_path or os.environ.get("CONSULT_ANALYSIS_CACHE") or None
    fit_fp = fitstate.fit_fingerprint(params.to_dict(), tokenise.namespace(params.tokenizer, spec), res_hashes,
                                      PIPELINE_VERSION)
    run_fp = fitstate.run_fingerprint(fit_fp, keys)
    fit, share, note = None, None, "no cache"
    if cache_path and n:
        if not params.warm_start:
            note = "warm start off"
        else:
            fit = fitstate.load(cache_path, fit_fp)
            if fit is None:
                note = "no cached fit for these parameters"
            else:
                share = fitstate.overlap(fit, keys)
                if share < params.warm_min_overlap:
                    note = f"overlap {share:.4f} below {params.warm_min_overlap}"
                    fit = None
                else:
                    note = "warm start"
    lap("prepare")
    if fit is not None:
        units = warm_units(raw_full, raw_titles, keys, params, spec, fit, tell, progress, lap)
    else:
        units = cold_units(raw_full, raw_titles, keys, params, spec, cache_path, bool(cache_path), fit_fp, run_fp,
                           tell, progress, lap)
    provenance = {
        "mode": "warm" if fit is not None else "cold",
        "run_fingerprint": run_fp,
        "fit_fingerprint": fit_fp,
        "warm_from": fit.run_fingerprint if fit is not None else None,
        "overlap": round(share, 4) if share is not None else None,
        "note": note,
    }
    full = units.full
    unit_heads, unit_members = units.heads, units.members
    result = units.clustering

    # --- describe
    tell("describe")
    terms = units.terms
    kw_model = kw.KeywordModel(units.binary, terms, mode=params.keyword_idf)
    # masked places (A区, B镇 ...) that are specific enough to name a point: used by < 30 % of texts
    n_units = max(1, len(unit_heads))
    place_cols = np.array([j for j, term in enumerate(terms) if kw.is_place(term)], dtype=np.int64)
    if len(place_cols):
        place_df = np.asarray(kw_model.binary[:, place_cols].sum(axis=0)).ravel()
        place_cols = place_cols[place_df / n_units < 0.3]

    points: list[RiskPoint] = []
    unassigned: list[int] = []
    unit_sizes = np.array([len(m) for m in unit_members], dtype=np.float64)
    name_cols = pts.name_columns(terms, units.names)
    labels, parents = pts.split_by_name(result.labels, kw_model.binary, unit_sizes, name_cols, params.max_points,
                                        params.split_min_size, params.split_max_share, units.x)
    days = [pts.parse_day(d.time) for d in docs]
    newest = max((d for d in days if d is not None), default=None)
    titles: dict[int, str] = {}
    for c in sorted(np.unique(labels[labels >= 0]).tolist(), key=lambda c: (c in parents, c)):
        rows = np.flatnonzero(labels == c)
        doc_idx = sorted(i for r in rows for i in unit_members[r])
        if len(doc_idx) < params.min_cluster_size:
            unassigned.extend(doc_idx)
            continue
        point = _describe(c, rows, doc_idx, docs, ids, full, units, kw_model, place_cols, name_cols, unit_sizes,
                          params, days, newest)
        titles[c] = point.title
        point.theme = titles.get(parents.get(c, c), point.title)
        points.append(point)
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
    lap("describe")
    if units.state is not None:
        fitstate.save(cache_path, units.state)
        lap("save_fit")
    timings["total"] = round(time.perf_counter() - t0, 3)
    tell("done")
    return AnalysisResult(
        pipeline_version=PIPELINE_VERSION,
        params=params.to_dict(),
        documents=n,
        risk_points=points,
        duplicates=dup_groups,
        unassigned=[ids[i] for i in sorted(unassigned)],
        resources=res_hashes,
        provenance=provenance,
        stats={
            "timings": timings,
            "units": len(unit_heads),
            "k_chosen": result.k_initial,
            "k_silhouette": {str(k): v for k, v in result.k_scores.items()},
            "refine_steps": result.refine_steps,
            "converged": result.converged,
            **units.stats,
        },
    )


def _describe(c, rows, doc_idx, docs, ids, full, units, kw_model, place_cols, name_cols, unit_sizes, params, days,
              newest) -> RiskPoint:
    """One risk point from its units ``rows`` and documents ``doc_idx``."""
    terms = units.terms
    n_docs = len(doc_idx)
    keywords = kw_model.cluster_keywords(rows, params.n_keywords)
    sub = kw_model.binary[rows]
    sizes = sp.diags(unit_sizes[rows]) @ sub.astype(np.float64)
    names = Counter()
    if len(name_cols):
        used = np.asarray(sizes[:, name_cols].sum(axis=0)).ravel()
        names = Counter({terms[j]: int(v) for j, v in zip(name_cols, used) if v})
    masked = Counter()
    if len(place_cols):
        used = np.asarray(sizes[:, place_cols].sum(axis=0)).ravel()
        masked = Counter({terms[j]: int(v) for j, v in zip(place_cols, used) if v})
    place, place_share = pts.dominant_place([names], masked, n_docs)
    centroid = units.x[rows].mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    sims = units.x[rows] @ (centroid / norm)
    central = rows[np.argsort(-sims, kind="stable")][: params.n_representatives]
    reps = [units.heads[r] for r in central]
    weights = [float(docs[i].weight) for i in doc_idx]
    esc_score, esc_top, esc_counts = describe.escalation_summary([units.escalation[i] for i in doc_idx], weights)
    problem = [(t, w) for t, w in keywords if t not in names and not kw.is_place(t)]
    topic, problem_share = describe.pick_topic(
        [(t, float(np.asarray(sizes[:, kw_model.column(t)].sum())) / n_docs) for t, _ in problem[:5]])
    title = describe.make_title(keywords, place, full[reps[0]], exclude=set(names), topic=topic,
                                escalation=esc_top if esc_score >= describe.ESCALATION_TITLE_SCORE else None)
    area, area_conf, dim, dim_conf = describe.classify(problem or keywords, esc_score)
    stance = Counter(docs[i].stance for i in doc_idx if docs[i].stance)
    authors = [docs[i].author for i in doc_idx]
    parts = pts.weigh(pts.people(authors, weights), place_share, problem_share, esc_score,
                      pts.recency([days[i] for i in doc_idx], newest))
    campaign_docs = sum(len(units.members[r]) for r in rows if len(units.members[r]) >= params.campaign_min_size)
    return RiskPoint(
        id="", title=title,
        keywords=[{"term": kw.display(term), "weight": round(w, 4)} for term, w in keywords],
        area=area, area_confidence=area_conf, dimension=dim, dimension_confidence=dim_conf,
        doc_ids=[ids[i] for i in doc_idx], representative_ids=[ids[i] for i in reps],
        representatives=[{"id": ids[i], "text": _excerpt(full[i])} for i in reps],
        size=n_docs, unique_authors=len({a for a in authors if a}) or None, weight=parts.pop("weight"),
        stance=dict(sorted(stance.items())), escalation=Escalation(esc_score, esc_top, esc_counts),
        campaign_doc_count=int(campaign_docs), cohesion=round(float(sims.mean()), 4),
        place=kw.display(place) if place else None, weight_parts=parts,
    )


def _excerpt(text: str) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
