"""Dataclasses flowing in and out of the pipeline."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

SOURCES = ("comment", "survey", "hearing", "visit", "other")
STANCES = ("support", "oppose", "conditional", "other")


@dataclass(frozen=True)
class Document:
    """One resident text. ``title`` is analysed together with ``text``."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    stance: str | None = None
    group: str | None = None
    weight: float = 1.0
    time: str | None = None
    author: str | None = None


@dataclass
class Params:
    """Every knob of the pipeline. All of them are recorded in the result."""

    max_points: int = 30
    min_cluster_size: int = 3
    # tokenisation
    tokenizer: str = "rjieba"  # "rjieba" (fast, jieba-rs) or "jieba" (jieba.Tokenizer)
    user_dict: str | None = None  # extra jieba-format user dictionary, added to the shipped one
    title_repeat: int = 2  # how many times the title counts in the features
    # new-word discovery (discover.py): names found in this corpus are kept whole by this run's tokenizer
    discover_names: bool = True
    discover_sample: int = 10000  # distinct texts (smallest hashes) the words are discovered on
    discover_min_count: int = 5
    discover_min_pmi: float = 3.0
    discover_min_entropy: float = 1.0
    # near-duplicates
    dup_threshold: float = 0.7  # Jaccard similarity of character 3-gram shingles
    campaign_min_size: int = 5
    # features and clustering
    char_bigrams: bool = True
    char_weight: float = 0.5  # weight of the character-bigram block next to the word block (1.0)
    svd_dims: int = 128
    fit_sample: int = 12000  # fit LSA and k-means on at most this many unique texts
    max_word_features: int = 60000
    max_char_features: int = 40000
    n_init: int = 3
    k_tolerance: float = 0.01  # pick the largest k whose silhouette is within this of the best
    merge_threshold: float = 0.92  # cosine between centroids above which points merge
    split_min_size: int = 8  # texts naming one place that may become a point of their own (points.py)
    split_max_share: float = 0.8  # ... unless they are already this share of their point
    assign_threshold: float = 0.1  # cosine to centroid below which a text may stay unassigned
    max_unassigned: float = 0.05  # at most this share of texts left unassigned
    seed: int = 20240501
    # description
    keyword_idf: str = "corpus"  # "corpus" or "blend" (corpus IDF x jieba's background IDF)
    n_keywords: int = 10
    n_representatives: int = 5
    # execution (do not change results)
    workers: int = 0  # 0 = all cores for large inputs
    parallel_min_docs: int = 20000
    cache_path: str | None = None  # persistent token cache; env CONSULT_ANALYSIS_CACHE
    # warm start (needs a cache): reuse a cold run's fit when the corpus overlaps it enough
    warm_start: bool = True
    warm_min_overlap: float = 0.95  # Jaccard of distinct texts with the cached run's corpus

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Params":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown parameter(s): {', '.join(unknown)}")
        params = cls(**data)
        params.validate()
        return params

    def validate(self) -> None:
        if not isinstance(self.max_points, int) or self.max_points < 1:
            raise ValueError("max_points must be a positive integer")
        if self.keyword_idf not in ("corpus", "blend"):
            raise ValueError("keyword_idf must be 'corpus' or 'blend'")
        if self.tokenizer not in ("rjieba", "jieba"):
            raise ValueError("tokenizer must be 'rjieba' or 'jieba'")
        if not isinstance(self.warm_start, bool):
            raise ValueError("warm_start must be true or false")
        for name in ("dup_threshold", "merge_threshold", "max_unassigned", "warm_min_overlap"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.min_cluster_size < 1 or self.svd_dims < 2 or self.n_init < 1:
            raise ValueError("min_cluster_size, svd_dims and n_init must be positive")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Escalation:
    score: float
    terms: list[str]
    term_counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "terms": list(self.terms), "term_counts": dict(self.term_counts)}


@dataclass
class RiskPoint:
    id: str
    title: str
    keywords: list[dict[str, Any]]  # [{"term": str, "weight": float}]
    area: str
    area_confidence: float
    dimension: str
    dimension_confidence: float
    doc_ids: list[str]
    representative_ids: list[str]
    representatives: list[dict[str, str]]  # [{"id", "text"}], scrubbed excerpts
    size: int
    unique_authors: int | None
    weight: float
    stance: dict[str, int]
    escalation: Escalation
    campaign_doc_count: int = 0  # texts in this point that belong to a flagged campaign
    cohesion: float = 0.0  # mean cosine of members to the point's centroid
    place: str | None = None  # the estate / project / masked place most of its texts name
    theme: str | None = None  # title of the point it was split from (itself when not split): the first level
    weight_parts: dict[str, float] = field(default_factory=dict)  # people, concentration, escalation, recency

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["escalation"] = self.escalation.to_dict()
        return data


@dataclass
class DuplicateGroup:
    doc_ids: list[str]
    campaign: bool

    def to_dict(self) -> dict[str, Any]:
        return {"doc_ids": list(self.doc_ids), "size": len(self.doc_ids), "campaign": self.campaign}


@dataclass
class AnalysisResult:
    pipeline_version: str
    params: dict[str, Any]
    documents: int
    risk_points: list[RiskPoint]
    duplicates: list[DuplicateGroup]
    unassigned: list[str]
    resources: dict[str, str] = field(default_factory=dict)  # shipped data file hashes
    # how the result was produced: mode cold/warm, run and fit fingerprints, warm_from (the cached run)
    provenance: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)  # timings and counts, not part of the result proper

    def to_dict(self, include_stats: bool = True) -> dict[str, Any]:
        data = {
            "pipeline_version": self.pipeline_version,
            "params": dict(self.params),
            "resources": dict(self.resources),
            "provenance": dict(self.provenance),
            "documents": self.documents,
            "risk_points": [p.to_dict() for p in self.risk_points],
            "duplicates": [g.to_dict() for g in self.duplicates],
            "unassigned": list(self.unassigned),
        }
        if include_stats:
            data["stats"] = dict(self.stats)
        return data

    def assignment(self) -> dict[str, str | None]:
        """Map every document id to its risk point id (None when unassigned)."""
        out: dict[str, str | None] = {doc_id: None for doc_id in self.unassigned}
        for point in self.risk_points:
            for doc_id in point.doc_ids:
                out[doc_id] = point.id
        return out
