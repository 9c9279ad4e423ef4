"""jieba with the project's dictionary: domain terms whole, numbers whole, no stopwords or punctuation."""

import random

import jieba.posseg
import pytest

from qa.segment.tokenizer import MAX_HMM_CHARS, MAX_HMM_UNKNOWN, Segmenter, decode_tags, encode_tags, get_segmenter


def test_the_corpus_vocabulary_keeps_names_and_terms_whole():
    text = "商汤科技和智车优行都在表中，北京智源人工智能研究院也在"
    plain = get_segmenter().words(text)
    assert "智车优行" not in plain and "北京智源人工智能研究院" not in plain
    tokens = get_segmenter(("智车优行 nt", "北京智源人工智能研究院")).words(text)
    assert "智车优行" in tokens and "北京智源人工智能研究院" in tokens


def test_a_word_the_hmm_makes_around_de_is_cut_at_it():
    """jieba's HMM joins "融的资" (of the split verb 融…资): no word, cut at 的; a dictionary word with 的 stays."""
    words = get_segmenter().words("哪些公司是在2018年下半年融的资？")
    assert "融的资" not in words and words[-3:] == ["融", "的", "资"]
    assert "目的地" in get_segmenter().words("这趟的目的地是哪里")


def test_a_word_the_hmm_makes_of_the_superlative_is_cut_after_it():
    """"最火" is no word: 最 grades, 火 is what a report may write; dictionary words with 最 stay whole."""
    words = get_segmenter().words("哪个区最火，最早成立的是哪家")
    assert words[2:4] == ["最", "火"] and "最早" in words


def test_vocabulary_tags_make_names():
    assert "智车优行" in get_segmenter(("智车优行 nt",)).names("智车优行的情况")


def test_numbers_percentages_and_dates_stay_whole():
    tokens = get_segmenter().index_tokens("海淀区占比达62.44%，成立于2011-10，融资1.5亿美元")
    assert "62.44%" in tokens and "2011-10" in tokens and "1.5" in tokens


def test_full_width_digits_are_normalised():
    assert "62.44%" in get_segmenter().index_tokens("占比６２.４４％")


def test_year_month_also_indexed_in_table_form():
    assert "2017.6" in get_segmenter().index_tokens("青云在2017年6月获得了多少融资？")


def test_stopwords_and_punctuation_stay_out_of_the_index():
    tokens = get_segmenter(("人工智能企业",)).index_tokens("北京的人工智能企业有多少家？是什么、为什么！")
    assert not {"的", "有", "多少", "是", "什么", "？", "、", "！"} & set(tokens)
    assert "北京" in tokens and "人工智能企业" in tokens


def test_search_mode_yields_sub_words_for_recall():
    tokens = get_segmenter().index_tokens("人工智能")
    assert {"人工", "智能", "人工智能"} <= set(tokens)


def test_names_finds_places_and_latin_words():
    names = get_segmenter().names("广州和ChatGPT的情况")
    assert "广州" in names and "chatgpt" in names


def test_names_trusts_weak_tags_only_for_well_known_words():
    names = get_segmenter().names("初速度科技的英文名是什么？腾讯呢？")
    assert "英文名" not in names and "腾讯" in names


def test_common_words_the_dictionary_tags_as_names_are_no_names():
    segmenter = get_segmenter()
    assert segmenter.names("国内的投资机构，光北京一个城市就占了多少？") == ["北京"]  # 城市: ns in jieba
    assert "东西" not in segmenter.names("AI公司主要在哪几样东西上得自己掏大钱？")
    assert not segmenter.is_listed_place("上市") and segmenter.is_listed_place("上海")


def test_traditional_script_and_taiwan_wording_become_simplified():
    from qa.segment.script import to_simplified
    assert to_simplified("哪個區的人工智慧企業最多？") == "哪个区的人工智能企业最多？"
    assert to_simplified("北京市人工智能企业主要集中于海淀区") == "北京市人工智能企业主要集中于海淀区"


def test_simplified_text_is_never_rewritten_by_the_taiwan_phrase_table():
    from qa.segment.script import to_simplified
    question = "与2018年5月相比，北京新增了多少家人工智能企业？"
    assert to_simplified(question) == question  # tw2sp alone would turn 新增 into 添加


def test_english_aliases_are_indexed_with_their_chinese_forms_on_both_sides():
    segmenter = get_segmenter()
    question = segmenter.index_tokens("北京有多少家AI startup拿到了VC？")
    assert {"人工智能", "初创", "风险投资"} <= set(question)
    assert "人工智能" in segmenter.index_tokens("AI企业在各行各业展开布局")  # the passage side gets the same form
    assert segmenter.alias_forms("ai") == ("人工智能",) and segmenter.alias_forms("海淀") == ()


def test_fillers_and_general_frequency():
    segmenter = get_segmenter()
    assert segmenter.is_filler("到底") and segmenter.is_filler("来着") and not segmenter.is_filler("融资")
    assert segmenter.is_function_word("跟") and segmenter.is_function_word("着") and segmenter.is_function_word("呗")
    assert not segmenter.is_function_word("根据") and not segmenter.is_function_word("钱")
    assert segmenter.token_share("做") > segmenter.token_share("融资") > segmenter.token_share("营收") == 0.0


def _hmm_input(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts jieba's POS tagger hands its (real) HMM Viterbi from now on."""
    seen: list[str] = []
    viterbi = jieba.posseg.viterbi

    def recording(obs: str, *args: object) -> object:
        seen.append(obs)
        return viterbi(obs, *args)

    monkeypatch.setattr(jieba.posseg, "viterbi", recording)
    return seen


@pytest.mark.parametrize("letters", ["", "abcxyzAI5G"])
def test_the_hmm_work_of_names_is_bounded_per_question(monkeypatch: pytest.MonkeyPatch, letters: str) -> None:
    """Random rare characters (with Latin letters between them, which cut the text into many pieces) once cost
    150 ms in `names`: what the HMM re-cuts is bounded for the whole question, not per piece."""
    rng = random.Random(7)
    text = "".join(rng.choice([chr(rng.randint(0x4E00, 0x9FA5)), rng.choice(letters or "一")]) for _ in range(96))
    seen = _hmm_input(monkeypatch)
    get_segmenter().names(text)
    chars = "".join(seen)
    assert len(chars) <= MAX_HMM_CHARS
    assert sum(ch not in jieba.posseg.char_state_tab_P for ch in chars) <= MAX_HMM_UNKNOWN


def test_ordinary_questions_keep_the_hmm(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _hmm_input(monkeypatch)
    # Traditional text is cut as its Simplified characters; names come in that canonical form
    assert get_segmenter().names("陳天石創辦的寒武紀成立於哪年") == ["寒武纪"]  # the HMM re-cuts 陈天石
    assert seen


def test_tags_written_at_index_time_read_back_exactly(report_text: str) -> None:
    segmenter = get_segmenter()
    for sentence in [s for s in report_text.split("。")[:80] if s] + ["融资2,173亿元", "", "AI芯片，寒武纪"]:
        tagged = segmenter.tagged(sentence)
        encoded = encode_tags(sentence, tagged)
        assert encoded is not None and decode_tags(sentence, encoded) == tagged
    assert encode_tags("人工智能", [("人工", "n")]) is None  # words that are not the text are not stored


def test_remembered_tags_are_read_not_recomputed(monkeypatch: pytest.MonkeyPatch) -> None:
    sentence = "北京旷视科技有限公司于2011年10月成立，总部位于海淀区。"
    expected = get_segmenter(("旷视科技 nt",)).tagged(sentence)
    fresh = Segmenter(("旷视科技 nt",))  # what a loaded index's segmenter is: same vocabulary, nothing cached
    fresh.remember_tags([sentence, "另一句"], [encode_tags(sentence, expected), None])

    def no_tagging(*args: object, **kwargs: object) -> None:
        raise AssertionError("jieba was asked to tag a sentence whose tags were remembered")

    monkeypatch.setattr(fresh._pos, "lcut", no_tagging)
    assert fresh.tagged(sentence) == expected
    with pytest.raises(AssertionError):
        fresh.tagged("另一句")  # no stored tags: tagged by jieba as usual


def test_a_filler_jieba_tags_as_a_name_is_no_name(assistant):
    """那阵子 (nr to jieba) only makes the question chatty: it is no name the report must write."""
    assert "那阵子" not in assistant.segmenter.names("2018年那阵子，海淀、朝阳之外的其他区在北京获投AI企业里占多少？")
    answer = assistant.ask("2018年那陣子，海淀、朝陽之外的其他區在北京獲投AI企業裡佔多少？")  # 其他 is 其它 too
    assert answer.answered and "10.51%" in answer.answer


def test_a_chat_word_jieba_would_cut_is_kept_whole_to_be_read_as_written() -> None:
    """"风投" (jieba: 风/投) is a chat word of `data/synonyms.txt`: kept whole, it is matched as 风险投资."""
    segmenter = get_segmenter()
    assert "风投" in segmenter.words("没拿过风投的企业") and segmenter.aliases["风投"] == ("风险投资",)
