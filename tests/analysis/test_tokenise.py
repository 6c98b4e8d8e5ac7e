import subprocess
import sys
import textwrap

import numpy as np
import pytest

from consult.analysis.pipeline import resources, tokenise


@pytest.fixture(scope="module")
def spec():
    return resources.dictionary_spec()


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
def test_user_dictionary_terms_are_kept_whole(backend, spec):
    seg = tokenise.Segmenter(backend, spec)
    toks = seg.content_tokens("小区旁边要建垃圾中转站，补偿标准太低，安置房回迁遥遥无期")
    for word in ("垃圾中转站", "补偿标准", "安置房", "回迁"):
        assert word in toks
    assert "，" not in toks and "要" not in toks


def test_backends_agree_on_user_words(spec):
    a = tokenise.Segmenter("rjieba", spec).content_tokens("反对垃圾中转站选址，要求公开环评报告")
    b = tokenise.Segmenter("jieba", spec).content_tokens("反对垃圾中转站选址，要求公开环评报告")
    assert a == b


def test_extra_user_dictionary_is_loaded(tmp_path):
    extra = tmp_path / "extra.txt"
    extra.write_text("# comment\n蓝鲸湾片区 100 ns\n", encoding="utf-8")
    spec = resources.dictionary_spec(str(extra))
    seg = tokenise.Segmenter("rjieba", spec)
    assert "蓝鲸湾片区" in seg.content_tokens("蓝鲸湾片区的居民反对")
    assert spec.digest != resources.dictionary_spec().digest


def test_global_jieba_is_never_touched():
    # a fresh interpreter: run the whole pipeline with both backends, then ask jieba's global instance
    code = textwrap.dedent(
        """
        import jieba
        from consult.analysis.pipeline import Document, Params, run
        docs = [Document(id=str(i), text=f"垃圾中转站臭味和扬尘问题{i}，补偿标准太低，安置房回迁") for i in range(12)]
        for backend in ("rjieba", "jieba"):
            run(docs, Params(tokenizer=backend, max_points=3))
        assert not jieba.dt.initialized, "jieba.dt was initialised"
        assert "垃圾中转站" not in jieba.lcut("垃圾中转站")
        assert jieba.dt.FREQ.get("垃圾中转站") is None
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_minhash_signatures_reflect_similarity():
    base = "坚决反对在幸福家园小区门口建垃圾中转站离住宅楼只有二十米夏天臭味怎么办"
    sig = tokenise.minhash_signatures([base, base + "同意", "拆迁补偿标准太低了我们要求提高补偿款", "短"])
    assert sig.shape == (4, tokenise.N_PERM)
    assert (sig[0] == sig[1]).mean() > 0.7
    assert (sig[0] == sig[2]).mean() < 0.2


def test_featurise_uses_persistent_cache(tmp_path, spec):
    path = tmp_path / "tok.cache"
    texts = ["垃圾中转站臭味", "补偿标准太低", "垃圾中转站臭味"]
    clean1, toks1, sigs1, stats1 = tokenise.featurise(texts, "rjieba", spec, str(path))
    assert stats1["cache_hits"] == 0 and stats1["tokenised"] == 2  # identical texts done once
    assert path.exists()
    clean2, toks2, sigs2, stats2 = tokenise.featurise(texts + ["新的文本噪音"], "rjieba", spec, str(path))
    assert stats2["cache_hits"] == 3 and stats2["tokenised"] == 1
    assert toks2[:3] == toks1 and clean2[:3] == clean1 and np.array_equal(sigs2[:3], sigs1)


def test_featurise_returns_scrubbed_text_and_tokens(spec):
    cleaned, toks, _, _ = tokenise.featurise(["电话１３８１２３４５６７８，垃圾中转站太臭！！"], "rjieba", spec)
    assert cleaned == ["电话[手机号],垃圾中转站太臭!"]
    assert "垃圾中转站" in toks[0].split() and "13812345678" not in toks[0]


def test_cache_from_another_dictionary_is_ignored(tmp_path, spec):
    path = tmp_path / "tok.cache"
    tokenise.featurise(["垃圾中转站臭味"], "rjieba", spec, str(path))
    *_, stats = tokenise.featurise(["垃圾中转站臭味"], "jieba", spec, str(path))
    assert stats["cache_hits"] == 0


def test_parallel_and_serial_tokenisation_agree(spec):
    texts = [f"第{i}号楼旁边垃圾中转站臭味严重，补偿标准太低{i % 7}" for i in range(300)]
    serial = tokenise.featurise(texts, "rjieba", spec, None, workers=1)
    parallel = tokenise.featurise(texts, "rjieba", spec, None, workers=2, parallel_min_docs=10)
    assert serial[0] == parallel[0] and serial[1] == parallel[1]
    assert np.array_equal(serial[2], parallel[2])


def test_masked_places_stay_one_token(spec):
    seg = tokenise.Segmenter("rjieba", spec)
    toks = seg.content_tokens("尊敬的领导您好！我是A市A1区魅力之城小区的业主，K8县B2乡的路灯不亮")
    for place in ("a市", "a1区", "k8县", "b2乡"):
        assert place in toks
    assert "尊敬" not in toks and "a1" not in toks


def _featurise_in_daemon(queue):
    spec = resources.dictionary_spec()
    texts = [f"垃圾中转站臭味{i}，补偿标准太低" for i in range(40)]
    _, toks, _, _ = tokenise.featurise(texts, "rjieba", spec, None, workers=2, parallel_min_docs=1)
    queue.put(len(toks))


def test_featurise_works_inside_a_daemon_process():
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_featurise_in_daemon, args=(queue,), daemon=True)
    proc.start()
    proc.join(60)
    assert proc.exitcode == 0 and queue.get(timeout=5) == 40
