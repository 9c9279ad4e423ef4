"""Names the corpus spells differently are corrected to its spelling, and only those (`qa/understand/spelling.py`)."""

from __future__ import annotations


def test_a_two_character_name_jieba_does_not_know_is_corrected_by_sound(assistant) -> None:
    assert assistant.understand("矿视和商汤，谁成立得更早？").searched == "旷视和商汤，谁成立得更早？"


def test_a_dictionary_word_that_sounds_like_a_corpus_word_is_left_alone(assistant) -> None:
    """领衔 (lǐngxián) is a word of jieba's dictionary the report never writes; the report's 领先 sounds the same."""
    assert assistant.understand("北京哪家AI公司领衔？").searched == "北京哪家AI公司领衔？"


def test_a_made_up_word_is_not_turned_into_a_dictionary_word(assistant) -> None:
    """Only names are corrected by sound: an HMM-made word (企页, like 花是 of "花是什么样的") that sounds like a
    dictionary word of the corpus (企业, like 化石) is left to retrieval, since most such words are cut across words."""
    assert assistant.understand("北京的企页有多少家？").searched == "北京的企页有多少家？"


def test_one_character_words_are_not_rewritten_into_a_dictionary_word(assistant) -> None:
    """"实验是" (实验/是) sounds like the report's word 实验室; the names 特斯连 and the word 美圆 (亿/美圆) are corrected."""
    assert assistant.understand("报告里的实验是什么？").searched == "报告里的实验是什么？"
    assert assistant.understand("特斯连是哪年成立的？").searched == "特斯联是哪年成立的？"
    assert "美元" in assistant.understand("融资6亿美圆的一共几家").searched


def test_a_noun_one_character_of_the_same_sound_away_is_corrected(assistant) -> None:
    """海定 (dìng) is one character from the report's 海淀 (diàn), whose initial it shares: a pinyin input slip."""
    assert assistant.understand("海定区的AI企业占比是多少？").searched == "海淀区的AI企业占比是多少？"
    assert assistant.understand("海定的AI企业在全北京占比大概多少？").searched.startswith("海淀的")


def test_a_name_sounding_alike_wins_over_a_word_one_character_away(assistant) -> None:
    """智车优形 sounds like the report's 智车优行; 优形 is also one character (of the same initial) from 优秀."""
    assert assistant.understand("智车优形那次6亿美元属于什么性质的投资").searched.startswith("智车优行")


def test_only_nouns_are_corrected_one_character_away(assistant) -> None:
    """依图 (a company the report never names) is tagged a verb; the report's 依托 is one character of the same
    initial away, and "依托科技" would be a question about something else."""
    assert assistant.understand("依图科技最近一轮单次融资是多少？").searched == "依图科技最近一轮单次融资是多少？"


def test_a_noun_two_corpus_words_are_one_character_away_from_is_left_alone(assistant) -> None:
    """寄构 (jì) is as near 机构 as 结构 (jī, jié): no one word is meant, so none is put in."""
    assert assistant.understand("北京投资AI的寄构有多少家？").searched == "北京投资AI的寄构有多少家？"


def test_a_misspelt_name_jieba_joins_with_the_word_before_it_is_corrected(assistant) -> None:
    """jieba's HMM makes one word of 里 and the misspelt 清云 ("里清云"); the pair sounds like the report's 青云."""
    assert "青云" in assistant.understand("表1里清云那轮D轮是啥时候融的？").searched


def test_a_misspelt_place_is_corrected_by_any_reading_and_flat_initials(assistant) -> None:
    """朝 reads chao or zhao, and 曹 (cao) is 朝 (chao) to a speaker who does not tell ch from c: inside a word
    jieba's dictionary lacks (比朝杨, 曹阳区), two characters that may sound like a place of the corpus are that place."""
    assert "海淀比朝阳多" in assistant.understand("百强里北京那批，海淀比朝杨多出几家？").searched
    assert assistant.understand("曹阳区的获投AI企业占比是多少？").searched.startswith("朝阳区")
    # …and two one-character words jieba cut it into (和/朝/杨: a preposition and a surname)
    assert "海淀和朝阳两个区" in assistant.understand("海殿和朝杨两个区的AI企业加一块能占多少？").searched


def test_a_place_jieba_knows_that_sounds_like_one_of_the_corpus_is_that_place(assistant) -> None:
    """潮阳 is a place of jieba's dictionary (in Guangdong), read chao; the report's 朝阳 is read zhao or chao: a place
    name the corpus lacks that may sound like exactly one of its places is that place. A place sounding like none
    (丰台, 上海) stays as asked, and its question is refused as before."""
    assert assistant.understand("潮阳有几家百强AI企业？").searched.startswith("朝阳有几家")
    assert assistant.understand("丰台区的AI企业占比多少？").searched.startswith("丰台区")
    assert assistant.understand("上海的AI企业有多少家？").searched.startswith("上海")


def test_a_loose_sound_corrects_only_to_a_place(assistant) -> None:
    """企页 may sound like the report's 企业, but 企业 is no place: the loose reading never makes a common word."""
    assert assistant.understand("北京的企页有多少家？").searched == "北京的企页有多少家？"


def test_a_place_jieba_knows_is_no_misspelling_of_a_word_it_knows(assistant) -> None:
    """成都 sounds like the report's 程度; both are words of jieba's dictionary, so 成都 is meant, and the question
    about a city the report never names is refused, not answered about 程度."""
    assert assistant.understand("成都的AI企业里拿过VC的有几家？").searched.startswith("成都")
    assert not assistant.ask("成都的AI企业里拿过VC的有几家？").answered


def test_dictionary_words_sharing_characters_are_spellings_of_one_word(assistant) -> None:
    """冰淇淋 and 霜淇淋 are one dessert written two ways, 成都 and 程度 two words that sound alike."""
    from qa.understand.spelling import NameCorrector

    corrector = NameCorrector(assistant.segmenter, assistant.context.terms, lambda text: False)
    assert corrector._homophones("成都", "程度")
    assert not corrector._homophones("冰淇淋", "霜淇淋") and not corrector._homophones("旷世", "旷视")


def test_a_rare_word_jieba_tags_a_name_that_sounds_like_a_corpus_name_is_that_name(assistant) -> None:
    """旷世 ("unrivalled") is in jieba's dictionary, tagged nr but too rare (16) to be a name it knows; it sounds
    exactly like the report's 旷视, which the dictionary lacks. 领衔 (a dictionary verb, not a name) stays."""
    assert assistant.understand("字节跳动那笔融资是曠世的幾倍？").searched == "字节跳动那笔融资是旷视的几倍？"
    assert assistant.understand("北京哪家AI公司领衔？").searched == "北京哪家AI公司领衔？"
    # a common noun (矿石, n) is no misspelt name, nor is a rare name (卫浴 nr, 梅园 nr) one of a dictionary word
    # of the corpus that sounds the same (位于, 美元)
    for question in ("北京的矿石企业有多少家？", "北京卫浴企业有多少家？", "梅园在哪里？"):
        assert assistant.understand(question).searched == question


def test_pinyin_with_u_for_ü_is_the_name_it_spells(assistant) -> None:
    """pypinyin writes 略 as "lve"; people type "Minglue" for 明略."""
    assert assistant.understand("Minglue数据那轮D轮是啥时候融的").searched.startswith("明略数据")


def test_two_one_character_words_sounding_like_a_corpus_name_are_that_name(assistant) -> None:
    """商烫 is cut 商/烫 and sounds exactly like the report's 商汤; 花是 (花/是) sounds like 化石, a dictionary word."""
    assert assistant.understand("商燙那筆D輪是曠視那筆的幾倍啊？").searched.startswith("商汤那笔")
    from qa.understand.spelling import NameCorrector

    words = ("化石", "商汤", "万石")

    class Words:
        """A corpus whose words are 化石 (a dictionary word), 商汤 and 万石 (names jieba's dictionary lacks)."""

        def has_term(self, term: str) -> bool:
            return term in words

        def vocabulary(self) -> tuple[str, ...]:
            return words

    corrector = NameCorrector(assistant.segmenter, Words(), lambda text: text in words)
    assert corrector.corrected("花是什么样的") == "花是什么样的"
    assert corrector.corrected("商烫是哪年成立的") == "商汤是哪年成立的"
    assert corrector.corrected("魏玩是谁的妻子") == "魏玩是谁的妻子"  # 玩是 sounds like 万石, but 是 is a stopword
