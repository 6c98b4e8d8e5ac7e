import numpy as np

from consult.analysis.pipeline import vectorise


def test_char_bigrams_count_pairs_within_each_text_only():
    texts = ["垃圾中转站臭味", "", "a垃圾b", "补偿标准太低补偿", "x", "站臭"]
    m = vectorise.char_bigram_counts(texts)
    assert m.shape[0] == len(texts)
    assert [int(m[i].sum()) for i in range(len(texts))] == [6, 0, 1, 7, 0, 1]
    # the repeated pair 补偿 is counted twice in one column
    assert m[3].max() == 2
    # "站臭" is the same pair in texts 0 and 5; no pair spans 味|(next text)
    assert m[5].indices[0] in set(m[0].indices)


def test_word_counts_and_tfidf():
    counts, terms = vectorise.word_counts(["噪音 扬尘 噪音", "噪音 垃圾", "垃圾 臭味"])
    assert terms == ["噪音", "扬尘", "垃圾", "臭味"]
    assert counts[0, 0] == 2
    x, keep, idf = vectorise.tfidf(counts, min_df=2, max_df=1.0)
    assert [terms[j] for j in keep] == ["噪音", "垃圾"]
    assert np.allclose(np.linalg.norm(x.toarray(), axis=1)[:2], 1.0)


def test_lsa_is_deterministic_and_normalised():
    rng = np.random.RandomState(0)
    import scipy.sparse as sp

    m = sp.random(60, 40, density=0.2, random_state=rng, format="csr")
    a = vectorise.lsa(m, np.arange(60), 10, seed=3)
    b = vectorise.lsa(m, np.arange(60), 10, seed=3)
    assert np.array_equal(a, b)
    norms = np.linalg.norm(a, axis=1)
    assert np.allclose(norms[norms > 0], 1.0, atol=1e-5)


def test_normalize_matches_sklearn_bit_for_bit():
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize as sk_normalize

    rng = np.random.RandomState(1)
    m = sp.random(300, 80, density=0.1, random_state=rng, format="csr", dtype=np.float32)
    m = sp.vstack([m[:5], sp.csr_matrix((1, 80), dtype=np.float32), m[6:]]).tocsr()  # a zero row
    assert np.array_equal(vectorise.normalize(m).toarray(), sk_normalize(m).toarray())
    d = rng.rand(50, 7).astype(np.float32)
    d[3] = 0
    assert np.array_equal(vectorise.normalize(d), sk_normalize(d))


def test_warm_transform_reproduces_the_fit():
    import scipy.sparse as sp

    rng = np.random.RandomState(2)
    counts = sp.random(80, 30, density=0.3, random_state=rng, format="csr", dtype=np.float32)
    counts.data = np.ceil(counts.data * 3)
    x, keep, idf = vectorise.tfidf(counts, min_df=2, max_df=0.9)
    assert np.allclose(vectorise.tfidf_apply(counts, keep, idf).toarray(), x.toarray())
    lsa_x, comp = vectorise.lsa_fit(x, np.arange(80), 5, seed=1)
    assert np.allclose(vectorise.lsa_apply(x, comp), lsa_x, atol=1e-5)
