"""Warm start: a re-run reuses a cold run's fitted state when the corpus has barely changed."""
from collections import Counter
from dataclasses import replace

import pytest

from consult.analysis.pipeline import Document, Params, fitstate, run


def _docs(rows, prefix=""):
    return [Document(id=prefix + r["id"], text=r["text"], title=r.get("title"), stance=r.get("stance")) for r in rows]


@pytest.fixture(scope="module")
def corpus(devset_module):
    rows = devset_module.generate(600, seed=11)
    extra = devset_module.generate(60, seed=12)
    return _docs(rows), _docs(extra, "new-"), {**{r["id"]: r["topic"] for r in rows},
                                                **{"new-" + r["id"]: r["topic"] for r in extra}}


def _body(result) -> dict:
    data = result.to_dict(include_stats=False)
    return {k: data[k] for k in ("risk_points", "duplicates", "unassigned")}


def _accounted(result, docs) -> None:
    seen = [i for p in result.risk_points for i in p.doc_ids] + result.unassigned
    assert Counter(seen) == Counter(d.id for d in docs)


@pytest.fixture()
def cold(tmp_path, corpus):
    docs, _, _ = corpus
    params = Params(max_points=20, cache_path=str(tmp_path / "tok.cache"))
    result = run(docs, params)
    return params, result


def test_cold_run_writes_the_fit_and_says_so(cold):
    params, result = cold
    prov = result.provenance
    assert prov["mode"] == "cold" and prov["warm_from"] is None
    assert fitstate.state_path(params.cache_path, prov["fit_fingerprint"]).exists()
    assert result.to_dict(include_stats=False)["provenance"]["run_fingerprint"] == prov["run_fingerprint"]


def test_warm_start_on_unchanged_input_gives_the_cold_result(cold, corpus):
    docs, _, _ = corpus
    params, first = cold
    again = run(list(reversed(docs))[::-1], params)
    assert again.provenance["mode"] == "warm"
    assert again.provenance["warm_from"] == first.provenance["run_fingerprint"]
    assert again.provenance["overlap"] == 1.0
    assert _body(again) == _body(first)
    # and the cold run with a cache equals one without any cache
    assert _body(run(docs, replace(params, cache_path=None))) == _body(first)


def test_added_texts_go_into_points(cold, corpus):
    docs, extra, topic = corpus
    params, first = cold
    added = extra[:6]  # 1 %
    # a near-copy of a known text joins that text's duplicate group
    copy = Document(id="copy-1", text=docs[0].text + "！！", title=docs[0].title)
    plus = docs + added + [copy]
    result = run(plus, params)
    assert result.provenance["mode"] == "warm" and result.provenance["warm_from"] == first.provenance["run_fingerprint"]
    _accounted(result, plus)
    where = result.assignment()
    assert all(where[d.id] is not None for d in added)
    point = {p.id: p for p in result.risk_points}
    majority = {pid: Counter(topic.get(i, "?") for i in p.doc_ids).most_common(1)[0][0] for pid, p in point.items()}
    assert sum(majority[where[d.id]] == topic[d.id] for d in added) >= 5
    assert any({docs[0].id, "copy-1"} <= set(g.doc_ids) for g in result.duplicates)
    assert where["copy-1"] == where[docs[0].id]
    assert result.stats["new_texts"] == 7
    # deterministic for the same input and the same cache state
    assert _body(run(plus, params)) == _body(result)


def test_removed_texts_leave_the_points(cold, corpus):
    docs, _, _ = corpus
    params, _ = cold
    fewer = docs[:595]
    result = run(fewer, params)
    assert result.provenance["mode"] == "warm"
    _accounted(result, fewer)


def test_below_the_overlap_threshold_the_run_is_cold(cold, corpus):
    docs, extra, _ = corpus
    params, first = cold
    plus = docs + extra  # 10 % new: overlap 0.909
    result = run(plus, params)
    assert result.provenance["mode"] == "cold"
    assert "overlap" in result.provenance["note"] and result.provenance["overlap"] < 0.95
    assert _body(result) == _body(run(plus, replace(params, cache_path=None)))
    # the cold run refreshed the cached fit; a looser threshold starts warm from it
    back = run(docs, params)
    assert back.provenance["mode"] == "cold"  # 600 of 660: below 0.95 again
    loose = run(plus, replace(params, warm_min_overlap=0.5))
    _accounted(loose, plus)
    assert loose.provenance["mode"] == "warm" and loose.provenance["warm_from"] == back.provenance["run_fingerprint"]


def test_warm_start_false_forces_a_cold_run(cold, corpus):
    docs, _, _ = corpus
    params, first = cold
    result = run(docs, replace(params, warm_start=False))
    assert result.provenance["mode"] == "cold" and result.provenance["note"] == "warm start off"
    assert _body(result) == _body(first)


def test_other_fitted_parameters_do_not_reuse_the_fit(cold, corpus):
    docs, _, _ = corpus
    params, _ = cold
    result = run(docs, replace(params, max_points=12))
    assert result.provenance["mode"] == "cold"
    assert len(result.risk_points) <= 12
    # description-only parameters share the fit
    assert run(docs, replace(params, n_keywords=5)).provenance["mode"] == "warm"


def test_a_damaged_fit_file_means_a_cold_run(cold, corpus):
    docs, _, _ = corpus
    params, first = cold
    fitstate.state_path(params.cache_path, first.provenance["fit_fingerprint"]).write_bytes(b"not a pickle")
    result = run(docs, params)
    assert result.provenance["mode"] == "cold"
    assert _body(result) == _body(first)
