from consult.analysis.pipeline.normalise import clean, normalise, scrub


def test_full_width_letters_digits_become_half_width():
    assert normalise("ＡＢＣ１２３ｘｙｚ") == "ABC123xyz"


def test_punctuation_is_unified_and_repeats_collapsed():
    assert normalise("太差了！！！真的？？“说法”、还有……") == '太差了!真的?"说法",还有.'


def test_urls_and_markup_are_stripped():
    out = normalise("看<b>这里</b>：http://example.cn/a?b=1 和 www.foo.com/x 好&amp;坏")
    assert "http" not in out and "www" not in out and "<b>" not in out
    assert "这里" in out and "好&坏" in out


def test_whitespace_collapsed():
    assert normalise("  一  二\u3000三 \n\n 四 ") == "一 二 三\n四"


def test_scrubs_mobile_numbers_in_several_shapes():
    for raw in ("电话13812345678。", "电话 138-1234-5678", "电话+86 138 1234 5678", "电话１３８１２３４５６７８"):
        out = clean(raw)
        assert "1234" not in out and "[手机号]" in out, (raw, out)


def test_scrubs_id_cards_emails_and_landlines():
    out = clean("身份证110101199003077777和11010119900307777X，邮箱 zhang.san@qq.com，座机010-62345678")
    assert "[身份证号]" in out and "[邮箱]" in out and "[电话]" in out
    assert "1101" not in out and "qq.com" not in out and "62345678" not in out


def test_does_not_scrub_ordinary_numbers():
    text = "补偿每平米3500元，共12345678901元？面积120平方米，2023年"
    assert scrub(text).count("[") == 0
