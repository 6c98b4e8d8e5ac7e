"""Clustering quality of the analysis engine against labelled texts, next to a naive baseline.

    .venv/bin/python tests/bench/quality_analysis.py [--data FILE.jsonl] [--label topic] [--max-points 40]
        [--params '{"svd_dims": 200}'] [--baseline-k 15,20,30,40] [--keywords] [--issue-points 200]
    .venv/bin/python tests/bench/quality_analysis.py --both     # both dev sets, topic level and planted issues

With ``--issue-points N`` (default 200) and data carrying an ``issue`` field (the
letters set, tests/analysis/data/make_letters.py), a second run with
``max_points=N`` reports, for each planted issue, the point with the best F1
against the issue's letters, its rank by weight and its title.

Input lines carry ``id``, ``text``, optional ``title`` and a label field
(default ``topic``; the dev set also has ``concern``). Not collected by pytest.

Scores: purity counts unassigned texts as wrong; NMI treats the unassigned
texts as one more cluster. The naive baseline is jieba.lcut -> TfidfVectorizer
-> KMeans(k) run here on the same data.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from consult.analysis.pipeline import Document, Params, run  # noqa: E402

DEFAULT_DATA = ROOT / "tests" / "analysis" / "data" / "devset.jsonl"
LETTERS = ROOT / "tests" / "analysis" / "data" / "letters.jsonl"


def purity(pred: list, gold: list) -> float:
    by_cluster: dict = defaultdict(Counter)
    for p, g in zip(pred, gold):
        if p is not None:
            by_cluster[p][g] += 1
    return sum(c.most_common(1)[0][1] for c in by_cluster.values()) / len(gold)


def nmi(pred: list, gold: list) -> float:
    return float(normalized_mutual_info_score(gold, ["__unassigned__" if p is None else p for p in pred]))


def load(path: Path, label: str):
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    docs = [Document(id=str(r["id"]), text=r["text"], title=r.get("title"), stance=r.get("stance"),
                     author=r.get("author"), weight=float(r.get("weight", 1)), time=r.get("time")) for r in rows]
    gold = [r[label] for r in rows]
    issues = {str(r["id"]): r["issue"] for r in rows if r.get("issue")}
    return docs, gold, issues


def issue_report(docs, issues: dict, params) -> None:
    """Per planted issue: best-F1 point, its rank by weight (1 = heaviest), size, title."""
    result = run(docs, params)
    print(f"planted issues at max_points={params.max_points}: {len(result.risk_points)} points, "
          f"unassigned {100 * len(result.unassigned) / len(docs):.1f}%")
    for issue in sorted(set(issues.values())):
        gold = {i for i, v in issues.items() if v == issue}
        best = (0.0, None, 0)
        for rank, p in enumerate(result.risk_points, 1):
            tp = len(gold.intersection(p.doc_ids))
            f1 = 2 * tp / (len(gold) + p.size) if tp else 0.0
            if f1 > best[0]:
                best = (f1, p, rank)
        f1, p, rank = best
        if p is None:
            print(f"  {issue:<22} n={len(gold):3d}  not found")
            continue
        print(f"  {issue:<22} n={len(gold):3d}  F1 {f1:.2f}  rank {rank:3d}  size {p.size:3d}  {p.title}")



def naive(docs, gold, ks, seed=0):
    import jieba
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    t0 = time.perf_counter()
    texts = [((d.title or "") + " " + d.text) for d in docs]
    toks = [jieba.lcut(t) for t in texts]
    x = TfidfVectorizer(analyzer=lambda t: t, min_df=2).fit_transform(toks)
    out = []
    for k in ks:
        labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(x)
        out.append((k, purity(list(labels), gold), nmi(list(labels), gold)))
    return out, time.perf_counter() - t0


def keyword_eval(docs, params) -> None:
    """Share of top-5 keywords that belong to the majority concern's own phrases (not shared filler)."""
    import importlib.util
    from dataclasses import replace

    spec = importlib.util.spec_from_file_location("make_devset", ROOT / "tests" / "analysis" / "data" / "make_devset.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rows = {json.loads(line)["id"]: json.loads(line) for line in DEFAULT_DATA.open(encoding="utf-8")}
    filler = "".join(gen.GENERIC + gen.SHARED + gen.OPENERS + gen.CLOSINGS + gen.ESCALATE)
    pools = {c: "".join(t + "".join(s for v in slots.values() for s in v) for t in [""] + titles)
             for c, (_, titles, slots) in gen.C.items()}
    for mode in ("corpus", "blend"):
        result = run(docs, replace(params, keyword_idf=mode))
        hits = total = 0
        for p in result.risk_points:
            concern = Counter(rows[i]["concern"] for i in p.doc_ids).most_common(1)[0][0]
            for k in p.keywords[:5]:
                term = k["term"]
                total += 1
                hits += term in pools[concern] and term not in filler
        print(f"keywords ({mode}): {hits / max(total, 1):.3f} of top-5 keywords are the concern's own terms "
              f"({total} keywords over {len(result.risk_points)} points)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--label", default="topic")
    ap.add_argument("--max-points", type=int, default=40)
    ap.add_argument("--params", default="{}")
    ap.add_argument("--baseline-k", default="15,20,30,40")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--seeds", type=int, default=0, help="also report the spread over this many extra seeds")
    ap.add_argument("--keywords", action="store_true", help="print each point's title, size and majority label")
    ap.add_argument("--keyword-eval", action="store_true",
                    help="dev set only: precision of each point's top-5 keywords against its concern's phrase pool, "
                         "for keyword_idf=corpus and blend")
    ap.add_argument("--issue-points", type=int, default=200)
    ap.add_argument("--both", action="store_true", help="run on the dev set and the letters set in turn")
    args = ap.parse_args()
    if args.both:
        for data in (DEFAULT_DATA, LETTERS):
            args.data = str(data)
            evaluate(args)
            print()
        return
    evaluate(args)


def evaluate(args) -> None:
    docs, gold, issues = load(Path(args.data), args.label)
    params = Params.from_dict({"max_points": args.max_points, **json.loads(args.params)})
    t0 = time.perf_counter()
    result = run(docs, params)
    elapsed = time.perf_counter() - t0
    assign = result.assignment()
    pred = [assign[d.id] for d in docs]
    print(f"data: {args.data} ({len(docs)} texts, {len(set(gold))} '{args.label}' labels)")
    print(f"engine: {len(result.risk_points)} points, unassigned {len(result.unassigned)} "
          f"({100 * len(result.unassigned) / len(docs):.1f}%), purity {purity(pred, gold):.3f}, "
          f"NMI {nmi(pred, gold):.3f}, {elapsed:.1f}s")
    if args.seeds:
        from dataclasses import replace

        scores = []
        for seed in range(1, args.seeds + 1):
            r = run(docs, replace(params, seed=seed))
            a = r.assignment()
            p = [a[d.id] for d in docs]
            scores.append((purity(p, gold), nmi(p, gold), len(r.risk_points)))
        pu = [x[0] for x in scores]
        nm = [x[1] for x in scores]
        print(f"over {args.seeds} other seeds: purity {min(pu):.3f}-{max(pu):.3f} (mean {sum(pu) / len(pu):.3f}), "
              f"NMI {min(nm):.3f}-{max(nm):.3f} (mean {sum(nm) / len(nm):.3f}), points {sorted({x[2] for x in scores})}")
    if args.keywords:
        label_of = dict(zip((d.id for d in docs), gold))
        for p in result.risk_points:
            c = Counter(label_of[i] for i in p.doc_ids)
            top, cnt = c.most_common(1)[0]
            print(f"  {p.id} n={p.size:4d} {cnt / p.size:4.0%} {top:<24} {p.title}  [{p.area}/{p.dimension}] esc={p.escalation.score}")
    if args.keyword_eval:
        keyword_eval(docs, params)
    if issues and args.issue_points:
        from dataclasses import replace

        issue_report(docs, issues, replace(params, max_points=args.issue_points))
    if not args.no_baseline:
        ks = [int(k) for k in args.baseline_k.split(",")]
        rows, secs = naive(docs, gold, ks)
        for k, pu, nm in rows:
            print(f"naive baseline k={k:3d}: purity {pu:.3f}, NMI {nm:.3f}")
        print(f"(baseline total {secs:.1f}s)")


if __name__ == "__main__":
    main()
