"""Step 5: cluster unique texts into concerns; k is chosen from the data.

k-means (k-means++, several seeded restarts) over L2-normalised LSA vectors
starts from a data-driven upper bound (``max_points`` and the number of unique
texts per minimum cluster size); clusters whose centroids are nearly the same
direction are merged, clusters that are too small are dissolved, and texts
that fit no centroid are left unassigned (bounded by ``max_unassigned``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .vectorise import normalize

SCORE_SAMPLE = 2500
REFINE_ITER = 50  # at most this many Lloyd steps over all units after the sample fit
REFINE_TOL = 0.001  # converged when at most this share of units changes its nearest centroid


@dataclass
class Clustering:
    labels: np.ndarray  # per unit: cluster index or -1
    centroids: np.ndarray  # (k, d), L2-normalised
    similarity: np.ndarray  # per unit: cosine to its (nearest) centroid
    k_initial: int
    k_scores: dict  # candidate k -> silhouette on a sample
    refine_steps: int = 0  # Lloyd steps over all units
    converged: bool = True
    nearest: np.ndarray | None = None  # per unit: nearest centroid before leaving weak fits out (-1: empty text)


def candidate_ks(cap: int, low: int = 2) -> list[int]:
    """Roughly geometric grid of k from ``low`` to ``cap`` (inclusive)."""
    ks, k = [], max(2, low)
    while k < cap:
        ks.append(k)
        k = max(k + 1, int(round(k * 1.25)))
    ks.append(cap)
    return sorted(set(x for x in ks if x >= 2))


def lowest_k(n_units: int, cap: int) -> int:
    """Smallest k considered: one point per ~200 unique texts, at most half the cap.

    Silhouette on short texts is noisy and sometimes peaks at k=2 on one dominant
    direction; a large collection always deserves more than a handful of points.
    """
    return max(2, min(cap // 2, n_units // 200))


def choose_k(x: np.ndarray, cap: int, seed: int, tolerance: float, low: int = 2) -> tuple[int, dict]:
    """Pick k by cosine silhouette on a sample: the largest k within ``tolerance`` of the best.

    Preferring the larger of near-equal k keeps points specific: an assessor merges
    two points faster than splitting one.
    """
    if cap <= 2 or low >= cap:
        return cap, {}
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    rng = np.random.RandomState(seed)
    sample = x if len(x) <= SCORE_SAMPLE else x[np.sort(rng.choice(len(x), SCORE_SAMPLE, replace=False))]
    cap = min(cap, max(2, len(sample) // 5))
    scores = {}
    for k in candidate_ks(cap, min(low, cap)):
        labels = KMeans(n_clusters=k, init="random", n_init=1, random_state=seed, max_iter=40).fit_predict(sample)
        if len(np.unique(labels)) < 2:
            continue
        scores[k] = round(float(silhouette_score(sample, labels, metric="cosine")), 4)
    if not scores:
        return cap, scores
    best = max(scores.values())
    k = max(k for k, v in scores.items() if v >= best - tolerance)
    return k, scores


def choose_k_cap(n_units: int, max_points: int, min_cluster_size: int) -> int:
    return int(max(1, min(max_points, n_units // max(1, min_cluster_size))))


def cluster(
    x: np.ndarray,
    unit_sizes: np.ndarray,
    fit_rows: np.ndarray,
    max_points: int,
    min_cluster_size: int,
    merge_threshold: float,
    assign_threshold: float,
    max_unassigned_units: int,
    n_init: int,
    seed: int,
    k_tolerance: float = 0.01,
) -> Clustering:
    n = x.shape[0]
    nonzero = np.linalg.norm(x, axis=1) > 0
    usable = np.flatnonzero(nonzero)
    labels = np.full(n, -1, dtype=np.int64)
    sim = np.zeros(n, dtype=np.float32)
    if len(usable) == 0:
        return Clustering(labels, np.zeros((0, x.shape[1]), dtype=np.float32), sim, 0, {}, 0, True, labels.copy())
    fit = np.intersect1d(fit_rows, usable)
    if len(fit) == 0:
        fit = usable
    k = choose_k_cap(len(usable), max_points, min_cluster_size)
    k = min(k, len(np.unique(x[fit], axis=0)))
    k, scores = choose_k(x[fit], k, seed, k_tolerance, lowest_k(len(usable), k))
    if k <= 1:
        centroids = normalize(x[usable].mean(axis=0, keepdims=True))
    else:
        centroids = normalize(kmeans(x[fit], k, n_init, seed).astype(np.float32))
    centroids = _merge_close(centroids, merge_threshold)
    centroids, steps, converged = refine(x, usable, unit_sizes, centroids, min_cluster_size)
    labels, sim, nearest = assign(x, usable, centroids, assign_threshold, max_unassigned_units)
    return Clustering(labels, centroids, sim, k, scores, steps, converged, nearest)


def refine(
    x: np.ndarray, usable: np.ndarray, unit_sizes: np.ndarray, centroids: np.ndarray, min_cluster_size: int,
    previous: np.ndarray | None = None, max_iter: int = REFINE_ITER, tolerance: float = REFINE_TOL,
) -> tuple[np.ndarray, int, bool]:
    """Lloyd steps over all usable units from ``centroids`` (a sample fit or a cached run's).

    Stops when at most ``tolerance`` of the units change their nearest centroid and
    returns the centroids that produced that assignment. ``previous`` is the
    assignment those centroids had (a cached run's; -1 for units it did not see),
    so a warm start on unchanged input stops at once and reproduces the cold run.
    Centroids whose clusters weigh less than ``min_cluster_size`` are dropped.
    Returns (centroids, steps, converged).
    """
    xu = x[usable]
    limit = int(tolerance * len(usable))
    prev = previous
    for it in range(max_iter):
        best = (xu @ centroids.T).argmax(axis=1)
        if prev is not None and int(np.count_nonzero(best != prev)) <= limit:
            return centroids, it, True
        sizes = np.bincount(best, weights=unit_sizes[usable], minlength=len(centroids))
        keep = np.flatnonzero(sizes >= min_cluster_size)
        if len(keep) == 0:
            keep = np.array([int(sizes.argmax())])
        remap = np.full(len(centroids), -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        prev = remap[best]
        ok = np.flatnonzero(prev >= 0)
        member = sp.csr_matrix((np.ones(len(ok), dtype=np.float32), (prev[ok], ok)), shape=(len(keep), len(xu)))
        centroids = normalize(np.asarray(member @ xu, dtype=np.float32))
    return centroids, max_iter, False


def assign(
    x: np.ndarray, usable: np.ndarray, centroids: np.ndarray, assign_threshold: float, max_unassigned_units: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest centroid per unit (labels, similarity, nearest before leaving any out); the weakest fits (below ``assign_threshold``, bounded) stay unassigned (-1)."""
    n = x.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    sim = np.zeros(n, dtype=np.float32)
    sims = x[usable] @ centroids.T
    best = sims.argmax(axis=1)
    labels[usable] = best
    nearest = labels.copy()
    sim[usable] = sims[np.arange(len(usable)), best]
    weak = usable[sim[usable] < assign_threshold]
    if len(weak) > max_unassigned_units:
        weak = weak[np.argsort(sim[weak], kind="stable")[:max_unassigned_units]]
    labels[weak] = -1
    return labels, sim, nearest


def warm_cluster(
    x: np.ndarray,
    unit_sizes: np.ndarray,
    centroids: np.ndarray,
    min_cluster_size: int,
    assign_threshold: float,
    max_unassigned_units: int,
    k_initial: int,
    k_scores: dict,
    previous: np.ndarray,
) -> Clustering:
    """Warm start: no k search, no seeding; Lloyd steps from a cached run's centroids.

    ``previous``: per unit, its nearest centroid in the cached run (-1 if new).
    """
    usable = np.flatnonzero(np.einsum("ij,ij->i", x, x) > 0)
    if len(usable) == 0 or len(centroids) == 0 or centroids.shape[1] != x.shape[1]:
        none = np.full(len(x), -1, dtype=np.int64)
        return Clustering(none, np.zeros((0, x.shape[1]), dtype=np.float32), np.zeros(len(x), dtype=np.float32),
                          0, {}, 0, True, none.copy())
    centroids, steps, converged = refine(x, usable, unit_sizes, centroids.astype(np.float32), min_cluster_size,
                                         previous[usable])
    labels, sim, nearest = assign(x, usable, centroids, assign_threshold, max_unassigned_units)
    return Clustering(labels, centroids, sim, k_initial, dict(k_scores), steps, converged, nearest)


def kmeans_pp_seeds(x: np.ndarray, k: int, rng: np.random.RandomState) -> np.ndarray:
    """k-means++ seeding for unit vectors (squared distance = 2 - 2 cos), in plain numpy.

    sklearn's k-means++ is slow for large k on this machine (13 s for k=156 on
    12k x 128); this one is O(k n d) with a single candidate per step.
    """
    n = len(x)
    idx = [int(rng.randint(n))]
    d2 = np.maximum(2.0 - 2.0 * (x @ x[idx[0]]), 0.0).astype(np.float64)
    for _ in range(1, k):
        total = d2.sum()
        if total <= 0:
            break
        c = int(np.searchsorted(np.cumsum(d2), rng.random_sample() * total))
        c = min(c, n - 1)
        idx.append(c)
        d2 = np.minimum(d2, np.maximum(2.0 - 2.0 * (x @ x[c]), 0.0))
    return x[idx]


def kmeans(x: np.ndarray, k: int, n_init: int, seed: int) -> np.ndarray:
    """Lloyd k-means from ``n_init`` k-means++ seedings; returns the best run's centres."""
    from sklearn.cluster import KMeans

    rng = np.random.RandomState(seed)
    best, best_inertia = None, np.inf
    for _ in range(n_init):
        seeds = kmeans_pp_seeds(x, k, rng)
        km = KMeans(n_clusters=len(seeds), init=seeds, n_init=1, max_iter=100, random_state=seed).fit(x)
        if km.inertia_ < best_inertia:
            best, best_inertia = km.cluster_centers_, km.inertia_
    return best


def _merge_close(centroids: np.ndarray, threshold: float) -> np.ndarray:
    """Merge centroids whose cosine similarity reaches ``threshold`` (single linkage)."""
    k = len(centroids)
    if k < 2 or threshold >= 1.0:
        return centroids
    s = centroids @ centroids.T
    parent = list(range(k))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    ii, jj = np.nonzero(np.triu(s >= threshold, 1))
    for i, j in zip(ii, jj):
        ri, rj = find(int(i)), find(int(j))
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    roots = sorted({find(i) for i in range(k)})
    merged = np.stack([centroids[[i for i in range(k) if find(i) == r]].mean(axis=0) for r in roots])
    return normalize(merged)
