"""Step 5b-6b: one concern per point (split by name), where it is, and how much it weighs.

**Split.** k-means groups by vocabulary, so a point about "cracked walls and leaks"
gathers letters from every estate that has them. A point is split when a *name*
(a word discovered in this corpus, see discover.py: an estate, project or
platform) is concentrated in it: at least ``split_min_size`` of its texts use the
name, those are at least half of all texts using the name, and they are at most
``split_max_share`` of the point (else the point already is that place). The texts
with the name become a point of their own; the rest is looked at again. A
problem term (any other word) splits a point the same way when twice as many
texts use it, they are at least 70 % of its uses and at most 60 % of the point
(人才补贴 inside a point about subsidies in general), and when, after a few
2-means steps seeded by the term, the two pieces' centroids differ (cosine
below 0.9; a coherent point is not cut in two). Splits go largest first
(names count double) while the number of points stays within ``max_points``. The
point a piece was split from is its ``theme`` (a two-level result: themes for a
department-level view, points inside them).

**Place.** A point's place is the name used by most of its texts (at least 40 %),
else the dominant masked place (A3区) below city level, else none.

**Weight** (the order of the points, heaviest first)::

    weight = people * (0.25 + concentration)^2 * (1 + escalation) * recency

* people: distinct writers (texts without an author count one each), each counted
  with the largest ``weight`` among their texts (likes, households of a petition);
* concentration in [0, 1]: the mean of the share of texts naming the point's place
  and the share using its strongest key term (one place, one problem);
* escalation: the point's escalation score in [0, 1] (describe.escalation_summary);
* recency in [0.5, 1]: ``0.5 + 0.5 * 0.5 ** (age / 365)``, age in days from the
  point's median text time to the newest text time in the run (1 without times).

The parts are in each point's ``weight_parts``.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from .keywords import is_place

SPLIT_MIN_SHARE_OF_NAME = 0.5
PROBLEM_MIN_SHARE_OF_TERM = 0.7
PROBLEM_MAX_SHARE = 0.6
PROBLEM_MAX_COSINE = 0.9  # pieces whose centroids are this alike are one concern: no split


def name_columns(terms: Sequence[str], names: Sequence[str]) -> np.ndarray:
    wanted = set(names)
    return np.array([j for j, t in enumerate(terms) if t in wanted], dtype=np.int64)


def split_by_name(labels: np.ndarray, binary: sp.csr_matrix, unit_sizes: np.ndarray, name_cols: np.ndarray,
                  max_points: int, min_size: int, max_share: float,
                  x: np.ndarray | None = None) -> tuple[np.ndarray, dict[int, int]]:
    """New labels with name- (then problem-) concentrated pieces split off, and {new label: label it was split from}."""
    labels = labels.copy()
    parent: dict[int, int] = {}
    if len(labels) == 0 or not (labels >= 0).any():
        return labels, parent
    weighted = (sp.diags(unit_sizes.astype(np.float64)) @ binary.astype(np.float64)).tocsr()
    total = np.asarray(weighted.sum(axis=0)).ravel()
    is_name = np.zeros(binary.shape[1], dtype=bool)
    is_name[name_cols] = True
    # a name needs min_size texts and half its uses; a problem term twice that and PROBLEM_SHARE of its uses
    need = np.where(is_name, min_size, 2 * min_size)
    share = np.where(is_name, SPLIT_MIN_SHARE_OF_NAME, PROBLEM_MIN_SHARE_OF_TERM) * total
    cap = np.where(is_name, max_share, PROBLEM_MAX_SHARE)
    best: dict[int, tuple] = {}
    by_name: set[int] = set()  # points that are one place already: no problem split
    blocked: dict[int, set] = {}

    def candidate(c: int):
        rows = np.flatnonzero(labels == c)
        size = float(unit_sizes[rows].sum())
        inside = np.asarray(weighted[rows].sum(axis=0)).ravel()
        ok = (inside >= need) & (inside >= share) & (inside <= cap * size) & (size - inside >= min_size)
        if c in by_name or (inside[is_name] >= 0.5 * size).any():  # one place already: no problem split
            ok &= is_name
        for j in blocked.get(c, ()):
            ok[j] = False
        if not ok.any():
            return None
        score = np.where(ok, inside * np.where(is_name, 2.0, 1.0), -1)  # names first
        j = int(np.argmax(score))
        return score[j], j, rows

    n_points = len(np.unique(labels[labels >= 0]))
    for c in np.unique(labels[labels >= 0]).tolist():
        best[c] = candidate(c)
    while n_points < max_points:
        live = [(v[0], -c, c) for c, v in best.items() if v is not None]
        if not live:
            break
        _, _, c = max(live)
        _, j, rows = best[c]
        take = rows[binary[rows][:, [j]].toarray().ravel() > 0]
        if not is_name[j] and x is not None:
            take = _two_means(x, rows, take)
            small = min(unit_sizes[take].sum(), unit_sizes[rows].sum() - unit_sizes[take].sum()) < min_size
            if small or _cosine(x, take, np.setdiff1d(rows, take)) >= PROBLEM_MAX_COSINE:
                blocked.setdefault(c, set()).add(j)
                best[c] = candidate(c)
                continue
        new = int(labels.max()) + 1
        labels[take] = new
        parent[new] = parent.get(c, c)
        if is_name[j]:
            by_name.add(new)
        n_points += 1
        best[c] = candidate(c)
        best[new] = candidate(new)
    return labels, parent


def _cosine(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 or len(b) == 0:
        return 1.0
    ca, cb = x[a].mean(axis=0), x[b].mean(axis=0)
    return float(ca @ cb / ((np.linalg.norm(ca) * np.linalg.norm(cb)) or 1.0))


def _two_means(x: np.ndarray, rows: np.ndarray, take: np.ndarray, steps: int = 5) -> np.ndarray:
    """Refine a split of ``rows`` seeded by ``take`` (texts using a problem term) with a few 2-means steps."""
    inside = np.isin(rows, take)
    for _ in range(steps):
        if inside.all() or not inside.any():
            break
        a = x[rows[inside]].mean(axis=0)
        b = x[rows[~inside]].mean(axis=0)
        now = (x[rows] @ a) / (np.linalg.norm(a) or 1.0) > (x[rows] @ b) / (np.linalg.norm(b) or 1.0)
        if np.array_equal(now, inside):
            break
        inside = now
    return rows[inside]


def dominant_place(doc_names: Sequence[Counter], masked: Counter, n: int, min_share: float = 0.4):
    """(place, share of texts naming it) from per-point counts of names and masked places."""
    total = Counter()
    for c in doc_names:
        total.update(c)
    if total:
        name, count = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if count / n >= min_share:
            return name, count / n
    if masked:
        place, count = sorted(masked.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if count / n >= min_share and not place.endswith(("市", "省")):
            return place, count / n
    return None, 0.0


def people(authors: Sequence[str | None], weights: Sequence[float]) -> float:
    best: dict = {}
    for i, (a, w) in enumerate(zip(authors, weights)):
        key = a if a else ("text", i)
        best[key] = max(best.get(key, 0.0), float(w))
    return float(sum(best.values()))


def parse_day(value: str | None) -> int | None:
    """Days since 1970 of an ISO date or date-time (string or object); None when absent or unreadable."""
    if value is not None and not isinstance(value, str):
        value = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal() - 719163
    except ValueError:
        return None


def recency(days: Sequence[int | None], newest: int | None) -> float:
    known = [d for d in days if d is not None]
    if not known or newest is None:
        return 1.0
    age = max(0.0, newest - float(np.median(known)))
    return 0.5 + 0.5 * 0.5 ** (age / 365.0)


def weigh(n_people: float, place_share: float, problem_share: float, escalation: float, rec: float) -> dict:
    concentration = (place_share + problem_share) / 2
    weight = n_people * (0.25 + concentration) ** 2 * (1 + escalation) * rec
    return {"weight": round(weight, 4), "people": round(n_people, 4), "concentration": round(concentration, 4),
            "place_share": round(place_share, 4), "problem_share": round(problem_share, 4),
            "escalation": round(escalation, 4), "recency": round(rec, 4)}


def masked_places(terms_of_unit: Sequence[str]) -> list[str]:
    return [t for t in terms_of_unit if is_place(t)]
