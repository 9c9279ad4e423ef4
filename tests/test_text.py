"""The shared text conventions (qa/text.py) every stage relies on."""

from qa.text import split_statements, clauses, close_sentence, fold, normal_form, sentence_spans, split_sentences


def test_normal_form_unifies_width_case_and_whitespace():
    assert normal_form("６２.４４ ％ Geek＋\n") == "62.44%geek+"
    assert fold("ＡＩ 企业") == "ai 企业"


def test_sentences_keep_closing_quotes_and_offsets():
    text = "他说：“到2030年成为中心。”随后发布。没有句号的尾巴"
    assert split_sentences(text) == ["他说：“到2030年成为中心。”", "随后发布。", "没有句号的尾巴"]
    assert sentence_spans("甲。乙。", offset=10) == [(10, 12), (12, 14)]


def test_an_overlong_sentence_is_cut_at_semicolons():
    text = "第一部分很长；第二部分也很长；第三部分。"
    assert len(sentence_spans(text, max_chars=8)) == 3
    assert len(sentence_spans(text)) == 1


def test_clauses_do_not_split_inside_brackets_or_quotes():
    assert clauses("北京有119家（人民币69家，美元50家），其中“甲，乙”14家。") == [
        "北京有119家（人民币69家，美元50家），", "其中“甲，乙”14家。"]


def test_close_sentence():
    assert close_sentence("占比达62.44%，") == "占比达62.44%。"
    assert close_sentence("“成为中心。”") == "“成为中心。”"
    assert close_sentence("已经结束。") == "已经结束。"


def test_statements_are_cut_after_semicolons_outside_brackets():
    text = "全国企业较2018年新增44家，其中北京14家；全国获投企业1259家(含31家；上市公司)，其中北京442家。下一句。"
    assert split_statements(text) == ["全国企业较2018年新增44家，其中北京14家；",
                                      "全国获投企业1259家(含31家；上市公司)，其中北京442家。", "下一句。"]


def test_a_refusal_names_the_users_word_as_written():
    from qa.text import as_written
    assert as_written("gdp", "北京AI产业占GDP的比重") == "GDP"
    # the whole group is not in the question ("C轮以后"): its Latin word is still written as the user wrote it
    assert as_written("c轮及以后", "C轮以后的企业占比多少") == "C轮及以后"
    assert as_written("a轮", "Ai企业有多少") == "a轮"  # "a" only inside another word: left as it is
